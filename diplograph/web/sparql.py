"""The SPARQL 1.1 Protocol endpoint, ``/sparql`` (https://www.w3.org/TR/sparql11-protocol/).

- query by GET (``?query=``), by POST form-encoded (``query=``) or by POST
  ``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` as the
  protocol says; ``format=`` (a short name or a media type) for browsers, else ``Accept``;
- updates (``update=``, ``application/sparql-update``) refused with 403;
- no query: the service description (Turtle unless asked otherwise).

The work happens in a query worker (:mod:`diplograph.web.pool`), under the time limit.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import formats
from .answers import Answer
from .errors import BadRequest, NotAcceptable, Refused, TooLarge, WebError
from .inspection import READ_ONLY
from .negotiation import accepts_html, choose
from .service import service_description

#: the largest request body taken (a query text, a form)
MAX_BODY = 1_000_000

PROTOCOL_PARAMETERS = ("query", "update", "default-graph-uri", "named-graph-uri", "format", "using-graph-uri",
                       "using-named-graph-uri")


class Unsupported(WebError):
    status = 415


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(f"the request body is over {MAX_BODY:,} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TooLarge(f"the request body is over {MAX_BODY:,} bytes")
    return body


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


async def protocol_parameters(request: Request) -> tuple[list[tuple[str, str]], str | None]:
    """The request's parameters (URL and form body) and, for a direct POST, the query text."""
    parameters = list(request.query_params.multi_items())
    if request.method != "POST":
        return parameters, None
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    body = await _body(request)
    try:
        text = body.decode(_charset(content_type))
    except (LookupError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the request body is not text in its declared charset: {exc}") from None
    if media == "application/x-www-form-urlencoded":
        return parameters + parse_qsl(text, keep_blank_values=True), None
    if media == "application/sparql-query":
        return parameters, text
    if media == "application/sparql-update":
        raise Refused(READ_ONLY)
    raise Unsupported(f"a POST to the SPARQL endpoint is application/x-www-form-urlencoded or "
                      f"application/sparql-query, not {media or 'without a Content-Type'}")


def _one(parameters: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in parameters if k == name]
    if len(values) > 1:
        raise BadRequest(f"the parameter '{name}' is given {len(values)} times; the protocol allows one")
    return values[0] if values else None


def endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


async def sparql_endpoint(request: Request) -> Response:
    parameters, direct_query = await protocol_parameters(request)
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in parameters):
        raise Refused(READ_ONLY)
    query = direct_query if direct_query is not None else _one(parameters, "query")
    if direct_query is not None and _one(parameters, "query") is not None:
        raise BadRequest("a query sent as application/sparql-query cannot have a query= parameter as well")
    format_param = tuple(dict.fromkeys(v for k, v in parameters if k == "format"))
    if query is None:
        if request.method == "POST":
            raise BadRequest("the request has no query (query= in the form, or an application/sparql-query body)")
        return await description(request, format_param)
    settings = request.app.state.settings
    answer: Answer = await request.app.state.pool.run(
        "sparql", query=query,
        default_graphs=tuple(v for k, v in parameters if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in parameters if k == "named-graph-uri"),
        accept=request.headers.get("accept"), format_param=format_param, max_rows=settings.max_rows)
    return Response(answer.body, media_type=answer.content_type, headers=answer.all_headers())


EXAMPLE = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?act ?label ?trigger WHERE {
  ?act dg:retaliatesFor ?trigger ; rdfs:label ?label .
} ORDER BY ?label LIMIT 20"""


async def description(request: Request, format_param: tuple[str, ...]) -> Response:
    if not format_param and accepts_html(request.headers.get("accept")):
        # a person following the endpoint's link: a form to write a query in
        from .templating import render

        settings = request.app.state.settings
        return render(request, "sparql.html", endpoint=endpoint_url(request), example=EXAMPLE,
                      timeout=settings.timeout, max_rows=settings.max_rows, headers={"Vary": "Accept"})
    if format_param:
        fmt = formats.by_name(format_param[0], formats.GRAPH)
    else:
        fmt = choose(request.headers.get("accept"), formats.GRAPH)
        if fmt is None and "html" in (request.headers.get("accept") or ""):
            fmt = formats.GRAPH[0]  # a browser: Turtle is text it can show
    if fmt is None:
        raise NotAcceptable(f"the service description is available as {formats.names(formats.GRAPH)}")
    settings = request.app.state.settings
    counts = await request.app.state.pool.run("graph_counts")
    graph = service_description(endpoint_url(request), counts, timeout=settings.timeout, max_rows=settings.max_rows)
    if fmt.name == "jsonld":
        body = graph.serialize(format="json-ld", encoding="utf-8")
    else:  # rdflib writes this small graph more readably than a stream of triples
        body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    media = fmt.content_type
    if fmt.name == "turtle" and "html" in (request.headers.get("accept") or "") and not format_param:
        media = "text/plain; charset=utf-8"  # shown, not downloaded, by a browser
    return Response(body, media_type=media, headers={"Vary": "Accept"})


routes = [Route("/sparql", sparql_endpoint, methods=["GET", "POST", "HEAD"])]

"""The stored queries of ``queries/`` at their own URLs (as datasette serves canned queries).

- ``/queries/`` lists them with their titles and parameters (JSON, or HTML for browsers);
- ``/queries/{name}`` runs one with ``?param=value`` (the same values as
  ``diplograph query NAME -p param=value``), answering JSON, XML, CSV or TSV by ``Accept``
  or ``format=``, or ``/queries/{name}.csv`` and the other suffixes;
- ``/queries/{name}.rq`` is its SPARQL text.

Every answer carries the source and the licence of the data: ``Link`` headers
(``rel="license"``, ``rel="describedby"`` to the query text), and in JSON and XML the
same links in the results' ``head``; JSON also a ``diplograph`` member with the query,
its parameters, the dataset, the licence and how to cite it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import queries
from ..export import LICENCE
from . import formats, provenance
from .answers import Answer, pick_format, run_query
from .engine import DEFAULT_DATASET, Dataset, Engine
from .errors import BadRequest, NotFound
from .inspection import QueryShape
from .negotiation import accepts_html

RESERVED = ("format",)


# ---------------------------------------------------------------------------
# In the worker
# ---------------------------------------------------------------------------

def answer(engine: Engine, *, name: str, values: dict[str, str], accept: str | None, format_param: str | None,
           max_rows: int, source_url: str) -> Answer:
    try:
        named = queries.get(name)
        bound = queries.bindings(named, values)
    except queries.QueryError as exc:
        raise (NotFound if "no stored query" in str(exc) else BadRequest)(str(exc)) from None
    fmt = pick_format(named.form, accept, format_param)
    note = provenance.note(query=name, title=named.title, parameters={k: str(v) for k, v in values.items()},
                           source=source_url)
    result = run_query(engine, named.text, QueryShape(named.form, False), Dataset(DEFAULT_DATASET, DEFAULT_DATASET),
                       fmt, max_rows, bindings=bound, hide=frozenset(bound), links=(source_url, str(LICENCE)),
                       note=note)
    result.headers["Link"] = provenance.link_header((source_url, "describedby"))
    result.headers["Vary"] = "Accept"
    return result


def rows(engine: Engine, *, name: str, values: dict[str, str], max_rows: int) -> dict:
    """The answer as rows of terms, for the HTML table."""
    from itertools import islice

    from ..store.terms import from_ox

    try:
        named = queries.get(name)
        bound = queries.bindings(named, values)
    except queries.QueryError as exc:
        raise (NotFound if "no stored query" in str(exc) else BadRequest)(str(exc)) from None
    variables, solutions = engine.solutions(named.text, Dataset(DEFAULT_DATASET, DEFAULT_DATASET), bound,
                                            limit=max_rows + 1)
    keep = [i for i, v in enumerate(variables) if v not in bound]
    found = list(islice(solutions, max_rows + 1))
    return {"variables": [variables[i] for i in keep],
            "rows": [[from_ox(row[i]) for i in keep] for row in found[:max_rows]],
            "truncated": len(found) > max_rows, "row_limit": max_rows}


def graph_counts(engine: Engine) -> dict[str, int]:
    """Triples in each named graph of the store."""
    _, rows = engine.solutions("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                               Dataset(None, None))
    return {row[0].value: int(row[1].value) for row in rows if row[0] is not None}


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------

def describe(named: queries.NamedQuery, base_url: str) -> dict:
    return {
        "name": named.name,
        "title": named.title,
        "description": named.description,
        "form": named.form,
        "url": f"{base_url}queries/{named.name}",
        "source": f"{base_url}queries/{named.name}.rq",
        "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                        "description": p.description} for p in named.parameters],
    }


def _base_url(request: Request) -> str:
    return str(request.base_url)


def _wants_html(request: Request, format_param: str | None) -> bool:
    if format_param is not None:
        return format_param == "html"
    return accepts_html(request.headers.get("accept"))


async def list_queries(request: Request) -> Response:
    if _wants_html(request, request.query_params.get("format")):
        from .templating import render

        return render(request, "queries.html", queries=list(queries.library().values()),
                      headers={"Vary": "Accept"})
    base_url = _base_url(request)
    body = {"queries": [describe(q, base_url) for q in queries.library().values()],
            **provenance.note()}
    return JSONResponse(body, headers={"Link": provenance.link_header(), "Vary": "Accept"})


def _split_name(name: str) -> tuple[str, str | None]:
    """``retaliations.csv`` -> (``retaliations``, ``csv``); a name alone has no suffix."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem:
        return stem, suffix
    return name, None


async def run_stored(request: Request) -> Response:
    name, suffix = _split_name(request.path_params["name"])
    if suffix == "rq":
        try:
            named = queries.get(name)
        except queries.QueryError as exc:
            raise NotFound(str(exc)) from None
        return PlainTextResponse(named.text, media_type="application/sparql-query",
                                 headers={"Link": provenance.link_header()})
    if suffix not in (None, "html") and formats.by_name(suffix, formats.RESULTS) is None:
        raise NotFound(f"no such format .{suffix} for a stored query (it can be: "
                       f"{', '.join(f.suffix for f in formats.RESULTS)}, or rq for the query text)")
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        if key in values:
            raise BadRequest(f"the parameter '{key}' is given twice")
        if value != "":  # an empty form field means: the default
            values[key] = value
    format_param = suffix or request.query_params.get("format")
    if _wants_html(request, format_param):
        return await _html_answer(request, name, values)
    source_url = f"{_base_url(request)}queries/{name}.rq"
    result: Answer = await request.app.state.pool.run(
        "stored_query", name=name, values=values, accept=request.headers.get("accept"),
        format_param=format_param, max_rows=request.app.state.settings.max_rows, source_url=source_url)
    return Response(result.body, media_type=result.content_type, headers=result.all_headers())


async def _html_answer(request: Request, name: str, values: dict[str, str]) -> Response:
    from urllib.parse import urlencode

    from .templating import render

    answer = await request.app.state.pool.run("stored_rows", name=name, values=values,
                                              max_rows=request.app.state.settings.max_rows)
    query_string = urlencode(values)
    other = {fmt: f"/queries/{name}.{fmt}" + (f"?{query_string}" if query_string else "") for fmt in ("csv", "json")}
    return render(request, "query.html", query=queries.get(name), values=values, other_formats=other,
                  headers={"Vary": "Accept", "Link": provenance.link_header(
                      (f"{_base_url(request)}queries/{name}.rq", "describedby"))}, **answer)


routes = [
    Route("/queries/", list_queries, methods=["GET", "HEAD"]),
    Route("/queries/{name}", run_stored, methods=["GET", "HEAD"]),
]

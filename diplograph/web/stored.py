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


async def list_queries(request: Request) -> Response:
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
    if suffix is not None and formats.by_name(suffix, formats.RESULTS) is None:
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
    source_url = f"{_base_url(request)}queries/{name}.rq"
    result: Answer = await request.app.state.pool.run(
        "stored_query", name=name, values=values, accept=request.headers.get("accept"),
        format_param=format_param, max_rows=request.app.state.settings.max_rows, source_url=source_url)
    return Response(result.body, media_type=result.content_type, headers=result.all_headers())


routes = [
    Route("/queries/", list_queries, methods=["GET", "HEAD"]),
    Route("/queries/{name}", run_stored, methods=["GET", "HEAD"]),
]

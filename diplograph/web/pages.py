"""Linked data: every IRI minted under the base answers at this server's own address.

``https://w3id.org/diplograph/id/act/X`` is served at ``/id/act/X``: HTML for browsers,
Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads for programs (by ``Accept``, or by a
suffix: ``/id/act/X.ttl``), ``406`` for anything else, with ``Vary: Accept`` and a ``Link``
header to every other representation. Also here: the landing page, the ontology (its
documentation by pyLODE, or its triples), the VoID / DCAT description of the dataset
(``/.well-known/void`` and the dataset's IRI), and the dumps it lists.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import queries
from ..export import DATASET, LICENCE
from ..namespaces import ONTOLOGY_IRI
from . import formats, ontology_docs
from .answers import Answer
from .errors import NotAcceptable, NotFound
from .negotiation import choose
from .templating import TEMPLATES, render
from .void import DUMP_FORMATS, DUMPS, serialize, void_description

HTML = formats.Format("html", ("text/html", "application/xhtml+xml"), "", "html")
OFFERED = (HTML, *formats.GRAPH)


def _site(request: Request) -> str:
    return str(request.base_url)


def _split_suffix(path: str) -> tuple[str, formats.Format | None]:
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        for fmt in OFFERED:
            if suffix == fmt.suffix:
                return stem, fmt
    return path, None


def _negotiate(request: Request, suffix_format: formats.Format | None) -> formats.Format:
    if suffix_format is not None:
        return suffix_format
    fmt = choose(request.headers.get("accept"), OFFERED)
    if fmt is None:
        raise NotAcceptable(f"this resource is available as {formats.names(OFFERED)}")
    return fmt


def _links(local: str, iri: str) -> str:
    items = [f'<{iri}>; rel="canonical"', f'<{LICENCE}>; rel="license"']
    items += [f'<{local}.{fmt.suffix}>; rel="alternate"; type="{fmt.media_type}"' for fmt in OFFERED]
    return ", ".join(items)


def _headers(local: str, iri: str) -> dict[str, str]:
    return {"Vary": "Accept", "Link": _links(local, iri)}


def _rdf_response(answer: Answer, local: str, iri: str) -> Response:
    return Response(answer.body, media_type=answer.content_type, headers={**answer.all_headers(), **_headers(local, iri)})


async def resource(request: Request) -> Response:
    settings = request.app.state.settings
    path, suffix_format = _split_suffix(request.path_params["path"])
    local = "/id/" + path
    iri = settings.base + "id/" + path
    fmt = _negotiate(request, suffix_format)
    pool = request.app.state.pool
    if fmt is HTML:
        data = await pool.run("page", iri=iri, base=settings.base)
        if data is None:
            raise NotFound(f"nothing is known of {iri}")
        template = {"act": "act.html", "episode": "episode.html", "state": "state.html"}.get(data["kind"], "resource.html")
        return render(request, template, headers=_headers(local, iri), **data)
    answer = await pool.run("representation", iri=iri, format_name=fmt.name, max_rows=settings.max_rows)
    if answer is None:
        raise NotFound(f"nothing is known of {iri}")
    return _rdf_response(answer, local, iri)


async def landing(request: Request) -> Response:
    data = await request.app.state.pool.run("landing")
    return render(request, "landing.html", queries=list(queries.library().values()), **data)


async def ontology(request: Request) -> Response:
    suffix = request.path_params.get("suffix")
    suffix_format = None
    if suffix is not None:
        suffix_format = next((f for f in OFFERED if f.suffix == suffix), None)
        if suffix_format is None:
            raise NotFound(f"no such representation of the ontology: .{suffix}")
    fmt = _negotiate(request, suffix_format)
    headers = _headers("/ontology", str(ONTOLOGY_IRI))
    if fmt is HTML:
        html = await asyncio.to_thread(ontology_docs.documentation)
        # pyLODE's page carries its own style sheet inline; it runs no script of ours
        headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; style-src 'self' "
                                              "'unsafe-inline'; script-src 'none'; frame-ancestors 'none'")
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)
    answer = await request.app.state.pool.run("ontology_graph", format_name=fmt.name)
    return Response(answer.body, media_type=answer.content_type, headers={**answer.all_headers(), **headers})


async def dataset(request: Request) -> Response:
    suffix = request.path_params.get("suffix")
    suffix_format = None
    if suffix is not None:
        suffix_format = next((f for f in OFFERED if f.suffix == suffix), None)
        if suffix_format is None:
            raise NotFound(f"no such representation of the dataset description: .{suffix}")
    fmt = _negotiate(request, suffix_format)
    counts = await request.app.state.pool.run("graph_counts")
    graph = void_description(_site(request), counts)
    headers = _headers("/dataset", str(DATASET))
    if fmt is HTML:
        return render(request, "dataset.html", headers=headers, graph=graph, counts=counts, dumps=DUMPS,
                      site=_site(request), dataset=str(DATASET))
    return Response(serialize(graph, fmt), media_type=fmt.content_type, headers=headers)


async def dump(request: Request) -> Response:
    suffix = request.path_params["suffix"]
    if suffix not in DUMP_FORMATS:
        raise NotFound(f"no dump .{suffix}: the dumps are {', '.join('dump.' + s for s, _ in DUMPS)}")
    body = await request.app.state.pool.run("export", format_name=DUMP_FORMATS[suffix])
    media = dict(DUMPS)[suffix]
    return Response(body, media_type=media + ("; charset=utf-8" if media.startswith("text/") else ""),
                    headers={"Link": f'<{LICENCE}>; rel="license"',
                             "Content-Disposition": f'inline; filename="diplograph.{suffix}"'})


routes = [
    Route("/", landing, methods=["GET", "HEAD"]),
    Route("/id/{path:path}", resource, methods=["GET", "HEAD"]),
    Route("/ontology", ontology, methods=["GET", "HEAD"]),
    Route("/ontology.{suffix}", ontology, methods=["GET", "HEAD"]),
    Route("/dataset", dataset, methods=["GET", "HEAD"]),
    Route("/dataset.{suffix}", dataset, methods=["GET", "HEAD"]),
    Route("/.well-known/void", dataset, methods=["GET", "HEAD"]),
    Route("/dump.{suffix}", dump, methods=["GET", "HEAD"]),
    Mount("/static", app=StaticFiles(directory=TEMPLATES.parent / "static"), name="static"),
]

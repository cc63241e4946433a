"""Jinja2 for the HTML pages: autoescaping on (text from records is text, never markup),
and the helpers templates use to show RDF terms and link IRIs to this server."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import BNode, URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse

from .. import __version__
from ..export import LICENCE
from ..namespaces import Graphs
from .provenance import CITATION

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)

GRAPH_NAMES = {str(Graphs.ASSERTED): "asserted", str(Graphs.INFERRED): "inferred",
               str(Graphs.ONTOLOGY): "ontology", str(Graphs.PROVENANCE): "provenance"}


def href(term, base: str) -> str:
    """Where a link to ``term`` goes: this server for IRIs under the base, else the IRI."""
    text = str(term)
    if text.startswith(base):
        return "/" + text[len(base):]
    return text


def short(term, base: str) -> str:
    text = str(term)
    for prefix, name in ((base + "ontology#", "dg:"), (base + "id/", ""), ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
                         ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"), ("http://www.w3.org/2002/07/owl#", "owl:"),
                         ("http://www.w3.org/ns/prov#", "prov:"), ("http://purl.org/dc/terms/", "dcterms:"),
                         ("https://schema.org/", "schema:"), ("http://www.wikidata.org/entity/", "wd:"),
                         ("http://www.w3.org/2004/02/skos/core#", "skos:"),
                         ("http://semanticweb.cs.vu.nl/2009/11/sem/", "sem:")):
        if text.startswith(prefix):
            return name + text[len(prefix):]
    return text


def is_iri(term) -> bool:
    return isinstance(term, URIRef)


def is_blank(term) -> bool:
    return isinstance(term, BNode)


def plain(term) -> str:
    """The text of a term as a plain str: rdflib terms compare unequal to plain strings."""
    return "" if term is None else str.__str__(term)


environment.filters.update(plain=plain, short=short, href=href, graph_name=lambda g: GRAPH_NAMES.get(str(g), str(g)))
environment.tests.update(iri=is_iri, blank=is_blank)
environment.globals.update(version=__version__, licence=str(LICENCE), citation=CITATION)


def render(request: Request, name: str, status: int = 200, headers: dict[str, str] | None = None,
           **context) -> HTMLResponse:
    settings = request.app.state.settings
    html = environment.get_template(name).render(base=settings.base, request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers=headers)

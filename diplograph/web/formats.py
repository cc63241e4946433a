"""The answer formats the server speaks: SPARQL results and RDF, by media type and by short name.

The first media type of each format is the one the server sends; the others are
what clients ask for it by (SPARQLWrapper asks JSON results as ``application/json``,
old clients Turtle as ``application/x-turtle``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str                # the short name for ?format= and stored-query suffixes
    media_types: tuple[str, ...]
    oxigraph: str            # the pyoxigraph format (QueryResultsFormat / RdfFormat attribute)
    suffix: str
    rdflib: str | None = None  # rdflib's serializer name, for small graphs written prettily
    charset: bool = True

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.charset else "")


RESULTS = (
    Format("json", ("application/sparql-results+json", "application/json", "text/javascript",
                    "application/javascript"), "JSON", "json"),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), "XML", "xml"),
    Format("csv", ("text/csv",), "CSV", "csv"),
    Format("tsv", ("text/tab-separated-values",), "TSV", "tsv"),
)

GRAPH = (
    Format("turtle", ("text/turtle", "application/turtle", "application/x-turtle"), "TURTLE", "ttl", "turtle"),
    Format("nt", ("application/n-triples", "text/plain"), "N_TRIPLES", "nt", "nt"),
    Format("jsonld", ("application/ld+json", "application/x-json+ld", "application/json"), "JSON_LD", "jsonld", "json-ld"),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), "RDF_XML", "rdf", "xml"),
    Format("trig", ("application/trig",), "TRIG", "trig", "trig"),
    Format("nquads", ("application/n-quads",), "N_QUADS", "nq", "nquads"),
)

#: formats that keep the graph of each triple
QUAD_FORMATS = ("trig", "nquads")

_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "rdf": "rdfxml",
            "rdf+xml": "rdfxml", "nq": "nquads", "n-quads": "nquads", "text": "tsv",
            # Turtle is N3 without N3's extensions: what SPARQLWrapper's N3 asks for
            "n3": "turtle"}


def by_name(name: str, offered: tuple[Format, ...]) -> Format | None:
    """The format a ``format=`` parameter names, by short name or by media type."""
    wanted = name.strip().lower()
    wanted = _ALIASES.get(wanted, wanted)
    for fmt in offered:
        if wanted == fmt.name or wanted in fmt.media_types or wanted == fmt.suffix:
            return fmt
    return None


def names(offered: tuple[Format, ...]) -> str:
    return ", ".join(f"{f.name} ({f.media_type})" for f in offered)

"""Exports of the graph: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

Every export carries the dataset's licence and source: a description of the
dataset (title, licence, publisher, version) is part of what is written.

N-Quads, TriG and N-Triples are written as the store is read (:func:`write_export`):
what the export holds in memory does not grow with the store, so they are the formats
for a large graph. Turtle and JSON-LD are made by rdflib from the whole graph in memory
(longturtle groups and orders every triple, JSON-LD compacts with the context): they are
for small graphs, one episode or the ontology, and need several times the export's size.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import BinaryIO, Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from . import __version__
from .namespaces import BASE, DG, Graphs
from .store.base import GraphStore
from .store.terms import to_ox

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = URIRef(BASE + "dataset")
FORMATS = ("turtle", "trig", "nt", "nquads", "jsonld")
DEFAULT_GRAPHS = (Graphs.ONTOLOGY, Graphs.ASSERTED, Graphs.INFERRED, Graphs.PROVENANCE)
#: prefixes of the Turtle and TriG exports, beside those rdflib binds by itself
PREFIXES = {
    "dg": str(DG),
    "dgid": BASE + "id/",
    "schema": "https://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "wd": "http://www.wikidata.org/entity/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def dataset_description() -> Graph:
    graph = Graph()
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    graph.add((DATASET, DCTERMS.title, Literal("Diplograph: a knowledge graph of diplomatic relations", lang="en")))
    graph.add((DATASET, DCTERMS.license, LICENCE))
    graph.add((DATASET, DCTERMS.publisher, Literal("Diplograph developers")))
    graph.add((DATASET, DCTERMS.source, URIRef("https://w3id.org/diplograph/")))
    graph.add((DATASET, DCTERMS.description, Literal(
        "Curated diplomatic acts with their sources, and the retaliation and solidarity links inferred from them. "
        "Data licensed CC BY 4.0: cite Diplograph and the original sources named for each act.", lang="en")))
    graph.add((DATASET, DCTERMS.hasVersion, Literal(__version__)))
    graph.add((DATASET, DCTERMS.issued, Literal(dt.date.today().isoformat(), datatype=XSD.date)))
    graph.add((DATASET, DCTERMS.conformsTo, URIRef(str(DG)[:-1])))
    return graph


def write_export(store: GraphStore, fmt: str, output: BinaryIO, *,
                 graphs: Iterable[URIRef] | None = None) -> int:
    """Write the export of ``graphs`` (by default the ontology, asserted, inferred and
    provenance graphs) and the dataset's description into ``output``, a binary file;
    return the number of bytes written.

    ``nquads`` and ``trig`` are written graph by graph as the store is read; ``nt``, the
    union of the graphs, too, each triple once (in the embedded store a triple that an
    earlier graph holds is looked up there, not kept in a set; a remote store gathers the
    union of several graphs in memory). ``turtle`` and ``jsonld`` are made whole in memory
    by rdflib, for small graphs."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (known: {', '.join(FORMATS)})")
    graphs = list(graphs or DEFAULT_GRAPHS)
    counted = _Counted(output)
    description = [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in sorted(dataset_description())]
    if fmt in ("nquads", "trig"):
        provenance = ox.NamedNode(str(Graphs.PROVENANCE))
        quads = itertools.chain(store.quads(graphs), (ox.Quad(s, p, o, provenance) for s, p, o in description))
        if fmt == "trig":
            # pyoxigraph's serializer: rdflib's (a parse into a Dataset, then pure Python) took 54 s
            # for 10,000 acts. The quads come graph by graph, each in subject order, so the
            # serializer groups each graph's triples by subject as they arrive.
            ox.serialize(quads, counted, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        else:
            ox.serialize(quads, counted, format=ox.RdfFormat.N_QUADS)
    elif fmt == "nt":
        triples = itertools.chain(store.union_triples(graphs), (ox.Triple(s, p, o) for s, p, o in description))
        ox.serialize(triples, counted, format=ox.RdfFormat.N_TRIPLES)
    else:
        counted.write(_in_memory(store, fmt, graphs))
    counted.flush()
    return counted.written


def export(store: GraphStore, fmt: str, *, graphs: Iterable[URIRef] | None = None) -> bytes:
    """:func:`write_export` into bytes: for small graphs, or a caller that needs them whole."""
    buffer = io.BytesIO()
    write_export(store, fmt, buffer, graphs=graphs)
    return buffer.getvalue()


def _in_memory(store: GraphStore, fmt: str, graphs: list[URIRef]) -> bytes:
    graph = Graph()
    graph.parse(data=store.dump(graphs, "nt"), format="nt")
    graph += dataset_description()
    _bind(graph)
    if fmt == "jsonld":
        from .jsonld import CONTEXT

        return graph.serialize(format="json-ld", context=CONTEXT, encoding="utf-8")
    return graph.serialize(format="longturtle", encoding="utf-8")


class _Counted:
    """The output, counting the bytes written to it (standard output cannot say by tell())."""

    def __init__(self, output: BinaryIO):
        self.output = output
        self.written = 0

    def write(self, data) -> int:
        self.output.write(data)
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        self.output.flush()


def _bind(graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, URIRef(namespace))

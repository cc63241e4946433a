"""Exports of the graph: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

Every export carries the dataset's licence and source: a description of the
dataset (title, licence, publisher, version) is part of what is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
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


def export(store: GraphStore, fmt: str, *, graphs: Iterable[URIRef] | None = None) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (known: {', '.join(FORMATS)})")
    graphs = list(graphs or DEFAULT_GRAPHS)
    description = dataset_description()
    if fmt in ("nt", "nquads"):
        body = store.dump(graphs, fmt)
        if fmt == "nquads":
            extra = Dataset()
            for triple in description:
                extra.add(triple + (Graphs.PROVENANCE,))
            return body + extra.serialize(format="nquads", encoding="utf-8")
        return body + description.serialize(format="nt", encoding="utf-8")
    if fmt == "trig":
        # pyoxigraph's serializer: rdflib's (a parse into a Dataset, then pure Python) took 54 s
        # for 10,000 acts. The dump comes graph by graph, each in subject order, so the
        # serializer groups each graph's triples by subject as they arrive.
        provenance = ox.NamedNode(str(Graphs.PROVENANCE))
        quads = list(ox.parse(store.dump(graphs, "nquads"), format=ox.RdfFormat.N_QUADS))
        quads += [ox.Quad(to_ox(s), to_ox(p), to_ox(o), provenance) for s, p, o in description]
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    graph = Graph()
    graph.parse(data=store.dump(graphs, "nt"), format="nt")
    graph += description
    _bind(graph)
    if fmt == "jsonld":
        from .jsonld import CONTEXT

        return graph.serialize(format="json-ld", context=CONTEXT, encoding="utf-8")
    return graph.serialize(format="longturtle", encoding="utf-8")


def _bind(graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, URIRef(namespace))

"""Exports of the graph: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

Every export carries the dataset's licence and source: a description of the
dataset (title, licence, publisher, version) is part of what is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from . import __version__
from .namespaces import BASE, DG, Graphs
from .store.base import GraphStore

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = URIRef(BASE + "dataset")
FORMATS = ("turtle", "trig", "nt", "nquads", "jsonld")
DEFAULT_GRAPHS = (Graphs.ONTOLOGY, Graphs.ASSERTED, Graphs.INFERRED, Graphs.PROVENANCE)


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
        dataset = Dataset()
        dataset.parse(data=store.dump(graphs, "trig"), format="trig")
        for triple in description:
            dataset.add(triple + (Graphs.PROVENANCE,))
        _bind(dataset)
        return dataset.serialize(format="trig", encoding="utf-8")
    graph = Graph()
    graph.parse(data=store.dump(graphs, "nt"), format="nt")
    graph += description
    _bind(graph)
    if fmt == "jsonld":
        from .jsonld import CONTEXT

        return graph.serialize(format="json-ld", context=CONTEXT, encoding="utf-8")
    return graph.serialize(format="longturtle", encoding="utf-8")


def _bind(graph) -> None:
    graph.bind("dg", DG)
    graph.bind("dgid", URIRef(BASE + "id/"))
    graph.bind("schema", URIRef("https://schema.org/"))
    graph.bind("sem", URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/"))
    graph.bind("wd", URIRef("http://www.wikidata.org/entity/"))

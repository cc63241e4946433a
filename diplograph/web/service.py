"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from ..export import DATASET, LICENCE
from ..namespaces import Graphs
from . import formats

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML", "trig": "TriG", "nquads": "N-Quads",
}


def service_description(endpoint: str, counts: dict[str, int], *, timeout: float, max_rows: int) -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    graph.bind("formats", FORMATS_NS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in formats.RESULTS + formats.GRAPH:
        graph.add((service, SD.resultFormat, FORMATS_NS[_FORMAT_IRIS[fmt.name]]))
    graph.add((service, RDFS.label, Literal("Diplograph SPARQL endpoint", lang="en")))
    graph.add((service, RDFS.comment, Literal(
        f"Read-only: SPARQL Update and SERVICE are refused. Each query may run for {timeout:g} s; answers are cut "
        f"at {max_rows} rows (the X-SPARQL-MaxRows and Diplograph-Truncated headers say so). The default graph "
        "is the union of the ontology, asserted, inferred and provenance graphs, which are also the named graphs. "
        "Data licensed CC BY 4.0.", lang="en")))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.license, LICENCE))
    graph.add((dataset, DCTERMS.source, DATASET))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    total = 0
    for iri in Graphs.QUERY_DATASET:
        count = counts.get(str(iri), 0)
        total += count
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, iri))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(count, datatype=XSD.integer)))
    graph.add((default, VOID.triples, Literal(total, datatype=XSD.integer)))
    return graph

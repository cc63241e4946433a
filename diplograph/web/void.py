"""The VoID and DCAT description of the dataset, served at ``/.well-known/void`` and at the
dataset's own IRI (https://www.w3.org/TR/void/, https://www.w3.org/TR/vocab-dcat-3/)."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from ..export import DATASET, dataset_description
from ..namespaces import BASE, ONTOLOGY_IRI, Graphs
from . import formats
from .provenance import CITATION

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = Namespace("https://schema.org/")

#: the dumps the server offers at /dump.EXT, by the export format behind each
DUMPS = (("trig", "application/trig"), ("nq", "application/n-quads"), ("ttl", "text/turtle"),
         ("nt", "application/n-triples"), ("jsonld", "application/ld+json"))
DUMP_FORMATS = {"trig": "trig", "nq": "nquads", "ttl": "turtle", "nt": "nt", "jsonld": "jsonld"}


def void_description(site: str, counts: dict[str, int]) -> Graph:
    """``site``: this server's address (ending in /), where the endpoint and dumps are."""
    graph = dataset_description()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD), ("schema", SCHEMA)):
        graph.bind(prefix, namespace)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, VOID.uriSpace, Literal(BASE + "id/")))
    graph.add((DATASET, VOID.vocabulary, ONTOLOGY_IRI))
    graph.add((DATASET, VOID.sparqlEndpoint, URIRef(site + "sparql")))
    graph.add((DATASET, SCHEMA.citation, Literal(CITATION)))
    graph.add((DATASET, DCTERMS.bibliographicCitation, Literal(CITATION)))
    graph.add((DATASET, VOID.rootResource, URIRef(BASE)))
    total = sum(counts.get(str(g), 0) for g in Graphs.QUERY_DATASET)
    graph.add((DATASET, VOID.triples, Literal(total, datatype=XSD.integer)))
    service = URIRef(site + "sparql")
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, DCAT.servesDataset, DATASET))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((DATASET, DCAT.distribution, service))
    for suffix, media in DUMPS:
        dump = URIRef(f"{site}dump.{suffix}")
        graph.add((DATASET, VOID.dataDump, dump))
        graph.add((DATASET, DCAT.distribution, dump))
        graph.add((dump, RDF.type, DCAT.Distribution))
        graph.add((dump, DCAT.downloadURL, dump))
        graph.add((dump, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media)))
        graph.add((dump, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    for iri in Graphs.QUERY_DATASET:
        # each graph is a subset named by its own IRI, which answers with its description
        graph.add((DATASET, VOID.subset, iri))
        graph.add((iri, RDF.type, VOID.Dataset))
        graph.add((iri, SD.name, iri))
        graph.add((iri, RDFS.label, Literal(str(iri).rsplit("/", 1)[1] + " graph", lang="en")))
        graph.add((iri, VOID.triples, Literal(counts.get(str(iri), 0), datatype=XSD.integer)))
        graph.add((iri, RDFS.seeAlso, URIRef(f"{site}graph/{str(iri).rsplit('/', 1)[1]}")))
    return graph


def serialize(graph: Graph, fmt: formats.Format) -> bytes:
    if fmt.name == "jsonld":
        return graph.serialize(format="json-ld", encoding="utf-8")
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")

"""The schema the OWL rules read (graph/tbox): the stored ontology closed by the reference.

Compiled once per ontology: the graph carries the digest of the ontology it was compiled
from, and is compiled again only when the ontology graph changes, so a reasoning run after
one new act does not pay for owlrl.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from ..namespaces import Graphs
from ..store.base import GraphStore
from .reference import schema_closure

#: a statement about the compiled graph itself, not part of the schema
COMPILED_FROM = URIRef("https://w3id.org/diplograph/tbox#compiledFromOntologyDigest")

_DIGEST = """
SELECT ?digest WHERE { GRAPH <https://w3id.org/diplograph/graph/tbox> {
  <https://w3id.org/diplograph/graph/tbox> <https://w3id.org/diplograph/tbox#compiledFromOntologyDigest> ?digest } }"""


def _ontology(store: GraphStore) -> tuple[Graph, str]:
    ontology = Graph().parse(data=store.dump([Graphs.ONTOLOGY], "nt"), format="nt")
    # canonical: the blank nodes of the property chains' lists get new labels on every dump
    return ontology, f"{to_isomorphic(ontology).graph_digest():x}"


def compile_schema(store: GraphStore) -> bool:
    """Bring graph/tbox up to date with the ontology graph; True when it was compiled anew."""
    ontology, digest = _ontology(store)
    rows = store.select(_DIGEST).rows
    if rows and rows[0][0] is not None and str(rows[0][0]) == digest:
        return False
    schema = schema_closure(ontology)
    schema.add((Graphs.TBOX, COMPILED_FROM, Literal(digest)))
    store.update("DROP SILENT GRAPH <https://w3id.org/diplograph/graph/tbox>")
    store.add_to_graph(Graphs.TBOX, schema.serialize(format="nt", encoding="utf-8"))
    return True

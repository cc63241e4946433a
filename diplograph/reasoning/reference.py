"""The reference semantics: owlrl's OWL 2 RL closure. The only module that calls owlrl.

Every faster path of Diplograph must give the same stored triples as this one
on the same input (``tests/test_owl_agreement.py`` holds them together).
"""

from __future__ import annotations

from owlrl import DeductiveClosure, OWLRL_Semantics
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..namespaces import ID

_WIKIDATA = "http://www.wikidata.org/entity/"


def keep(triple) -> bool:
    """Whether an entailed triple is one Diplograph stores.

    Dropped: triples about anything the project does not mint (the ontology's
    own axioms and owlrl's axiomatic triples: nobody queries them, the ontology
    graph answers for the vocabulary), triples with literal subjects, reflexive
    owl:sameAs, and the copies of triples onto Wikidata IRIs that owl:sameAs
    replication makes (they double every state's triples and every query's rows;
    the owl:sameAs link itself is kept), and rdf:type owl:Thing, which every
    individual has.
    """
    s, p, o = triple
    if isinstance(s, Literal) or not isinstance(s, URIRef) or not str(s).startswith(ID):
        return False
    if p == OWL.sameAs and s == o:
        return False
    if p == RDF.type and o == OWL.Thing:
        return False
    if isinstance(o, URIRef) and str(o).startswith(_WIKIDATA) and p != OWL.sameAs:
        return False
    return True


def without_keys(ontology: Graph) -> Graph:
    """The ontology less its owl:hasKey axioms.

    owlrl 7's prp-key makes every two instances of a keyed class owl:sameAs,
    whatever their key values (``tests/test_owl_agreement.py`` shows it), which
    would merge every state into one. The reference therefore runs without keys;
    Diplograph's own prp-key rule is tested on its own.
    """
    graph = Graph()
    for triple in ontology:
        if triple[1] != OWL.hasKey:
            graph.add(triple)
    return graph


def owlrl_inferred(ontology: Graph, asserted: Graph, *, keys: bool = False) -> set[tuple]:
    """What owlrl entails from ontology + asserted data, beyond them, in stored form."""
    graph = Graph()
    for triple in (ontology if keys else without_keys(ontology)):
        graph.add(triple)
    for triple in asserted:
        graph.add(triple)
    DeductiveClosure(OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                     datatype_axioms=False).expand(graph)
    given = set(ontology) | set(asserted)
    return {t for t in graph if t not in given and keep(t)}


#: what the OWL rules read of the ontology once it is closed
_SCHEMA_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf)
_SCHEMA_TYPES = (OWL.FunctionalProperty, OWL.SymmetricProperty)


def schema_closure(ontology: Graph) -> Graph:
    """The ontology's schema closed by owlrl (the ontology alone, no data): every superclass and
    superproperty, domains and ranges inherited by subproperties and widened to superclasses,
    inverses stated both ways, plus the property chains as the ontology gives them.

    The OWL rules read this instead of the ontology, so each is one join with the data and no
    property path (which Virtuoso refuses and which costs a path search per row elsewhere).
    Reflexive axioms and owl:Thing are left out: they entail nothing Diplograph stores.
    """
    closed = Graph()
    for triple in without_keys(ontology):
        closed.add(triple)
    DeductiveClosure(OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                     datatype_axioms=False).expand(closed)
    schema = Graph()
    for predicate in _SCHEMA_PREDICATES:
        for s, _, o in closed.triples((None, predicate, None)):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o and o != OWL.Thing:
                schema.add((s, predicate, o))
                if predicate == OWL.inverseOf:  # prp-inv1 and prp-inv2: one rule reads both ways
                    schema.add((o, predicate, s))
    for kind in _SCHEMA_TYPES:
        for s in closed.subjects(RDF.type, kind):
            if isinstance(s, URIRef):
                schema.add((s, RDF.type, kind))
    for prop, chain in ontology.subject_objects(OWL.propertyChainAxiom):
        schema.add((prop, OWL.propertyChainAxiom, chain))
        node = chain
        while node is not None and node != RDF.nil:
            schema.add((node, RDF.first, ontology.value(node, RDF.first)))
            rest = ontology.value(node, RDF.rest)
            schema.add((node, RDF.rest, rest))
            node = rest
    return schema

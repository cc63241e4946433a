"""Whether a triple an update removed still follows from what the store holds: the premises of
the OWL rule that would draw it (reasoning/incremental.py, step 4). Every OWL rule of
ontology/rules/owl draws its triple from one triple, or from two of one subject (a chain of
properties); the compiled schema (graph/tbox) holds the closures of classes and properties."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import Graphs

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ASSERTED, _INFERRED = ox.NamedNode(str(Graphs.ASSERTED)), ox.NamedNode(str(Graphs.INFERRED))

#: the premises of the OWL rules (ontology/rules/owl) for a triple ?x ?q ?y, in the store: for a
#: type (?q rdf:type, ?y the class), a triple whose property has it as domain or range, or a type
#: that is a subclass of it (prp-dom, prp-rng, cax-sco; the compiled schema holds the closures);
#: for a property, a subproperty, an inverse, a symmetric one, a chain of two, a sameAs the other
#: way (prp-spo1, prp-inv, prp-symp, prp-spo2, eq-sym)
_TYPE_GIVEN = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK {
  { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?p rdfs:domain ?y }
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p ?any } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p ?any } } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?p rdfs:range ?y }
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?any ?p ?x } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?any ?p ?x } } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?sub rdfs:subClassOf ?y } FILTER (?sub != ?y)
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x a ?sub } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x a ?sub } } }
}"""
_PROPERTY_GIVEN = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK {
  { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?sub rdfs:subPropertyOf ?q } FILTER (?sub != ?q)
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?sub ?y } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?sub ?y } } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?p owl:inverseOf ?q }
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?y ?p ?x } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?y ?p ?x } } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?q a owl:SymmetricProperty }
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?y ?q ?x } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?y ?q ?x } } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/tbox> {
      ?q owl:propertyChainAxiom ?list . ?list rdf:first ?p1 ; rdf:rest ?rest . ?rest rdf:first ?p2 ; rdf:rest rdf:nil }
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p1 ?middle } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p1 ?middle } }
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?middle ?p2 ?y } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?middle ?p2 ?y } } }
  UNION
  { FILTER (?q = owl:sameAs)
    { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?y owl:sameAs ?x } }
    UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?y owl:sameAs ?x } } }
}"""


def still_given(engine: ox.Store, removed: set[ox.Triple]) -> tuple[set[ox.Triple], int]:
    """The removed triples that a premise left in the store still gives, by the OWL rule that
    would draw them (to closure: a triple put back can be the premise of another), put back;
    never one the store asserts (a full run leaves those out of the inferred graph). Returns them
    and by how many triples the inferred graph grew."""
    kept: set[ox.Triple] = set()
    grown = 0
    left = {t for t in removed if ox.Quad(t.subject, t.predicate, t.object, _ASSERTED) not in engine}
    while True:
        given = {t for t in left if _given(engine, t)}
        if not given:
            return kept, grown
        grown += _add(engine, given)
        kept |= given
        left -= given


def _given(engine: ox.Store, triple: ox.Triple) -> bool:
    ends = {ox.Variable("x"): triple.subject, ox.Variable("y"): triple.object}
    if triple.predicate == _TYPE:
        return bool(engine.query(_TYPE_GIVEN, substitutions=ends))
    return bool(engine.query(_PROPERTY_GIVEN, substitutions={**ends, ox.Variable("q"): triple.predicate}))


def _add(engine: ox.Store, triples: set[ox.Triple]) -> int:
    new = [quad for quad in (ox.Quad(t.subject, t.predicate, t.object, _INFERRED) for t in triples) if quad not in engine]
    engine.extend(new)
    return len(new)

"""Inconsistencies are errors: violated disjointness of classes (cax-dw) and of properties
(prp-pdw) and irreflexivity (prp-irp),
each reported with the record file and line the offending resource comes from.

Each graph is read by its name, the two joined by UNION: a GRAPH variable filtered to the two
names read every named graph (at 100,000 acts the three checks took 13.5 s, now about 1 s).
A repeated term (?x ?p ?x) is read as two and compared, which the store does per predicate."""

from __future__ import annotations

from dataclasses import dataclass

from ..output import short as _short
from ..store.base import GraphStore

_DISJOINT = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?x ?c1 ?c2 ?path ?line WHERE {
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?c1 owl:disjointWith ?c2 }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x a ?c1 } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x a ?c1 } }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x a ?c2 } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x a ?c2 } }
  OPTIONAL { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?x dg:curatedIn ?record ; dg:recordLine ?line . ?record dg:path ?path } }
} ORDER BY ?path ?line"""

_IRREFLEXIVE = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?x ?p ?path ?line WHERE {
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?p a owl:IrreflexiveProperty }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p ?y } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p ?y } }
  FILTER (sameTerm(?x, ?y))
  OPTIONAL { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?x dg:curatedIn ?record ; dg:recordLine ?line . ?record dg:path ?path } }
} ORDER BY ?path ?line"""


_PROPERTY_DISJOINT = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?x ?p1 ?p2 ?y ?path ?line WHERE {
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?p1 owl:propertyDisjointWith ?p2 }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p1 ?y } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p1 ?y } }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p2 ?y } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p2 ?y } }
  OPTIONAL { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?x dg:curatedIn ?record ; dg:recordLine ?line . ?record dg:path ?path } }
} ORDER BY ?path ?line"""


@dataclass(frozen=True)
class Inconsistency:
    subject: str
    message: str
    record: str | None
    line: int | None

    def __str__(self) -> str:
        where = f"records/{self.record}:{self.line}" if self.record else "(no record)"
        return f"[ERROR] {where} {self.subject}: {self.message}"


def inconsistencies(store: GraphStore) -> list[Inconsistency]:
    found = []
    for x, c1, c2, path, line in store.select(_DISJOINT):
        found.append(Inconsistency(_short(x), f"is both {_short(c1)} and {_short(c2)}, which are disjoint",
                                       str(path) if path else None, int(line) if line else None))
    for x, p, path, line in store.select(_IRREFLEXIVE):
        found.append(Inconsistency(_short(x), f"{_short(p)} itself, but {_short(p)} is irreflexive (a state cannot act against itself)",
                                   str(path) if path else None, int(line) if line else None))
    for x, p1, p2, y, path, line in store.select(_PROPERTY_DISJOINT):
        found.append(Inconsistency(_short(x), f"{_short(y)} is both its {_short(p1)} and its {_short(p2)}, "
                                   "which are disjoint (a state cannot act against itself)",
                                   str(path) if path else None, int(line) if line else None))
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique

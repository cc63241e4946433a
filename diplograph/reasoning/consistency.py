"""Inconsistencies are errors: violated disjointness of classes (cax-dw) and of properties
(prp-pdw) and irreflexivity (prp-irp),
each reported with the record file and line the offending resource comes from.

The checks find the offending resources first and look up the record of each afterwards: an
OPTIONAL read of the provenance inside the check read every record line of the store for
each check (at 100,000 acts 5 to 25 s a check in memory and on disk), whether or not
anything was wrong. Each graph is read by its name, the two joined by UNION, not by a GRAPH
variable filtered to the two names, which read every named graph. A repeated term (?x ?p ?x)
is read as two and compared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

from rdflib import URIRef

from ..output import short as _short
from ..store.base import GraphStore

_DISJOINT = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?c1 ?c2 WHERE {
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?c1 owl:disjointWith ?c2 }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x a ?c1 } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x a ?c1 } }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x a ?c2 } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x a ?c2 } }
}"""

_IRREFLEXIVE = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?p WHERE {
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?p a owl:IrreflexiveProperty }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p ?y } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p ?y } }
  FILTER (sameTerm(?x, ?y))
}"""


_PROPERTY_DISJOINT = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?x ?p1 ?p2 ?y WHERE {
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?p1 owl:propertyDisjointWith ?p2 }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p1 ?y } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p1 ?y } }
  { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?x ?p2 ?y } } UNION { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?x ?p2 ?y } }
}"""


@dataclass(frozen=True)
class Inconsistency:
    subject: str
    message: str
    record: str | None
    line: int | None

    def __str__(self) -> str:
        where = f"records/{self.record}:{self.line}" if self.record else "(no record)"
        return f"[ERROR] {where} {self.subject}: {self.message}"


_ORIGIN = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?path ?line WHERE {
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?x dg:curatedIn ?record ; dg:recordLine ?line . ?record dg:path ?path }
} ORDER BY ?path ?line LIMIT 1"""


def _origin(store: GraphStore, subject) -> tuple[str | None, int | None]:
    """The record file and line a resource comes from, if the records name one."""
    rows = store.select(_ORIGIN, bindings={"x": subject}).rows
    if not rows:
        return None, None
    path, line = rows[0]
    return (str(path) if path else None), (int(line) if line else None)


#: resources checked one by one, beyond which the whole store is checked at once (cheaper then)
MOST_CHECKED_ONE_BY_ONE = 2000


def inconsistencies(store: GraphStore, *, records: GraphStore | None = None,
                    subjects: Collection[str] | None = None) -> list[Inconsistency]:
    """What the inferred and asserted graphs of ``store`` violate, each named with the record
    file and line ``records`` (by default ``store``) gives for the offending resource.
    ``subjects``: only what these resources violate (the IRIs an update changed the triples
    of: every check is about the triples of one subject)."""
    records = records or store
    if subjects is not None and len(subjects) > MOST_CHECKED_ONE_BY_ONE:
        subjects = None

    def rows(query: str) -> list:
        if subjects is None:
            return list(store.select(query))
        return [row for subject in sorted(subjects) for row in store.select(query, bindings={"x": URIRef(subject)})]

    found = []
    for x, c1, c2 in rows(_DISJOINT):
        found.append(Inconsistency(_short(x), f"is both {_short(c1)} and {_short(c2)}, which are disjoint", *_origin(records, x)))
    for x, p in rows(_IRREFLEXIVE):
        found.append(Inconsistency(_short(x), f"{_short(p)} itself, but {_short(p)} is irreflexive (nothing is its own {_short(p)})",
                                   *_origin(records, x)))
    for x, p1, p2, y in rows(_PROPERTY_DISJOINT):
        found.append(Inconsistency(_short(x), f"{_short(y)} is both its {_short(p1)} and its {_short(p2)}, "
                                   "which are disjoint (a state cannot act against itself)", *_origin(records, x)))
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    # as the records list them, then the resources no record names
    return sorted(unique, key=lambda item: (item.record is None, item.record or "", item.line or 0))

"""When each change of level is superseded, by a sort per direction: the same triples as the
rule file 51-relation-level-ends.rq, which remains the portable definition.

The file compares every change of a direction (sending state, host state) with every other,
which grows with the square of a busy pair's changes; sorted by day and then act IRI (the
order the relation-level query reads), each change is superseded on the day of the next.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..namespaces import DG, Graphs
from ..store.base import GraphStore
from .engine import NativeStepDeclined

_CHANGES = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?change ?sender ?receiver ?day ?act ?date (DATATYPE(?date) AS ?type) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?change a dg:LevelChange ; dg:sender ?sender ; dg:receiver ?receiver ; dg:startDay ?day ; dg:causedBy ?act ;
            dg:startDate ?date } }"""

_DAY, _ON = ox.NamedNode(str(DG.supersededDay)), ox.NamedNode(str(DG.supersededOn))
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def superseded(rows) -> dict[str, tuple[int, str, str]]:
    """For each change superseded by a later one of its direction: (day, date, its datatype)
    of the next change, later by day, then by the act's IRI. ``rows``: change, sender,
    receiver, day, act, date, date's datatype."""
    seen: dict[str, tuple] = {}
    directions: dict[tuple[str, str], list[tuple[int, str, str, str, str]]] = defaultdict(list)
    for change, sender, receiver, day, act, date, datatype in rows:
        try:
            number = int(day)
        except (TypeError, ValueError):
            raise NativeStepDeclined(f"{change}: not an integer day {day!r}") from None
        row = (sender, receiver, number, act, date, datatype)
        if seen.setdefault(change, row) != row:
            raise NativeStepDeclined(f"{change} has more than one direction, day, date or act")
        directions[sender, receiver].append((number, act, change, date, datatype))
    ends = {}
    for changes in directions.values():
        changes.sort()
        # from the last back, the first change of a greater (day, act) than each: changes of
        # one act (in no data the rules make) do not supersede each other
        following = None
        for index in range(len(changes) - 1, -1, -1):
            day, act, change, date, datatype = changes[index]
            if index + 1 < len(changes) and changes[index + 1][:2] != (day, act):
                following = changes[index + 1]
            if following is not None:
                ends[change] = (following[0], following[3], following[4])
    return ends


def infer_level_ends(store: GraphStore) -> int:
    """Add when each change of level is superseded to the inferred graph and graph/delta-a.
    Returns the number of changes superseded."""
    ends = superseded(store.select_values(_CHANGES))
    triples = []
    for change, (day, date, datatype) in ends.items():
        node = ox.NamedNode(change)
        triples.append(ox.Triple(node, _DAY, ox.Literal(str(day), datatype=_INTEGER)))
        triples.append(ox.Triple(node, _ON, ox.Literal(date, datatype=ox.NamedNode(datatype))))
    store.add_triples(triples, (Graphs.INFERRED, Graphs.DELTA_A))
    return len(ends)

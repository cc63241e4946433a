"""The practical floor: the retaliation rule as a plain-Python join over extracted acts.

Acts are read from the store once (one SELECT in the engine), then grouped in a dictionary
by ordered pair of states, each group sorted by announcement (day, recorded order, IRI);
for every restrictive act b of Y against X, a binary search in the group X→Y finds the
latest act a announced before it, within the window; a was still unanswered if the act of
Y against X just before b came before a, and no conciliatory act between the two states
falls between them (another binary search). This is what ``10-retaliation-candidates.rq``
states, with the same tie rules on one day, so its answer can be compared with the rule's.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pyoxigraph as ox

from diplograph import vocabulary

_ACTS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act ?class ?actor ?target ?day ?order WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?act dg:status dg:CarriedOut ; a ?class ; dg:actor ?actor ; dg:target ?target ; dg:announcementDay ?day .
    OPTIONAL { ?act dg:announcementOrder ?order }
  }
}"""


@dataclass(frozen=True)
class Act:
    iri: str
    actor: str
    target: str
    day: int
    order: int | None
    restrictive: bool
    conciliatory: bool


def extract(engine: ox.Store) -> list[Act]:
    """Every carried-out act with what the rule reads, straight from the engine."""
    kinds = vocabulary.act_type_by_iri()
    acts = []
    for row in engine.query(_ACTS):
        info = kinds.get(row["class"].value)
        if info is None:
            continue
        order = row["order"]
        acts.append(Act(row["act"].value, row["actor"].value, row["target"].value, int(row["day"].value),
                        int(order.value) if order is not None else None,
                        info.restrictive and info.escalation_rank is not None, info.conciliatory))
    return acts


def _precedes(a: Act, b: Act) -> bool:
    """a was announced before b, by the rule's order on one day."""
    if a.day != b.day:
        return a.day < b.day
    if a.order is not None and b.order is not None:
        return a.order < b.order
    return a.iri < b.iri


def _key(act: Act) -> tuple:
    # a total order consistent with _precedes for acts of one dyad: day, then recorded order
    # (acts without one after those with one, as ties are broken by IRI), then IRI
    return (act.day, act.order if act.order is not None else 1 << 30, act.iri)


def retaliation_candidates(acts: list[Act], window: int = 30) -> set[tuple[str, str]]:
    """(response, trigger) pairs the retaliation rule infers from these acts."""
    by_dyad: dict[tuple[str, str], list[Act]] = {}
    peace: dict[frozenset, list[int]] = {}
    for act in acts:
        if act.restrictive:
            by_dyad.setdefault((act.actor, act.target), []).append(act)
        elif act.conciliatory:
            peace.setdefault(frozenset((act.actor, act.target)), []).append(act.day)
    keys: dict[tuple[str, str], list[tuple]] = {}
    for dyad, group in by_dyad.items():
        group.sort(key=_key)
        keys[dyad] = [_key(a) for a in group]
    for days in peace.values():
        days.sort()

    found: set[tuple[str, str]] = set()
    for (y, x), responses in by_dyad.items():
        triggers = by_dyad.get((x, y))
        if not triggers:
            continue
        trigger_keys = keys[(x, y)]
        peace_days = peace.get(frozenset((x, y)), [])
        for position, b in enumerate(responses):
            # the last act of X against Y on or before b's day, then back over those b does not follow
            index = bisect.bisect_right(trigger_keys, (b.day, 1 << 31, "")) - 1
            while index >= 0 and not _precedes(triggers[index], b):
                index -= 1
            if index < 0:
                continue
            a = triggers[index]
            if b.day - a.day > window:
                continue
            if _answered_between(responses, position, a, b):
                continue
            if peace_days:
                first = bisect.bisect_left(peace_days, a.day)
                if first < len(peace_days) and peace_days[first] <= b.day:
                    continue
            found.add((b.iri, a.iri))
    return found


def _answered_between(responses: list[Act], position: int, a: Act, b: Act) -> bool:
    """Whether Y acted against X after a and before b (b at ``position`` in its sorted group).
    On a's or b's own day an act counts only when both recorded orders place it between."""
    index = position - 1
    while index >= 0 and responses[index].day >= a.day:
        m = responses[index]
        index -= 1
        after_a = m.day > a.day or (m.order is not None and a.order is not None and m.order > a.order)
        before_b = m.day < b.day or (m.order is not None and b.order is not None and m.order < b.order)
        if after_a and before_b:
            return True
    return False

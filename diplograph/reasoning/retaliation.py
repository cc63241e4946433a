"""Retaliation candidates by a pass over the acts read out of the store: the same triples as
the rule file 10-retaliation-candidates.rq, which remains the portable definition
(``reason(portable=True)``, and the tests that compare the two). See that file's header for
which act an act answers.

The file joins each act with the acts of its dyad and of the reverse dyad within the window,
through periods of a scratch graph, then finds the latest day of each kind of act by
aggregates and the ties of a day by joins: at 100,000 synthetic acts 16 s. Here the acts of
each dyad are sorted by day, and each restrictive act looks back over the window by
bisection, with the same conditions in the same order; one write adds the result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import DG, Graphs
from ..store.base import GraphStore
from .engine import NativeStepDeclined
from .readout import OUTSIDE_DIPLOMACY, RETALIATION_WINDOW, ByDay, column, current_run, integer, stand_in

_PREFIX = "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
#: the acts the rule places in periods: carried out, with a dyad and a day
_ACTS = _PREFIX + """SELECT ?act ?dyad ?day WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> {
  ?act dg:dyad ?dyad ; dg:announcementDay ?day ; dg:status dg:CarriedOut } }"""
_REVERSE = _PREFIX + """SELECT ?dyad ?reverse WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> {
  ?dyad dg:reverseDyad ?reverse } }"""
_ORDERS = _PREFIX + """SELECT ?act ?order WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> {
  ?act dg:announcementOrder ?order } }"""
_RANKS = _PREFIX + """SELECT ?act ?rank WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act a ?class }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:escalationRank ?rank } }"""
#: conciliatory by the records or by OWL 2 RL (cax-sco runs before the temporal rules)
_CONCILIATORY = _PREFIX + """SELECT DISTINCT ?act WHERE {
  { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act a dg:ConciliatoryAct } }
  UNION { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act a dg:ConciliatoryAct } } }"""
_RESPONDING = _PREFIX + """SELECT DISTINCT ?act WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> {
  ?act dg:inResponseTo ?answered } }"""

_CANDIDATE_FOR = ox.NamedNode(str(DG.ruleCandidateFor))


@dataclass(frozen=True)
class Act:
    iri: str
    dyad: str
    day: int
    #: its stand-in's IRI in the rule file's scratch graph, which the file's ties compare
    stand_in: str
    order: int | None = None
    #: its rung on the escalation ladder: None for an act of no ranked class (no restrictive act)
    rank: int | None = None
    conciliatory: bool = False
    #: the records give a reason outside diplomacy and link it to nothing it answers
    answers_nothing: bool = False


def _before(x: Act, b: Act) -> bool:
    """x came before b: an earlier day, or b's day with both in the day's order, x first."""
    return x.day < b.day or (x.order is not None and b.order is not None and x.order < b.order)


def candidates(acts: list[Act], reverse: dict[str, str], window: int, outside: set[str]) -> list[tuple[str, str]]:
    """Rule 10's (b, a) pairs: b dg:ruleCandidateFor a."""
    grouped: dict[str, list[Act]] = defaultdict(list)
    for act in acts:
        grouped[act.dyad].append(act)
    dyads = {dyad: ByDay(listed) for dyad, listed in grouped.items()}
    found = []
    for b in acts:
        if b.rank is None or b.iri in outside:
            continue  # only a restrictive act answers; the records may put it outside diplomacy
        other_dyad = reverse.get(b.dyad)
        theirs = dyads[other_dyad].within(b.day - window, b.day) if other_dyad in dyads else []
        ours = dyads[b.dyad].within(b.day - window, b.day)
        found += [(b.iri, a.iri) for a in _answered_by(b, theirs, ours)]
    return found


def _answered_by(b: Act, theirs: list[Act], ours: list[Act]) -> list[Act]:
    """What restrictive act ``b`` answers, of the acts of the other side (``theirs``) and of
    its own (``ours``) within the window before it."""
    # 2. what b meets: restrictive acts of the other side, of its own side, and conciliatory
    #    acts of either (of both dyads once, where a dyad is its own reverse)
    other = [x for x in theirs if x.rank is not None]
    own = [x for x in ours if x.rank is not None and x is not b]
    conciliatory = {x.iri: x for x in (*theirs, *ours) if x.conciliatory}.values()
    # 3. the latest day of a later act of X, of an answer of Y, of a conciliatory act: a is
    #    passed over when its day is earlier than the first two, or not later than the third
    latest_other = max((x.day for x in other if _before(x, b)), default=None)
    latest_own = max((x.day for x in own if _before(x, b) and not x.answers_nothing), default=None)
    latest_peace = max((x.day for x in conciliatory), default=None)
    last = [a for a in other
            if _in_order(a, b)
            and not (latest_other is not None and a.day < latest_other)
            and not (latest_own is not None and a.day < latest_own)
            and not (latest_peace is not None and a.day <= latest_peace)]
    # 4. the pairs in order that no later day passes over, minus those a tie of a's day does
    return [a for a in last if not _passed_by_a_tie(a, b, last, own)]


def _in_order(a: Act, b: Act) -> bool:
    """a before b: an earlier day; on one day, by order where both have one, else the
    smaller stand-in IRI is first (a mutual pair)."""
    both = a.order is not None and b.order is not None
    return a.day < b.day or (both and a.order < b.order) or (not both and a.stand_in < b.stand_in)


def _passed_by_a_tie(a: Act, b: Act, last: list[Act], own: list[Act]) -> bool:
    """A tie on a's own day passes over a: a later act of X before b (after a by order, else
    closer to b on the ladder, then a greater stand-in IRI), or an answer of Y after a by order
    and before b."""
    for later in last:
        if later is a or later.day != a.day:
            continue
        both = later.order is not None and a.order is not None
        if both:
            after_a = later.order > a.order
        else:
            closer, same = abs(later.rank - b.rank), abs(a.rank - b.rank)
            after_a = closer < same or (closer == same and later.stand_in > a.stand_in)
        if after_a and (a.day < b.day or (later.order is not None and b.order is not None and later.order < b.order)):
            return True
    if a.order is None:
        return False
    for between in own:
        if (between.day == a.day and between.order is not None and between.order > a.order
                and (a.day < b.day or (b.order is not None and between.order < b.order))
                and not between.answers_nothing):
            return True
    return False


def _single(rows, what: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in rows:
        if values.setdefault(key, value) != value:
            raise NativeStepDeclined(f"{key} has more than one {what}")
    return values


def read_acts(store: GraphStore, outside: set[str]) -> list[Act]:
    """The acts rule 10 places in periods, with what it reads of each; ``outside``: the acts
    whose records give a reason outside diplomacy."""
    orders = _single(store.select_values(_ORDERS), "announcement order")
    ranks = _single(store.select_values(_RANKS), "ranked class")
    conciliatory = column(store, _CONCILIATORY)
    responding = column(store, _RESPONDING)
    acts: dict[str, Act] = {}
    for iri, dyad, day in store.select_values(_ACTS):
        order, rank = orders.get(iri), ranks.get(iri)
        act = Act(iri, dyad, integer(day), stand_in(iri), None if order is None else integer(order),
                  None if rank is None else integer(rank), iri in conciliatory,
                  answers_nothing=rank is not None and iri in outside and iri not in responding)
        if acts.setdefault(iri, act) != act:
            raise NativeStepDeclined(f"{iri} has more than one dyad or day")
    return list(acts.values())


def infer_candidates(store: GraphStore) -> int:
    """Add rule 10's dg:ruleCandidateFor to the inferred graph, and to graph/delta-a as new
    for the OWL rules that follow. Returns the number of candidates."""
    _, window = current_run(store, RETALIATION_WINDOW)
    reverse = _single(store.select_values(_REVERSE), "reverse dyad")
    outside = column(store, OUTSIDE_DIPLOMACY)
    pairs = candidates(read_acts(store, outside), reverse, window, outside)
    store.add_triples([ox.Triple(ox.NamedNode(b), _CANDIDATE_FOR, ox.NamedNode(a)) for b, a in pairs],
                      (Graphs.INFERRED, Graphs.DELTA_A))
    return len(pairs)

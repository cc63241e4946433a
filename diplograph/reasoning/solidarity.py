"""Solidarity by a pass over the acts read out of the store: the same triples as the rule file
30-solidarity.rq, which remains the portable definition (``reason(portable=True)``, and the
tests that compare the two). See that file's header for what a solidarity link is.

The rule file joins every act with the acts of other actors against the same target within
the window, through periods of a scratch graph, then keeps each actor's latest day by an
aggregate: at 100,000 synthetic acts 44 s, growing faster than the acts. Here eight queries
read the run's window, the acts with their ranks, the retaliation links, the coordinated
actions, the records' solidarity and reasons, and the memberships; the acts against each
target are sorted by day, and each act finds what it could follow by bisection; one write
adds the result.

Where the data is not what the records' shapes make it (an act with two actors, days or
ranked classes; an act IRI outside /id/act/; not one current reasoning run), the pass could
only guess at what the file's joins would give: it declines (``NativeStepDeclined``) and the
file runs instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import DG, ID, Graphs
from ..store.base import GraphStore
from .engine import NativeStepDeclined
from .readout import (ACT_PATH, OUTSIDE_DIPLOMACY, SOLIDARITY_WINDOW, ByDay, after, column, current_run,
                      integer, stand_in)

_PREFIX = "PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
#: the acts rule 30 considers: carried out, of a class with a rank on the escalation ladder
_ACTS = _PREFIX + """SELECT ?act ?actor ?target ?day ?rank WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?act dg:status dg:CarriedOut ; dg:actor ?actor ; dg:target ?target ; dg:announcementDay ?day ; a ?class }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:escalationRank ?rank } }"""
_ANSWERING = _PREFIX + """SELECT DISTINCT ?act WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act dg:retaliatesFor ?own } }"""
_COORDINATED = _PREFIX + """SELECT ?act ?coalition WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:coordinatedIn ?coalition } }"""
_SAID = _PREFIX + """SELECT ?act ?supported WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:inSolidarityWith ?supported } }"""
_MEMBERSHIPS = _PREFIX + """SELECT ?membership ?member ?organisation ?start WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?membership dg:member ?member ; dg:organisation ?organisation ; dg:startDay ?start } }"""
_ENDS = _PREFIX + """SELECT ?membership ?end WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?membership dg:endDay ?end } }"""

_STATE_PATH, _ID_PATH = "/id/state/", "/id/"
_RULE = ox.NamedNode("https://w3id.org/diplograph/rules/rules/30-solidarity.rq")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_GENERATED_BY = ox.NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy")
_LINK = ox.NamedNode(str(DG.SolidarityLink))
_SUPPORTS, _FOLLOWS = ox.NamedNode(str(DG.supports)), ox.NamedNode(str(DG.followsInSolidarity))
_TRIGGER, _RESPONSE = ox.NamedNode(str(DG.trigger)), ox.NamedNode(str(DG.response))
_SUPPORTED, _LAG, _ORIGIN = ox.NamedNode(str(DG.supported)), ox.NamedNode(str(DG.lagDays)), ox.NamedNode(str(DG.linkOrigin))
_RULE_OF = ox.NamedNode(str(DG.rule))
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass(frozen=True)
class Act:
    iri: str
    actor: str
    target: str
    day: int
    rank: int
    #: its stand-in's IRI in the rule file's scratch graph, which the file's ties compare
    stand_in: str


@dataclass(frozen=True)
class Link:
    trigger: Act
    response: Act
    supported: str
    origin: str
    #: whether the response dg:followsInSolidarity the trigger (links within the window)
    follows: bool

    @property
    def lag(self) -> int:
        return self.response.day - self.trigger.day


def link_iri(response: str, supported: str) -> str:
    """The link's IRI as rule 30 mints it: the response's id, "--", the supported state's code
    (or what follows /id/ in the IRI of anything else supported)."""
    if supported.startswith(ID + "state/"):
        party = after(supported, _STATE_PATH)
    else:
        party = after(supported, _ID_PATH)
    return ID + "solidarity/" + after(response, ACT_PATH) + "--" + party


def _acts(rows) -> dict[str, Act]:
    acts: dict[str, Act] = {}
    for iri, actor, target, day, rank in rows:
        act = Act(iri, actor, target, integer(day), integer(rank), stand_in(iri))
        if acts.setdefault(iri, act) != act:
            raise NativeStepDeclined(f"{iri} has more than one actor, target, day or ranked class")
    return acts


def _grouped(rows) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for key, value in rows:
        grouped[key].add(value)
    return grouped


class Memberships:
    """Who belonged to what, and when: a membership counts from its earliest start day to its
    first end day, both included (rule 30: no start after the day, no end before it)."""

    def __init__(self, rows, ends) -> None:
        first_end: dict[str, int] = {}
        for membership, end in ends:
            day = integer(end)
            first_end[membership] = min(day, first_end.get(membership, day))
        spans: dict[tuple[str, str, str], list[int]] = {}
        for membership, member, organisation, start in rows:
            spans.setdefault((membership, member, organisation), []).append(integer(start))
        self._of: dict[str, list[tuple[str, int, int | None]]] = defaultdict(list)
        for (membership, member, organisation), starts in spans.items():
            self._of[member].append((organisation, min(starts), first_end.get(membership)))

    def _organisations(self, state: str, day: int) -> set[str]:
        return {organisation for organisation, start, end in self._of.get(state, ())
                if start <= day and (end is None or end >= day)}

    def shared(self, first: str, second: str, day: int) -> bool:
        return bool(self._organisations(first, day) & self._organisations(second, day))


def _closest(candidates: list[Act], rank: int, key) -> Act:
    """The act rule 30 keeps of several on one day: closest to ``rank`` on the ladder, then the
    greatest by ``key`` (the string the file compares)."""
    return max(candidates, key=lambda act: (-abs(act.rank - rank), key(act)))


def _stand_in(act: Act) -> str:
    return act.stand_in


def _iri(act: Act) -> str:
    return act.iri


def solidarity_links(acts: dict[str, Act], window: int, answering: set[str], coordinated: dict[str, set[str]],
                     said: dict[str, set[str]], outside: set[str], memberships: Memberships) -> list[Link]:
    """Rule 30's links: within the window (steps 1-4 of the file), then those the records
    assert that the window does not reach (steps 5-8)."""
    against: dict[str, list[Act]] = defaultdict(list)
    between: dict[tuple[str, str], list[Act]] = defaultdict(list)
    for act in acts.values():
        against[act.target].append(act)
        between[act.actor, act.target].append(act)
    by_target = {target: ByDay(listed) for target, listed in against.items()}
    by_pair = {pair: ByDay(listed) for pair, listed in between.items()}

    links: list[Link] = []
    for c in acts.values():
        if c.iri in answering:
            continue  # an act that answers a trigger of its own is no solidarity
        latest: dict[str, list[Act]] = {}
        for a in by_target[c.target].within(c.day - window, c.day - 1):
            if a.actor == c.actor:
                continue
            kept = latest.get(a.actor)
            if kept is None or kept[0].day < a.day:
                latest[a.actor] = [a]
            elif kept[0].day == a.day:
                kept.append(a)
        for x, candidates in latest.items():
            a = _closest(candidates, c.rank, _stand_in)
            if coordinated.get(c.iri, set()) & coordinated.get(a.iri, set()):
                continue  # taken together in one coordinated action
            if x in said.get(c.iri, ()):
                links.append(Link(a, c, x, "asserted and inferred", True))
            elif (c.iri not in said and c.iri not in outside
                  and memberships.shared(c.actor, x, c.day)):
                links.append(Link(a, c, x, "inferred only", True))

    found = {(link.response.iri, link.supported) for link in links}
    for iri, supported in sorted(said.items()):
        c = acts.get(iri)
        if c is None:
            continue
        for x in sorted(supported):
            if (iri, x) in found:
                continue
            pair = by_pair.get((x, c.target))
            earlier = pair.latest_day_before(c.day) if pair else None
            day = c.day if earlier is None else earlier
            candidates = pair.within(day, day) if pair else []
            if candidates:
                a = _closest(candidates, c.rank, _iri)
                links.append(Link(a, c, x, "asserted only", c.day - a.day <= window))
    return links


def link_triples(links: list[Link], run: str) -> list[ox.Triple]:
    """What rule 30 infers of each link: the response supports the supported state (and follows
    the trigger, within the window), and the link's node with its lag, origin, rule and run."""
    triples = []
    generated_by = ox.NamedNode(run)
    for link in links:
        node = ox.NamedNode(link_iri(link.response.iri, link.supported))
        response, trigger, supported = (ox.NamedNode(link.response.iri), ox.NamedNode(link.trigger.iri),
                                        ox.NamedNode(link.supported))
        triples += [
            ox.Triple(response, _SUPPORTS, supported),
            ox.Triple(node, _TYPE, _LINK),
            ox.Triple(node, _TRIGGER, trigger),
            ox.Triple(node, _RESPONSE, response),
            ox.Triple(node, _SUPPORTED, supported),
            ox.Triple(node, _LAG, ox.Literal(str(link.lag), datatype=_INTEGER)),
            ox.Triple(node, _ORIGIN, ox.Literal(link.origin)),
            ox.Triple(node, _RULE_OF, _RULE),
            ox.Triple(node, _GENERATED_BY, generated_by),
        ]
        if link.follows:
            triples.append(ox.Triple(response, _FOLLOWS, trigger))
    return triples


def infer_solidarity(store: GraphStore) -> int:
    """Add rule 30's links to the inferred graph, and to graph/delta-a as new for the OWL rules
    that follow. Returns the number of links."""
    run, window = current_run(store, SOLIDARITY_WINDOW)
    links = solidarity_links(
        _acts(store.select_values(_ACTS)), window,
        answering=column(store, _ANSWERING),
        coordinated=_grouped(store.select_values(_COORDINATED)),
        said=_grouped(store.select_values(_SAID)),
        outside=column(store, OUTSIDE_DIPLOMACY),
        memberships=Memberships(store.select_values(_MEMBERSHIPS), store.select_values(_ENDS)),
    )
    store.add_triples(link_triples(links, run), (Graphs.INFERRED, Graphs.DELTA_A))
    return len(links)

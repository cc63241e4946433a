"""Tit-for-tat chains by union-find over the links read out of the store: the same triples as
the rule files 40-chains.rq, 41-chains-propagate.rq and 42-chains-named.rq, which remain the
portable definition (``reason(portable=True)``, and the tests that compare the two).

A chain is a connected set of acts that retaliation and solidarity links join, named after
its earliest act. In SPARQL that takes label propagation, pass after pass, and every merge
of two chains relabels one of them: at 100,000 synthetic acts 57 passes and 85 s, growing
faster than the acts. Here two queries read the links and every act's day, a union-find joins
the acts (near-linear), and one write adds the result: it works the same against a remote
server, where the links travel out once and the chains back once.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from ..namespaces import DG, ID, Graphs
from ..store.base import GraphStore

#: every link a chain follows; solidarity asserted with an act long before joins no chain (it
#: has no dg:followsInSolidarity)
_LINKS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?a ?b WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?a dg:retaliatesFor|dg:followsInSolidarity ?b } }"""
#: every act's day, read on its own: looked up for each link, the day of an act is a scan of the
#: act's triples in pyoxigraph's store in memory (dozens each in a reasoned graph)
_DAYS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act ?day WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:announcementDay ?day } }"""

#: the rule files the native step stands for
CHAIN_RULES = ("40-chains", "41-chains-propagate", "42-chains-named")

_ACT_PATH = "/id/act/"
_IN_CHAIN = ox.NamedNode(str(DG.inChain))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CHAIN = ox.NamedNode(str(DG.Chain))
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_FOLLOWED = (ox.NamedNode(str(DG.retaliatesFor)), ox.NamedNode(str(DG.followsInSolidarity)))
#: the acts of a chain with their days, and their links (a chain's acts link only among themselves)
_MEMBERS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?chain ?act ?day WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act dg:inChain ?chain }
  OPTIONAL { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:announcementDay ?day } }
}"""
_MEMBERS_LINKS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?chain ?act ?other WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act dg:inChain ?chain ; dg:retaliatesFor|dg:followsInSolidarity ?other }
}"""
_DAY = ox.NamedNode(str(DG.announcementDay))
_ASSERTED, _INFERRED = ox.NamedNode(str(Graphs.ASSERTED)), ox.NamedNode(str(Graphs.INFERRED))


def earliest_of_each(links: Iterable[tuple[str, str]], key: dict[str, str]) -> dict[str, str]:
    """For every act of ``links`` (pairs of acts), the act of smallest ``key`` connected to it:
    a union-find whose roots are always the smallest key. Keys are rule 40's (day number, "|",
    id: compared as strings, by day, then IRI). An act without a key (no day) joins nothing and
    is its own chain, as in the rule files, where it never takes nor gives a label."""
    parent: dict[str, str] = {}

    def root(act: str) -> str:
        top = act
        while parent[top] != top:
            top = parent[top]
        while parent[act] != top:  # path compression
            parent[act], act = top, parent[act]
        return top

    for a, b in links:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        if a not in key or b not in key:
            continue
        first, second = root(a), root(b)
        if first != second:
            if key[second] < key[first]:
                first, second = second, first
            parent[second] = first
    return {act: root(act) for act in parent}


def key(act: str, day: str) -> str:
    """Rule 40's key of an act (its day number, "|", its id): compared as strings, by day, then
    IRI; a chain is named after the act of smallest key."""
    return f"{day}|{_id(act)}"


def _id(act: str) -> str:
    """What follows /id/act/ in an act's IRI, as SPARQL's STRAFTER gives it ("" if absent)."""
    return act.split(_ACT_PATH, 1)[1] if _ACT_PATH in act else ""


def chain_triples(earliest: dict[str, str]) -> list[ox.Triple]:
    """What rule 42 infers from each act's earliest act: act dg:inChain chain, and each chain's
    type and label (the chain's IRI and label name its earliest act by its id in its IRI)."""
    triples = []
    chains: dict[str, ox.NamedNode] = {}
    for act, first in earliest.items():
        chain = chains.get(first)
        if chain is None:
            root = _id(first)
            chain = chains[first] = ox.NamedNode(ID + "chain/" + root)
            triples.append(ox.Triple(chain, _TYPE, _CHAIN))
            triples.append(ox.Triple(chain, _LABEL, ox.Literal("tit-for-tat chain from " + root, language="en")))
        triples.append(ox.Triple(ox.NamedNode(act), _IN_CHAIN, chain))
    return triples


def infer_chains(store: GraphStore) -> int:
    """Add every linked act's chain to the inferred graph, and to graph/delta-a as new for the
    OWL rules that follow (as rule 42 does). Returns the number of chains."""
    keys = {act: key(act, day) for act, day in store.select_values(_DAYS)}
    earliest = earliest_of_each(store.select_values(_LINKS), keys)
    store.add_triples(chain_triples(earliest), (Graphs.INFERRED, Graphs.DELTA_A))
    return len(set(earliest.values()))


def chain_triples_around(engine: ox.Store, changed: set[ox.Triple], acts_changed: set[ox.NamedNode]
                         ) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """After the links of ``changed`` (triples added to or removed from the inferred graph) have
    changed in the store: the chain triples the store holds for the acts whose chain can differ,
    and those they have now (None when nothing can differ). A chain that gains or loses a
    link is the union of whole chains of before and of acts whose links changed: those chains'
    acts and the ends of the changed links are all an act's new chain can hold. The chains of
    ``acts_changed`` are recomputed too: a chain is named after its earliest act, and an act
    moved to another day (or removed) can change which that is."""
    ends = {term for t in changed if t.predicate in _FOLLOWED for term in (t.subject, t.object)
            if isinstance(term, ox.NamedNode)} | acts_changed
    if not ends:
        return None
    chains = {q.object for act in ends for q in engine.quads_for_pattern(act, _IN_CHAIN, None, _INFERRED)}
    old: list[ox.Triple] = []
    links: list[tuple[str, str]] = []
    keys: dict[str, str] = {}
    # a chain's members, their links and days read by joins in the engine: a chain can hold
    # thousands of acts, and a look-up per act and property from Python costs several times more
    for chain in chains:
        old.extend(q.triple for q in engine.quads_for_pattern(chain, _TYPE, _CHAIN, _INFERRED))
        old.extend(q.triple for q in engine.quads_for_pattern(chain, _LABEL, None, _INFERRED))
        for row in engine.query(_MEMBERS, substitutions={ox.Variable("chain"): chain}):
            act = row["act"]
            old.append(ox.Triple(act, _IN_CHAIN, chain))
            if row["day"] is not None:
                keys[act.value] = key(act.value, row["day"].value)
        links.extend((row["act"].value, row["other"].value)
                     for row in engine.query(_MEMBERS_LINKS, substitutions={ox.Variable("chain"): chain}))
    for act in ends:
        links.extend((act.value, q.object.value) for link in _FOLLOWED
                     for q in engine.quads_for_pattern(act, link, None, _INFERRED))
        keys.update((act.value, key(act.value, q.object.value))
                    for q in engine.quads_for_pattern(act, _DAY, None, _ASSERTED))
    return old, chain_triples(earliest_of_each(links, keys))

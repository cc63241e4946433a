"""The chains after an update changed some links (reasoning/incremental.py), without reading
whole chains where it need not.

A chain is a connected set of linked acts named after its earliest act, and chains grow large
(tens of thousands of acts at 100,000 synthetic acts): reading one whole to recompute it costs
seconds. After links are added the chains they join merge, and the merged chain is named after
the earliest of their earliest acts: only the acts of the chains that lose their name are read.
A removed link splits nothing when its two acts are still connected, which a search from both
of them finds (it stops when the two searches meet, usually after a few acts). Everything else
(a chain that may split, an act removed, or a chain's earliest act moved) goes to
``chains.chain_triples_around``, which recomputes the chains concerned whole.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import DG, ID, Graphs
from .chains import chain_triples, chain_triples_around, key

_FOLLOWED = (ox.NamedNode(str(DG.retaliatesFor)), ox.NamedNode(str(DG.followsInSolidarity)))
_IN_CHAIN = ox.NamedNode(str(DG.inChain))
_DAY = ox.NamedNode(str(DG.announcementDay))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CHAIN = ox.NamedNode(str(DG.Chain))
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_ASSERTED, _INFERRED = ox.NamedNode(str(Graphs.ASSERTED)), ox.NamedNode(str(Graphs.INFERRED))

_CHAIN_PATH, _ACT_PATH = ID + "chain/", ID + "act/"
#: acts a search from a removed link's ends visits before it leaves the question to a whole
#: recomputation
SEARCH_LIMIT = 20_000


def chain_changes(engine: ox.Store, added: set[ox.Triple], removed: set[ox.Triple],
                  acts_changed: set[ox.NamedNode]) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """The chain triples the store holds that differ from those it should now hold, and those it
    should hold instead, after the links of ``added`` and ``removed`` changed in the store and
    ``acts_changed`` changed in the records (None: no chain changes)."""
    links_added = [t for t in added if t.predicate in _FOLLOWED]
    links_removed = [t for t in removed if t.predicate in _FOLLOWED]
    if not (links_added or links_removed or acts_changed):
        return None
    fast = _merged(engine, links_added, links_removed, acts_changed)
    if fast is not None:
        return fast
    return chain_triples_around(engine, set(links_added) | set(links_removed), acts_changed)


def _key(engine: ox.Store, act: ox.NamedNode) -> str | None:
    days = [q.object.value for q in engine.quads_for_pattern(act, _DAY, None, _ASSERTED)]
    return key(act.value, days[0]) if len(days) == 1 and act.value.startswith(_ACT_PATH) else None


def _chain_of(engine: ox.Store, act: ox.NamedNode) -> ox.NamedNode | None:
    chains = [q.object for q in engine.quads_for_pattern(act, _IN_CHAIN, None, _INFERRED)]
    return chains[0] if len(chains) == 1 else None


def _root(chain: ox.NamedNode) -> ox.NamedNode:
    """A chain's earliest act, which names it."""
    return ox.NamedNode(_ACT_PATH + chain.value[len(_CHAIN_PATH):])


def _neighbours(engine: ox.Store, act: ox.Term) -> list[ox.Term]:
    found = []
    for link in _FOLLOWED:
        found.extend(q.object for q in engine.quads_for_pattern(act, link, None, _INFERRED))
        found.extend(q.subject for q in engine.quads_for_pattern(None, link, act, _INFERRED))
    return found


def _connected(engine: ox.Store, first: ox.Term, second: ox.Term) -> bool | None:
    """Whether two acts are joined by links in the store: True, False, or None when the
    searches visited ``SEARCH_LIMIT`` acts without an answer."""
    seen = [{first}, {second}]
    frontier = [[first], [second]]
    while frontier[0] and frontier[1]:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        following = []
        for act in frontier[side]:
            for other in _neighbours(engine, act):
                if other in seen[1 - side]:
                    return True
                if other not in seen[side]:
                    seen[side].add(other)
                    following.append(other)
        frontier[side] = following
        if len(seen[0]) + len(seen[1]) > SEARCH_LIMIT:
            return None
    return False


def _merged(engine: ox.Store, links_added: list[ox.Triple], links_removed: list[ox.Triple],
            acts_changed: set[ox.NamedNode]) -> tuple[list[ox.Triple], list[ox.Triple]] | None:
    """The chain triples that change when chains only merge, or None when that may not be all."""
    for link in links_removed:
        if _connected(engine, link.subject, link.object) is not True:
            return None
    # a changed act that is linked to nothing now and was in no chain stays in none
    ends = {term for t in links_added for term in (t.subject, t.object)} | {
        act for act in acts_changed if _chain_of(engine, act) is not None or _neighbours(engine, act)}
    chain_of: dict[ox.Term, ox.NamedNode | None] = {act: _chain_of(engine, act) for act in ends}
    keys: dict[ox.Term, str] = {}
    for act in ends:
        found = _key(engine, act)
        if found is None:
            return None  # an act removed, or without one day: the whole way
        keys[act] = found
        chain = chain_of[act]
        if act in acts_changed and chain is not None and _root(chain) == act:
            return None  # the earliest act of a chain moved: another may be the earliest now
    # the chains and the unchained acts the added links join, by union-find
    parent: dict[object, object] = {}

    def node(act: ox.Term) -> object:
        return chain_of[act] or act

    def find(item: object) -> object:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for link in links_added:
        first, second = find(node(link.subject)), find(node(link.object))
        if first != second:
            parent[second] = first
    for act in ends:
        find(node(act))
    # each group's earliest act: of each chain its root, of each act of the group its own key
    earliest: dict[object, tuple[str, ox.NamedNode]] = {}

    def offer(item: object, rank: str, act: ox.NamedNode) -> None:
        group = find(item)
        if group not in earliest or rank < earliest[group][0]:
            earliest[group] = (rank, act)

    for item in list(parent):
        if isinstance(item, ox.NamedNode) and item.value.startswith(_CHAIN_PATH):
            root = _root(item)
            found = _key(engine, root)
            if found is None:
                return None
            offer(item, found, root)
    for act in ends:
        offer(node(act), keys[act], act)
    old: list[ox.Triple] = []
    named: dict[str, str] = {}
    for item in list(parent):
        name = earliest[find(item)][1].value
        if isinstance(item, ox.NamedNode) and item.value.startswith(_CHAIN_PATH):
            if _root(item).value == name:
                continue
            # a chain that loses its name: every act of it changes chain
            old.extend(q.triple for q in engine.quads_for_pattern(item, _TYPE, _CHAIN, _INFERRED))
            old.extend(q.triple for q in engine.quads_for_pattern(item, _LABEL, None, _INFERRED))
            for quad in engine.quads_for_pattern(None, _IN_CHAIN, item, _INFERRED):
                old.append(quad.triple)
                named[quad.subject.value] = name
        elif chain_of.get(item) is None:
            named[item.value] = name
    new = [t for t in chain_triples(named) if t.predicate == _IN_CHAIN
           or ox.Quad(t.subject, t.predicate, t.object, _INFERRED) not in engine]
    return old, new

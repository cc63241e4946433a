"""Reasoning after loads that changed a few records: the inferences that can depend on what
changed are recomputed, and only the difference is written into the inferred graph.

A load into a reasoned store logs every resource it touches and what the current run saw of it
(sparql/commit_load.ru, read by changelog.py). From that log:

1. the resources whose triples changed, and the acts among them (with their figures, citations);
2. the region (region.py): the acts whose temporal inferences a changed act can reach, and what
   the rules read to infer them;
3. the temporal rules but the chains run over the region as the run saw it and as it is now, in
   two stores in memory, after cax-sco (conciliatory acts, the one OWL consequence they read);
4. the OWL consequences of the subjects that changed (the logged resources, and the subjects of
   the temporal triples that differ), each closed with all its triples before and after: every
   OWL rule draws a triple from one triple or from triples of one subject, so what the
   subjects' closure loses and another subject still gives is found by the rule's premises in
   the store and put back (premises.py);
5. the chains of the acts whose links changed, merged or recomputed (chain_update.py).

Anything else is a full run (``plan`` says why): no current run, other windows or rules, another
version of the software or of the ontology, changed states, organisations or memberships, a
region of more than a quarter of the acts, a remote store. docs/reasoning.md explains why the
region is enough; tests/test_incremental.py compares updates with full runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from .. import __version__
from ..namespaces import DG, ID, Graphs
from ..store.base import GraphStore
from ..store.embedded import EmbeddedStore
from .changelog import DROP_LOG, Changes, Description, Descriptions, act_of, kind, logged
from .chain_update import chain_changes
from .chains import CHAIN_RULES
from .engine import Rule, apply_once, inferred_size, owl_closure
from .premises import still_given
from .region import region as find_region
from .tbox import compile_schema
from .working_copy import run_quads

#: changes the region covers: the acts, what describes one act, and resources only acts name
_REGIONAL = {"act", "figure", "citation", "source", "episode", "dyad"}
#: kinds read by the rules only through the acts that name them: new ones are regional too
_REGIONAL_WHEN_NEW = {"mission", "person", "post", "tenure", "coalition"}
#: what every region holds whole (few: solidarity joins the memberships of any two states)
_ENTITIES = (DG.State, DG.InternationalOrganisation, DG.Membership)
#: why a store never reasoned gets a full run (the usual case, not worth telling)
NO_RUN = "the store holds no reasoning run to update"
#: kinds no temporal rule reads: left out of the region's stores
_UNREAD = {"source", "citation", "episode"}
#: the OWL rule whose consequences the temporal rules read (conciliatory acts, by subclass)
_TYPES_THE_RULES_READ = "cax-sco"
#: a region of more than this share of the acts costs more than a full run
LARGEST_REGION = 0.25

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ACTOR, _TARGET = ox.NamedNode(str(DG.actor)), ox.NamedNode(str(DG.target))
_DAY = ox.NamedNode(str(DG.announcementDay))
_ASSERTED, _INFERRED = ox.NamedNode(str(Graphs.ASSERTED)), ox.NamedNode(str(Graphs.INFERRED))
_SCHEMA = (ox.NamedNode(str(Graphs.ONTOLOGY)), ox.NamedNode(str(Graphs.TBOX)))
_PROVENANCE = ox.NamedNode(str(Graphs.PROVENANCE))
_SIZE = ox.NamedNode(str(DG.inferredTriples))
_DATE_TIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

_COUNT_ACTS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:announcementDay ?day } }"""
_CURRENT_RUN = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?run ?window ?solidarity ?version ?temporal WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?run a dg:ReasoningRun ; dg:isCurrentRun true .
  OPTIONAL { ?run dg:windowDays ?window } OPTIONAL { ?run dg:solidarityWindowDays ?solidarity }
  OPTIONAL { ?run dg:softwareVersion ?version } OPTIONAL { ?run dg:temporalRules ?temporal }
} }"""
@dataclass
class Plan:
    """An update the log allows: the changes, the acts to reason over again and the run's node."""

    changes: Changes
    changed: set[ox.NamedNode]
    region: set[ox.NamedNode]
    now: Descriptions
    run: ox.NamedNode


@dataclass
class Update:
    changed: int
    region_acts: int
    added: int
    removed: int
    #: the subjects of what was added, and the resources that changed: what the consistency
    #: checks look at again
    touched: set[ox.NamedNode]
    #: triples in the inferred graph now
    inferred_triples: int


def plan(store: GraphStore, *, retaliation_days: int, solidarity_days: int, temporal: bool) -> Plan | str:
    """The update that brings the store's inferences up to date, or why a full run is needed."""
    if not isinstance(store, EmbeddedStore):
        return "the store is remote: its inferences are recomputed whole"
    runs = store.select(_CURRENT_RUN).rows
    if len(runs) != 1:
        return NO_RUN if not runs else "the store holds several current runs"
    run, window, solidarity, version, with_temporal = runs[0]
    if (window is None or solidarity is None
            or (int(window.toPython()), int(solidarity.toPython())) != (retaliation_days, solidarity_days)):
        return "the windows differ from those of the last run"
    if version is None or str(version) != __version__:
        return "the last run was made by another version of Diplograph"
    if with_temporal is None or bool(with_temporal.toPython()) != temporal:
        return "the last run applied other rules"
    engine = store.engine
    if next(iter(engine.quads_for_pattern(None, None, None, _INFERRED)), None) is None:
        return "the store holds the last run's node but none of its inferences"
    if compile_schema(store):
        return "the ontology changed since the last run"
    now = Descriptions(engine)
    changes = logged(engine, now)
    changed = changes.changed
    for resource in changed:
        what = kind(resource)
        if what not in _REGIONAL and not (what in _REGIONAL_WHEN_NEW and changes.is_new(resource)):
            return f"a {what or 'resource'} changed ({resource.value}): the rules read it for every act"
    region = find_region(engine, changes, changed, now, retaliation_days=retaliation_days,
                         solidarity_days=solidarity_days)
    acts = int(store.select(_COUNT_ACTS).rows[0][0].toPython())
    if len(region) > LARGEST_REGION * max(acts, 1):
        return f"the changes reach {len(region):,} of {acts:,} acts: a full run is faster"
    return Plan(changes, changed, region, now, ox.NamedNode(str(run)))


def update(store: EmbeddedStore, plan_: Plan, *, owl: list[Rule], temporal: list[Rule] | None,
           on_rule: Callable[[Rule, int], None] | None = None) -> Update:
    """Bring the inferred graph up to date with what the log says changed; drops the log.
    ``temporal``: the temporal rules the run applied (None: OWL only)."""
    engine = store.engine
    changes, now = plan_.changes, plan_.now

    def before(resource: ox.NamedNode) -> Description:
        return changes.before[resource] if resource in changes.before else now(resource)

    def after(resource: ox.NamedNode) -> Description:
        return changes.after[resource] if resource in changes.after else now(resource)

    fixed = [q for graph in _SCHEMA for q in engine.quads_for_pattern(None, None, None, graph)]
    fixed.extend(run_quads(engine))
    then: set[ox.Triple] = set()
    now_: set[ox.Triple] = set()
    if temporal is not None:
        entities = {q.subject for kind_ in _ENTITIES
                    for q in engine.quads_for_pattern(None, _TYPE, ox.NamedNode(str(kind_)), _ASSERTED)}
        resources = _named(plan_.region | plan_.changed | entities, (before, after))
        rules = [rule for rule in temporal if not _is_chain(rule)]
        types = [rule for step in owl for rule in (step.stands_for or (step,)) if rule.name == _TYPES_THE_RULES_READ]
        then = _temporal_outputs(fixed, resources, before, rules, types, on_rule)
        now_ = _temporal_outputs(fixed, resources, after, rules, types, on_rule)
    # the OWL consequences of what changed: the resources the log names, and every subject of a
    # temporal triple that changed, each with all its triples before and after
    subjects = plan_.changed | {t.subject for t in then ^ now_}
    added, removed = _consequences_changed(
        engine, fixed, owl, on_rule,
        old=_units(subjects, before, then), new=_units(subjects, after, now_))
    size = _inferred_triples(store, plan_.run)
    with store.writing_inferences():
        size += _write(engine, added, removed)
        if temporal is not None:
            acts_changed = {act for act in map(act_of, plan_.changed) if act is not None}
            chain_added, chain_removed = _chains(engine, added, removed, acts_changed, fixed, owl, on_rule)
            size += _write(engine, chain_added, chain_removed)
            added |= chain_added
            removed |= chain_removed
        # what a changed resource now asserts is no longer inferred (a full run leaves asserted
        # triples out); what it no longer asserts may still follow from the rest, and is then
        # inferred (a dyad's reverse, still named by the reverse dyad)
        asserted_now = {t for resource in plan_.changed for t in after(resource)}
        asserted_then = {t for resource in plan_.changed for t in before(resource)}
        size += _write(engine, set(), asserted_now)
        removed |= asserted_now
        kept, grown = still_given(engine, removed | (asserted_then - asserted_now))
        size += grown
        removed -= kept
        added |= kept
        stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        engine.add(ox.Quad(plan_.run, ox.NamedNode(str(DG.updatedAt)), ox.Literal(stamp, datatype=_DATE_TIME), _PROVENANCE))
        for quad in list(engine.quads_for_pattern(plan_.run, _SIZE, None, _PROVENANCE)):
            engine.remove(quad)
        engine.add(ox.Quad(plan_.run, _SIZE, ox.Literal(str(size), datatype=_INTEGER), _PROVENANCE))
        engine.update(DROP_LOG)
    touched = {t.subject for t in added} | plan_.changed
    return Update(len(plan_.changed), len(plan_.region), len(added), len(removed), touched, size)


def _inferred_triples(store: EmbeddedStore, run: ox.NamedNode) -> int:
    """The size of the inferred graph, as the run's node records it (else counted: a store
    reasoned by an earlier version)."""
    recorded = [q.object.value for q in store.engine.quads_for_pattern(run, _SIZE, None, _PROVENANCE)]
    return int(recorded[0]) if len(recorded) == 1 else inferred_size(store)


def _is_chain(rule: Rule) -> bool:
    return rule.name in CHAIN_RULES or any(part.name in CHAIN_RULES for part in rule.stands_for)


def _named(start: set[ox.NamedNode], versions) -> set[ox.NamedNode]:
    """``start`` and every minted resource their triples name, in either version, to closure,
    but for what no temporal rule reads (sources, citations, episodes)."""
    seen, todo = set(start), list(start)
    while todo:
        resource = todo.pop()
        for version in versions:
            for triple in version(resource):
                term = triple.object
                if (isinstance(term, ox.NamedNode) and term not in seen and term.value.startswith(ID)
                        and kind(term) not in _UNREAD):
                    seen.add(term)
                    todo.append(term)
    return seen


def _memory_store(fixed: list[ox.Quad], asserted: Iterable[ox.Triple] = (),
                  inferred: Iterable[ox.Triple] = ()) -> EmbeddedStore:
    region = EmbeddedStore(None)
    region.engine.extend(fixed)
    region.engine.extend(_quads(asserted, _ASSERTED))
    region.engine.extend(_quads(inferred, _INFERRED))
    return region


def _inferred(region: EmbeddedStore) -> set[ox.Triple]:
    return {quad.triple for quad in region.engine.quads_for_pattern(None, None, None, _INFERRED)}


def _temporal_outputs(fixed: list[ox.Quad], resources: set[ox.NamedNode], describe: Callable[[ox.NamedNode], Description],
                      rules: list[Rule], types: list[Rule], on_rule: Callable[[Rule, int], None] | None) -> set[ox.Triple]:
    """What the temporal rules (but the chains) infer from the region in one version."""
    region = _memory_store(fixed, (t for resource in resources for t in describe(resource)))
    # the one OWL consequence the temporal rules read: the acts' types by subclass (conciliatory)
    owl_closure(region, types, on_rule=on_rule)
    read = _inferred(region)
    apply_once(region, rules, on_rule=on_rule)
    return _inferred(region) - read


def _units(subjects: set[ox.NamedNode], describe: Callable[[ox.NamedNode], Description],
           temporal: set[ox.Triple]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The asserted triples of ``subjects`` in one version, and the temporal rules' triples of them."""
    return ([t for subject in subjects for t in describe(subject)],
            [t for t in temporal if t.subject in subjects])


def _consequences_changed(engine: ox.Store, fixed: list[ox.Quad], owl: list[Rule],
                          on_rule: Callable[[Rule, int], None] | None, *,
                          old: tuple[list[ox.Triple], list[ox.Triple]], new: tuple[list[ox.Triple], list[ox.Triple]]
                          ) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """What to add to the inferred graph and what to remove, from the triples of the changed
    subjects before and after (asserted, and inferred by the temporal rules): each version closed
    by the OWL rules in a store of its own. Every OWL rule here draws a triple from one triple, or
    (chains of properties, functional properties) from triples of one subject, so the closure of
    the whole graph is the union of the closures of its subjects: what the changed subjects' closure
    loses may still follow from another subject, which premises.still_given checks."""
    closed = []
    for asserted, inferred in (old, new):
        region = _memory_store(fixed, asserted, inferred)
        owl_closure(region, owl, on_rule=on_rule)
        closed.append(_inferred(region))
    then, now = closed
    # a triple asserted in the store is not inferred, as in a full run (whose rules leave it out)
    added = {t for t in now - then
             if ox.Quad(t.subject, t.predicate, t.object, _ASSERTED) not in engine}
    return added, then - now


def _write(engine: ox.Store, added: set[ox.Triple], removed: set[ox.Triple]) -> int:
    """Remove and add to the inferred graph; returns by how many triples it grew (those it held
    already, or did not hold, left out: the run keeps the size of its graph)."""
    gone = [quad for quad in _quads(removed, _INFERRED) if quad in engine]
    for quad in gone:
        engine.remove(quad)
    new = [quad for quad in _quads(added, _INFERRED) if quad not in engine]
    engine.extend(new)
    return len(new) - len(gone)


def _quads(triples: Iterable[ox.Triple], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def _chains(engine: ox.Store, added: set[ox.Triple], removed: set[ox.Triple], acts_changed: set[ox.NamedNode],
            fixed: list[ox.Quad], owl: list[Rule], on_rule: Callable[[Rule, int], None] | None
            ) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """The chains of the acts whose links changed (``added``, ``removed``) and of the changed
    acts, brought up to date (chain_update.py), with their OWL consequences: what to add to the
    inferred graph and what to remove."""
    changes = chain_changes(engine, added, removed, acts_changed)
    if changes is None:
        return set(), set()
    old, new = set(changes[0]), set(changes[1])
    subjects = {t.subject for t in old ^ new}
    return _consequences_changed(engine, fixed, owl, on_rule,
                                 old=([], [t for t in old if t.subject in subjects]),
                                 new=([], [t for t in new if t.subject in subjects]))

"""Reasoning over a store on disk too large for a working copy: in parts that fit in memory.

A working copy of the whole store (working_copy.py) takes some 420 bytes a quad in pyoxigraph's
in-memory store: about 25 GiB at a million acts. Reasoning in place on disk instead costs
several times as much per quad (lookups, writes, deletions each go through RocksDB), and the
temporal rules' scratch graphs are written and deleted there. So:

1. **OWL 2 RL, by parts of the asserted graph.** The asserted graph is read once, in the
   store's order, which gives each subject's triples together; a few million quads at a time,
   ending on a subject's last triple, go into an in-memory store with the ontology and its
   compiled schema, where the native OWL step (native_owl.py) closes them. What a part infers
   is written to disk in bulk (a quad two parts infer is one quad on disk), but for a triple
   the part does not know is asserted: the part holds every asserted triple of its own
   subjects, and the others' are looked up on disk.

   Every OWL rule the step applies takes one triple of data, but the property chains (prp-spo2),
   which join two. A part draws a chain where both links come from triples of the node between
   them (an act's actor and target, a membership's member and organisation): ``chains_local``
   checks, from the schema and the predicates asserted, that no link of a chain can come from
   another node's triple, and if one could, the OWL stage runs in place instead. Equality
   (owl:sameAs from functional properties and keys) is checked once over the whole store
   afterwards, as the step does; where the files would draw it, they run.

2. **The temporal rules in a projection.** They read a small part of the graph: the acts'
   dates, dyads, types, actors and targets, memberships, the ontology. An in-memory store gets
   the ontology, the compiled schema, the reasoning run's node and, of the asserted and inferred
   graphs, the quads of every predicate and class the rule files name (with those the OWL
   step's chains and equality checks read), gathered by the OWL stage as its parts go by; the
   temporal rules run there, then the OWL rules over what they inferred, and what is new is
   written to disk in bulk.

The inferred graph is the same, triple for triple, as a working copy's (tests/test_in_parts.py).
A failure leaves the store as if never reasoned (``EmbeddedStore.writing_inferences``).
"""

from __future__ import annotations

import re
from array import array
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

import numpy as np
import pyoxigraph as ox

from .. import resources
from ..namespaces import Graphs
from ..store.embedded import FORGET_RUNS, EmbeddedStore, delete_in_pieces
from .native_owl import ASSERTED, INFERRED, TYPE, Schema, _close, _equalities, compile_tables

#: quads of the asserted graph closed together (with what they entail: some 1.5 GiB in memory)
PART_QUADS = 2_000_000
#: resident memory per asserted quad of the temporal rules' stage (the projection, what the rules
#: infer, their scratch graphs, the native steps' tables): 1.4 KB at 10,000 acts; at a million
#: acts (24 million asserted quads) the process was killed at 24 GB, during the solidarity rule
BYTES_PER_ASSERTED_QUAD = 1400


class TooLargeForParts(ValueError):
    """The temporal rules' projection of the store would not fit in the memory available."""


def check_room(store: EmbeddedStore) -> None:
    """Refuse, before anything is written, a store whose temporal rules would not fit in memory:
    they run in one projection of the graph (the OWL stage alone runs in parts of any size)."""
    from .working_copy import _available_memory

    asserted = store.count(Graphs.ASSERTED)
    needed, available = asserted * BYTES_PER_ASSERTED_QUAD, _available_memory()
    if available and needed > available:
        raise TooLargeForParts(
            f"the temporal rules would need about {needed / 2**30:.0f} GiB in memory for this store's "
            f"{asserted:,} asserted quads, and {available / 2**30:.0f} GiB are available: reasoning in parts "
            f"holds their projection of the whole graph in memory, which fits up to some "
            f"{available // BYTES_PER_ASSERTED_QUAD:,} asserted quads here (the temporal rules by periods of "
            "time are not built yet); 'diplograph reason --in-place' runs them on disk, slowly")


@dataclass
class PartsRun:
    """A run in parts: what its OWL stage hands to its temporal rules, and what it inferred."""

    #: the projection the temporal rules read, gathered as the OWL stage's parts went by (None:
    #: it is copied out of the store)
    projection: EmbeddedStore | None = None
    #: the last run's inferred graph is still on disk (see ``forget``): what this run infers is
    #: written where new, and the rest of the old deleted at the end (``settle``)
    previous: bool = False
    #: the hashes of the quads this run infers, by predicate (kept only when ``previous``)
    inferred: dict[ox.NamedNode, array] = field(default_factory=dict)

    def recorded(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads``, their hashes kept when there is a last run's graph to compare with."""
        if not self.previous:
            yield from quads
            return
        inferred = self.inferred
        for quad in quads:
            hashes = inferred.get(quad.predicate)
            if hashes is None:
                hashes = inferred[quad.predicate] = array("q")
            hashes.append(hash(quad))
            yield quad


#: set while a run reasons in parts: the native OWL step then closes the store part by part
IN_PARTS: ContextVar[PartsRun | None] = ContextVar("diplograph_reasoning_in_parts", default=None)

_ONTOLOGY, _TBOX = ox.NamedNode(str(Graphs.ONTOLOGY)), ox.NamedNode(str(Graphs.TBOX))


def owl_in_parts(engine: ox.Store, schema: Schema, *, part_quads: int = 0, projection: ox.Store | None = None,
                 run: PartsRun | None = None) -> int:
    """Close the asserted graph of ``engine`` (on disk) part by part into its inferred graph,
    which is empty or holds the last run's (``run.previous``). Returns the number of parts. The caller checks ``chains_local`` first
    and equality after. ``projection``: a store that gets the ontology, the compiled schema and
    what the temporal rules read of each part's asserted quads and of what it wrote (see
    ``Projected``), saving a second reading of the store. ``run``: where the last run's inferred
    graph is still on disk, what it holds already is not written again."""
    schema_quads = [*engine.quads_for_pattern(None, None, None, _ONTOLOGY),
                    *engine.quads_for_pattern(None, None, None, _TBOX)]
    projected = Projected(schema)
    if projection is not None:
        projection.extend(schema_quads)
    parts = 0
    for quads in _parts(engine.quads_for_pattern(None, None, None, ASSERTED), part_quads or PART_QUADS):
        part = ox.Store()
        part.extend(schema_quads)
        part.extend(quads)
        _close(part, True, equality=False)
        own = {quad.subject for quad in quads}
        if projection is not None:
            projection.extend(projected.asserted(quads))
        del quads
        inferred = _not_asserted_elsewhere(part.quads_for_pattern(None, None, None, INFERRED), own, engine)
        kept: list[ox.Quad] = []
        if projection is not None:
            # all the part infers, whether the last run's graph holds it or not
            inferred = _tee(inferred, projected.inferred, kept)
        if run is not None and run.previous:
            inferred = (quad for quad in run.recorded(inferred) if quad not in engine)
        engine.bulk_extend(inferred)
        if projection is not None:
            projection.extend(kept)
        parts += 1
    return parts


def _tee(quads: Iterable[ox.Quad], wanted: Callable[[ox.Quad], bool], into: list) -> Iterator[ox.Quad]:
    for quad in quads:
        if wanted(quad):
            into.append(quad)
        yield quad


def _parts(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """``quads`` (each subject's together, as the store gives them) in lists of about ``size``,
    each ending with a subject's last quad."""
    part: list[ox.Quad] = []
    for quad in quads:
        if len(part) >= size and quad.subject != part[-1].subject:
            yield part
            part = []
        part.append(quad)
    if part:
        yield part


def _not_asserted_elsewhere(inferred: Iterable[ox.Quad], own: set, engine: ox.Store) -> Iterator[ox.Quad]:
    """What a part inferred, but triples of another part's subjects that are asserted there."""
    for quad in inferred:
        if quad.subject in own or ox.Quad(quad.subject, quad.predicate, quad.object, ASSERTED) not in engine:
            yield quad


def chains_local(engine: ox.Store, schema: Schema) -> str | None:
    """Why a part could miss a property chain's conclusion (None: it cannot).

    A part holds the asserted triples of its subjects. The chain p1 o p2 joins p1(x, y) and
    p2(y, z); a part draws it when both come from triples whose subject is y: p1 by an inverse
    or a symmetric property from a triple of y, p2 from a triple of y itself. From the
    predicates asserted, the schema tells, for every property and each end, from whose triple it
    can come."""
    # a predicate the schema says nothing of entails nothing about another: only those it names
    # are looked up (in the store's index, not by reading the graph)
    named = {*schema.superproperties, *schema.inverses, *schema.symmetric,
             *schema.chains_by_first, *schema.chains_by_second}
    asserted = {p for p in named if next(iter(engine.quads_for_pattern(None, p, None, ASSERTED)), None) is not None}
    # (property, True): drawn with the subject of the triple it comes from as its subject;
    # (property, False): with that triple's object as its subject
    def step(end: tuple[ox.NamedNode, bool]) -> Iterator[tuple[ox.NamedNode, bool]]:
        p, same = end
        yield from ((q, same) for q in schema.superproperties.get(p, ()))
        yield from ((q, not same) for q in schema.inverses.get(p, ()))
        if p in schema.symmetric:
            yield p, not same

    reach = _reached([(p, True) for p in asserted], step)
    chained = {chain for links in schema.chains_by_first.values() for chain, _ in links}
    for first, links in schema.chains_by_first.items():
        for chain, second in links:
            if (first, True) in reach:
                return f"a link {first.value} of the chain {chain.value} asserted from its first node"
            if (second, False) in reach:
                return f"a link {second.value} of the chain {chain.value} drawn from its last node"
    links = set(schema.chains_by_first) | set(schema.chains_by_second)
    for chain in chained:
        # a chain's conclusion joins two parts' nodes: it must not be a link of a chain itself
        drawn = _reached([chain], lambda p: (*schema.superproperties.get(p, ()), *schema.inverses.get(p, ())))
        if drawn & links:
            return f"the chain {chain.value} draws a link of a chain"
    return None


def _reached(start: Iterable, step: Callable[[object], Iterable]) -> set:
    """Everything ``step`` leads to from ``start``, ``start`` included."""
    reached: set = set()
    todo = list(start)
    while todo:
        item = todo.pop()
        if item not in reached:
            reached.add(item)
            todo.extend(step(item))
    return reached


def close_in_parts(engine: ox.Store) -> None:
    """The native OWL step's full closure of a store on disk, in parts where that gives the same
    triples (see the module's docstring), else in place. Raises NativeStepDeclined where the
    files would draw owl:sameAs."""
    schema = compile_tables(engine)
    run = IN_PARTS.get() or PartsRun()
    if chains_local(engine, schema) is not None:
        _in_place(engine, run)
        return
    projection = EmbeddedStore(None)
    owl_in_parts(engine, schema, projection=projection.engine, run=run)
    if _equalities(engine, schema):
        # the files run in place, from every triple; a last run's triples are no premises
        _in_place(engine, run)
        return
    run.projection = projection


def _in_place(engine: ox.Store, run: PartsRun) -> None:
    """The native step in place, over the asserted graph alone (as after ``forget``)."""
    if run.previous:
        delete_in_pieces(engine, Graphs.INFERRED)
        run.previous, run.inferred = False, {}
    _close(engine, True)


# --- the temporal rules in a projection ---------------------------------------------------

_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^<>\s]*)>", re.MULTILINE | re.IGNORECASE)
_PREFIXED = re.compile(r"(?<![\w<#/])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")
_FULL_IRI = re.compile(r"<([A-Za-z][\w+.-]*:[^<>\s]+)>")


def named_in(texts: Iterable[str]) -> set[ox.NamedNode]:
    """Every IRI a SPARQL text names, written in full or with one of its prefixes."""
    named: set[ox.NamedNode] = set()
    for text in texts:
        prefixes = {prefix or "": iri for prefix, iri in _PREFIX.findall(text)}
        body = _PREFIX.sub("", text)
        named.update(ox.NamedNode(iri) for iri in _FULL_IRI.findall(body))
        for prefix, local in _PREFIXED.findall(body):
            if (prefix or "") in prefixes:
                named.add(ox.NamedNode(prefixes[prefix or ""] + local))
    return named


def projection(schema: Schema) -> set[ox.NamedNode]:
    """The predicates and classes the temporal rules and the OWL rules after them read: what the
    rule files name, and what the OWL step looks up beside a triple drawn from those (taken as
    what the rules may write): the other link of a property chain, the other values of a
    functional property, and the keys."""
    rules = resources.rules_dir()
    named = named_in(path.read_text(encoding="utf-8") for path in sorted(rules.glob("*.rq")))
    drawn = _reached(named, lambda p: (*schema.superproperties.get(p, ()), *schema.inverses.get(p, ()),
                                       *(chain for chain, _ in schema.chains_by_first.get(p, ())),
                                       *(chain for chain, _ in schema.chains_by_second.get(p, ()))))
    for p in drawn:
        named.update(second for _, second in schema.chains_by_first.get(p, ()))
        named.update(first for _, first in schema.chains_by_second.get(p, ()))
        if p in schema.functional:
            named.add(p)
    named.update(p for _, p in schema.keys)
    named.update(c for c, _ in schema.keys)
    return named


class Projected:
    """Which quads of the asserted and inferred graphs are of the projection: of the predicates
    and classes of ``projection``, and the asserted types of the subjects of those (a rule reads
    an act's class as a variable: ?a a ?class . ?class dg:escalationRank ?rank; a source's or a
    citation's type it never reads)."""

    def __init__(self, schema: Schema):
        self.named = projection(schema)
        self.predicates = frozenset(term for term in self.named if term != TYPE)

    def inferred(self, quad: ox.Quad) -> bool:
        p = quad.predicate
        return quad.object in self.named if p == TYPE else p in self.predicates

    def asserted(self, quads: list[ox.Quad]) -> list[ox.Quad]:
        """Of ``quads``, which hold every asserted quad of their subjects, those of the projection."""
        predicates, named = self.predicates, self.named
        subjects = {quad.subject for quad in quads if quad.predicate in predicates}
        return [quad for quad in quads
                if quad.predicate in predicates
                or (quad.predicate == TYPE and (quad.object in named or quad.subject in subjects))]


def projected_copy(store: EmbeddedStore, schema: Schema) -> EmbeddedStore:
    """An in-memory store with what the temporal rules read of ``store``: the ontology, the
    compiled schema, the reasoning runs' nodes and the quads of the asserted and inferred
    graphs that are of the projection (``Projected``)."""
    from .working_copy import run_quads

    engine = store.engine
    copy = EmbeddedStore(None)
    target = copy.engine
    for graph in (_ONTOLOGY, _TBOX):
        target.extend(engine.quads_for_pattern(None, None, None, graph))
    target.extend(list(run_quads(engine)))
    projected = Projected(schema)
    subjects = set()
    for term in sorted(projected.predicates, key=lambda t: t.value):
        asserted = list(engine.quads_for_pattern(None, term, None, ASSERTED))
        subjects.update(quad.subject for quad in asserted)
        target.extend(asserted)
        target.extend(engine.quads_for_pattern(None, term, None, INFERRED))
    for term in sorted(projected.named, key=lambda t: t.value):
        target.extend(engine.quads_for_pattern(None, TYPE, term, INFERRED))
    target.extend(quad for quad in engine.quads_for_pattern(None, TYPE, None, ASSERTED)
                  if quad.object in projected.named or quad.subject in subjects)
    return copy


def write_new(copy: EmbeddedStore, store: EmbeddedStore, run: PartsRun | None = None) -> int:
    """Write into ``store`` what the copy's inferred graph holds and neither of the store's
    asserted and inferred graphs does; returns how many quads. ``run`` keeps the hashes of
    what is inferred (see PartsRun.recorded)."""
    engine = store.engine
    written = 0

    def inferred() -> Iterator[ox.Quad]:
        for quad in copy.engine.quads_for_pattern(None, None, None, INFERRED):
            if ox.Quad(quad.subject, quad.predicate, quad.object, ASSERTED) not in engine:
                yield quad

    def new() -> Iterator[ox.Quad]:
        nonlocal written
        for quad in (run.recorded(inferred()) if run is not None else inferred()):
            if quad not in engine:
                written += 1
                yield quad

    engine.bulk_extend(new())
    return written


def forget(store) -> None:
    """Forget the last run before a new one: in parts, its inferred graph stays on disk, to be
    compared with what this run infers (deleting 33 million quads costs more than the run's
    writing); otherwise everything goes (GraphStore.forget_reasoning)."""
    run = IN_PARTS.get()
    if run is None or not isinstance(store, EmbeddedStore):
        store.forget_reasoning()
        return
    store.update(FORGET_RUNS)
    run.previous = next(iter(store.engine.quads_for_pattern(None, None, None, INFERRED)), None) is not None


#: quads of the inferred graph read at a time when the last run's are deleted
_PIECE = 100_000


def settle(store) -> int:
    """Delete what the last run inferred and this one did not, once this one has written all
    it infers; returns how many quads. The quads on disk are counted by predicate inside the
    engine, and only a predicate of which the disk holds more than this run inferred is read
    (after a run with other windows, the links; after the same run, each link's
    prov:wasGeneratedBy, which names the run)."""
    run = IN_PARTS.get()
    if run is None or not run.previous:
        return 0
    from .working_copy import _COUNT_BY_PREDICATE

    engine = store.engine
    deleted = 0
    for row in list(engine.query(_COUNT_BY_PREDICATE, substitutions={ox.Variable("graph"): INFERRED})):
        predicate, held = row["p"], int(row["n"].value)
        hashes = np.unique(np.frombuffer(run.inferred.get(predicate, array("q")), dtype=np.int64))
        if held <= len(hashes):
            continue
        quads = engine.quads_for_pattern(None, predicate, None, INFERRED)
        stale = []
        while piece := list(islice(quads, _PIECE)):
            found = np.isin(np.fromiter((hash(quad) for quad in piece), dtype=np.int64, count=len(piece)), hashes)
            stale.extend(quad for quad, kept in zip(piece, found) if not kept)
        for quad in stale:
            engine.remove(quad)
        deleted += len(stale)
    run.previous, run.inferred = False, {}
    return deleted


@contextmanager
def temporal_copy(store, *, on_stage: Callable[[str], None] | None = None) -> Iterator:
    """Where the temporal rules should run: ``store`` itself, unless this run reasons in parts;
    then a projection of it in memory, whose new inferences are written into ``store`` when the
    block ends without an exception."""
    run = IN_PARTS.get()
    if run is None or not isinstance(store, EmbeddedStore):
        yield store
        return
    if on_stage:
        on_stage(COPYING_PROJECTION)
    if run.projection is not None:
        from .working_copy import run_quads

        # gathered by the OWL stage's parts; the run's node is on disk
        copy, run.projection = run.projection, None
        copy.engine.extend(list(run_quads(store.engine)))
    else:
        copy = projected_copy(store, compile_tables(store.engine))
    if on_stage:
        on_stage(TEMPORAL_RULES)
    yield copy
    if on_stage:
        on_stage(WRITING_NEW)
    write_new(copy, store, run)
    if on_stage:
        on_stage(RULES)


#: the stages of the temporal rules in parts, as ``on_stage`` hears of them (then the rules again)
COPYING_PROJECTION = "parts: copying what the temporal rules read into memory"
TEMPORAL_RULES = "parts: temporal rules"
WRITING_NEW = "parts: writing what the temporal rules inferred"
RULES = "rules"

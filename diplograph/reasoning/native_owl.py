"""The OWL rule files (ontology/rules/owl) as one pass over the data, in Python.

The rule files stay the definition (``reason --portable`` runs them, and the tests hold both ways
to the same triples). Each file joins the data with the compiled schema (graph/tbox) and is
applied pass after pass, every pass reading every triple: at 100,000 acts four passes of ten
files cost 80 s, most of it the anti-joins that keep out what is known already. Here the schema
is compiled once into tables by predicate and class, and each triple is read once: what a rule
draws from it is looked up in those tables, written to the inferred graph unless a graph holds
it, and followed in turn (a worklist: semi-naive by construction, whatever the order). The store
itself is the set of what is known, so memory does not grow with the graph beyond the store's.

Every rule's condition on the subject it writes (an IRI this project mints) is kept, triple by
triple, so the fixpoint is the files' fixpoint. Equality is the exception: the files draw
owl:sameAs from two values of a functional property or of a key, and from owl:sameAs links that
meet; records whose shapes hold give none of these (a state's owl:sameAs points out of the
project, to Wikidata), and when data does, this step declines and the files run instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

import pyoxigraph as ox

from ..collector import without_cyclic_collection
from ..namespaces import ID, Graphs
from ..store.base import GraphStore
from ..store.embedded import EmbeddedStore
from .engine import NativeStepDeclined

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
TYPE = ox.NamedNode(_RDF + "type")
_FIRST, _REST, _NIL = ox.NamedNode(_RDF + "first"), ox.NamedNode(_RDF + "rest"), ox.NamedNode(_RDF + "nil")
_SUBCLASS, _SUBPROPERTY = ox.NamedNode(_RDFS + "subClassOf"), ox.NamedNode(_RDFS + "subPropertyOf")
_DOMAIN, _RANGE = ox.NamedNode(_RDFS + "domain"), ox.NamedNode(_RDFS + "range")
_INVERSE, _CHAIN = ox.NamedNode(_OWL + "inverseOf"), ox.NamedNode(_OWL + "propertyChainAxiom")
_SYMMETRIC, _FUNCTIONAL = ox.NamedNode(_OWL + "SymmetricProperty"), ox.NamedNode(_OWL + "FunctionalProperty")
_HAS_KEY, SAME_AS = ox.NamedNode(_OWL + "hasKey"), ox.NamedNode(_OWL + "sameAs")

ASSERTED, INFERRED = ox.NamedNode(str(Graphs.ASSERTED)), ox.NamedNode(str(Graphs.INFERRED))
_TBOX, _ONTOLOGY = ox.NamedNode(str(Graphs.TBOX)), ox.NamedNode(str(Graphs.ONTOLOGY))
DELTA_A = ox.NamedNode(str(Graphs.DELTA_A))
_READ = (ASSERTED, INFERRED)


@dataclass
class Schema:
    """The compiled schema as tables: what one triple entails, by its predicate or class."""

    superclasses: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = field(default_factory=dict)
    domains: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = field(default_factory=dict)
    ranges: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = field(default_factory=dict)
    superproperties: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = field(default_factory=dict)
    inverses: dict[ox.NamedNode, tuple[ox.NamedNode, ...]] = field(default_factory=dict)
    symmetric: frozenset[ox.NamedNode] = frozenset()
    #: P = p1 o p2, by p1: (P, p2); by p2: (P, p1)
    chains_by_first: dict[ox.NamedNode, tuple[tuple[ox.NamedNode, ox.NamedNode], ...]] = field(default_factory=dict)
    chains_by_second: dict[ox.NamedNode, tuple[tuple[ox.NamedNode, ox.NamedNode], ...]] = field(default_factory=dict)
    functional: frozenset[ox.NamedNode] = frozenset()
    #: (class, property) of each single-property owl:hasKey
    keys: tuple[tuple[ox.NamedNode, ox.NamedNode], ...] = ()


def _table(engine: ox.Store, predicate: ox.NamedNode, graph: ox.NamedNode) -> dict:
    table: dict = defaultdict(list)
    for quad in engine.quads_for_pattern(None, predicate, None, graph):
        if isinstance(quad.object, ox.NamedNode):
            table[quad.subject].append(quad.object)
    return {key: tuple(values) for key, values in table.items()}


def _list(engine: ox.Store, head, graph: ox.NamedNode) -> list | None:
    """The members of an RDF list, or None when it is not a well-formed one."""
    members = []
    seen = set()
    while head != _NIL:
        if head in seen:
            return None
        seen.add(head)
        first = [q.object for q in engine.quads_for_pattern(head, _FIRST, None, graph)]
        rest = [q.object for q in engine.quads_for_pattern(head, _REST, None, graph)]
        if len(first) != 1 or len(rest) != 1:
            return None
        members.append(first[0])
        head = rest[0]
    return members


def compile_tables(engine: ox.Store) -> Schema:
    """Read graph/tbox (and the keys, which prp-key reads from the ontology graph)."""
    by_first: dict = defaultdict(list)
    by_second: dict = defaultdict(list)
    for quad in engine.quads_for_pattern(None, _CHAIN, None, _TBOX):
        members = _list(engine, quad.object, _TBOX)
        # the rule file reads chains of two properties
        if members and len(members) == 2 and all(isinstance(m, ox.NamedNode) for m in members):
            by_first[members[0]].append((quad.subject, members[1]))
            by_second[members[1]].append((quad.subject, members[0]))
    keys = []
    for quad in engine.quads_for_pattern(None, _HAS_KEY, None, _ONTOLOGY):
        members = _list(engine, quad.object, _ONTOLOGY)
        if members and len(members) == 1:
            keys.append((quad.subject, members[0]))
    return Schema(
        superclasses=_table(engine, _SUBCLASS, _TBOX),
        domains=_table(engine, _DOMAIN, _TBOX),
        ranges=_table(engine, _RANGE, _TBOX),
        superproperties=_table(engine, _SUBPROPERTY, _TBOX),
        inverses=_table(engine, _INVERSE, _TBOX),
        symmetric=frozenset(q.subject for q in engine.quads_for_pattern(None, TYPE, _SYMMETRIC, _TBOX)),
        chains_by_first={k: tuple(v) for k, v in by_first.items()},
        chains_by_second={k: tuple(v) for k, v in by_second.items()},
        functional=frozenset(q.subject for q in engine.quads_for_pattern(None, TYPE, _FUNCTIONAL, _TBOX)),
        keys=tuple(keys),
    )


@dataclass(frozen=True)
class _Plan:
    """What a triple of one predicate entails, looked up once per triple."""

    domains: frozenset  # types of the subject, with their superclasses
    superproperties: tuple
    chains_by_first: tuple
    ranges: frozenset  # types of the object, with their superclasses
    inverses: tuple
    symmetric: bool
    chains_by_second: tuple
    #: the triple entails only its subject's types (most do: dates, counts, labels of acts)
    subject_types_only: bool = False


def _with_superclasses(classes: Iterable, schema: Schema) -> frozenset:
    closed = set(classes)
    todo = list(closed)
    while todo:
        for sup in schema.superclasses.get(todo.pop(), ()):
            if sup not in closed:
                closed.add(sup)
                todo.append(sup)
    return frozenset(closed)


class _Closure:
    """The worklist: triples whose consequences are still to be drawn.

    A type triple entails only the superclasses (cax-sco), so the types a triple entails are
    taken with their superclasses at once and never followed: of the triples of one subject,
    which the store gives together (mostly: a subject met again is gathered again, which writes
    nothing twice), the types are gathered into one set and written at once."""

    def __init__(self, engine: ox.Store, schema: Schema, *, watch: bool = False):
        self.engine = engine
        self.schema = schema
        #: ``watch``: the triples given or drawn from which the files could draw owl:sameAs are
        #: kept (``watched``), to be checked alone rather than the whole graph again
        self.watched: list[tuple] | None = [] if watch else None
        self._watch_predicates = schema.functional | {SAME_AS} | {prop for _, prop in schema.keys}
        self._keyed = frozenset(cls for cls, _ in schema.keys)
        #: types written for a node lately (forgotten now and then, to bound memory)
        self.typed: dict[object, frozenset] = {}
        self.plans: dict[ox.NamedNode, _Plan | None] = {}
        self.superclasses: dict[object, frozenset] = {}

    @staticmethod
    def is_minted(term) -> bool:
        return isinstance(term, ox.NamedNode) and term.value.startswith(ID)

    def plan(self, p) -> _Plan | None:
        try:
            return self.plans[p]
        except KeyError:
            pass
        schema = self.schema
        plan = _Plan(
            domains=_with_superclasses(schema.domains.get(p, ()), schema),
            superproperties=schema.superproperties.get(p, ()),
            chains_by_first=schema.chains_by_first.get(p, ()),
            ranges=_with_superclasses(schema.ranges.get(p, ()), schema),
            inverses=schema.inverses.get(p, ()),
            symmetric=p in schema.symmetric,
            chains_by_second=schema.chains_by_second.get(p, ()),
        )
        beyond_subject = any((plan.superproperties, plan.chains_by_first, plan.ranges, plan.inverses,
                              plan.symmetric, plan.chains_by_second))
        if not beyond_subject:
            plan = replace(plan, subject_types_only=True) if plan.domains else None
        self.plans[p] = plan
        return plan

    def supers(self, c) -> frozenset:
        found = self.superclasses.get(c)
        if found is None:
            found = self.superclasses[c] = _with_superclasses((c,), self.schema) - {c}
        return found

    def known(self, s, p, o) -> bool:
        engine = self.engine
        return ox.Quad(s, p, o, ASSERTED) in engine or ox.Quad(s, p, o, INFERRED) in engine

    def objects(self, s, p) -> Iterator:
        for graph in _READ:
            for quad in self.engine.quads_for_pattern(s, p, None, graph):
                yield quad.object

    def subjects(self, p, o) -> Iterator:
        for graph in _READ:
            for quad in self.engine.quads_for_pattern(None, p, o, graph):
                yield quad.subject

    def conclude(self, s, p, o, stack: list) -> None:
        """Write (s, p, o) unless a graph holds it, and follow it (onto ``stack``)."""
        if not self.known(s, p, o):
            self.engine.add(ox.Quad(s, p, o, INFERRED))
            self.watch(s, p, o)
            stack.append((s, p, o))

    def watch(self, s, p, o) -> None:
        if self.watched is not None and (p in self._watch_predicates or (p == TYPE and o in self._keyed)):
            self.watched.append((s, p, o))

    def follow(self, s, p, o, stack: list, types: tuple) -> None:
        """The consequences of one triple, onto ``stack``. ``types``: the subject whose types the
        caller gathers and the set it gathers them in (the types entailed about it go there)."""
        if p == TYPE:
            if self.is_minted(s):
                if s == types[0]:
                    types[1].update(self.supers(o))
                else:
                    self.type_node(s, self.supers(o))
            return
        plan = self.plan(p)
        if plan is None:
            return
        conclude = self.conclude
        if self.is_minted(s):
            if s == types[0]:
                types[1].update(plan.domains)
            else:
                self.type_node(s, plan.domains)
            for q in plan.superproperties:
                conclude(s, q, o, stack)
            for chained, second in (plan.chains_by_first if not isinstance(o, ox.Literal) else ()):
                for z in list(self.objects(o, second)):
                    conclude(s, chained, z, stack)
        if self.is_minted(o):
            if plan.ranges:
                self.type_node(o, plan.ranges)
            for q in plan.inverses:
                conclude(o, q, s, stack)
            if plan.symmetric:
                conclude(o, p, s, stack)
        for chained, first in plan.chains_by_second:
            for w in list(self.subjects(first, s)):
                if self.is_minted(w):
                    conclude(w, chained, o, stack)

    def close(self, given: Iterable[ox.Quad]) -> None:
        """Draw every consequence of ``given`` (quads the store holds, mostly a subject's
        together) and of what they entail."""
        subject, types = None, set()
        stack: list[tuple] = []
        follow, plan, supers, watched = self.follow, self.plan, self.supers, self.watched
        for quad in given:
            s, p, o = quad.subject, quad.predicate, quad.object
            if s != subject:
                self._type(subject, types)
                subject, types = s, set()
            if watched is not None:
                self.watch(s, p, o)
            if p == TYPE:
                types |= supers(o)
                continue
            found = plan(p)
            if found is None:
                continue
            if found.subject_types_only:
                types |= found.domains
                continue
            follow(s, p, o, stack, (s, types))
            while stack:
                follow(*stack.pop(), stack, (s, types))
        self._type(subject, types)

    def _type(self, subject, types: set) -> None:
        if types and self.is_minted(subject):
            self.type_node(subject, types)

    def type_node(self, node, classes) -> None:
        """Write that ``node`` (minted here) has the types ``classes`` (with their superclasses),
        but those asserted: one lookup for the node, not one per type, and none for a node
        given the same types just before (a state is the target of thousands of acts). Writing
        a quad the store holds changes nothing, and a type entails nothing more."""
        typed = self.typed
        done = typed.get(node)
        if done is not None and classes <= done:
            return
        new = classes - {q.object for q in self.engine.quads_for_pattern(node, TYPE, None, ASSERTED)}
        self.engine.extend([ox.Quad(node, TYPE, c, INFERRED) for c in new])
        if self.watched is not None:
            for c in new & self._keyed:
                self.watch(node, TYPE, c)
        if len(typed) >= _TYPED:
            typed.clear()
        typed[node] = frozenset(classes) if done is None else done | classes


#: nodes whose types are remembered at once (then forgotten: a store lookup is the fallback)
_TYPED = 1 << 20


def _quads(engine: ox.Store, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    return engine.quads_for_pattern(None, None, None, graph)


#: of a property: its subjects with an IRI value, and their (subject, value) pairs; counted
#: inside the engine, which a store on disk does many times faster than the join below
_VALUES_PER_SUBJECT = """
SELECT ?p (COUNT(*) AS ?pairs) (COUNT(DISTINCT ?x) AS ?subjects) WHERE { SELECT DISTINCT ?p ?x ?y WHERE {
  { GRAPH <%(a)s> { ?x ?p ?y } } UNION { GRAPH <%(i)s> { ?x ?p ?y } } FILTER (isIRI(?y)) } } GROUP BY ?p""" % {
    "a": Graphs.ASSERTED, "i": Graphs.INFERRED}
#: what prp-fp joins: two values of a functional property, one of them minted here
_TWO_VALUES = """
SELECT ?p ?x WHERE {
  VALUES (?g1 ?g2) { (<%(a)s> <%(a)s>) (<%(a)s> <%(i)s>) (<%(i)s> <%(a)s>) (<%(i)s> <%(i)s>) }
  GRAPH ?g1 { ?x ?p ?y1 } FILTER (isIRI(?y1) && STRSTARTS(STR(?y1), "%(id)s"))
  GRAPH ?g2 { ?x ?p ?y2 } FILTER (isIRI(?y2) && ?y1 != ?y2)
} LIMIT 1""" % {"a": Graphs.ASSERTED, "i": Graphs.INFERRED, "id": ID}
_EQUALITY = """
ASK {
  { GRAPH ?g { ?x owl:sameAs ?y } FILTER (?g IN (<%(a)s>, <%(i)s>))
    FILTER (STRSTARTS(STR(?y), "%(id)s") || EXISTS { GRAPH ?h { ?y owl:sameAs ?z } FILTER (?h IN (<%(a)s>, <%(i)s>)) }) }
}""" % {"a": Graphs.ASSERTED, "i": Graphs.INFERRED, "id": ID}


def _equalities(engine: ox.Store, schema: Schema) -> str | None:
    """Why the files would draw an owl:sameAs from the closed graph (None: they would not)."""
    prefixes = {"owl": _OWL}
    if engine.query(_EQUALITY, prefixes=prefixes):
        return "owl:sameAs links that the equality rules extend"
    if _functional_twice(engine, schema):
        return "a functional property with two values"
    return _key_clash(engine, schema)


def _functional_twice(engine: ox.Store, schema: Schema) -> bool:
    """Whether a subject has two IRI values of a functional property, one minted here: only
    where a property has more (subject, value) pairs than subjects is the join made."""
    for p in sorted(schema.functional, key=lambda term: term.value):
        counts = next(iter(engine.query(_VALUES_PER_SUBJECT, substitutions={ox.Variable("p"): p})), None)
        if counts is None or counts["pairs"].value == counts["subjects"].value:
            continue
        if next(iter(engine.query(_TWO_VALUES, substitutions={ox.Variable("p"): p})), None) is not None:
            return True
    return False


def _key_clash(engine: ox.Store, schema: Schema) -> str | None:
    for cls, prop in schema.keys:
        values: dict = {}
        for graph in _READ:
            for typed in engine.quads_for_pattern(None, TYPE, cls, graph):
                for value in {q.object for g in _READ for q in engine.quads_for_pattern(typed.subject, prop, None, g)}:
                    other = values.setdefault(value, typed.subject)
                    if other != typed.subject:
                        return "two instances of a class with the same key"
    return None


def _new_equalities(engine: ox.Store, schema: Schema, watched: list[tuple]) -> str | None:
    """Why the files would draw an owl:sameAs from the graph, given that only ``watched`` is new
    (the graph before was checked when it was closed)."""
    keys = False
    for s, p, o in watched:
        if p == SAME_AS:
            return _equalities(engine, schema)
        if p in schema.functional and isinstance(o, ox.NamedNode):
            for graph in _READ:
                for quad in engine.quads_for_pattern(s, p, None, graph):
                    other = quad.object
                    if other != o and isinstance(other, ox.NamedNode) and (
                            other.value.startswith(ID) or o.value.startswith(ID)):
                        return "a functional property with two values"
        keys = keys or p == TYPE or any(p == prop for _, prop in schema.keys)
    return _key_clash(engine, schema) if keys else None


def closure(store: GraphStore, *, full: bool = True) -> None:
    """Add to the inferred graph what the OWL rule files would, to their fixpoint. ``full``: from
    every asserted and inferred triple; otherwise from what the temporal rules left in
    graph/delta-a (the caller drops it). Raises
    NativeStepDeclined for a store it cannot read directly (a remote server: the files run inside
    it) and for data from which the files would draw owl:sameAs (what is added stays: the files
    draw it too)."""
    if not isinstance(store, EmbeddedStore):
        raise NativeStepDeclined("the OWL step reads the store's engine")
    # millions of small tuples and sets, no cycles (see collector.py)
    with without_cyclic_collection():
        if full and store.location != ":memory:" and _in_parts():
            from .in_parts import close_in_parts

            close_in_parts(store.engine)
        else:
            _close(store.engine, full)


def _in_parts() -> bool:
    from .in_parts import IN_PARTS

    return IN_PARTS.get() is not None


def _close(engine: ox.Store, full: bool, *, equality: bool = True) -> None:
    """``equality``: decline where the files would draw owl:sameAs (reasoning in parts checks
    the whole store afterwards instead)."""
    schema = compile_tables(engine)
    work = _Closure(engine, schema, watch=not full)
    if full:
        inferred_before = list(_quads(engine, INFERRED))
        work.close(_quads(engine, ASSERTED))
        work.close(inferred_before)
    else:
        work.close(_quads(engine, DELTA_A))
    if not equality:
        return
    if full:
        reason = _equalities(engine, schema)
    else:
        reason = _new_equalities(engine, schema, work.watched or [])
    if reason:
        raise NativeStepDeclined(reason, partial=True)


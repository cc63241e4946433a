"""Runs rule files (SPARQL 1.1 Update) inside the store until nothing new is inferred.

The same files run unchanged in the embedded store and in a remote SPARQL
server: parameters live in the data (the reasoning run's node), not in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


from rdflib import Graph, URIRef

from ..namespaces import Graphs
from ..store.base import GraphStore
from ..store.remote import TruncatedResultError


class NativeStepDeclined(Exception):
    """A native step met data outside what it handles (what the shapes rule out, say): the
    rule files it stands for run instead, and give whatever their joins give."""

    def __init__(self, why: str, *, partial: bool = False):
        super().__init__(why)
        #: the step added part of what it infers before declining: the files that run after it
        #: must read every triple, not only the new ones (what follows from those it added is
        #: not in the working graphs of the semi-naive passes)
        self.partial = partial


@dataclass(frozen=True)
class Rule:
    name: str
    path: Path
    text: str
    infers: str
    #: a graph the rule's passes empty when done: the rule is applied until it is
    #: (its header says "# repeat: until <graph> is empty"); None: applied once
    repeat_until_empty: URIRef | None = None
    #: a Python step that infers what the rule files of ``stands_for`` infer, run instead of
    #: them; they stay the portable definition (see native.py)
    native: Callable[[GraphStore], object] | None = None
    stands_for: tuple["Rule", ...] = ()

    @property
    def iri(self) -> str:
        return "https://w3id.org/diplograph/rules/" + self.path.parent.name + "/" + self.path.name


_REPEAT = re.compile(r"^# repeat: until <([^<>\s]+)> is empty\s*$", re.MULTILINE)
#: passes of a repeated rule before it is taken as not converging: far above what the chains'
#: propagation needs (its passes grow with the logarithm of a chain's length: 54 at 100k acts)
MAX_REPEATS = 100_000


def read_rules(directory: Path) -> list[Rule]:
    rules = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        infers = " ".join(line.split(":", 1)[1].strip() for line in text.splitlines()
                          if line.startswith("# infers:"))
        repeat = _REPEAT.search(text)
        rules.append(Rule(path.stem, path, text, infers, URIRef(repeat.group(1)) if repeat else None))
    return rules


_COUNT_INFERRED = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{Graphs.INFERRED}> {{ ?s ?p ?o }} }}"
_SCRATCH = "https://w3id.org/diplograph/scratch#"
_WORKING_GRAPHS = (Graphs.DELTA_A, Graphs.DELTA_B, Graphs.REASONING_CONTROL)
_DROP_WORKING_GRAPHS = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in _WORKING_GRAPHS)
#: a pass over every triple; then the semi-naive passes: (kind, the delta read, the delta written)
_FULL = "full"
_FROM_A = ("from-a", Graphs.DELTA_A, Graphs.DELTA_B)
_FROM_B = ("from-b", Graphs.DELTA_B, Graphs.DELTA_A)


def _count(store: GraphStore, query: str) -> int:
    rows = store.select(query).rows
    return int(rows[0][0].toPython()) if rows and rows[0][0] is not None else 0


def inferred_size(store: GraphStore) -> int:
    """Triples in the inferred graph, counted by the store's engine (not row by row in Python:
    the engine counts each round, a hot path at a million acts)."""
    return _count(store, _COUNT_INFERRED)


def clear_working_graphs(store: GraphStore) -> None:
    store.update(_DROP_WORKING_GRAPHS)


def _holds_anything(store: GraphStore, graph: URIRef) -> bool:
    return store.ask("ASK { GRAPH ?graph { ?s ?p ?o } }", bindings={"graph": graph})


def _select_pass(store: GraphStore, kind: str) -> None:
    control = Graph()
    control.add((Graphs.REASONING_CONTROL, URIRef(_SCRATCH + "pass"), URIRef(_SCRATCH + kind)))
    store.update(f"DROP SILENT GRAPH <{Graphs.REASONING_CONTROL}>")
    store.add_to_graph(Graphs.REASONING_CONTROL, control.serialize(format="nt", encoding="utf-8"))


def owl_closure(store: GraphStore, rules: list[Rule], *, full: bool = True, max_passes: int = 50,
                on_rule: Callable[[Rule, int], None] | None = None) -> int:
    """Apply the OWL rules until a pass adds nothing; returns the number of passes.

    ``full``: passes read every asserted and inferred triple and write into the inferred graph
    only, until it stops growing (what the records entail: most of it is derived on the first
    pass, and bookkeeping of what each pass added would cost more than it saves).
    Otherwise the passes are semi-naive, from what the temporal rules just inferred, which they
    leave in graph/delta-a beside the inferred graph: each reads only what the one before
    added, so its cost follows what changed, not the size of the graph. They alternate
    between two delta graphs, one read and one written, so no triple is ever copied between
    graphs (in pyoxigraph a copy costs as much as the rules).

    A native step among ``rules`` (reasoning/native_owl.py, standing for the files) reaches the
    fixpoint in one pass; where it declines, its files run instead: in passes of the kind asked,
    or in full passes when the step had added part of what it infers (see NativeStepDeclined)."""
    if full:
        clear_working_graphs(store)
    else:
        store.update(f"DROP SILENT GRAPH <{Graphs.DELTA_B}>")
    try:
        steps = [rule for rule in rules if rule.native is not None]
        if steps:
            (step,) = steps
            try:
                # the native step runs to the fixpoint at once: one pass
                step.native(store, full=full)
            except (TruncatedResultError, NativeStepDeclined) as declined:
                # what it added stays (the files draw it too)
                rules = list(step.stands_for)
                full = full or getattr(declined, "partial", False)
            else:
                if on_rule:
                    on_rule(step, 1)
                return 1
        passes = _full_passes if full else _semi_naive_passes
        return passes(store, rules, max_passes, on_rule)
    finally:
        clear_working_graphs(store)


def _full_passes(store: GraphStore, rules: list[Rule], max_passes: int,
                 on_rule: Callable[[Rule, int], None] | None) -> int:
    _select_pass(store, _FULL)
    size = inferred_size(store)
    for number in range(1, max_passes + 1):
        _apply(store, rules, number, on_rule)
        size, before = inferred_size(store), size
        if size == before:
            return number
    raise RuntimeError(f"the OWL rules did not reach a fixpoint in {max_passes} passes")


def _semi_naive_passes(store: GraphStore, rules: list[Rule], max_passes: int,
                       on_rule: Callable[[Rule, int], None] | None) -> int:
    phase = _FROM_A
    for number in range(1, max_passes + 1):
        kind, read, written = phase
        _select_pass(store, kind)
        _apply(store, rules, number, on_rule)
        store.update(f"DROP SILENT GRAPH <{read}>")
        if not _holds_anything(store, written):
            return number
        phase = _FROM_A if written == Graphs.DELTA_A else _FROM_B
    raise RuntimeError(f"the OWL rules did not reach a fixpoint in {max_passes} passes")


def _apply(store: GraphStore, rules: list[Rule], number: int, on_rule: Callable[[Rule, int], None] | None) -> None:
    for rule in rules:
        if rule.native is not None:
            try:
                rule.native(store)
            except (TruncatedResultError, NativeStepDeclined):
                # a server that gives no more than so many rows at once (Virtuoso's ResultSetMaxRows)
                # runs the rule files instead, inside itself; so does data the step declines
                _apply(store, list(rule.stands_for), number, on_rule)
                continue
            if on_rule:
                on_rule(rule, number)
        elif rule.repeat_until_empty is None:
            store.update(rule.text)
            if on_rule:
                on_rule(rule, number)
        else:
            _repeat(store, rule, on_rule)


def _repeat(store: GraphStore, rule: Rule, on_rule: Callable[[Rule, int], None] | None) -> None:
    """Apply the rule until the graph its header names is empty; ``on_rule`` hears each pass."""
    for number in range(1, MAX_REPEATS + 1):
        if not _holds_anything(store, rule.repeat_until_empty):
            return
        store.update(rule.text)
        if on_rule:
            on_rule(rule, number)
    raise RuntimeError(f"{rule.name} still changed something after {MAX_REPEATS} passes")


def apply_once(store: GraphStore, rules: list[Rule], *, on_rule: Callable[[Rule, int], None] | None = None) -> None:
    """Apply each rule once, in order. The temporal rules are stratified: each reads the
    asserted graph, the OWL consequences of it and the direct results of earlier rules (never
    the OWL consequences of its own, nor what a later rule infers), so one application in
    order is their fixpoint; tests/test_reasoning.py checks that a second adds nothing.
    What they infer they also leave in graph/delta-a, for ``owl_closure(full=False)``."""
    clear_working_graphs(store)
    _apply(store, rules, 1, on_rule)

"""Reasoning: OWL 2 RL entailment and the temporal rules, run inside the store.

Every rule is a SPARQL 1.1 Update file (``ontology/rules``) applied until nothing
new is inferred; parameters (the windows) are data of the reasoning run's node,
so the same files run in the embedded store and in any SPARQL 1.1 server.
See docs/reasoning.md for what each rule infers and why the windows are what they are.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Callable

from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .. import __version__, resources
from .. import namespaces as ns
from ..namespaces import DG, Graphs
from ..store.base import GraphStore
from .consistency import Inconsistency, inconsistencies
from .changelog import DROP_LOG
from .engine import Rule, apply_once, owl_closure, read_rules
from .in_parts import check_room, forget, settle, temporal_copy
from .incremental import NO_RUN, Plan, plan, update
from .native import with_native_owl, with_native_steps
from .tbox import compile_schema
from .working_copy import PARTS, RULES, placement, working_copy

#: the stage in which the last run's inferences are dropped (in pieces, for a store on disk)
FORGETTING = "forgetting the last run's inferences"
#: days within which an act of the other side is taken as an answer: 90 agrees best with the
#: answers the shipped records assert (many came six to twelve weeks later)
DEFAULT_RETALIATION_WINDOW = 90
#: days within which a third state's act is taken as support, and its own trigger counts
DEFAULT_SOLIDARITY_WINDOW = 30
#: kept for callers of the single window of earlier versions: the retaliation window
DEFAULT_WINDOW = DEFAULT_RETALIATION_WINDOW


_COUNTS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT (COUNT(DISTINCT ?r) AS ?retaliations) (COUNT(DISTINCT ?s) AS ?solidarity) (COUNT(DISTINCT ?c) AS ?chains)
       (COUNT(DISTINCT ?l) AS ?levels) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    { ?r a dg:RetaliationLink } UNION { ?s a dg:SolidarityLink } UNION { ?c a dg:Chain } UNION { ?l a dg:LevelChange }
  }
}"""


@dataclass
class ReasoningResult:
    run: str
    window: int  # the retaliation window
    rounds: int
    inferred_triples: int
    retaliations: int
    solidarity: int
    chains: int
    level_changes: int
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    solidarity_window: int = DEFAULT_SOLIDARITY_WINDOW
    #: the run brought the last run's inferences up to date after loads (reasoning/incremental.py)
    incremental: bool = False
    #: resources whose asserted triples changed, and acts reasoned over again (incremental runs)
    changed_resources: int = 0
    region_acts: int = 0
    #: why a full run was made although the store held a run to update (None: not asked, or none)
    full_because: str | None = None

    @property
    def retaliation_window(self) -> int:
        return self.window

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


def owl_rules(*, portable: bool = False) -> list[Rule]:
    """The OWL rule files; unless ``portable``, as the one native step that stands for them
    (reasoning/native_owl.py), which runs them where it declines."""
    rules = read_rules(resources.rules_dir() / "owl")
    return rules if portable else with_native_owl(rules)


def temporal_rules(*, portable: bool = False) -> list[Rule]:
    """The temporal rule files in order; unless ``portable``, with the groups that have a
    native step (reasoning/native.py) replaced by it."""
    rules = read_rules(resources.rules_dir())
    return rules if portable else with_native_steps(rules)


def owl_entailment(store: GraphStore, *, on_rule: Callable[[Rule, int], None] | None = None,
                   portable: bool = False) -> int:
    """The OWL 2 RL consequences of what the store holds, added to the inferred graph: the
    ontology's schema compiled by the reference (when it changed), then the data rules to their
    fixpoint (``portable``: the rule files, pass after pass). Returns the number of passes."""
    compile_schema(store)
    return owl_closure(store, owl_rules(portable=portable), on_rule=on_rule)


def windows(window: int | None = None, retaliation_window: int | None = None,
            solidarity_window: int | None = None) -> tuple[int, int]:
    """The retaliation and solidarity windows: each as given, else ``window`` for both, else
    the defaults (90 and 30 days)."""
    chosen = (
        retaliation_window if retaliation_window is not None else window if window is not None else DEFAULT_RETALIATION_WINDOW,
        solidarity_window if solidarity_window is not None else window if window is not None else DEFAULT_SOLIDARITY_WINDOW,
    )
    for name, days in zip(("retaliation", "solidarity"), chosen):
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ValueError(f"the {name} window is a number of days, 0 or more (got {days!r})")
    return chosen


def reason(store: GraphStore, *, window: int | None = None, retaliation_window: int | None = None,
           solidarity_window: int | None = None, temporal: bool = True,
           on_rule: Callable[[Rule, int], None] | None = None, in_memory: bool | str | None = None,
           on_stage: Callable[[str], None] | None = None, portable: bool = False,
           full: bool = False) -> ReasoningResult:
    """Recompute the inferred graph from the asserted one.

    Unless ``full``, a store whose last run's inferences loads have changed only a few records
    of since is brought up to date instead: the inferences that can depend on what changed are
    recomputed, with the same result (reasoning/incremental.py; anything else is a full run).

    ``retaliation_window`` (default 90 days) bounds the lag of an inferred retaliation;
    ``solidarity_window`` (default 30) that of inferred solidarity and how far back a
    supporter's own trigger counts; ``window`` sets both at once.
    ``in_memory``: run the rules in a working copy in memory and write back what changed
    (reasoning/working_copy.py; by default, for a store on disk that fits in memory), False in
    the store itself, or "parts": in parts that fit in memory (reasoning/in_parts.py; by
    default, for a store on disk that does not fit).
    ``on_stage`` hears when the copy, the rules and the writing back begin, if a copy is made.
    ``portable``: every rule as its SPARQL file, none by its native step (the OWL rules:
    reasoning/native_owl.py; retaliation candidates, solidarity, the chains, the ends of levels:
    reasoning/native.py), all inside the store: the same triples, slower."""
    retaliation_days, solidarity_days = windows(window, retaliation_window, solidarity_window)
    full_because = None
    if not full:
        planned = plan(store, retaliation_days=retaliation_days, solidarity_days=solidarity_days, temporal=temporal)
        if isinstance(planned, Plan):
            return _update(store, planned, temporal=temporal, portable=portable, on_rule=on_rule,
                           on_stage=on_stage, days=(retaliation_days, solidarity_days))
        full_because = None if planned == NO_RUN else planned
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run = ns.reasoning_run(started.strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}")
    node = Graph()
    node.add((run, RDF.type, DG.ReasoningRun))
    node.add((run, RDFS.label, Literal(f"reasoning run of {started.isoformat()}", lang="en")))
    node.add((run, DG.isCurrentRun, Literal(True)))
    node.add((run, DG.windowDays, Literal(retaliation_days)))
    node.add((run, DG.solidarityWindowDays, Literal(solidarity_days)))
    node.add((run, DG.softwareVersion, Literal(__version__)))
    node.add((run, DG.temporalRules, Literal(temporal)))
    node.add((run, PROV.startedAtTime, Literal(started.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)))
    if temporal and placement(store, in_memory) == PARTS:
        check_room(store)
    with working_copy(store, memory=in_memory, on_stage=on_stage) as work:
        if on_stage:
            on_stage(FORGETTING)
        forget(work)
        if on_stage:
            on_stage(RULES)
        work.add_to_graph(Graphs.PROVENANCE, node.serialize(format="nt", encoding="utf-8"))

        # strata: the OWL consequences of what is asserted; the temporal rules once each, in order
        # (they read those and each other's direct results, see apply_once); the OWL consequences
        # of what they inferred (the asserted graph is closed already: only the inferred is new)
        rounds = owl_entailment(work, on_rule=on_rule, portable=portable)
        if temporal:
            # in parts: in a projection of the store in memory (in_parts.py), else ``work``
            with temporal_copy(work, on_stage=on_stage) as rules_store:
                apply_once(rules_store, temporal_rules(portable=portable), on_rule=on_rule)
                rounds += owl_closure(rules_store, owl_rules(portable=portable), full=False, on_rule=on_rule)
        # in parts, what the last run inferred and this one did not goes only now (in_parts.py)
        settle(work)

        counts = work.select(_COUNTS).dicts()[0]
        result = ReasoningResult(
            run=str(run), window=retaliation_days, solidarity_window=solidarity_days, rounds=rounds,
            inferred_triples=work.count(Graphs.INFERRED),
            retaliations=int(counts["retaliations"]), solidarity=int(counts["solidarity"]),
            chains=int(counts["chains"]), level_changes=int(counts["levels"]),
            inconsistencies=inconsistencies(work, records=store), full_because=full_because,
        )

    # ended once the results are in the store (written back from a working copy, if any)
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    end = Graph()
    end.add((run, PROV.endedAtTime, Literal(ended.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)))
    # the size of the inferred graph, which an update after a load keeps up to date (counting it
    # again would read every triple: a second at 100,000 acts)
    end.add((run, DG.inferredTriples, Literal(result.inferred_triples)))
    store.add_to_graph(Graphs.PROVENANCE, end.serialize(format="nt", encoding="utf-8"))
    # what loads changed since the last run is in this one: the log goes (only now, so that a
    # run that fails leaves it for the next)
    store.update(DROP_LOG)
    return result


def _update(store: GraphStore, planned: Plan, *, temporal: bool, portable: bool,
            on_rule: Callable[[Rule, int], None] | None, on_stage: Callable[[str], None] | None,
            days: tuple[int, int]) -> ReasoningResult:
    if on_stage:
        on_stage(f"updating: {len(planned.changed):,} resources changed, {len(planned.region):,} acts to reason over")
    done = update(store, planned, owl=owl_rules(portable=portable), temporal=temporal_rules(portable=portable) if temporal else None,
                  on_rule=on_rule)
    counts = store.select(_COUNTS).dicts()[0]
    return ReasoningResult(
        run=planned.run.value, window=days[0], solidarity_window=days[1], rounds=0,
        inferred_triples=done.inferred_triples,
        retaliations=int(counts["retaliations"]), solidarity=int(counts["solidarity"]),
        chains=int(counts["chains"]), level_changes=int(counts["levels"]),
        inconsistencies=inconsistencies(store, subjects={resource.value for resource in done.touched}),
        incremental=True,
        changed_resources=done.changed, region_acts=done.region_acts,
    )

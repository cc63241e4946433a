"""Reasoning: OWL 2 RL entailment and the temporal rules, run inside the store.

Every rule is a SPARQL 1.1 Update file (``ontology/rules``) applied until nothing
new is inferred; parameters (the window) are data of the reasoning run's node,
so the same files run in the embedded store and in any SPARQL 1.1 server.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Callable

from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .. import __version__
from .. import namespaces as ns
from .. import resources
from ..namespaces import DG, Graphs
from ..store.base import GraphStore
from .consistency import Inconsistency, inconsistencies
from .engine import Rule, read_rules, run_to_fixpoint

DEFAULT_WINDOW = 30

_RESET = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
DROP SILENT GRAPH <https://w3id.org/diplograph/graph/inferred> ;
DELETE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run ?p ?o } }
WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run a dg:ReasoningRun ; ?p ?o } }"""

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
    window: int
    rounds: int
    inferred_triples: int
    retaliations: int
    solidarity: int
    chains: int
    level_changes: int
    inconsistencies: list[Inconsistency] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies


def owl_rules() -> list[Rule]:
    return read_rules(resources.rules_dir() / "owl")


def temporal_rules() -> list[Rule]:
    return read_rules(resources.rules_dir())


def reason(store: GraphStore, *, window: int = DEFAULT_WINDOW, temporal: bool = True,
           on_rule: Callable[[Rule, int], None] | None = None) -> ReasoningResult:
    """Recompute the inferred graph from the asserted one."""
    if window < 0:
        raise ValueError("the window is a number of days, 0 or more")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run = ns.reasoning_run(started.strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}")
    node = Graph()
    node.add((run, RDF.type, DG.ReasoningRun))
    node.add((run, RDFS.label, Literal(f"reasoning run of {started.isoformat()}", lang="en")))
    node.add((run, DG.isCurrentRun, Literal(True)))
    node.add((run, DG.windowDays, Literal(window)))
    node.add((run, DG.softwareVersion, Literal(__version__)))
    node.add((run, PROV.startedAtTime, Literal(started.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)))
    store.update(_RESET)
    store.add_to_graph(Graphs.PROVENANCE, node.serialize(format="nt", encoding="utf-8"))

    rule_sets = [owl_rules()] + ([temporal_rules(), owl_rules()] if temporal else [])
    rounds = run_to_fixpoint(store, rule_sets, on_rule=on_rule)

    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    end = Graph()
    end.add((run, PROV.endedAtTime, Literal(ended.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)))
    store.add_to_graph(Graphs.PROVENANCE, end.serialize(format="nt", encoding="utf-8"))

    counts = store.select(_COUNTS).dicts()[0]
    return ReasoningResult(
        run=str(run), window=window, rounds=rounds, inferred_triples=store.count(Graphs.INFERRED),
        retaliations=int(counts["retaliations"]), solidarity=int(counts["solidarity"]),
        chains=int(counts["chains"]), level_changes=int(counts["levels"]),
        inconsistencies=inconsistencies(store),
    )

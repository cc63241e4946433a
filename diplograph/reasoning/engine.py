"""Runs rule files (SPARQL 1.1 Update) inside the store until nothing new is inferred.

The same files run unchanged in the embedded store and in a remote SPARQL
server: parameters live in the data (the reasoning run's node), not in the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..namespaces import Graphs
from ..store.base import GraphStore


@dataclass(frozen=True)
class Rule:
    name: str
    path: Path
    text: str
    infers: str

    @property
    def iri(self) -> str:
        return "https://w3id.org/diplograph/rules/" + self.path.parent.name + "/" + self.path.name


def read_rules(directory: Path) -> list[Rule]:
    rules = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        infers = " ".join(line.split(":", 1)[1].strip() for line in text.splitlines()
                          if line.startswith("# infers:"))
        rules.append(Rule(path.stem, path, text, infers))
    return rules


_COUNT_INFERRED = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{Graphs.INFERRED}> {{ ?s ?p ?o }} }}"


def inferred_size(store: GraphStore) -> int:
    """Triples in the inferred graph, counted by the store's engine (not row by row in Python:
    the engine counts each round, a hot path at a million acts)."""
    rows = store.select(_COUNT_INFERRED).rows
    return int(rows[0][0].toPython()) if rows and rows[0][0] is not None else 0


def run_to_fixpoint(store: GraphStore, rule_sets: list[list[Rule]], *, max_rounds: int = 20,
                    on_rule: Callable[[Rule, int], None] | None = None) -> int:
    """Apply every rule of every set, in order, until a full round adds nothing.
    Returns the number of rounds."""
    previous = inferred_size(store)
    for round_number in range(1, max_rounds + 1):
        for rules in rule_sets:
            for rule in rules:
                store.update(rule.text)
                if on_rule:
                    on_rule(rule, round_number)
        current = inferred_size(store)
        if current == previous:
            return round_number
        previous = current
    raise RuntimeError(f"the rules did not reach a fixpoint in {max_rounds} rounds")

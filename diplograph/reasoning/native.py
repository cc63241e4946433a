"""Rule files that have a faster equivalent in Python, and the swap of one for the other.

The SPARQL files stay the definition: ``reason(portable=True)`` (``diplograph reason
--portable``) runs them as they are, inside whatever store holds the graph, and the tests
check that both ways infer the same triples. A native step reads what it needs with a few
queries and writes what it infers with one write, so it runs against a remote server too.
Only work that SPARQL cannot do in near-linear time is here: the chains, connected
components that label propagation finds pass after pass; retaliation candidates and
solidarity, where each act looks back over the acts of its dyad or against its target and
keeps the latest (joins and aggregates in SPARQL, a sort and a bisection here); when each level of relations ends, the
next change of a pair in the order of days (a comparison of every pair of changes in SPARQL).
The OWL rule files have one native step for them all (native_owl.py: each file is a join that
pass after pass reads every triple again; the step reads each once).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..store.base import GraphStore
from .chains import infer_chains
from .engine import Rule
from .native_owl import closure as owl_closure_step
from .level_ends import infer_level_ends
from .retaliation import infer_candidates
from .solidarity import infer_solidarity

#: the first rule file of a group, the Python step, and every file of the group it stands for
NATIVE: dict[str, tuple[Callable[[GraphStore], object], tuple[str, ...]]] = {
    "10-retaliation-candidates": (infer_candidates, ("10-retaliation-candidates",)),
    "30-solidarity": (infer_solidarity, ("30-solidarity",)),
    "40-chains": (infer_chains, ("40-chains", "41-chains-propagate", "42-chains-named")),
    "51-relation-level-ends": (infer_level_ends, ("51-relation-level-ends",)),
}


def with_native_steps(rules: list[Rule]) -> list[Rule]:
    """``rules`` with each group that has a native step replaced by that step (named after the
    group: ``40-42-chains``), in the place of the group's first file. The step keeps the
    group's files: a server that will not give every row of the step's query at once
    (Virtuoso's result limit) runs them instead."""
    names = {rule.name for rule in rules}
    replaced: set[str] = set()
    for _, group in NATIVE.values():
        if set(group) <= names:
            replaced.update(group)
    by_name = {rule.name: rule for rule in rules}
    result = []
    for rule in rules:
        if rule.name not in replaced:
            result.append(rule)
        elif rule.name in NATIVE:
            step, group = NATIVE[rule.name]
            result.append(replace(rule, name=_group_name(group), native=step, repeat_until_empty=None,
                                  stands_for=tuple(by_name[name] for name in group)))
    return result


#: the name of the native step that stands for every OWL rule file
OWL_STEP = "owl-2-rl"


def with_native_owl(rules: list[Rule]) -> list[Rule]:
    """The OWL rule files as one native step (reasoning/native_owl.py) that stands for them all:
    ``owl_closure`` runs it to the fixpoint at once, and the files where it declines."""
    if not rules:
        return rules
    return [Rule(OWL_STEP, rules[0].path.parent, "", " ".join(rule.infers for rule in rules),
                 native=owl_closure_step, stands_for=tuple(rules))]


def _group_name(group: tuple[str, ...]) -> str:
    """``40-42-chains`` for 40-chains, 41-chains-propagate, 42-chains-named; a group of one file
    keeps its name."""
    first, last = group[0], group[-1]
    if first == last:
        return first
    return first.split("-", 1)[0] + "-" + last.split("-", 1)[0] + "-" + first.split("-", 1)[1]

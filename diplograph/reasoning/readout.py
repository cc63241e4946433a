"""What the native steps share in reading the store: the current run's window, numbers as the
rule files compare them, and IRIs cut as SPARQL's STRAFTER cuts them. Anything a step cannot
read as its rule file would (not one current run, a day that is no integer) makes it decline
(``NativeStepDeclined``): the file then runs instead."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Generic, Protocol, TypeVar

from ..store.base import GraphStore
from .engine import NativeStepDeclined

ACT_PATH = "/id/act/"
#: the stand-in of an act in the rule files' scratch graphs, whose IRIs their ties compare
STAND_IN = "https://w3id.org/diplograph/scratch/act/"

#: the acts whose records give a reason outside diplomacy (rules 10 and 30 both read them)
OUTSIDE_DIPLOMACY = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:reasonOutsideDiplomacy true } }"""
#: the current run and its retaliation window, and its solidarity window, as the rules join them
RETALIATION_WINDOW = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?run ?window WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?run a dg:ReasoningRun ; dg:isCurrentRun true ; dg:windowDays ?window } }"""
SOLIDARITY_WINDOW = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?run ?window WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?run a dg:ReasoningRun ; dg:isCurrentRun true ; dg:solidarityWindowDays ?window } }"""


def after(text: str, separator: str) -> str:
    """SPARQL's STRAFTER: what follows the first ``separator`` in ``text``, "" if none."""
    return text.split(separator, 1)[1] if separator in text else ""


def integer(value: str | None) -> int:
    """A day, rank or order as the rules compare it; declines what is no integer."""
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NativeStepDeclined(f"not an integer: {value!r}") from None


def stand_in(act: str) -> str:
    """The IRI of ``act``'s stand-in in a rule file's scratch graph; declines an act whose IRI
    is not under /id/act/ (stand-ins of two such acts would be one node)."""
    if ACT_PATH not in act:
        raise NativeStepDeclined(f"{act} is not an act IRI (/id/act/)")
    return STAND_IN + after(act, ACT_PATH)


def column(store: GraphStore, query: str) -> set[str]:
    """The values of a query of one variable, as a set."""
    return {value for (value,) in store.select_values(query)}


def current_run(store: GraphStore, query: str) -> tuple[str, int]:
    """The current reasoning run and its window (``query``: RETALIATION_WINDOW or
    SOLIDARITY_WINDOW)."""
    runs = store.select_values(query)
    if len(runs) != 1:
        raise NativeStepDeclined(f"{len(runs)} current reasoning runs with a window (one expected)")
    run, window = runs[0]
    return run, integer(window)


class _Dated(Protocol):
    day: int


A = TypeVar("A", bound=_Dated)


class ByDay(Generic[A]):
    """Acts sorted by day, for those of a span of days (the native steps' windows)."""

    def __init__(self, acts: list[A]) -> None:
        self.acts = sorted(acts, key=lambda act: act.day)
        self.days = [act.day for act in self.acts]

    def within(self, first: int, last: int) -> list[A]:
        """The acts from day ``first`` to day ``last``, both included."""
        return self.acts[bisect_left(self.days, first):bisect_right(self.days, last)]

    def latest_day_before(self, day: int) -> int | None:
        """The latest day of an act before ``day``, if any."""
        index = bisect_left(self.days, day)
        return self.days[index - 1] if index else None

"""What the pictures show, fetched from the store by a few whole-graph SELECTs (run in
pyoxigraph or the SPARQL server) and cut to an episode, a period or a pair of states in
pandas. Acts and states are named by their record ids and codes (``cz-expels-ru-18-2021``,
``CZ``), as in the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from ..namespaces import ID, Graphs
from ..panel.extract import Provenance, curie, frame, provenance
from ..panel.extract import sparql as panel_sparql
from ..store.base import GraphStore

_SPARQL = Path(__file__).resolve().parent / "sparql"


class PlotError(ValueError):
    """The picture cannot be drawn as asked (unknown episode or state, nothing in the period)."""


@cache
def _text(name: str) -> str:
    return (_SPARQL / f"{name}.rq").read_text(encoding="utf-8")


def _select(store: GraphStore, text: str) -> pd.DataFrame:
    return frame(store.select(text, default_graphs=Graphs.QUERY_DATASET))


def _local(iri: str | None) -> str | None:
    """The record id of an act, state or organisation IRI (``act/x`` → ``x``)."""
    if not isinstance(iri, str) or not iri.startswith(ID):
        return iri
    return iri[len(ID):].split("/", 1)[1]


@dataclass
class Graph:
    """The parts of the graph the pictures draw."""

    acts: pd.DataFrame          # act, episode, episode_title, actor, target, date, day, order, type, ...
    links: pd.DataFrame         # kind, link, trigger, response, supported, lag, proportionality
    levels: pd.DataFrame        # sender, receiver, level, label, day, date, act
    agents: pd.DataFrame        # code, label, state (bool), indexed by code
    memberships: pd.DataFrame   # state, code (organisation), start, end (day numbers)
    provenance: Provenance

    def name(self, code: str) -> str:
        return str(self.agents["label"].get(code, code))

    def memberships_on(self, day: int) -> dict[str, tuple[str, ...]]:
        """The organisations each state belongs to on a day (state code → sorted codes)."""
        m = self.memberships
        held = m[(m["start"] <= day) & (m["end"].isna() | (m["end"] >= day))]
        return {state: tuple(sorted(group["code"])) for state, group in held.groupby("state")}


def load(store: GraphStore) -> Graph:
    acts = _select(store, _text("acts"))
    for column in ("act", "episode", "actor", "target"):
        acts[column] = acts[column].map(_local)
    acts["persons"] = pd.to_numeric(acts["persons"], errors="coerce")
    acts["restrictive"] = acts["restrictive"].map(lambda v: v is True)
    acts = acts.drop_duplicates("act").reset_index(drop=True)

    links = _select(store, _text("links"))
    for column in ("trigger", "response", "supported"):
        links[column] = links[column].map(_local)
    links["link"] = links["link"].map(_local)

    labels = {curie(r.level): r.label for r in _select(store, panel_sparql("level-labels")).itertuples()}
    levels = _select(store, panel_sparql("levels"))
    for column in ("sender", "receiver", "act"):
        levels[column] = levels[column].map(_local)
    levels["level"] = levels["level"].map(curie)
    levels["label"] = levels["level"].map(labels)
    levels["date"] = levels["day"].map(lambda d: dt.date.fromordinal(int(d)))

    agents = _select(store, _text("agents")).drop_duplicates("code")
    agents["state"] = agents["state"].map(lambda v: v is True)
    agents = agents.set_index("code")

    memberships = _select(store, panel_sparql("memberships"))
    memberships["state"] = memberships["state"].map(_local)
    memberships["end"] = pd.to_numeric(memberships["end"], errors="coerce")
    return Graph(acts=acts, links=links, levels=levels, agents=agents, memberships=memberships,
                 provenance=provenance(store))


def parse_date(value, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PlotError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def state_codes(graph: Graph, codes) -> list[str]:
    """Record codes (ISO alpha-2) for codes given as alpha-2 or alpha-3; unknown ones are an error."""
    if codes is None:
        return []
    if isinstance(codes, str):
        codes = codes.split(",")
    by_alpha3 = {iso3: code for code, iso3 in graph.agents["iso3"].items() if isinstance(iso3, str)}
    out, unknown = [], []
    for code in (c.strip().upper() for c in codes if c.strip()):
        if code in graph.agents.index:
            out.append(code)
        elif code in by_alpha3:
            out.append(by_alpha3[code])
        else:
            unknown.append(code)
    if unknown:
        raise PlotError(f"unknown state code(s): {', '.join(unknown)}")
    return out

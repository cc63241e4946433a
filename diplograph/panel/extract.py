"""What the panel needs from the graph, fetched by a few whole-graph SELECTs run in the store
(pyoxigraph or the SPARQL server), each answer turned into a pandas DataFrame.

States are numbered 0…n-1 in the order of their ISO alpha-3 codes; every other frame
names states by that number (columns ``s``, ``r``, ...), so that the builder works on
integer arrays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import queries
from ..namespaces import DG, WD, Graphs
from ..store.base import GraphStore, QueryResult

_SPARQL = Path(__file__).resolve().parent / "sparql"


@cache
def sparql(name: str) -> str:
    return (_SPARQL / f"{name}.rq").read_text(encoding="utf-8")


def _select(store: GraphStore, name: str) -> pd.DataFrame:
    return frame(store.select(sparql(name), default_graphs=Graphs.QUERY_DATASET))


def frame(result: QueryResult) -> pd.DataFrame:
    """A SELECT's answer as a DataFrame of plain values (IRIs as strings, None where unbound)."""
    return pd.DataFrame(result.dicts(), columns=result.variables)


def curie(iri: str) -> str:
    """``dg:Name`` for a term of the ontology, the IRI otherwise."""
    return "dg:" + iri[len(str(DG)):] if iri.startswith(str(DG)) else iri


def expand(term: str) -> str:
    return str(DG) + term[3:] if term.startswith("dg:") else term


@dataclass
class Provenance:
    run: str | None = None
    window: int | None = None
    solidarity_window: int | None = None
    software: str | None = None
    started: str | None = None
    ended: str | None = None
    last_load: str | None = None
    records: list[dict] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        """Records were loaded after the current reasoning run started."""
        return bool(self.run and self.last_load and self.started and self.last_load > self.started)


@dataclass
class GraphData:
    states: pd.DataFrame
    acts: pd.DataFrame
    classes: pd.DataFrame
    retaliations: pd.DataFrame
    solidarity: pd.DataFrame
    levels: pd.DataFrame
    level_labels: dict[str, str]
    memberships: pd.DataFrame
    provenance: Provenance


def states(store: GraphStore) -> pd.DataFrame:
    table = _select(store, "states").drop_duplicates("state").reset_index(drop=True)
    table["wikidata"] = table["wikidata"].map(lambda iri: iri[len(str(WD)):] if isinstance(iri, str) else None)
    for code in ("cow", "gw"):
        table[code] = pd.array(table[code], dtype="Int64")
    return table


def provenance(store: GraphStore) -> Provenance:
    rows = _select(store, "provenance")
    out = Provenance()
    for row in rows.itertuples():
        if row.kind == "run":
            out.run, out.software = row.node, row.version
            out.window = _integer(row.window)
            out.solidarity_window = _integer(row.solidarity_window)
            out.started = _stamp(row.started)
            out.ended = _stamp(row.ended)
        elif row.kind == "record":
            out.records.append({"path": row.path, "sha256": row.sha256})
        elif row.kind == "load":
            stamp = _stamp(row.ended)
            if stamp and (out.last_load is None or stamp > out.last_load):
                out.last_load = stamp
    out.records.sort(key=lambda r: r["path"])
    return out


def _integer(value) -> int | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else int(value)


def _stamp(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.timezone.utc) if value.tzinfo else value
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _number_states(table: pd.DataFrame, numbers: dict[str, int], *columns: str) -> pd.DataFrame:
    """Replace state IRIs by their numbers; rows naming a state outside the registry go."""
    for column in columns:
        table[column] = table[column].map(numbers)
    table = table.dropna(subset=list(columns))
    return table.astype({c: np.int64 for c in columns})


def fetch(store: GraphStore, *, first: dt.date | None = None, last: dt.date | None = None) -> GraphData:
    """Everything the panel reads, in one pass over the store. ``first`` and ``last`` bound
    the retaliation links fetched (by the response's announcement date)."""
    registry = states(store)
    numbers = {iri: i for i, iri in enumerate(registry["state"])}

    acts = _select(store, "acts")
    acts = _number_states(acts.rename(columns={"actor": "s", "target": "r"}), numbers, "s", "r")
    acts["day"] = acts["day"].astype(np.int64)
    acts["persons"] = pd.to_numeric(acts["persons"], errors="coerce").astype(float)
    acts["mutual"] = acts["mutual"].map(lambda v: v is True).astype(bool)

    bounds = {}
    if first is not None:
        bounds["from"] = first
    if last is not None:
        bounds["to"] = last
    links, _ = queries.run(store, "retaliations", bounds)
    retaliations = frame(links).rename(columns={"responder": "s", "triggered_by": "r"})
    retaliations = _number_states(retaliations, numbers, "s", "r")
    retaliations["day"] = retaliations["date"].map(lambda d: d.toordinal()).astype(np.int64)
    retaliations["lag"] = pd.to_numeric(retaliations["lag"], errors="coerce").astype(float)
    retaliations["ratio"] = pd.to_numeric(retaliations["ratio"], errors="coerce").astype(float)

    solidarity = _select(store, "solidarity").rename(columns={"actor": "s", "target": "r", "supported": "x"})
    solidarity = _number_states(solidarity, numbers, "s", "r", "x")
    solidarity["day"] = solidarity["day"].astype(np.int64)

    levels = _select(store, "levels").rename(columns={"sender": "s", "receiver": "r"})
    levels = _number_states(levels, numbers, "s", "r")
    levels["day"] = levels["day"].astype(np.int64)
    levels["level"] = levels["level"].map(curie)

    memberships = _select(store, "memberships")
    memberships = _number_states(memberships, numbers, "state")
    memberships["start"] = memberships["start"].astype(np.int64)
    memberships["end"] = pd.to_numeric(memberships["end"], errors="coerce")

    classes = _select(store, "act-classes")
    for column in ("class", "super"):
        classes[column] = classes[column].map(curie)
    acts["class"] = acts["class"].map(curie)

    level_labels = {curie(row.level): row.label for row in _select(store, "level-labels").itertuples()}

    return GraphData(states=registry, acts=acts.drop_duplicates("act").reset_index(drop=True), classes=classes,
                     retaliations=retaliations.reset_index(drop=True), solidarity=solidarity.reset_index(drop=True),
                     levels=levels.reset_index(drop=True), level_labels=level_labels,
                     memberships=memberships.reset_index(drop=True), provenance=provenance(store))

"""Panel datasets: one row per directed dyad (sender, receiver) and period (year, month or
day), with the identifiers researchers merge on (ISO alpha-3, COW, Gleditsch–Ward,
Wikidata), counts of acts, retaliation and solidarity, the level of relations and shared
memberships at the end of the period.

>>> frame = panel(store, unit="year")                 # a pandas DataFrame
>>> write(frame, "panel.csv")                         # + panel.csv-metadata.json

The columns are defined in ``columns.py``; ``docs/codebook.md`` is generated from them
(``python -m diplograph.panel.codebook``).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable

import pandas as pd

from ..store.base import GraphStore
from .build import DEFAULT_MAX_ROWS, PanelError, PanelRequest, build, resolve_states
from .columns import COLUMNS, UNITS, Column, columns_for
from .extract import fetch
from .metadata import describe
from .write import FORMATS, WriteError, format_of, metadata_path, read, read_metadata, write


class PanelWarning(UserWarning):
    """The panel was built, but something about the graph deserves a look."""


def _date(value, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PanelError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def panel(store: GraphStore, unit: str = "year", *, start=None, end=None, states: Iterable[str] | str | None = None,
          all_dyads: bool = False, max_rows: int | None = DEFAULT_MAX_ROWS) -> pd.DataFrame:
    """The panel of ``unit`` (year, month or day) from ``start`` to ``end`` (dates; by default
    the first and last acts), for the dyads that had acts or, with ``all_dyads``, every pair of
    states; ``states`` (ISO alpha-3 or alpha-2 codes) keeps the dyads of those states only.
    The DataFrame's ``attrs['diplograph']`` holds its licence, citation and provenance."""
    if unit not in UNITS:
        raise PanelError(f"unknown unit '{unit}' (year, month or day)")
    if isinstance(states, str):
        states = states.split(",")
    request = PanelRequest(unit=unit, first=_date(start, "start"), last=_date(end, "end"),
                           states=tuple(s.strip() for s in states if s.strip()) if states else None,
                           all_dyads=all_dyads, max_rows=max_rows)
    data = fetch(store, first=request.first, last=request.last)
    if not data.provenance.run:
        raise PanelError("the graph has not been reasoned over, so it has no retaliation, solidarity or levels: "
                         "run 'diplograph reason' first")
    if data.provenance.stale:
        warnings.warn("records were loaded after the current reasoning run: run 'diplograph reason' again so that "
                      "retaliation, solidarity and levels reflect them", PanelWarning, stacklevel=2)
    frame = build(data, request)
    first = request.first or dt.date.fromordinal(int(data.acts["day"].min()))
    last = request.last or dt.date.fromordinal(int(data.acts["day"].max()))
    codes = tuple(data.states["iso3"].iloc[resolve_states(data, request.states)]) if request.states else None
    frame.attrs["diplograph"] = describe(unit=unit, first=first, last=last, states=codes, all_dyads=all_dyads,
                                         rows=len(frame), provenance=data.provenance)
    return frame


__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_ROWS",
    "FORMATS",
    "UNITS",
    "Column",
    "PanelError",
    "PanelWarning",
    "WriteError",
    "columns_for",
    "format_of",
    "metadata_path",
    "panel",
    "read",
    "read_metadata",
    "write",
]

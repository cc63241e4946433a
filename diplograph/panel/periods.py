"""Periods of a panel (years, months or days between two dates) and the day numbers of the
graph (``dg:announcementDay``: proleptic Gregorian ordinals, as ``date.toordinal()``)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from .columns import UNITS

#: the day number of 1970-01-01, numpy's datetime64 epoch
_EPOCH = dt.date(1970, 1, 1).toordinal()


def to_datetime64(days: np.ndarray) -> np.ndarray:
    return (np.asarray(days, dtype=np.int64) - _EPOCH).astype("datetime64[D]")


@dataclass(frozen=True)
class Periods:
    """The consecutive periods of ``unit`` from the one holding ``first`` to the one holding
    ``last``; days outside [first, last] belong to none, even inside a first or last period."""

    unit: str
    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit '{self.unit}' (year, month or day)")
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    def _key(self, days: np.ndarray) -> np.ndarray:
        stamps = to_datetime64(days)
        if self.unit == "year":
            return stamps.astype("datetime64[Y]").astype(np.int64)
        if self.unit == "month":
            return stamps.astype("datetime64[M]").astype(np.int64)
        return stamps.astype(np.int64)

    def __len__(self) -> int:
        first, last = self._key(np.array([self.first.toordinal(), self.last.toordinal()]))
        return int(last - first + 1)

    def index(self, days) -> np.ndarray:
        """The period number (0-based) of each day number; -1 for days outside the range."""
        days = np.asarray(days, dtype=np.int64)
        start = self._key(np.array([self.first.toordinal()]))[0]
        index = self._key(days) - start
        outside = (days < self.first.toordinal()) | (days > self.last.toordinal())
        return np.where(outside, -1, index)

    def starts(self) -> list[dt.date]:
        """The first day of each period (clipped to ``first``)."""
        out, day = [], self.first
        for _ in range(len(self)):
            out.append(day)
            day = self._next(day)
        return out

    def _next(self, day: dt.date) -> dt.date:
        if self.unit == "year":
            return dt.date(day.year + 1, 1, 1)
        if self.unit == "month":
            return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return day + dt.timedelta(days=1)

    def end_days(self) -> np.ndarray:
        """The day number of the last day of each period, clipped to ``last``: the day at which
        levels and memberships are read."""
        if self.unit == "day":
            return np.arange(self.first.toordinal(), self.last.toordinal() + 1, dtype=np.int64)
        ends = []
        for start in self.starts():
            if self.unit == "year":
                end = dt.date(start.year, 12, 31)
            else:
                end = dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
            ends.append(min(end, self.last).toordinal())
        return np.array(ends, dtype=np.int64)

    def labels(self) -> dict[str, np.ndarray]:
        """The time columns of the panel (year; month; date), one value per period."""
        if self.unit == "day":
            stamps = to_datetime64(self.end_days())
            return {"year": stamps.astype("datetime64[Y]").astype(np.int64) + 1970, "date": stamps}
        starts = self.starts()
        out = {"year": np.array([s.year for s in starts], dtype=np.int64)}
        if self.unit == "month":
            out["month"] = np.array([s.month for s in starts], dtype=np.int64)
        return out

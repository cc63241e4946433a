"""The panel itself: one row per directed dyad and period, filled from the frames that
``extract`` fetched, with numpy arrays indexed by row (no per-row Python), so that a
balanced panel of some 200 states over 30 years (1.2 million rows) takes seconds.

Rows are ordered by sender, receiver (ISO alpha-3) and period. Row number of
(sender s, receiver r, period p) is ``dyad_number[s, r] * periods + p``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .columns import ACT_SETS, LEVEL_CODES, ActSet, columns_for
from .extract import GraphData
from .periods import Periods

#: a balanced daily panel of every pair of states grows fast: past this many rows, ask for less
DEFAULT_MAX_ROWS = 30_000_000

#: day numbers stay below this (9999-12-31 is 3,652,059), so (dyad, day) packs into one integer
_DAYS = 10_000_000


class PanelError(ValueError):
    """The panel cannot be built as asked (unknown state, empty range, too many rows, no reasoning)."""


@dataclass(frozen=True)
class PanelRequest:
    unit: str = "year"
    first: dt.date | None = None
    last: dt.date | None = None
    states: tuple[str, ...] | None = None
    all_dyads: bool = False
    max_rows: int | None = DEFAULT_MAX_ROWS


class _Rows:
    """The panel's row layout: which dyads, how many periods, and row numbers of events."""

    def __init__(self, senders: np.ndarray, receivers: np.ndarray, n_states: int, n_periods: int):
        self.senders, self.receivers = senders, receivers
        self.n_periods = n_periods
        self.n = len(senders) * n_periods
        self.number = np.full((n_states, n_states), -1, dtype=np.int64)
        self.number[senders, receivers] = np.arange(len(senders))
        self.s = np.repeat(senders, n_periods)
        self.r = np.repeat(receivers, n_periods)
        self.p = np.tile(np.arange(n_periods, dtype=np.int64), len(senders))

    def of(self, s, r, p) -> np.ndarray:
        """Row numbers of events of sender ``s`` against ``r`` in period ``p``; -1 for none."""
        s, r, p = (np.asarray(a, dtype=np.int64) for a in (s, r, p))
        dyad = self.number[s, r] if len(s) else np.empty(0, dtype=np.int64)
        return np.where((dyad >= 0) & (p >= 0), dyad * self.n_periods + p, -1)

    def count(self, rows: np.ndarray, weights=None) -> np.ndarray:
        keep = rows >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
        counts = np.bincount(rows[keep], weights=w, minlength=self.n)
        return counts.astype(np.int64) if weights is None else counts

    def scatter(self, series: pd.Series, fill) -> np.ndarray:
        """Values per row from a Series indexed by row number; ``fill`` elsewhere."""
        out = np.full(self.n, fill, dtype=object if isinstance(fill, str) else np.float64)
        if len(series):
            out[series.index.to_numpy(dtype=np.int64)] = series.to_numpy()
        return out


def classes_in(classes: pd.DataFrame, act_set: ActSet) -> set[str]:
    """The act classes of an act set, from the ontology's hierarchy (``act-classes.rq``): those
    on its rung, or those under one of its classes."""
    if act_set.rank_category is not None:
        return set(classes.loc[classes["category"] == act_set.rank_category, "class"])
    return set(classes.loc[classes["super"].isin(act_set.classes), "class"])


def act_set_mask(data: GraphData, act_set: ActSet) -> np.ndarray:
    """Which acts (rows of ``data.acts``) belong to an act set."""
    return data.acts["class"].isin(classes_in(data.classes, act_set)).to_numpy()


def resolve_states(data: GraphData, codes: tuple[str, ...] | None) -> np.ndarray:
    n = len(data.states)
    if not codes:
        return np.arange(n)
    by_code = {}
    for i, row in enumerate(data.states.itertuples()):
        by_code[row.iso3.upper()] = i
        by_code[row.iso2.upper()] = i
    chosen, unknown = [], []
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        (chosen if code in by_code else unknown).append(by_code.get(code, code))
    if unknown:
        raise PanelError(f"unknown state code(s): {', '.join(unknown)} (the registry has ISO alpha-3 or alpha-2 "
                         "codes such as RUS or RU)")
    return np.unique(np.array(chosen, dtype=np.int64))


def _range(data: GraphData, request: PanelRequest) -> tuple[dt.date, dt.date]:
    first, last = request.first, request.last
    if first is None or last is None:
        if data.acts.empty:
            raise PanelError("the store holds no acts between states: load records first ('diplograph load')")
        days = data.acts["day"]
        first = first or dt.date.fromordinal(int(days.min()))
        last = last or dt.date.fromordinal(int(days.max()))
    if last < first:
        raise PanelError(f"the period ends ({last}) before it starts ({first})")
    return first, last


def _acts_both_ways(data: GraphData) -> pd.DataFrame:
    """The acts, with a mutual act also as an act of its target against its actor."""
    acts = data.acts.copy()
    for key, act_set in ACT_SETS.items():
        acts[key] = act_set_mask(data, act_set)
    mutual = acts[acts["mutual"]].rename(columns={"s": "r", "r": "s"})
    return pd.concat([acts, mutual], ignore_index=True)


def _dyads(data: GraphData, acts: pd.DataFrame, chosen: np.ndarray, request: PanelRequest,
           periods: Periods) -> tuple[np.ndarray, np.ndarray]:
    n = len(data.states)
    inside = np.zeros(n, dtype=bool)
    inside[chosen] = True
    if request.all_dyads:
        grid = np.zeros((n, n), dtype=bool)
        grid[np.ix_(chosen, chosen)] = True
        np.fill_diagonal(grid, False)
    else:
        grid = np.zeros((n, n), dtype=bool)
        active = acts[periods.index(acts["day"].to_numpy()) >= 0]
        grid[active["s"].to_numpy(), active["r"].to_numpy()] = True
        solidarity = data.solidarity[periods.index(data.solidarity["day"].to_numpy()) >= 0]
        grid[solidarity["x"].to_numpy(), solidarity["r"].to_numpy()] = True
        grid |= grid.T  # both directions of every pair that had acts
        grid &= inside[:, None] & inside[None, :]
    senders, receivers = np.nonzero(grid)  # row-major: by sender, then receiver
    return senders.astype(np.int64), receivers.astype(np.int64)


def _join_codes(rows: np.ndarray, codes: np.ndarray, layout: _Rows) -> np.ndarray:
    """Per row, the distinct codes of its events, sorted and joined with ';' ('' for none)."""
    keep = rows >= 0
    if not keep.any():
        return np.full(layout.n, "", dtype=object)
    table = pd.DataFrame({"row": rows[keep], "code": codes[keep]}).drop_duplicates()
    joined = table.sort_values("code").groupby("row")["code"].agg(";".join)
    return layout.scatter(joined, "")


def _levels(data: GraphData, layout: _Rows, end_days: np.ndarray, sender: np.ndarray, receiver: np.ndarray):
    """Level code (or -1) of ``sender`` in ``receiver`` on the last day of each row's period."""
    n = len(data.states)
    levels = data.levels[data.levels["level"].isin(LEVEL_CODES)]
    if levels.empty:
        return np.full(layout.n, -1, dtype=np.int64)
    keys = (levels["s"].to_numpy() * n + levels["r"].to_numpy()) * _DAYS + levels["day"].to_numpy()
    table = pd.DataFrame({"key": keys, "act": levels["act"].to_numpy(),
                          "code": levels["level"].map(LEVEL_CODES).to_numpy()})
    # of two changes of one pair on one day, the one whose act has the greater IRI holds
    table = table.sort_values(["key", "act"]).drop_duplicates("key", keep="last")
    keys, codes = table["key"].to_numpy(), table["code"].to_numpy()
    pair = sender * n + receiver
    wanted = pair * _DAYS + end_days[layout.p]
    at = np.searchsorted(keys, wanted, side="right") - 1
    found = (at >= 0) & (keys[np.maximum(at, 0)] // _DAYS == pair)
    return np.where(found, codes[np.maximum(at, 0)], -1)


def _memberships(data: GraphData, layout: _Rows, end_days: np.ndarray) -> tuple[pd.Categorical, np.ndarray]:
    """Shared memberships on the last day of each row's period: the codes joined, and their number."""
    members = data.memberships
    organisations = sorted(members["code"].unique())
    if not organisations:
        return pd.Categorical(np.full(layout.n, "", dtype=object)), np.zeros(layout.n, dtype=np.int64)
    bit = {code: i for i, code in enumerate(organisations)}
    words = (len(organisations) + 63) // 64
    masks = np.zeros((len(data.states), len(end_days), words), dtype=np.uint64)
    for row in members.itertuples():
        on = end_days >= row.start
        if not pd.isna(row.end):
            on &= end_days <= row.end
        index = bit[row.code]
        masks[row.state, on, index // 64] |= np.uint64(1 << (index % 64))
    shared = masks[layout.s, layout.p] & masks[layout.r, layout.p]
    combos, inverse = np.unique(shared, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    names, counts = [], []
    for combo in combos:
        held = [code for code, i in bit.items() if int(combo[i // 64]) >> (i % 64) & 1]
        names.append(";".join(held))
        counts.append(len(held))
    return pd.Categorical.from_codes(inverse, categories=names), np.array(counts, dtype=np.int64)[inverse]


def _level_column(codes: np.ndarray, labels: dict[str, str]) -> tuple[pd.Categorical, pd.arrays.IntegerArray]:
    """Level codes (-1 for none) as the level's label and as a nullable ordinal."""
    order = sorted(LEVEL_CODES.items(), key=lambda item: -item[1])
    position = np.full(max(LEVEL_CODES.values()) + 2, -1, dtype=np.int64)  # code -1 reads the last cell: -1
    for i, (_, code) in enumerate(order):
        position[code] = i
    label = pd.Categorical.from_codes(position[codes], categories=[labels.get(level, level) for level, _ in order])
    return label, pd.arrays.IntegerArray(np.where(codes >= 0, codes, 0).astype(np.int64), codes < 0)


def _identifiers(data: GraphData, layout: _Rows) -> dict[str, object]:
    states = data.states
    columns = {}
    for suffix, who in (("1", layout.s), ("2", layout.r)):
        for name, source in (("iso3c", "iso3"), ("iso2c", "iso2"), ("wikidata", "wikidata"), ("statename", "name")):
            columns[name + suffix] = pd.Categorical(states[source].to_numpy(dtype=object)).take(who)
        columns["ccode" + suffix] = states["cow"].array.take(who)
        columns["gwcode" + suffix] = states["gw"].array.take(who)
    return columns


def build(data: GraphData, request: PanelRequest) -> pd.DataFrame:
    """The panel for ``request`` from the graph's ``data``."""
    first, last = _range(data, request)
    periods = Periods(request.unit, first, last)
    chosen = resolve_states(data, request.states)
    acts = _acts_both_ways(data)
    senders, receivers = _dyads(data, acts, chosen, request, periods)
    rows_wanted = len(senders) * len(periods)
    if request.max_rows is not None and rows_wanted > request.max_rows:
        raise PanelError(f"the panel would have {rows_wanted:,} rows ({len(senders):,} dyads × {len(periods):,} "
                         f"{request.unit}s), more than {request.max_rows:,}: narrow it with --from/--to or --states, "
                         "or use a coarser unit")
    layout = _Rows(senders, receivers, len(data.states), len(periods))
    end_days = periods.end_days()
    out: dict[str, object] = _identifiers(data, layout)
    labels = periods.labels()
    for name, values in labels.items():
        out[name] = values[layout.p]

    # acts of the sender against the receiver, by act set
    act_rows = layout.of(acts["s"], acts["r"], periods.index(acts["day"].to_numpy()))
    for column, key in (("acts_sent", "restrictive"), ("expulsions_sent", "expulsion"),
                        ("ambassador_acts", "ambassador"), ("mission_closures", "closure"),
                        ("conciliatory_acts", "conciliatory")):
        out[column] = layout.count(np.where(acts[key].to_numpy(), act_rows, -1))
    expulsion_rows = np.where(acts["expulsion"].to_numpy(), act_rows, -1)
    persons = acts["persons"].to_numpy()
    out["persons_expelled"] = layout.count(expulsion_rows, np.nan_to_num(persons)).round().astype(np.int64)
    out["expulsions_persons_unknown"] = layout.count(np.where(np.isnan(persons), expulsion_rows, -1))

    # retaliation links, dated by the response; sent by the responder, received by the trigger's actor
    links = data.retaliations
    link_periods = periods.index(links["day"].to_numpy())
    for direction, rows in (("sent", layout.of(links["s"], links["r"], link_periods)),
                            ("received", layout.of(links["r"], links["s"], link_periods))):
        keep = rows >= 0
        table = pd.DataFrame({"row": rows[keep], "lag": links["lag"].to_numpy()[keep],
                              "ratio": links["ratio"].to_numpy()[keep]})
        grouped = table.groupby("row")
        out[f"retaliations_{direction}"] = layout.count(rows)
        out[f"retaliations_{direction}_median_lag"] = layout.scatter(grouped["lag"].median(), np.nan)
        out[f"retaliations_{direction}_mean_count_ratio"] = layout.scatter(grouped["ratio"].mean(), np.nan)

    # solidarity: acts of the sender supporting third states; acts of third states supporting the sender
    solidarity = data.solidarity
    solidarity_periods = periods.index(solidarity["day"].to_numpy())
    iso3 = data.states["iso3"].to_numpy(dtype=object)
    taken = layout.of(solidarity["s"], solidarity["r"], solidarity_periods)
    drawn = layout.of(solidarity["x"], solidarity["r"], solidarity_periods)
    distinct_taken = pd.DataFrame({"row": taken, "act": solidarity["act"]}).drop_duplicates()
    distinct_drawn = pd.DataFrame({"row": drawn, "act": solidarity["act"]}).drop_duplicates()
    out["solidarity_acts"] = layout.count(distinct_taken["row"].to_numpy())
    out["solidarity_with"] = pd.Categorical(_join_codes(taken, iso3[solidarity["x"].to_numpy()], layout))
    out["solidarity_drawn"] = layout.count(distinct_drawn["row"].to_numpy())
    out["solidarity_drawn_from"] = pd.Categorical(_join_codes(drawn, iso3[solidarity["s"].to_numpy()], layout))

    # relations at the end of the period
    for first_side, second_side, sender, receiver in (("1", "2", layout.s, layout.r), ("2", "1", layout.r, layout.s)):
        codes = _levels(data, layout, end_days, sender, receiver)
        label, code = _level_column(codes, data.level_labels)
        out[f"level_{first_side}_in_{second_side}"] = label
        out[f"level_{first_side}_in_{second_side}_code"] = code
    out["shared_memberships"], out["shared_membership_count"] = _memberships(data, layout, end_days)

    names = [c.name for c in columns_for(request.unit)]
    missing = [n for n in names if n not in out]
    if missing:  # a column defined in columns.py that the builder does not fill
        raise AssertionError(f"the panel builder does not fill: {', '.join(missing)}")
    return pd.DataFrame({name: out[name] for name in names})

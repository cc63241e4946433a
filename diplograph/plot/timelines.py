"""The timeline of an episode (or of a period): one lane per state on a time axis, each act
a mark on its actor's lane sized by the persons it affected, arrows from each act to the
retaliation that answers it, solidarity acts ringed and linked to the act they support,
and the changes of level the acts brought.

Every act, link and level change is an SVG group whose id names it (``act:ID``,
``retaliation:RESPONSE--TRIGGER``, ``solidarity:ACT--STATE``, ``level:ACT/SENDER--RECEIVER``),
and every act's mark links to the act's IRI.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .. import namespaces as ns
from ..panel.metadata import credit_line
from . import labels, style
from .data import Graph, PlotError, parse_date, state_codes
from .picture import Picture

#: vertical room of one act on a lane, and of a lane with one row of acts (data units)
_SLOT = 0.44
_LANE = 1.0


def _select(graph: Graph, episode, start, end, states) -> tuple[pd.DataFrame, str]:
    acts = graph.acts
    codes = state_codes(graph, states)
    start, end = parse_date(start, "from"), parse_date(end, "to")
    if episode:
        chosen = acts[acts["episode"] == episode]
        if chosen.empty:
            known = ", ".join(sorted(acts["episode"].unique()))
            raise PlotError(f"no episode '{episode}' with acts in the store (known: {known})")
        title = str(chosen["episode_title"].iloc[0])
    else:
        if start is None or end is None:
            raise PlotError("a timeline needs --episode, or --from and --to")
        chosen = acts
        title = None
    if start is not None:
        chosen = chosen[chosen["date"] >= start]
    if end is not None:
        chosen = chosen[chosen["date"] <= end]
    if codes:
        chosen = chosen[chosen["actor"].isin(codes) | chosen["target"].isin(codes)]
    if chosen.empty:
        raise PlotError("no acts to draw: nothing matches the episode, dates and states asked for")
    if title is None:
        who = ", ".join(graph.name(c) for c in codes) if codes else "all states"
        title = f"Diplomatic acts of {who}, {_day(start)} – {_day(end)}"
    return chosen.reset_index(drop=True), title


def _day(date: dt.date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


def _lanes(acts: pd.DataFrame) -> list[str]:
    """The acting states, in order of their first act, the busiest first on a tie. A state
    only acted against has no lane: the labels of the acts name their targets."""
    seen: dict[str, tuple] = {}
    counts = acts["actor"].value_counts()
    for row in acts.itertuples():
        seen.setdefault(row.actor, (row.day, -int(counts[row.actor])))
    return sorted(seen, key=lambda c: seen[c])


def _positions(acts: pd.DataFrame, lanes: list[str]) -> tuple[dict[str, tuple[float, float]], dict[str, tuple]]:
    """(x, y) of each act's mark: on its actor's lane; acts of one actor on one day stacked."""
    stacks = acts.groupby(["actor", "day"]).cumcount()
    depth = acts.groupby(["actor", "day"])["act"].transform("count")
    tallest = depth.groupby(acts["actor"]).max().to_dict()
    bands, top = {}, 0.0
    for code in lanes:
        height = max(_LANE, _SLOT * tallest.get(code, 1) + 0.45)
        bands[code] = (top - height / 2, height)
        top -= height
    where = {}
    for row, k, m in zip(acts.itertuples(), stacks, depth):
        centre, _ = bands[row.actor]
        where[row.act] = (mdates.date2num(row.date), centre + ((m - 1) / 2 - k) * _SLOT)
    return where, bands


def draw(graph: Graph, *, episode: str | None = None, start=None, end=None, states=None) -> Picture:
    acts, title = _select(graph, episode, start, end, states)
    lanes = _lanes(acts)
    where, bands = _positions(acts, lanes)
    chosen = set(acts["act"])
    links = graph.links
    retaliations = links[(links["kind"] == "retaliation") & links["trigger"].isin(chosen)
                         & links["response"].isin(chosen)]
    solidarity = links[(links["kind"] == "solidarity") & links["response"].isin(chosen)]
    levels = graph.levels[graph.levels["act"].isin(chosen)]

    handles = _legend(acts, bool(len(retaliations)), bool(len(solidarity)), bool(len(levels)))
    columns = 7
    with style.context():
        frame = style.layout(12.5, max(1.2, 0.42 * sum(h for _, h in bands.values())),
                             legend_rows=-(-len(handles) // columns))
        figure, axes = frame.figure, frame.axes
        _draw_lanes(axes, graph, lanes, bands)
        supporting = set(solidarity["response"])
        texts = [_draw_act(axes, graph, row, where[row.act], row.act in supporting) for row in acts.itertuples()]
        for row in retaliations.itertuples():
            _arrow(axes, where[row.trigger], where[row.response], style.RETALIATION, "-",
                   f"retaliation:{row.response}--{row.trigger}", 0.12)
        fan: dict[str, int] = {}
        for row in solidarity.itertuples():
            if row.trigger in where:
                k = fan[row.trigger] = fan.get(row.trigger, -1) + 1  # arrows from one act fan out
                _arrow(axes, where[row.trigger], where[row.response], style.SOLIDARITY, (0, (4, 2)),
                       f"solidarity:{row.response}--{row.supported}", 0.1 + 0.09 * k)
        for row in levels.itertuples():
            if row.sender in bands and row.act in where:
                texts.append(_level_change(axes, graph, row, where[row.act], bands[row.sender]))
        _axes(axes, graph, acts, bands, lanes)
        labels.place(figure, axes, texts)
        style.bottom_legend(figure, handles, frame.legend_top, columns)
        first, last = acts["date"].min(), acts["date"].max()
        style.heading(figure, title, f"{len(acts)} acts, {_day(first)} – {_day(last)}: one lane per acting state, "
                      "each act on its actor's lane (→ its target), sized by the persons it affected")
        caption = ("Red arrows: retaliation, from an act to the act answering it. Blue dashed arrows: solidarity, "
                   "from the act supported to the act taken in its support (ringed in blue). "
                   f"{credit_line(graph.provenance)}")
        style.caption_text(figure, caption, frame.caption_bottom)
    return Picture(figure, title, caption)


def _draw_lanes(axes, graph: Graph, lanes: list[str], bands: dict) -> None:
    for i, code in enumerate(lanes):
        centre, height = bands[code]
        if i % 2 == 0:
            axes.axhspan(centre - height / 2, centre + height / 2, color="#F5F5F5", zorder=0, lw=0)
        axes.axhline(centre, color=style.LANE, lw=1.0, zorder=1)


def _draw_act(axes, graph: Graph, row, xy, supports: bool) -> None:
    kind = style.category(row)
    _, colour, marker = style.CATEGORIES[kind]
    area = style.marker_area(row.persons)
    known = style.known_number(row.persons)
    mark = axes.scatter([xy[0]], [xy[1]], s=area, marker=marker, zorder=4,
                        facecolors=colour if known or kind != "staff" else "white",
                        edgecolors=style.SOLIDARITY if supports else "#333333",
                        linewidths=2.2 if supports else 0.8)
    mark.set_gid(f"act:{row.act}")
    mark.set_urls([str(ns.act(row.act))])  # a collection links each of its markers by set_urls, not set_url
    label = axes.annotate(f"{style.verb(row)} → {row.target}", xy, xytext=(0, 0), textcoords="offset points",
                          va="center", ha="left", fontsize=8, color=style.TEXT, zorder=5,
                          bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.75})
    label.set_gid(f"label:{row.act}")
    return label, xy, area ** 0.5 / 2 + 1


def _arrow(axes, start, end, colour, linestyle, gid: str, bend: float) -> None:
    bend = max(bend, 0.25) if start[1] == end[1] else bend
    arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour, lw=1.3,
                            linestyle=linestyle, shrinkA=7, shrinkB=7, connectionstyle=f"arc3,rad={bend}",
                            zorder=3, alpha=0.9)
    arrow.set_gid(gid)
    axes.add_patch(arrow)


def _level_change(axes, graph: Graph, row, xy, band) -> None:
    centre, height = band
    y = centre - height / 2 + 0.12
    tick = axes.plot([xy[0]], [y], marker="v", markersize=6, color=style.LEVEL, zorder=4, linestyle="none")[0]
    tick.set_gid(f"level:{row.act}/{row.sender}--{row.receiver}")
    note = axes.annotate(f"{graph.name(row.sender)} in {graph.name(row.receiver)}: {row.label}", (xy[0], y),
                         xytext=(6, 0), textcoords="offset points", fontsize=6.5, color=style.LEVEL,
                         style="italic", va="center", zorder=5)
    note.set_gid(f"level-label:{row.act}/{row.sender}--{row.receiver}")
    return note, (xy[0], y), 3.0


def _axes(axes, graph: Graph, acts: pd.DataFrame, bands: dict, lanes: list[str]) -> None:
    first, last = acts["date"].min(), acts["date"].max()
    span = max((last - first).days, 1)
    pad = max(1.5, span * 0.03)
    axes.set_xlim(mdates.date2num(first) - pad, mdates.date2num(last) + pad + span * 0.16 + 3)
    tops = [c + h / 2 for c, h in bands.values()]
    bottoms = [c - h / 2 for c, h in bands.values()]
    axes.set_ylim(min(bottoms), max(tops))
    axes.set_yticks([bands[c][0] for c in lanes])
    axes.set_yticklabels([f"{graph.name(c)} ({c})" for c in lanes], fontsize=9.5)
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    style.date_axis(axes)
    axes.grid(axis="x", color="#DDDDDD", lw=0.6, zorder=0)
    axes.set_axisbelow(True)


def _legend(acts: pd.DataFrame, retaliation: bool, solidarity: bool, levels: bool) -> list:
    handles = []
    used = {style.category(row) for row in acts.itertuples()}
    for key, (label, colour, marker) in style.CATEGORIES.items():
        if key in used:
            handles.append(Line2D([], [], marker=marker, color="none", markerfacecolor=colour,
                                  markeredgecolor="#333333", markersize=7, label=label))
    if acts["persons"].isna().any():
        handles.append(Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="#333333",
                              markersize=style.marker_area(None) ** 0.5, label="persons not given"))
    for persons in (1, 10, 40):
        handles.append(Line2D([], [], marker="o", color="none", markerfacecolor="#DDDDDD", markeredgecolor="#333333",
                              markersize=style.marker_area(persons) ** 0.5, label=f"{persons} person" +
                              ("s" if persons > 1 else "")))
    if retaliation:
        handles.append(Line2D([], [], color=style.RETALIATION, lw=1.5, label="retaliation"))
    if solidarity:
        handles.append(Line2D([], [], color=style.SOLIDARITY, lw=1.5, linestyle=(0, (4, 2)), label="solidarity"))
    if levels:
        handles.append(Line2D([], [], marker="v", color="none", markerfacecolor=style.LEVEL, markeredgecolor="none",
                              markersize=6, label="change of level"))
    return handles

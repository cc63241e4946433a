"""The level of relations between two states over time, as a step chart: one line for the
representation of each in the other (ambassador, chargé d'affaires, no mission, severed),
changing on the day of the act that changed it, each change marked and named.

Before the first change the records know of, the graph presumes the ambassador level (as
the stored query ``relation-level`` does): that stretch is drawn dotted. SVG ids:
``level:A-in-B`` for a line, ``change:ACT/A--B`` for a change.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
from matplotlib.lines import Line2D

from ..panel.columns import LEVEL_CODES
from ..panel.metadata import credit_line
from . import labels, style
from .data import Graph, PlotError, parse_date, state_codes
from .picture import Picture
from .timelines import _day

_COLOURS = ("#0072B2", "#D55E00")


def draw(graph: Graph, a: str, b: str, *, start=None, end=None) -> Picture:
    codes = state_codes(graph, [a, b])
    if len(set(codes)) != 2:
        raise PlotError("give two different states")
    a, b = codes
    first, last = parse_date(start, "from"), parse_date(end, "to")
    levels = graph.levels
    pair = levels[((levels["sender"] == a) & (levels["receiver"] == b)) |
                  ((levels["sender"] == b) & (levels["receiver"] == a))]
    pair = pair[pair["level"].isin(LEVEL_CODES)].sort_values(["day", "act"])
    acts = graph.acts[((graph.acts["actor"] == a) & (graph.acts["target"] == b)) |
                      ((graph.acts["actor"] == b) & (graph.acts["target"] == a))]
    if pair.empty and acts.empty:
        raise PlotError(f"no acts between {graph.name(a)} and {graph.name(b)} in the store")
    dates = list(pair["date"]) + list(acts["date"])
    span = (max(dates) - min(dates)).days
    first = first or (min(dates) - dt.timedelta(days=max(60, span // 12)))
    last = last or (max(dates) + dt.timedelta(days=max(120, span // 4)))  # room for the labels of the last changes
    if last <= first:
        raise PlotError(f"the period ends ({last}) before it starts ({first})")
    names = {code: label for label, code in _labels(graph).items()}

    title = f"Level of relations between {graph.name(a)} and {graph.name(b)}"
    subtitle = (f"{_day(first)} – {_day(last)}: the level at which each state is represented in the other, "
                "as the acts left it")
    with style.context():
        frame = style.layout(12.5, 3.4, legend_rows=1)
        figure, axes = frame.figure, frame.axes
        texts = []
        for index, (sender, receiver) in enumerate(((a, b), (b, a))):
            changes = pair[(pair["sender"] == sender) & (pair["receiver"] == receiver)]
            changes = changes.drop_duplicates("day", keep="last")  # of two on one day the later act holds
            texts += _line(axes, graph, sender, receiver, changes, first, last, _COLOURS[index], index)
        for row in acts[(acts["date"] >= first) & (acts["date"] <= last)].itertuples():
            tick = axes.axvline(mdates.date2num(row.date), color="#DDDDDD", lw=0.8, zorder=0)
            tick.set_gid(f"act:{row.act}")
        axes.set_ylim(-0.6, 3.6)
        axes.set_yticks(sorted(names))
        axes.set_yticklabels([names[c] for c in sorted(names)], fontsize=9.5)
        axes.set_xlim(mdates.date2num(first), mdates.date2num(last))
        style.date_axis(axes)
        axes.grid(axis="y", color="#EEEEEE", lw=0.8)
        labels.place(figure, axes, texts)
        handles = [Line2D([], [], color=_COLOURS[0], lw=2.2, label=f"{graph.name(a)} in {graph.name(b)}"),
                   Line2D([], [], color=_COLOURS[1], lw=2.2, label=f"{graph.name(b)} in {graph.name(a)}"),
                   Line2D([], [], color="#888888", lw=1.6, linestyle=":", label="presumed: no change recorded yet"),
                   Line2D([], [], color="#DDDDDD", lw=1.2, label="an act between the two")]
        style.bottom_legend(figure, handles, frame.legend_top, 4)
        style.heading(figure, title, subtitle)
        caption = ("Levels from the changes the reasoner infers from acts (expulsion or recall of an ambassador, "
                   "downgrade, closure of an embassy, severance, restoration, return). " + credit_line(graph.provenance))
        style.caption_text(figure, caption, frame.caption_bottom)
    return Picture(figure, title, caption)


def _labels(graph: Graph) -> dict[str, int]:
    found = {row.level: row.label for row in graph.levels.itertuples() if isinstance(row.label, str)}
    defaults = {"dg:AmbassadorLevel": "ambassador", "dg:ChargeDAffairesLevel": "chargé d'affaires",
                "dg:NoMissionLevel": "no mission", "dg:SeveredLevel": "severed"}
    return {found.get(level, defaults[level]): code for level, code in LEVEL_CODES.items()}


def _line(axes, graph: Graph, sender: str, receiver: str, changes, first: dt.date, last: dt.date, colour: str,
          index: int) -> list:
    offset = 0.06 if index == 0 else -0.06  # the two lines side by side where they coincide
    ambassador = LEVEL_CODES["dg:AmbassadorLevel"]
    xs, ys = [mdates.date2num(first)], [ambassador + offset]
    before = changes[changes["date"] <= first]
    if not before.empty:
        ys[0] = LEVEL_CODES[before.iloc[-1]["level"]] + offset
    known_from = None if before.empty else first
    texts = []
    for row in changes[(changes["date"] > first) & (changes["date"] <= last)].itertuples():
        x = mdates.date2num(row.date)
        if known_from is None:  # the presumed stretch ends at the first recorded change
            presumed = axes.plot([xs[0], x], [ys[0], ys[0]], color="#888888", lw=1.6, linestyle=":", zorder=2)[0]
            presumed.set_gid(f"presumed:{sender}-in-{receiver}")
            xs, ys, known_from = [x], [ys[0]], row.date
        xs.append(x)
        ys.append(LEVEL_CODES[row.level] + offset)
        mark = axes.plot([x], [ys[-1]], marker="o", markersize=6, color=colour, zorder=4, linestyle="none")[0]
        mark.set_gid(f"change:{row.act}/{sender}--{receiver}")
        text = axes.annotate(f"{row.date:%-d %b %Y}: {_act_text(graph, row.act)}", (x, ys[-1]), xytext=(0, 0),
                             textcoords="offset points", fontsize=7.5, color=colour, zorder=5,
                             bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8})
        texts.append((text, (x, ys[-1]), 4.0))
    if known_from is None:
        presumed = axes.plot([xs[0], mdates.date2num(last)], [ys[0], ys[0]], color="#888888", lw=1.6, linestyle=":",
                             zorder=2)[0]
        presumed.set_gid(f"presumed:{sender}-in-{receiver}")
        return texts
    xs.append(mdates.date2num(last))
    ys.append(ys[-1])
    line = axes.step(xs, ys, where="post", color=colour, lw=2.2, zorder=3)[0]
    line.set_gid(f"level:{sender}-in-{receiver}")
    return texts


def _act_text(graph: Graph, act: str) -> str:
    found = graph.acts[graph.acts["act"] == act]
    if found.empty:
        return act
    from .style import verb

    row = next(found.itertuples())
    return f"{graph.name(row.actor)} {verb(row)}"

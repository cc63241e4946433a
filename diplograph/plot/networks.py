"""Who answered whom, and who stood by whom, in a period: a directed graph of states, an edge
from each state that retaliated to the state whose act it answered (red) and from each
state that acted in solidarity to the state it supported (blue, dashed), edge width by the
number of acts, states coloured by the organisations they belonged to at the period's end.

networkx holds the graph and lays it out; matplotlib draws it. SVG ids: ``state:CODE``,
``retaliation:A->B``, ``solidarity:A->B``.
"""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch

from ..panel.metadata import credit_line
from . import style
from .data import Graph, PlotError, parse_date, state_codes
from .picture import Picture
from .timelines import _day

#: fill colours for combinations of memberships, in order of first use
_PALETTE = ("#56B4E9", "#E69F00", "#009E73", "#F0E442", "#CC79A7", "#0072B2", "#D55E00", "#999999")
_NONE = "#FFFFFF"


def _edges(graph: Graph, first: dt.date, last: dt.date, codes: list[str]) -> tuple[dict, dict]:
    acts = graph.acts.set_index("act")
    links = graph.links[graph.links["response"].isin(acts.index)]
    dates = links["response"].map(acts["date"])
    links = links[(dates >= first) & (dates <= last)]
    retaliation: dict[tuple[str, str], int] = {}
    solidarity: dict[tuple[str, str], int] = {}
    for row in links.itertuples():
        if row.kind == "retaliation":
            pair = (acts.at[row.response, "actor"], acts.at[row.trigger, "actor"]) if row.trigger in acts.index \
                else None
            table = retaliation
        else:
            pair = (acts.at[row.response, "actor"], row.supported)
            table = solidarity
        if pair is None or (codes and not (pair[0] in codes or pair[1] in codes)):
            continue
        table[pair] = table.get(pair, 0) + 1
    # solidarity counts acts, not links: one act supporting one state is one
    return retaliation, solidarity


def _layout(network: nx.DiGraph, retaliation: dict, groups: dict) -> dict:
    """The states most answered or answering (the hubs of retaliation) in the middle, laid out
    by networkx's spring layout (fixed seed); every other state on a circle around them,
    grouped by memberships and then by name, so that solidarity reads as chords between them."""
    partners: dict[str, set] = {}
    for a, b in retaliation:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    most = max((len(p) for p in partners.values()), default=0)
    hubs = sorted(s for s, p in partners.items() if len(p) >= max(3, most * 0.5))
    if not hubs:
        hubs = []
    positions = {}
    if len(hubs) == 1:
        positions[hubs[0]] = (0.0, 0.0)
    elif hubs:
        core = nx.spring_layout(network.subgraph(hubs).to_undirected(), seed=7, scale=0.28)
        positions.update({s: tuple(p) for s, p in core.items()})
    outer = sorted((s for s in network.nodes if s not in positions), key=lambda s: (groups[s], s))
    for i, state in enumerate(outer):
        angle = math.pi / 2 - 2 * math.pi * i / max(len(outer), 1)
        positions[state] = (math.cos(angle), math.sin(angle))
    return positions


def draw(graph: Graph, *, start, end, states=None) -> Picture:
    first, last = parse_date(start, "from"), parse_date(end, "to")
    if first is None or last is None:
        raise PlotError("a network needs --from and --to")
    if last < first:
        raise PlotError(f"the period ends ({last}) before it starts ({first})")
    codes = state_codes(graph, states)
    retaliation, solidarity = _edges(graph, first, last, codes)
    if not retaliation and not solidarity:
        raise PlotError(f"no retaliation or solidarity between {first} and {last}: nothing to draw")
    network = nx.DiGraph()
    for (a, b), n in retaliation.items():
        network.add_edge(a, b, weight=n, pull=3.0)
    for (a, b), n in solidarity.items():
        if network.has_edge(a, b):
            network[a][b]["weight"] += n
        else:
            network.add_edge(a, b, weight=n, pull=1.0)
    memberships = graph.memberships_on(last.toordinal())
    organisations = sorted({o for s in network.nodes for o in memberships.get(s, ())})
    groups = {s: tuple(o for o in memberships.get(s, ()) if o in organisations) for s in network.nodes}
    positions = _layout(network, retaliation, groups)
    order = sorted(set(groups.values()), key=lambda g: (-len(g), g))
    colours = {}
    for group in order:
        colours[group] = _NONE if not group else _PALETTE[len([c for c in colours if c]) % len(_PALETTE)]

    title = f"Retaliation and solidarity, {_day(first)} – {_day(last)}"
    subtitle = (f"{len(network)} states; {sum(retaliation.values())} retaliations, {sum(solidarity.values())} "
                "solidarity acts; arrows point at the state answered or supported, width by number of acts")
    legend_rows = -(-(len(order) + 2) // 3)
    with style.context():
        frame = style.layout(10.5, 8.2, left=0.3, right=0.3, legend_rows=legend_rows, axis=0.1)
        figure, axes = frame.figure, frame.axes
        axes.set_axis_off()
        _edges_drawn(axes, positions, solidarity, style.SOLIDARITY, (0, (3, 2)), "solidarity", 0.12, 0.4, 0.5)
        _edges_drawn(axes, positions, retaliation, style.RETALIATION, "-", "retaliation", 0.06, 0.85, 1.2)
        for state in network.nodes:
            x, y = positions[state]
            weight = sum(d["weight"] for _, _, d in network.in_edges(state, data=True)) + \
                sum(d["weight"] for _, _, d in network.out_edges(state, data=True))
            area = 160 + 40 * min(weight, 40)
            is_state = bool(graph.agents["state"].get(state, True))
            node = axes.scatter([x], [y], s=area, c=[colours[groups[state]] if is_state else "#DDDDDD"],
                                marker="o" if is_state else "s", edgecolors="#333333", linewidths=1.0, zorder=4)
            node.set_gid(f"state:{state}" if is_state else f"organisation:{state}")
            label = axes.annotate(graph.name(state), (x, y), textcoords="offset points", zorder=5, fontsize=8.5,
                                  bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                                  **_outward(x, y, area ** 0.5 / 2 + 4))
            label.set_gid(f"name:{state}")
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        axes.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
        axes.set_ylim(min(ys) - 0.15, max(ys) + 0.15)
        axes.set_aspect("equal")
        handles = [Line2D([], [], color=style.RETALIATION, lw=2, label="retaliated against (→ whose act it answered)"),
                   Line2D([], [], color=style.SOLIDARITY, lw=2, linestyle=(0, (4, 2)),
                          label="acted in solidarity with (→ supported)")]
        for group in order:
            handles.append(Patch(facecolor=colours[group], edgecolor="#333333",
                                 label=("member of " + " and ".join(group)) if group else "none of these"))
        if not all(graph.agents["state"].get(s, True) for s in network.nodes):
            handles.append(Line2D([], [], marker="s", color="none", markerfacecolor="#DDDDDD", markeredgecolor="#333333",
                                  markersize=9, label="an organisation"))
        style.bottom_legend(figure, handles, frame.legend_top, 3)
        style.heading(figure, title, subtitle)
        caption = (f"Memberships ({', '.join(organisations) or 'none'}) as on {_day(last)}. A retaliation is dated "
                   "by the act answering, a solidarity act by itself. " + credit_line(graph.provenance))
        style.caption_text(figure, caption, frame.caption_bottom)
    return Picture(figure, title, caption)


def _outward(x: float, y: float, gap: float) -> dict:
    """Where a node's label goes: away from the middle of the picture, so that the arrows
    coming from the middle never run under it; below a node in the middle."""
    length = math.hypot(x, y)
    if length < 0.5:
        return {"xytext": (0, -gap), "ha": "center", "va": "top"}
    dx, dy = x / length, y / length
    return {"xytext": (dx * gap, dy * gap), "ha": "left" if dx > 0.35 else "right" if dx < -0.35 else "center",
            "va": "bottom" if dy > 0.35 else "top" if dy < -0.35 else "center"}


def _edges_drawn(axes, positions, edges: dict, colour, linestyle, kind: str, bend: float, alpha: float,
                 width: float) -> None:
    for (a, b), n in sorted(edges.items(), key=lambda item: item[1]):
        arrow = FancyArrowPatch(positions[a], positions[b], arrowstyle="-|>", mutation_scale=9 + 2 * min(n, 5),
                                color=colour, lw=0.4 + width * min(n, 8), linestyle=linestyle, alpha=alpha,
                                shrinkA=12, shrinkB=14, connectionstyle=f"arc3,rad={bend}", zorder=2)
        arrow.set_gid(f"{kind}:{a}->{b}")
        axes.add_patch(arrow)

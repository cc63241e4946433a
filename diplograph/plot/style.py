"""How the pictures look: colours (the Okabe–Ito palette, readable by colour-blind readers),
marker shapes, short verbs for acts, sizes, and the file formats pictures are saved in."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from .. import __version__
from ..panel.metadata import SOURCE

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}

RETALIATION = "#D55E00"   # vermillion
SOLIDARITY = "#0072B2"    # blue
LEVEL = "#555555"
LANE = "#E6E6E6"
TEXT = "#222222"

#: by the act class's rung category (dg:rankCategory); conciliatory acts have none
CATEGORIES = {
    "protest": ("summons and protests", "#999999", "o"),
    "staff": ("expulsions and staff limits", "#E69F00", "o"),
    "ambassador": ("ambassadors expelled or recalled", "#CC79A7", "D"),
    "consulate": ("consular posts closed", "#56B4E9", "s"),
    "mission": ("missions closed or downgraded", "#56B4E9", "s"),
    "relations": ("relations severed", "#000000", "X"),
    "conciliatory": ("conciliatory acts", "#009E73", "^"),
    "other": ("other acts", "#BBBBBB", "o"),
}

#: short verbs for act labels, by record type; {n} is the number of persons affected
VERBS = {
    "staff-expulsion": ("expels {n}", "expels staff"),
    "ambassador-expulsion": ("expels ambassador", None),
    "withdrawal-of-consent": ("withdraws consent ({n})", "withdraws consent"),
    "staff-ceiling": ("caps staff ({n} leave)", "caps staff"),
    "property-restriction": ("restricts property", None),
    "summons": ("summons envoy", None),
    "ambassador-recall": ("recalls ambassador", None),
    "permanent-recall": ("recalls ambassador", None),
    "recall-for-consultations": ("recalls ambassador to consult", None),
    "mission-downgrade": ("downgrades relations", None),
    "embassy-closure": ("closes embassy", None),
    "consulate-closure": ("closes consulate", None),
    "mission-closure": ("closes mission", None),
    "other-mission-closure": ("closes office", None),
    "severance": ("severs relations", None),
    "restoration": ("restores relations", None),
    "restoration-agreement": ("agrees to restore relations", None),
    "ambassador-return": ("returns ambassador", None),
    "mission-reopening": ("reopens mission", None),
    "declared-non-response": ("declares no response", None),
}


def known_number(value) -> bool:
    """Not missing: neither None nor NaN (pandas' missing number)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def category(row) -> str:
    if not row.restrictive:
        return "conciliatory" if row.type in VERBS and row.type not in ("declared-non-response",) else "other"
    return row.category if isinstance(row.category, str) and row.category in CATEGORIES else "other"


def verb(row) -> str:
    known, unknown = VERBS.get(row.type, (str(row.class_label), None))
    if known_number(row.persons) and "{n}" in known:
        return known.format(n=int(row.persons))
    return unknown or known.replace(" ({n})", "").replace("{n}", "").strip()


def marker_area(persons) -> float:
    """Marker area in points² by persons affected (area grows with the number; unknown: small)."""
    if not known_number(persons):
        return 55.0
    return 45.0 + 14.0 * min(float(persons), 60.0)


#: settings for drawing and saving, applied in a context so that a user's own figures keep theirs
RC = {
    "svg.fonttype": "none",        # text stays text in SVG: searchable, selectable, testable
    "svg.hashsalt": "diplograph",  # stable element ids from one render to the next
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def context():
    return matplotlib.rc_context(RC)


def new_figure(width: float, height: float) -> Figure:
    """A figure not tied to pyplot: no global state, no window (the file formats render with
    Agg and matplotlib's SVG and PDF backends)."""
    return Figure(figsize=(width, height), dpi=100)


@dataclass
class Layout:
    """A figure laid out in inches: title and subtitle on top, the plot, then the x axis,
    a legend in rows and a caption at the bottom."""

    figure: Figure
    axes: object
    legend_top: float  # figure fraction where the legend starts
    caption_bottom: float


def layout(width: float, plot_height: float, *, left: float = 1.7, right: float = 0.35, legend_rows: int = 1,
           caption_lines: int = 2, top: float = 0.95, axis: float = 0.5) -> Layout:
    legend = 0.26 * legend_rows + 0.1
    caption = 0.16 * caption_lines + 0.18
    height = top + plot_height + axis + legend + caption
    figure = new_figure(width, height)
    axes = figure.add_axes((left / width, (axis + legend + caption) / height,
                            (width - left - right) / width, plot_height / height))
    return Layout(figure, axes, legend_top=(legend + caption) / height, caption_bottom=0.12 / height)


def heading(figure: Figure, title: str, subtitle: str) -> None:
    height = figure.get_figheight()
    figure.text(0.13 / figure.get_figwidth(), 1 - 0.18 / height, title, ha="left", va="top", fontsize=13,
                fontweight="bold", color=TEXT)
    figure.text(0.13 / figure.get_figwidth(), 1 - 0.52 / height, subtitle, ha="left", va="top", fontsize=9.5,
                color=TEXT)


def caption_text(figure: Figure, text: str, y: float) -> None:
    width = int(figure.get_figwidth() * 15.5)  # characters of 8-point text per line, about
    figure.text(0.13 / figure.get_figwidth(), y, textwrap.fill(text, width), ha="left", va="bottom", fontsize=8,
                color="#444444", linespacing=1.4)


def bottom_legend(figure: Figure, handles: list, top: float, columns: int) -> object:
    legend = figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.13 / figure.get_figwidth(), top),
                           ncol=columns, fontsize=8, frameon=False, columnspacing=1.8, handletextpad=0.8, handlelength=2.6,
                           borderaxespad=0.0)
    legend.set_gid("legend")
    return legend


def date_axis(axes) -> None:
    """Dates on the x axis: ticks as matplotlib's concise formatter gives them, and the year
    (or month and year) written out beside the axis."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    formatter = mdates.ConciseDateFormatter(locator)
    formatter.offset_formats = ["", "%Y", "%B %Y", "%d %B %Y", "%d %B %Y", "%d %B %Y %H:%M"]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(formatter)


def output_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: the picture's format comes from the file's suffix: {', '.join(FORMATS)}")
    return fmt


def save(figure: Figure, path: str | Path, *, title: str, caption: str) -> Path:
    """Save by the file's suffix, with title, licence and source in the file's own metadata."""
    path = Path(path)
    fmt = output_format(path)
    if fmt == "svg":
        metadata = {"Title": title, "Description": caption, "Rights": "CC BY 4.0 (data); cite Diplograph",
                    "Source": SOURCE, "Creator": f"Diplograph {__version__} (matplotlib)", "Date": None}
    elif fmt == "png":
        metadata = {"Title": title, "Description": caption, "Copyright": "CC BY 4.0 (data); cite Diplograph",
                    "Source": SOURCE, "Software": f"Diplograph {__version__} (matplotlib)"}
    else:
        metadata = {"Title": title, "Subject": caption, "Creator": f"Diplograph {__version__} (matplotlib)",
                    "Keywords": "CC BY 4.0; " + SOURCE}
    with context():
        figure.savefig(path, format=fmt, metadata=metadata, dpi=150 if fmt == "png" else "figure")
    return path

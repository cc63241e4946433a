"""Pictures of the graph: the timeline of an episode, the network of retaliation and
solidarity in a period, and the level of relations between two states over time.
matplotlib draws them (networkx lays out the network); SVG, PNG or PDF by the file's suffix.

>>> picture = timeline(store, episode="2021-vrbetice")
>>> save(picture, "vrbetice.svg")
"""

from __future__ import annotations

from pathlib import Path

from ..store.base import GraphStore
from . import data
from .data import PlotError
from .picture import Picture


def timeline(store: GraphStore, *, episode=None, start=None, end=None, states=None):
    from .timelines import draw

    return draw(data.load(store), episode=episode, start=start, end=end, states=states)


def network(store: GraphStore, *, start, end, states=None):
    from .networks import draw

    return draw(data.load(store), start=start, end=end, states=states)


def level(store: GraphStore, a: str, b: str, *, start=None, end=None):
    from .levels import draw

    return draw(data.load(store), a, b, start=start, end=end)


def save(picture: Picture, path: str | Path) -> Path:
    """Write a picture; the format (svg, png, pdf) comes from the file's suffix."""
    return picture.save(path)


__all__ = ["Picture", "PlotError", "level", "network", "save", "timeline"]

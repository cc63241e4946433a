"""Source, licence and citation of what the server answers (every export carries them)."""

from __future__ import annotations

from .. import __version__
from ..export import DATASET, LICENCE

CITATION = (f"Diplograph developers, Diplograph: a knowledge graph of diplomatic relations, version {__version__} "
            "(CC BY 4.0); cite also the original sources named for each act")


def note(**extra: object) -> dict:
    """The ``diplograph`` member added to JSON answers."""
    return {"dataset": str(DATASET), "licence": str(LICENCE), "citation": CITATION, "version": __version__, **extra}


def link_header(*links: tuple[str, str]) -> str:
    """A Link header value: the licence, then (url, rel) pairs."""
    items = [f'<{LICENCE}>; rel="license"'] + [f'<{url}>; rel="{rel}"' for url, rel in links]
    return ", ".join(items)

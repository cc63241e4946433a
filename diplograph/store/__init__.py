"""Where the graph lives: the embedded pyoxigraph store (default) or a SPARQL 1.1 server."""

from __future__ import annotations

from pathlib import Path

from .base import GraphStore, QueryResult
from .embedded import EmbeddedStore

DEFAULT_STORE = "diplograph-data"


def open_store(location: str | Path | None = None, **options) -> GraphStore:
    """Open the store at ``location``: a directory (embedded, created if missing)
    or an ``http(s)://`` SPARQL endpoint."""
    location = str(location or DEFAULT_STORE)
    if location.startswith(("http://", "https://")):
        from .remote import RemoteStore

        return RemoteStore(location, **options)
    return EmbeddedStore(Path(location), **options)


__all__ = ["GraphStore", "QueryResult", "EmbeddedStore", "open_store", "DEFAULT_STORE"]

"""``diplograph serve``: a read-only SPARQL 1.1 endpoint, the stored queries at their own
URLs, and (issue 9) the linked-data pages, in one Starlette app."""

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]

"""The web application: one Starlette app, one route module per job.

``create_app(store)`` serves the store at ``store`` (a directory or a SPARQL endpoint URL):
the SPARQL endpoint (:mod:`.sparql`), the stored queries (:mod:`.stored`), and the
route modules of :data:`ROUTE_MODULES` added after them. Every query runs in a worker
process (:mod:`.pool`) under the time limit and the row limit.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..namespaces import BASE
from . import sparql, stored
from .errors import WebError
from .pool import WorkerPool

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2

#: headers a script on another origin may read (CORS)
EXPOSED_HEADERS = ["Link", "Vary", "Diplograph-Row-Limit", "Diplograph-Rows", "Diplograph-Truncated",
                   "X-SPARQL-MaxRows"]


@dataclass(frozen=True)
class Settings:
    location: str
    base: str = BASE
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = DEFAULT_WORKERS


class SecurityHeaders:
    """Headers every answer carries: no content sniffing, no framing by other sites, no referrer leak."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
        (b"content-security-policy", (b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                      b"script-src 'none'; frame-ancestors 'none'; form-action 'self'"))]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                headers = list(message.get("headers", []))
                # a response that sets one of these itself (the ontology's documentation and
                # the pictures carry their own style sheets) keeps its own: two policies
                # would both be enforced
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [(n, v) for n, v in self.HEADERS if n not in present]
            await send(message)

        return await self.app(scope, receive, sending)


async def _web_error(request: Request, exc: WebError) -> Response:
    return PlainTextResponse(exc.message + "\n", status_code=exc.status)


def _route_modules():
    """The route modules, in order: later ones may add pages under the base (part of issue 9)."""
    from . import graphs, pages, pictures

    # pictures and graphs before pages: their paths are more specific than the pages' own
    return [sparql, stored, pictures, graphs, pages]


def create_app(store: str | Path, *, base: str = BASE, timeout: float = DEFAULT_TIMEOUT,
               max_rows: int = DEFAULT_MAX_ROWS, workers: int = DEFAULT_WORKERS,
               pool: WorkerPool | None = None) -> Starlette:
    """The app serving ``store`` (a store directory, or a SPARQL endpoint URL).

    ``timeout`` (seconds) and ``max_rows`` limit every query; ``workers`` processes run
    queries side by side. ``pool``: workers started already (the CLI starts them first,
    to report a store that cannot be opened before it listens)."""
    if timeout <= 0 or max_rows <= 0 or workers <= 0:
        raise ValueError("timeout, max_rows and workers must be positive")
    if not base.endswith(("/", "#")):
        raise ValueError(f"the base {base!r} must end with / or #")
    location = str(store.location if hasattr(store, "location") else store)
    settings = Settings(location, base, float(timeout), int(max_rows), int(workers))
    pool = pool or WorkerPool(location, size=workers, timeout=float(timeout))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await asyncio.to_thread(pool.start)
        await pool.open()
        try:
            yield
        finally:
            pool.close()

    routes = [route for module in _route_modules() for route in module.routes]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                       allow_headers=["Accept", "Content-Type"], expose_headers=EXPOSED_HEADERS, max_age=86400),
        ],
        exception_handlers={WebError: _web_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pool = pool
    return app

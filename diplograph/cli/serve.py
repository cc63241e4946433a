"""``diplograph serve``: the graph as a read-only SPARQL 1.1 endpoint, with the stored
queries at their own URLs and every minted IRI answered as a page or as RDF (see
docs/serving.md and docs/linked-data.md)."""

from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

import typer

from ..namespaces import BASE
from .base import DEFAULT_STORE, EXIT_ERROR, StoreOption, app, console, fail


def _without_password(location: str) -> str:
    parts = urlsplit(location)
    if parts.password is None:
        return location
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(":" + parts.password + "@", ":***@", 1)))


@app.command()
def serve(
    store: StoreOption = DEFAULT_STORE,
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7879,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run before it is stopped.",
                                           min=0.1)] = 30.0,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Rows (or triples) an answer may have; "
                                          "longer answers are cut and say so.", min=1)] = 10_000,
    workers: Annotated[int, typer.Option("--workers", help="Query worker processes (queries run side by side).",
                                         min=1, max=64)] = 2,
    base: Annotated[str, typer.Option("--base", help="The IRIs' base, answered at this server's own address.")] = BASE,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level (info shows each request).")]
    = "info",
) -> None:
    """Serve the graph read-only: a SPARQL 1.1 endpoint at /sparql, the stored queries at /queries/,
    pages and RDF for every Diplograph IRI, the ontology's documentation at /ontology."""
    import uvicorn

    from ..web import create_app
    from ..web.pool import WorkerPool, WorkerStartError

    started = time.perf_counter()
    pool = WorkerPool(store, size=workers, timeout=timeout)
    try:
        pool.start()
    except WorkerStartError as exc:
        raise fail(f"cannot serve the store {_without_password(store)}: {exc}", EXIT_ERROR) from None
    try:
        application = create_app(store, base=base, timeout=timeout, max_rows=max_rows, workers=workers, pool=pool)
    except ValueError as exc:
        pool.close()
        raise fail(str(exc)) from None
    shown = _without_password(store)
    address = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    console.print(f"serving {shown} read-only at {address} ({workers} workers ready in "
                  f"{time.perf_counter() - started:.1f} s)\n"
                  f"  SPARQL endpoint  {address}sparql\n"
                  f"  stored queries   {address}queries/\n"
                  f"  pages            {address} (episodes, acts, states), {address}ontology\n"
                  f"  dataset          {address}.well-known/void\n"
                  f"  limits           {timeout:g} s and {max_rows:,} rows per query", highlight=False)
    try:
        uvicorn.run(application, host=host, port=port, log_level=log_level, proxy_headers=True,
                    server_header=False)
    finally:
        pool.close()

"""A query worker: a process of its own that opens the store and runs what the server
asks, one task at a time, over a socket. The server kills it at the time limit, which
is the only sure way to stop pyoxigraph (it has no query timeout) in the middle of a
query; a new worker then takes its place.

Run as ``python -m diplograph.web.worker FD TIMEOUT`` by :mod:`diplograph.web.pool`, with the
store's location in the environment variable DIPLOGRAPH_WORKER_STORE.
"""

from __future__ import annotations

import os
import socket
import sys
import traceback
from multiprocessing.connection import Connection

from .errors import WebError


def operations() -> dict:
    """What a worker can be asked to do: name -> function(engine, **arguments)."""
    from ..export import export
    from . import answers, graphs, linked, pictures, stored

    return {
        "sparql": answers.sparql,
        "stored_query": stored.answer,
        "stored_rows": stored.rows,
        "graph_counts": stored.graph_counts,
        "page": linked.page,
        "representation": linked.representation,
        "landing": linked.landing,
        "ontology_graph": linked.ontology_graph,
        "picture": pictures.picture,
        "graph_page": graphs.description_data,
        "graph_dump": graphs.dump_graph,
        "export": lambda engine, format_name: export(engine.graph_store, format_name),
        "ping": lambda engine: engine.location,
    }


def serve(connection: Connection, location: str, timeout: float | None) -> None:
    from .engine import open_engine

    try:
        engine = open_engine(location, timeout)
        table = operations()
    except Exception as exc:  # noqa: BLE001 - the server reports why the worker cannot start
        connection.send(("failed", f"{exc}"))
        return
    connection.send(("ready", engine.location))
    while True:
        try:
            name, arguments = connection.recv()
        except (EOFError, OSError):
            return
        try:
            engine.refresh()
            connection.send(("ok", table[name](engine, **arguments)))
        except WebError as exc:
            connection.send(("error", type(exc).__name__, exc.message))
        except Exception as exc:  # noqa: BLE001 - any other failure is the server's: say what it was
            traceback.print_exc(file=sys.stderr)
            connection.send(("error", "ServerError", f"{type(exc).__name__}: {exc}"))


def main(argv: list[str]) -> None:
    fd, timeout = int(argv[0]), float(argv[1]) if argv[1] != "none" else None
    location = os.environ["DIPLOGRAPH_WORKER_STORE"]
    sock = socket.socket(fileno=fd)
    connection = Connection(sock.detach())
    serve(connection, location, timeout)


if __name__ == "__main__":
    main(sys.argv[1:])

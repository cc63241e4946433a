"""What every ``diplograph`` command shares: the Typer app, the consoles, the store option
and the way errors end a command.

Exit codes: 0 ok, 1 invalid data (records that fail their checks, an
inconsistent graph), 2 usage or runtime error.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from typer.core import TyperGroup

from ..api import Diplograph
from ..store import DEFAULT_STORE, open_store
from ..store.base import StoreError

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


class _Commands(TyperGroup):
    """Every command: a store that fails (a SPARQL server unreachable or refusing a
    request, an answer cut at the server's row limit) is an error message and exit 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            errors.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_ERROR) from None


app = typer.Typer(
    cls=_Commands,
    help="Diplograph: a knowledge graph of diplomatic relations. Load curated records, reason, query, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

StoreOption = Annotated[
    str,
    typer.Option("--store", "-s", envvar="DIPLOGRAPH_STORE",
                 help="A store directory (embedded, created if missing) or a SPARQL endpoint URL."),
]


def fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def open_graph(location: str) -> Diplograph:
    try:
        return Diplograph(open_store(location))
    except Exception as exc:  # the store could not be opened: say why, exit 2
        raise fail(str(exc)) from None


__all__ = ["DEFAULT_STORE", "EXIT_ERROR", "EXIT_INVALID", "EXIT_OK", "StoreOption", "app", "console", "errors",
           "fail", "open_graph"]

"""The ``diplograph`` command.

Exit codes: 0 ok, 1 invalid data (records that fail their checks, an
inconsistent graph), 2 usage or runtime error.

Each module of this package adds its own commands to the one Typer app of
``base``; every module here is imported, so a new command group is a new file.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import EXIT_ERROR, EXIT_INVALID, EXIT_OK, app

# core first, so that 'diplograph --help' lists load, query, reason... before the rest
for _name in ["core"] + sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in ("base", "core", "__main__")):
    importlib.import_module(f"{__name__}.{_name}")


def main() -> None:  # pragma: no cover - console entry point
    app()


__all__ = ["EXIT_ERROR", "EXIT_INVALID", "EXIT_OK", "app", "main"]

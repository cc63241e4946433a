"""Where the ontology, the rules, the stored queries and the shipped records live.

An installed wheel carries them under ``diplograph/_data``; a source checkout
(editable install, tests) has them at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The directory ``name`` (``ontology``, ``queries`` or ``records``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Diplograph's {name}/ directory is missing from this installation")


def ontology_file() -> Path:
    return data_dir("ontology") / "diplograph.ttl"


def shapes_file() -> Path:
    return data_dir("ontology") / "shapes.ttl"


def rules_dir() -> Path:
    return data_dir("ontology") / "rules"


def queries_dir() -> Path:
    return data_dir("queries")


def records_dir() -> Path:
    return data_dir("records")


def schema_file(name: str) -> Path:
    return _PACKAGE / "schema" / f"{name}.schema.json"

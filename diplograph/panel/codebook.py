"""The panel's codebook (``docs/codebook.md``), generated from the column definitions
(``columns.py``) and the ontology, so that it cannot drift from either:

    python -m diplograph.panel.codebook docs/codebook.md

``tests/test_codebook.py`` checks that the committed file is what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import __version__, resources
from ..namespaces import Graphs
from ..store import EmbeddedStore
from ..store.base import GraphStore
from .build import classes_in
from .columns import ACT_SETS, COLUMNS, LEVEL_CODES, UNITS
from .extract import curie, frame, sparql
from .metadata import PUBLISHER, SOURCE

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def ontology_store(path: Path | None = None) -> EmbeddedStore:
    """An in-memory store holding the ontology as its ontology graph, as a loaded store has it."""
    store = EmbeddedStore(None)
    store.engine.load(path=str(path or resources.ontology_file()), format=ox.RdfFormat.TURTLE,
                      to_graph=ox.NamedNode(str(Graphs.ONTOLOGY)))
    return store


def _terms(store: GraphStore) -> dict[str, dict]:
    table = frame(store.select(sparql("terms")))
    table = table.astype(object).where(table.notna(), None)  # unbound is None, never NaN
    terms = {}
    for row in table.to_dict("records"):
        key = curie(row["term"])
        if key in terms:  # a second label or definition in another language: keep the first
            continue
        terms[key] = {"curie": key, "label": row["label"], "definition": row["definition"] or "",
                      "rank": int(row["rank"]) if row["rank"] is not None else None, "category": row["category"], "record_type": row["recordType"]}
    return terms


def _act_sets(store: GraphStore, terms: dict[str, dict]) -> dict[str, list[dict]]:
    """The act classes of each act set, decided as the builder decides (by superclass or rung)."""
    classes = frame(store.select(sparql("act-classes")))
    for column in ("class", "super"):
        classes[column] = classes[column].map(curie)
    out = {}
    for key, act_set in ACT_SETS.items():
        rows = [terms[c] for c in classes_in(classes, act_set) if c in terms]
        out[key] = sorted(rows, key=lambda t: (t["rank"] if t["rank"] is not None else 99, t["label"]))
    return out


def context(store: GraphStore | None = None) -> dict:
    owned = store is None
    store = store or ontology_store()
    try:
        terms = _terms(store)
        versions = frame(store.select(sparql("ontology-version")))["version"].tolist()
        act_sets = _act_sets(store, terms)
    finally:
        if owned:
            store.close()
    missing = sorted({t for c in COLUMNS for t in c.terms if t not in terms} | {t for t in LEVEL_CODES if t not in terms})
    if missing:
        raise ValueError(f"the panel's columns name terms the ontology does not define: {', '.join(missing)}")
    columns = []
    for column in COLUMNS:
        act_set = ACT_SETS[column.acts] if column.acts else None
        columns.append({
            "column": column,
            "terms": [terms[t] for t in column.terms],
            "act_set": act_set,
            "act_classes": act_sets[column.acts] if column.acts else [],
            "units": "all" if column.units == UNITS else ", ".join(column.units),
        })
    levels = [{"code": code, **terms[level]} for level, code in sorted(LEVEL_CODES.items(), key=lambda i: -i[1])]
    groups = []
    for group, title in (("identifiers", "Identifiers"), ("time", "Time"), ("acts", "Acts"),
                         ("retaliation", "Retaliation"), ("solidarity", "Solidarity"),
                         ("relations", "Relations at the end of the period")):
        groups.append({"title": title, "columns": [c for c in columns if c["column"].group == group]})
    return {"version": __version__, "ontology_version": versions[0] if versions else "", "groups": groups,
            "columns": columns, "levels": levels, "publisher": PUBLISHER, "source": SOURCE,
            "act_sets": [{"set": s, "classes": act_sets[k]} for k, s in ACT_SETS.items()]}


def render(store: GraphStore | None = None) -> str:
    environment = Environment(loader=FileSystemLoader(_TEMPLATES), undefined=StrictUndefined,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("codebook.md.j2").render(**context(store))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""docs/codebook.md is generated from the panel's column definitions and the ontology; the
committed file must be what the generator writes, and it must describe every column."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from diplograph.panel import COLUMNS, codebook, columns_for

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "docs" / "codebook.md"
REGENERATE = "python -m diplograph.panel.codebook docs/codebook.md"


def test_committed_codebook_is_what_the_generator_writes():
    expected = codebook.render()
    assert CODEBOOK.read_text(encoding="utf-8") == expected, f"docs/codebook.md is stale: run '{REGENERATE}'"


def test_codebook_describes_every_column_of_every_unit():
    text = CODEBOOK.read_text(encoding="utf-8")
    headings = re.findall(r"^### `([a-z0-9_]+)`$", text, flags=re.MULTILINE)
    table = re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE)
    names = [c.name for c in COLUMNS]
    assert headings == names and table == names
    for unit in ("year", "month", "day"):
        assert {c.name for c in columns_for(unit)} <= set(headings)


def test_codebook_lists_every_restrictive_act_class_of_the_ontology():
    store = ox.Store()
    store.load(path=str(REPO / "ontology" / "diplograph.ttl"), format=ox.RdfFormat.TURTLE)
    classes = {s["label"].value for s in store.query("""
        PREFIX dg: <https://w3id.org/diplograph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE { ?c rdfs:subClassOf+ dg:RestrictiveAct ; dg:recordType ?t ; rdfs:label ?label }""")}
    text = CODEBOOK.read_text(encoding="utf-8")
    section = text[text.index("### Restrictive acts"):text.index("### Expulsions")]
    assert classes and all(f"| {label} (`dg:" in section for label in classes)


def test_generator_writes_the_file_it_is_given(tmp_path):
    target = tmp_path / "codebook.md"
    assert codebook.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == codebook.render()

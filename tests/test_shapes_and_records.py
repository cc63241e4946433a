"""The SHACL shapes, and the shipped records checked and loaded with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SH

from diplograph.namespaces import Graphs

PREFIXES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

RECORDS = Path(__file__).resolve().parents[1] / "records"
SHIPPED_FILES = sorted(p for p in RECORDS.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def _violations(graph: Graph, query: str, what: str) -> None:
    rows = [" | ".join(map(str, row)) for row in graph.query(PREFIXES + query)]
    for row in rows:
        print(f"VIOLATION ({what}): {row}")
    assert not rows, f"{what}:\n" + "\n".join(rows)


# ---------------------------------------------------------------------------
# The shapes graph
# ---------------------------------------------------------------------------

def test_shapes_parse_into_node_shapes_with_properties(shapes: Graph):
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 8
    assert all(shapes.value(shape, SH.property) is not None for shape in node_shapes)


def test_every_property_shape_has_a_message_and_a_severity(shapes: Graph):
    _violations(shapes, """
        SELECT ?shape ?path WHERE {
          ?shape sh:property ?property . ?property sh:path ?path .
          FILTER NOT EXISTS { ?property sh:message ?message ; sh:severity ?severity }
        }""", "every property shape has sh:message and sh:severity")


def test_every_severity_is_a_shacl_severity_and_every_message_english(shapes: Graph):
    _violations(shapes, """
        SELECT ?property ?severity WHERE {
          ?property sh:severity ?severity FILTER (?severity NOT IN (sh:Violation, sh:Warning, sh:Info))
        }""", "sh:severity is sh:Violation, sh:Warning or sh:Info")
    _violations(shapes, """
        SELECT ?property ?message WHERE { ?property sh:message ?message FILTER (LANG(?message) != "en") }""",
                "every sh:message is @en text")


def test_every_target_class_is_a_class_of_the_ontology(shapes: Graph, ontology: Graph):
    targets = set(shapes.objects(None, SH.targetClass))
    assert targets
    missing = sorted(str(t) for t in targets if (t, RDF.type, OWL.Class) not in ontology)
    assert not missing


def test_every_dg_path_and_class_of_the_shapes_is_in_the_ontology(shapes: Graph, ontology: Graph):
    terms = set(shapes.objects(None, SH.path)) | set(shapes.objects(None, SH["class"])) | set(
        shapes.objects(None, SH.disjoint)) | set(shapes.objects(None, SH.lessThanOrEquals))
    dg_terms = {t for t in terms if str(t).startswith("https://w3id.org/diplograph/ontology#")}
    assert dg_terms
    missing = sorted(str(t) for t in dg_terms if (t, RDF.type, None) not in ontology)
    assert not missing


# ---------------------------------------------------------------------------
# The shipped records
# ---------------------------------------------------------------------------

def test_shipped_records_exist():
    assert len([p for p in SHIPPED_FILES if p.parent.name != "entities"]) >= 5
    assert {p.name for p in SHIPPED_FILES if p.parent.name == "entities"} == {"states.yaml", "organisations.yaml"}


@pytest.mark.parametrize("record", SHIPPED_FILES, ids=[p.relative_to(RECORDS).as_posix() for p in SHIPPED_FILES])
def test_shipped_record_validates(record: Path, shipped_dry_run):
    """``diplograph load --dry-run records/`` reports no ERROR for this file."""
    errors = [str(m) for m in shipped_dry_run.result.report.errors if Path(m.file).resolve() == record.resolve()]
    assert not errors, "\n".join(errors)


def test_dry_run_of_shipped_records_checks_every_file_and_writes_nothing(shipped_dry_run):
    result = shipped_dry_run.result
    assert result.dry_run
    assert sorted(Path(f).resolve() for f in result.files) == [p.resolve() for p in SHIPPED_FILES]
    assert shipped_dry_run.quads_after == []


def test_every_message_of_the_dry_run_names_a_shipped_file_and_a_line(shipped_dry_run):
    shipped = {p.resolve() for p in SHIPPED_FILES}
    stray = [str(m) for m in shipped_dry_run.result.report.messages
             if Path(m.file).resolve() not in shipped or m.line < 1]
    assert not stray, "\n".join(stray)


def test_loaded_ontology_graph_is_the_committed_ontology(loaded, ontology: Graph):
    stored = Graph().parse(data=loaded.dump([Graphs.ONTOLOGY], "nt"), format="nt")
    assert isomorphic(stored, ontology)


def test_every_dg_term_of_the_loaded_records_is_declared_in_the_ontology(loaded):
    rows = loaded.select("""
        SELECT DISTINCT ?term WHERE {
          { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } }
          FILTER (?g IN (<https://w3id.org/diplograph/graph/asserted>, <https://w3id.org/diplograph/graph/provenance>))
          FILTER STRSTARTS(STR(?term), "https://w3id.org/diplograph/ontology#")
          FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/ontology> { ?term a ?kind } }
        }""").rows
    assert not rows, [str(r[0]) for r in rows]


def test_loaded_records_hold_the_known_acts(loaded):
    acts = {str(r[0]).rsplit("/", 1)[-1] for r in loaded.select("""
        PREFIX dg: <https://w3id.org/diplograph/ontology#>
        SELECT ?act WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:announcedOn ?d } }""").rows}
    assert {"cz-expels-ru-18-2021", "ru-expels-cz-20-2021", "ee-caps-ru-embassy-2023"} <= acts


def test_stored_asserted_graph_conforms_to_the_shapes(loaded, shapes: Graph, ontology: Graph):
    """What the store gives back still conforms: counts are xsd:integer, which every store keeps as
    such (pyoxigraph folds xsd:nonNegativeInteger into xsd:integer), with sh:minInclusive 0."""
    data = Graph().parse(data=loaded.dump([Graphs.ASSERTED], "nt"), format="nt")
    conforms, results, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                    allow_infos=True, allow_warnings=True)
    violations = sorted({f"{results.value(r, SH.resultPath)}: {results.value(r, SH.resultMessage)}"
                         for r in results.subjects(SH.resultSeverity, SH.Violation)})
    for violation in violations:
        print("VIOLATION:", violation)
    assert not violations


def _act_conforms(shapes: Graph, ontology: Graph, loaded, extra: str, drop: tuple = (None, None, None)) -> list[str]:
    """The stored asserted graph without the triples matching ``drop`` and with ``extra`` Turtle:
    the shapes' violations."""
    data = Graph().parse(data=loaded.dump([Graphs.ASSERTED], "nt"), format="nt")
    if drop != (None, None, None):
        data.remove(drop)
    data.parse(data="@prefix dg: <https://w3id.org/diplograph/ontology#> .\n"
                    "@prefix act: <https://w3id.org/diplograph/id/act/> .\n" + extra, format="turtle")
    _, results, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                             allow_infos=True, allow_warnings=True)
    return sorted(str(results.value(r, SH.resultMessage)) for r in results.subjects(SH.resultSeverity, SH.Violation))


def test_a_negative_count_violates_the_shapes(loaded, shapes: Graph, ontology: Graph):
    """sh:minInclusive 0 on counts: a reported figure of -3 is refused, 3 is not."""
    bad = _act_conforms(shapes, ontology, loaded, '<https://w3id.org/diplograph/id/figure/cz-caps-ru-embassy-2021/1> dg:value -3 .')
    assert any("0 or more" in message for message in bad), bad
    assert _act_conforms(shapes, ontology, loaded, "act:ru-expels-cz-20-2021 dg:staffCeiling 3 .") == []
    assert any("0 or more" in m for m in _act_conforms(shapes, ontology, loaded, "act:ru-expels-cz-20-2021 dg:staffCeiling -1 ."))


def test_an_organisation_may_act_but_not_a_person(loaded, shapes: Graph, ontology: Graph):
    """The actor shape: a state or an organisation of the registry; anything else is a violation."""
    assert _act_conforms(shapes, ontology, loaded, "") == []
    eu_act = URIRef("https://w3id.org/diplograph/id/act/eu-expels-ru-19-2022")
    actor = URIRef("https://w3id.org/diplograph/ontology#actor")
    person = _act_conforms(shapes, ontology, loaded, """
        act:eu-expels-ru-19-2022 dg:actor <https://w3id.org/diplograph/id/person/someone> .
        <https://w3id.org/diplograph/id/person/someone> a dg:Person .""", drop=(eu_act, actor, None))
    assert any("a state or an organisation" in message for message in person), person

"""The loader's contract (docs/records.md): every problem of every file is reported
as ``[ERROR] file:line subject: message`` at the line where it stands, nothing is
written unless everything passes, and reloading replaces what a record said.

Expected line numbers are looked up in the YAML text each test writes.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from load_support import provenance_but_load_runs
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from diplograph import namespaces as ns
from diplograph.loader import LoadResult, load
from diplograph.namespaces import DG, Graphs


def _display(path: Path) -> str:
    return os.path.relpath(path.resolve(), Path.cwd())


def _errors(result: LoadResult) -> list[str]:
    return [str(m) for m in result.report.errors]


def assert_error(result: LoadResult, path: Path, line: int, subject: str | None, *fragments: str) -> str:
    """There is an ERROR printed exactly as ``[ERROR] file:line subject: ...`` containing ``fragments``."""
    prefix = f"[ERROR] {_display(path)}:{line} " + (f"{subject}: " if subject else "")
    found = [m for m in _errors(result) if m.startswith(prefix) and all(f in m[len(prefix):] for f in fragments)]
    assert found, (f"no error starting {prefix!r} and containing {fragments!r}; the load reported:\n"
                   + "\n".join(_errors(result)))
    return found[0]


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(autouse=True, params=["one batch", "a batch per file"])
def batches(request, monkeypatch):
    """Every test of the contract twice: as a load of one batch, and of as many batches as
    files (a large load: each checked, built and spooled on its own, written at the end)."""
    if request.param == "a batch per file":
        monkeypatch.setattr(importlib.import_module("diplograph.loader.load"), "BATCH_BYTES", 1)
    return request.param


def _asserted_nquads(store) -> list[str]:
    return sorted(store.dump([Graphs.ASSERTED], "nquads").decode("utf-8").splitlines())


def _objects(store, subject: URIRef, predicate: URIRef, graph: URIRef = Graphs.ASSERTED) -> set:
    # The IRIs are pasted, not bound: the embedded store cannot bind variables that are
    # not projected (see test_queries), and these IRIs are the tests' own.
    query = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{subject}> <{predicate}> ?o }} }}"
    return {row[0] for row in store.select(query).rows}


def _values(store, subject: URIRef, predicate: URIRef) -> set:
    """Plain Python values (the store may canonicalise datatypes: see test_shapes_and_records)."""
    return {o.toPython() for o in _objects(store, subject, predicate)}


def _described(store, subject: URIRef) -> int:
    """How many triples, in any graph, have ``subject`` as their subject."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{subject}> ?p ?o }} }}"
    return int(store.select(query).rows[0][0])


# ---------------------------------------------------------------------------
# One malformed record, one message at the right line
# ---------------------------------------------------------------------------

def test_unknown_state_code_as_actor_is_reported_at_the_actor_line(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", actor="CZE"))
    result = load(store, [synthetic.dir])
    assert not result.ok
    assert_error(result, path, synthetic.line_of(path, "actor: CZE"), "act cz-expels-ru-test",
                 "actor: unknown state 'CZE'", "alpha-2")


def test_organisation_as_actor_is_loaded(synthetic, store):
    """An organisation of the registry may take an act (the EU declaring staff of a Russian
    mission persona non grata): its IRI is the act's actor, with its dyad."""
    synthetic.episode(synthetic.act("eu-expels-ru-test", actor="EU", persons=19),
                      synthetic.act("ru-expels-eu-test", actor="RU", target="EU", announced="2021-04-27", persons=18,
                                    in_response_to=["eu-expels-ru-test"]))
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    act = ns.act("eu-expels-ru-test")
    assert _objects(store, act, DG.actor) == {ns.organisation("EU")}
    assert _objects(store, act, DG.dyad) == {ns.dyad("EU", "RU")}


def test_organisation_as_sending_state_of_a_mission_is_reported_at_its_line(synthetic, store):
    """Missions are still sent by states only."""
    text = synthetic.episode_text(synthetic.act("ru-expels-eu-test", actor="RU", target="EU"))
    text = text.replace("acts:\n", "missions:\n  - id: eu-delegation-moscow\n    type: embassy\n    sending: EU\n"
                                    "    host: RU\n    sources: [s1]\n\nacts:\n", 1)
    path = synthetic.write("test-episode", text)
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "sending: EU"), "mission eu-delegation-moscow",
                 "'EU' is an organisation, not a state")


def test_reason_outside_diplomacy_needs_a_reason_and_is_loaded(synthetic, store):
    """``reason_outside_diplomacy: true`` says the stated reason lies outside diplomacy: without a
    reason it is an error at its line; with one, the act has dg:reasonOutsideDiplomacy true."""
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", reason_outside_diplomacy="true"))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "reason_outside_diplomacy: true"), "act cz-expels-ru-test",
                 "reason_outside_diplomacy", "reason")
    synthetic.episode(synthetic.act("cz-expels-ru-test", reason="Over the killing of a dissident.",
                                    reason_outside_diplomacy="true"))
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    assert _values(store, ns.act("cz-expels-ru-test"), DG.reasonOutsideDiplomacy) == {True}


def test_high_commissioner_is_a_post_of_ambassador_rank(synthetic, store):
    """``post: high-commissioner`` (heads of mission between Commonwealth members) loads as
    dg:HighCommissionerPost, a kind of dg:AmbassadorPost."""
    text = synthetic.episode_text(synthetic.act("ca-expels-in-test", actor="CA", target="IN"))
    text = text.replace("acts:\n", "persons:\n  - id: a-high-commissioner\n    name: A High Commissioner\n    tenures:\n"
                                    "      - post: high-commissioner\n        state: IN\n        host: CA\n"
                                    "        sources: [s1]\n\nacts:\n", 1)
    synthetic.write("test-episode", text)
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    post = next(iter(_objects(store, ns.tenure("a-high-commissioner", 1), DG.ofPost)))
    assert _objects(store, post, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")) == {DG.HighCommissionerPost}
    assert store.ask("PREFIX dg: <https://w3id.org/diplograph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                     "ASK { GRAPH <https://w3id.org/diplograph/graph/ontology> { dg:HighCommissionerPost rdfs:subClassOf dg:AmbassadorPost } }")


def test_counts_are_stored_as_integers(synthetic, store):
    """Persons, ceilings and reported figures are xsd:integer (0 or more is the shapes' check):
    a store that keeps only xsd:integer gives back what was loaded."""
    synthetic.episode(synthetic.act("cz-caps-ru-test", type="staff-ceiling", ceiling=7, extra="""
        figures:
          - value: 63
            source: s1"""), synthetic.act("cz-expels-ru-test", announced="2021-04-18", persons=2))
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    xsd_integer = "http://www.w3.org/2001/XMLSchema#integer"
    datatypes = {str(o.datatype) for o in _objects(store, ns.act("cz-caps-ru-test"), DG.staffCeiling)}
    datatypes |= {str(o.datatype) for o in _objects(store, ns.act("cz-expels-ru-test"), DG.personsAffected)}
    datatypes |= {str(o.datatype) for o in _objects(store, ns.figure("cz-caps-ru-test", 1), DG.value)}
    assert datatypes == {xsd_integer}


def test_deadline_before_announcement_is_reported_at_the_deadline_line(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", announced="2021-04-17", deadline="2021-04-10"))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "deadline: 2021-04-10"), "act cz-expels-ru-test",
                 "deadline", "2021-04-10", "before the announcement")


def test_unknown_act_type_is_reported_at_the_type_line(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", type="staff-expulsionn"))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "type: staff-expulsionn"), "act cz-expels-ru-test",
                 "unknown act type 'staff-expulsionn'", "staff-expulsion")


def test_act_without_sources_field_is_reported_at_the_act_line(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", sources=None))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "- id: cz-expels-ru-test"), "act cz-expels-ru-test",
                 "'sources' is required")


def test_act_with_empty_sources_is_reported_at_the_sources_line(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", sources="[]"))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "sources: []"), "act cz-expels-ru-test", "sources")


def test_in_response_to_an_unknown_act_is_reported_at_the_list_item(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", extra="in_response_to:\n  - no-such-act\n"))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "- no-such-act"), "act cz-expels-ru-test",
                 "in_response_to: unknown act 'no-such-act'")


def test_duplicate_act_id_within_a_file_names_the_first_definition(synthetic, store):
    path = synthetic.episode(synthetic.act("dup-act", announced="2021-04-17"),
                             synthetic.act("dup-act", actor="RU", target="CZ", announced="2021-04-18"))
    result = load(store, [synthetic.dir])
    first = synthetic.line_of(path, "- id: dup-act", 1)
    second = synthetic.line_of(path, "- id: dup-act", 2)
    assert_error(result, path, second, "act dup-act",
                 f"duplicate act id 'dup-act', already defined at {_display(path)}:{first}")


def test_duplicate_act_id_across_two_files_names_the_other_file(synthetic, store):
    first_file = synthetic.episode(synthetic.act("dup-act"), name="a-episode")
    second_file = synthetic.episode(synthetic.act("dup-act", actor="RU", target="CZ", announced="2021-04-18"),
                                    name="b-episode")
    result = load(store, [synthetic.dir])
    assert_error(result, second_file, synthetic.line_of(second_file, "- id: dup-act"), "act dup-act",
                 f"already defined at {_display(first_file)}:{synthetic.line_of(first_file, '- id: dup-act')}")


def test_duplicate_act_id_of_an_act_already_in_the_store_names_its_record(synthetic, store):
    synthetic.episode(synthetic.act("dup-act"), name="a-episode")
    assert load(store, [synthetic.dir]).ok
    second_file = synthetic.episode(synthetic.act("dup-act", actor="RU", target="CZ", announced="2021-04-18"),
                                    name="b-episode")
    result = load(store, [second_file])
    assert_error(result, second_file, synthetic.line_of(second_file, "- id: dup-act"), "act dup-act",
                 "duplicate act id 'dup-act', already loaded from a-episode.yaml")


def test_unknown_field_is_reported_for_its_act(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", colour="red"))
    result = load(store, [synthetic.dir])
    matching = [m for m in result.report.errors if "unknown field" in m.text and "colour" in m.text]
    assert matching, "\n".join(_errors(result))
    message = matching[0]
    assert message.subject == "act cz-expels-ru-test"
    assert message.file == _display(path)
    act_line = synthetic.line_of(path, "- id: cz-expels-ru-test")
    assert act_line <= message.line <= synthetic.line_of(path, "colour: red")


def test_unknown_field_is_reported_at_its_own_line(synthetic, store):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", colour="red"))
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "colour: red"), "act cz-expels-ru-test",
                 "unknown field", "colour")


def test_yaml_syntax_error_is_reported_with_its_line(synthetic, store):
    text = synthetic.episode_text().replace("    target: RU\n", "    target: RU: CZ\n", 1)
    path = synthetic.write("test-episode", text)
    result = load(store, [synthetic.dir])
    assert not result.ok
    assert_error(result, path, synthetic.line_of(text, "target: RU: CZ"), None, "malformed YAML")


def test_citation_failing_only_the_shapes_is_reported_at_the_citation_line(synthetic, store, snapshot):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", sources=None,
                                           extra="sources:\n  - source: s1\n    summary: Too short\n"))
    before = snapshot(store)
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "- source: s1"), "citation of cz-expels-ru-test",
                 "summary")
    assert snapshot(store) == before


# ---------------------------------------------------------------------------
# Every problem in one run, and nothing written
# ---------------------------------------------------------------------------

def test_all_errors_of_a_file_are_reported_in_one_run(synthetic, store):
    path = synthetic.episode(
        synthetic.act("first-act", actor="CZE"),
        synthetic.act("second-act", actor="RU", target="CZ", announced="2021-04-18", deadline="2021-04-01"),
        synthetic.act("third-act", type="no-such-type", announced="2021-04-19"),
    )
    result = load(store, [synthetic.dir])
    assert_error(result, path, synthetic.line_of(path, "actor: CZE"), "act first-act", "unknown state 'CZE'")
    assert_error(result, path, synthetic.line_of(path, "deadline: 2021-04-01"), "act second-act",
                 "before the announcement")
    assert_error(result, path, synthetic.line_of(path, "type: no-such-type"), "act third-act",
                 "unknown act type 'no-such-type'")
    assert len(result.report.errors) == 3, "\n".join(_errors(result))


def test_errors_of_several_files_are_reported_in_one_run(synthetic, store):
    text = synthetic.episode_text(episode_id="a-episode").replace("    target: RU\n", "    target: RU: CZ\n", 1)
    broken = synthetic.write("a-episode", text)
    wrong = synthetic.episode(synthetic.act("cz-expels-ru-test", target="XX"), name="b-episode")
    result = load(store, [synthetic.dir])
    assert_error(result, broken, synthetic.line_of(text, "target: RU: CZ"), None, "malformed YAML")
    assert_error(result, wrong, synthetic.line_of(wrong, "target: XX"), "act cz-expels-ru-test",
                 "unknown state 'XX'")


def test_store_is_unchanged_after_a_failed_load(synthetic, store, snapshot):
    good = synthetic.episode()
    assert load(store, [synthetic.dir]).ok
    before = snapshot(store)
    assert before
    # A valid change to the loaded file and an invalid new file: all or nothing.
    good.write_text(good.read_text(encoding="utf-8").replace("persons: 18", "persons: 19"), encoding="utf-8")
    synthetic.episode(
        synthetic.act("first-act", actor="CZE"),
        synthetic.act("second-act", actor="RU", target="CZ", announced="2021-04-18", deadline="2021-04-01"),
        synthetic.act("third-act", type="no-such-type", announced="2021-04-19"),
        name="z-broken-episode",
    )
    result = load(store, [synthetic.dir])
    assert not result.ok
    assert snapshot(store) == before


def test_dry_run_checks_but_writes_nothing(synthetic, store, snapshot):
    synthetic.episode()
    result = load(store, [synthetic.dir], dry_run=True)
    assert result.ok, str(result.report)
    assert result.acts == 2
    assert snapshot(store) == []


# ---------------------------------------------------------------------------
# Reloading
# ---------------------------------------------------------------------------

def test_loading_the_same_records_twice_leaves_the_same_graph(synthetic, store, snapshot):
    synthetic.episode()
    first = load(store, [synthetic.dir])
    assert first.ok, str(first.report)
    assert len(first.written) == 3 and not first.unchanged
    asserted, everything = _asserted_nquads(store), snapshot(store)

    second = load(store, [synthetic.dir])
    assert second.ok
    assert second.written == []
    assert sorted(second.unchanged) == sorted(first.written)
    assert _asserted_nquads(store) == asserted
    assert snapshot(store) == everything

    forced = load(store, [synthetic.dir], force=True)
    assert forced.ok and len(forced.written) == 3
    assert _asserted_nquads(store) == asserted


def test_changing_a_record_replaces_its_triples(synthetic, store):
    path = synthetic.episode()
    assert load(store, [synthetic.dir]).ok
    kept, removed = ns.act("cz-expels-ru-test"), ns.act("ru-expels-cz-test")
    assert _values(store, kept, DG.personsAffected) == {18}
    assert _described(store, removed) > 0
    removed_citation = ns.citation("ru-expels-cz-test", "s1")
    assert _described(store, removed_citation) > 0

    assert _described(store, ns.dyad("RU", "CZ")) > 0

    text = synthetic.episode_text(synthetic.act("cz-expels-ru-test", persons=19), episode_id="test-episode")
    path.write_text(text.replace("A synthetic test episode", "A renamed test episode"), encoding="utf-8")
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    assert result.written == [_display(path)]

    assert _values(store, kept, DG.personsAffected) == {19}
    assert _values(store, ns.episode("test-episode"), RDFS_LABEL) == {"A renamed test episode"}
    assert _described(store, removed) == 0
    assert _described(store, removed_citation) == 0
    assert _described(store, ns.dyad("RU", "CZ")) == 0  # minted only for the removed act


def test_norway_code_no_is_a_state_not_a_yaml_boolean(synthetic, store):
    synthetic.episode(
        synthetic.act("no-expels-ru-test", actor="NO", target="RU"),
        synthetic.act("ru-expels-no-test", actor="RU", target="NO", announced="2021-04-18",
                      in_response_to=["no-expels-ru-test"]),
    )
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    norway = ns.state("NO")
    assert _objects(store, ns.act("no-expels-ru-test"), DG.actor) == {norway}
    assert _objects(store, ns.act("ru-expels-no-test"), DG.target) == {norway}
    assert _described(store, ns.state("False")) == 0


def test_reloading_one_changed_episode_file_alone(synthetic, store):
    path = synthetic.episode()
    assert load(store, [synthetic.dir]).ok
    path.write_text(path.read_text(encoding="utf-8").replace("persons: 18", "persons: 19"), encoding="utf-8")
    result = load(store, [path])
    assert result.ok, "\n".join(_errors(result)[:5])
    assert _values(store, ns.act("cz-expels-ru-test"), DG.personsAffected) == {19}


def test_a_load_into_an_empty_store_writes_what_a_staged_load_writes(synthetic, store, tmp_path: Path):
    # An empty store takes the whole load in one transaction; a store that already
    # holds records gets it through the staging graphs and the commit update.
    synthetic.episode()
    second = synthetic.episode(synthetic.act("cz-expels-ru-second", announced="2021-05-02"),
                               name="second-episode", episode_id="second-episode")
    assert load(store, [synthetic.dir]).ok

    from diplograph.store.embedded import EmbeddedStore

    staged = EmbeddedStore(tmp_path / "staged")
    try:
        first_part = [p for p in synthetic.dir.rglob("*.yaml") if p != second]
        assert load(staged, first_part).ok
        later = load(staged, [synthetic.dir])
        assert later.ok and later.written == [_display(second)]
        assert _asserted_nquads(staged) == _asserted_nquads(store)
        # the ontology has blank nodes (lists, restrictions): the same graph up to their names
        ontologies = [Graph().parse(data=s.dump([Graphs.ONTOLOGY], "nt"), format="nt") for s in (staged, store)]
        assert len(ontologies[0]) > 100 and isomorphic(*ontologies)
        assert provenance_but_load_runs(staged) == provenance_but_load_runs(store)
        assert not any(str(g).startswith(ns.BASE + "graph/staging/") for g in staged.named_graphs() + store.named_graphs())
    finally:
        staged.close()


def test_writing_several_graphs_at_once_is_all_or_nothing(store, snapshot):
    good = b'<https://example.org/a> <https://example.org/p> "kept?" .\n'
    malformed = b'<https://example.org/b> <https://example.org/p> "fine" .\n<https://example.org/not an iri> <https://example.org/p> "x" .\n'
    with pytest.raises(SyntaxError):
        store.add_to_graphs_at_once({Graphs.ASSERTED: good, Graphs.PROVENANCE: malformed})
    assert snapshot(store) == []
    assert store.add_to_graphs_at_once({Graphs.ASSERTED: good, Graphs.PROVENANCE: good})
    assert len(snapshot(store)) == 2

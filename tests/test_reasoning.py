"""The reasoner on real episodes: OWL 2 RL agreement with owlrl, and what the temporal rules infer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from diplograph import namespaces as ns
from diplograph.loader import load
from diplograph.namespaces import DG, Graphs
from diplograph.reasoning import (
    DEFAULT_RETALIATION_WINDOW,
    DEFAULT_SOLIDARITY_WINDOW,
    owl_entailment,
    owl_rules,
    reason,
    temporal_rules,
)
from diplograph.reasoning.engine import apply_once, owl_closure
from diplograph.reasoning.reference import owlrl_inferred, without_keys
from diplograph.reasoning.tbox import compile_schema
from diplograph.store import EmbeddedStore
from diplograph.vocabulary import ontology_graph

RECORDS = Path(__file__).resolve().parent.parent / "records"
EPISODES = [RECORDS / "entities", RECORDS / "2021-vrbetice.yaml", RECORDS / "2023-russia-estonia-latvia.yaml"]

_LINK = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?link ?lag ?class ?ratio ?origin ?mutual WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link a dg:RetaliationLink ; dg:trigger ?trigger ; dg:response ?response ; dg:lagDays ?lag ;
          dg:proportionality ?class ; dg:linkOrigin ?origin .
    OPTIONAL { ?link dg:countRatio ?ratio } OPTIONAL { ?link dg:mutual ?mutual }
  }
}"""

_SUPPORT = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?link ?trigger ?origin WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link a dg:SolidarityLink ; dg:response ?act ; dg:supported ?supported ; dg:trigger ?trigger ; dg:linkOrigin ?origin .
  }
}"""


@pytest.fixture(scope="module")
def reasoned():
    store = EmbeddedStore(None)
    assert load(store, EPISODES).ok
    result = reason(store)
    return store, result


def retaliation(store, response: str, trigger: str):
    rows = store.select(_LINK.replace("?trigger ; dg:response ?response", f"<{ns.act(trigger)}> ; dg:response <{ns.act(response)}>")).dicts()
    return rows[0] if rows else None


def support(store, act: str, state: str):
    rows = store.select(_SUPPORT.replace("?act ; dg:supported ?supported", f"<{ns.act(act)}> ; dg:supported <{ns.state(state)}>")).dicts()
    return rows[0] if rows else None


def test_owl_rules_give_the_same_triples_as_owlrl(reasoned):
    """cax-sco, prp-dom, prp-rng, prp-inv, prp-symp, prp-spo1, prp-spo2 ... : the SPARQL rules
    over the data infer exactly what owlrl's OWL 2 RL closure stores, on the same input."""
    store = EmbeddedStore(None)
    assert load(store, EPISODES).ok
    owl_entailment(store)
    ours = set(Graph().parse(data=store.dump([Graphs.INFERRED], "nt"), format="nt"))
    asserted = Graph().parse(data=store.dump([Graphs.ASSERTED], "nt"), format="nt")
    reference = owlrl_inferred(ontology_graph(), asserted)
    assert ours - reference == set()
    assert reference - ours == set()
    assert len(ours) > 500


def test_owlrl_haskey_merges_states_with_different_keys():
    """Why the reference runs without owl:hasKey: owlrl's prp-key makes two states with
    different ISO codes owl:sameAs. When owlrl is fixed this test fails: drop the workaround."""
    data = Graph()
    cz, ru = URIRef(ns.state("CZ")), URIRef(ns.state("RU"))
    for state, code in ((cz, "CZE"), (ru, "RUS")):
        data.add((state, RDF.type, DG.State))
        data.add((state, DG.iso3166Alpha3, Literal(code)))
    from rdflib.namespace import OWL

    assert (cz, OWL.sameAs, ru) in owlrl_inferred(ontology_graph(), data, keys=True)
    assert (cz, OWL.sameAs, ru) not in owlrl_inferred(ontology_graph(), data)
    assert not list(without_keys(ontology_graph()).triples((None, OWL.hasKey, None)))


def test_retaliation_russia_20_for_czech_18_is_an_escalation_by_count(reasoned):
    """retaliation: 'ru-expels-cz-20-2021 dg:retaliatesFor cz-expels-ru-18-2021', lag 1, ratio 20/18."""
    store, _ = reasoned
    link = retaliation(store, "ru-expels-cz-20-2021", "cz-expels-ru-18-2021")
    assert link is not None
    assert link["lag"] == 1
    assert link["class"] == str(DG.Escalation)
    assert float(link["ratio"]) == pytest.approx(20 / 18)
    assert link["origin"] == "asserted and inferred"


def test_solidarity_slovakia_and_baltics_with_czech_republic(reasoned):
    """solidarity: the April 2021 Slovak and Baltic expulsions support the Czech Republic."""
    store, _ = reasoned
    for act in ("sk-expels-ru-3-2021", "lt-expels-ru-2-2021", "lv-expels-ru-1-2021", "ee-expels-ru-1-2021"):
        assert support(store, act, "CZ") is not None, act
    assert support(store, "sk-expels-ru-3-2021", "CZ")["trigger"] == str(ns.act("cz-expels-ru-18-2021"))


def test_russia_answers_each_supporter(reasoned):
    """retaliation: Russia's 28 April 2021 expulsions answer the supporters' acts, as mirrors."""
    store, _ = reasoned
    for response, trigger in (("ru-expels-sk-3-2021", "sk-expels-ru-3-2021"), ("ru-expels-lt-2-2021", "lt-expels-ru-2-2021"),
                              ("ru-expels-lv-1-2021", "lv-expels-ru-1-2021"), ("ru-expels-ee-1-2021", "ee-expels-ru-1-2021")):
        link = retaliation(store, response, trigger)
        assert link is not None and link["class"] == str(DG.Mirror), response


def test_russia_estonia_ambassador_expulsions_are_a_mirror_pair(reasoned):
    store, _ = reasoned
    link = retaliation(store, "ee-expels-ru-ambassador-2023", "ru-expels-ee-ambassador-2023")
    assert link is not None and link["lag"] == 0 and link["class"] == str(DG.Mirror)
    assert not link.get("mutual")  # the records give the order of announcement


def test_latvian_downgrade_is_solidarity_with_estonia(reasoned):
    store, _ = reasoned
    assert support(store, "lv-downgrades-ru-2023", "EE")["origin"] == "asserted and inferred"


def test_same_direction_is_never_retaliation(reasoned):
    store, _ = reasoned
    assert retaliation(store, "cz-caps-ru-embassy-2021", "cz-expels-ru-18-2021") is None


def test_unrelated_third_state_without_link_or_membership_is_not_solidarity(reasoned):
    """Russia's 14 May 2021 ceiling on the US is no solidarity with anyone: Russia shares no membership."""
    store, _ = reasoned
    rows = store.select(_SUPPORT.replace("?act ; dg:supported ?supported", f"<{ns.act('ru-unfriendly-list-us-2021')}> ; dg:supported ?supported")).rows
    assert rows == []


def test_outside_the_window_the_rule_finds_nothing_and_the_asserted_link_stays():
    """With both windows at 0 days the rules alone find nothing beyond answers on the same day,
    and every link the records assert stays, as "asserted only": retaliation and solidarity alike."""
    store = EmbeddedStore(None)
    assert load(store, EPISODES).ok
    result = reason(store, window=0)
    assert (result.retaliation_window, result.solidarity_window) == (0, 0)
    link = retaliation(store, "ru-expels-cz-20-2021", "cz-expels-ru-18-2021")
    assert link["origin"] == "asserted only"
    assert support(store, "sk-expels-ru-3-2021", "CZ")["origin"] == "asserted only"
    links = store.select(_LINK).dicts() + store.select(_SUPPORT.replace("?origin WHERE", "?origin ?lag WHERE").replace(
        "dg:linkOrigin ?origin .", "dg:linkOrigin ?origin ; dg:lagDays ?lag .")).dicts()
    assert {row["origin"] for row in links if row["lag"] > 0} == {"asserted only"}
    assert {row["origin"] for row in links if row["lag"] == 0} == {"asserted and inferred"}  # the same-day answers of 2021 and 2023


def test_the_two_windows_are_set_apart_and_recorded_on_the_run():
    """reason(): the retaliation window (default 90 days) and the solidarity window (default 30)
    are stored on the run's node (dg:windowDays, dg:solidarityWindowDays); each can be set."""
    store = EmbeddedStore(None)
    assert load(store, EPISODES).ok
    result = reason(store, retaliation_window=0)
    assert (result.retaliation_window, result.solidarity_window) == (0, DEFAULT_SOLIDARITY_WINDOW)
    assert store.ask("""PREFIX dg: <https://w3id.org/diplograph/ontology#> ASK { GRAPH <https://w3id.org/diplograph/graph/provenance> {
        ?run dg:isCurrentRun true ; dg:windowDays 0 ; dg:solidarityWindowDays 30 } }""")
    assert retaliation(store, "ru-expels-cz-20-2021", "cz-expels-ru-18-2021")["origin"] == "asserted only"
    assert support(store, "sk-expels-ru-3-2021", "CZ")["origin"] == "asserted and inferred"
    result = reason(store, solidarity_window=0)
    assert (result.retaliation_window, result.solidarity_window) == (DEFAULT_RETALIATION_WINDOW, 0)
    assert retaliation(store, "ru-expels-cz-20-2021", "cz-expels-ru-18-2021")["origin"] == "asserted and inferred"
    assert support(store, "sk-expels-ru-3-2021", "CZ")["origin"] == "asserted only"
    with pytest.raises(ValueError, match="solidarity window"):
        reason(store, solidarity_window=-1)


def test_relation_level_after_the_2023_expulsions(reasoned):
    from diplograph.api import Diplograph

    rows = Diplograph(reasoned[0]).query("relation-level", a="RU", b="EE", date="2023-03-01")
    assert {(r["sender"].rsplit("/", 1)[-1], r["level"]) for r in rows} == {("EE", "chargé d'affaires"), ("RU", "chargé d'affaires")}
    before = Diplograph(reasoned[0]).query("relation-level", a="RU", b="EE", date="2023-01-01")
    assert list(before) == []


def test_reasoning_is_consistent_and_recorded_as_a_run(reasoned):
    store, result = reasoned
    assert result.consistent
    assert result.retaliations >= 7 and result.solidarity >= 5 and result.chains >= 2
    assert (result.retaliation_window, result.solidarity_window) == (DEFAULT_RETALIATION_WINDOW, DEFAULT_SOLIDARITY_WINDOW)
    assert store.ask("PREFIX dg: <https://w3id.org/diplograph/ontology#> ASK { GRAPH <https://w3id.org/diplograph/graph/provenance> { "
                     f"?run a dg:ReasoningRun ; dg:windowDays {DEFAULT_RETALIATION_WINDOW} ; dg:solidarityWindowDays {DEFAULT_SOLIDARITY_WINDOW} }} }}")


def test_inconsistencies_are_reported_with_their_record():
    """cax-dw, prp-pdw and prp-irp: an act both restrictive and conciliatory, and an act whose
    target is its actor, and an act that retaliates for itself make the graph inconsistent; each
    is named with its record file and line."""
    store = EmbeddedStore(None)
    assert load(store, EPISODES).ok
    store.update("""
        PREFIX dg: <https://w3id.org/diplograph/ontology#>
        INSERT DATA { GRAPH <https://w3id.org/diplograph/graph/asserted> {
          <https://w3id.org/diplograph/id/act/ru-expels-cz-20-2021> a dg:RelationsRestoration .
          <https://w3id.org/diplograph/id/act/sk-expels-ru-3-2021> dg:target <https://w3id.org/diplograph/id/state/SK> .
          <https://w3id.org/diplograph/id/act/cz-expels-ru-18-2021> dg:retaliatesFor <https://w3id.org/diplograph/id/act/cz-expels-ru-18-2021> .
        } }""")
    result = reason(store)
    assert not result.consistent
    messages = [str(problem) for problem in result.inconsistencies]
    disjoint = [m for m in messages if "act/ru-expels-cz-20-2021" in m and "dg:RestrictiveAct" in m and "dg:ConciliatoryAct" in m]
    assert disjoint and disjoint[0].startswith("[ERROR] records/2021-vrbetice.yaml:")
    assert any("act/sk-expels-ru-3-2021" in m and "state/SK" in m and "cannot act against itself" in m for m in messages)
    irreflexive = [m for m in messages if "act/cz-expels-ru-18-2021" in m and "is irreflexive" in m]
    assert irreflexive and irreflexive[0].startswith("[ERROR] records/2021-vrbetice.yaml:")


def test_reciprocity_gives_the_median_lag_of_the_answers(reasoned):
    """CZ's acts against RU in the Vrbětice file were answered after 1 and 0 days (the ricin
    file is not loaded here): the median is 0.5; Russia's answers mirror or exceed by count."""
    from diplograph.api import Diplograph

    rows = {(r["sender"].rsplit("/", 1)[-1], r["receiver"].rsplit("/", 1)[-1]): r
            for r in Diplograph(reasoned[0]).query("reciprocity")}
    cz_ru = rows[("CZ", "RU")]
    assert (cz_ru["acts"], cz_ru["answered_acts"]) == (2, 2)
    assert float(cz_ru["median_lag"]) == 0.5
    assert (cz_ru["min_lag"], cz_ru["max_lag"]) == (0, 1)
    lt_ru = rows[("LT", "RU")]
    assert float(lt_ru["median_lag"]) == 5 and float(lt_ru["share_answered"]) == 1


def test_reason_command_exits_1_on_an_inconsistent_graph(tmp_path):
    from typer.testing import CliRunner

    from diplograph.cli import app

    location = tmp_path / "store"
    store = EmbeddedStore(location)
    assert load(store, EPISODES).ok
    store.update("""
        PREFIX dg: <https://w3id.org/diplograph/ontology#>
        INSERT DATA { GRAPH <https://w3id.org/diplograph/graph/asserted> {
          <https://w3id.org/diplograph/id/act/ru-expels-cz-20-2021> a dg:RelationsRestoration } }""")
    store.close()
    result = CliRunner().invoke(app, ["reason", "--store", str(location)])
    assert result.exit_code == 1
    assert "records/2021-vrbetice.yaml:" in result.output and "inconsistent" in result.output
    fine = CliRunner().invoke(app, ["reason", "--store", str(tmp_path / "empty")])
    assert fine.exit_code == 0


def test_explain_gives_the_ratio_range_where_the_sources_differ(reasoned):
    """explain: the Czech cap of 2021 made 63 or 81 Russians leave (the sources differ) for the
    20 Czechs Russia expelled: the sentence gives the range of the ratio and the class, never one
    of the figures silently."""
    from diplograph.reasoning.explain import explain

    found = explain(reasoned[0], ns.act("cz-caps-ru-embassy-2021"))
    sentence = next(link["explanation"] for link in found["links"]
                    if link["response"] == str(ns.act("cz-caps-ru-embassy-2021")))
    assert "an escalation" in sentence
    assert "count ratio between 3.15 and 4.05, as the sources give different figures" in sentence
    assert "within the 90-day retaliation window" in sentence


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, content) of each fenced block of a Markdown text, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"```(\w*)\n(.*?)```", text, flags=re.DOTALL)]


def test_the_examples_of_docs_reasoning_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """docs/reasoning.md: every ``diplograph`` command and Python example runs, in order, on a
    store of its own, and gives what the text block after it shows."""
    import contextlib
    import io
    import shlex

    from typer.testing import CliRunner

    from diplograph.cli import app

    monkeypatch.chdir(tmp_path)
    env = {"DIPLOGRAPH_STORE": str(tmp_path / "diplograph-data"), "COLUMNS": "3000", "NO_COLOR": "1", "TERM": "dumb"}
    blocks = _fenced_blocks((Path(__file__).resolve().parent.parent / "docs" / "reasoning.md").read_text(encoding="utf-8"))
    ran = 0
    for index, (language, content) in enumerate(blocks):
        if language == "bash":
            output = ""
            for line in content.splitlines():
                for command in filter(None, (c.strip() for c in line.split("&&"))):
                    words = shlex.split(command)
                    assert words[0] == "diplograph", command
                    result = CliRunner().invoke(app, words[1:], env=env)
                    assert result.exit_code == 0, f"{command}: {result.output}"
                    output += result.output
                    ran += 1
        elif language == "python":
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(content, "docs/reasoning.md", "exec"), {})  # noqa: S102 - the documentation's own example
            output = buffer.getvalue()
            ran += 1
        else:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
        if following[0] == "text":
            flat = " ".join(output.split())
            for expected in filter(None, (line.strip() for line in following[1].splitlines())):
                assert " ".join(expected.split()) in flat, f"{expected!r} not in the output of the example:\n{output}"
    assert ran >= 5


def test_reason_command_refuses_a_negative_window(tmp_path: Path):
    """``diplograph reason --solidarity-window -1``: a usage error (exit 2) naming the window."""
    from typer.testing import CliRunner

    from diplograph.cli import app

    result = CliRunner().invoke(app, ["reason", "--store", str(tmp_path / "store"), "--solidarity-window", "-1"])
    assert result.exit_code == 2
    assert "solidarity window" in result.output


def _count(store, query: str) -> int:
    return int(store.select(query).rows[0][0].toPython())


def test_the_staged_retaliation_rule_leaves_no_scratch_graph(reasoned):
    """Rule 10 stages its joins in a scratch graph (periods, acts met within the window, pairs
    that fail a condition); nothing of it stays once the rule has run, and the candidates it
    gives are there."""
    store, _ = reasoned
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/diplograph/graph/scratch> { ?s ?p ?o } }") == 0
    assert _count(store, "PREFIX scratch: <https://w3id.org/diplograph/scratch#> "
                         "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s scratch:meetsOther ?o } }") == 0
    assert _count(store, "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { "
                         "GRAPH <https://w3id.org/diplograph/graph/inferred> { ?b dg:ruleCandidateFor ?a } }") > 0


def test_the_staged_solidarity_rule_leaves_no_scratch_graph(reasoned):
    """Rule 30 stages its joins in the scratch graph too (periods by target, acts met within
    the solidarity window, pairs passed over, asserted links beyond the window); nothing of it
    stays in any graph, and the solidarity links it gives are there."""
    store, _ = reasoned
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         "FILTER (STRSTARTS(STR(?p), 'https://w3id.org/diplograph/scratch#')) }") == 0
    links = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?origin (COUNT(*) AS ?n) WHERE { "
        "GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link a dg:SolidarityLink ; dg:linkOrigin ?origin } } "
        "GROUP BY ?origin").rows
    origins = {str(row[0].toPython()) for row in links}
    assert {"asserted and inferred", "asserted only"} <= origins


def _inferred(store) -> set:
    return set(Graph().parse(data=store.dump([Graphs.INFERRED], "nt"), format="nt"))


def test_one_application_of_the_temporal_rules_is_their_fixpoint():
    """reason applies the temporal rules once each, in order, between two OWL closures (they are
    stratified); applying every rule once more, with the OWL closure after, infers nothing new."""
    store = EmbeddedStore(None)
    assert load(store, [RECORDS]).ok
    reason(store)
    before = _inferred(store)
    apply_once(store, temporal_rules())
    owl_closure(store, owl_rules())
    assert _inferred(store) == before
    assert len(before) > 4000


def _compiled_superclasses(store, cls) -> set:
    return {row[0] for row in store.select(
        "SELECT ?super WHERE { GRAPH <https://w3id.org/diplograph/graph/tbox> { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super } }",
        bindings={"sub": cls})}


def test_the_schema_is_compiled_once_per_ontology():
    """graph/tbox holds the ontology's closure (every superclass of dg:StaffExpulsion, for
    cax-sco without a property path); it is compiled again only when the ontology changes."""
    store = EmbeddedStore(None)
    assert load(store, [RECORDS / "entities"]).ok
    assert compile_schema(store) is True
    assert compile_schema(store) is False
    assert {DG.RestrictiveAct, DG.DiplomaticAct} <= _compiled_superclasses(store, DG.StaffExpulsion)
    store.update("""INSERT DATA { GRAPH <https://w3id.org/diplograph/graph/ontology> {
        <https://w3id.org/diplograph/ontology#RestrictiveAct> <http://www.w3.org/2000/01/rdf-schema#subClassOf>
        <https://example.org/Unfriendly> } }""")
    assert compile_schema(store) is True
    assert URIRef("https://example.org/Unfriendly") in _compiled_superclasses(store, DG.StaffExpulsion)


def test_reasoning_leaves_no_working_graphs():
    """The delta and control graphs of the OWL passes are gone when reasoning ends."""
    store = EmbeddedStore(None)
    assert load(store, EPISODES).ok
    reason(store)
    left = {str(g) for g in store.named_graphs()}
    assert not {g for g in left if g.endswith(("/delta-a", "/delta-b", "/reasoning-control", "/scratch"))}

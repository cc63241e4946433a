"""What the stored queries answer on the shipped records, loaded and reasoned, checked against
the same graph read another way: plain triple patterns and arithmetic in Python.

The stored queries are shaped for pyoxigraph's planner (see the comments in queries/*.rq);
these tests hold them to what they mean, whatever their shape.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
from panel_support import commands, private_copy, reasoned_store
from typer.testing import CliRunner

from diplograph import queries
from diplograph.api import Diplograph
from diplograph.cli import app
from diplograph.reasoning import reason
from diplograph.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
PREFIXES = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ASSERTED = "<https://w3id.org/diplograph/graph/asserted>"
INFERRED = "<https://w3id.org/diplograph/graph/inferred>"


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def graph(shipped_store_copy: Path):
    store = EmbeddedStore(shipped_store_copy)
    reason(store)
    yield Diplograph(store)
    store.close()


@pytest.fixture(scope="module")
def acts(graph: Diplograph) -> dict[str, dict]:
    """Every act with its actor, target and date, by id."""
    rows = graph.sparql(PREFIXES + f"""SELECT ?act ?actor ?target ?date WHERE {{
        GRAPH {ASSERTED} {{ ?act dg:actor ?actor ; dg:target ?target ; dg:announcedOn ?date }} }}""")
    return {local(r["act"]): {"actor": local(r["actor"]), "target": local(r["target"]), "date": r["date"]}
            for r in rows}


@pytest.mark.parametrize("state", ["CZ", "RU", "EE", "US"])
def test_acts_of_state_gives_each_act_of_the_state_with_its_role(graph: Diplograph, acts: dict, state: str):
    rows = graph.query("acts-of-state", state=state)
    expected = {(act, role) for act, a in acts.items() for role in ("actor", "target") if a[role] == state}
    assert expected, f"the shipped records have acts of {state}"
    assert {(local(r["act"]), r["role"]) for r in rows} == expected
    assert len(rows) == len(expected)
    assert [(r["date"], r["act"]) for r in rows] == sorted((r["date"], r["act"]) for r in rows)
    assert all(r["status"] and r["type"] and r["episode"] for r in rows)


def test_acts_of_state_in_a_period(graph: Diplograph, acts: dict):
    rows = graph.query("acts-of-state", state="RU", **{"from": "2021-04-17", "to": "2021-04-30"})
    expected = {act for act, a in acts.items() if "RU" in (a["actor"], a["target"])
                and dt.date(2021, 4, 17) <= a["date"] <= dt.date(2021, 4, 30)}
    assert expected and {local(r["act"]) for r in rows} == expected


@pytest.mark.parametrize("a, b", [("CZ", "RU"), ("RU", "CZ"), ("EE", "RU"), ("BH", "QA"), ("CZ", "EE")])
def test_acts_between_gives_the_acts_of_either_state_against_the_other(graph: Diplograph, acts: dict, a: str, b: str):
    rows = graph.query("acts-between", a=a, b=b)
    expected = {act for act, x in acts.items() if {x["actor"], x["target"]} == {a, b}}
    assert {local(r["act"]) for r in rows} == expected
    assert len(rows) == len(expected)
    assert rows == graph.query("acts-between", a=b, b=a)


def test_tit_for_tat_of_cz_and_ru_gives_the_chain_with_what_each_act_answers(graph: Diplograph, acts: dict):
    rows = graph.query("tit-for-tat", a="CZ", b="RU")
    chained = graph.sparql(PREFIXES + f"SELECT ?act ?chain WHERE {{ GRAPH {INFERRED} {{ ?act dg:inChain ?chain }} }}")
    expected = {(local(r["act"]), local(r["chain"])) for r in chained
                if {acts[local(r["act"])]["actor"], acts[local(r["act"])]["target"]} == {"CZ", "RU"}}
    assert {(local(r["act"]), local(r["chain"])) for r in rows} == expected
    answers = {local(r["act"]): local(r["answers"]) for r in rows if r["answers"]}
    assert answers["ru-expels-cz-20-2021"] == "cz-expels-ru-18-2021"
    assert rows == graph.query("tit-for-tat", a="RU", b="CZ")


def _level_changes(graph: Diplograph) -> list[dict]:
    return graph.sparql(PREFIXES + f"""SELECT ?sender ?receiver ?level ?since ?act WHERE {{
        GRAPH {INFERRED} {{ ?change a dg:LevelChange ; dg:sender ?sender ; dg:receiver ?receiver ;
                             dg:level ?node ; dg:startDate ?since ; dg:causedBy ?act }}
        ?node rdfs:label ?level }}""")


@pytest.mark.parametrize("a, b", [("RU", "EE"), ("EE", "RU"), ("QA", "SA"), ("BH", "QA"), ("CA", "IN"), ("LT", "RU")])
def test_relation_level_is_the_latest_change_in_each_direction_on_each_day(graph: Diplograph, a: str, b: str):
    changes = [c for c in _level_changes(graph) if {local(c["sender"]), local(c["receiver"])} == {a, b}]
    assert changes, f"the shipped records change the level between {a} and {b}"
    days = sorted({c["since"] for c in changes})
    for day in [days[0] - dt.timedelta(days=1)] + days + [dt.date(2030, 1, 1)]:
        latest = {}
        for c in changes:
            key = (c["sender"], c["receiver"])
            if c["since"] <= day and (key not in latest or (c["since"], c["act"]) > (latest[key]["since"], latest[key]["act"])):
                latest[key] = c
        rows = graph.query("relation-level", a=a, b=b, date=day.isoformat())
        assert sorted(rows, key=lambda r: r["sender"]) == sorted(latest.values(), key=lambda r: r["sender"]), day
        assert [r["sender"] for r in rows] == sorted(r["sender"] for r in rows)


def test_act_sources_give_the_sources_the_act_cites(graph: Diplograph):
    rows = graph.query("act-sources", act="ru-expels-cz-20-2021")
    cited = graph.sparql(PREFIXES + f"""SELECT ?source ?url ?publisher WHERE {{ GRAPH {ASSERTED} {{
        <https://w3id.org/diplograph/id/act/ru-expels-cz-20-2021> dg:hasCitation ?c . ?c dg:citedSource ?source .
        ?source schema:url ?url ; dcterms:publisher ?publisher }} }}""")
    assert len(cited) == 5
    assert {(r["source"], r["url"], r["publisher"]) for r in rows} == {(r["source"], r["url"], r["publisher"]) for r in cited}
    assert all(r["summary"] for r in rows)
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)


def test_solidarity_of_vrbetice_gives_the_links_of_the_episode_acts(graph: Diplograph):
    rows = graph.query("solidarity", episode="2021-vrbetice")
    links = graph.sparql(PREFIXES + f"""SELECT ?act ?supported ?trigger ?episode WHERE {{
        GRAPH {INFERRED} {{ ?link a dg:SolidarityLink ; dg:response ?act ; dg:supported ?supported ; dg:trigger ?trigger }}
        GRAPH {ASSERTED} {{ ?act dg:partOfEpisode ?episode }} }}""")
    expected = {(local(r["act"]), local(r["supported"]), local(r["trigger"])) for r in links
                if local(r["episode"]) == "2021-vrbetice"}
    assert {(local(r["act"]), local(r["supported"]), local(r["trigger"])) for r in rows} == expected
    assert {"sk-expels-ru-3-2021", "ee-expels-ru-1-2021"} <= {act for act, _, _ in expected}


def test_agreement_lists_every_link_and_the_solidarity_statements_no_link_confirms(graph: Diplograph):
    rows = graph.query("agreement")
    links = graph.sparql(PREFIXES + f"""SELECT ?kind ?response ?supported WHERE {{ GRAPH {INFERRED} {{
        {{ ?link a dg:RetaliationLink ; dg:response ?response . BIND ("retaliation" AS ?kind) }}
        UNION {{ ?link a dg:SolidarityLink ; dg:response ?response ; dg:supported ?supported . BIND ("solidarity" AS ?kind) }}
    }} }}""")
    statements = graph.sparql(PREFIXES + f"SELECT ?response ?supported WHERE {{ GRAPH {ASSERTED} {{ ?response dg:inSolidarityWith ?supported }} }}")
    confirmed = {(r["response"], r["supported"]) for r in links if r["kind"] == "solidarity"}
    unconfirmed = {(r["response"], r["supported"]) for r in statements} - confirmed
    assert unconfirmed, "the shipped records state solidarity that no rule confirms"
    assert {(r["response"], r["supported"]) for r in rows if r["origin"] == "asserted only" and r["kind"] == "solidarity"
            and not r["trigger"]} == unconfirmed
    for kind in ("retaliation", "solidarity"):
        assert sum(1 for r in rows if r["kind"] == kind and r["trigger"]) == sum(1 for r in links if r["kind"] == kind)


def test_reciprocity_matches_the_links_counted_in_python(graph: Diplograph):
    restrictive = graph.sparql(PREFIXES + f"""SELECT ?act ?sender ?receiver WHERE {{
        GRAPH {ASSERTED} {{ ?act a ?class ; dg:actor ?sender ; dg:target ?receiver ; dg:status dg:CarriedOut }}
        ?class dg:escalationRank ?rank }}""")
    links = graph.sparql(PREFIXES + f"""SELECT ?link ?trigger ?sender ?receiver ?lag ?ratio WHERE {{
        GRAPH {INFERRED} {{ ?link a dg:RetaliationLink ; dg:trigger ?trigger ; dg:lagDays ?lag
                             OPTIONAL {{ ?link dg:countRatio ?ratio }} }}
        GRAPH {ASSERTED} {{ ?trigger dg:actor ?sender ; dg:target ?receiver }} }}""")
    acts, answered, lags, ratios = defaultdict(set), defaultdict(set), defaultdict(list), defaultdict(list)
    triggers = {r["trigger"] for r in links}
    for r in restrictive:
        dyad = (r["sender"], r["receiver"])
        acts[dyad].add(r["act"])
        if r["act"] in triggers:
            answered[dyad].add(r["act"])
    for r in links:
        lags[(r["sender"], r["receiver"])].append(r["lag"])
        if r["ratio"] is not None:
            ratios[(r["sender"], r["receiver"])].append(r["ratio"])
    rows = graph.query("reciprocity")
    assert {(r["sender"], r["receiver"]) for r in rows} == set(acts)
    assert any(len(lags[d]) % 2 == 0 and len(set(lags[d])) > 1 for d in acts), "an even number of distinct lags"
    for r in rows:
        dyad = (r["sender"], r["receiver"])
        assert (r["acts"], r["answered_acts"]) == (len(acts[dyad]), len(answered[dyad])), dyad
        assert float(r["share_answered"]) == pytest.approx(len(answered[dyad]) / len(acts[dyad]))
        if lags[dyad]:
            assert float(r["median_lag"]) == statistics.median(lags[dyad]), dyad
            assert (r["min_lag"], r["max_lag"]) == (min(lags[dyad]), max(lags[dyad]))
        else:
            assert r["median_lag"] is r["min_lag"] is r["max_lag"] is None
        if ratios[dyad]:
            assert float(r["mean_count_ratio"]) == pytest.approx(float(statistics.mean(ratios[dyad])))
        else:
            assert r["mean_count_ratio"] is None


# ---------------------------------------------------------------------------
# docs/queries.md
# ---------------------------------------------------------------------------

def test_docs_queries_md_gives_a_figure_for_every_stored_query():
    text = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    listed = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `")}
    assert listed == set(queries.library())


def test_the_commands_of_docs_queries_md_run(shipped, tmp_path_factory, tmp_path: Path, monkeypatch):
    private_copy(reasoned_store(shipped, tmp_path_factory), tmp_path / "diplograph-data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIPLOGRAPH_STORE", raising=False)
    steps = commands(REPO / "docs" / "queries.md")
    assert [s[:2] for s in steps] == [["query", "relation-level"], ["query", "reciprocity"]]
    outputs = [CliRunner().invoke(app, arguments) for arguments in steps]
    assert all(result.exit_code == 0 for result in outputs), [result.output for result in outputs]
    assert "chargé" in outputs[0].stdout
    header = (tmp_path / "reciprocity.csv").read_text(encoding="utf-8").splitlines()[0]
    columns = header.split(",")
    assert {"sender", "receiver", "acts", "answered_acts", "median_lag"} <= set(columns)

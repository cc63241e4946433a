"""Panel datasets: ``diplograph panel`` and ``graph.panel()`` on the shipped records, loaded and
reasoned over. Expectations come from the records (YAML), from the stored queries and from
the registry, not from the panel's own code."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from panel_support import (
    announced,
    code_blocks,
    commands,
    dyadic_acts,
    persons_expelled,
    private_copy,
    reasoned_store,
    record_acts,
    shared_on,
)
from typer.testing import CliRunner

import diplograph
from diplograph import panel as panels
from diplograph.cli import app
from diplograph.export import LICENCE
from diplograph.panel import PanelError, columns_for
from diplograph.store import EmbeddedStore

ENV = {"COLUMNS": "220", "NO_COLOR": "1", "TERM": "dumb"}


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.fixture(scope="module")
def reasoned(shipped, tmp_path_factory) -> Path:
    return reasoned_store(shipped, tmp_path_factory)


@pytest.fixture(scope="module")
def graph(reasoned):
    with diplograph.Diplograph(EmbeddedStore(reasoned, read_only=True)) as g:
        yield g


@pytest.fixture(scope="module")
def yearly(graph) -> pd.DataFrame:
    return graph.panel("year")


@pytest.fixture(scope="module")
def cli_store(reasoned, tmp_path_factory) -> Path:
    return private_copy(reasoned, tmp_path_factory.mktemp("panel-cli") / "store")


def row(frame: pd.DataFrame, sender: str, receiver: str, **when) -> pd.Series:
    chosen = frame[(frame["iso2c1"] == sender) & (frame["iso2c2"] == receiver)]
    for column, value in when.items():
        chosen = chosen[chosen[column] == value]
    assert len(chosen) == 1, f"{sender}→{receiver} {when}: {len(chosen)} rows"
    return chosen.iloc[0]


# ---------------------------------------------------------------------------
# The command: a file pandas reads, with every column, and the row Czech Republic → Russia, 2021
# ---------------------------------------------------------------------------

def test_panel_by_year_writes_a_csv_that_pandas_reads_with_the_codebook_columns(cli_store, tmp_path):
    out = tmp_path / "panel.csv"
    result = run("panel", "--unit", "year", "--format", "csv", "--output", str(out), "--store", str(cli_store))
    assert result.exit_code == 0, result.stderr
    assert "rows" in result.stdout and str(out) in result.stdout
    frame = pd.read_csv(out)
    assert list(frame.columns) == [c.name for c in columns_for("year")]
    czech = row(frame, "CZ", "RU", year=2021)
    assert czech["iso3c1"] == "CZE" and czech["iso3c2"] == "RUS"
    assert czech["statename1"] == "Czech Republic" and czech["statename2"] == "Russia"
    assert (czech["ccode1"], czech["ccode2"], czech["gwcode1"], czech["gwcode2"]) == (316, 365, 316, 365)
    assert (czech["wikidata1"], czech["wikidata2"]) == ("Q213", "Q159")
    expected = persons_expelled("CZ", "RU", 2021)
    assert expected == 18  # the Vrbětice expulsion, as the records have it
    assert czech["persons_expelled"] == expected
    assert czech["retaliations_received"] >= 1


def test_retaliations_in_the_panel_are_the_stored_querys_links(graph, yearly):
    links = graph.query("retaliations").to_dataframe()
    links["year"] = links["date"].map(lambda d: d.year)
    links["responder"] = links["responder"].str.rsplit("/", n=1).str[-1]
    links["triggered_by"] = links["triggered_by"].str.rsplit("/", n=1).str[-1]
    states = set(yearly["iso2c1"].astype(str))
    between_states = links["responder"].isin(states) & links["triggered_by"].isin(states)
    assert not between_states.all()  # an act of the EU, answered by Russia, is not dyadic: not in the panel
    links = links[between_states]
    received = links.groupby(["triggered_by", "responder", "year"]).size()
    sent = links.groupby(["responder", "triggered_by", "year"]).size()
    assert received[("CZ", "RU", 2021)] == row(yearly, "CZ", "RU", year=2021)["retaliations_received"]
    for (a, b, year), n in received.items():
        assert row(yearly, a, b, year=year)["retaliations_received"] == n, (a, b, year)
    for (a, b, year), n in sent.items():
        assert row(yearly, a, b, year=year)["retaliations_sent"] == n, (a, b, year)
    assert yearly["retaliations_sent"].sum() == len(links) == yearly["retaliations_received"].sum()


def test_median_lag_and_mean_ratio_agree_with_the_reciprocity_query(graph, yearly):
    reciprocity = graph.query("reciprocity").to_dataframe()
    for answer in reciprocity.itertuples():
        if answer.answered_acts == 0:
            continue
        a = answer.sender.rsplit("/", 1)[-1]
        b = answer.receiver.rsplit("/", 1)[-1]
        rows = yearly[(yearly["iso2c1"] == a) & (yearly["iso2c2"] == b) & (yearly["retaliations_received"] > 0)]
        if len(rows) != 1:  # the answers fall in several years: the query's median is over all of them
            continue
        assert rows.iloc[0]["retaliations_received_median_lag"] == pytest.approx(float(answer.median_lag)), (a, b)
        if answer.mean_count_ratio is not None:
            assert rows.iloc[0]["retaliations_received_mean_count_ratio"] == \
                pytest.approx(float(answer.mean_count_ratio)), (a, b)


def test_acts_and_expulsions_sum_to_what_the_records_hold(yearly):
    carried = dyadic_acts()
    assert len(carried) < len(record_acts())  # the EU's acts, and acts only proposed, are not counted
    first, last = yearly["year"].min(), yearly["year"].max()
    expulsions = [a for a in carried if a["type"] in ("staff-expulsion", "ambassador-expulsion")]
    assert yearly["expulsions_sent"].sum() == len(expulsions)
    assert yearly["persons_expelled"].sum() == sum(int(a.get("persons") or 0) for a in expulsions)
    assert yearly["expulsions_persons_unknown"].sum() == sum(1 for a in expulsions if a.get("persons") is None)
    closures = [a for a in carried if a["type"] in ("embassy-closure", "consulate-closure", "mission-closure",
                                                      "other-mission-closure")]
    assert yearly["mission_closures"].sum() == len(closures)
    assert first == min(announced(a).year for a in carried) and last == max(announced(a).year for a in carried)


def test_solidarity_columns_name_whom_and_by_whom(graph, yearly):
    links = graph.query("solidarity", episode="2021-vrbetice").to_dataframe()
    supporters = sorted({s.rsplit("/", 1)[-1] for s, x in zip(links["supporter"], links["supported"])
                         if x.endswith("/CZ")})
    assert supporters  # Slovakia and the Baltic states, say the records
    czech = row(yearly, "CZ", "RU", year=2021)
    assert czech["solidarity_drawn"] == len(supporters)
    iso3 = dict(zip(yearly["iso2c1"].astype(str), yearly["iso3c1"].astype(str)))
    assert czech["solidarity_drawn_from"] == ";".join(sorted(iso3[s] for s in supporters))
    slovakia = row(yearly, "SK", "RU", year=2021)
    assert slovakia["solidarity_acts"] >= 1 and "CZE" in slovakia["solidarity_with"].split(";")


def test_levels_at_the_end_of_each_year_agree_with_the_relation_level_query(graph, yearly):
    changed = yearly[yearly["level_1_in_2"].notna()]
    assert len(changed), "no level in the panel: the shipped records have downgrades and severances"
    for sample in changed.drop_duplicates(["iso2c1", "iso2c2"]).itertuples():
        end = dt.date(int(sample.year), 12, 31)
        answer = graph.query("relation-level", a=sample.iso2c1, b=sample.iso2c2, date=end.isoformat())
        levels = {(r["sender"].rsplit("/", 1)[-1], r["receiver"].rsplit("/", 1)[-1]): r["level"] for r in answer}
        assert levels.get((sample.iso2c1, sample.iso2c2)) == sample.level_1_in_2, (sample.iso2c1, sample.iso2c2)
        expected_reverse = levels.get((sample.iso2c2, sample.iso2c1))
        actual_reverse = sample.level_2_in_1 if isinstance(sample.level_2_in_1, str) else None
        assert actual_reverse == expected_reverse
    codes = {"ambassador": 3, "chargé d'affaires": 2, "no mission": 1, "severed": 0}
    assert (changed["level_1_in_2"].astype(str).map(codes) == changed["level_1_in_2_code"]).all()


def test_shared_memberships_are_the_registrys_on_the_last_day(yearly):
    for a, b, year in (("CZ", "SK", 2021), ("CZ", "RU", 2021), ("EE", "RU", 2023), ("SA", "QA", 2017)):
        found = yearly[(yearly["iso2c1"] == a) & (yearly["iso2c2"] == b) & (yearly["year"] == year)]
        if found.empty:
            continue
        expected = shared_on(a, b, dt.date(year, 12, 31))
        value = found.iloc[0]["shared_memberships"]
        assert set(filter(None, str(value).split(";"))) == expected, (a, b, year)
        assert found.iloc[0]["shared_membership_count"] == len(expected)


# ---------------------------------------------------------------------------
# Licence, citation and provenance beside the CSV; the same inside Parquet
# ---------------------------------------------------------------------------

def test_csv_on_the_web_metadata_describes_the_file_its_licence_and_its_run(cli_store, tmp_path, graph):
    out = tmp_path / "panel.csv"
    assert run("panel", "-o", str(out), "--store", str(cli_store)).exit_code == 0
    sidecar = tmp_path / "panel.csv-metadata.json"
    document = json.loads(sidecar.read_text(encoding="utf-8"))
    assert document["@context"][0] == "http://www.w3.org/ns/csvw"
    assert document["url"] == "panel.csv"
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [c["name"] for c in document["tableSchema"]["columns"]] == header
    assert document["tableSchema"]["primaryKey"] == ["iso3c1", "iso3c2", "year"]
    assert document["dc:license"]["@id"] == str(LICENCE)
    assert "Diplograph" in document["dc:bibliographicCitation"] and diplograph.__version__ in \
        document["dc:bibliographicCitation"]
    run_iri = graph.sparql("PREFIX dg: <https://w3id.org/diplograph/ontology#> "
                           "SELECT ?run WHERE { ?run a dg:ReasoningRun ; dg:isCurrentRun true }")[0]["run"]
    assert document["prov:wasGeneratedBy"]["@id"] == run_iri
    records = {r["dc:identifier"] for r in document["prov:wasDerivedFrom"]}
    assert {f"records/{p.name}" for p in (Path(__file__).resolve().parents[1] / "records").glob("*.yaml")} <= records
    frame = pd.read_csv(out)
    required = [c["name"] for c in document["tableSchema"]["columns"] if c["required"]]
    assert not frame[required].isna().any().any()
    typed = panels.read(out)  # read back with the types the metadata states
    assert str(typed["gwcode1"].dtype) == "Int64" and str(typed["retaliations_sent"].dtype) == "Int64"
    assert typed.attrs["diplograph"]["dc:license"]["@id"] == str(LICENCE)
    assert row(typed, "CZ", "RU", year=2021)["persons_expelled"] == 18


def test_parquet_carries_the_same_rows_and_metadata(cli_store, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    csv_file, parquet_file = tmp_path / "p.csv", tmp_path / "p.parquet"
    assert run("panel", "-o", str(csv_file), "--store", str(cli_store)).exit_code == 0
    result = run("panel", "--format", "parquet", "-o", str(parquet_file), "--store", str(cli_store))
    assert result.exit_code == 0, result.stderr
    from_csv = pd.read_csv(csv_file)
    from_parquet = pd.read_parquet(parquet_file)
    assert list(from_parquet.columns) == list(from_csv.columns)
    for column in ("persons_expelled", "retaliations_received", "acts_sent"):
        assert from_parquet[column].tolist() == from_csv[column].tolist()
    assert from_parquet["iso3c1"].astype(str).tolist() == from_csv["iso3c1"].tolist()
    metadata = pq.read_schema(parquet_file).metadata
    assert metadata[b"license"].decode() == str(LICENCE)
    assert "Diplograph" in metadata[b"citation"].decode()
    assert json.loads(metadata[b"csvw"])["url"] == "p.parquet"
    assert panels.read_metadata(parquet_file)["dc:license"]["@id"] == str(LICENCE)


# ---------------------------------------------------------------------------
# The balanced panel, other units, selections, errors
# ---------------------------------------------------------------------------

def test_all_dyads_gives_the_balanced_panel_with_zeros(graph, yearly, cli_store, tmp_path):
    out = tmp_path / "all.csv"
    result = run("panel", "--all-dyads", "-o", str(out), "--store", str(cli_store))
    assert result.exit_code == 0, result.stderr
    balanced = pd.read_csv(out, keep_default_na=False, na_values=[""], low_memory=False)
    states = graph.sparql("PREFIX dg: <https://w3id.org/diplograph/ontology#> "
                          "SELECT ?s WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?s a dg:State } }")
    n, years = len(states), yearly["year"].nunique()
    assert len(balanced) == n * (n - 1) * years
    assert not balanced.duplicated(["iso3c1", "iso3c2", "year"]).any()
    assert not (balanced["iso3c1"] == balanced["iso3c2"]).any()
    assert balanced.groupby(["iso3c1", "iso3c2"]).size().eq(years).all()
    for column in ("acts_sent", "persons_expelled", "retaliations_received", "solidarity_acts"):
        assert balanced[column].sum() == yearly[column].sum(), column
    quiet = balanced[~balanced.set_index(["iso3c1", "iso3c2"]).index.isin(
        yearly.set_index(["iso3c1", "iso3c2"]).index.map(lambda k: (str(k[0]), str(k[1]))))]
    assert len(quiet) and (quiet["acts_sent"] == 0).all() and (quiet["retaliations_sent"] == 0).all()
    assert row(balanced, "CZ", "RU", year=2021)["persons_expelled"] == 18


def test_months_and_days_date_each_row(graph):
    monthly = graph.panel("month", start="2021-01-01", end="2021-12-31")
    assert list(monthly.columns) == [c.name for c in columns_for("month")]
    assert row(monthly, "CZ", "RU", year=2021, month=4)["persons_expelled"] == persons_expelled("CZ", "RU", 2021)
    assert row(monthly, "CZ", "RU", year=2021, month=3)["persons_expelled"] == 0
    assert sorted(monthly["month"].unique()) == list(range(1, 13))
    daily = graph.panel("day", start="2021-04-01", end="2021-05-31", states="CZE,RUS")
    assert set(daily["iso3c1"].astype(str)) == {"CZE", "RUS"}
    assert len(daily) == 2 * 61
    day = daily[(daily["iso2c1"] == "CZ") & (daily["date"] == pd.Timestamp("2021-04-17"))].iloc[0]
    assert day["persons_expelled"] == 18
    answer = daily[(daily["iso2c1"] == "RU") & (daily["date"] == pd.Timestamp("2021-04-18"))].iloc[0]
    assert answer["retaliations_sent"] == 1 and answer["retaliations_sent_median_lag"] == 1


def test_states_keeps_the_dyads_of_those_states_only(graph):
    baltic = graph.panel("year", states=["RUS", "EST", "LV", "ltu"])
    assert set(baltic["iso3c1"].astype(str)) | set(baltic["iso3c2"].astype(str)) <= {"RUS", "EST", "LVA", "LTU"}
    assert len(baltic)
    assert baltic.attrs["diplograph"]["rdfs:comment"][2] == "states: EST, LTU, LVA, RUS"


def test_unknown_state_bad_unit_and_too_many_rows_are_errors(graph, cli_store, tmp_path):
    result = run("panel", "--states", "RUS,XYZ", "-o", str(tmp_path / "x.csv"), "--store", str(cli_store))
    assert result.exit_code == 2 and "XYZ" in result.stderr
    result = run("panel", "--unit", "week", "-o", str(tmp_path / "x.csv"), "--store", str(cli_store))
    assert result.exit_code == 2 and "week" in result.stderr
    assert not (tmp_path / "x.csv").exists()
    with pytest.raises(PanelError, match="narrow it"):
        graph.panel("day", all_dyads=True, max_rows=10_000)


def test_a_store_not_reasoned_over_is_refused(shipped_store_copy, tmp_path):
    result = run("panel", "-o", str(tmp_path / "x.csv"), "--store", str(shipped_store_copy))
    assert result.exit_code == 2
    assert "diplograph reason" in result.stderr


def test_the_same_panel_from_a_sparql_server(reasoned, yearly, tmp_path):
    from server_support import oxigraph_server

    from diplograph.namespaces import Graphs
    from diplograph.store.remote import RemoteStore

    with oxigraph_server(tmp_path / "oxigraph") as url:
        remote = RemoteStore(url, timeout=120)
        with EmbeddedStore(reasoned, read_only=True) as local:
            for name in (Graphs.ONTOLOGY, Graphs.ASSERTED, Graphs.INFERRED, Graphs.PROVENANCE):
                remote.add_to_graph(name, local.dump([name], "nt"))
        from_server = panels.panel(remote, "year")
    pd.testing.assert_frame_equal(from_server, yearly, check_categorical=False)


def test_the_examples_of_docs_panel_md_run(reasoned, tmp_path, monkeypatch):
    doc = Path(__file__).resolve().parents[1] / "docs" / "panel.md"
    private_copy(reasoned, tmp_path / "diplograph-data")  # the default store, in the working directory
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIPLOGRAPH_STORE", raising=False)
    steps = commands(doc)
    assert [s[0] for s in steps] == ["load", "reason", "panel", "panel", "panel"]
    for arguments in steps:
        result = run(*arguments)
        assert result.exit_code == 0, (arguments, result.stderr)
    assert {"panel.csv", "panel.csv-metadata.json", "baltic.csv", "balanced.parquet"} <= \
        {p.name for p in tmp_path.iterdir()}
    namespace: dict = {}
    for block in code_blocks(doc, "python"):
        exec(compile(block, str(doc), "exec"), namespace)  # noqa: S102 - the documentation's own examples
    assert namespace["czech"].persons_expelled == 18
    assert namespace["merged"]["allied"].notna().sum() == 2
    assert (tmp_path / "panel-from-python.csv-metadata.json").exists()
    namespace["graph"].close()

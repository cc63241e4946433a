"""The ``diplograph`` command: exit codes (0 ok, 1 invalid data, 2 usage or runtime
error), messages on stderr, and the outputs of query, export, stats and queries.

Most tests run the Typer app in-process (CliRunner); two run the installed
console script in a real subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset, Graph, URIRef
from typer.testing import CliRunner

import diplograph
from diplograph import namespaces as ns
from diplograph.cli import app
from diplograph.export import DATASET, LICENCE
from diplograph.namespaces import DG, Graphs
from diplograph.store import EmbeddedStore

ENV = {"COLUMNS": "220", "NO_COLOR": "1", "TERM": "dumb"}
ACT = "ru-expels-cz-20-2021"
DCTERMS_LICENSE = URIRef("http://purl.org/dc/terms/license")
QUERY_FILES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def _display(path: Path) -> str:
    return os.path.relpath(path.resolve(), Path.cwd())


# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------

def test_load_exits_0_on_good_records(synthetic, tmp_path: Path):
    target = tmp_path / "cli-store"
    result = run("load", "--store", str(target), str(synthetic.dir / "entities"), str(synthetic.episode()))
    assert result.exit_code == 0, result.stderr
    assert "loaded 3 record files (2 acts): 3 written, 0 unchanged" in result.stdout
    assert "[ERROR]" not in result.stderr
    with EmbeddedStore(target) as store:
        assert store.ask(f"ASK {{ GRAPH <{Graphs.ASSERTED}> {{ <{ns.act('cz-expels-ru-test')}> <{DG.actor}> "
                         f"<{ns.state('CZ')}> }} }}")


def test_load_exits_1_on_invalid_records_with_the_error_on_stderr(synthetic, tmp_path: Path):
    path = synthetic.episode(synthetic.act("cz-expels-ru-test", actor="CZE"))
    result = run("load", "--store", str(tmp_path / "cli-store"), str(synthetic.dir))
    assert result.exit_code == 1
    line = synthetic.line_of(path, "actor: CZE")
    assert f"[ERROR] {_display(path)}:{line} act cz-expels-ru-test: actor: unknown state 'CZE'" in result.stderr
    assert "the store is unchanged" in result.stderr
    assert "[ERROR]" not in result.stdout


def test_load_exits_2_on_a_missing_path(tmp_path: Path):
    missing = tmp_path / "no-such-records"
    result = run("load", "--store", str(tmp_path / "cli-store"), str(missing))
    assert result.exit_code == 2
    assert "no such record file or directory" in result.stderr and str(missing) in result.stderr


# ---------------------------------------------------------------------------
# query
# ---------------------------------------------------------------------------

def test_query_acts_between_prints_a_table_with_the_act(shipped_store_copy: Path):
    result = run("query", "acts-between", "--param", "a=CZ", "--param", "b=RU", "--store", str(shipped_store_copy))
    assert result.exit_code == 0, result.stderr
    assert ACT in result.stdout
    assert "cz-expels-ru-18-2021" in result.stdout
    assert "Acts between two states" in result.stdout


def test_query_table_fits_a_narrow_terminal_and_names_what_it_leaves_out(shipped_store_copy: Path, tmp_path: Path):
    """retaliations has 15 columns: at 80 characters the table shows the response in full and
    says which columns it left out, instead of squeezing every column to an ellipsis."""
    store = tmp_path / "store"
    shutil.copytree(shipped_store_copy, store)
    assert run("reason", "--store", str(store)).exit_code == 0
    result = CliRunner().invoke(app, ["query", "retaliations", "-p", "from=2021-01-01", "-p", "to=2021-12-31",
                                      "--store", str(store)], env={**ENV, "COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "act/ru-expels-cz-20-2021" in result.stdout
    assert "not shown:" in result.stdout and "ratio_max" in result.stdout
    wide = run("query", "retaliations", "-p", "from=2021-01-01", "-p", "to=2021-12-31", "--store", str(store))
    assert "act/cz-expels-ru-18-2021" in wide.stdout  # the trigger, shown when there is room


def test_query_csv_has_act_and_act_label_columns(shipped_store_copy: Path):
    result = run("query", "acts-between", "-p", "a=CZ", "-p", "b=RU", "--format", "csv",
                 "--store", str(shipped_store_copy))
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = result.stdout.splitlines()[0].split(",")
    assert "act" in header and "act_label" in header
    assert header.index("act_label") == header.index("act") + 1
    row = next(r for r in rows if r["act"] == str(ns.act(ACT)))
    assert row["act_label"] and "RU" in row["act_label"] and "CZ" in row["act_label"]


def test_query_json_parses_and_carries_a_licence(shipped_store_copy: Path):
    result = run("query", "acts-between", "-p", "a=CZ", "-p", "b=RU", "--format", "json",
                 "--store", str(shipped_store_copy))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["license"] == str(LICENCE)
    assert data["query"] == "acts-between"
    assert data["parameters"]["a"] == str(ns.state("CZ"))
    assert "act" in data["columns"]
    assert str(ns.act(ACT)) in {row["act"] for row in data["rows"]}


@pytest.mark.parametrize("args, message", [
    (["-p", "a=CZ"], "needs the parameter 'b'"),
    (["-p", "a=CZ", "-p", "b"], "--param takes key=value, got 'b'"),
    (["-p", "a=CZ", "-p", "b=RU> } ; DROP ALL #"], "parameter 'b': 'RU> } ; DROP ALL #' is not a valid agent"),
    (["-p", "a=CZ", "-p", "b=RU", "-p", "from=17 April"], "is not a valid date"),
    (["-p", "a=CZ", "-p", "b=RU", "-p", "colour=red"], "has no parameter 'colour'"),
    (["-p", "a=CZ", "-p", "b=RU", "--format", "xml"], "unknown format 'xml'"),
], ids=["missing", "no-equals", "injection", "bad-date", "unknown-param", "unknown-format"])
def test_query_with_a_missing_or_malformed_parameter_exits_2(shipped_store_copy: Path, args, message):
    result = run("query", "acts-between", *args, "--store", str(shipped_store_copy))
    assert result.exit_code == 2
    assert "error:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_query_unknown_name_exits_2(shipped_store_copy: Path):
    result = run("query", "no-such-query", "--store", str(shipped_store_copy))
    assert result.exit_code == 2
    assert "no stored query named 'no-such-query'" in result.stderr


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------

def _parse(fmt: str, data: bytes):
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=data, format=fmt)
        return dataset
    return Graph().parse(data=data, format={"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "jsonld", "nquads"])
def test_export_parses_back_and_holds_the_act(shipped_store_copy: Path, fmt: str):
    result = CliRunner().invoke(app, ["export", "--format", fmt, "--store", str(shipped_store_copy)], env=ENV)
    assert result.exit_code == 0, result.stderr
    parsed = _parse(fmt, result.stdout_bytes)
    triple = (ns.act(ACT), DG.actor, ns.state("RU"))
    if isinstance(parsed, Dataset):
        assert triple + (Graphs.ASSERTED,) in parsed
        assert any(q[:3] == (DATASET, DCTERMS_LICENSE, LICENCE) for q in parsed.quads((DATASET, None, None, None)))
    else:
        assert triple in parsed
        assert (DATASET, DCTERMS_LICENSE, LICENCE) in parsed


def test_export_to_a_file(shipped_store_copy: Path, tmp_path: Path):
    target = tmp_path / "diplograph.ttl"
    result = run("export", "--format", "turtle", "--output", str(target), "--store", str(shipped_store_copy))
    assert result.exit_code == 0, result.stderr
    assert (ns.act(ACT), DG.actor, ns.state("RU")) in Graph().parse(target, format="turtle")
    assert f"to {target}" in result.stderr


def test_export_unknown_format_exits_2(shipped_store_copy: Path):
    result = run("export", "--format", "rdfxml", "--store", str(shipped_store_copy))
    assert result.exit_code == 2
    assert "unknown format 'rdfxml'" in result.stderr


# ---------------------------------------------------------------------------
# stats and queries
# ---------------------------------------------------------------------------

def test_stats_prints_acts_per_episode(shipped_store_copy: Path):
    result = run("stats", "--store", str(shipped_store_copy))
    assert result.exit_code == 0, result.stderr
    assert "Acts per episode" in result.stdout
    titles = json.loads(run("query", "episodes", "-f", "json", "--store", str(shipped_store_copy)).stdout)["rows"]
    assert len(titles) >= 5
    lines = result.stdout.splitlines()
    for episode in titles:
        line = next((line for line in lines if episode["title"] in line), None)
        assert line is not None, f"{episode['title']} is not in the stats"
        assert any(cell.strip().isdigit() for cell in line.split("│")), line


def test_stats_counts_only_acts_per_episode(shipped_store_copy: Path, records_dir: Path):
    summary = json.loads(run("stats", "--format", "json", "--store", str(shipped_store_copy)).stdout)
    per_episode = {row["episode"].rsplit("/", 1)[-1]: row["acts"] for row in summary["per_episode"]}
    episodes = json.loads(run("query", "episodes", "-f", "json", "--store", str(shipped_store_copy)).stdout)["rows"]
    assert per_episode == {row["episode"].rsplit("/", 1)[-1]: row["acts"] for row in episodes}
    record = yaml.safe_load((records_dir / "2021-vrbetice.yaml").read_text(encoding="utf-8"))
    assert per_episode["2021-vrbetice"] == len(record["acts"])
    assert summary["acts"] == sum(per_episode.values())


def test_queries_lists_every_rq_file():
    result = run("queries")
    assert result.exit_code == 0, result.stderr
    names = {line.split("│")[1].strip() for line in result.stdout.splitlines() if line.count("│") >= 3}
    assert {p.stem for p in QUERY_FILES} <= names
    assert len(QUERY_FILES) >= 6


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"diplograph {diplograph.__version__}"


# ---------------------------------------------------------------------------
# The installed command, in a subprocess
# ---------------------------------------------------------------------------

SCRIPT = Path(sys.executable).parent / "diplograph"


def _subprocess(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **ENV, "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("DIPLOGRAPH_STORE", None)
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, timeout=120)


def test_installed_command_loads_and_exports(synthetic, tmp_path: Path):
    assert SCRIPT.is_file(), f"the console script is not installed at {SCRIPT}"
    synthetic.episode()
    target = tmp_path / "subprocess-store"
    loaded = _subprocess("diplograph", "load", "--store", str(target), str(synthetic.dir), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert b"loaded 3 record files (2 acts)" in loaded.stdout
    exported = _subprocess("diplograph", "export", "--format", "nt", "--store", str(target), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr.decode()
    graph = Graph().parse(data=exported.stdout, format="nt")
    assert (ns.act("ru-expels-cz-test"), DG.actor, ns.state("RU")) in graph
    assert (ns.act("ru-expels-cz-test"), DG.inResponseTo, ns.act("cz-expels-ru-test")) in graph


def test_module_entry_point_runs(tmp_path: Path):
    missing = tmp_path / "nothing-here"
    result = _subprocess(sys.executable, "-m", "diplograph.cli", "load", "--store", str(tmp_path / "s"), str(missing),
                         cwd=tmp_path)
    assert result.returncode == 2
    assert b"no such record file or directory" in result.stderr

"""The benchmark suite (bench/) works: its generator is deterministic, writes records the
loader accepts and a ground truth that matches them, and its runner measures every stage at
the smallest size. Nothing here is timed: the figures come from ``python -m bench run``."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from diplograph.loader import load
from diplograph.store import EmbeddedStore

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench/ is a directory of the checkout, not an installed package
    sys.path.insert(0, str(REPO))

from bench.generate import WINDOW, digest, generate  # noqa: E402
from bench.runner import PLAN  # noqa: E402
from bench.world import World  # noqa: E402

SMALL = 300


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory):
    return generate(tmp_path_factory.mktemp("bench") / "data", SMALL, seed=7)


def _records(dataset) -> dict[str, dict]:
    """Every act of the generated files, by id, with the file it is in."""
    acts = {}
    for path in sorted(dataset.records.rglob("*.yaml")):
        if path.parent.name == "entities":
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for act in document["acts"]:
            acts[act["id"]] = {**act, "file": path}
    return acts


def test_the_same_seed_gives_the_same_files_and_truth(dataset, tmp_path: Path):
    again = generate(tmp_path / "again", SMALL, seed=7)
    assert digest(again.records) == digest(dataset.records)
    assert again.truth_file.read_bytes() == dataset.truth_file.read_bytes()
    other = generate(tmp_path / "other", SMALL, seed=8)
    assert digest(other.records) != digest(dataset.records)


def test_the_generated_records_load_without_errors_or_warnings(dataset):
    store = EmbeddedStore(None)
    result = load(store, [dataset.records])
    assert result.ok, [str(m) for m in result.report.errors[:10]]
    assert result.report.warnings == []
    assert result.acts == SMALL == dataset.truth["counts"]["acts"]


def test_the_registry_has_about_200_states_with_distinct_wikidata_ids():
    world = World.build()
    assert 190 <= len(world.states) <= 200
    ids = [state["wikidata"] for state in world.states]
    assert len(set(ids)) == len(ids)
    assert {"EU", "NATO", "GCC", "LAS"} == {m.organisation for m in world.memberships}


def test_every_true_retaliation_answers_its_trigger_in_the_records(dataset):
    acts = _records(dataset)
    truth = dataset.truth["retaliation"]
    assert len(truth) > SMALL / 4
    for link in truth:
        response, trigger = acts[link["response"]], acts[link["trigger"]]
        assert (response["actor"], response["target"]) == (trigger["target"], trigger["actor"])
        lag = (dt.date.fromisoformat(response["announced"]) - dt.date.fromisoformat(trigger["announced"])).days
        assert 0 <= lag <= WINDOW
        if lag == 0 and not link["mutual"]:
            assert response["order"] > trigger["order"]
        assert link["asserted"] == (trigger["id"] in response.get("in_response_to", []))
    assert any(link["mutual"] for link in truth) and any(not link["asserted"] for link in truth)


def test_every_true_solidarity_act_follows_the_supported_state(dataset):
    acts = _records(dataset)
    world = World.build()
    truth = dataset.truth["solidarity"]
    assert truth
    for link in truth:
        act, trigger = acts[link["act"]], acts[link["trigger"]]
        day = dt.date.fromisoformat(act["announced"])
        assert trigger["actor"] == link["supports"] != act["actor"]
        assert trigger["target"] == act["target"]
        assert 0 < (day - dt.date.fromisoformat(trigger["announced"])).days <= WINDOW
        assert link["asserted"] == (link["supports"] in act.get("in_solidarity_with", []))
        if not link["asserted"]:
            assert world.share_membership(act["actor"], link["supports"], day)


def test_no_act_answers_a_later_one_and_links_name_existing_acts(dataset):
    acts = _records(dataset)
    for act in acts.values():
        for other in act.get("in_response_to", []):
            assert acts[other]["announced"] <= act["announced"]
    incremental = dataset.truth["incremental"]
    assert incremental["act"]["id"] not in acts
    assert acts[incremental["answers"]]["file"] == dataset.records / incremental["file"]


def _documented_smoke_commands() -> list[str]:
    text = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- smoke test -->\s*```bash\n(.*?)```", text, re.S)
    assert block, "docs/benchmarks.md has a smoke-test block"
    return [line for line in block.group(1).splitlines() if line.startswith("python -m bench")]


def test_the_documented_smoke_run_measures_every_stage(tmp_path: Path):
    """The commands of the documentation's smoke-test block, with their directory in tmp_path."""
    commands = _documented_smoke_commands()
    assert any(" run " in c for c in commands) and any(" generate " in c for c in commands)
    for command in commands:
        argv = [a.replace("/tmp/diplograph-bench-smoke", str(tmp_path)) for a in shlex.split(command)]
        done = subprocess.run([sys.executable, *argv[1:]], cwd=REPO, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]

    document = json.loads((tmp_path / "results" / "latest.json").read_text(encoding="utf-8"))
    [size] = document["sizes"]
    for phase, _ in PLAN:
        record = size["phases"][phase]
        assert record["status"] == "ok", (phase, record.get("error") or record.get("note"))
        assert record["peak_rss_mib"] > 0
    [figures] = document["figures"]
    for key in ("load", "owl", "owlrl", "reason", "floor_join", "query_single_max", "query_whole_max", "incremental"):
        assert figures[key] is not None and figures[key] > 0, key
    assert set(figures["export"]) == set(document["settings"]["export_formats"])
    assert {name for name in figures["rules"]} >= {"owl-2-rl", "10-retaliation-candidates"}
    assert 0 < figures["owl_rules"] <= figures["owl"]
    accuracy = size["phases"]["reason"]["accuracy"]
    for kind in ("retaliation", "solidarity"):
        for view in ("links", "rule"):
            score = accuracy[kind][view]
            assert score["truth"] > 0 and 0 <= score["precision"] <= 1 and 0 <= score["recall"] <= 1
    assert size["phases"]["owlrl"]["agreement"]["owlrl"] > 0
    assert size["phases"]["incremental"]["new_act_linked"]
    # the update after the added act gave what a full run of the same store gives
    assert size["phases"]["incremental"]["same_as_full_run"] is True
    # the server reasoned twice: in a working copy, then with the rules inside it, to the same counts
    remote = size["phases"]["remote"]
    assert remote["seconds"] > 0 and remote["in_server_seconds"] > 0 and remote["in_server_same_counts"] is True
    assert [g["goal"] for g in document["goals"]]
    markdown = (tmp_path / "results" / "latest.md").read_text(encoding="utf-8")
    assert "## Goals of issue 5" in markdown and document["machine"]["cpu"] in markdown


def test_the_report_sums_the_steps_of_a_load_in_batches_by_kind():
    from bench.report import load_steps

    steps = [{"step": "finding the record files", "seconds": 0.1},
             {"step": "parsing 74 record files and checking their structure (batch 1 of 2, ids only)", "seconds": 10.0},
             {"step": "parsing 53 record files and checking their structure (batch 2 of 2, ids only)", "seconds": 8.0},
             {"step": "batch 1 of 2: parsing 74 record files again", "seconds": 5.0},
             {"step": "checking SHACL shapes", "seconds": 100.0},
             {"step": "batch 2 of 2: parsing 53 record files again", "seconds": 4.0},
             {"step": "checking SHACL shapes", "seconds": 90.0},
             {"step": "writing 127 records", "seconds": None}]
    assert load_steps({"steps": steps}) == {
        "finding the record files": 0.1, "parsing N record files and checking their structure": 18.0,
        "parsing N record files again": 9.0, "checking SHACL shapes": 190.0, "writing N records": None}

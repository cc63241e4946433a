"""Reasoning after loads that changed a few records (reasoning/incremental.py): the inferences of
the acts a change can reach are recomputed and the difference written, and the inferred graph is
then what a full run gives, triple for triple; what the region cannot cover is a full run."""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml

from bench.generate import generate
from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.reasoning import incremental, reason
from diplograph.store.embedded import EmbeddedStore

RECORDS = Path(__file__).resolve().parent.parent / "records"
EPISODE = "2021-vrbetice.yaml"

_UPDATED = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?when WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run dg:isCurrentRun true ; dg:updatedAt ?when } }"""


def _inferred(store: EmbeddedStore) -> set[str]:
    """The inferred graph as N-Triples lines, the run's IRI (a time stamp) left out."""
    return {re.sub(r"id/run/[^>]+", "RUN", line)
            for line in store.dump([Graphs.INFERRED], "nt").decode("utf-8").splitlines() if line.strip()}


def _as_full_run_gives(store: EmbeddedStore, tmp_path: Path, **windows: int) -> set[str]:
    """What a full run infers from what ``store`` holds (in a copy of it)."""
    twin_path = tmp_path / f"full-{len(list(tmp_path.iterdir()))}"
    # the engine's backup, a consistent snapshot: a copy of the files of a store open for writing
    # can miss one that a compaction in the background has just replaced
    store.engine.backup(str(twin_path))
    twin = EmbeddedStore(twin_path)
    try:
        result = reason(twin, full=True, **windows)
        assert not result.incremental
        return _inferred(twin)
    finally:
        twin.close()


class Episodes:
    """The shipped records in a directory of their own, loaded and reasoned in a store on disk."""

    def __init__(self, tmp_path: Path, reasoned: Path):
        self.records = tmp_path / "records"
        shutil.copytree(RECORDS, self.records)
        shutil.copytree(reasoned, tmp_path / "store")
        self.store = EmbeddedStore(tmp_path / "store")
        self.tmp_path = tmp_path
        self.path = self.records / EPISODE
        self.doc = yaml.safe_load(self.path.read_text(encoding="utf-8"))

    def act(self, act_id: str) -> dict:
        return next(act for act in self.doc["acts"] if act["id"] == act_id)

    def write(self) -> None:
        self.path.write_text(yaml.safe_dump(self.doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        result = load(self.store, [self.records])
        assert result.ok, result.report.errors[:3]


@pytest.fixture(scope="module")
def reasoned_episodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reasoned") / "store"
    store = EmbeddedStore(path)
    try:
        assert load(store, [RECORDS]).ok
        reason(store)
    finally:
        store.close()
    return path


@pytest.fixture
def episodes(tmp_path: Path, reasoned_episodes: Path):
    ep = Episodes(tmp_path, reasoned_episodes)
    yield ep
    ep.store.close()


def _add_two(ep: Episodes) -> None:
    """Poland expels in solidarity with Czechia's partners, and Russia answers."""
    support = copy.deepcopy(ep.act("lt-expels-ru-2-2021"))
    support.update(id="pl-expels-ru-1-2021-test", actor="PL", target="RU", announced="2021-04-25")
    answer = copy.deepcopy(ep.act("ru-expels-lt-2-2021"))
    answer.update(id="ru-expels-pl-1-2021-test", actor="RU", target="PL", announced="2021-04-29")
    for act in (support, answer):
        act.pop("in_response_to", None)
    ep.doc["acts"] += [support, answer]


def _move(ep: Episodes) -> None:
    act = ep.act("ru-expels-sk-3-2021")
    act["announced"] = "2021-05-30"
    for key in ("deadline", "effective"):
        act.pop(key, None)


def _recount(ep: Episodes) -> None:
    ep.act("cz-expels-ru-18-2021")["persons"] = 12


def _remove(ep: Episodes) -> None:
    ep.doc["acts"] = [act for act in ep.doc["acts"] if act["id"] != "ru-expels-ee-1-2021"]


def _redate_trigger(ep: Episodes) -> None:
    """Slovakia's expulsion moves after Russia's answer, which no longer says what it answers:
    the link goes, and with it a chain splits."""
    ep.act("ru-expels-sk-3-2021").pop("in_response_to", None)
    act = ep.act("sk-expels-ru-3-2021")
    act["announced"] = "2021-06-20"
    for key in ("deadline", "effective"):
        act.pop(key, None)


EDITS: dict[str, Callable[[Episodes], None]] = {
    "an act added (two)": _add_two, "an act moved": _move, "a count changed": _recount,
    "an act removed": _remove, "a trigger moved after its answer": _redate_trigger,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_changed_act_updates_the_inferences_to_what_a_full_run_gives(episodes, edit):
    before = _inferred(episodes.store)
    edit(episodes)
    episodes.write()
    result = reason(episodes.store)
    assert result.incremental and result.full_because is None
    assert 0 < result.changed_resources and 0 < result.region_acts
    after = _inferred(episodes.store)
    assert after != before
    assert after == _as_full_run_gives(episodes.store, episodes.tmp_path)
    assert result.inferred_triples == len(after)
    # the run is the same, and says when it was brought up to date
    assert len(episodes.store.select(_UPDATED).rows) == 1


def test_several_loads_between_two_runs_update_from_what_the_run_saw(episodes):
    _add_two(episodes)
    episodes.write()
    episodes.act("pl-expels-ru-1-2021-test")["announced"] = "2021-04-27"
    _recount(episodes)
    episodes.write()
    _remove(episodes)
    episodes.write()
    result = reason(episodes.store)
    assert result.incremental
    assert _inferred(episodes.store) == _as_full_run_gives(episodes.store, episodes.tmp_path)


def test_a_record_loaded_again_unchanged_changes_no_inference(episodes):
    before = _inferred(episodes.store)
    assert load(episodes.store, [episodes.path], force=True).ok
    result = reason(episodes.store)
    assert result.incremental and result.changed_resources == 0 and result.region_acts == 0
    assert _inferred(episodes.store) == before


def test_the_log_of_changes_is_kept_for_a_reasoned_store_only_and_a_run_drops_it(tmp_path):
    logs = {str(Graphs.CHANGED_RESOURCES), str(Graphs.CHANGED_BEFORE)}
    store = EmbeddedStore(tmp_path / "store")
    try:
        assert load(store, [RECORDS / "entities", RECORDS / EPISODE]).ok
        assert load(store, [RECORDS / EPISODE], force=True).ok
        assert not logs & {str(g) for g in store.named_graphs()}  # never reasoned: nothing to log
        reason(store)
        assert load(store, [RECORDS / "2023-russia-estonia-latvia.yaml"]).ok
        assert logs <= {str(g) for g in store.named_graphs()}
        assert reason(store, full=True).incremental is False
        assert not logs & {str(g) for g in store.named_graphs()}
    finally:
        store.close()


def test_other_windows_need_a_full_run(episodes):
    _recount(episodes)
    episodes.write()
    result = reason(episodes.store, retaliation_window=60)
    assert not result.incremental and "windows" in result.full_because
    assert _inferred(episodes.store) == _as_full_run_gives(episodes.store, episodes.tmp_path, retaliation_window=60)


def test_a_changed_membership_needs_a_full_run(episodes):
    registry = next(episodes.records.glob("entities/*organisation*"), None) or next(
        path for path in (episodes.records / "entities").glob("*.yaml") if "members:" in path.read_text(encoding="utf-8"))
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    members = next(org for org in data["organisations"] if org.get("members"))["members"]
    members[0]["until"] = "2001-01-01" if str(members[0]["from"]) < "2001-01-01" else str(members[0]["from"])
    registry.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert load(episodes.store, [episodes.records]).ok
    result = reason(episodes.store)
    assert not result.incremental and "membership" in result.full_because


def test_a_change_reaching_too_many_acts_is_a_full_run(episodes, monkeypatch):
    # Czechia's expulsion of 18 reaches the acts between Czechia and Russia and those against
    # Russia within the windows: a dozen of the 125 shipped acts, more than 1 %
    monkeypatch.setattr(incremental, "LARGEST_REGION", 0.01)
    _recount(episodes)
    episodes.write()
    result = reason(episodes.store)
    assert not result.incremental and "full run is faster" in result.full_because


def test_synthetic_records_updated_after_acts_added_and_removed(tmp_path):
    generate(tmp_path / "synthetic", 1000, seed=3)
    records = tmp_path / "synthetic" / "records"
    store = EmbeddedStore(tmp_path / "store")
    try:
        assert load(store, [records]).ok
        reason(store)
        truth = json.loads((tmp_path / "synthetic" / "truth.json").read_text(encoding="utf-8"))
        extra = truth["incremental"]
        path = records / extra["file"]
        path.write_text(path.read_text(encoding="utf-8") + yaml.safe_dump([extra["act"]], sort_keys=False),
                        encoding="utf-8")
        # and three acts that no act answers removed from another month's file
        files = sorted(p for p in records.rglob("*.yaml") if p.parent.name != "entities")
        documents = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in files}
        answered = {trigger for doc in documents.values() for act in doc.get("acts") or []
                    for trigger in act.get("in_response_to") or []}
        other = next(p for p in files[len(files) // 3:] if p != path)
        text = documents[other]
        acts = text["acts"]
        removable = [act for act in acts if act["id"] not in answered]
        for act in random.Random(3).sample(removable, min(3, len(removable))):
            acts.remove(act)
        other.write_text(yaml.safe_dump(text, sort_keys=False, allow_unicode=True), encoding="utf-8")
        assert load(store, [records]).ok
        result = reason(store)
        assert result.incremental and result.region_acts < 100, result.full_because
        assert _inferred(store) == _as_full_run_gives(store, tmp_path)
    finally:
        store.close()


def test_the_reason_command_says_what_it_updated_and_reasons_whole_when_asked(episodes):
    from typer.testing import CliRunner

    from diplograph.cli import app

    _recount(episodes)
    episodes.write()
    episodes.store.close()
    store = str(episodes.tmp_path / "store")
    env = {"NO_COLOR": "1", "COLUMNS": "200"}
    updated = CliRunner().invoke(app, ["reason", "--store", store], env=env)
    assert updated.exit_code == 0, updated.stderr
    assert "brought the last run up to date: 1 resource changed since" in updated.stdout
    assert "acts reasoned over again" in updated.stdout
    whole = CliRunner().invoke(app, ["reason", "--full", "--store", store], env=env)
    assert whole.exit_code == 0, whole.stderr
    assert "up to date" not in whole.stdout and "OWL passes" in whole.stdout
    episodes.store = EmbeddedStore(Path(store))


def test_the_temporal_rules_read_of_the_owl_consequences_only_types_by_subclass():
    """An update runs the temporal rules over its region with cax-sco alone before them (what
    rule 10 reads: conciliatory acts); that holds while no property gives a conciliatory type by
    its domain or range, and the rules read nothing else of the inferred graph but their own."""
    from rdflib import Graph, RDFS, URIRef

    from diplograph.reasoning.reference import schema_closure

    schema = schema_closure(Graph().parse(Path(__file__).resolve().parent.parent / "ontology" / "diplograph.ttl"))
    conciliatory = set(schema.subjects(RDFS.subClassOf, URIRef("https://w3id.org/diplograph/ontology#ConciliatoryAct")))
    assert len(conciliatory) >= 4
    given = {c for axis in (RDFS.domain, RDFS.range) for c in schema.objects(None, axis)}
    assert not conciliatory & given
    inferred_block = re.compile(r"GRAPH <https://w3id\.org/diplograph/graph/inferred> \{([^{}]*)\}")
    rules = sorted((Path(__file__).resolve().parent.parent / "ontology" / "rules").glob("*.rq"))
    read, written = set(), set()
    for rule in rules:
        text = "\n".join(line for line in rule.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
        templates = re.findall(r"INSERT\s*\{(.*?)\}\s*WHERE", text, re.S)
        for template in templates:
            for block in inferred_block.findall(template):
                written |= set(re.findall(r"dg:\w+", block))
            text = text.replace(template, "")
        for block in inferred_block.findall(text):
            read |= set(re.findall(r"dg:\w+", block))
    assert read - written == {"dg:ConciliatoryAct"}

"""Reasoning over a store on disk in a working copy in memory (reasoning/working_copy.py): the
same inferred graph as reasoning in place, only the difference written back, and a write that
fails or dies half-way leaves a store without inferences, never a part of them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.reasoning import reason
from diplograph.reasoning.working_copy import WHERE, copy_of, in_memory, write_back
from diplograph.store.embedded import REASONING_WRITE_MARKER, EmbeddedStore, InterruptedLoadError

RECORDS = Path(__file__).resolve().parent.parent / "records"
EPISODES = [RECORDS / "entities", RECORDS / "2021-vrbetice.yaml", RECORDS / "2023-russia-estonia-latvia.yaml"]

_RUNS = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?run ?current WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?run a dg:ReasoningRun ; dg:isCurrentRun ?current ; <http://www.w3.org/ns/prov#endedAtTime> ?ended } }"""


def _inferred(store: EmbeddedStore) -> set[str]:
    """The inferred graph as N-Triples lines, the run's IRI (a time stamp) left out."""
    return {re.sub(r"id/run/[^>]+", "RUN", line)
            for line in store.dump([Graphs.INFERRED], "nt").decode("utf-8").splitlines() if line.strip()}


def _tbox(store: EmbeddedStore) -> Graph:
    return Graph().parse(data=store.dump([Graphs.TBOX], "nt"), format="nt")


def test_a_working_copy_infers_what_reasoning_in_place_infers(shipped_on_disk):
    in_place, copied = shipped_on_disk("in-place"), shipped_on_disk("copied")
    try:
        by_rules = reason(in_place, in_memory=False)
        by_copy = reason(copied, in_memory=True)
        assert _inferred(copied) == _inferred(in_place)
        assert by_copy.inferred_triples == by_rules.inferred_triples > 4000
        assert (by_copy.retaliations, by_copy.solidarity, by_copy.chains, by_copy.level_changes) == (
            by_rules.retaliations, by_rules.solidarity, by_rules.chains, by_rules.level_changes)
        assert isomorphic(_tbox(copied), _tbox(in_place))
        # one run node, complete and current, as in place
        runs = copied.select(_RUNS).rows
        assert len(runs) == 1 and str(runs[0][0]) == by_copy.run and runs[0][1].toPython() is True
        # nothing of the copy's working graphs reaches the disk
        assert {str(g) for g in copied.named_graphs()} == {str(g) for g in in_place.named_graphs()}
    finally:
        in_place.close()
        copied.close()


def test_reasoning_again_writes_back_only_the_difference_and_drops_what_no_longer_follows(shipped_on_disk):
    store = shipped_on_disk("store")
    try:
        first = reason(store, in_memory=True)
        # the same again: at most the run node and each link's run (prov:wasGeneratedBy) differ
        # (none of them when both runs began in the same second: the run's IRI is the same)
        copy = copy_of(store)
        again = reason(copy)
        deleted, written = write_back(copy, store)
        links = again.retaliations + again.solidarity
        assert deleted == written <= links + 20 < first.inferred_triples / 4
        # a window of 0 days: most links go, and what is on disk is what reasoning in place gives
        narrow = reason(store, window=0, in_memory=True)
        assert narrow.retaliations < first.retaliations
        fresh = EmbeddedStore(None)
        fresh.engine.extend(store.engine.quads_for_pattern(None, None, None, ox.NamedNode(str(Graphs.ASSERTED))))
        fresh.engine.extend(store.engine.quads_for_pattern(None, None, None, ox.NamedNode(str(Graphs.ONTOLOGY))))
        reason(fresh, window=0)
        assert _inferred(store) == _inferred(fresh)
    finally:
        store.close()


class _FailingEngine:
    """The store's engine, whose bulk write fails at its first quad: the deletions of the
    write-back are done by then, so the store holds half of the new results."""

    def __init__(self, engine: ox.Store, exit_code: int | None = None):
        self._engine, self._exit_code = engine, exit_code

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def __contains__(self, quad) -> bool:
        return quad in self._engine

    def __len__(self) -> int:
        return len(self._engine)

    def bulk_extend(self, quads):
        def some():
            for number, quad in enumerate(quads):
                if number == 0:
                    if self._exit_code is not None:
                        self._engine.flush()
                        import os
                        os._exit(self._exit_code)
                    raise OSError("disk full")
                yield quad
        self._engine.bulk_extend(some())


def test_a_write_back_that_fails_leaves_a_store_without_inferences(shipped_on_disk):
    store = shipped_on_disk("store")
    try:
        reason(store, in_memory=True)
        asserted = store.count(Graphs.ASSERTED)
        store._store = _FailingEngine(store._store)
        with pytest.raises(OSError, match="disk full"):
            reason(store, window=10, in_memory=True)
        store._store = store._store._engine
        assert store.count(Graphs.INFERRED) == store.count(Graphs.TBOX) == 0
        assert store.select(_RUNS).rows == []
        assert store.count(Graphs.ASSERTED) == asserted
        assert not (Path(store.location) / REASONING_WRITE_MARKER).exists()
    finally:
        store.close()


def test_an_exception_while_reasoning_in_the_copy_leaves_the_store_as_it_was(shipped_on_disk, monkeypatch):
    store = shipped_on_disk("store")
    try:
        reason(store, in_memory=True)
        before = sorted(str(quad) for quad in store.engine)

        def broken(*args, **kwargs):
            raise RuntimeError("a rule failed")

        monkeypatch.setattr("diplograph.reasoning.apply_once", broken)
        with pytest.raises(RuntimeError, match="a rule failed"):
            reason(store, in_memory=True, full=True)
        assert sorted(str(quad) for quad in store.engine) == before
    finally:
        store.close()


_DIE_IN_THE_MIDDLE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_working_copy import _FailingEngine
from diplograph.reasoning import reason
from diplograph.store.embedded import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]))
store._store = _FailingEngine(store._store, exit_code=9)
reason(store, in_memory=True)
"""


def test_a_process_that_dies_while_writing_inferences_leaves_them_dropped_when_next_opened(shipped, tmp_path):
    location = tmp_path / "store"
    shutil.copytree(shipped.path, location)
    died = subprocess.run([sys.executable, "-c", _DIE_IN_THE_MIDDLE, str(location), str(Path(__file__).parent)],
                          capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    assert (location / REASONING_WRITE_MARKER).exists()
    with pytest.raises(InterruptedLoadError, match="interrupted"):
        EmbeddedStore(location, read_only=True)
    reopened = EmbeddedStore(location)
    try:
        assert reopened.count(Graphs.INFERRED) == reopened.count(Graphs.TBOX) == 0
        assert reopened.select(_RUNS).rows == []
        assert reopened.count(Graphs.ASSERTED) == shipped.final.triples
        assert not (location / REASONING_WRITE_MARKER).exists()
    finally:
        reopened.close()


def test_where_reasoning_runs(store, monkeypatch):
    monkeypatch.delenv(WHERE, raising=False)
    assert in_memory(store) is True  # on disk and small
    assert in_memory(store, False) is False
    assert in_memory(EmbeddedStore(None), True) is False  # already in memory
    monkeypatch.setenv(WHERE, "store")
    assert in_memory(store) is False
    assert in_memory(store, True) is True
    monkeypatch.setenv(WHERE, "memory")
    assert in_memory(store) is True
    monkeypatch.setenv(WHERE, "ram")
    with pytest.raises(ValueError, match="DIPLOGRAPH_REASON_IN"):
        in_memory(store)


def test_a_small_store_of_episodes_is_reasoned_in_a_copy_by_default(tmp_path, monkeypatch):
    """The default path of 'diplograph reason' on a store on disk."""
    monkeypatch.delenv(WHERE, raising=False)
    store = EmbeddedStore(tmp_path / "store")
    try:
        assert load(store, EPISODES).ok
        result = reason(store)
        assert result.retaliations > 5 and store.count(Graphs.INFERRED) == result.inferred_triples
        left = {str(g) for g in store.named_graphs()}
        assert not {g for g in left if g.endswith(("/delta-a", "/delta-b", "/reasoning-control", "/scratch"))}
    finally:
        store.close()


def test_the_reason_command_reasons_in_place_in_memory_or_in_parts_as_asked(shipped_on_disk, monkeypatch):
    from typer.testing import CliRunner

    from diplograph.cli import app

    chooser = sys.modules["diplograph.reasoning.working_copy"]
    chosen = []
    real = chooser.placement
    monkeypatch.setattr(chooser, "placement", lambda store, choice=None: chosen.append(real(store, choice)) or chosen[-1])
    store = shipped_on_disk("store")
    location = store.location
    store.close()
    for flag in ("--in-place", "--in-memory", "--in-parts"):
        result = CliRunner().invoke(app, ["reason", flag, "--full", "--store", location])
        assert result.exit_code == 0, result.output
        assert "retaliations" in result.output
    assert chosen == ["store", "memory", "parts"]
    result = CliRunner().invoke(app, ["reason", "--in-parts", "--in-memory", "--store", location])
    assert result.exit_code != 0 and "--in-parts" in result.output


@pytest.fixture
def oxigraph_store(tmp_path):
    from diplograph.store.remote import RemoteStore
    from server_support import oxigraph_server

    with oxigraph_server(tmp_path / "oxigraph") as url:
        store = RemoteStore(url, timeout=300)
        assert load(store, [RECORDS]).ok
        yield store


def _graph_names(store) -> set[str]:
    return {str(g) for g in store.named_graphs()}


def test_a_remote_store_reasoned_in_a_working_copy_holds_what_the_rules_infer_in_the_server(
        oxigraph_store, shipped_on_disk, monkeypatch):
    monkeypatch.delenv(WHERE, raising=False)
    assert in_memory(oxigraph_store) is False  # by default the rules run inside the server
    in_server = shipped_on_disk("in-place")
    try:
        expected = reason(in_server, in_memory=False)
        expected_graphs = _graph_names(in_server)
        expected_inferred = _inferred(in_server)
    finally:
        in_server.close()
    got = reason(oxigraph_store, in_memory=True)
    assert _inferred(oxigraph_store) == expected_inferred
    assert (got.inferred_triples, got.retaliations, got.solidarity) == (
        expected.inferred_triples, expected.retaliations, expected.solidarity)
    runs = oxigraph_store.select(_RUNS).rows
    assert len(runs) == 1 and str(runs[0][0]) == got.run
    assert _graph_names(oxigraph_store) == expected_graphs  # no staging graph left

    # the final update fails: the server keeps the previous results, and no staging graph
    before = _inferred(oxigraph_store)
    real = type(oxigraph_store).update

    def refusing(self, text):
        if "ADD SILENT" in text:
            raise OSError("connection reset")
        return real(self, text)

    monkeypatch.setattr(type(oxigraph_store), "update", refusing)
    with pytest.raises(OSError, match="connection reset"):
        reason(oxigraph_store, window=0, in_memory=True)
    monkeypatch.undo()
    assert _inferred(oxigraph_store) == before
    assert _graph_names(oxigraph_store) == expected_graphs

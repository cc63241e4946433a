"""A load of several batches (more record text than BATCH_BYTES) checks, builds and spools
each batch on its own and writes them together at the end: it must write what a load of one
batch writes, report what it reports, and leave nothing behind."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

import pytest
from load_support import provenance_but_load_runs

from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.store.embedded import EmbeddedStore

loader = importlib.import_module("diplograph.loader.load")
pending = importlib.import_module("diplograph.loader.pending")


def _content(store: EmbeddedStore) -> tuple[list[str], list[str], int]:
    asserted = sorted(store.dump([Graphs.ASSERTED], "nquads").decode("utf-8").splitlines())
    provenance = provenance_but_load_runs(store)
    return asserted, provenance, store.count(Graphs.ONTOLOGY)


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch) -> Path:
    """The system's temporary directory, watched by the tests (an embedded store on disk keeps
    the spool in its own directory, and leaves nothing here either)."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def _spools(store: EmbeddedStore) -> list[Path]:
    return list(Path(store.location).glob(pending.SPOOL_PREFIX + "*"))


@pytest.fixture(scope="module")
def one_batch(tmp_path_factory, records_dir: Path):
    store = EmbeddedStore(tmp_path_factory.mktemp("one-batch") / "store")
    result = load(store, [records_dir])
    assert result.ok, str(result.report)
    yield result, _content(store)
    store.close()


def test_the_shipped_records_in_a_batch_per_file_give_what_one_batch_gives(one_batch, records_dir, tmp_path,
                                                                            monkeypatch, spool_dir):
    monkeypatch.setattr(loader, "BATCH_BYTES", 1)
    files = loader.record_files([records_dir])
    said: list[str] = []
    store = EmbeddedStore(tmp_path / "store")
    try:
        result = load(store, [records_dir], progress=said.append)
        assert result.ok, str(result.report)
        assert any(f"batch {len(files)} of {len(files)}" in message for message in said)
        single, single_content = one_batch
        assert _content(store) == single_content
        assert (result.acts, sorted(result.written)) == (single.acts, sorted(single.written))
        # one batch counts each asserted triple once; batches count a triple that two of
        # them assert (a dyad described by two files) in each
        assert single.triples == store.count(Graphs.ASSERTED) <= result.triples
        assert list(spool_dir.iterdir()) == [] and _spools(store) == []
    finally:
        store.close()


def test_batches_into_a_store_that_holds_records_go_through_the_staging_graphs_in_pieces(
        one_batch, records_dir, tmp_path, monkeypatch, spool_dir):
    store = EmbeddedStore(tmp_path / "store")
    try:
        assert load(store, [records_dir]).ok
        monkeypatch.setattr(loader, "BATCH_BYTES", 200_000)
        monkeypatch.setattr(pending, "PIECE_BYTES", 4096)
        sent: list[tuple[str, bytes]] = []
        add_to_graph = store.add_to_graph

        def counting(graph, data):
            sent.append((str(graph), data))
            return add_to_graph(graph, data)

        monkeypatch.setattr(store, "add_to_graph", counting)
        result = load(store, [records_dir], force=True)
        assert result.ok, str(result.report)
        pieces = [data for graph, data in sent if graph == str(Graphs.STAGING_ASSERTED)]
        assert len(pieces) > 10 and all(len(data) < 4096 + 10_000 and data.endswith(b" .\n") for data in pieces)
        assert _content(store) == one_batch[1]
        assert list(spool_dir.iterdir()) == [] and _spools(store) == []
    finally:
        store.close()


def test_a_failed_batch_writes_none_of_the_batches_that_passed(synthetic, store, snapshot, monkeypatch, spool_dir):
    monkeypatch.setattr(loader, "BATCH_BYTES", 1)
    synthetic.episode(name="a-good-episode")
    synthetic.episode(synthetic.act("z-act", actor="CZE"), name="z-broken-episode", episode_id="z-broken")
    result = load(store, [synthetic.dir])
    assert not result.ok
    assert any("unknown state 'CZE'" in str(m) for m in result.report.errors)
    assert snapshot(store) == []
    assert list(spool_dir.iterdir()) == [] and _spools(store) == []


def test_what_a_killed_load_spooled_is_removed_by_the_next_load_into_the_store(synthetic, store, monkeypatch):
    monkeypatch.setattr(loader, "BATCH_BYTES", 1)
    stale = Path(store.location) / (pending.SPOOL_PREFIX + "killed")
    stale.mkdir()
    (stale / "asserted.nt").write_bytes(b"<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n")
    synthetic.episode()
    assert load(store, [synthetic.dir]).ok
    assert not stale.exists() and _spools(store) == []


def test_an_answer_to_an_act_of_a_later_batch_resolves_and_is_checked_against_its_date(synthetic, store, monkeypatch):
    monkeypatch.setattr(loader, "BATCH_BYTES", 1)
    synthetic.episode(synthetic.act("a-answer", announced="2021-05-01", in_response_to=["z-trigger"]),
                      name="a-episode", episode_id="a-episode")
    synthetic.episode(synthetic.act("z-trigger", announced="2021-04-01"), name="z-episode", episode_id="z-episode")
    assert load(store, [synthetic.dir], dry_run=True).ok
    synthetic.episode(synthetic.act("z-trigger", announced="2021-06-01"), name="z-episode", episode_id="z-episode")
    result = load(store, [synthetic.dir])
    assert any("'z-trigger' was announced on 2021-06-01, after this act (2021-05-01)" in str(m)
               for m in result.report.errors), str(result.report)


def test_a_file_changed_between_the_two_parses_of_its_batch_is_reported(synthetic, store, snapshot, monkeypatch):
    monkeypatch.setattr(loader, "BATCH_BYTES", 1)
    path = synthetic.episode(name="z-episode")

    def edit_on_second_parse(message: str) -> None:
        if "parsing 1 record files again" in message and "z-episode" not in edited:
            path.write_text(path.read_text(encoding="utf-8").replace("persons: 18", "persons: 19"), encoding="utf-8")
            edited.append("z-episode")

    edited: list[str] = []
    result = load(store, [synthetic.dir], progress=edit_on_second_parse)
    assert edited and not result.ok
    assert any(m.text.startswith("the file changed while it was being loaded") and m.file.endswith("z-episode.yaml")
               for m in result.report.errors), str(result.report)
    assert snapshot(store) == []

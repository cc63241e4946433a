"""Reasoning a store on disk in parts (reasoning/in_parts.py): the OWL stage closes the asserted
graph a few quads at a time, the temporal rules run in a projection in memory, and the inferred
graph is the one a working copy gives, triple for triple."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from diplograph.namespaces import Graphs
from diplograph.reasoning import in_parts, reason
from diplograph.reasoning.native_owl import compile_tables
from diplograph.reasoning.working_copy import IN_PLACE, MEMORY, PARTS, WHERE, placement
from diplograph.store import embedded
from diplograph.store.embedded import REASONING_WRITE_MARKER, EmbeddedStore


def _inferred(store: EmbeddedStore) -> set[str]:
    """The inferred graph as N-Triples lines, the run's IRI (a time stamp) left out."""
    return {re.sub(r"id/run/[^>]+", "RUN", line)
            for line in store.dump([Graphs.INFERRED], "nt").decode("utf-8").splitlines() if line.strip()}


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of 300 quads: the shipped records fall into some twenty of them."""
    monkeypatch.setattr(in_parts, "PART_QUADS", 300)
    parts = []
    closing = in_parts.owl_in_parts

    def counted(engine, schema, **options):
        parts.append(closing(engine, schema, **options))
        return parts[-1]

    monkeypatch.setattr(in_parts, "owl_in_parts", counted)
    return parts


def test_reasoning_in_parts_infers_what_a_working_copy_infers(shipped_on_disk, small_parts):
    copied, parted = shipped_on_disk("copied"), shipped_on_disk("parted")
    try:
        by_copy = reason(copied, in_memory=True)
        by_parts = reason(parted, in_memory=PARTS)
        assert small_parts and small_parts[0] > 15
        assert _inferred(parted) == _inferred(copied)
        assert by_parts.inferred_triples == by_copy.inferred_triples == parted.count(Graphs.INFERRED) > 4000
        assert (by_parts.retaliations, by_parts.solidarity, by_parts.chains, by_parts.level_changes) == (
            by_copy.retaliations, by_copy.solidarity, by_copy.chains, by_copy.level_changes)
        assert by_parts.consistent
        assert not (Path(parted.location) / REASONING_WRITE_MARKER).exists()
        # nothing of the temporal rules' working graphs is left on disk
        assert {str(g) for g in parted.named_graphs()} <= {str(g) for g in copied.named_graphs()}
    finally:
        copied.close()
        parted.close()


def test_reasoning_in_parts_on_generated_records(generated, tmp_path, monkeypatch):
    """1,000 generated acts (solidarity waves, chains, same-day acts) in parts of 5,000 quads."""
    monkeypatch.setattr(in_parts, "PART_QUADS", 5000)
    loaded = generated(1000, seed=3)
    stores = {}
    for where in (MEMORY, PARTS):
        stores[where] = EmbeddedStore(tmp_path / where)
        stores[where].engine.bulk_extend(loaded.engine.quads_for_pattern(None, None, None, None))
    try:
        results = {where: reason(store, in_memory=where) for where, store in stores.items()}
        assert _inferred(stores[PARTS]) == _inferred(stores[MEMORY])
        assert results[PARTS].retaliations == results[MEMORY].retaliations > 100
        assert results[PARTS].solidarity == results[MEMORY].solidarity > 50
    finally:
        for store in stores.values():
            store.close()


def test_reasoning_again_in_parts_keeps_what_is_still_inferred_and_deletes_the_rest(shipped_on_disk):
    """A second full run leaves the first run's inferred graph on disk, writes what is new and
    deletes what it no longer infers (each link's prov:wasGeneratedBy names the first run):
    deleting 33 million quads a piece at a time would cost more than the run."""
    store = shipped_on_disk("twice")
    try:
        first = reason(store, in_memory=PARTS)
        before = _inferred(store)
        second = reason(store, in_memory=PARTS, full=True)
        assert _inferred(store) == before
        assert second.inferred_triples == first.inferred_triples == store.count(Graphs.INFERRED)
        assert second.run != first.run
        assert first.run not in store.dump([Graphs.INFERRED], "nt").decode("utf-8")
    finally:
        store.close()


def test_reasoning_again_in_parts_with_other_windows_gives_a_fresh_runs_graph(shipped_on_disk):
    """What the last run inferred with a window of 90 days and a run with 10 days does not
    (longer answers, their links, chains and proportions) goes; the rest stays."""
    again, fresh = shipped_on_disk("again"), shipped_on_disk("fresh")
    try:
        reason(again, in_memory=PARTS)
        wide = again.count(Graphs.INFERRED)
        narrow = reason(again, in_memory=PARTS, full=True, retaliation_window=10, solidarity_window=5)
        expected = reason(fresh, in_memory=True, retaliation_window=10, solidarity_window=5)
        assert _inferred(again) == _inferred(fresh)
        assert narrow.inferred_triples == expected.inferred_triples < wide
        assert narrow.retaliations == expected.retaliations
    finally:
        again.close()
        fresh.close()


def test_forgetting_deletes_the_inferred_graph_in_pieces(shipped_on_disk, monkeypatch):
    """DROP GRAPH is one transaction, which holds every deletion in memory."""
    monkeypatch.setattr(embedded, "_FORGET_PIECE", 300)
    store = shipped_on_disk("forget")
    try:
        reason(store, in_memory=PARTS)
        assert store.count(Graphs.INFERRED) > 4000
        store.forget_reasoning()
        assert store.count(Graphs.INFERRED) == 0
        assert not store.ask("ASK { GRAPH ?g { ?run a <https://w3id.org/diplograph/ontology#ReasoningRun> } }")
    finally:
        store.close()


def test_the_shipped_chains_are_drawn_within_a_part(shipped_on_disk):
    """An act's actor and target, a membership's member and organisation: both links of each
    chain come from the triples of the node between them."""
    from diplograph.reasoning.tbox import compile_schema

    copy = shipped_on_disk("chains")
    try:
        compile_schema(copy)
        schema = compile_tables(copy.engine)
        assert schema.chains_by_first  # the ontology declares chains
        assert in_parts.chains_local(copy.engine, schema) is None
        # a first link asserted from its first node (a state's dg:performed) could meet its second
        # link in another part: the OWL stage then runs in place
        state = next(copy.engine.quads_for_pattern(None, ox.NamedNode("https://w3id.org/diplograph/ontology#actor"), None, None))
        copy.engine.add(ox.Quad(state.object, ox.NamedNode("https://w3id.org/diplograph/ontology#performed"),
                                state.subject, ox.NamedNode(str(Graphs.ASSERTED))))
        assert "performed" in in_parts.chains_local(copy.engine, schema)
    finally:
        copy.close()


def test_a_chain_link_asserted_across_parts_still_gives_the_working_copys_triples(shipped_on_disk, small_parts):
    """With a link that parts could miss, the OWL stage runs in place: the same triples."""
    copied, parted = shipped_on_disk("copied"), shipped_on_disk("parted")
    performed = ox.NamedNode("https://w3id.org/diplograph/ontology#performed")
    try:
        for store in (copied, parted):
            act = next(store.engine.quads_for_pattern(None, ox.NamedNode("https://w3id.org/diplograph/ontology#actor"),
                                                      None, ox.NamedNode(str(Graphs.ASSERTED))))
            store.engine.add(ox.Quad(act.object, performed, act.subject, ox.NamedNode(str(Graphs.ASSERTED))))
        reason(copied, in_memory=True)
        reason(parted, in_memory=PARTS)
        assert not small_parts  # declined: in place
        assert _inferred(parted) == _inferred(copied)
    finally:
        copied.close()
        parted.close()


def test_a_failure_in_parts_leaves_the_store_as_if_never_reasoned(shipped_on_disk, monkeypatch):
    store = shipped_on_disk("failing")
    try:
        reason(store, in_memory=PARTS)
        assert store.count(Graphs.INFERRED) > 4000

        def fail(*args):
            raise RuntimeError("disk full")

        monkeypatch.setattr(in_parts, "write_new", fail)
        with pytest.raises(RuntimeError, match="disk full"):
            reason(store, in_memory=PARTS, full=True)
        assert store.count(Graphs.INFERRED) == 0
        assert store.count(Graphs.TBOX) == 0
        assert not store.ask("ASK { GRAPH ?g { ?run a <https://w3id.org/diplograph/ontology#ReasoningRun> } }")
        assert not (Path(store.location) / REASONING_WRITE_MARKER).exists()
    finally:
        store.close()


def test_a_store_too_large_for_a_working_copy_is_reasoned_in_parts(shipped_on_disk, monkeypatch):
    working_copy = importlib.import_module("diplograph.reasoning.working_copy")
    monkeypatch.delenv(WHERE, raising=False)
    store = shipped_on_disk("large")
    try:
        assert placement(store) == MEMORY
        monkeypatch.setattr(working_copy, "_available_memory", lambda: 1_000_000)
        assert placement(store) == PARTS
        assert placement(store, True) == MEMORY
        assert placement(store, False) == IN_PLACE
        assert placement(EmbeddedStore(None), PARTS) == IN_PLACE  # already in memory
        monkeypatch.setenv(WHERE, "parts")
        assert placement(store) == PARTS
        monkeypatch.setenv(WHERE, "disk")
        with pytest.raises(ValueError, match="'parts'"):
            placement(store)
    finally:
        store.close()


def test_the_projection_names_what_the_temporal_rules_read():
    named = in_parts.named_in(["PREFIX dg: <https://w3id.org/diplograph/ontology#>\n"
                               "SELECT * WHERE { ?a dg:announcementDay ?d ; a dg:ConciliatoryAct . "
                               "?a <http://www.w3.org/ns/prov#wasGeneratedBy> ?r FILTER (?d < ?e) }"])
    assert {t.value for t in named} == {"https://w3id.org/diplograph/ontology#announcementDay",
                                       "https://w3id.org/diplograph/ontology#ConciliatoryAct",
                                       "http://www.w3.org/ns/prov#wasGeneratedBy"}


def _gathered(store: EmbeddedStore) -> in_parts.PartsRun:
    """The OWL stage of a run in parts, as ``reason`` begins it."""
    from diplograph.reasoning.native_owl import closure
    from diplograph.reasoning.tbox import compile_schema

    run = in_parts.PartsRun()
    token = in_parts.IN_PARTS.set(run)
    try:
        in_parts.forget(store)
        compile_schema(store)
        closure(store, full=True)
    finally:
        in_parts.IN_PARTS.reset(token)
    return run


def test_the_projection_gathered_part_by_part_is_the_one_read_out_of_the_store(shipped_on_disk, small_parts):
    """The OWL stage hands the temporal rules what they read of each part, so that the store
    is not read a second time: the same quads as a projection copied out of the store, and the
    same again over a store that holds the last run's inferences (which are not written again)."""
    fresh, reasoned = shipped_on_disk("fresh"), shipped_on_disk("reasoned")
    try:
        reason(reasoned, in_memory=PARTS)
        first, again = _gathered(fresh), _gathered(reasoned)
        assert small_parts and first.projection is not None and again.projection is not None
        assert not first.previous and again.previous
        gathered = set(first.projection.engine)
        assert gathered == set(in_parts.projected_copy(fresh, compile_tables(fresh.engine)).engine)
        assert any(quad.graph_name == ox.NamedNode(str(Graphs.INFERRED)) for quad in gathered)
        # (the compiled schemas' lists are blank nodes of their own in each store)
        data = (ox.NamedNode(str(Graphs.ASSERTED)), ox.NamedNode(str(Graphs.INFERRED)))
        assert {q for q in again.projection.engine if q.graph_name in data} == {q for q in gathered if q.graph_name in data}
    finally:
        fresh.close()
        reasoned.close()


def test_a_store_whose_temporal_rules_would_not_fit_is_refused_before_anything_is_written(shipped_on_disk, monkeypatch):
    """The temporal rules run in one projection of the graph: at a million acts the process was
    killed at 24 GB. Such a store is refused at once, with the figures, and left as it was."""
    working_copy = importlib.import_module("diplograph.reasoning.working_copy")
    store = shipped_on_disk("refused")
    try:
        before = store.count(Graphs.ASSERTED)
        monkeypatch.setattr(working_copy, "_available_memory", lambda: before * in_parts.BYTES_PER_ASSERTED_QUAD // 2)
        with pytest.raises(in_parts.TooLargeForParts, match=f"{before:,} asserted quads.*--in-place"):
            reason(store, in_memory=PARTS)
        assert store.count(Graphs.INFERRED) == 0
        assert not store.ask("ASK { GRAPH ?g { ?run a <https://w3id.org/diplograph/ontology#ReasoningRun> } }")
        # the OWL stage alone runs in parts of any size
        reason(store, in_memory=PARTS, temporal=False)
        assert store.count(Graphs.INFERRED) > 1000
    finally:
        store.close()

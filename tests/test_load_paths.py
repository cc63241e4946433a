"""The loader's fast paths give what the plain ones give: the SHACL shapes validated in
chunks by worker processes report what one graph reports, and the bulk write into an
empty store is all or nothing, even when the process dies in the middle of it."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from diplograph import namespaces as ns
from diplograph.loader import load
from diplograph.loader import shapes as shapes_module
from diplograph.loader import workers as workers_module
from diplograph.loader.rdf import build
from diplograph.loader.report import Report
from diplograph.loader.yamlfile import parse
from diplograph.namespaces import DG
from diplograph.store.embedded import BULK_WRITE_MARKER, EmbeddedStore, InterruptedLoadError

loader = importlib.import_module("diplograph.loader.load")
RECORDS = Path(__file__).resolve().parents[1] / "records"


def _built_shipped_records():
    files = loader.record_files([RECORDS])
    docs = [(parse(path, loader._display(path)), loader._relative(path)) for path in files]
    return build(docs, {})


def _shape_messages(parts, **options) -> list[str]:
    report = Report()
    shapes_module.check_shapes(parts, Graph(), report, fallback_file="", **options)
    return [str(m) for m in report.sorted()]


def test_chunks_in_worker_processes_report_what_one_graph_reports():
    built = _built_shipped_records()
    # Break the shapes in ways the structure checks cannot see, some of them across
    # files: an answer to a citation (not an act) of another file, an act with its
    # citations gone, an episode without its title.
    parts = list(built.values())
    acts = [t[0] for part in parts for t in part.asserted if t[1] == DG.announcementDay]
    citations = [t[0] for part in parts for t in part.asserted if t[1] == RDF.type and t[2] == DG.Citation]
    episodes = [part for part in parts if any(t[1] == DG.announcementDay for t in part.asserted)]
    first, last = episodes[0], episodes[-1]
    answering = next(t[0] for t in first.asserted if t[1] == DG.announcementDay)
    foreign_citation = next(c for c in citations if any(t[0] == c for t in last.asserted))
    first.asserted.append((answering, DG.inResponseTo, foreign_citation))
    uncited = acts[len(acts) // 2]
    for part in parts:
        part.asserted[:] = [t for t in part.asserted if not (t[0] == uncited and t[1] == DG.hasCitation)]
    episode = next(t[0] for t in last.asserted if t[1] == RDF.type and t[2] == DG.Episode)
    last.asserted[:] = [t for t in last.asserted if not (t[0] == episode and t[1] == RDFS.label)]

    whole = _shape_messages(parts, workers=1, chunk_subjects=10**9)
    chunked = _shape_messages(parts, workers=2, chunk_subjects=40)
    assert chunked == whole
    errors = [m for m in whole if m.startswith("[ERROR]")]
    assert len(errors) == 3, "\n".join(whole)
    assert any("inResponseTo" in m for m in errors)
    assert any("hasCitation" in m for m in errors)
    assert any("label: An episode has a title" in m for m in errors)


def test_chunks_of_good_records_find_every_reference_across_chunks():
    parts = list(_built_shipped_records().values())
    assert _shape_messages(parts, workers=2, chunk_subjects=7) == _shape_messages(parts, workers=1)
    assert not [m for m in _shape_messages(parts, workers=2, chunk_subjects=7) if not m.startswith("[INFO]")]


def test_the_project_shapes_can_be_validated_in_chunks_and_other_shapes_may_not():
    assert shapes_module.shapes_are_local()
    shapes = shapes_module.shapes_graph()

    def widened(*triples) -> Graph:
        graph = Graph()
        graph += shapes
        for triple in triples:
            graph.add(triple)
        return graph

    act_shape = URIRef("https://w3id.org/diplograph/shapes#ActShape")
    some_property_shape = next(shapes.objects(act_shape, SH.property))
    assert shapes_module._local(widened())
    # a shape applied to the value nodes reads their triples, which another chunk holds
    assert not shapes_module._local(widened((some_property_shape, SH.node, act_shape)))
    # so does a target of objects
    assert not shapes_module._local(widened((act_shape, SH.targetObjectsOf, DG.inResponseTo)))


def test_worker_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(workers_module.WORKERS_VARIABLE, "3")
    assert workers_module.worker_count() == 3
    monkeypatch.setenv(workers_module.WORKERS_VARIABLE, "three")
    with pytest.raises(ValueError, match=workers_module.WORKERS_VARIABLE):
        workers_module.worker_count()


# ---------------------------------------------------------------------------
# The bulk write into an empty store
# ---------------------------------------------------------------------------

GRAPH = ox.NamedNode(str(ns.Graphs.ASSERTED))


def _quads(n: int):
    for i in range(n):
        yield ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
                      ox.Literal(str(i)), GRAPH)


def test_bulk_write_fills_an_empty_store_and_refuses_a_filled_one(store, snapshot):
    assert store.add_quads_in_bulk(_quads(50))
    assert len(snapshot(store)) == 50
    assert not store.add_quads_in_bulk(_quads(60))
    assert len(snapshot(store)) == 50
    assert not (Path(store.location) / BULK_WRITE_MARKER).exists()


def test_bulk_write_that_fails_leaves_the_store_empty(store, snapshot):
    def failing():
        yield from _quads(1000)
        raise OSError("the disk is full")

    with pytest.raises(OSError, match="disk is full"):
        store.add_quads_in_bulk(failing())
    assert snapshot(store) == []
    assert not (Path(store.location) / BULK_WRITE_MARKER).exists()


_DIE_IN_THE_MIDDLE = """
import os, sys
from pathlib import Path
import pyoxigraph as ox
from diplograph.store.embedded import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]))
graph = ox.NamedNode("https://w3id.org/diplograph/graph/asserted")
def quads():
    for i in range(20000):
        yield ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"), ox.Literal(str(i)), graph)
    os._exit(9)  # the process dies in the middle of the write: no clean-up runs
store.add_quads_in_bulk(quads())
"""


def test_a_process_that_dies_in_a_bulk_write_leaves_a_store_emptied_when_next_opened(tmp_path: Path):
    location = tmp_path / "store"
    died = subprocess.run([sys.executable, "-c", _DIE_IN_THE_MIDDLE, str(location)], capture_output=True, text=True)
    assert died.returncode == 9, died.stderr
    assert (location / BULK_WRITE_MARKER).exists()
    with pytest.raises(InterruptedLoadError, match="interrupted"):
        EmbeddedStore(location, read_only=True)
    reopened = EmbeddedStore(location)
    try:
        assert list(reopened.engine) == []
        assert not (location / BULK_WRITE_MARKER).exists()
    finally:
        reopened.close()


def test_a_load_into_an_empty_store_uses_the_bulk_write_and_a_reload_the_transaction(synthetic, store, snapshot):
    synthetic.episode()
    assert load(store, [synthetic.dir]).ok
    first = snapshot(store)
    assert any(ns.ID + "act/" in line for line in first)
    path = synthetic.episode(synthetic.act("cz-expels-ru-second", announced="2021-05-02"),
                             name="second-episode", episode_id="second-episode")
    result = load(store, [synthetic.dir])
    assert result.ok and result.written == [synthetic.display(path)]
    asserted = {line for line in first if line.endswith("/graph/asserted>")}
    assert asserted and asserted <= set(snapshot(store))
    assert any("cz-expels-ru-second" in line for line in snapshot(store))
    assert os.listdir(store.location).count(BULK_WRITE_MARKER) == 0


def test_files_the_store_holds_unchanged_resolve_references_but_are_not_validated_again():
    parts = [part for part in _built_shipped_records().values()
             if any(t[1] == DG.announcementDay for t in part.asserted)]
    checked, others = parts[0], parts[1:]
    other = others[-1]
    answering = next(t[0] for t in checked.asserted if t[1] == DG.announcementDay)
    answered = next(t[0] for t in other.asserted if t[1] == DG.announcementDay)
    foreign_citation = next(t[0] for t in other.asserted if t[1] == RDF.type and t[2] == DG.Citation)
    checked.asserted.append((answering, DG.inResponseTo, answered))  # resolves through the unchanged file
    checked.asserted.append((answering, DG.inResponseTo, foreign_citation))  # not an act
    episode = next(t[0] for t in other.asserted if t[1] == RDF.type and t[2] == DG.Episode)
    other.asserted[:] = [t for t in other.asserted if not (t[0] == episode and t[1] == RDFS.label)]

    whole = _shape_messages(parts, workers=1)
    checked_file = next(iter(checked.origins.values()))[0]
    for options in ({"workers": 1}, {"workers": 2, "chunk_subjects": 30}):
        report = Report()
        shapes_module.check_shapes([checked], Graph(), report, fallback_file="", unchanged=others, **options)
        found = [str(m) for m in report.sorted()]
        assert found == [m for m in whole if f" {checked_file}:" in m], options
        assert len([m for m in found if "inResponseTo" in m]) == 1, found
    # the unchanged file's own problem is found only when it is checked
    assert any("An episode has a title" in m for m in whole)

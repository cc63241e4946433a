"""Exports written as the store is read (diplograph/export.py write_export): N-Quads, TriG and
N-Triples hold what the store holds and the dataset's description, the union of N-Triples each
triple once, the command line's file, and output written while the store is still being read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from server_support import oxigraph_server
from typer.testing import CliRunner

from diplograph.cli import app
from diplograph.export import DEFAULT_GRAPHS, dataset_description, export, write_export
from diplograph.namespaces import Graphs
from diplograph.store import EmbeddedStore
from diplograph.store.remote import RemoteStore
from diplograph.store.terms import to_ox

PROVENANCE = ox.NamedNode(str(Graphs.PROVENANCE))
EX = "http://example.org/"


def _description() -> set[ox.Triple]:
    return {ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in dataset_description()}


def _held(store: EmbeddedStore, graphs: Iterable[URIRef] = DEFAULT_GRAPHS) -> set[ox.Quad]:
    return {q for g in graphs for q in store.engine.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))}


def _expected_quads(store: EmbeddedStore, graphs: Iterable[URIRef] = DEFAULT_GRAPHS) -> set[ox.Quad]:
    return _held(store, graphs) | {ox.Quad(t.subject, t.predicate, t.object, PROVENANCE) for t in _description()}


def _canonical(quads: Iterable[ox.Quad]) -> ox.Dataset:
    """Quads with their blank nodes named by their place (a server names them anew)."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def _parsed(data: bytes, fmt: str) -> list:
    """The quads of N-Quads or TriG, the triples of N-Triples."""
    if fmt == "nt":
        return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    return list(ox.parse(data, format={"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]))


def _two_graphs() -> EmbeddedStore:
    """A store where one triple sits in the asserted and the inferred graph, one in the
    ontology and the inferred graph, and others in one graph each (a blank node among them)."""
    store = EmbeddedStore(None)
    asserted, inferred, ontology = (ox.NamedNode(str(g)) for g in (Graphs.ASSERTED, Graphs.INFERRED, Graphs.ONTOLOGY))
    shared = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("both"))
    typed = ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(EX + "C"))
    blank = ox.BlankNode("b1")
    store.engine.extend([
        ox.Quad(*shared, asserted), ox.Quad(*shared, inferred),
        ox.Quad(*typed, ontology), ox.Quad(*typed, inferred),
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "q"), blank, asserted),
        ox.Quad(blank, ox.NamedNode(EX + "r"), ox.Literal("x", language="en"), asserted),
        ox.Quad(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "p"), ox.Literal("only inferred"), inferred),
    ])
    return store


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_quads_written_are_the_stores_and_the_description(loaded: EmbeddedStore, fmt: str):
    output = io.BytesIO()
    written = write_export(loaded, fmt, output)
    data = output.getvalue()
    assert written == len(data) > 0
    quads = _parsed(data, fmt)
    assert set(quads) == _expected_quads(loaded)
    assert len(quads) == len(set(quads))


def test_quads_of_a_store_with_blank_nodes_and_a_triple_in_two_graphs():
    store = _two_graphs()
    for fmt in ("nquads", "trig"):
        assert set(_parsed(export(store, fmt), fmt)) == _expected_quads(store), fmt


def test_n_triples_are_the_union_each_triple_once():
    store = _two_graphs()
    data = export(store, "nt")
    lines = [line for line in data.decode("utf-8").splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), "a triple of two graphs written twice"
    union = {q.triple for q in _held(store)}
    assert len(union) == 5 and len(_held(store)) == 7
    assert set(_parsed(data, "nt")) == union | _description()
    assert len(lines) == len(union) + len(_description())


def test_n_triples_of_the_shipped_store(loaded: EmbeddedStore):
    data = export(loaded, "nt")
    triples = _parsed(data, "nt")
    assert set(triples) == {q.triple for q in _held(loaded)} | _description()
    assert len(triples) == len(set(triples))
    assert export(loaded, "nt") == data, "two exports of the same store differ"


def test_the_command_line_writes_the_export_to_a_file(shipped_store_copy: Path, tmp_path: Path):
    target = tmp_path / "out" / "diplograph.nq"
    target.parent.mkdir()
    target.write_bytes(b"an older export\n")
    result = CliRunner().invoke(app, ["export", "--format", "nquads", "--output", str(target),
                                      "--store", str(shipped_store_copy)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert f"wrote {len(data):,} bytes to {target}" in " ".join(result.output.split())
    assert [p.name for p in target.parent.iterdir()] == [target.name], "the file written aside was left"
    store = EmbeddedStore(shipped_store_copy, read_only=True)
    try:
        assert set(_parsed(data, "nquads")) == _expected_quads(store)
    finally:
        store.close()


class _CountingStore(EmbeddedStore):
    """The embedded store, counting the quads and triples the export has drawn from it."""

    drawn = 0

    def quads(self, graphs: Iterable[URIRef]) -> Iterator[ox.Quad]:
        for quad in super().quads(graphs):
            self.drawn += 1
            yield quad

    def union_triples(self, graphs: Iterable[URIRef]) -> Iterator[ox.Triple]:
        for triple in super().union_triples(graphs):
            self.drawn += 1
            yield triple


class _Output(io.RawIOBase):
    """A binary output noting how many quads the store had given at its first write."""

    def __init__(self, store: _CountingStore):
        self.store = store
        self.drawn_at_first_write: int | None = None
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.drawn_at_first_write is None:
            self.drawn_at_first_write = self.store.drawn
        self.size += len(data)
        return len(data)


@pytest.mark.parametrize("fmt", ["nquads", "trig", "nt"])
def test_output_is_written_while_the_store_is_read(fmt: str):
    """An export that gathered the quads (or their serialisation) before writing would first
    write when every quad had been drawn, or before any was."""
    store = _CountingStore(None)
    graph = ox.NamedNode(str(Graphs.ASSERTED))
    many = 50_000
    store.engine.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), graph)
                        for i in range(many))
    output = _Output(store)
    assert write_export(store, fmt, output) == output.size
    assert store.drawn == many
    assert output.drawn_at_first_write is not None and 0 < output.drawn_at_first_write < many // 10


def test_a_servers_graphs_streamed_from_its_graph_store(tmp_path: Path):
    """A remote store reads each graph from the graph store as the answer arrives: the same
    quads as the embedded store that was copied into the server."""
    local = _two_graphs()
    with oxigraph_server(tmp_path / "oxigraph") as url:
        remote = RemoteStore(url)
        assert remote.graph_store_url
        for graph in DEFAULT_GRAPHS:
            remote.add_to_graph(graph, local.dump([graph], "nt"))
        for fmt in ("nquads", "trig"):
            assert _canonical(_parsed(export(remote, fmt), fmt)) == _canonical(_expected_quads(local)), fmt
        default = ox.DefaultGraph()
        data = export(remote, "nt")
        assert _canonical(ox.Quad(*t, default) for t in _parsed(data, "nt")) == \
            _canonical(ox.Quad(*t, default) for t in {q.triple for q in _held(local)} | _description())
        one = export(remote, "nt", graphs=[Graphs.INFERRED])
        assert set(_parsed(one, "nt")) == {q.triple for q in _held(local, [Graphs.INFERRED])} | _description()

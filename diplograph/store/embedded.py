"""The default store: pyoxigraph on disk, persistent and transactional."""

from __future__ import annotations

import os
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..namespaces import Graphs
from .base import Bindings, GraphStore, QueryResult, StoreError
from .terms import from_ox, to_ox
from .values import bind_values

def _write_marker(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as marker:
        marker.write(text + "\n")
        marker.flush()
        os.fsync(marker.fileno())


class StoreLockedError(RuntimeError):
    pass


class InterruptedLoadError(StoreError):
    """The store holds part of a bulk write that never finished, and is open read-only."""


#: a file in the store's directory while a bulk write is under way: the engine's bulk
#: path is not one transaction, so a store with this file holds an unfinished write
#: into what was an empty store, and is emptied when next opened for writing
BULK_WRITE_MARKER = "diplograph-bulk-write-unfinished"
#: a file in the store's directory while reasoning writes back what it inferred in a working
#: copy (reasoning/working_copy.py): that write is not one transaction either, so a store with
#: this file holds part of an inferred graph, which is dropped with the runs' provenance when
#: the store is next opened for writing: the store is then as if never reasoned
REASONING_WRITE_MARKER = "diplograph-reasoning-write-unfinished"

#: the reasoning runs' nodes and the log of what loads changed since the current run (of no
#: use without it)
FORGET_RUNS = """
DROP SILENT GRAPH <https://w3id.org/diplograph/graph/changes/resources> ;
DROP SILENT GRAPH <https://w3id.org/diplograph/graph/changes/before> ;
DELETE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run ?p ?o } }
WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?run a <https://w3id.org/diplograph/ontology#ReasoningRun> ; ?p ?o } }"""
#: what a store holds of reasoning, dropped: the inferred graph, and the runs and the log
FORGET_REASONING = "DROP SILENT GRAPH <https://w3id.org/diplograph/graph/inferred> ;" + FORGET_RUNS
_COUNT_GRAPH = "SELECT ?graph (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"
#: quads of the inferred graph deleted at a time when reasoning is forgotten
_FORGET_PIECE = 100_000
#: what an unfinished write of reasoning's results leaves, dropped: also the compiled schema,
#: which may hold its digest without all of its triples (the next run compiles it again)
_FORGET_UNFINISHED_REASONING = FORGET_REASONING + """ ;
DROP SILENT GRAPH <https://w3id.org/diplograph/graph/tbox>"""


def delete_in_pieces(engine: ox.Store, graph: URIRef) -> None:
    """Delete a graph a piece at a time: DROP GRAPH is one transaction, which holds every
    deletion in memory (33 million quads of a reasoned million acts)."""
    name = ox.NamedNode(str(graph))
    while True:
        piece = list(islice(engine.quads_for_pattern(None, None, None, name), _FORGET_PIECE))
        if not piece:
            break
        for quad in piece:
            engine.remove(quad)


class EmbeddedStore(GraphStore):
    def __init__(self, path: Path | None, *, read_only: bool = False):
        """``path`` None keeps the store in memory (tests, benchmarks)."""
        self.location = str(path) if path else ":memory:"
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"the store {path} is open in another process (for example 'diplograph serve'); "
                    "stop it or use that process"
                ) from exc
            raise
        self._marker = path / BULK_WRITE_MARKER if path is not None else None
        if self._marker is not None and self._marker.exists():
            if read_only:
                raise InterruptedLoadError(
                    f"the store {path} holds part of a load that was interrupted; open it for writing "
                    "(for example with 'diplograph load') to empty it, then load again")
            # What an interrupted bulk write left: the store was empty before it began.
            self._store.clear()
            self._store.flush()
            self._marker.unlink()
        reasoning = path / REASONING_WRITE_MARKER if path is not None else None
        if reasoning is not None and reasoning.exists():
            if read_only:
                raise InterruptedLoadError(
                    f"the store {path} holds part of an inferred graph whose writing was interrupted; "
                    "run 'diplograph reason' on it again")
            self._forget(unfinished=True)
            self._store.flush()
            reasoning.unlink()

    @property
    def engine(self) -> ox.Store:
        """The pyoxigraph store itself, for the fast paths that need it."""
        return self._store

    def _run(self, query: str, bindings: Bindings | None, default_graphs: Iterable[URIRef] | None):
        options = {}
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(str(g)) for g in default_graphs]
        if not bindings:
            return self._store.query(query, **options)
        try:
            return self._store.query(query, substitutions={ox.Variable(k): to_ox(v) for k, v in bindings.items()},
                                     **options)
        except RuntimeError as exc:
            # pyoxigraph substitutes only variables a SELECT projects; for the others the
            # terms go in as data of a VALUES block, as they do for a remote store
            if "projection" not in str(exc):
                raise
            return self._store.query(bind_values(query, bindings), **options)

    def select(self, query, *, bindings=None, default_graphs=None) -> QueryResult:
        solutions = self._run(query, bindings, default_graphs)
        variables = [v.value for v in solutions.variables]
        rows = [tuple(from_ox(solution[v]) for v in variables) for solution in solutions]
        return QueryResult(variables, rows)

    def select_values(self, query: str) -> list[tuple[str | None, ...]]:
        solutions = self._store.query(query)
        variables = solutions.variables
        return [tuple(None if (term := solution[v]) is None else term.value for v in variables)
                for solution in solutions]

    def ask(self, query, *, bindings=None, default_graphs=None) -> bool:
        return bool(self._run(query, bindings, default_graphs))

    def construct(self, query, *, bindings=None, default_graphs=None) -> Graph:
        graph = Graph()
        for triple in self._run(query, bindings, default_graphs):
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return graph

    def update(self, update: str) -> None:
        self._store.update(update)

    def add_to_graph(self, graph_iri: URIRef, ntriples: bytes) -> None:
        self._store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph_iri)))

    def add_to_graphs_at_once(self, ntriples_by_graph) -> bool:
        # ``extend`` is one transaction: malformed data (the parser raises while it is
        # consumed) leaves the store as it was. A generator, not a list: millions of
        # quads as Python objects would cost gigabytes.
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(str(graph)))
                           for graph, data in ntriples_by_graph.items()
                           for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        return True

    def add_triples(self, triples, graphs) -> None:
        # the terms as they are: a round trip through N-Triples would cost as much as the write
        names = [ox.NamedNode(str(graph)) for graph in graphs]
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for name in names for t in triples)

    def add_quads_in_bulk(self, quads) -> bool:
        # The engine's bulk loader writes several times faster than a transaction (on
        # disk, a transaction of a whole load is buffered and checked quad by quad), but
        # it is not atomic. It is used only on an empty store, with a marker file beside
        # the data while it runs: a failure empties the store again at once, and a
        # process that dies in the middle leaves the marker, so the next opening for
        # writing empties the store (and a read-only opening refuses it).
        if self.read_only or next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is not None:
            return False
        if self._marker is not None:
            _write_marker(self._marker, "a bulk write into this empty store is under way; if it is here and no "
                          "process is writing, the write was interrupted and the store is emptied when next opened")
        try:
            self._store.bulk_extend(quads)
            self._store.flush()
        except BaseException:
            self._store.clear()
            self._store.flush()
            if self._marker is not None:
                self._marker.unlink()
            raise
        if self._marker is not None:
            self._marker.unlink()
        return True

    @contextmanager
    def writing_inferences(self) -> Iterator[None]:
        """Marks the store while reasoning writes its results back in several transactions: if
        the process dies before the end, the next opening for writing drops the inferred graph,
        the runs' provenance and the compiled schema, and a read-only opening refuses the store.
        An exception within drops them at once; the store then needs reasoning again."""
        marker = Path(self.location) / REASONING_WRITE_MARKER if self.location != ":memory:" else None
        if marker is not None:
            _write_marker(marker, "reasoning is writing its results into this store; if it is here and no "
                          "process is writing, the write was interrupted and the inferences are dropped")
        try:
            yield
            self._store.flush()
        except BaseException:
            # the marker stays if this fails too: the next opening for writing does it
            self._forget(unfinished=True)
            self._store.flush()
            if marker is not None:
                marker.unlink()
            raise
        if marker is not None:
            marker.unlink()

    def forget_reasoning(self) -> None:
        self._forget(unfinished=False)

    def _forget(self, *, unfinished: bool) -> None:
        delete_in_pieces(self._store, Graphs.INFERRED)
        self._store.update(_FORGET_UNFINISHED_REASONING if unfinished else FORGET_REASONING)

    def quads(self, graphs: Iterable[URIRef]) -> Iterator[ox.Quad]:
        for graph in list(graphs):
            yield from self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))

    def union_triples(self, graphs: Iterable[URIRef]) -> Iterator[ox.Triple]:
        # Graph by graph, a triple dropped if a graph already written holds it: a lookup in
        # the store's index instead of a set of every triple (5.5 million at 100k acts). The
        # order is the store's (by graph, then its index), the same for the same contents;
        # a sorted order was never promised and would need every triple at once.
        store = self._store
        written: list[ox.NamedNode] = []
        for graph in dict.fromkeys(ox.NamedNode(str(g)) for g in graphs):
            for quad in store.quads_for_pattern(None, None, None, graph):
                s, p, o = quad.subject, quad.predicate, quad.object
                if not any(ox.Quad(s, p, o, earlier) in store for earlier in written):
                    yield quad.triple
            written.append(graph)

    def named_graphs(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph_iri: URIRef) -> int:
        # counted inside the engine: reading each quad out of a store on disk costs some 10 µs
        rows = self._store.query(_COUNT_GRAPH, substitutions={ox.Variable("graph"): ox.NamedNode(str(graph_iri))})
        return sum(int(row["n"].value) for row in rows)

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        if not self.read_only:
            self._store.flush()
        del self._store

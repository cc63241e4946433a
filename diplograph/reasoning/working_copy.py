"""Reasoning over a store on disk, in a working copy held in memory.

On disk pyoxigraph spends about 10 µs writing a quad and 5 to 18 µs deleting one; in memory
about 1 µs. A reasoning run writes and deletes several times what it infers (working
graphs, the deltas of the semi-naive passes, scratch graphs of the temporal rules), so the
graphs the rules read are copied into an in-memory store, the same rule files run there,
and only the difference between the inferred graph on disk and the new one is written back
(a re-run after one new act changes a few thousand triples of hundreds of thousands).

A store already in memory, a read-only store, and a store too large for the memory available
(``fits_in_memory``) are reasoned in place. So is a remote store by default (the rules run
inside the server, which may hold more than this machine can); asked to, this module copies
its graphs over the Graph Store Protocol or CONSTRUCT and replaces the server's inferred graph
by one update, from staging graphs uploaded first.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import URIRef

from ..namespaces import BASE, DG, Graphs
from ..store.base import GraphStore
from ..store.embedded import FORGET_REASONING, EmbeddedStore
from ..store.remote import RemoteStore, RemoteStoreError
from .in_parts import IN_PARTS, PartsRun

#: what the rules read: everything but the inferred graph, which a run recomputes, and of the
#: provenance graph only the reasoning runs' nodes (see copy_of)
COPIED = (Graphs.ONTOLOGY, Graphs.ASSERTED, Graphs.TBOX)
#: graphs a run writes whole, written back as a difference
WRITTEN = (Graphs.INFERRED, Graphs.TBOX)
#: resident memory per quad of the store, measured for a reasoning run in memory (the copy,
#: what is inferred, the working graphs: 556 MiB at its peak for 620,000 quads at 10k acts),
#: with a margin
BYTES_PER_QUAD = 1536
#: environment variable: "memory" or "store" forces where reasoning runs (default: by size)
WHERE = "DIPLOGRAPH_REASON_IN"

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RUN = ox.NamedNode(str(DG.ReasoningRun))
_PROVENANCE = ox.NamedNode(str(Graphs.PROVENANCE))


def _available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def fits_in_memory(store: EmbeddedStore) -> bool:
    """Whether a working copy of the store would take at most half of the memory available."""
    return len(store.engine) * BYTES_PER_QUAD <= _available_memory() // 2


#: where the rules run: a working copy in memory, the store itself, or parts of a store on
#: disk too large for a working copy (in_parts.py)
MEMORY, IN_PLACE, PARTS = "memory", "store", "parts"
PLACES = (MEMORY, IN_PLACE, PARTS)


def placement(store: GraphStore, choice: bool | str | None = None) -> str:
    """Where reasoning over ``store`` runs: ``choice`` when given (True: in memory, False: in
    place, or one of PLACES), else the environment's DIPLOGRAPH_REASON_IN, else in a working
    copy for a store on disk that fits in memory and in parts for a larger one (a remote store
    in place, in the server, unless asked; parts are for a store on disk only)."""
    if isinstance(store, EmbeddedStore) and (store.read_only or store.location == ":memory:"):
        return IN_PLACE
    if not isinstance(store, (EmbeddedStore, RemoteStore)):
        return IN_PLACE
    if choice is None:
        where = os.environ.get(WHERE, "").strip().lower()
        if where and where not in PLACES:
            raise ValueError(f"{WHERE} is 'memory', 'store' or 'parts' (got {where!r})")
        if not where:
            if not isinstance(store, EmbeddedStore):
                return IN_PLACE
            return MEMORY if fits_in_memory(store) else PARTS
        choice = where
    if isinstance(choice, bool):
        choice = MEMORY if choice else IN_PLACE
    if choice not in PLACES:
        raise ValueError(f"reasoning runs in {', '.join(PLACES)} (got {choice!r})")
    if choice == PARTS and not isinstance(store, EmbeddedStore):
        return IN_PLACE
    return choice


def in_memory(store: GraphStore, choice: bool | str | None = None) -> bool:
    """Whether reasoning over ``store`` runs in a working copy (see ``placement``)."""
    return placement(store, choice) == MEMORY


#: the stages of a run in a working copy, as ``on_stage`` hears of them when each begins
COPYING, RULES, WRITING_BACK = "copying the store into memory", "rules", "writing the results back"


@contextmanager
def working_copy(store: GraphStore, *, memory: bool | str | None = None,
                 on_stage: Callable[[str], None] | None = None) -> Iterator[GraphStore]:
    """The store the rules should run in: a copy in memory of what they read when ``placement``
    says so, written back (the inferred graph, the compiled schema, the reasoning runs' nodes)
    when the block ends without an exception; otherwise ``store`` itself. An exception leaves
    the store on disk as it was. ``on_stage`` hears when the copy, the rules and the writing
    back begin (a copy of 100,000 acts takes about half a minute).

    In parts (in_parts.py), ``store`` itself, marked while the block runs: the OWL step and
    ``in_parts.temporal_copy`` then work part by part, writing as they go, and a failure leaves
    the store as if never reasoned."""
    where = placement(store, memory)
    if where == PARTS:
        token = IN_PARTS.set(PartsRun())
        try:
            with store.writing_inferences():
                yield store
        finally:
            IN_PARTS.reset(token)
        return
    if where != MEMORY:
        yield store
        return
    tell = on_stage or (lambda stage: None)
    tell(COPYING)
    copy = copy_of(store)
    tell(RULES)
    yield copy
    tell(WRITING_BACK)
    write_back(copy, store)


_RUN_NODES = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
CONSTRUCT { ?run ?p ?o } WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run a dg:ReasoningRun ; ?p ?o } }"""


def copy_of(store: EmbeddedStore | RemoteStore) -> EmbeddedStore:
    """An in-memory store holding what the rules read of ``store``; its inferred graph is empty
    (a reasoning run recomputes it: written back, it replaces the store's). Of the provenance
    graph it holds the reasoning runs' nodes only: the rest (record files, loads, a record line
    for every resource, a quarter of the quads) is read by no rule, and the consistency checks
    look up record lines in ``store`` itself."""
    copy = EmbeddedStore(None)
    for graph in COPIED:
        name = ox.NamedNode(str(graph))
        if isinstance(store, EmbeddedStore):
            copy.engine.extend(store.engine.quads_for_pattern(None, None, None, name))
        else:
            copy.engine.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in store.triples(graph))
    if isinstance(store, EmbeddedStore):
        copy.engine.extend(list(run_quads(store.engine)))
    else:
        copy.add_to_graph(Graphs.PROVENANCE, store.construct(_RUN_NODES).serialize(format="nt", encoding="utf-8"))
    return copy


def write_back(copy: EmbeddedStore, store: EmbeddedStore | RemoteStore) -> tuple[int, int]:
    """Make the inferred graph, the compiled schema and the reasoning runs' nodes of the store
    what they are in the copy. Returns the numbers of quads deleted and written (on a remote
    store, where the graphs are replaced whole, -1 and the number written)."""
    if isinstance(store, RemoteStore):
        return -1, _replace_remotely(copy, store)
    return _write_difference(copy, store)


def _write_difference(copy: EmbeddedStore, store: EmbeddedStore) -> tuple[int, int]:
    """On disk, only the quads that differ are deleted and written."""
    source, target = copy.engine, store.engine
    removed: list[ox.Quad] = []
    added: list[Iterable[ox.Quad]] = []
    for graph in WRITTEN:
        name = ox.NamedNode(str(graph))
        if next(iter(target.quads_for_pattern(None, None, None, name)), None) is None:
            # nothing on disk to compare with (a first run): all of it is new, no lookups
            added.append(source.quads_for_pattern(None, None, None, name))
            continue
        new: list[ox.Quad] = []
        kept: Counter[ox.NamedNode] = Counter()
        for quad in source.quads_for_pattern(None, None, None, name):
            if quad in target:
                kept[quad.predicate] += 1
            else:
                new.append(quad)
        added.append(new)
        removed.extend(_gone(target, source, name, kept))
    old_runs, new_runs = set(run_quads(target)), set(run_quads(source))
    removed.extend(old_runs - new_runs)
    added.append(list(new_runs - old_runs))
    written = 0

    def counted(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        nonlocal written
        for quad in quads:
            written += 1
            yield quad

    with store.writing_inferences():
        for quad in removed:
            target.remove(quad)
        # not one transaction (see writing_inferences): the bulk path writes several times faster
        target.bulk_extend(counted(quad for quads in added for quad in quads))
    return len(removed), written


_COUNT_BY_PREDICATE = "SELECT ?graph ?p (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph ?p"


def _gone(target: ox.Store, source: ox.Store, graph: ox.NamedNode, kept: Counter[ox.NamedNode]) -> Iterator[ox.Quad]:
    """The quads of ``graph`` on disk that the copy no longer holds. Only the predicates of
    which the disk holds more than the copy kept are read: reading a graph on disk quad by
    quad costs some 5 µs a quad (15 s for the 3.3 million inferred at 100,000 acts), counting
    its quads by predicate inside the engine 1 s, and after a new act most predicates lose
    nothing (each link's prov:wasGeneratedBy changes with the run)."""
    counts = target.query(_COUNT_BY_PREDICATE, substitutions={ox.Variable("graph"): graph})
    for row in counts:
        predicate = row["p"]
        if int(row["n"].value) > kept[predicate]:
            yield from (quad for quad in target.quads_for_pattern(None, predicate, None, graph) if quad not in source)


def run_quads(engine: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of the reasoning runs' nodes (graph/provenance)."""
    for typed in engine.quads_for_pattern(None, _RDF_TYPE, _RUN, _PROVENANCE):
        yield from engine.quads_for_pattern(typed.subject, None, None, _PROVENANCE)


def _replace_remotely(copy: EmbeddedStore, store: RemoteStore) -> int:
    """Upload the new graphs into staging graphs of their own (each upload is atomic), then
    replace the server's by one update: a reader sees the old results or the new, never a mix.
    A failure before that update leaves the server's graphs as they were."""
    token = uuid.uuid4().hex
    staged = {graph: URIRef(f"{BASE}graph/staging/reasoning/{token}/{graph.rsplit('/', 1)[-1]}")
              for graph in (*WRITTEN, Graphs.PROVENANCE)}
    contents = {graph: copy.engine.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph)))
                for graph in WRITTEN}
    contents[Graphs.PROVENANCE] = ox.serialize([quad.triple for quad in run_quads(copy.engine)],
                                               format=ox.RdfFormat.N_TRIPLES)
    drop_staged = [f"DROP SILENT GRAPH <{graph}>" for graph in staged.values()]
    try:
        for graph, data in contents.items():
            if data:
                store.add_to_graph(staged[graph], data)
        store.update(" ;\n".join([
            FORGET_REASONING.strip(),
            f"DROP SILENT GRAPH <{Graphs.TBOX}>",
            *(f"ADD SILENT <{staged[graph]}> TO <{graph}>" for graph in staged),
            *drop_staged]))
    except BaseException:
        try:
            store.update(" ;\n".join(drop_staged))
        except RemoteStoreError:
            pass
        raise
    return sum(data.count(b"\n") for data in contents.values())

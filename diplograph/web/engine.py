"""The store as a query worker sees it: pyoxigraph opened read-only on a store directory,
or a remote SPARQL 1.1 server. Rows and triples come back as pyoxigraph terms either way,
so that answers are serialised by pyoxigraph whatever the store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ..namespaces import Graphs
from ..store.base import GraphStore, StoreError
from ..store.terms import to_ox
from .errors import MalformedQuery, StoreFailure
from .row_limit import ask_for_at_most

#: the dataset a query sees when neither it nor the request names one
DEFAULT_DATASET = tuple(str(g) for g in Graphs.QUERY_DATASET)


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a query: its default graph (the union of ``default``) and its
    named graphs. None for both: the query's own FROM / FROM NAMED."""

    default: tuple[str, ...] | None
    named: tuple[str, ...] | None

    @classmethod
    def resolve(cls, default_uris: Iterable[str], named_uris: Iterable[str], query_names_its_own: bool) -> Dataset:
        """The SPARQL 1.1 Protocol's rule: graphs named in the request win over the query's
        FROM clauses, which win over the service's default (the project's graphs)."""
        default_uris, named_uris = tuple(default_uris), tuple(named_uris)
        if default_uris or named_uris:
            return cls(default_uris, named_uris)
        if query_names_its_own:
            return cls(None, None)
        return cls(DEFAULT_DATASET, DEFAULT_DATASET)


Bindings = Mapping[str, Node]


class Engine:
    location: str
    graph_store: GraphStore  # the same store through Diplograph's own interface

    def solutions(self, text: str, dataset: Dataset, bindings: Bindings | None = None,
                  limit: int | None = None) -> tuple[list[str], Iterator[list]]:
        """The variables and rows of a SELECT. ``limit``: the caller reads no more rows than
        that, and a store that sends answers over the network is asked for no more."""
        raise NotImplementedError

    def boolean(self, text: str, dataset: Dataset, bindings: Bindings | None = None) -> bool:
        raise NotImplementedError

    def triples(self, text: str, dataset: Dataset, bindings: Bindings | None = None) -> Iterator[ox.Triple]:
        raise NotImplementedError

    def refresh(self) -> None:
        """See changes made to the store since it was opened (a load, a reasoning run)."""

    def state(self) -> tuple:
        """A value that changes whenever the store's contents change: what caches of
        things drawn from the store (the pictures) are keyed by."""
        raise NotImplementedError


class EmbeddedEngine(Engine):
    """pyoxigraph on a store directory, read-only: other processes (``diplograph query``,
    ``load``, ``reason``) can open the same store while the server runs."""

    def __init__(self, path: Path):
        if not path.is_dir():
            raise FileNotFoundError(f"there is no store at {path} (run 'diplograph load --store {path}' first)")
        self.path = path
        self.location = str(path)
        self._marker = self._state()
        self._open()

    def _open(self) -> None:
        from ..store.embedded import EmbeddedStore

        self.graph_store = EmbeddedStore(self.path, read_only=True)  # for code written against GraphStore
        self.store = self.graph_store.engine

    def _state(self) -> tuple:
        """What changes when another process writes the store: RocksDB's current manifest,
        its write-ahead logs and the sorted tables' list."""
        entries = []
        with os.scandir(self.path) as it:
            for entry in it:
                if entry.name == "CURRENT" or entry.name.startswith("MANIFEST-") or entry.name.endswith(".log"):
                    stat = entry.stat()
                    entries.append((entry.name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(entries))

    def refresh(self) -> None:
        state = self._state()
        if state != self._marker:
            self._open()
            self._marker = state

    def state(self) -> tuple:
        self.refresh()
        return self._marker

    def _query(self, text: str, dataset: Dataset, bindings: Bindings | None):
        options = {}
        if dataset.default is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default]
        if dataset.named is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named]
        if bindings:
            options["substitutions"] = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        try:
            return self.store.query(text, **options)
        except SyntaxError as exc:
            raise MalformedQuery(f"the query does not parse: {exc}") from None
        except ValueError as exc:
            raise MalformedQuery(str(exc)) from None
        except OSError as exc:
            raise StoreFailure(f"the store {self.location} failed: {exc}") from None

    def solutions(self, text, dataset, bindings=None, limit=None):
        # rows are read lazily from pyoxigraph: reading fewer is the limit
        result = self._query(text, dataset, bindings)
        variables = [v.value for v in result.variables]
        return variables, ([solution[i] for i in range(len(variables))] for solution in result)

    def boolean(self, text, dataset, bindings=None):
        return bool(self._query(text, dataset, bindings))

    def triples(self, text, dataset, bindings=None):
        return iter(self._query(text, dataset, bindings))


class RemoteEngine(Engine):
    """A SPARQL 1.1 server reached through :class:`~diplograph.store.remote.RemoteStore`
    (credentials and endpoint URLs from its DIPLOGRAPH_* environment variables). A SELECT
    asks the server for one row more than the row limit (:mod:`.row_limit`); a CONSTRUCT's
    whole answer crosses the network before the limit cuts it. The time limit stops the
    request here, not the server's own evaluation."""

    def __init__(self, url: str, timeout: float | None):
        from ..store.remote import RemoteStore

        self.store = RemoteStore(url, read_only=True, timeout=timeout)
        self.graph_store = self.store
        self.location = self.store.location

    #: what every load and reasoning run leaves in the provenance graph: the runs, and the
    #: checksum of each record file loaded
    STATE = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?x WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  { ?x a ?type FILTER (?type IN (dg:LoadRun, dg:ReasoningRun)) } UNION { ?record dg:sha256 ?x }
} } ORDER BY ?x"""

    def state(self) -> tuple:
        """Another process may write the server at any time; a load or a reasoning run
        always leaves a new run (and new checksums) in the provenance graph."""
        _, rows = self.solutions(self.STATE, Dataset(None, None))
        return tuple(str(row[0].value) for row in rows)

    def _call(self, method, text, dataset, bindings):
        try:
            return method(text, bindings=bindings or None,
                          default_graphs=[URIRef(g) for g in dataset.default] if dataset.default is not None else None,
                          named_graphs=[URIRef(g) for g in dataset.named] if dataset.named is not None else None)
        except StoreError as exc:
            raise StoreFailure(str(exc)) from None

    def solutions(self, text, dataset, bindings=None, limit=None):
        if limit is not None:
            try:
                text = ask_for_at_most(text, limit)
            except ValueError as exc:
                raise MalformedQuery(f"the query does not parse: {exc}") from None
        result = self._call(self.store.select, text, dataset, bindings)
        rows = ([to_ox(term) if term is not None else None for term in row] for row in result.rows)
        return list(result.variables), rows

    def boolean(self, text, dataset, bindings=None):
        return self._call(self.store.ask, text, dataset, bindings)

    def triples(self, text, dataset, bindings=None):
        graph = self._call(self.store.construct, text, dataset, bindings)
        return (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)


def open_engine(location: str, timeout: float | None = None) -> Engine:
    if location.startswith(("http://", "https://")):
        return RemoteEngine(location, timeout)
    return EmbeddedEngine(Path(location))

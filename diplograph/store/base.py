"""The one interface the loader, the reasoner and the queries use to reach a store."""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Iterable, Iterator, Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    import pyoxigraph


@dataclass
class QueryResult:
    """Rows of a SELECT as rdflib terms, in a fixed column order."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, object]]:
        """Rows as dictionaries of plain Python values (str, int, date, ...)."""
        return [{v: _python(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def column(self, name: str) -> list[object]:
        index = self.variables.index(name)
        return [_python(row[index]) for row in self.rows]


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)


Bindings = Mapping[str, Node]


#: the formats of :meth:`GraphStore.dump`: two of quads (every graph named), two of triples (one union)
DUMP_FORMATS = ("trig", "nquads", "turtle", "nt")
QUAD_FORMATS = ("trig", "nquads")


def _rdf_format(fmt: str) -> "pyoxigraph.RdfFormat":
    import pyoxigraph

    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(DUMP_FORMATS)})")
    return {"trig": pyoxigraph.RdfFormat.TRIG, "nquads": pyoxigraph.RdfFormat.N_QUADS,
            "turtle": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES}[fmt]


class StoreError(RuntimeError):
    """The store could not do what was asked: unreachable, refused, or an answer it cannot trust."""


class GraphStore(ABC):
    """A quad store that speaks SPARQL 1.1. Implementations must keep every
    operation named here atomic: a failure leaves the store as it was."""

    location: str

    @abstractmethod
    def select(self, query: str, *, bindings: Bindings | None = None,
               default_graphs: Iterable[URIRef] | None = None) -> QueryResult:
        """Run a SELECT; ``bindings`` pre-bind variables safely (never pasted into the text)."""

    def select_values(self, query: str) -> list[tuple[str | None, ...]]:
        """Rows of a SELECT as the plain values of their terms (an IRI's text, a literal's
        lexical form; None where unbound), for bulk reads of a million rows: no rdflib term
        is made for each value."""
        return [tuple(None if term is None else str(term) for term in row) for row in self.select(query).rows]

    @abstractmethod
    def ask(self, query: str, *, bindings: Bindings | None = None,
            default_graphs: Iterable[URIRef] | None = None) -> bool: ...

    @abstractmethod
    def construct(self, query: str, *, bindings: Bindings | None = None,
                  default_graphs: Iterable[URIRef] | None = None) -> Graph: ...

    @abstractmethod
    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 Update as one transaction."""

    def forget_reasoning(self) -> None:
        """Drop the inferred graph, the change log and the reasoning runs' nodes."""
        from .embedded import FORGET_REASONING

        self.update(FORGET_REASONING)

    @abstractmethod
    def add_to_graph(self, graph_iri: URIRef, ntriples: bytes) -> None:
        """Add N-Triples data to one named graph, atomically."""

    def add_to_graphs_at_once(self, ntriples_by_graph: Mapping[URIRef, bytes]) -> bool:
        """Add N-Triples data to several named graphs in one transaction, if this store
        can; return False, having written nothing, if it cannot (the caller then stages
        the data graph by graph). A bulk path for loading into an empty store."""
        return False

    def add_triples(self, triples: list["pyoxigraph.Triple"], graphs: Iterable[URIRef]) -> None:
        """Add ``triples`` to each of ``graphs``, in one transaction where the store can (a
        native reasoning step's result: the inferred graph and the delta the OWL rules read
        next). By default as N-Triples, through the methods above."""
        import pyoxigraph

        data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
        if not data:
            return
        by_graph = {graph: data for graph in graphs}
        if not self.add_to_graphs_at_once(by_graph):
            for graph, ntriples in by_graph.items():
                self.add_to_graph(graph, ntriples)

    def add_quads_in_bulk(self, quads: Iterable["pyoxigraph.Quad"]) -> bool:
        """Write ``quads`` into a store that holds no quad at all, by the store's fastest
        path; return False, having consumed and written nothing, if this store has no such
        path or is not empty (the caller then writes the data by the other methods).
        As with every write here, either every quad lands or the store is left empty as
        it was: at once if the write fails, or the next time the store is opened for
        writing if the process dies in the middle of it."""
        return False

    @abstractmethod
    def quads(self, graphs: Iterable[URIRef]) -> Iterator["pyoxigraph.Quad"]:
        """Every quad of these named graphs, graph by graph, read as the caller takes them
        where the store can (so that an export of a million acts need not hold them all)."""

    @abstractmethod
    def union_triples(self, graphs: Iterable[URIRef]) -> Iterator["pyoxigraph.Triple"]:
        """Each triple of the union of these named graphs once, read as the caller takes them
        where the store can."""

    def dump_to(self, graphs: Iterable[URIRef], fmt: str, output: BinaryIO) -> None:
        """Serialise these named graphs into ``output`` as they are read: ``trig``, ``nquads``,
        or a triple format (``nt``, ``turtle``) for their union."""
        import pyoxigraph

        rdf_format = _rdf_format(fmt)
        graphs = list(graphs)
        data = self.quads(graphs) if fmt in QUAD_FORMATS else self.union_triples(graphs)
        pyoxigraph.serialize(data, output, format=rdf_format)

    def dump(self, graphs: Iterable[URIRef], fmt: str) -> bytes:
        """:meth:`dump_to` in memory, for graphs known to be small (tests, the ontology)."""
        buffer = io.BytesIO()
        self.dump_to(graphs, fmt, buffer)
        return buffer.getvalue()

    @abstractmethod
    def named_graphs(self) -> list[URIRef]: ...

    @abstractmethod
    def count(self, graph_iri: URIRef) -> int: ...

    def close(self) -> None:  # pragma: no cover - default is nothing to release
        pass

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

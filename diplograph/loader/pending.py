"""What a load will write, gathered batch by batch until every check has passed.

A load of one batch keeps its record graphs as they are (the terms are made once, when they
are written). A load of several batches writes each batch's triples to N-Triples files (in
an embedded store's directory, else a temporary one) as soon as the batch is checked, and lets
the batch go: what is held in
memory then does not grow with the size of the load, and the store is written from the files
once the last batch has passed.
"""

from __future__ import annotations

import shutil
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import URIRef

from .quads import EngineTerms, ntriples, quads
from .rdf import RecordGraphs

#: how much N-Triples text goes into a staging graph at a time from a spooled load (a store
#: that already holds records, or a remote one)
PIECE_BYTES = 32_000_000


class Pending(ABC):
    """The record graphs of a load's changed files, to be written together."""

    def __init__(self) -> None:
        self.records: list[URIRef] = []

    def add(self, parts: list[RecordGraphs]) -> None:
        self.records.extend(part.record for part in parts)

    @abstractmethod
    def asserted_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]: ...

    @abstractmethod
    def provenance_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]: ...

    @abstractmethod
    def asserted_ntriples(self) -> Iterator[bytes]:
        """The asserted triples as N-Triples, in one or more pieces of whole lines."""

    @abstractmethod
    def provenance_ntriples(self) -> Iterator[bytes]: ...

    @property
    def in_memory(self) -> bool:
        return True

    @abstractmethod
    def close(self) -> None:
        """Let go of what was gathered."""

    def __enter__(self) -> "Pending":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class InMemory(Pending):
    """The record graphs themselves (a load of one batch)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[RecordGraphs] = []
        self._terms = EngineTerms()

    def add(self, parts: list[RecordGraphs]) -> None:
        super().add(parts)
        self.parts.extend(parts)

    def _asserted(self):
        for part in self.parts:
            yield from part.asserted

    def _provenance(self):
        for part in self.parts:
            yield from part.provenance

    def asserted_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return quads(self._asserted(), graph, self._terms)

    def provenance_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return quads(self._provenance(), graph, self._terms)

    def asserted_ntriples(self) -> Iterator[bytes]:
        yield ntriples(self._asserted(), self._terms)

    def provenance_ntriples(self) -> Iterator[bytes]:
        yield ntriples(self._provenance(), self._terms)

    def close(self) -> None:
        self.parts.clear()


#: the name of a spool directory begins with this
SPOOL_PREFIX = "diplograph-load-"


class Spooled(Pending):
    """N-Triples files, a batch appended at a time (a load of several batches).

    ``beside``: the directory of an embedded store, which only the process that holds the
    store open can write to; the files go there rather than into the system's temporary
    directory, and what a killed load left there is removed by the next load (gigabytes for a
    million acts)."""

    def __init__(self, beside: Path | None = None) -> None:
        super().__init__()
        if beside is not None:
            for stale in beside.glob(SPOOL_PREFIX + "*"):
                shutil.rmtree(stale, ignore_errors=True)
        self._directory = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=beside))
        self._asserted = self._directory / "asserted.nt"
        self._provenance = self._directory / "provenance.nt"
        self._asserted.touch()
        self._provenance.touch()

    def add(self, parts: list[RecordGraphs]) -> None:
        super().add(parts)
        # terms made afresh for each batch: a table of every IRI of the load would grow with it
        terms = EngineTerms()
        with self._asserted.open("ab") as out:
            out.write(ntriples((t for part in parts for t in part.asserted), terms))
        with self._provenance.open("ab") as out:
            out.write(ntriples((t for part in parts for t in part.provenance), terms))

    @property
    def in_memory(self) -> bool:
        return False

    @staticmethod
    def _quads(path: Path, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)

    def asserted_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return self._quads(self._asserted, graph)

    def provenance_quads(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return self._quads(self._provenance, graph)

    @staticmethod
    def _pieces(path: Path) -> Iterator[bytes]:
        with path.open("rb") as source:
            while True:
                piece = source.read(PIECE_BYTES)
                if not piece:
                    return
                piece += source.readline()  # to the end of the line it stopped in
                yield piece

    def asserted_ntriples(self) -> Iterator[bytes]:
        return self._pieces(self._asserted)

    def provenance_ntriples(self) -> Iterator[bytes]:
        return self._pieces(self._provenance)

    def close(self) -> None:
        shutil.rmtree(self._directory, ignore_errors=True)

"""The Python API: the same operations as the command line.

>>> import diplograph
>>> graph = diplograph.open("diplograph-data")      # or "http://127.0.0.1:7878"
>>> graph.load("records")
>>> rows = graph.query("acts-between", a="CZ", b="RU")
>>> rows.to_dataframe()                              # with pandas installed
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import BinaryIO, Iterable

from rdflib import URIRef

from . import queries
from .export import export as _export
from .export import write_export as _write_export
from .loader import LoadResult, load
from .namespaces import Graphs
from .statistics import statistics
from .store import GraphStore, open_store
from .store.base import QueryResult


class Rows(builtins.list):
    """Query answers as a list of dictionaries of plain Python values."""

    def __init__(self, result: QueryResult):
        super().__init__(result.dicts())
        self.variables = result.variables
        self.result = result

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(builtins.list(self), columns=self.variables)


class Diplograph:
    """One knowledge graph in one store."""

    def __init__(self, store: GraphStore):
        self.store = store

    def load(self, *paths: str | Path, dry_run: bool = False, force: bool = False, progress=None) -> LoadResult:
        from . import resources

        return load(self.store, paths or (resources.records_dir(),), dry_run=dry_run, force=force, progress=progress)

    def reason(self, **options):
        """Infer what the records entail (``diplograph.reasoning.reason``: windows, ``full``, ...);
        after a load into a reasoned graph, only what the changed records can reach."""
        from .reasoning import reason

        return reason(self.store, **options)

    def query(self, name: str, **params: object) -> Rows:
        """Run a stored query of ``queries/`` with named parameters."""
        result, _ = queries.run(self.store, name, params)
        return Rows(result)

    def sparql(self, text: str, *, default_graphs: Iterable[URIRef] = Graphs.QUERY_DATASET, **bindings) -> Rows:
        """Run any SELECT; keyword arguments bind variables to rdflib terms."""
        return Rows(self.store.select(text, bindings=bindings or None, default_graphs=default_graphs))

    def export(self, fmt: str = "trig", *, graphs: Iterable[URIRef] | None = None) -> bytes:
        """The export as bytes, for small graphs; for large ones, :meth:`write_export`."""
        return _export(self.store, fmt, graphs=graphs)

    def write_export(self, fmt: str, output: BinaryIO, *, graphs: Iterable[URIRef] | None = None) -> int:
        """Write the export into ``output`` (a binary file) and return the bytes written;
        nquads, trig and nt as the store is read, in memory that does not grow with it
        (``diplograph.export.write_export``)."""
        return _write_export(self.store, fmt, output, graphs=graphs)

    def stats(self) -> dict:
        return statistics(self.store)

    def panel(self, unit: str = "year", *, start=None, end=None, states=None, all_dyads: bool = False, **options):
        """A directed-dyad panel as a pandas DataFrame: one row per (sender, receiver, period),
        columns as in docs/codebook.md; ``attrs['diplograph']`` holds licence, citation and
        provenance. ``unit`` is year, month or day; ``start``/``end`` dates; ``states`` ISO
        codes; ``all_dyads`` the balanced panel of every pair of states. Write it with
        ``diplograph.panel.write(frame, "panel.csv")``."""
        from .panel import panel

        return panel(self.store, unit, start=start, end=end, states=states, all_dyads=all_dyads, **options)

    def plot(self, kind: str, **options):
        """A picture: ``plot("timeline", episode="2021-vrbetice")`` (or ``start``, ``end``,
        ``states``), ``plot("network", start=..., end=...)``, ``plot("level", a="RU", b="EE")``.
        A notebook shows it inline; ``.save("file.svg")`` writes SVG, PNG or PDF with its title,
        licence and source; ``.figure`` is the matplotlib Figure. See docs/plots.md."""
        from . import plot

        drawings = {"timeline": plot.timeline, "network": plot.network, "level": plot.level}
        if kind not in drawings:
            raise ValueError(f"unknown picture '{kind}' (timeline, network or level)")
        return drawings[kind](self.store, **options)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Diplograph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open(location: str | Path | None = None, **options) -> Diplograph:  # noqa: A001 - mirrors io.open
    """Open the graph stored at ``location`` (a directory, or a SPARQL endpoint URL)."""
    return Diplograph(open_store(location, **options))

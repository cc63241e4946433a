"""Query answers for people (Rich tables) and for programs (CSV with labels, JSON)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from functools import lru_cache

from rdflib import Literal, URIRef
from rich.table import Table

from .namespaces import BASE, Graphs
from .store.base import GraphStore, QueryResult

_LABEL = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?iri ?label WHERE { ?iri rdfs:label ?label } ORDER BY ?label LIMIT 1"""


class Labeller:
    """Human-readable labels of IRIs, looked up once each."""

    def __init__(self, store: GraphStore):
        self.store = store
        self._label = lru_cache(maxsize=100_000)(self._lookup)

    def _lookup(self, iri: str) -> str:
        rows = self.store.select(_LABEL, bindings={"iri": URIRef(iri)}, default_graphs=Graphs.QUERY_DATASET).rows
        return str(rows[0][1]) if rows else ""

    def __call__(self, iri: str) -> str:
        return self._label(iri)


def short(term) -> str:
    """An IRI minted here shortened to its kind and id (``act/ru-expels-cz-20-2021``)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        if text.startswith(BASE + "id/"):
            return text[len(BASE + "id/"):]
        if text.startswith(BASE + "ontology#"):
            return "dg:" + text.split("#", 1)[1]
        return text
    return str(term)


def _plain(term):
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, (int, float, bool, str)):
            return value
        return str(term)
    return str(term)


#: a column's text is cut at this width (an IRI or a summary can be far longer)
_MAX_COLUMN = 40
#: what Rich adds around each column of a table: padding on both sides and a border
_COLUMN_FRAME = 3


def table(result: QueryResult, title: str | None = None, *, width: int | None = None) -> tuple[Table, list[str]]:
    """The result as a Rich table that fits ``width`` characters, and the names of the columns
    left out: those with no value in any row, and those too wide for what is left of the width
    (a narrower one after them may still fit). A table squeezed to show every column would
    show only ellipses; CSV and JSON keep every column."""
    cells = [[short(term) for term in row] for row in result.rows]
    kept, left_out, used = [], [], 1
    for index, variable in enumerate(result.variables):
        longest = max((len(row[index]) for row in cells), default=0)
        if result.rows and longest == 0:
            left_out.append(variable)
            continue
        needed = min(max(longest, len(variable)), _MAX_COLUMN) + _COLUMN_FRAME
        if width is not None and kept and used + needed > width:
            left_out.append(variable)
            continue
        kept.append((index, variable, longest))
        used += needed
    out = Table(title=title, show_lines=False, header_style="bold")
    for _, variable, longest in kept:
        if longest > _MAX_COLUMN:
            out.add_column(variable, overflow="ellipsis", no_wrap=True, max_width=_MAX_COLUMN)
        else:
            out.add_column(variable, no_wrap=True)
    for row in cells:
        out.add_row(*(row[index] for index, _, _ in kept))
    return out, left_out


def to_csv(result: QueryResult, labeller: Labeller | None) -> str:
    """CSV with, beside every column that holds IRIs, a ``…_label`` column."""
    iri_columns = {i for i, _ in enumerate(result.variables)
                   if any(isinstance(row[i], URIRef) for row in result.rows)}
    header: list[str] = []
    for i, variable in enumerate(result.variables):
        header.append(variable)
        if i in iri_columns and labeller is not None:
            header.append(f"{variable}_label")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in result.rows:
        cells = []
        for i, term in enumerate(row):
            value = _plain(term)
            cells.append("" if value is None else value)
            if i in iri_columns and labeller is not None:
                cells.append(labeller(str(term)) if isinstance(term, URIRef) else "")
        writer.writerow(cells)
    return buffer.getvalue()


def to_json(result: QueryResult, meta: dict) -> str:
    rows = [{v: _plain(t) for v, t in zip(result.variables, row)} for row in result.rows]
    return json.dumps({**meta, "columns": result.variables, "rows": rows}, ensure_ascii=False, indent=2)

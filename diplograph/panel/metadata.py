"""Licence, citation and provenance of a panel, as CSV on the Web (CSVW) metadata.

A CSV file ``panel.csv`` gets ``panel.csv-metadata.json`` beside it, the name the CSVW
specification (Model for Tabular Data and Metadata on the Web, §5.2) has processors look
for: title, licence, citation, the reasoning run and record files it derives from, and
a table schema describing every column. A Parquet file carries the same document in its
key-value metadata (key ``csvw``), with ``license`` and ``citation`` as keys of their own.
"""

from __future__ import annotations

import datetime as dt

from .. import __version__
from ..export import LICENCE
from .columns import columns_for
from .extract import Provenance

SOURCE = "https://w3id.org/diplograph/"
PUBLISHER = "Diplograph developers"
DG = "https://w3id.org/diplograph/ontology#"


def citation(accessed: dt.date | None = None) -> str:
    """How to cite the data (CITATION.cff says the same), with the day it was taken."""
    accessed = accessed or dt.date.today()
    return (f"{PUBLISHER}. Diplograph: a knowledge graph of diplomatic relations, version {__version__} "
            f"[data set]. {SOURCE} (accessed {accessed.isoformat()}). Licensed CC BY 4.0; cite also the "
            "original sources named for each act.")


def credit_line(provenance: Provenance) -> str:
    """One line naming the data, its licence and the reasoning run: for captions of pictures."""
    run = provenance.run.rsplit("/", 1)[-1] if provenance.run else "none (run 'diplograph reason')"
    window = f", window {provenance.window} days" if provenance.window is not None else ""
    if provenance.solidarity_window is not None and provenance.solidarity_window != provenance.window:
        window += f" (solidarity {provenance.solidarity_window})"
    return (f"Data: Diplograph {__version__}, curated records and inferences, {SOURCE} (CC BY 4.0). "
            f"Reasoning run {run}{window}.")


def describe(*, unit: str, first: dt.date, last: dt.date, states: tuple[str, ...] | None, all_dyads: bool,
             rows: int, provenance: Provenance, created: dt.datetime | None = None) -> dict:
    """The CSVW description of a panel (without the file's ``url``)."""
    created = created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    kind = "balanced panel of every pair of states in the registry" if all_dyads else \
        "panel of the pairs of states that had acts"
    selection = f", among {', '.join(states)}" if states else ""
    columns = columns_for(unit)
    document = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "@type": "Table",
        "dc:title": f"Diplograph directed-dyad panel by {unit}",
        "dc:description": (
            f"One row per directed dyad (sender, receiver) and {unit}, {first.isoformat()} to {last.isoformat()}: "
            f"{kind}{selection}, {rows:,} rows. Restrictive acts, expulsions, retaliation and solidarity between "
            "the two states, their level of relations and shared memberships; see docs/codebook.md."),
        "dc:license": {"@id": str(LICENCE)},
        "dc:rights": "Data licensed CC BY 4.0: cite Diplograph and the original sources named for each act.",
        "dc:bibliographicCitation": citation(created.date()),
        "dc:publisher": PUBLISHER,
        "dc:source": {"@id": SOURCE},
        "dc:created": {"@value": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "@type": "xsd:dateTime"},
        "dc:temporal": f"{first.isoformat()}/{last.isoformat()}",
        "dc:hasVersion": __version__,
        "rdfs:comment": [f"unit: {unit}", f"dyads: {'all' if all_dyads else 'with acts'}",
                         f"states: {', '.join(states) if states else 'all in the registry'}", f"rows: {rows}"],
        "prov:wasGeneratedBy": _run(provenance),
        "prov:wasDerivedFrom": [
            {"dc:identifier": f"records/{record['path']}", DG + "sha256": record["sha256"]}
            for record in provenance.records
        ],
        "tableSchema": {
            "columns": [_column(c) for c in columns],
            "primaryKey": [c.name for c in columns if c.key],
        },
    }
    return document


def _run(provenance: Provenance) -> dict:
    if not provenance.run:
        return {"rdfs:label": "no reasoning run"}
    run = {"@id": provenance.run, "rdfs:label": "Diplograph reasoning run"}
    if provenance.window is not None:
        run[DG + "windowDays"] = provenance.window
    if provenance.solidarity_window is not None:
        run[DG + "solidarityWindowDays"] = provenance.solidarity_window
    if provenance.software:
        run[DG + "softwareVersion"] = provenance.software
    for key, value in (("prov:startedAtTime", provenance.started), ("prov:endedAtTime", provenance.ended)):
        if value:
            run[key] = {"@value": value, "@type": "xsd:dateTime"}
    return run


def _column(column) -> dict:
    out = {
        "name": column.name,
        "titles": column.name,
        "datatype": column.datatype,
        "dc:description": column.description,
        "required": not column.nullable,
    }
    return out


def for_file(document: dict, file_name: str) -> dict:
    """The description of one written file: ``url`` is the table's file name, relative to the
    metadata document, so the two can move together."""
    return {**{k: v for k, v in document.items() if k != "tableSchema"}, "url": file_name,
            "tableSchema": document["tableSchema"]}

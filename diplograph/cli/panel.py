"""diplograph panel: a directed-dyad panel (year, month or day) as CSV or Parquet."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer

from .base import DEFAULT_STORE, StoreOption, app, console, errors, fail, open_graph


@app.command()
def panel(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.csv or .parquet).")],
    unit: Annotated[str, typer.Option("--unit", "-u", help="year, month or day.")] = "year",
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD; default: the first act).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD; default: the last act).")] = None,
    states: Annotated[str | None, typer.Option(
        "--states", help="Comma-separated ISO alpha-3 (or alpha-2) codes: only dyads of two of these states.")] = None,
    all_dyads: Annotated[bool, typer.Option(
        "--all-dyads", help="Every pair of states in the registry, every period (zeros where nothing happened).")] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="csv or parquet (default: from the file's suffix, else csv).")] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Write a directed-dyad panel (year, month or day) as CSV or Parquet, for regressions.

    One row per (sender, receiver, period) with COW, Gleditsch–Ward, ISO and Wikidata codes;
    acts, expulsions, retaliation, solidarity, level of relations and shared memberships
    (docs/codebook.md). A CSV file gets its licence, citation and column descriptions in
    FILE-metadata.json beside it (panel.csv-metadata.json: CSV on the Web); a Parquet file carries
    them inside."""
    from ..panel import PanelError, PanelWarning, WriteError, format_of, write

    try:
        chosen = format_of(output, fmt)
    except WriteError as exc:
        raise fail(str(exc)) from None
    if chosen == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise fail("Parquet needs pyarrow: pip install 'diplograph[parquet]'") from None
    graph = open_graph(store)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PanelWarning)
            with console.status(f"building the {unit} panel"):
                frame = graph.panel(unit=unit, start=start, end=end, states=states, all_dyads=all_dyads)
        for warning in caught:
            if issubclass(warning.category, PanelWarning):
                errors.print(f"[WARNING] {store}: {warning.message}", highlight=False, markup=False)
        with console.status(f"writing {output}"):
            written = write(frame, output, chosen)
    except (PanelError, WriteError, OSError) as exc:
        raise fail(str(exc)) from None
    finally:
        graph.close()
    also = f" (licence, citation and columns in {written[1]})" if len(written) > 1 else ""
    console.print(f"wrote {len(frame):,} rows × {frame.shape[1]} columns to {written[0]}{also}", highlight=False,
                  soft_wrap=True)

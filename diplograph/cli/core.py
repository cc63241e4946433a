"""The core commands: load, queries, query, export, stats, reason, explain."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from .. import __version__, queries, resources
from ..export import FORMATS
from ..loader import Severity
from ..output import Labeller, table, to_csv, to_json
from .base import DEFAULT_STORE, EXIT_INVALID, EXIT_OK, StoreOption, app, console, errors, fail, open_graph


@app.callback(invoke_without_command=True)
def _main(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False) -> None:
    if version:
        console.print(f"diplograph {__version__}")
        raise typer.Exit(EXIT_OK)


@app.command()
def load(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Record files or directories (default: the shipped records/).")] = None,
    store: StoreOption = DEFAULT_STORE,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the records, write nothing.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print informational messages.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write records even if unchanged since the last load.")] = False,
) -> None:
    """Check curated YAML records and load them into the store, all or nothing."""
    paths = paths or [resources.records_dir()]
    graph = open_graph(store)
    try:
        with console.status("loading records") as status:
            result = graph.load(*paths, dry_run=dry_run, force=force, progress=lambda m: status.update(m))
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    finally:
        graph.close()
    for message in result.report.sorted():
        if verbose or message.severity is not Severity.INFO:
            errors.print(str(message), highlight=False, markup=False, soft_wrap=True)
    if not result.ok:
        errors.print(f"{len(result.report.errors)} error(s) in {len(result.files)} file(s); the store is unchanged.",
                     highlight=False)
        raise typer.Exit(EXIT_INVALID)
    if dry_run:
        console.print(f"checked {len(result.files)} record files ({result.acts} acts): no errors; "
                      f"{len(result.written)} would be written, {len(result.unchanged)} are unchanged", highlight=False)
    else:
        console.print(f"loaded {len(result.files)} record files ({result.acts} acts): "
                      f"{len(result.written)} written, {len(result.unchanged)} unchanged, into {store}", highlight=False)


def _parse_params(values: list[str]) -> dict[str, str]:
    params = {}
    for value in values:
        if "=" not in value:
            raise fail(f"--param takes key=value, got {value!r}")
        key, _, text = value.partition("=")
        params[key.strip()] = text
    return params


@app.command("queries")
def list_queries() -> None:
    """List the stored queries and their parameters."""
    out = Table(header_style="bold")
    out.add_column("name")
    out.add_column("title")
    out.add_column("parameters")
    for named in queries.library().values():
        params = ", ".join(f"{p.name}: {p.type}" + ("" if p.required else f" = {p.default}") for p in named.parameters)
        out.add_row(named.name, named.title, params)
    console.print(out)


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A stored query (see 'diplograph queries').")],
    param: Annotated[Optional[list[str]], typer.Option("--param", "-p", help="key=value, repeatable.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of the terminal.")] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Run a stored query with named parameters."""
    if fmt not in ("table", "csv", "json"):
        raise fail(f"unknown format '{fmt}' (table, csv or json)")
    graph = open_graph(store)
    try:
        named = queries.get(name)
        result, bound = queries.run(graph.store, name, _parse_params(param or []))
        if fmt == "table":
            text = None
            if output:
                raise fail("--output needs --format csv or json")
            shown, left_out = table(result, title=named.title, width=console.width)
            console.print(shown)
            console.print(f"{len(result)} rows", style="dim")
            if left_out:
                console.print(f"not shown: {', '.join(left_out)} (empty, or wider than the terminal: "
                              "use --format csv or json for every column)", style="dim", highlight=False)
        elif fmt == "csv":
            text = to_csv(result, Labeller(graph.store))
        else:
            meta = {"query": name, "title": named.title, "parameters": {k: str(v) for k, v in bound.items()},
                    "license": "https://creativecommons.org/licenses/by/4.0/",
                    "source": "Diplograph curated records and inferences, https://w3id.org/diplograph/"}
            text = to_json(result, meta)
        if text is not None:
            if output:
                output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except queries.QueryError as exc:
        raise fail(str(exc)) from None
    finally:
        graph.close()


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}. nquads, trig and nt are "
                                     "written as the store is read, for any size; turtle and jsonld are made in "
                                     "memory, for small graphs.")] = "trig",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Export the ontology, asserted, inferred and provenance graphs."""
    if fmt not in FORMATS:
        raise fail(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    graph = open_graph(store)
    try:
        if output:
            # written aside and renamed when whole: an export that fails half way (a server
            # that cuts its answer is found out at the end of a graph) leaves no partial file
            # and keeps the one that was there
            aside = output.with_name(f".{output.name}.{os.getpid()}.part")
            try:
                with open(aside, "wb") as stream:
                    written = graph.write_export(fmt, stream)
                os.replace(aside, output)
            finally:
                aside.unlink(missing_ok=True)
            errors.print(f"wrote {written:,} bytes to {output}", highlight=False)
        else:
            graph.write_export(fmt, sys.stdout.buffer)
    finally:
        graph.close()


@app.command()
def stats(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Summarise the graph: triples per graph, acts per episode, type and year, links, and the
    agreement of asserted and inferred links (after 'diplograph reason')."""
    graph = open_graph(store)
    try:
        summary = graph.stats()
    finally:
        graph.close()
    if fmt == "json":
        sys.stdout.write(json.dumps(summary, indent=2, default=str) + "\n")
        return
    overview = Table(title="Diplograph", header_style="bold", show_header=False)
    overview.add_column("what")
    overview.add_column("value", justify="right")
    for name, count in summary["triples"].items():
        overview.add_row(f"triples in {name} graph", f"{count:,}")
    overview.add_row("acts", str(summary["acts"]))
    overview.add_row("sources", str(summary["sources"]))
    overview.add_row("acts with an asserted response link", str(summary["acts_with_response_link"]))
    overview.add_row("acts with an asserted solidarity link", str(summary["acts_with_solidarity_link"]))
    overview.add_row("share of acts with an explicit link", f"{summary['share_with_explicit_link']:.0%}")
    for key, value in summary.items():
        if key.startswith("agreement_") and isinstance(value, dict):
            # how many links of a kind the records assert and the rules find, by origin
            kind = key[len("agreement_"):]
            for origin, count in value.items():
                overview.add_row(f"{kind} links, {origin}", str(count))
        elif key.startswith("inferred_") or key.startswith("agreement_"):
            overview.add_row(key.replace("_", " "), str(value))
    console.print(overview)
    for key, title, column in (("per_episode", "Acts per episode", "episode"), ("per_type", "Acts per type", "type"),
                               ("per_year", "Acts per year", "year")):
        out = Table(title=title, header_style="bold")
        out.add_column(column)
        out.add_column("acts", justify="right")
        for row in summary[key]:
            label = row.get("title") or row[column]
            out.add_row(str(label), str(row["acts"]))
        console.print(out)


@app.command()
def reason(
    window: Annotated[int | None, typer.Option(
        "--window", "-w", help="Days for both windows at once (overridden by the two options below).")] = None,
    retaliation_window: Annotated[int | None, typer.Option(
        "--retaliation-window", show_default="90",
        help="Days within which an act of the other side can answer an act.")] = None,
    solidarity_window: Annotated[int | None, typer.Option(
        "--solidarity-window", show_default="30",
        help="Days within which a third state's act can support another's.")] = None,
    in_memory: Annotated[bool | None, typer.Option(
        "--in-memory/--in-place", show_default="in memory for a store on disk that fits in half the free memory, in the server for a remote store",
        help="Run the rules in a copy in memory and write back the results, or in the store (or server) itself.")] = None,
    in_parts: Annotated[bool, typer.Option(
        "--in-parts", show_default="for a store on disk too large for a copy in memory",
        help="Run the rules on a store on disk in parts that fit in memory, writing as they go.")] = False,
    portable: Annotated[bool, typer.Option(
        "--portable",
        help="Run every rule as its SPARQL file, inside the store, even those with a faster step in Python "
             "(retaliation candidates, solidarity, the chains, the ends of levels: the same results, "
             "the chains found by label propagation).")] = False,
    full: Annotated[bool, typer.Option(
        "--full",
        help="Recompute every inference, even where loads since the last run changed only a few records "
             "(by default only the inferences that can depend on what changed are recomputed: the same result).")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Infer OWL 2 RL consequences, retaliation, solidarity, chains and relation levels.

    After a load into a reasoned store, only what the changed records can reach is reasoned
    over again, unless --full."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..reasoning import reason as run_reasoning, windows

    try:
        retaliation_days, solidarity_days = windows(window, retaliation_window, solidarity_window)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if in_parts:
        if in_memory is not None:
            raise fail("--in-parts goes with neither --in-memory nor --in-place")
        in_memory = "parts"

    graph = open_graph(store)
    try:
        # the number of OWL passes is known only at the end: the bar counts rule applications
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} rules applied"),
                      TimeElapsedColumn(), console=errors, transient=True) as progress:
            task = progress.add_task("reasoning", total=None)

            def on_rule(rule, pass_number):
                stage = f"rule {rule.name}"
                if rule.path.parent.name == "owl":
                    stage = f"OWL 2 RL {stage}, pass {pass_number}"
                elif rule.repeat_until_empty is not None:
                    stage += f", pass {pass_number}"
                progress.update(task, advance=1, description=stage)

            def on_stage(stage):
                if stage != "rules":
                    progress.update(task, description=stage)

            result = run_reasoning(graph.store, retaliation_window=retaliation_days,
                                   solidarity_window=solidarity_days, on_rule=on_rule, in_memory=in_memory,
                                   on_stage=on_stage, portable=portable, full=full)
    except ValueError as exc:
        raise fail(str(exc)) from None
    finally:
        graph.close()
    if result.incremental:
        changed, acts = result.changed_resources, result.region_acts
        console.print(f"brought the last run up to date: {changed:,} resource{'' if changed == 1 else 's'} changed "
                      f"since, {acts:,} act{'' if acts == 1 else 's'} reasoned over again", highlight=False)
    elif result.full_because:
        console.print(f"a full run: {result.full_because}", highlight=False)
    passes = "" if result.incremental else f" in {result.rounds} OWL passes"
    console.print(f"{result.inferred_triples:,} inferred triples{passes} (windows: retaliation "
                  f"{result.retaliation_window} days, solidarity {result.solidarity_window} days): "
                  f"{result.retaliations} retaliations, {result.solidarity} solidarity links, {result.chains} chains, "
                  f"{result.level_changes} changes of level", highlight=False)
    for problem in result.inconsistencies:
        errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    if not result.consistent:
        errors.print(f"the graph is inconsistent: {len(result.inconsistencies)} problem(s)", highlight=False)
        raise typer.Exit(EXIT_INVALID)


@app.command()
def explain(
    act: Annotated[str, typer.Argument(help="An act id, e.g. ru-expels-cz-20-2021.")],
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Say in plain words why each link to or from an act was inferred, with its sources."""
    from ..reasoning.explain import explain as explain_act

    try:
        iri = queries.coerce(queries.Parameter("act", "act", None, ""), act)
    except queries.QueryError as exc:
        raise fail(str(exc)) from None
    graph = open_graph(store)
    try:
        found = explain_act(graph.store, iri)
    finally:
        graph.close()
    if found["label"] is None:
        raise fail(f"no act '{act}' in the store {store}")
    console.print(f"[bold]{act}[/]: {found['label']}", highlight=False)
    console.print("Sources:", style="bold")
    for source in found["sources"]:
        published = f", {source['published']}" if source.get("published") else ""
        console.print(f"  - {source['publisher']}{published} <{source['url']}>\n    {source['summary']}",
                      highlight=False, markup=False)
    if not found["links"]:
        console.print("No retaliation or solidarity link to or from this act (run 'diplograph reason' first?).")
    for link in found["links"]:
        console.print(f"• {link['explanation']}", highlight=False, markup=False)
        console.print(f"  rule: {link['rule']}", style="dim", highlight=False)

"""``python -m bench``: generate synthetic records, run the benchmark, rewrite its report."""

from __future__ import annotations

import json
import shlex
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import report, runner
from .generate import LAYOUTS, generate

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Diplograph's benchmark: synthetic records with ground truth, every stage timed.")
console = Console(stderr=True)

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SIZES = "1k,10k,100k"


@app.command()
def run(
    sizes: Annotated[str, typer.Option(help="Acts per size, comma-separated (1k, 10k, 100k, 1M).")] = DEFAULT_SIZES,
    large: Annotated[bool, typer.Option("--large", help="Add 1M acts to the sizes.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    layout: Annotated[str, typer.Option(help="Record files: 'month' (one per month) or 'episode' (one per episode).")] = "month",
    workdir: Annotated[Path, typer.Option(help="Where records and stores go (reused when the same size and seed are asked again).")] = Path("/tmp/diplograph-bench"),
    out: Annotated[Path, typer.Option(help="Directory of latest.json and latest.md.")] = RESULTS,
    timeout: Annotated[float, typer.Option(help="Time limit of each phase, in seconds.")] = 1800,
    runs: Annotated[int, typer.Option(help="Runs of each named query (the median is reported).")] = 5,
    window: Annotated[int, typer.Option(help="The reasoner's window, in days.")] = 30,
    owlrl_max: Annotated[str, typer.Option("--owlrl-max", help="Largest size at which owlrl's closure runs.")] = "10k",
    remote_max: Annotated[str, typer.Option("--remote-max", help="Largest size at which a real 'oxigraph serve' is loaded and reasoned too, in a working copy (0: never).")] = "100k",
    remote_in_server_max: Annotated[str, typer.Option("--remote-in-server-max", help="Largest size at which the rules also run inside that server (0: never).")] = "10k",
    export_formats: Annotated[str, typer.Option("--export-formats", help="Export formats to time, comma-separated.")] = "nquads,trig",
    note: Annotated[Optional[str], typer.Option(help="A remark printed with the results (e.g. a shared machine).")] = None,
    commit: Annotated[Optional[str], typer.Option(help="Measure this git revision (a clean export of it) instead of the working tree.")] = None,
    skip_after_timeout: Annotated[bool, typer.Option(help="Skip a phase at larger sizes once it reached its time limit.")] = True,
) -> None:
    """Measure every stage for each size and write the results (JSON and Markdown)."""
    if layout not in LAYOUTS:
        raise typer.BadParameter(f"unknown layout '{layout}' (known: {', '.join(LAYOUTS)})", param_hint="--layout")
    try:
        size_list = [runner.parse_size(s) for s in sizes.split(",") if s.strip()]
        if large and 1_000_000 not in size_list:
            size_list.append(1_000_000)
        settings = runner.Settings(
            sizes=sorted(size_list), seed=seed, layout=layout, workdir=workdir.resolve(), timeout=timeout, runs=runs,
            window=window, owlrl_max=runner.parse_size(owlrl_max),
            remote_max=0 if remote_max.strip() == "0" else runner.parse_size(remote_max),
            remote_in_server_max=0 if remote_in_server_max.strip() == "0" else runner.parse_size(remote_in_server_max),
            export_formats=[f.strip() for f in export_formats.split(",") if f.strip()], note=note, commit=commit,
            skip_after_timeout=skip_after_timeout)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    command = "python -m bench " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    # a terminated run stops the phase it is waiting for (see runner.run_phase)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        runner.run(settings, out.resolve(), say=console.print, command=command)
    except RuntimeError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    console.print(f"results: {out / 'latest.json'}, {out / 'latest.md'}")
    typer.echo((out / "latest.md").read_text(encoding="utf-8"))


@app.command("generate")
def generate_command(
    acts: Annotated[str, typer.Argument(help="Number of acts (e.g. 1k).")],
    directory: Annotated[Path, typer.Argument(help="Where records/ and truth.json go.")],
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    layout: Annotated[str, typer.Option(help="'month' or 'episode'.")] = "month",
) -> None:
    """Write synthetic records and their ground truth (truth.json), without measuring anything."""
    dataset = generate(directory, runner.parse_size(acts), seed=seed, layout=layout)
    console.print(f"{dataset.truth['counts']['acts']} acts in {dataset.truth['counts']['files']} files under "
                  f"{dataset.records}; ground truth in {dataset.truth_file}")


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(help="A result file (e.g. bench/results/latest.json).")] = RESULTS / "latest.json",
) -> None:
    """Rewrite the Markdown beside a result file (and the figures derived in it)."""
    document = json.loads(results.read_text(encoding="utf-8"))
    report.write(document, results.parent, names=(results.stem,))
    typer.echo(results.with_suffix(".md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    app()

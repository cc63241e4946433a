"""diplograph plot: pictures of an episode (timeline), of who answered and supported whom
(network), and of the level of relations between two states (level)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .base import DEFAULT_STORE, StoreOption, app, console, fail, open_graph

plot_app = typer.Typer(help="Draw pictures of the graph as SVG, PNG or PDF (by the --output suffix).",
                       no_args_is_help=True)
app.add_typer(plot_app, name="plot")

OutputOption = Annotated[Path, typer.Option("--output", "-o", help="File to write: .svg, .png or .pdf.")]
FromOption = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")]
StatesOption = Annotated[str | None, typer.Option(
    "--states", help="Comma-separated state codes (alpha-2 or alpha-3): only acts of or against these.")]


def _render(store: str, output: Path, draw) -> None:
    import matplotlib

    matplotlib.use("Agg")  # a command draws files, never windows

    from ..plot import PlotError, save
    from ..plot.style import output_format

    try:
        output_format(output)
    except ValueError as exc:
        raise fail(str(exc)) from None
    graph = open_graph(store)
    try:
        with console.status(f"drawing {output}"):
            picture = draw(graph)
            save(picture, output)
    except (PlotError, OSError) as exc:
        raise fail(str(exc)) from None
    finally:
        graph.close()
    console.print(f"wrote {output}: {picture.title}", highlight=False, soft_wrap=True)


@plot_app.command()
def timeline(
    output: OutputOption,
    episode: Annotated[str | None, typer.Option("--episode", "-e", help="An episode id, e.g. 2021-vrbetice.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    states: StatesOption = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """An episode, or a period, on a time axis: acts, retaliation, solidarity, changes of level.

    One lane per acting state; each act a mark on its actor's lane sized by the persons it
    affected; arrows from each act to the act that retaliated for it, and from the act a
    solidarity act supported; changes of the level of relations marked."""
    if not episode and not (start and end):
        raise fail("give --episode ID, or --from and --to")
    _render(store, output, lambda g: g.plot("timeline", episode=episode, start=start, end=end, states=states))


@plot_app.command()
def network(
    output: OutputOption,
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).")],
    states: StatesOption = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Who retaliated against whom, and who acted in solidarity with whom, in a period.

    A directed graph of states: edge width by number of acts, states coloured by the
    organisations they belonged to at the end of the period."""
    _render(store, output, lambda g: g.plot("network", start=start, end=end, states=states))


@plot_app.command()
def level(
    a: Annotated[str, typer.Argument(help="One state (e.g. RU).")],
    b: Annotated[str, typer.Argument(help="The other state (e.g. EE).")],
    output: OutputOption,
    start: FromOption = None,
    end: ToOption = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """The level of relations between two states over time, as a step chart."""
    _render(store, output, lambda g: g.plot("level", a=a, b=b, start=start, end=end))

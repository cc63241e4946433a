"""Pictures: ``diplograph plot timeline|network|level`` on the shipped records, loaded and
reasoned over. The tests read the SVG (text stays text; every act, link and state is a
group whose id names it) and check what the picture says against the stored queries."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from panel_support import code_blocks, commands, private_copy, reasoned_store
from typer.testing import CliRunner

import diplograph
from diplograph.cli import app
from diplograph.store import EmbeddedStore

ENV = {"COLUMNS": "220", "NO_COLOR": "1", "TERM": "dumb"}
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.fixture(scope="module")
def store_dir(shipped, tmp_path_factory) -> Path:
    return private_copy(reasoned_store(shipped, tmp_path_factory), tmp_path_factory.mktemp("plot") / "store")


@pytest.fixture(scope="module")
def graph(shipped, tmp_path_factory):
    with diplograph.Diplograph(EmbeddedStore(reasoned_store(shipped, tmp_path_factory), read_only=True)) as g:
        yield g


class Svg:
    def __init__(self, path: Path):
        self.root = ET.parse(path).getroot()
        self.groups = {g.get("id"): g for g in self.root.iter(f"{SVG}g") if g.get("id")}
        self.texts = ["".join(t.itertext()) for t in self.root.iter(f"{SVG}text")]

    def ids(self, prefix: str) -> set[str]:
        return {i[len(prefix):] for i in self.groups if i.startswith(prefix)}

    def mark_centre(self, gid: str) -> tuple[float, float]:
        use = next(self.groups[gid].iter(f"{SVG}use"))
        return float(use.get("x")), float(use.get("y"))

    def path_ends(self, gid: str) -> tuple[tuple[float, float], tuple[float, float]]:
        """The first and last points of the first path of a group (an arrow's shaft)."""
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", next(self.groups[gid].iter(f"{SVG}path")).get("d"))]
        return (numbers[0], numbers[1]), (numbers[-2], numbers[-1])


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# ---------------------------------------------------------------------------
# The timeline of the Vrbětice episode
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vrbetice(store_dir, tmp_path_factory) -> Svg:
    out = tmp_path_factory.mktemp("timeline") / "vrbetice.svg"
    result = run("plot", "timeline", "--episode", "2021-vrbetice", "--output", str(out), "--store", str(store_dir))
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stdout
    return Svg(out)


def test_timeline_links_the_czech_expulsion_of_18_to_the_russian_expulsion_of_20(vrbetice):
    czech, russian = "act:cz-expels-ru-18-2021", "act:ru-expels-cz-20-2021"
    link = "retaliation:ru-expels-cz-20-2021--cz-expels-ru-18-2021"
    assert {czech, russian, link} <= set(vrbetice.groups)
    assert "expels 18 → RU" in vrbetice.texts and "expels 20 → CZ" in vrbetice.texts
    start, end = vrbetice.path_ends(link)
    assert math.dist(start, vrbetice.mark_centre(czech)) < 15, "the arrow does not start at the Czech expulsion"
    assert math.dist(end, vrbetice.mark_centre(russian)) < 15, "the arrow does not end at the Russian expulsion"
    # the two marks are sized by persons: 20 is larger than 18
    def radius(gid: str) -> float:
        d = next(vrbetice.groups[gid].iter(f"{SVG}path")).get("d")
        return max(abs(float(n)) for n in re.findall(r"-?\d+(?:\.\d+)?", d))

    assert radius(russian) > radius(czech)


def test_timeline_draws_every_act_and_link_of_the_episode(vrbetice, graph):
    acts = {_local(r["act"]) for r in graph.query("episode-timeline", episode="2021-vrbetice")}
    assert vrbetice.ids("act:") == acts
    retaliations = {f"{_local(r['response'])}--{_local(r['trigger'])}" for r in graph.query("retaliations")
                    if _local(r["response"]) in acts and _local(r["trigger"]) in acts}
    assert retaliations and vrbetice.ids("retaliation:") == retaliations
    solidarity = {f"{_local(r['act'])}--{_local(r['supported'])}"
                  for r in graph.query("solidarity", episode="2021-vrbetice")}
    assert solidarity and vrbetice.ids("solidarity:") == solidarity


def test_timeline_has_lanes_named_a_title_and_a_caption_naming_source_and_run(vrbetice, graph):
    for name in ("Czech Republic (CZ)", "Russia (RU)", "Slovakia (SK)", "Latvia (LV)"):
        assert name in vrbetice.texts
    title = graph.sparql("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?t WHERE { "
                         "<https://w3id.org/diplograph/id/episode/2021-vrbetice> rdfs:label ?t }")[0]["t"]
    assert title in vrbetice.texts
    run_iri = graph.sparql("PREFIX dg: <https://w3id.org/diplograph/ontology#> "
                           "SELECT ?run WHERE { ?run a dg:ReasoningRun ; dg:isCurrentRun true }")[0]["run"]
    caption = " ".join(vrbetice.texts)
    assert "CC BY 4.0" in caption and "https://w3id.org/diplograph/" in caption
    assert _local(run_iri) in caption.replace("\n", " ")
    assert any(re.fullmatch(r"\d{2}|May|Apr|2021.*", t) for t in vrbetice.texts)  # dates on the axis


def test_timeline_of_a_period_and_states_as_png_with_metadata(store_dir, tmp_path):
    from PIL import Image

    out = tmp_path / "period.png"
    result = run("plot", "timeline", "--from", "2023-01-01", "--to", "2023-01-31", "--states", "EE,LVA",
                 "--output", str(out), "--store", str(store_dir))
    assert result.exit_code == 0, result.stderr
    image = Image.open(out)
    assert image.format == "PNG" and image.width > 1000
    assert "Estonia" in image.info["Title"] and "CC BY 4.0" in image.info["Copyright"]


def test_timeline_shows_changes_of_level(store_dir, tmp_path, graph):
    out = tmp_path / "baltic.svg"
    result = run("plot", "timeline", "--episode", "2023-russia-estonia-latvia", "-o", str(out), "--store", str(store_dir))
    assert result.exit_code == 0, result.stderr
    svg = Svg(out)
    changes = graph.sparql("""PREFIX dg: <https://w3id.org/diplograph/ontology#>
        SELECT ?act ?s ?r WHERE { ?c a dg:LevelChange ; dg:causedBy ?act ; dg:sender ?s ; dg:receiver ?r .
                                  ?act dg:partOfEpisode <https://w3id.org/diplograph/id/episode/2023-russia-estonia-latvia> }""")
    expected = {f"{_local(c['act'])}/{_local(c['s'])}--{_local(c['r'])}" for c in changes}
    assert expected and svg.ids("level:") == expected
    assert any("chargé d'affaires" in t for t in svg.texts)


# ---------------------------------------------------------------------------
# The network of 2022 and the level between two states
# ---------------------------------------------------------------------------

def test_network_of_2022_has_every_retaliating_pair_and_coloured_states(store_dir, tmp_path, graph):
    out = tmp_path / "network.svg"
    result = run("plot", "network", "--from", "2022-01-01", "--to", "2022-12-31", "-o", str(out),
                 "--store", str(store_dir))
    assert result.exit_code == 0, result.stderr
    svg = Svg(out)
    pairs = {f"{_local(r['responder'])}->{_local(r['triggered_by'])}"
             for r in graph.query("retaliations", **{"from": "2022-01-01", "to": "2022-12-31"})}
    assert pairs and svg.ids("retaliation:") == pairs
    states = {p.split("->")[0] for p in pairs} | {p.split("->")[1] for p in pairs}
    assert states <= svg.ids("state:") | svg.ids("organisation:")
    assert "Russia" in svg.texts and "Germany" in svg.texts
    solidarity = graph.sparql("""PREFIX dg: <https://w3id.org/diplograph/ontology#>
        SELECT DISTINCT ?z ?x WHERE { ?l a dg:SolidarityLink ; dg:response ?c ; dg:supported ?x .
            ?c dg:actor ?z ; dg:announcedOn ?d FILTER (YEAR(?d) = 2022) }""")
    assert svg.ids("solidarity:") == {f"{_local(r['z'])}->{_local(r['x'])}" for r in solidarity}
    fills = {re.search(r"fill: (#[0-9a-f]{6})", ET.tostring(svg.groups[f"state:{s}"]).decode()).group(1)
             for s in ("RU", "DE", "AT")}
    assert len(fills) == 3  # Russia none, Germany EU and NATO, Austria EU only: three colours
    assert any("member of EU and NATO" in t for t in svg.texts)


def test_level_step_chart_marks_each_change_between_two_states(store_dir, tmp_path, graph):
    out = tmp_path / "level.svg"
    result = run("plot", "level", "RU", "EE", "-o", str(out), "--store", str(store_dir))
    assert result.exit_code == 0, result.stderr
    svg = Svg(out)
    answer = graph.query("relation-level", a="RU", b="EE", date="2025-12-31")
    assert answer
    for r in answer:
        assert f"change:{_local(r['act'])}/{_local(r['sender'])}--{_local(r['receiver'])}" in svg.groups
    assert {"level:RU-in-EE", "level:EE-in-RU"} <= set(svg.groups)
    for label in ("ambassador", "chargé d'affaires", "no mission", "severed"):
        assert label in svg.texts


def test_plot_errors_are_clear(store_dir, tmp_path):
    result = run("plot", "timeline", "--episode", "no-such-episode", "-o", str(tmp_path / "x.svg"),
                 "--store", str(store_dir))
    assert result.exit_code == 2 and "2021-vrbetice" in result.stderr
    result = run("plot", "timeline", "--episode", "2021-vrbetice", "-o", str(tmp_path / "x.jpg"),
                 "--store", str(store_dir))
    assert result.exit_code == 2 and ".svg" in result.stderr
    result = run("plot", "level", "RU", "XX", "-o", str(tmp_path / "x.svg"), "--store", str(store_dir))
    assert result.exit_code == 2 and "XX" in result.stderr
    result = run("plot", "network", "--from", "1990-01-01", "--to", "1990-12-31", "-o", str(tmp_path / "x.svg"),
                 "--store", str(store_dir))
    assert result.exit_code == 2 and "nothing to draw" in result.stderr
    assert not list(tmp_path.glob("x.*"))


def test_the_python_api_returns_a_picture_a_notebook_shows(graph, tmp_path):
    picture = graph.plot("timeline", episode="2021-vrbetice")
    assert picture._repr_png_().startswith(b"\x89PNG")
    assert picture.save(tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="timeline, network or level"):
        graph.plot("pie")


def test_the_commands_of_docs_plots_md_run_and_the_committed_pictures_are_theirs(shipped, tmp_path_factory,
                                                                                 tmp_path, monkeypatch):
    repo = Path(__file__).resolve().parents[1]
    private_copy(reasoned_store(shipped, tmp_path_factory), tmp_path / "diplograph-data")
    (tmp_path / "docs" / "images").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIPLOGRAPH_STORE", raising=False)
    steps = commands(repo / "docs" / "plots.md")
    assert [s[0] for s in steps] == ["load", "reason", "plot", "plot", "plot"]
    for arguments in steps:
        result = run(*arguments)
        assert result.exit_code == 0, (arguments, result.stderr)
    for name in ("vrbetice-2021-timeline.svg", "network-2022.svg"):
        fresh, committed = Svg(tmp_path / "docs" / "images" / name), Svg(repo / "docs" / "images" / name)
        # the committed picture shows what the documented command draws (up to the reasoning run's time)
        assert committed.ids("act:") == fresh.ids("act:")
        assert committed.ids("state:") == fresh.ids("state:")
        assert committed.ids("retaliation:") == fresh.ids("retaliation:"), name
    timeline = Svg(repo / "docs" / "images" / "vrbetice-2021-timeline.svg")
    assert "retaliation:ru-expels-cz-20-2021--cz-expels-ru-18-2021" in timeline.groups
    namespace: dict = {}
    exec(compile(code_blocks(repo / "docs" / "plots.md", "python")[0], "plots.md", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "vrbetice.png").read_bytes().startswith(b"\x89PNG")
    namespace["graph"].close()


def test_timeline_svg_links_each_act_mark_to_its_iri(vrbetice):
    """Each act's mark in the timeline SVG is a link to the act's IRI (docs/plots.md says so)."""
    from diplograph import namespaces as ns

    links = {a.get("{http://www.w3.org/1999/xlink}href") or a.get("href") for a in vrbetice.root.iter(f"{SVG}a")}
    assert str(ns.act("cz-expels-ru-18-2021")) in links
    assert str(ns.act("ru-expels-cz-20-2021")) in links

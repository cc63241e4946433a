"""The stored queries of queries/*.rq and the Python API that runs them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from diplograph import queries
from diplograph.api import Diplograph, Rows
from diplograph.queries import PARAM_TYPES, Parameter, QueryError, parse_query_file
from diplograph.store import EmbeddedStore

QUERY_DIR = Path(__file__).resolve().parents[1] / "queries"
QUERY_FILES = sorted(QUERY_DIR.glob("*.rq"))
QUERY_NAMES = [p.stem for p in QUERY_FILES]

#: Example values by parameter type, from the shipped records.
EXAMPLE_AGENTS = ("CZ", "RU")
EXAMPLES = {"episode": "2021-vrbetice", "act": "ru-expels-cz-20-2021", "date": "2021-05-01"}

#: Terms only the reasoner writes (ontology section "Inferred links and levels of relations"):
#: a stored query that reads them may answer nothing on a graph that was loaded but not reasoned.
INFERRED_ONLY = re.compile(r"dg:(RetaliationLink|SolidarityLink|InferredLink|LevelChange|Chain|inChain|"
                           r"retaliatesFor|supports|trigger|response)\b|graph/inferred")
CORE_QUERIES = [p.stem for p in QUERY_FILES if not INFERRED_ONLY.search(p.read_text(encoding="utf-8"))]
REASONING_QUERIES = [name for name in QUERY_NAMES if name not in CORE_QUERIES]


def example_params(named: queries.NamedQuery) -> dict[str, str]:
    values, agents = {}, iter(EXAMPLE_AGENTS)
    for parameter in named.parameters:
        if not parameter.required:
            continue
        if parameter.type in ("agent", "state"):
            values[parameter.name] = next(agents)
        elif parameter.type in EXAMPLES:
            values[parameter.name] = EXAMPLES[parameter.type]
        else:
            pytest.fail(f"no example value for a required {parameter.type} parameter ({named.name})")
    return values


# ---------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------

def test_query_library_lists_every_rq_file():
    assert len(QUERY_FILES) >= 6
    assert sorted(queries.library()) == QUERY_NAMES


@pytest.mark.parametrize("path", QUERY_FILES, ids=QUERY_NAMES)
def test_query_file_has_a_header_with_title_description_and_parameters(path: Path):
    named = parse_query_file(path)
    assert named.title and named.title[0].isupper()
    assert len(named.description) > 20
    header = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# param")]
    assert len(named.parameters) == len(header)
    body = re.sub(r"#[^\n]*", "", named.text)
    for parameter in named.parameters:
        assert parameter.type in PARAM_TYPES
        assert parameter.description, f"parameter {parameter.name} is not described"
        assert re.search(rf"\?{parameter.name}\b", body), f"?{parameter.name} is not used in the query"
        if parameter.default is not None:
            queries.coerce(parameter, parameter.default)  # a default must be a valid value


@pytest.mark.parametrize("path", QUERY_FILES, ids=QUERY_NAMES)
def test_query_file_is_a_select_that_parses(path: Path):
    named = parse_query_file(path)
    assert named.form == "SELECT"
    parseQuery(named.text)


def test_parameter_line_without_a_known_type_is_rejected(tmp_path: Path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Bad\n# description: A query.\n# param x: colour — what\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="malformed parameter line"):
        parse_query_file(bad)


def test_query_file_without_a_title_is_rejected(tmp_path: Path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# description: A query.\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="title"):
        parse_query_file(bad)


# ---------------------------------------------------------------------------
# Running them on the shipped records
# ---------------------------------------------------------------------------

def test_core_queries_are_the_ones_expected():
    assert {"act-sources", "acts-between", "acts-of-state", "episode-timeline", "episodes",
            "expulsions-per-year"} <= set(CORE_QUERIES)


@pytest.mark.parametrize("name", CORE_QUERIES)
def test_core_query_returns_rows_on_the_shipped_records(loaded_graph: Diplograph, name: str):
    named = queries.get(name)
    rows = loaded_graph.query(name, **example_params(named))
    assert len(rows) >= 1
    assert list(rows[0]) == rows.variables
    hidden = {p.name for p in named.parameters} & set(rows.variables)
    assert not hidden, f"parameter columns {hidden} are shown"


@pytest.mark.parametrize("name", REASONING_QUERIES)
def test_reasoning_query_runs_on_a_graph_not_yet_reasoned(loaded_graph: Diplograph, name: str):
    named = queries.get(name)
    rows = loaded_graph.query(name, **example_params(named))
    assert rows.variables and not ({p.name for p in named.parameters} & set(rows.variables))


def test_acts_between_cz_and_ru_lists_both_expulsions(loaded_graph: Diplograph):
    rows = loaded_graph.query("acts-between", a="CZ", b="RU")
    acts = [row["act"].rsplit("/", 1)[-1] for row in rows]
    assert {"cz-expels-ru-18-2021", "ru-expels-cz-20-2021"} <= set(acts)
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    assert all({row["actor"], row["target"]} == {ns_state("CZ"), ns_state("RU")} for row in rows)


def test_acts_between_honours_the_date_range(loaded_graph: Diplograph):
    rows = loaded_graph.query("acts-between", a="CZ", b="RU", **{"from": "2021-04-18", "to": "2021-04-18"})
    acts = {row["act"].rsplit("/", 1)[-1] for row in rows}
    assert "ru-expels-cz-20-2021" in acts and "cz-expels-ru-18-2021" not in acts
    assert all(row["date"] == dt.date(2021, 4, 18) for row in rows)


def ns_state(code: str) -> str:
    return f"https://w3id.org/diplograph/id/state/{code}"


def test_episodes_query_returns_plain_python_rows(loaded_graph: Diplograph):
    rows = loaded_graph.query("episodes")
    assert isinstance(rows, Rows) and isinstance(rows, list)
    assert rows.variables == ["episode", "title", "first", "last", "acts", "states"]
    by_episode = {row["episode"]: row for row in rows}
    vrbetice = by_episode["https://w3id.org/diplograph/id/episode/2021-vrbetice"]
    assert all(set(row) == set(rows.variables) for row in rows)
    assert isinstance(vrbetice["title"], str) and "Vrb" in vrbetice["title"]
    assert isinstance(vrbetice["first"], dt.date) and vrbetice["first"] <= vrbetice["last"]
    assert vrbetice["first"] == dt.date(2021, 4, 17)
    assert isinstance(vrbetice["acts"], int) and vrbetice["acts"] >= 2
    assert vrbetice["states"] >= 2


def test_rows_to_dataframe_has_the_same_columns_and_values(loaded_graph: Diplograph):
    rows = loaded_graph.query("episodes")
    frame = rows.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == rows.variables
    assert len(frame) == len(rows)
    assert frame.to_dict("records") == list(rows)


def test_rows_with_parameters_to_dataframe(loaded_graph: Diplograph):
    rows = loaded_graph.query("acts-of-state", state="CZ")
    frame = rows.to_dataframe()
    assert list(frame.columns) == rows.variables and len(frame) == len(rows) > 0
    assert set(frame["role"]) == {"actor", "target"}


def test_sparql_binds_a_variable_that_is_not_projected(loaded_graph: Diplograph):
    """pyoxigraph substitutes only projected variables; the others are bound by a VALUES block."""
    rows = loaded_graph.sparql("SELECT ?label WHERE { ?iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
                               iri=URIRef(ns_state("CZ")))
    assert [row["label"] for row in rows] == ["Czech Republic"]


def test_sparql_binding_a_hostile_literal_to_an_unprojected_variable_stays_data(loaded_graph: Diplograph):
    hostile = Literal('Czech Republic" } } ; DROP ALL #', lang="en")
    rows = loaded_graph.sparql("SELECT ?iri WHERE { ?iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
                               label=hostile)
    assert list(rows) == []
    assert loaded_graph.sparql("SELECT ?iri WHERE { ?iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
                               label=Literal("Czech Republic", lang="en")) == [{"iri": str(ns_state("CZ"))}]


def test_sparql_binds_a_projected_variable(loaded_graph: Diplograph):
    rows = loaded_graph.sparql("SELECT ?iri ?label WHERE { ?iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
                               iri=URIRef(ns_state("CZ")))
    assert [row["label"] for row in rows] == ["Czech Republic"]


# ---------------------------------------------------------------------------
# Parameters: required, known, well-formed, never pasted into the text
# ---------------------------------------------------------------------------

INJECTIONS = [
    ("acts-between", {"a": "CZ", "b": "RU> } ; DROP ALL #"}),
    ("acts-between", {"a": "CZ", "b": "RU", "from": '2021-01-01"^^<x> } ; DROP ALL #'}),
    ("acts-of-state", {"state": "RU } UNION { ?s ?p ?o"}),
    ("episode-timeline", {"episode": "2021-vrbetice> } ; DROP ALL #"}),
    ("act-sources", {"act": "ru-expels-cz-20-2021> ?p ?o } #"}),
]


@pytest.mark.parametrize("name, params", INJECTIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(INJECTIONS)])
def test_sparql_injection_in_a_parameter_is_rejected(loaded_graph: Diplograph, name: str, params: dict):
    with pytest.raises(QueryError, match="is not a valid"):
        loaded_graph.query(name, **params)


@pytest.mark.parametrize("kind, value", [
    ("agent", "RU> } ; DROP ALL #"), ("state", "R U"), ("date", "2021-13-01"), ("integer", "1; DROP ALL"),
    ("decimal", "1.5 } #"), ("act", "Act With Spaces"), ("episode", "x> } #"),
    ("iri", "https://example.org/x> } ; DROP ALL #"), ("iri", "javascript:alert(1)"),
])
def test_coerce_rejects_malformed_values(kind: str, value: str):
    with pytest.raises(QueryError, match=f"not a valid {kind}"):
        queries.coerce(Parameter("x", kind, None, ""), value)


def test_string_parameters_are_bound_as_literals_not_text():
    hostile = 'x" } ; DROP ALL #'
    assert queries.coerce(Parameter("x", "string", None, ""), hostile) == Literal(hostile)


def test_coerce_types_values():
    assert queries.coerce(Parameter("a", "agent", None, ""), "cz") == URIRef(ns_state("CZ"))
    assert queries.coerce(Parameter("a", "agent", None, ""), "NATO") == URIRef(
        "https://w3id.org/diplograph/id/organisation/NATO")
    assert queries.coerce(Parameter("d", "date", None, ""), dt.date(2021, 4, 17)).toPython() == dt.date(2021, 4, 17)
    assert queries.coerce(Parameter("n", "integer", None, ""), "7").toPython() == 7


def test_missing_required_parameter_is_a_query_error(loaded_graph: Diplograph):
    with pytest.raises(QueryError, match="needs the parameter 'b'"):
        loaded_graph.query("acts-between", a="CZ")


def test_unknown_parameter_is_a_query_error(loaded_graph: Diplograph):
    with pytest.raises(QueryError, match="has no parameter 'colour'"):
        loaded_graph.query("acts-between", a="CZ", b="RU", colour="red")


def test_unknown_query_is_a_query_error(loaded_graph: Diplograph):
    with pytest.raises(QueryError, match="no stored query named 'no-such-query'"):
        loaded_graph.query("no-such-query")


# ---------------------------------------------------------------------------
# Opening a graph read-only
# ---------------------------------------------------------------------------

def test_read_only_graph_can_be_closed(shipped_store_copy: Path):
    with Diplograph(EmbeddedStore(shipped_store_copy, read_only=True)) as graph:
        assert graph.query("episodes")

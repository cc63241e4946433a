"""``diplograph serve``: the read-only SPARQL 1.1 endpoint and the stored queries, tested
over HTTP against a real server started in a subprocess on 127.0.0.1, serving a store
with the shipped records loaded and reasoned, and also serving a real ``oxigraph serve``
and a real Virtuoso (when it is installed).

SPARQLWrapper and rdflib's SPARQLStore are used as their users use them, unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from server_support import free_port, oxigraph_server
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException
from virtuoso_support import VIRTUOSO_MAX_ROWS, virtuoso_server
from web_support import (
    ENV,
    Served,
    copy_store,
    copy_to_server,
    diplograph_server,
    get,
    http,
    post_form,
    reasoned_store,
    serve_command,
)

from diplograph import namespaces as ns
from diplograph import queries
from diplograph.export import LICENCE
from diplograph.namespaces import DG, Graphs
from diplograph.store import EmbeddedStore
from diplograph.store.remote import RemoteStore
from diplograph.web.row_limit import ask_for_at_most

MAX_ROWS = 500
ACT = ns.act("ru-expels-cz-20-2021")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SD = "http://www.w3.org/ns/sparql-service-description#"

#: example parameter values for each stored query (from the shipped records)
EXAMPLES = {
    "act-sources": {"act": "ru-expels-cz-20-2021"},
    "acts-between": {"a": "CZ", "b": "RU", "from": "2021-01-01", "to": "2021-12-31"},
    "acts-of-state": {"state": "RU", "from": "2021-01-01", "to": "2022-12-31"},
    "episode-timeline": {"episode": "2021-vrbetice"},
    "expulsions-per-year": {"from": "2018-01-01"},
    "relation-level": {"a": "RU", "b": "EE", "date": "2023-03-01"},
    "retaliations": {"from": "2021-01-01", "to": "2021-12-31"},
    "solidarity": {"episode": "2021-vrbetice"},
    "tit-for-tat": {"a": "CZ", "b": "RU"},
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, shipped) -> Path:
    return reasoned_store(tmp_path_factory, shipped)


@pytest.fixture(scope="module")
def server(store_path: Path, tmp_path_factory) -> Served:
    with diplograph_server(store_path, tmp_path_factory.mktemp("serve"), "--max-rows", str(MAX_ROWS),
                           "--timeout", "60") as served:
        yield served


@pytest.fixture(scope="module")
def embedded(store_path: Path):
    """The same store, opened read-only in this process while the server holds it too."""
    store = EmbeddedStore(store_path, read_only=True)
    yield store
    store.close()


def rows_of(reply_body: bytes, fmt: str = "json") -> tuple[list[str], list[tuple]]:
    result = Result.parse(io.BytesIO(reply_body), format=fmt)
    variables = [str(v) for v in result.vars]
    return variables, [tuple(row) for row in result]


# ---------------------------------------------------------------------------
# Clients, unchanged
# ---------------------------------------------------------------------------

def test_sparqlwrapper_select_in_every_results_format(server: Served, embedded: EmbeddedStore):
    text = f"SELECT ?p ?o WHERE {{ <{ACT}> ?p ?o }} ORDER BY ?p ?o"
    expected = embedded.select(text, default_graphs=Graphs.QUERY_DATASET)
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setQuery(text)
    wrapper.setReturnFormat(JSON)
    answer = wrapper.query().convert()
    assert answer["head"]["vars"] == ["p", "o"]
    assert len(answer["results"]["bindings"]) == len(expected) > 10
    assert {b["p"]["value"] for b in answer["results"]["bindings"]} == {str(r[0]) for r in expected}
    wrapper.setReturnFormat(XML)
    document = wrapper.query().convert()  # an xml.dom document
    assert len(document.getElementsByTagName("result")) == len(expected)
    for fmt, parse_as in ((CSV, "csv"), (TSV, "tsv")):
        wrapper.setReturnFormat(fmt)
        body = wrapper.query().convert()
        _, rows = rows_of(body, parse_as)
        assert len(rows) == len(expected)


def test_sparqlwrapper_post_ask_and_construct(server: Served):
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setMethod(POST)
    wrapper.setQuery(f"ASK {{ <{ACT}> <{DG.retaliatesFor}> ?x }}")
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is True
    construct = f"CONSTRUCT {{ <{ACT}> ?p ?o }} WHERE {{ <{ACT}> ?p ?o }}"
    wrapper.setQuery(construct)
    wrapper.setReturnFormat(RDFXML)
    graph = wrapper.query().convert()
    assert (ACT, RDF.type, None) in graph and (ACT, DG.actor, ns.state("RU")) in graph
    for fmt, rdflib_format in ((TURTLE, "turtle"), (N3, "turtle"), (JSONLD, "json-ld")):
        wrapper.setReturnFormat(fmt)
        converted = wrapper.query().convert()
        parsed = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format=rdflib_format)
        assert len(parsed) == len(graph), fmt


def test_sparqlwrapper_sees_a_malformed_query_as_such(server: Served):
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setQuery("SELECT ?x WHERE { ?x ?y }")
    wrapper.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as raised:
        wrapper.query()
    assert "does not parse" in str(raised.value)


def test_rdflib_sparqlstore(server: Served, embedded: EmbeddedStore):
    store = SPARQLStore(server.sparql)
    graph = Graph(store=store)
    rows = list(graph.query(f"SELECT ?target WHERE {{ <{ACT}> <{DG.target}> ?target }}"))
    assert [row[0] for row in rows] == [ns.state("CZ")]
    triples = set(graph.triples((ACT, None, None)))
    expected = embedded.construct(f"CONSTRUCT {{ <{ACT}> ?p ?o }} WHERE {{ <{ACT}> ?p ?o }}",
                                  default_graphs=Graphs.QUERY_DATASET)
    assert triples == set(expected)
    assert len(store) == sum(embedded.count(g) for g in Graphs.QUERY_DATASET) - _duplicates(embedded)
    store.close()


def _duplicates(embedded: EmbeddedStore) -> int:
    """Triples that sit in more than one project graph (the union counts each once)."""
    union = embedded.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                            default_graphs=Graphs.QUERY_DATASET).rows[0][0]
    return sum(embedded.count(g) for g in Graphs.QUERY_DATASET) - int(union)


def test_diplograph_itself_uses_the_endpoint_as_a_remote_store(server: Served, embedded: EmbeddedStore):
    """``diplograph query --store http://…/sparql`` gives the rows the embedded store gives."""
    result = subprocess.run([sys.executable, "-m", "diplograph.cli", "query", "retaliations", "--store", server.sparql,
                             "-p", "from=2021-01-01", "-p", "to=2021-12-31", "--format", "json"],
                            check=False, capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stderr
    expected, _ = queries.run(embedded, "retaliations", EXAMPLES["retaliations"])
    assert len(json.loads(result.stdout)["rows"]) == len(expected) > 5


# ---------------------------------------------------------------------------
# Formats and negotiation
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
    ("text/csv;q=0.5, text/tab-separated-values", "tsv"), ("*/*", "json"), (None, "json"),
])
def test_select_in_every_results_format_parses(server: Served, embedded: EmbeddedStore, accept, fmt):
    text = f"SELECT ?act ?date WHERE {{ ?act a <{DG.DiplomaticAct}> ; <{DG.announcedOn}> ?date }} ORDER BY ?date ?act"
    reply = post_form(server.sparql, {"query": text}, headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.text
    assert reply.headers["vary"].startswith("Accept")
    expected = embedded.select(text, default_graphs=Graphs.QUERY_DATASET)
    variables, rows = rows_of(reply.body, fmt)
    assert variables == ["act", "date"]
    if fmt in ("csv",):  # CSV keeps no datatypes: compare the text
        assert [tuple(map(str, r)) for r in rows] == [tuple(map(str, r)) for r in expected.rows]
    else:
        assert rows == expected.rows
    if fmt != "csv":  # pyoxigraph reads no CSV results (they lose datatypes)
        parsed = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.from_media_type(reply.media_type))
        assert len(list(parsed)) == len(expected)


@pytest.mark.parametrize("fmt,rdflib_format", [
    ("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml"), ("trig", "trig"),
    ("nquads", "nquads")])
def test_construct_in_every_rdf_format_parses(server: Served, embedded: EmbeddedStore, fmt, rdflib_format):
    text = f"CONSTRUCT {{ <{ACT}> ?p ?o }} WHERE {{ <{ACT}> ?p ?o }}"
    expected = embedded.construct(text, default_graphs=Graphs.QUERY_DATASET)
    by_name = get(server.sparql, {"query": text, "format": fmt})
    media = {"turtle": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
             "rdfxml": "application/rdf+xml", "trig": "application/trig", "nquads": "application/n-quads"}[fmt]
    by_accept = get(server.sparql, {"query": text}, headers={"Accept": media})
    for reply in (by_name, by_accept):
        assert reply.status == 200, reply.text
        assert reply.media_type == media
        graph = Graph()
        if fmt in ("trig", "nquads"):
            from rdflib import Dataset

            dataset = Dataset()
            dataset.parse(data=reply.body, format=rdflib_format)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph.parse(data=reply.body, format=rdflib_format)
        assert set(graph) == set(expected)


def test_describe_answers_rdf(server: Served):
    reply = get(server.sparql, {"query": f"DESCRIBE <{ACT}>"}, headers={"Accept": "text/turtle"})
    assert reply.status == 200, reply.text
    graph = Graph().parse(data=reply.body, format="turtle")
    assert (ACT, DG.actor, ns.state("RU")) in graph


def test_ask_in_json_and_xml(server: Served):
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        reply = get(server.sparql, {"query": f"ASK {{ <{ACT}> ?p ?o }}"}, headers={"Accept": accept})
        assert reply.status == 200
        assert Result.parse(io.BytesIO(reply.body), format="json" if "json" in accept else "xml").askAnswer is True


def test_what_cannot_be_given_is_406(server: Served):
    reply = get(server.sparql, {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "image/png"})
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text
    reply = get(server.sparql, {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "turtle"})
    assert reply.status == 406 and "SELECT" in reply.text


def test_post_sparql_query_body_and_get_agree(server: Served):
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{DG.DiplomaticAct}> }}"
    direct = http(server.sparql, method="POST", data=text.encode(), headers={"Content-Type": "application/sparql-query"})
    by_get = get(server.sparql, {"query": text})
    by_form = post_form(server.sparql, {"query": text})
    assert direct.status == by_get.status == by_form.status == 200
    assert rows_of(direct.body) == rows_of(by_get.body) == rows_of(by_form.body)
    assert int(rows_of(direct.body)[1][0][0]) > 100


def test_bad_requests_say_why(server: Served):
    assert http(server.sparql, method="POST", data=b"x", headers={"Content-Type": "text/plain"}).status == 415
    twice = get(server.sparql, [("query", "ASK {}"), ("query", "ASK {}")])
    assert twice.status == 400 and "given 2 times" in twice.text
    empty = post_form(server.sparql, {"format": "json"})
    assert empty.status == 400 and "no query" in empty.text
    # a body over the limit is refused from its Content-Length, before it is read
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                           b"Content-Length: 1100000\r\n\r\n")
        assert connection.recv(200).startswith(b"HTTP/1.1 413 ")


# ---------------------------------------------------------------------------
# Read-only and local only
# ---------------------------------------------------------------------------

UPDATE = f"INSERT DATA {{ GRAPH <{Graphs.ASSERTED}> {{ <{ACT}> <{DG.actor}> <{ns.state('US')}> }} }}"


def test_updates_are_refused_in_every_way_they_can_be_sent(server: Served, embedded: EmbeddedStore):
    replies = [
        post_form(server.sparql, {"update": UPDATE}),
        http(server.sparql, method="POST", data=UPDATE.encode(), headers={"Content-Type": "application/sparql-update"}),
        post_form(server.sparql, {"query": UPDATE}),
        get(server.sparql, {"update": UPDATE}),
        post_form(server.sparql, {"query": f"DROP GRAPH <{Graphs.ASSERTED}>"}),
    ]
    for reply in replies:
        assert reply.status == 403, reply.text
        assert "read-only" in reply.text and "Update is refused" in reply.text
    assert not embedded.ask(f"ASK {{ <{ACT}> <{DG.actor}> <{ns.state('US')}> }}", default_graphs=Graphs.QUERY_DATASET)


def assert_sparqlwrapper_update_refused(endpoint: str) -> None:
    wrapper = SPARQLWrapper(endpoint, updateEndpoint=endpoint)
    wrapper.setMethod(POST)
    wrapper.setQuery(UPDATE)
    with pytest.raises((SPARQLWrapperException, OSError)) as raised:
        wrapper.query()
    assert "403" in str(raised.value) or "Forbidden" in str(raised.value)


def test_sparqlwrapper_update_is_refused(server: Served):
    assert_sparqlwrapper_update_refused(server.sparql)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . { SELECT ?s WHERE { OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(server: Served, text: str):
    reply = post_form(server.sparql, {"query": text})
    assert reply.status == 403, reply.text
    assert "SERVICE" in reply.text and "no requests to other hosts" in reply.text


def test_the_word_service_in_a_string_or_comment_is_not_a_service_call(server: Served):
    text = 'SELECT ?x WHERE { BIND("SERVICE <http://example.org/> { }" AS ?x) } # SERVICE <http://example.org/> {}'
    reply = post_form(server.sparql, {"query": text})
    assert reply.status == 200, reply.text
    assert rows_of(reply.body)[1] == [(Literal("SERVICE <http://example.org/> { }"),)]


def test_malformed_queries_are_400_with_the_parser_message(server: Served):
    reply = post_form(server.sparql, {"query": "SELECT ?x WHERE { ?x ?y }"})
    assert reply.status == 400 and "does not parse" in reply.text and "line 1" in reply.text
    unknown_prefix = post_form(server.sparql, {"query": "SELECT ?x WHERE { ?x nope:p ?y }"})
    assert unknown_prefix.status == 400 and "Prefix not found" in unknown_prefix.text


# ---------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------

def test_the_default_graph_is_the_union_of_the_project_graphs_which_are_named_graphs(server: Served):
    reply = get(server.sparql, {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"})
    assert [row[0] for row in rows_of(reply.body)[1]] == sorted(Graphs.QUERY_DATASET)
    for graph, needle in ((Graphs.ONTOLOGY, f"<{DG.DiplomaticAct}> a ?t"), (Graphs.INFERRED, f"<{ACT}> <{DG.retaliatesFor}> ?t"),
                          (Graphs.ASSERTED, f"<{ACT}> <{DG.actor}> ?t")):
        found = get(server.sparql, {"query": f"ASK {{ {needle} }}"}).json()["boolean"]
        inside = get(server.sparql, {"query": f"ASK {{ GRAPH <{graph}> {{ {needle} }} }}"}).json()["boolean"]
        assert found and inside, graph


def test_protocol_graphs_and_from_clauses_set_the_dataset(server: Served):
    acts = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{DG.actor}> ?t }}"
    everything = int(rows_of(get(server.sparql, {"query": acts}).body)[1][0][0])
    only_ontology = get(server.sparql, [("query", acts), ("default-graph-uri", str(Graphs.ONTOLOGY))])
    assert int(rows_of(only_ontology.body)[1][0][0]) == 0 < everything
    asserted = get(server.sparql, [("query", acts), ("default-graph-uri", str(Graphs.ASSERTED))])
    assert int(rows_of(asserted.body)[1][0][0]) > 0
    from_clause = get(server.sparql, {"query": acts.replace("WHERE", f"FROM <{Graphs.ONTOLOGY}> WHERE")})
    assert int(rows_of(from_clause.body)[1][0][0]) == 0
    named = get(server.sparql, [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                ("named-graph-uri", str(Graphs.INFERRED))])
    assert [row[0] for row in rows_of(named.body)[1]] == [Graphs.INFERRED]


# ---------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------

def test_answers_past_the_row_limit_are_cut_and_say_so(server: Served):
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    reply = post_form(server.sparql, {"query": text})
    assert reply.status == 200
    assert reply.headers["diplograph-truncated"] == "true"
    assert reply.headers["x-sparql-maxrows"] == str(MAX_ROWS) == reply.headers["diplograph-row-limit"]
    document = reply.json()
    assert len(document["results"]["bindings"]) == MAX_ROWS
    assert document["diplograph"]["truncated"] is True and "row limit of 500" in document["diplograph"]["message"]
    xml = post_form(server.sparql, {"query": text}, headers={"Accept": "application/sparql-results+xml"})
    assert "<!-- the answer was cut at the server's row limit of 500 rows" in xml.text
    assert len(rows_of(xml.body, "xml")[1]) == MAX_ROWS
    rows = list(csv.reader(io.StringIO(post_form(server.sparql, {"query": text}, headers={"Accept": "text/csv"}).text)))
    assert len(rows) == MAX_ROWS + 1
    turtle = post_form(server.sparql, {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert turtle.text.startswith("# the answer was cut at the server's row limit of 500 triples")
    assert len(Graph().parse(data=turtle.body, format="turtle")) == MAX_ROWS


def test_an_answer_exactly_at_the_row_limit_is_whole(server: Served):
    reply = post_form(server.sparql, {"query": f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"})
    assert reply.status == 200 and "diplograph-truncated" not in reply.headers and "x-sparql-maxrows" not in reply.headers
    assert reply.headers["diplograph-rows"] == str(MAX_ROWS) and "diplograph" not in reply.json()


def test_a_query_past_its_time_limit_is_stopped(store_path: Path, tmp_path: Path):
    with diplograph_server(store_path, tmp_path, "--timeout", "2", "--workers", "1") as served:
        before = served.children()
        assert len(before) == 1, before
        started = time.monotonic()
        reply = post_form(served.sparql, {"query": SLOW})
        elapsed = time.monotonic() - started
        assert reply.status == 503, reply.text
        assert "ran past the time limit of 2 s and was stopped" in reply.text
        assert elapsed < 15, elapsed
        # the worker that ran it is gone (killed, not left computing); a new one answers
        assert not (before & served.children()), (before, served.children())
        after = get(served.sparql, {"query": "ASK { ?s ?p ?o }"}, timeout=60)
        assert after.status == 200 and after.json()["boolean"] is True, after.text
        assert len(served.children()) == 1, served.children()


# ---------------------------------------------------------------------------
# CORS, the service description, security headers
# ---------------------------------------------------------------------------

def test_cors(server: Served):
    preflight = http(server.sparql, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = get(server.sparql, {"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "Diplograph-Truncated" in simple.headers["access-control-expose-headers"]


def test_service_description(server: Served, embedded: EmbeddedStore):
    reply = get(server.sparql)
    assert reply.status == 200 and reply.media_type == "text/turtle"
    graph = Graph().parse(data=reply.body, format="turtle")
    service = URIRef(server.sparql)
    assert (service, RDF.type, URIRef(SD + "Service")) in graph
    assert (service, URIRef(SD + "endpoint"), service) in graph
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    assert (service, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in graph
    formats = set(graph.objects(service, URIRef(SD + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats and len(formats) == 10
    counts = {str(name): int(n) for name, n in graph.query(
        f"PREFIX sd: <{SD}> PREFIX void: <http://rdfs.org/ns/void#> "
        "SELECT ?name ?n WHERE { ?ng sd:name ?name ; sd:graph/void:triples ?n }")}
    assert counts == {str(g): embedded.count(g) for g in Graphs.QUERY_DATASET}
    assert (None, URIRef("http://purl.org/dc/terms/license"), LICENCE) in graph
    jsonld = get(server.sparql, headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.body, format="json-ld")) == len(graph)


def test_security_headers(server: Served):
    reply = get(server.sparql, {"query": "ASK {}"})
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in reply.headers["content-security-policy"]


# ---------------------------------------------------------------------------
# Stored queries
# ---------------------------------------------------------------------------

def test_stored_queries_are_listed_with_their_parameters(server: Served):
    reply = get(server.url + "queries/")
    assert reply.status == 200
    listed = {q["name"]: q for q in reply.json()["queries"]}
    assert set(listed) == set(queries.library())
    between = listed["acts-between"]
    assert between["title"] == queries.get("acts-between").title
    assert [(p["name"], p["required"]) for p in between["parameters"]] == [
        ("a", True), ("b", True), ("from", False), ("to", False)]
    assert reply.json()["licence"] == str(LICENCE)


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_every_stored_query_gives_the_rows_of_the_embedded_store(server: Served, embedded: EmbeddedStore, name):
    values = EXAMPLES.get(name, {})
    reply = get(server.url + f"queries/{name}", values)
    assert reply.status == 200, reply.text
    expected, _ = queries.run(embedded, name, values)
    variables, rows = rows_of(reply.body)
    assert variables == expected.variables
    assert rows == expected.rows
    assert reply.json()["diplograph"]["licence"] == str(LICENCE)


def test_stored_query_answers_carry_source_and_licence(server: Served, embedded: EmbeddedStore):
    url = server.url + "queries/acts-between"
    values = {"a": "CZ", "b": "RU"}
    as_json = get(url, values)
    document = as_json.json()
    source = server.url + "queries/acts-between.rq"
    assert document["head"]["link"] == [source, str(LICENCE)]
    assert document["diplograph"]["parameters"] == values
    assert "cite" in document["diplograph"]["citation"]
    assert f'<{LICENCE}>; rel="license"' in as_json.headers["link"]
    assert f'<{source}>; rel="describedby"' in as_json.headers["link"]
    as_csv = get(url + ".csv", values)
    assert as_csv.media_type == "text/csv" and f'<{LICENCE}>; rel="license"' in as_csv.headers["link"]
    expected, _ = queries.run(embedded, "acts-between", values)
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == len(expected) + 1
    assert get(url, {**values, "format": "tsv"}).media_type == "text/tab-separated-values"
    as_xml = get(url, values, headers={"Accept": "application/sparql-results+xml"})
    assert f'<link href="{source}"/>' in as_xml.text
    text = get(source)
    assert text.media_type == "application/sparql-query" and text.text == queries.get("acts-between").text


def test_stored_query_errors(server: Served):
    missing = get(server.url + "queries/acts-between", {"a": "CZ"})
    assert missing.status == 400 and "needs the parameter 'b'" in missing.text
    bad = get(server.url + "queries/acts-between", {"a": "CZ", "b": "RU", "from": "yesterday"})
    assert bad.status == 400 and "'yesterday' is not a valid date" in bad.text
    unknown = get(server.url + "queries/acts-between", {"a": "CZ", "b": "RU", "colour": "red"})
    assert unknown.status == 400 and "no parameter 'colour'" in unknown.text
    assert get(server.url + "queries/no-such-query").status == 404
    assert get(server.url + "queries/episodes.pdf").status == 404
    injection = get(server.url + "queries/act-sources", {"act": "x> } ; DROP ALL ; #"})
    assert injection.status == 400


# ---------------------------------------------------------------------------
# The store changes while served; the store is shared; errors at start
# ---------------------------------------------------------------------------

def test_changes_to_the_store_are_seen_without_a_restart(store_path: Path, tmp_path: Path):
    path = copy_store(store_path, tmp_path / "store")
    with diplograph_server(path, tmp_path / "server", "--workers", "1") as served:
        probe = {"query": f"ASK {{ <{ACT}> <{DG.actor}> <{ns.state('US')}> }}"}
        assert get(served.sparql, probe).json()["boolean"] is False
        writer = EmbeddedStore(path)  # the server holds it read-only: a writer can still open it
        writer.update(f"INSERT DATA {{ GRAPH <{Graphs.ASSERTED}> {{ <{ACT}> <{DG.actor}> <{ns.state('US')}> }} }}")
        writer.close()
        assert get(served.sparql, probe).json()["boolean"] is True


def test_diplograph_query_reads_the_store_while_it_is_served(server: Served, store_path: Path):
    result = subprocess.run([sys.executable, "-m", "diplograph.cli", "query", "episodes", "--store", str(store_path),
                             "--format", "json"], check=False, capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stderr
    assert any(row["episode"].endswith("2021-vrbetice") for row in json.loads(result.stdout)["rows"])


def test_serving_a_missing_store_fails_with_a_message(tmp_path: Path):
    result = subprocess.run(serve_command(str(tmp_path / "nothing"), free_port()), check=False, capture_output=True,
                            text=True, env=ENV, timeout=120)
    assert result.returncode == 2
    assert "cannot serve the store" in result.stderr and "diplograph load" in result.stderr


# ---------------------------------------------------------------------------
# A remote store served
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def remote_server(store_path: Path, tmp_path_factory) -> Served:
    directory = tmp_path_factory.mktemp("oxigraph-served")
    with oxigraph_server(directory / "oxigraph") as oxigraph_url:
        copy_to_server(store_path, oxigraph_url)
        with diplograph_server(oxigraph_url, directory / "serve", "--max-rows", str(MAX_ROWS)) as served:
            yield served


@pytest.mark.parametrize("name", ["acts-between", "retaliations", "episode-timeline", "reciprocity"])
def test_a_remote_store_served_gives_the_same_stored_query_rows(remote_server: Served, server: Served, name):
    values = EXAMPLES.get(name, {})
    remote = get(remote_server.url + f"queries/{name}", values)
    local = get(server.url + f"queries/{name}", values)
    assert remote.status == local.status == 200, remote.text
    assert rows_of(remote.body) == rows_of(local.body)


def test_a_remote_store_served_keeps_the_protocol(remote_server: Served, server: Served):
    text = f"CONSTRUCT {{ <{ACT}> ?p ?o }} WHERE {{ <{ACT}> ?p ?o }}"
    remote = Graph().parse(data=get(remote_server.sparql, {"query": text, "format": "nt"}).body, format="nt")
    local = Graph().parse(data=get(server.sparql, {"query": text, "format": "nt"}).body, format="nt")
    assert set(remote) == set(local) and len(local) > 10
    cut = post_form(remote_server.sparql, {"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert cut.headers.get("diplograph-truncated") == "true"
    assert post_form(remote_server.sparql, {"update": UPDATE}).status == 403
    assert post_form(remote_server.sparql, {"query": "SELECT * { SERVICE <http://x.org/s> { ?s ?p ?o } }"}).status == 403
    named = get(remote_server.sparql, [("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                       ("named-graph-uri", str(Graphs.INFERRED))])
    assert [row[0] for row in rows_of(named.body)[1]] == [Graphs.INFERRED]




# ---------------------------------------------------------------------------
# A Virtuoso served, and the row limit asked of a remote store
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def virtuoso_served(store_path: Path, tmp_path_factory) -> Served:
    """``diplograph serve`` in front of a real Virtuoso holding the same graphs (its own row limit,
    ResultSetMaxRows, is VIRTUOSO_MAX_ROWS, below the number of triples)."""
    directory = tmp_path_factory.mktemp("virtuoso-served")
    with virtuoso_server(directory / "virtuoso") as virtuoso:
        copy_to_server(store_path, virtuoso.url)
        with diplograph_server(virtuoso.url, directory / "serve", "--max-rows", str(MAX_ROWS)) as served:
            yield served


def _bindings_as_tuples(answer: dict) -> list[tuple]:
    names = answer["head"]["vars"]
    return sorted(tuple(b.get(n, {}).get("value") for n in names) for b in answer["results"]["bindings"])


def test_sparqlwrapper_through_the_endpoint_in_front_of_virtuoso(virtuoso_served: Served, server: Served):
    text = f"SELECT ?p ?o WHERE {{ <{ACT}> ?p ?o }}"
    answers = []
    for served in (virtuoso_served, server):
        wrapper = SPARQLWrapper(served.sparql)
        wrapper.setQuery(text)
        wrapper.setReturnFormat(JSON)
        answers.append(_bindings_as_tuples(wrapper.query().convert()))
    assert answers[0] == answers[1] and len(answers[1]) > 10
    wrapper = SPARQLWrapper(virtuoso_served.sparql)
    wrapper.setMethod(POST)
    wrapper.setQuery(f"CONSTRUCT {{ <{ACT}> ?p ?o }} WHERE {{ <{ACT}> ?p ?o }}")
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert len(graph) == len(answers[1])
    assert_sparqlwrapper_update_refused(virtuoso_served.sparql)


@pytest.mark.parametrize("name", ["acts-between", "retaliations", "solidarity"])
def test_virtuoso_served_gives_the_stored_query_rows(virtuoso_served: Served, server: Served, name):
    values = EXAMPLES.get(name, {})
    remote = get(virtuoso_served.url + f"queries/{name}", values)
    local = get(server.url + f"queries/{name}", values)
    assert remote.status == local.status == 200, remote.text
    assert sorted(map(_as_values, rows_of(remote.body)[1])) == sorted(map(_as_values, rows_of(local.body)[1]))
    assert len(rows_of(local.body)[1]) > 0


def _as_values(row: tuple) -> str:
    """A row as a user reads it: numbers as numbers (Virtuoso gives 1 where pyoxigraph gives 1.0)."""
    def value(term):
        python = term.toPython() if isinstance(term, Literal) else term
        if isinstance(python, (int, float, Decimal)) and not isinstance(python, bool):
            return round(float(python), 9)
        return str(term)
    return repr(tuple(value(term) for term in row))


def test_virtuoso_served_asks_for_no_more_than_the_row_limit(virtuoso_served: Served):
    """The whole answer (every quad) is longer than Virtuoso's own ResultSetMaxRows: fetched
    whole, Virtuoso would cut it and the endpoint could only fail; asked for MAX_ROWS + 1 rows,
    Virtuoso answers in full and the endpoint cuts it at MAX_ROWS and says so."""
    remote = RemoteStore(virtuoso_served.store, timeout=120)
    total = remote.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                          default_graphs=Graphs.QUERY_DATASET).rows[0][0].toPython()
    assert total > VIRTUOSO_MAX_ROWS
    reply = post_form(virtuoso_served.sparql, {"query": "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert reply.status == 200, reply.text
    assert reply.headers["diplograph-truncated"] == "true" and reply.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(reply.json()["results"]["bindings"]) == MAX_ROWS
    whole = post_form(virtuoso_served.sparql, {"query": f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"})
    assert whole.status == 200 and "diplograph-truncated" not in whole.headers
    assert len(whole.json()["results"]["bindings"]) == MAX_ROWS
    fewer = post_form(virtuoso_served.sparql, {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 7"})
    assert len(fewer.json()["results"]["bindings"]) == 7 and "diplograph-truncated" not in fewer.headers


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 11\n"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "SELECT * WHERE { ?s ?p ?o } LIMIT 5"),
    ("SELECT * WHERE { ?s ?p ?o } limit 5000 OFFSET 3", "SELECT * WHERE { ?s ?p ?o } limit 11 OFFSET 3"),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET 3 # a comment", "SELECT * WHERE { ?s ?p ?o } OFFSET 3 # a comment\nLIMIT 11\n"),
    ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 99 } } ORDER BY ?s VALUES ?s { <http://x.org/a> }",
     "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 99 } } ORDER BY ?s LIMIT 11\nVALUES ?s { <http://x.org/a> }"),
    ('PREFIX limit: <http://x.org/> SELECT (limit:f(?s) AS ?y) WHERE { ?s ?p "} LIMIT 3 VALUES" }',
     'PREFIX limit: <http://x.org/> SELECT (limit:f(?s) AS ?y) WHERE { ?s ?p "} LIMIT 3 VALUES" }\nLIMIT 11\n'),
])
def test_a_select_asks_for_one_row_more_than_the_limit(query: str, expected: str):
    limited = ask_for_at_most(query, 11)
    assert limited == expected
    parseQuery(limited)

"""Linked data (issue 9): every minted IRI answers at the server's own address, by content
negotiation and by suffix; each RDF answer parses in rdflib and holds the resource's
statements with their graphs; the ontology, VoID / DCAT and the dumps; the pages' HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID
from web_support import Served, diplograph_server, get, reasoned_store

from diplograph import namespaces as ns
from diplograph.export import DATASET, LICENCE
from diplograph.namespaces import DG, ONTOLOGY_IRI, Graphs
from diplograph.store import EmbeddedStore

ACT = ns.act("ru-expels-cz-20-2021")
TRIGGER = ns.act("cz-expels-ru-18-2021")
MEDIA = {"turtle": "text/turtle", "nt": "application/n-triples", "json-ld": "application/ld+json",
         "xml": "application/rdf+xml", "trig": "application/trig", "nquads": "application/n-quads"}
SUFFIX = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld", "xml": "rdf", "trig": "trig", "nquads": "nq"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, shipped) -> Path:
    return reasoned_store(tmp_path_factory, shipped)


@pytest.fixture(scope="module")
def server(store_path: Path, tmp_path_factory) -> Served:
    with diplograph_server(store_path, tmp_path_factory.mktemp("linked")) as served:
        yield served


@pytest.fixture(scope="module")
def embedded(store_path: Path):
    store = EmbeddedStore(store_path, read_only=True)
    yield store
    store.close()


def local(server: Served, iri: str) -> str:
    return server.url + iri[len(ns.BASE):]


def parse(body: bytes, rdflib_format: str) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=body, format=rdflib_format)
    return dataset


def triples(dataset: Dataset) -> set:
    return {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}


@pytest.mark.parametrize("rdflib_format", sorted(MEDIA))
def test_an_act_in_every_rdf_format_by_accept_and_by_suffix(server: Served, embedded: EmbeddedStore, rdflib_format):
    expected = embedded.construct(f"CONSTRUCT {{ <{ACT}> ?p ?o }} WHERE {{ <{ACT}> ?p ?o }}",
                                  default_graphs=Graphs.QUERY_DATASET)
    by_accept = get(local(server, ACT), headers={"Accept": MEDIA[rdflib_format]})
    by_suffix = get(local(server, ACT) + "." + SUFFIX[rdflib_format])
    for reply in (by_accept, by_suffix):
        assert reply.status == 200, reply.text
        assert reply.media_type == MEDIA[rdflib_format]
        found = triples(parse(reply.body, rdflib_format))
        assert set(expected) <= found
        assert (ACT, DG.retaliatesFor, TRIGGER) in found and (ACT, DG.actor, ns.state("RU")) in found
        # the labels of what it points to
        assert any(s == ns.state("RU") and p == URIRef("http://www.w3.org/2000/01/rdf-schema#label") for s, p, _ in found)
    assert by_accept.headers["vary"].startswith("Accept")


def test_quads_keep_the_graph_of_each_statement(server: Served):
    dataset = parse(get(local(server, ACT) + ".nq").body, "nquads")
    graphs = {g.identifier if hasattr(g, "identifier") else g for s, p, o, g in dataset.quads((ACT, None, None, None))}
    assert {Graphs.ASSERTED, Graphs.INFERRED} <= set(graphs)
    assert (ACT, DG.retaliatesFor, TRIGGER, Graphs.INFERRED) in set(dataset.quads((ACT, DG.retaliatesFor, None, None)))
    assert (ACT, DG.actor, ns.state("RU"), Graphs.ASSERTED) in set(dataset.quads((ACT, DG.actor, None, None)))
    trig = parse(get(local(server, ACT), headers={"Accept": "application/trig"}).body, "trig")
    assert set(trig.quads((ACT, DG.retaliatesFor, None, None))) == set(dataset.quads((ACT, DG.retaliatesFor, None, None)))


@pytest.mark.parametrize("iri", [ns.state("CZ"), ns.episode("2021-vrbetice"), ns.mission("cz-embassy-moscow"),
                                 ns.retaliation("ru-expels-cz-20-2021", "cz-expels-ru-18-2021")])
def test_other_minted_iris_answer(server: Served, iri):
    reply = get(local(server, iri), headers={"Accept": "text/turtle"})
    assert reply.status == 200, reply.text
    assert (iri, RDF.type, None) in Graph().parse(data=reply.body, format="turtle")
    page = get(local(server, iri), headers={"Accept": "text/html"})
    assert page.status == 200 and page.media_type == "text/html"


def test_reasoning_runs_and_sources_answer(server: Served, embedded: EmbeddedStore):
    for kind in ("run", "source", "citation", "record"):
        row = embedded.select(f"SELECT ?x WHERE {{ ?x ?p ?o FILTER STRSTARTS(STR(?x), \"{ns.ID}{kind}/\") }} LIMIT 1",
                              default_graphs=Graphs.QUERY_DATASET).rows
        assert row, kind
        reply = get(local(server, str(row[0][0])), headers={"Accept": "application/n-triples"})
        assert reply.status == 200 and len(Graph().parse(data=reply.body, format="nt")) > 0, kind


def test_link_header_and_406_and_404(server: Served):
    reply = get(local(server, ACT), headers={"Accept": "text/turtle"})
    links = reply.headers["link"]
    assert f'<{ACT}>; rel="canonical"' in links and f'<{LICENCE}>; rel="license"' in links
    for suffix in SUFFIX.values():
        assert f'.{suffix}>; rel="alternate"' in links
    assert get(local(server, ACT), headers={"Accept": "image/png"}).status == 406
    assert get(local(server, ns.act("no-such-act")), headers={"Accept": "text/turtle"}).status == 404
    assert get(local(server, ns.act("no-such-act"))).status == 404
    browser = get(local(server, ACT), headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.media_type == "text/html"
    assert get(local(server, ACT), headers={"Accept": "*/*"}).media_type == "text/html"


def test_the_ontology_iri(server: Served):
    html = get(server.url + "ontology", headers={"Accept": "text/html"})
    assert html.status == 200 and html.media_type == "text/html"
    assert "pyLODE" in html.text and "StaffExpulsion" in html.text  # generated, with the ontology's terms
    turtle = get(server.url + "ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph and (DG.StaffExpulsion, None, None) in graph
    assert get(server.url + "ontology.jsonld").media_type == "application/ld+json"


def test_void(server: Served, embedded: EmbeddedStore):
    reply = get(server.url + ".well-known/void", headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.body, format="turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in graph and (DATASET, RDF.type, DCAT.Dataset) in graph
    assert (DATASET, DCTERMS.license, LICENCE) in graph
    assert (DATASET, VOID.sparqlEndpoint, URIRef(server.sparql)) in graph
    assert graph.value(DATASET, DCTERMS.bibliographicCitation) is not None
    assert graph.value(DATASET, DCTERMS.hasVersion) is not None
    counts = {str(graph.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name"))): int(graph.value(s, VOID.triples))
              for s in graph.objects(DATASET, VOID.subset)}
    assert counts == {str(g): embedded.count(g) for g in Graphs.QUERY_DATASET}
    dumps = sorted(str(d) for d in graph.objects(DATASET, VOID.dataDump))
    assert len(dumps) == 5
    nquads = next(d for d in dumps if d.endswith(".nq"))
    dump = parse(get(nquads).body, "nquads")
    assert (DATASET, DCTERMS.license, LICENCE) in triples(dump)
    assert len(triples(dump)) > sum(counts.values()) * 0.9
    assert get(server.url + "dataset", headers={"Accept": "text/html"}).media_type == "text/html"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))


def page_of(server: Served, path: str) -> _Text:
    reply = get(server.url + path.lstrip("/"), headers={"Accept": "text/html"})
    assert reply.status == 200, reply.text
    parser = _Text()
    parser.feed(reply.text)
    return parser


def test_the_act_page(server: Served):
    page = page_of(server, "/id/act/ru-expels-cz-20-2021")
    text = " ".join(page.text)
    assert "Russia" in text and "Czech Republic" in text and "2021-04-18" in text
    assert "/id/act/cz-expels-ru-18-2021" in page.links
    assert "retaliates for" in text  # an inferred link explained in words
    assert "https://tass.com/world/1279761" in page.links  # a source's address
    assert any("paralysed an embassy" in t for t in page.text)  # the curator's summary


def test_the_state_page(server: Served):
    page = page_of(server, "/id/state/CZ")
    assert "http://www.wikidata.org/entity/Q213" in page.links
    assert "/id/act/ru-expels-cz-20-2021" in page.links
    assert "Relations now" in " ".join(page.text)


def test_the_landing_page_lists_episodes_and_query_forms(server: Served):
    reply = get(server.url, headers={"Accept": "text/html"})
    assert '<a href="/id/episode/2021-vrbetice">' in reply.text
    assert re.search(r'<form class="query" method="get" action="/queries/acts-between"', reply.text)
    assert 'name="a" required' in reply.text and 'name="from"' in reply.text
    table = get(server.url + "queries/acts-between", {"a": "CZ", "b": "RU", "format": "html"})
    assert table.media_type == "text/html" and "/id/act/ru-expels-cz-20-2021" in table.text


def test_text_from_records_is_escaped(store_path: Path, tmp_path: Path):
    from web_support import copy_store

    path = copy_store(store_path, tmp_path / "store")
    store = EmbeddedStore(path)
    try:
        import pyoxigraph as ox

        citation = ox.NamedNode(str(ns.citation("ru-expels-cz-20-2021", "b4")))
        summary = ox.NamedNode(str(DG.summary))
        graph = ox.NamedNode(str(Graphs.ASSERTED))
        for quad in list(store.engine.quads_for_pattern(citation, summary, None, graph)):
            store.engine.remove(quad)
        store.engine.add(ox.Quad(citation, summary, ox.Literal('<script>alert("x")</script> & <b>bold</b>', language="en"),
                                 graph))
    finally:
        store.close()
    with diplograph_server(path, tmp_path / "server") as served:
        reply = get(local(served, ACT), headers={"Accept": "text/html"})
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in reply.text
        assert "<script>" not in reply.text

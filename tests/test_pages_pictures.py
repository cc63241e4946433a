"""Pictures on the pages (issue 9 with issue 8's plots) and the named graphs' IRIs: the
episode's timeline and a state's network and level charts as SVG drawn by diplograph.plot,
kept while the store is unchanged and drawn anew after it changes; /graph/NAME describes a
graph (HTML, and VoID in RDF) and /dump/NAME.EXT holds it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID
from web_support import Served, copy_store, diplograph_server, get, reasoned_store

from diplograph import namespaces as ns
from diplograph.export import DATASET
from diplograph.namespaces import Graphs
from diplograph.store import EmbeddedStore

SVG = "{http://www.w3.org/2000/svg}"
EPISODE = "2021-vrbetice"
INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, shipped) -> Path:
    return reasoned_store(tmp_path_factory, shipped)


@pytest.fixture(scope="module")
def server(store_path: Path, tmp_path_factory) -> Served:
    with diplograph_server(store_path, tmp_path_factory.mktemp("pictures")) as served:
        yield served


def svg_ids(body: bytes) -> set[str]:
    root = ET.fromstring(body)  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    return {element.get("id") for element in root.iter() if element.get("id")}


def episode_acts(store_path: Path, episode: str) -> set[str]:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        rows = store.select("PREFIX dg: <https://w3id.org/diplograph/ontology#> "
                            "SELECT ?act WHERE { ?act dg:partOfEpisode ?e ; a dg:DiplomaticAct }", bindings={"e": ns.episode(episode)},
                            default_graphs=Graphs.QUERY_DATASET).rows
    finally:
        store.close()
    return {str(row[0]).rsplit("/", 1)[1] for row in rows}


def test_the_episode_timeline_names_every_act_and_link(server: Served, store_path: Path):
    reply = get(server.url + f"pictures/episode/{EPISODE}/timeline.svg")
    assert reply.status == 200 and reply.media_type == "image/svg+xml"
    ids = svg_ids(reply.body)
    acts = episode_acts(store_path, EPISODE)
    assert len(acts) >= 10 and {f"act:{a}" for a in acts} <= ids
    assert "retaliation:ru-expels-cz-20-2021--cz-expels-ru-18-2021" in ids
    assert "Vrbětice" in reply.text  # the title, as text
    assert "CC BY 4.0" in reply.text  # licence and source travel with the picture
    assert reply.headers["content-security-policy"].count("default-src") == 1
    png = get(server.url + f"pictures/episode/{EPISODE}/timeline.png")
    assert png.media_type == "image/png" and png.body.startswith(b"\x89PNG\r\n\x1a\n")


def test_a_picture_is_kept_and_revalidated(server: Served):
    url = server.url + f"pictures/episode/{EPISODE}/timeline.svg"
    first, again = get(url), get(url)
    assert first.body == again.body and first.headers["etag"] == again.headers["etag"]
    assert get(url, headers={"If-None-Match": first.headers["etag"]}).status == 304


def test_the_episode_page_shows_its_timeline_with_a_text_alternative(server: Served, store_path: Path):
    page = get(server.url + f"id/episode/{EPISODE}", headers={"Accept": "text/html"}).text
    assert f'<img src="/pictures/episode/{EPISODE}/timeline.svg" alt="Timeline of ' in page
    acts = len(episode_acts(store_path, EPISODE))
    assert f": {acts} acts by " in page  # the alternative says what the picture shows


def test_a_state_page_shows_its_network_and_levels(server: Served):
    cz = get(server.url + "id/state/CZ", headers={"Accept": "text/html"}).text
    assert '<img src="/pictures/state/CZ/network.svg"' in cz and 'alt="Network of the ' in cz
    network = svg_ids(get(server.url + "pictures/state/CZ/network.svg").body)
    assert {"state:CZ", "state:RU", "retaliation:RU->CZ", "retaliation:CZ->RU"} <= network
    lt = get(server.url + "id/state/LT", headers={"Accept": "text/html"}).text
    assert '<img src="/pictures/state/LT/level/RU.svg"' in lt and "Step chart of the level of representation" in lt
    level = svg_ids(get(server.url + "pictures/state/LT/level/RU.svg").body)
    assert any(i.startswith("level:LT-in-RU") for i in level) and any(i.startswith("change:") for i in level)


@pytest.mark.parametrize("path", ["pictures/episode/no-such-episode/timeline.svg", "pictures/state/XX/network.svg",
                                  f"pictures/episode/{EPISODE}/timeline.gif", "pictures/state/CZ/level/CZ.svg"])
def test_pictures_that_cannot_be_drawn_are_404_with_the_reason(server: Served, path: str):
    reply = get(server.url + path)
    assert reply.status == 404 and reply.text.strip()


def test_a_picture_is_drawn_anew_when_the_store_changes(store_path: Path, tmp_path: Path):
    import pyoxigraph as ox

    path = copy_store(store_path, tmp_path / "store")
    act = max(episode_acts(path, EPISODE))  # any act of the episode will do
    with diplograph_server(path, tmp_path / "server", "--workers", "1") as served:
        url = served.url + f"pictures/episode/{EPISODE}/timeline.svg"
        assert f"act:{act}" in svg_ids(get(url).body)
        store = EmbeddedStore(path)  # another process writes the store while the server runs
        try:
            node = ox.NamedNode(str(ns.act(act)))
            for quad in list(store.engine.quads_for_pattern(node, None, None, None)):
                store.engine.remove(quad)
        finally:
            store.close()
        assert f"act:{act}" not in svg_ids(get(url).body)


# ---------------------------------------------------------------------------
# The graphs' IRIs
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("graph_iri", Graphs.QUERY_DATASET, ids=lambda g: str(g).rsplit("/", 1)[1])
def test_a_graph_iri_answers_with_its_description(server: Served, store_path: Path, graph_iri: URIRef):
    name = str(graph_iri).rsplit("/", 1)[1]
    store = EmbeddedStore(store_path, read_only=True)
    try:
        count = store.count(graph_iri)
    finally:
        store.close()
    local = server.url + f"graph/{name}"
    page = get(local, headers={"Accept": "text/html"})
    assert page.status == 200 and page.media_type == "text/html"
    assert f'<dd class="triples">{count:,}</dd>' in page.text and f'href="/dump/{name}.nq"' in page.text
    reply = get(local, headers={"Accept": "text/turtle"})
    assert reply.status == 200 and f'<{graph_iri}>; rel="canonical"' in reply.headers["link"]
    description = Graph().parse(data=reply.body, format="turtle")
    assert (graph_iri, RDF.type, VOID.Dataset) in description and (DATASET, VOID.subset, graph_iri) in description
    assert (graph_iri, VOID.triples, Literal(count, datatype=INTEGER)) in description
    assert len(description) < 200  # its description, not the graph
    dump = URIRef(server.url + f"dump/{name}.nq")
    assert (graph_iri, VOID.dataDump, dump) in description
    quads = Dataset()
    quads.parse(data=get(str(dump)).body, format="nquads")
    held = {g.identifier if hasattr(g, "identifier") else g for *_, g in quads.quads((None, None, None, None))}
    assert len(list(quads.quads((None, None, None, None)))) >= count and Graphs.ASSERTED not in held - {graph_iri}


def test_the_void_subsets_are_the_graphs_and_an_unknown_graph_is_404(server: Served):
    void = Graph().parse(data=get(server.url + ".well-known/void", headers={"Accept": "text/turtle"}).body,
                         format="turtle")
    assert set(void.objects(DATASET, VOID.subset)) == set(Graphs.QUERY_DATASET)
    assert get(server.url + "graph/no-such-graph").status == 404
    assert get(server.url + "graph/staging").status == 404


def test_one_content_security_policy_per_answer(server: Served):
    """A page that brings its own policy (pyLODE's inline styles) must not get a second one:
    browsers enforce both, and the stricter one would block its styles."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(server.url)
    for path in ("/ontology", f"/pictures/episode/{EPISODE}/timeline.svg", "/"):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            connection.request("GET", path, headers={"Accept": "text/html"})
            response = connection.getresponse()
            response.read()
            policies = response.headers.get_all("content-security-policy")
        finally:
            connection.close()
        assert response.status == 200 and len(policies) == 1, (path, policies)
        if path == "/ontology":
            assert "'unsafe-inline'" in policies[0]

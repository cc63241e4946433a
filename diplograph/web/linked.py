"""What the linked-data pages and representations read from the store, in a query worker.

Each page costs a few SPARQL queries run by the store engine, never a walk over the
whole graph in Python: the resource's concise bounded description (one query), what
points at it (one), the labels of everything on the page (one), and for acts, episodes
and states one or two queries of their own.
"""

from __future__ import annotations

from itertools import islice

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from .. import queries
from ..namespaces import DG, Graphs
from ..reasoning.explain import explain
from ..store.terms import from_ox
from . import formats
from .answers import PREFIXES, Answer, comment, cut_message
from .engine import DEFAULT_DATASET, Dataset, Engine

DATASET = Dataset(DEFAULT_DATASET, DEFAULT_DATASET)
_PREFIX = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

#: the concise bounded description: the resource's own triples, those of blank nodes it
#: reaches (two levels deep, as deep as the data goes), and labels of what it points to;
#: each with its graph. ?r is projected so that pyoxigraph binds it.
DESCRIBE = _PREFIX + """
SELECT ?r ?g ?s ?p ?o WHERE {
  { GRAPH ?g { ?r ?p ?o } BIND (?r AS ?s) }
  UNION { GRAPH ?g0 { ?r ?p0 ?s } FILTER isBlank(?s) GRAPH ?g { ?s ?p ?o } }
  UNION { GRAPH ?g0 { ?r ?p0 ?b } FILTER isBlank(?b) GRAPH ?g1 { ?b ?p1 ?s } FILTER isBlank(?s) GRAPH ?g { ?s ?p ?o } }
  UNION { GRAPH ?g0 { ?r ?p0 ?s } FILTER (isIRI(?s) && ?s != ?r) GRAPH ?g { ?s rdfs:label ?o } BIND (rdfs:label AS ?p) }
}"""

INBOUND = """SELECT ?r ?g ?s ?p WHERE { GRAPH ?g { ?s ?p ?r } FILTER (!isBlank(?s)) } ORDER BY ?p ?s LIMIT 501"""

LABELS = _PREFIX + """
SELECT DISTINCT ?r ?x ?label WHERE {
  { ?r ?x ?o } UNION { ?x ?p ?r } UNION { ?s ?x ?r } UNION { ?r ?p ?x } UNION { BIND (?r AS ?x) }
  ?x rdfs:label ?label
}"""

ACT_LINKS = _PREFIX + """
SELECT ?r ?direction ?p ?other ?g WHERE {
  { GRAPH ?g { ?r ?p ?other } FILTER (?p IN (dg:inResponseTo, dg:retaliatesFor, dg:answeredBy, dg:inSolidarityWith,
                                             dg:supports)) BIND ("out" AS ?direction) }
  UNION
  { GRAPH ?g { ?other ?p ?r } FILTER (?p IN (dg:inResponseTo, dg:retaliatesFor)) BIND ("in" AS ?direction) }
} ORDER BY ?direction ?p ?other"""

EPISODE_RETALIATIONS = _PREFIX + """
SELECT ?r ?response ?trigger ?lag ?class ?origin WHERE {
  ?response dg:partOfEpisode ?r .
  ?link a dg:RetaliationLink ; dg:response ?response ; dg:trigger ?trigger ; dg:lagDays ?lag ; dg:linkOrigin ?origin .
  OPTIONAL { ?link dg:proportionality ?classNode . ?classNode rdfs:label ?class }
  ?response dg:announcedOn ?date .
} ORDER BY ?date ?response"""

STATE_LEVELS = _PREFIX + """
SELECT ?r ?sender ?receiver ?level ?since ?act WHERE {
  ?change a dg:LevelChange ; dg:sender ?sender ; dg:receiver ?receiver ; dg:level ?levelNode ;
          dg:startDate ?since ; dg:causedBy ?act .
  FILTER (?sender = ?r || ?receiver = ?r)
  ?levelNode rdfs:label ?level .
  FILTER NOT EXISTS {
    ?newer a dg:LevelChange ; dg:sender ?sender ; dg:receiver ?receiver ; dg:startDate ?newerSince ; dg:causedBy ?newerAct .
    FILTER (?newerSince > ?since || (?newerSince = ?since && STR(?newerAct) > STR(?act)))
  }
} ORDER BY ?sender ?receiver"""

STATE_MEMBERSHIPS = _PREFIX + """
SELECT ?r ?organisation ?start ?end WHERE {
  ?r dg:hasMembership ?m . ?m dg:organisation ?organisation .
  OPTIONAL { ?m dg:startDate ?start } OPTIONAL { ?m dg:endDate ?end }
} ORDER BY ?start ?organisation"""

EPISODES = queries.get("episodes")

#: how many statements pointing at a resource a page lists
INBOUND_LIMIT = 500
#: how many level pictures a state's page shows
LEVEL_PICTURES = 3


def _rows(engine: Engine, text: str, iri: str | None = None, **values: Node) -> list[dict]:
    bindings = dict(values)
    if iri is not None:
        bindings["r"] = URIRef(iri)
    variables, rows = engine.solutions(text, DATASET, bindings or None)
    return [{v: from_ox(t) for v, t in zip(variables, row)} for row in rows]


def _stored(engine: Engine, name: str, **values: str) -> list[dict]:
    named = queries.get(name)
    bound = queries.bindings(named, values)
    variables, rows = engine.solutions(named.text, DATASET, bound)
    return [{v: from_ox(t) for v, t in zip(variables, row) if v not in bound} for row in rows]


# ---------------------------------------------------------------------------
# Representations
# ---------------------------------------------------------------------------

def _description_quads(engine: Engine, iri: str) -> list[ox.Quad]:
    variables, rows = engine.solutions(DESCRIBE, DATASET, {"r": URIRef(iri)})
    index = {v: i for i, v in enumerate(variables)}
    return list(dict.fromkeys(ox.Quad(row[index["s"]], row[index["p"]], row[index["o"]], row[index["g"]])
                              for row in rows))


def exists(engine: Engine, iri: str) -> bool:
    return engine.boolean("ASK { { ?r ?p ?o } UNION { ?s ?p ?r } }", DATASET, {"r": URIRef(iri)})


def representation(engine: Engine, *, iri: str, format_name: str, max_rows: int) -> Answer | None:
    """The resource's description in an RDF format (None if the store knows nothing of it).
    TriG and N-Quads keep the graph of each triple; the other formats merge them."""
    quads = _description_quads(engine, iri)
    if not quads and not exists(engine, iri):
        return None
    fmt = formats.by_name(format_name, formats.GRAPH)
    truncated = len(quads) > max_rows
    quads = quads[:max_rows]
    if fmt.name in formats.QUAD_FORMATS:
        body = ox.serialize(quads, format=getattr(ox.RdfFormat, fmt.oxigraph),
                            prefixes=PREFIXES if fmt.name == "trig" else None)
    else:
        triples = list(dict.fromkeys(q.triple for q in quads))
        if fmt.name == "jsonld":
            from .answers import serialize_graph

            body = serialize_graph(triples, fmt)
        else:
            body = ox.serialize(triples, format=getattr(ox.RdfFormat, fmt.oxigraph),
                                prefixes=PREFIXES if fmt.name == "turtle" else None)
    if truncated:
        body = comment(body, fmt, cut_message(max_rows).replace("rows", "statements", 1))
    return Answer(body, fmt.content_type, len(quads), truncated, max_rows)


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------

def _kind(iri: str, base: str) -> str | None:
    if iri.startswith(base + "id/"):
        return iri[len(base) + 3:].split("/", 1)[0]
    return None


def page(engine: Engine, *, iri: str, base: str) -> dict | None:
    """Everything a resource's HTML page shows (None if the store knows nothing of it)."""
    quads = [(from_ox(q.graph_name), from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
             for q in _description_quads(engine, iri)]
    inbound = _rows(engine, INBOUND, iri)
    if not quads and not inbound:
        return None
    labels: dict[str, str] = {}
    for row in _rows(engine, LABELS, iri):
        if row["label"] is not None and (str(row["x"]) not in labels or getattr(row["label"], "language", None) == "en"):
            labels[str(row["x"])] = str(row["label"])
    kind = _kind(iri, base)
    data = {"iri": iri, "kind": kind, "quads": quads, "inbound": inbound[:INBOUND_LIMIT],
            "inbound_more": len(inbound) > INBOUND_LIMIT, "labels": labels}
    if kind == "act":
        data.update(_act(engine, iri))
    elif kind == "episode":
        data.update(_episode(engine, iri))
    elif kind == "state":
        data.update(_state(engine, iri))
    return data


def _act(engine: Engine, iri: str) -> dict:
    explained = explain(engine.graph_store, URIRef(iri))  # the words of 'diplograph explain'
    return {"sources": explained["sources"], "links": _rows(engine, ACT_LINKS, iri),
            "explanations": explained["links"]}


def _episode(engine: Engine, iri: str) -> dict:
    episode_id = iri.rsplit("/", 1)[1]
    return {"episode_id": episode_id, "timeline": _stored(engine, "episode-timeline", episode=episode_id),
            "coalitions": _stored(engine, "solidarity", episode=episode_id),
            "retaliations": _rows(engine, EPISODE_RETALIATIONS, iri)}


def _state(engine: Engine, iri: str) -> dict:
    from .pictures import network_period

    code = iri.rsplit("/", 1)[1]
    levels = _rows(engine, STATE_LEVELS, iri)
    for row in levels:
        partner = row["receiver"] if str(row["sender"]) == iri else row["sender"]
        row["partner"] = str(partner).rsplit("/", 1)[1]
    # the level pictures a page shows: the partners whose level with this state changed
    # last, most recent first (the others are a link away, in the table)
    partners = []
    for row in sorted(levels, key=lambda r: str(r["since"]), reverse=True):
        if row["partner"] not in partners:
            partners.append(row["partner"])
    return {"code": code, "acts": _stored(engine, "acts-of-state", state=code), "levels": levels,
            "memberships": _rows(engine, STATE_MEMBERSHIPS, iri), "network": network_period(engine, code),
            "level_pictures": partners[:LEVEL_PICTURES]}


def landing(engine: Engine) -> dict:
    variables, rows = engine.solutions(EPISODES.text, DATASET)
    episodes = [{v: from_ox(t) for v, t in zip(variables, row)} for row in islice(rows, 1000)]
    return {"episodes": episodes}


def ontology_graph(engine: Engine, *, format_name: str) -> Answer:
    """The ontology graph as the store holds it."""
    fmt = formats.by_name(format_name, formats.GRAPH)
    triples = list(engine.triples("CONSTRUCT WHERE { ?s ?p ?o }", Dataset((str(Graphs.ONTOLOGY),), ())))
    from .answers import serialize_graph

    return Answer(serialize_graph(triples, fmt), fmt.content_type, len(triples))


__all__ = ["DG", "landing", "ontology_graph", "page", "representation"]

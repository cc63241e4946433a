"""A summary of what a store holds: graphs, acts per episode, type and year, links, and how
far the links the records assert and those the rules infer agree."""

from __future__ import annotations

from .namespaces import Graphs
from .store.base import GraphStore

_PREFIX = "PREFIX dg: <https://w3id.org/diplograph/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

_PER_EPISODE = _PREFIX + """
SELECT ?episode ?title (COUNT(?act) AS ?acts) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:partOfEpisode ?episode ; dg:announcedOn ?date . ?episode rdfs:label ?title }
} GROUP BY ?episode ?title ORDER BY ?episode"""

_PER_TYPE = _PREFIX + """
SELECT ?type (COUNT(?act) AS ?acts) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act a ?class ; dg:partOfEpisode ?episode }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:recordType ?type }
} GROUP BY ?type ORDER BY DESC(?acts) ?type"""

_PER_YEAR = _PREFIX + """
SELECT ?year (COUNT(?act) AS ?acts) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:announcedOn ?date }
  BIND (YEAR(?date) AS ?year)
} GROUP BY ?year ORDER BY ?year"""

_LINKS = _PREFIX + """
SELECT (COUNT(DISTINCT ?act) AS ?acts)
       (COUNT(DISTINCT ?responding) AS ?with_response_link)
       (COUNT(DISTINCT ?solidary) AS ?with_solidarity_link) (COUNT(DISTINCT ?linked) AS ?with_any_link) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?act dg:announcedOn ?date .
    OPTIONAL { ?act dg:inResponseTo ?x . BIND (?act AS ?responding) }
    OPTIONAL { ?act dg:inSolidarityWith ?y . BIND (?act AS ?solidary) }
    OPTIONAL { { ?act dg:inResponseTo ?z } UNION { ?act dg:inSolidarityWith ?z } BIND (?act AS ?linked) }
  }
}"""

_SOURCES = _PREFIX + """
SELECT (COUNT(DISTINCT ?source) AS ?sources) (COUNT(DISTINCT ?citation) AS ?citations) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?citation dg:citedSource ?source }
}"""


ORIGINS = ("asserted and inferred", "asserted only", "inferred only")

# Retaliation: every dg:RetaliationLink of the current run has one origin (20-retaliation-links.rq).
_AGREEMENT_RETALIATION = _PREFIX + """
SELECT ?origin (COUNT(DISTINCT ?link) AS ?links) WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link a dg:RetaliationLink ; dg:linkOrigin ?origin }
} GROUP BY ?origin"""

# Solidarity: the rule (30-solidarity.rq) gives only "asserted and inferred" and "inferred only";
# a pair (act, state) the records assert (dg:inSolidarityWith) that no dg:SolidarityLink confirms
# is counted "asserted only", as in the stored query 'agreement'. Only once the graph is reasoned.
_AGREEMENT_SOLIDARITY = _PREFIX + """
SELECT ?origin (COUNT(DISTINCT ?key) AS ?links) WHERE {
  {
    GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link a dg:SolidarityLink ; dg:linkOrigin ?origin }
    BIND (STR(?link) AS ?key)
  }
  UNION
  {
    GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run a dg:ReasoningRun ; dg:isCurrentRun true }
    GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:inSolidarityWith ?supported }
    FILTER NOT EXISTS {
      GRAPH <https://w3id.org/diplograph/graph/inferred> { ?any a dg:SolidarityLink ; dg:response ?act ; dg:supported ?supported }
    }
    BIND ("asserted only" AS ?origin)
    BIND (CONCAT(STR(?act), " ", STR(?supported)) AS ?key)
  }
} GROUP BY ?origin"""


def _by_origin(store: GraphStore, query: str) -> dict[str, int]:
    counts = dict.fromkeys(ORIGINS, 0)
    for row in store.select(query).dicts():
        counts[str(row["origin"])] = int(row["links"] or 0)
    return counts


def statistics(store: GraphStore) -> dict:
    graphs = {str(g).rsplit("/", 1)[-1]: store.count(g)
              for g in (Graphs.ONTOLOGY, Graphs.ASSERTED, Graphs.INFERRED, Graphs.PROVENANCE)}
    links = store.select(_LINKS).dicts()[0]
    acts = int(links["acts"] or 0)
    sources = store.select(_SOURCES).dicts()[0]
    return {
        "triples": graphs,
        "acts": acts,
        "sources": int(sources["sources"] or 0),
        "citations": int(sources["citations"] or 0),
        "acts_with_response_link": int(links["with_response_link"] or 0),
        "acts_with_solidarity_link": int(links["with_solidarity_link"] or 0),
        "share_with_explicit_link": int(links["with_any_link"] or 0) / acts if acts else 0.0,
        "per_episode": store.select(_PER_EPISODE).dicts(),
        "per_type": store.select(_PER_TYPE).dicts(),
        "per_year": store.select(_PER_YEAR).dicts(),
        "agreement_retaliation": _by_origin(store, _AGREEMENT_RETALIATION),
        "agreement_solidarity": _by_origin(store, _AGREEMENT_SOLIDARITY),
    }

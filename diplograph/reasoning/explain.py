"""Why each link to or from an act was inferred, in plain words, with the sources' summaries."""

from __future__ import annotations

from ..store.base import GraphStore

_LINKS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?act ?link ?kind ?trigger ?response ?supported ?lag ?ratio ?class ?parity ?mutual ?origin ?rule ?window
       ?triggerLabel ?responseLabel ?supportedLabel WHERE {
  { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link dg:trigger ?act } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link dg:response ?act } }
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link dg:trigger ?trigger ; dg:response ?response ; dg:lagDays ?lag ; dg:linkOrigin ?origin ; dg:rule ?rule ;
          <http://www.w3.org/ns/prov#wasGeneratedBy> ?run ; a ?kind .
    FILTER (?kind IN (dg:RetaliationLink, dg:SolidarityLink))
    OPTIONAL { ?link dg:countRatio ?ratio }
    OPTIONAL { ?link dg:proportionality ?class }
    OPTIONAL { ?link dg:rankParity ?parity }
    OPTIONAL { ?link dg:mutual ?mutual }
  }
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run dg:windowDays ?window }
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?trigger rdfs:label ?triggerLabel . ?response rdfs:label ?responseLabel }
  OPTIONAL {
    GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link dg:supported ?supported }
    GRAPH <https://w3id.org/diplograph/graph/asserted> { ?supported rdfs:label ?supportedLabel }
  }
} ORDER BY ?kind ?trigger ?response"""

_ACT = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?act ?label ?url ?publisher ?published ?summary WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?act rdfs:label ?label .
    OPTIONAL {
      ?act dg:hasCitation ?citation . ?citation dg:citedSource ?source ; dg:summary ?summary .
      ?source schema:url ?url ; dcterms:publisher ?publisher . OPTIONAL { ?source dcterms:date ?published }
    }
  }
} ORDER BY ?published ?url"""


def _short(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _sentence(row: dict) -> str:
    kind = _short(row["kind"]).split("#")[-1]
    trigger, response = _short(row["trigger"]), _short(row["response"])
    lag = row["lag"]
    origin = row["origin"]
    said = {"asserted and inferred": "The records assert this link and the rule finds it too.",
            "asserted only": "The records assert this link on the word of a source; the rule alone would not have found it.",
            "inferred only": "The records do not assert this link; the rule infers it."}[origin]
    if kind == "RetaliationLink":
        mutual = " Both were announced the same day and the sources do not say which came first, so the pair is flagged mutual." if row.get("mutual") else ""
        ratio = f", count ratio {float(row['ratio']):.2f}" if row.get("ratio") is not None else ""
        klass = _short(row["class"]).split("#")[-1] if row.get("class") else "?"
        parity = "same rank" if row.get("parity") else "a different rank"
        return (f"{response} ({row['responseLabel']}) retaliates for {trigger} ({row['triggerLabel']}): "
                f"it came {lag} day(s) later, in the opposite direction, within the {row['window']}-day window, "
                f"when {trigger} was the latest unanswered act of that side; {klass.lower()} on the escalation ladder "
                f"({parity}{ratio}).{mutual} {said}")
    supported = row.get("supportedLabel") or _short(row.get("supported") or "")
    return (f"{response} ({row['responseLabel']}) acts in solidarity with {supported}: {supported} had acted against "
            f"the same state {lag} day(s) earlier ({trigger}: {row['triggerLabel']}), the actor had no trigger of its own "
            f"from that state within the {row['window']}-day window, and the records say so or the two shared a "
            f"membership on that day. {said}")


def explain(store: GraphStore, act_iri) -> dict:
    """The act, its sources and a sentence for each link to or from it."""
    bindings = {"act": act_iri}
    act_rows = store.select(_ACT, bindings=bindings).dicts()
    links = store.select(_LINKS, bindings=bindings).dicts()
    return {
        "act": str(act_iri),
        "label": act_rows[0]["label"] if act_rows else None,
        "sources": [r for r in act_rows if r.get("url")],
        "links": [{**row, "explanation": _sentence(row)} for row in links],
    }

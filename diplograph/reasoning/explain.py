"""Why each link to or from an act was inferred, in plain words, with the sources' summaries."""

from __future__ import annotations

from ..store.base import GraphStore

_LINKS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?act ?link ?kind ?trigger ?response ?supported ?lag ?ratio ?ratioMin ?ratioMax ?class ?parity ?mutual ?origin
       ?rule ?window ?solidarityWindow ?triggerLabel ?responseLabel ?supportedLabel WHERE {
  { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link dg:trigger ?act } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?link dg:response ?act } }
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link dg:trigger ?trigger ; dg:response ?response ; dg:lagDays ?lag ; dg:linkOrigin ?origin ; dg:rule ?rule ;
          <http://www.w3.org/ns/prov#wasGeneratedBy> ?run ; a ?kind .
    FILTER (?kind IN (dg:RetaliationLink, dg:SolidarityLink))
    OPTIONAL { ?link dg:countRatio ?ratio }
    OPTIONAL { ?link dg:countRatioMin ?ratioMin ; dg:countRatioMax ?ratioMax }
    OPTIONAL { ?link dg:proportionality ?class }
    OPTIONAL { ?link dg:rankParity ?parity }
    OPTIONAL { ?link dg:mutual ?mutual }
  }
  GRAPH <https://w3id.org/diplograph/graph/provenance> {
    ?run dg:windowDays ?window . OPTIONAL { ?run dg:solidarityWindowDays ?solidarityWindow }
  }
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
        klass = _short(row["class"]).split("#")[-1] if row.get("class") else "?"
        parity = "same rank" if row.get("parity") else "a different rank"
        if origin == "asserted only":
            how = (f"it came {lag} day(s) later, in the opposite direction; the records say it answers {trigger} "
                   f"(the rule alone looks back {row['window']} days and takes the latest unanswered act of that side)")
        else:
            how = (f"it came {lag} day(s) later, in the opposite direction, within the {row['window']}-day retaliation "
                   f"window, when {trigger} was the latest unanswered act of that side")
        words = {"Mirror": "a mirror", "Escalation": "an escalation", "DeEscalation": "a de-escalation"}.get(klass, klass)
        return (f"{response} ({row['responseLabel']}) retaliates for {trigger} ({row['triggerLabel']}): {how}; "
                f"{words} on the escalation ladder ({parity}{_ratio(row)}).{mutual} {said}")
    supported = row.get("supportedLabel") or _short(row.get("supported") or "")
    window = row.get("solidarityWindow") or row["window"]
    if origin == "asserted only":
        return (f"{response} ({row['responseLabel']}) acts in solidarity with {supported}, as the records say: "
                f"{supported}'s latest act against the same state ({trigger}: {row['triggerLabel']}) came "
                + ("on the same day, " if lag == 0 else f"{lag} day(s) earlier, ") +
                f"which the rule alone does not take as solidarity (it needs an earlier day within the {window}-day "
                f"solidarity window and no trigger of the actor's own). {said}")
    return (f"{response} ({row['responseLabel']}) acts in solidarity with {supported}: {supported} had acted against "
            f"the same state {lag} day(s) earlier ({trigger}: {row['triggerLabel']}), within the {window}-day solidarity "
            f"window; the act answers no trigger of the actor's own, and the records say so or the two shared a "
            f"membership on that day. {said}")


def _ratio(row: dict) -> str:
    """The count ratio, or its range where the sources give different figures (never one of them silently)."""
    if row.get("ratio") is not None:
        return f", count ratio {float(row['ratio']):.2f} of the response to all it answers"
    if row.get("ratioMin") is not None:
        return (f", count ratio between {float(row['ratioMin']):.2f} and {float(row['ratioMax']):.2f}, "
                f"as the sources give different figures")
    return ""


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

"""One test per rule, named after it, quoting what it infers (in the manner of OWL-RL's tests).

OWL 2 RL rules run alone on a few asserted triples; the temporal rules run through
`reason` on small synthetic episodes, positive and negative.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef

from diplograph import namespaces as ns
from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.reasoning import owl_rules, reason
from diplograph.store import EmbeddedStore

RECORDS = Path(__file__).resolve().parent.parent / "records"
PREFIXES = """
@prefix dg: <https://w3id.org/diplograph/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix id: <https://w3id.org/diplograph/id/> .
"""


def run_owl_rule(name: str, turtle: str) -> set[tuple]:
    """Asserted triples + the ontology, then one OWL rule: what it adds to the inferred graph."""
    store = EmbeddedStore(None)
    assert load(store, [RECORDS / "entities"]).ok
    # "id:act/x" is not a Turtle prefixed name: spell such IRIs out.
    turtle = re.sub(r"id:([a-z]+)/([A-Za-z0-9-]+)", lambda m: f"<{ns.ID}{m[1]}/{m[2]}>", turtle)
    data = Graph().parse(data=PREFIXES + turtle, format="turtle")
    store.add_to_graph(Graphs.ASSERTED, data.serialize(format="nt", encoding="utf-8"))
    (rule,) = [r for r in owl_rules() if r.name == name]
    store.update(rule.text)
    return set(Graph().parse(data=store.dump([Graphs.INFERRED], "nt"), format="nt"))


def t(s: str, p: str, o: str) -> tuple:
    def term(x: str) -> URIRef:
        if x == "a":
            return URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        prefix, _, local = x.partition(":")
        base = {"dg": str(ns.DG), "id": ns.ID, "owl": "http://www.w3.org/2002/07/owl#",
                "prov": "http://www.w3.org/ns/prov#", "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/"}[prefix]
        return URIRef(base + local)
    return (term(s), term(p), term(o))


# ---------------------------------------------------------------------------
# OWL 2 RL rules
# ---------------------------------------------------------------------------

def test_cax_sco():
    """cax-sco: 'x a dg:StaffExpulsion' entails 'x a dg:RestrictiveAct' and 'x a dg:DiplomaticAct'."""
    inferred = run_owl_rule("cax-sco", "id:act/x a dg:StaffExpulsion .")
    assert t("id:act/x", "a", "dg:RestrictiveAct") in inferred
    assert t("id:act/x", "a", "dg:DiplomaticAct") in inferred
    assert t("id:act/x", "a", "dg:ConciliatoryAct") not in inferred


def test_prp_dom():
    """prp-dom: 'x dg:actor y' entails 'x a dg:DiplomaticAct' (the domain of dg:actor)."""
    inferred = run_owl_rule("prp-dom", "id:act/x dg:actor id:state/CZ .")
    assert t("id:act/x", "a", "dg:DiplomaticAct") in inferred


def test_prp_rng():
    """prp-rng: 'x dg:actor y' entails 'y a dg:State' (the range of dg:actor)."""
    inferred = run_owl_rule("prp-rng", "id:act/x dg:actor id:state/ZZ .")
    assert t("id:state/ZZ", "a", "dg:State") in inferred


def test_prp_inv():
    """prp-inv1/2: 'x dg:actor y' entails 'y dg:performed x' (dg:actor owl:inverseOf dg:performed)."""
    inferred = run_owl_rule("prp-inv", "id:act/x dg:actor id:state/CZ .")
    assert t("id:state/CZ", "dg:performed", "id:act/x") in inferred


def test_prp_symp():
    """prp-symp: 'd1 dg:reverseDyad d2' entails 'd2 dg:reverseDyad d1' (symmetric)."""
    inferred = run_owl_rule("prp-symp", "id:dyad/CZ-RU dg:reverseDyad id:dyad/RU-CZ .")
    assert t("id:dyad/RU-CZ", "dg:reverseDyad", "id:dyad/CZ-RU") in inferred


def test_prp_spo1():
    """prp-spo1: 'x dg:actor y' entails 'x sem:hasActor y' and 'x prov:wasAssociatedWith y'."""
    inferred = run_owl_rule("prp-spo1", "id:act/x dg:actor id:state/CZ .")
    assert t("id:act/x", "sem:hasActor", "id:state/CZ") in inferred
    assert t("id:act/x", "prov:wasAssociatedWith", "id:state/CZ") in inferred


def test_prp_spo2():
    """prp-spo2: 's dg:performed x' and 'x dg:target t' entail 's dg:actedAgainst t' (property chain)."""
    inferred = run_owl_rule("prp-spo2", "id:state/CZ dg:performed id:act/x . id:act/x dg:target id:state/RU .")
    assert t("id:state/CZ", "dg:actedAgainst", "id:state/RU") in inferred
    assert t("id:state/RU", "dg:actedAgainst", "id:state/CZ") not in inferred


def test_prp_key():
    """prp-key: two states with the same ISO alpha-3 code are owl:sameAs; different codes are not."""
    inferred = run_owl_rule("prp-key", """
        id:state/AA a dg:State ; dg:iso3166Alpha3 "CZE" .
        id:state/BB a dg:State ; dg:iso3166Alpha3 "RUS" .""")
    assert t("id:state/AA", "owl:sameAs", "id:state/CZ") in inferred
    assert t("id:state/AA", "owl:sameAs", "id:state/BB") not in inferred


def test_prp_fp():
    """prp-fp: an act with two actors (dg:actor is functional) makes them owl:sameAs."""
    inferred = run_owl_rule("prp-fp", "id:act/x dg:actor id:state/CZ , id:state/SK .")
    assert t("id:state/CZ", "owl:sameAs", "id:state/SK") in inferred


def test_eq_sym():
    """eq-sym, eq-trans: 'a owl:sameAs b', 'b owl:sameAs c' entail 'b owl:sameAs a' and 'a owl:sameAs c'."""
    inferred = run_owl_rule("eq-sym", "id:state/AA owl:sameAs id:state/BB . id:state/BB owl:sameAs id:state/CC .")
    assert t("id:state/BB", "owl:sameAs", "id:state/AA") in inferred
    assert t("id:state/AA", "owl:sameAs", "id:state/CC") in inferred


def test_every_owl_rule_has_a_test():
    tested = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    assert {r.name for r in owl_rules()} <= tested


# ---------------------------------------------------------------------------
# Temporal rules, on synthetic episodes
# ---------------------------------------------------------------------------

def reasoned(synthetic, *acts: str, window: int = 30) -> EmbeddedStore:
    synthetic.episode(*acts)
    store = EmbeddedStore(None)
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    reason(store, window=window)
    return store


def answers(store: EmbeddedStore, response: str) -> set[str]:
    rows = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?b ?a WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?b dg:retaliatesFor ?a } }")
    return {str(a).rsplit("/", 1)[-1] for b, a in rows if str(b) == str(ns.act(response))}


def link_field(store: EmbeddedStore, response: str, field: str):
    rows = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?b ?v WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?l dg:response ?b ; dg:" + field + " ?v } }")
    return [v.toPython() for b, v in rows if str(b) == str(ns.act(response))]


def supports(store: EmbeddedStore, act: str) -> set[str]:
    rows = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?c ?x WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?c dg:supports ?x } }")
    return {str(x).rsplit("/", 1)[-1] for c, x in rows if str(c) == str(ns.act(act))}


def test_retaliation_answers_the_latest_unanswered_act(synthetic):
    """10-retaliation-candidates, 20-retaliation-links: 'b dg:retaliatesFor a' for the first act of
    RU against CZ after CZ's latest act against RU; a second Russian act finds nothing left to answer."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01", persons=2),
                     synthetic.act("cz-2", announced="2021-04-05", persons=3),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-08", persons=3),
                     synthetic.act("ru-2", actor="RU", target="CZ", announced="2021-04-09", persons=1))
    assert answers(store, "ru-1") == {"cz-2"}
    assert answers(store, "ru-2") == set()
    assert link_field(store, "ru-1", "lagDays") == [3]
    assert [str(c).rsplit("#", 1)[-1] for c in link_field(store, "ru-1", "proportionality")] == ["Mirror"]


def test_retaliation_not_outside_the_window(synthetic):
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-05-02"))
    assert answers(store, "ru-1") == set()


def test_retaliation_not_in_the_same_direction(synthetic):
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("cz-2", announced="2021-04-03"))
    assert answers(store, "cz-2") == set()


def test_retaliation_not_across_a_conciliatory_act(synthetic):
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("cz-returns", type="ambassador-return", announced="2021-04-03"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-05"))
    assert answers(store, "ru-1") == set()


def test_retaliation_same_day_without_order_is_mutual(synthetic):
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-01"))
    linked = answers(store, "ru-1") | answers(store, "cz-1")
    assert len(linked) == 1
    assert link_field(store, "ru-1", "mutual") + link_field(store, "cz-1", "mutual") == [True]


def test_retaliation_same_day_with_order_follows_it(synthetic):
    store = reasoned(synthetic,
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-01", order=1),
                     synthetic.act("cz-1", announced="2021-04-01", order=2))
    assert answers(store, "cz-1") == {"ru-1"}
    assert link_field(store, "cz-1", "mutual") == [False]


def test_retaliation_escalation_by_rung(synthetic):
    """proportionality: an ambassador expulsion answering a staff expulsion climbs the ladder."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01", persons=5),
                     synthetic.act("ru-1", type="ambassador-expulsion", actor="RU", target="CZ", announced="2021-04-02", persons=1))
    assert [str(c).rsplit("#", 1)[-1] for c in link_field(store, "ru-1", "proportionality")] == ["Escalation"]
    assert link_field(store, "ru-1", "rankParity") == [False]


def test_solidarity_by_shared_membership(synthetic):
    """30-solidarity: SK (EU and NATO with CZ) expelling Russians three days after CZ did
    'dg:supports' CZ; Japan, sharing no membership and saying nothing, supports no one."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-04"),
                     synthetic.act("jp-1", actor="JP", announced="2021-04-04"))
    assert supports(store, "sk-1") == {"CZ"}
    assert supports(store, "jp-1") == set()


def test_solidarity_not_with_a_trigger_of_ones_own(synthetic):
    store = reasoned(synthetic,
                     synthetic.act("ru-sk", actor="RU", target="SK", announced="2021-03-30"),
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-04"))
    assert supports(store, "sk-1") == set()
    assert answers(store, "sk-1") == {"ru-sk"}


def test_chains_join_linked_acts(synthetic):
    """40-chains: acts joined by retaliation and solidarity share one chain named after the earliest."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-04"),
                     synthetic.act("ru-sk", actor="RU", target="SK", announced="2021-04-06"))
    rows = store.select("PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?act ?chain WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act dg:inChain ?chain } }")
    chains = {str(a).rsplit("/", 1)[-1]: str(c).rsplit("/", 1)[-1] for a, c in rows}
    assert chains == {"cz-1": "cz-1", "sk-1": "cz-1", "ru-sk": "cz-1"}


def test_relation_levels(synthetic):
    """50-relation-levels: RU expelling the Czech ambassador leaves CZ at chargé level in RU;
    a later return of the Czech ambassador restores the ambassador level."""
    store = reasoned(synthetic,
                     synthetic.act("ru-amb", type="ambassador-expulsion", actor="RU", target="CZ", announced="2021-04-01"),
                     synthetic.act("cz-return", type="ambassador-return", actor="CZ", target="RU", announced="2021-06-01"))
    from diplograph.api import Diplograph

    graph = Diplograph(store)
    level = {(r["sender"].rsplit("/", 1)[-1], r["level"]) for r in graph.query("relation-level", a="CZ", b="RU", date="2021-05-01")}
    assert level == {("CZ", "chargé d'affaires")}
    later = {(r["sender"].rsplit("/", 1)[-1], r["level"]) for r in graph.query("relation-level", a="CZ", b="RU", date="2021-07-01")}
    assert later == {("CZ", "ambassador")}


def test_retaliation_has_one_trigger_among_same_day_acts(synthetic):
    """10-retaliation-candidates: of several unordered same-day acts of CZ, one (the greatest
    IRI) counts as the latest, so a response gets one candidate trigger, not all of them."""
    store = reasoned(synthetic,
                     synthetic.act("cz-a", announced="2021-04-01"),
                     synthetic.act("cz-b", type="staff-ceiling", announced="2021-04-01"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-05"))
    rows = store.select("PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?b ?a WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?b dg:ruleCandidateFor ?a } }")
    assert {str(a).rsplit("/", 1)[-1] for b, a in rows} == {"cz-b"}
    assert answers(store, "ru-1") == {"cz-b"}

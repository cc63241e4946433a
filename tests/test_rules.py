"""One test per rule, named after it, quoting what it infers (in the manner of OWL-RL's tests).

OWL 2 RL rules run alone on a few asserted triples; the temporal rules run through
`reason` on small synthetic episodes, positive and negative.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from diplograph import namespaces as ns
from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.reasoning import owl_rules, reason
from diplograph.reasoning import engine
from diplograph.reasoning.chains import earliest_of_each
from diplograph.reasoning.engine import NativeStepDeclined, owl_closure
from diplograph.reasoning.solidarity import Act as SolidarityAct, Memberships, infer_solidarity
from diplograph.reasoning.solidarity import solidarity_links as solidarity_pass
from diplograph.reasoning.tbox import compile_schema
from diplograph.store import EmbeddedStore

RECORDS = Path(__file__).resolve().parent.parent / "records"
PREFIXES = """
@prefix dg: <https://w3id.org/diplograph/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix id: <https://w3id.org/diplograph/id/> .
"""


def _ntriples(turtle: str) -> bytes:
    # "id:act/x" is not a Turtle prefixed name: spell such IRIs out.
    turtle = re.sub(r"id:([a-z]+)/([A-Za-z0-9-]+)", lambda m: f"<{ns.ID}{m[1]}/{m[2]}>", turtle)
    return Graph().parse(data=PREFIXES + turtle, format="turtle").serialize(format="nt", encoding="utf-8")


def run_owl_rule(name: str, turtle: str, *, new: str = "") -> set[tuple]:
    """Asserted triples + the ontology, then one OWL rule: what it adds to the inferred graph.
    With ``new``: those triples as a temporal rule leaves them (in the inferred graph and in
    graph/delta-a), and the rule's semi-naive passes from them instead of full passes."""
    store = EmbeddedStore(None)
    assert load(store, [RECORDS / "entities"]).ok
    store.add_to_graph(Graphs.ASSERTED, _ntriples(turtle))
    (rule,) = [r for r in owl_rules(portable=True) if r.name == name]
    compile_schema(store)
    if new:
        store.add_to_graph(Graphs.INFERRED, _ntriples(new))
        store.add_to_graph(Graphs.DELTA_A, _ntriples(new))
    owl_closure(store, [rule], full=not new)
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
    # from new triples: a type asserted already is left out
    inferred = run_owl_rule("cax-sco", "id:act/x a dg:DiplomaticAct .", new="id:act/x a dg:StaffExpulsion .")
    assert t("id:act/x", "a", "dg:RestrictiveAct") in inferred
    assert t("id:act/x", "a", "dg:DiplomaticAct") not in inferred


def test_prp_dom():
    """prp-dom: 'x dg:actor y' entails 'x a dg:DiplomaticAct' (the domain of dg:actor)."""
    inferred = run_owl_rule("prp-dom", "id:act/x dg:actor id:state/CZ .")
    assert t("id:act/x", "a", "dg:DiplomaticAct") in inferred
    # from new triples: a type asserted already is left out
    inferred = run_owl_rule("prp-dom", "id:act/y a dg:DiplomaticAct .",
                            new="id:act/x dg:actor id:state/CZ . id:act/y dg:actor id:state/CZ .")
    assert t("id:act/x", "a", "dg:DiplomaticAct") in inferred
    assert t("id:act/y", "a", "dg:DiplomaticAct") not in inferred


def test_prp_rng():
    """prp-rng: 'm dg:member y' entails 'y a dg:State' (the range of dg:member); 'x dg:actor y'
    entails 'y a dg:Agent' and no more, for organisations act too."""
    inferred = run_owl_rule("prp-rng", "id:membership/m dg:member id:state/ZZ . id:act/x dg:actor id:organisation/YY .")
    assert t("id:state/ZZ", "a", "dg:State") in inferred
    assert t("id:organisation/YY", "a", "dg:Agent") in inferred
    assert t("id:organisation/YY", "a", "dg:State") not in inferred
    # from new triples: a type asserted already is left out
    inferred = run_owl_rule("prp-rng", "id:state/ZZ a dg:State .",
                            new="id:membership/m dg:member id:state/ZZ , id:state/WW .")
    assert t("id:state/WW", "a", "dg:State") in inferred
    assert t("id:state/ZZ", "a", "dg:State") not in inferred


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
    # from a new triple: its value and the one held before, both ways round
    inferred = run_owl_rule("prp-fp", "id:act/x dg:actor id:state/CZ .", new="id:act/x dg:actor id:state/SK .")
    assert {t("id:state/CZ", "owl:sameAs", "id:state/SK"), t("id:state/SK", "owl:sameAs", "id:state/CZ")} <= inferred
    inferred = run_owl_rule("prp-fp", "id:act/x dg:actor id:state/CZ .", new="id:act/y dg:actor id:state/SK .")
    assert not any(p == t("id:state/CZ", "owl:sameAs", "id:state/SK")[1] for _, p, _ in inferred)


def test_eq_sym():
    """eq-sym, eq-trans: 'a owl:sameAs b', 'b owl:sameAs c' entail 'b owl:sameAs a' and 'a owl:sameAs c'."""
    inferred = run_owl_rule("eq-sym", "id:state/AA owl:sameAs id:state/BB . id:state/BB owl:sameAs id:state/CC .")
    assert t("id:state/BB", "owl:sameAs", "id:state/AA") in inferred
    assert t("id:state/AA", "owl:sameAs", "id:state/CC") in inferred


def test_every_owl_rule_has_a_test():
    tested = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    assert {r.name for r in owl_rules(portable=True)} <= tested


# ---------------------------------------------------------------------------
# Temporal rules, on synthetic episodes
# ---------------------------------------------------------------------------

def reasoned(synthetic, *acts: str, window: int | None = 30) -> EmbeddedStore:
    """Load a synthetic episode and reason, with both windows at ``window`` days (None: the
    defaults, 90 days for retaliation and 30 for solidarity). Reasoned twice, by the native
    steps (reasoning/native.py) and by the rule files alone (``portable``), the two inferred
    graphs must be the same, triple for triple: every test of a temporal rule tests both."""
    synthetic.episode(*acts)
    store = EmbeddedStore(None)
    result = load(store, [synthetic.dir])
    assert result.ok, str(result.report)
    files_only = EmbeddedStore(None)
    files_only.engine.extend(store.engine.quads_for_pattern(None, None, None, None))
    by_files = reason(files_only, window=window, portable=True)
    native = reason(store, window=window)
    assert inferred_without_run(store, native.run) == inferred_without_run(files_only, by_files.run)
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


def test_chains_propagate_across_a_long_chain_with_jumps(synthetic):
    """40-chains, 41-chains-propagate, 42-chains-named: a tit-for-tat of 33 acts, each answering
    the one before, is one chain named after its first act; the label crosses it by jumps, in
    fewer passes than the chain has links (one link a pass would need 32)."""
    day = dt.date(2021, 1, 1)
    acts = [synthetic.act(f"act-{n:02d}", actor="CZ" if n % 2 == 0 else "RU", target="RU" if n % 2 == 0 else "CZ",
                          announced=(day + dt.timedelta(days=10 * n)).isoformat()) for n in range(33)]
    synthetic.episode(*acts)
    store = EmbeddedStore(None)
    assert load(store, [synthetic.dir]).ok
    passes = []
    reason(store, window=30, portable=True,
           on_rule=lambda rule, number: passes.append(number) if rule.name == "41-chains-propagate" else None)
    assert chains(store) == {f"act-{n:02d}": "act-00" for n in range(33)}
    assert 1 < len(passes) < 32
    # nothing of the propagation stays behind
    assert not store.ask("ASK { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), 'https://w3id.org/diplograph/graph/scratch')) }")


def inferred_without_run(store: EmbeddedStore, run: str) -> set[tuple[str, str, str]]:
    """The inferred graph, the reasoning run's IRI (minted from the time and process) as RUN."""
    return {tuple("RUN" if str(term) == run else str(term) for term in triple)
            for triple in store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?s ?p ?o } }")}


def test_chains_union_find_infers_what_the_rule_files_infer(synthetic):
    """40-42-chains (reasoning/chains.py) against 40-chains, 41-chains-propagate, 42-chains-named:
    two tit-for-tat chains apart, each named after its first act, and a same-day pair without an
    order, named after the smaller IRI. The inferred graphs of both ways are the same, triple
    for triple (merges: the test below, and the agreement on the shipped records)."""
    day = dt.date(2021, 1, 1)

    def on(n: int) -> str:
        return (day + dt.timedelta(days=n)).isoformat()

    acts = [synthetic.act(f"cz-{n}", actor="CZ" if n % 2 == 0 else "RU", target="RU" if n % 2 == 0 else "CZ",
                          announced=on(10 * n)) for n in range(4)]
    acts += [synthetic.act(f"pl-{n}", actor="PL" if n % 2 == 0 else "DE", target="DE" if n % 2 == 0 else "PL",
                           announced=on(5 + 10 * n)) for n in range(4)]
    acts += [synthetic.act("same-b", actor="EE", target="LV", announced=on(200)),
             synthetic.act("same-a", actor="LV", target="EE", announced=on(200))]
    synthetic.episode(*acts)
    graphs = {}
    for portable in (True, False):
        store = EmbeddedStore(None)
        assert load(store, [synthetic.dir]).ok
        steps = []
        result = reason(store, window=30, portable=portable, on_rule=lambda rule, number: steps.append(rule.name))
        assert ("41-chains-propagate" in steps) == portable and ("40-42-chains" in steps) != portable
        graphs[portable] = inferred_without_run(store, result.run)
        found = chains(store)
        assert {act: found[act] for act in ("cz-0", "cz-3", "pl-0", "pl-3")} == {
            "cz-0": "cz-0", "cz-3": "cz-0", "pl-0": "pl-0", "pl-3": "pl-0"}
        assert found["same-a"] == found["same-b"] == "same-a"
    assert graphs[True] == graphs[False]


def test_chains_union_find_agrees_on_the_shipped_records(loaded):
    """40-42-chains against the three rule files on the shipped records, whose chains merge
    through solidarity and answers to several acts: the same inferred graph."""
    graphs = {}
    for portable in (True, False):
        store = EmbeddedStore(None)
        store.engine.extend(loaded.engine.quads_for_pattern(None, None, None, None))
        result = reason(store, portable=portable)
        assert result.chains > 10
        graphs[portable] = inferred_without_run(store, result.run)
    assert graphs[True] == graphs[False]


def test_native_steps_infer_what_the_rule_files_infer_on_generated_records(generated):
    """30-solidarity (reasoning/solidarity.py) and 40-42-chains against their rule files on
    1,000 generated acts (bench/generate.py: solidarity waves among allies, same-day acts,
    escalations, noise): the same inferred graph, triple for triple."""
    loaded = generated(1000, seed=5)
    graphs = {}
    for portable in (True, False):
        store = EmbeddedStore(None)
        store.engine.extend(loaded.engine.quads_for_pattern(None, None, None, None))
        result = reason(store, portable=portable)
        assert result.solidarity > 100 and result.chains > 100
        graphs[portable] = inferred_without_run(store, result.run)
    assert graphs[True] == graphs[False]


def test_solidarity_native_step_declines_an_act_of_two_ranked_classes(synthetic):
    """30-solidarity: an act asserted as both a staff expulsion and a consulate closure (the
    shapes allow one type) has two ranks, which the rule file's joins take each in turn;
    the native step declines it, the file runs instead, and the result is the file's."""
    synthetic.episode(synthetic.act("cz-1", announced="2021-04-01"),
                      synthetic.act("sk-1", actor="SK", announced="2021-04-04"))
    store = EmbeddedStore(None)
    assert load(store, [synthetic.dir]).ok
    store.add_to_graph(Graphs.ASSERTED, _ntriples("id:act/sk-1 a dg:ConsulateClosure ."))
    store.update("INSERT DATA { GRAPH <https://w3id.org/diplograph/graph/provenance> {"
                 " <https://w3id.org/diplograph/id/run/test> a <https://w3id.org/diplograph/ontology#ReasoningRun> ;"
                 " <https://w3id.org/diplograph/ontology#isCurrentRun> true ;"
                 " <https://w3id.org/diplograph/ontology#solidarityWindowDays> 30 } }")
    with pytest.raises(NativeStepDeclined, match="sk-1 has more than one"):
        infer_solidarity(store)
    store.update("DELETE WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {"
                 " <https://w3id.org/diplograph/id/run/test> ?p ?o } }")
    files_only = EmbeddedStore(None)
    files_only.engine.extend(store.engine.quads_for_pattern(None, None, None, None))
    by_files, native = reason(files_only, window=30, portable=True), reason(store, window=30)
    assert inferred_without_run(store, native.run) == inferred_without_run(files_only, by_files.run)
    assert solidarity_links(store, "sk-1")["CZ"][0] == "cz-1"


def _act(name: str, actor: str, day: int, rank: int = 3, target: str = "RU") -> SolidarityAct:
    return SolidarityAct(f"{ns.ID}act/{name}", f"{ns.ID}state/{actor}", f"{ns.ID}state/{target}", day, rank,
                         f"https://w3id.org/diplograph/scratch/act/{name}")


def test_solidarity_pass_keeps_the_closest_rung_then_the_greatest_id():
    """30-solidarity, as reasoning/solidarity.py reads it: of X's acts on its latest day within
    the window, the one closest to the response on the ladder, then of greatest id; a membership
    counts on the day it ends; the kept trigger taken in a coordinated action with the response
    gives no link, though X acted otherwise that day."""
    acts = [_act("cz-a", "CZ", 100, rank=2), _act("cz-b", "CZ", 100, rank=4), _act("cz-c", "CZ", 100, rank=5),
            _act("cz-old", "CZ", 90), _act("sk-1", "SK", 103, rank=3),
            _act("pl-1", "PL", 101, rank=5), _act("ee-1", "EE", 200), _act("lv-1", "LV", 210)]
    memberships = Memberships([("m1", f"{ns.ID}state/SK", "EU", "0"), ("m2", f"{ns.ID}state/CZ", "EU", "0"),
                               ("m3", f"{ns.ID}state/EE", "EU", "0"), ("m4", f"{ns.ID}state/LV", "EU", "0"),
                               ("m5", f"{ns.ID}state/PL", "EU", "0")], [("m4", "210")])
    links = solidarity_pass({act.iri: act for act in acts}, 30, answering=set(),
                             coordinated={f"{ns.ID}act/pl-1": {"c"}, f"{ns.ID}act/cz-c": {"c"}},
                             said={}, outside=set(), memberships=memberships)
    found = {(link.response.iri.rsplit("/", 1)[-1], link.trigger.iri.rsplit("/", 1)[-1]) for link in links}
    # SK (rank 3): cz-a and cz-b are one rung away, cz-b has the greater id; cz-old is not CZ's latest day
    assert ("sk-1", "cz-b") in found and ("sk-1", "cz-old") not in found
    # PL (rank 5): cz-c (rank 5) is kept, and was taken with pl-1 in one action
    assert not any(response == "pl-1" and trigger.startswith("cz") for response, trigger in found)
    assert ("lv-1", "ee-1") in found  # LV's membership ends on the day of lv-1, which it still covers


def test_chains_union_find_merges_into_the_earliest_act():
    """earliest_of_each: links met in any order join every act to the act of smallest key;
    keys compare as rule 40 makes them (day number, '|', id), as strings; an act with no key
    (no day) joins nothing, as in the rule files."""
    key = {"act/a": "737980|a", "act/b": "737995|b", "act/c": "737990|c", "act/d": "738000|d",
           "act/e": "738100|e", "act/f": "738100|f"}
    links = [("act/d", "act/c"), ("act/b", "act/a"), ("act/d", "act/b"), ("act/f", "act/e"), ("act/g", "act/a")]
    expected = {"act/a": "act/a", "act/b": "act/a", "act/c": "act/a", "act/d": "act/a",
                "act/e": "act/e", "act/f": "act/e", "act/g": "act/g"}
    assert earliest_of_each(links, key) == expected
    assert earliest_of_each(reversed(links), key) == expected


def test_a_repeated_rule_that_never_settles_is_stopped(tmp_path, monkeypatch):
    """The engine applies a rule whose header says '# repeat: until <graph> is empty' until that
    graph is empty, and stops with an error, not forever, when it never is."""
    rule_file = tmp_path / "never.rq"
    rule_file.write_text("# rule: never settles\n# repeat: until <https://example.org/busy> is empty\n"
                         "INSERT DATA { GRAPH <https://example.org/busy> { <https://example.org/s> <https://example.org/p> 1 } }\n")
    (rule,) = engine.read_rules(tmp_path)
    assert rule.repeat_until_empty == URIRef("https://example.org/busy")
    store = EmbeddedStore(None)
    store.update("INSERT DATA { GRAPH <https://example.org/busy> { <https://example.org/s> <https://example.org/p> 0 } }")
    monkeypatch.setattr(engine, "MAX_REPEATS", 5)
    passes = []
    with pytest.raises(RuntimeError, match="still changed something after 5 passes"):
        engine.apply_once(store, [rule], on_rule=lambda r, n: passes.append(n))
    assert passes == [1, 2, 3, 4, 5]


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


def test_relation_level_ends(synthetic):
    """51-relation-level-ends: CZ's level in RU set by RU's expulsion of the ambassador is
    'dg:supersededOn' the day CZ's ambassador returns; of the two changes RU's severance and
    its restoration make on one day, the one of smaller act IRI is superseded that same day;
    the last change of each direction is superseded by nothing."""
    store = reasoned(synthetic,
                     synthetic.act("ru-amb", type="ambassador-expulsion", actor="RU", target="CZ", announced="2021-04-01"),
                     synthetic.act("cz-return", type="ambassador-return", actor="CZ", target="RU", announced="2021-06-01"),
                     synthetic.act("ru-b-restores", type="restoration", actor="RU", target="CZ", announced="2021-09-01"),
                     synthetic.act("ru-a-severs", type="severance", actor="RU", target="CZ", announced="2021-09-01"))
    rows = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?act ?sender ?on ?day WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> {"
        " ?change dg:causedBy ?act ; dg:sender ?sender . OPTIONAL { ?change dg:supersededOn ?on ; dg:supersededDay ?day } } }").dicts()
    ends = {(str(r["act"]).rsplit("/", 1)[-1], str(r["sender"]).rsplit("/", 1)[-1]): r.get("on") and str(r["on"]) for r in rows}
    assert ends == {("ru-amb", "CZ"): "2021-06-01", ("cz-return", "CZ"): "2021-09-01",
                    ("ru-a-severs", "CZ"): "2021-09-01", ("ru-a-severs", "RU"): "2021-09-01",
                    ("ru-b-restores", "CZ"): None, ("ru-b-restores", "RU"): None}
    assert all((r.get("day") is None) == (r.get("on") is None) for r in rows)


def test_retaliation_has_one_trigger_among_same_day_acts(synthetic):
    """10-retaliation-candidates: of several unordered same-day acts of CZ, one (the closest on
    the ladder to the response, here a tie on rung 2, then the greatest IRI) counts as the
    latest, so a response gets one candidate trigger, not all of them."""
    store = reasoned(synthetic,
                     synthetic.act("cz-a", announced="2021-04-01"),
                     synthetic.act("cz-b", type="staff-ceiling", announced="2021-04-01"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-05"))
    rows = store.select("PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?b ?a WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?b dg:ruleCandidateFor ?a } }")
    assert {str(a).rsplit("/", 1)[-1] for b, a in rows} == {"cz-b"}
    assert answers(store, "ru-1") == {"cz-b"}


def ratio_range(store: EmbeddedStore, response: str) -> list[tuple]:
    rows = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?b ?a ?low ?high ?ratio WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> {"
        " ?l a dg:RetaliationLink ; dg:response ?b ; dg:trigger ?a . OPTIONAL { ?l dg:countRatioMin ?low } OPTIONAL { ?l dg:countRatioMax ?high }"
        " OPTIONAL { ?l dg:countRatio ?ratio } } }").dicts()
    return sorted((str(r["a"]).rsplit("/", 1)[-1], *(None if r.get(k) is None else float(r[k]) for k in ("low", "high", "ratio")))
                  for r in rows if str(r["b"]) == str(ns.act(response)))


def proportionality(store: EmbeddedStore, response: str) -> list[str]:
    return sorted(str(c).rsplit("#", 1)[-1] for c in link_field(store, response, "proportionality"))


def solidarity_links(store: EmbeddedStore, act: str) -> dict[str, tuple]:
    """supported state -> (trigger, origin, lag) of the solidarity links of ``act``."""
    rows = store.select(
        "PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?c ?x ?a ?origin ?lag WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> {"
        " ?l a dg:SolidarityLink ; dg:response ?c ; dg:supported ?x ; dg:trigger ?a ; dg:linkOrigin ?origin ; dg:lagDays ?lag } }").dicts()
    return {str(r["x"]).rsplit("/", 1)[-1]: (str(r["a"]).rsplit("/", 1)[-1], r["origin"], r["lag"])
            for r in rows if str(r["c"]) == str(ns.act(act))}


def chains(store: EmbeddedStore) -> dict[str, str]:
    rows = store.select("PREFIX dg: <https://w3id.org/diplograph/ontology#> SELECT ?act ?chain WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act dg:inChain ?chain } }")
    return {str(a).rsplit("/", 1)[-1]: str(c).rsplit("/", 1)[-1] for a, c in rows}


FIGURES = """
    figures:
      - value: {0}
        source: s1
      - value: {1}
        source: s1"""


def test_retaliation_window_is_90_days_by_default(synthetic):
    """10-retaliation-candidates: an answer 60 days later 'dg:retaliatesFor' its trigger under the
    default retaliation window of 90 days; one 100 days later does not."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-01-01"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-03-02"),
                     synthetic.act("sk-1", actor="SK", announced="2021-01-01"),
                     synthetic.act("ru-sk", actor="RU", target="SK", announced="2021-04-11"), window=None)
    assert answers(store, "ru-1") == {"cz-1"} and link_field(store, "ru-1", "lagDays") == [60]
    assert answers(store, "ru-sk") == set()


def test_retaliation_not_for_an_act_with_a_reason_outside_diplomacy(synthetic):
    """10-retaliation-candidates: an act whose record gives a reason outside diplomacy
    (dg:reasonOutsideDiplomacy) is no 'dg:ruleCandidateFor' anything; the same act without the
    flag is; with an asserted dg:inResponseTo the asserted link stays."""
    raid = {"reason": "Over a police raid on its embassy.", "reason_outside_diplomacy": "true"}
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("ru-raid", actor="RU", target="CZ", announced="2021-04-02", **raid),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-01"),
                     synthetic.act("ru-sk", actor="RU", target="SK", announced="2021-04-02", reason="Over a police raid on its embassy."),
                     synthetic.act("pl-1", actor="PL", announced="2021-04-01"),
                     synthetic.act("ru-pl", actor="RU", target="PL", announced="2021-04-02", in_response_to=["pl-1"], **raid))
    assert answers(store, "ru-raid") == set()
    assert answers(store, "ru-sk") == {"sk-1"}
    assert answers(store, "ru-pl") == {"pl-1"} and link_field(store, "ru-pl", "linkOrigin") == ["asserted only"]


def test_retaliation_an_act_with_a_reason_outside_diplomacy_answers_nothing_in_between(synthetic):
    """10-retaliation-candidates: a Russian act over a raid (reason outside diplomacy) between the
    Czech act and Russia's later answer does not answer the Czech act: the later act does."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("ru-raid", actor="RU", target="CZ", announced="2021-04-03",
                                   reason="Over a raid.", reason_outside_diplomacy="true"),
                     synthetic.act("ru-1", actor="RU", target="CZ", announced="2021-04-10"))
    assert answers(store, "ru-1") == {"cz-1"}


def test_retaliation_same_day_triggers_prefer_the_closest_rung(synthetic):
    """10-retaliation-candidates: of CZ's unordered acts of one day (ambassador expelled, rank 3;
    consulate closed, rank 5), RU's consulate closure 'dg:retaliatesFor' the consulate closure and
    RU's ambassador expulsion the ambassador expulsion, whatever their IRIs."""
    store = reasoned(synthetic,
                     synthetic.act("cz-a-consulate", type="consulate-closure", announced="2021-04-01"),
                     synthetic.act("cz-b-ambassador", type="ambassador-expulsion", announced="2021-04-01", persons=1),
                     synthetic.act("ru-consulate", type="consulate-closure", actor="RU", target="CZ", announced="2021-04-10"),
                     synthetic.act("sk-z-consulate", type="consulate-closure", actor="SK", announced="2021-04-01"),
                     synthetic.act("sk-y-ambassador", type="ambassador-expulsion", actor="SK", announced="2021-04-01", persons=1),
                     synthetic.act("ru-sk-ambassador", type="ambassador-expulsion", actor="RU", target="SK", announced="2021-04-10", persons=1))
    assert answers(store, "ru-consulate") == {"cz-a-consulate"}
    assert answers(store, "ru-sk-ambassador") == {"sk-y-ambassador"}


def test_retaliation_proportionality_uses_reported_figures(synthetic):
    """20-retaliation-links: with no agreed number, the per-source figures count: 15 for 17 or 18
    is a 'dg:DeEscalation' with dg:countRatioMin 15/18 and dg:countRatioMax 15/17 (to six places) and no exact
    dg:countRatio; 2 for 1 or 3 straddles the trigger, so it is a mirror on the same rung."""
    store = reasoned(synthetic,
                     synthetic.act("nl-1", actor="NL", announced="2021-04-01", extra=FIGURES.format(17, 18)),
                     synthetic.act("ru-nl", actor="RU", target="NL", announced="2021-04-20", persons=15),
                     synthetic.act("cz-1", announced="2021-04-01", extra=FIGURES.format(1, 3)),
                     synthetic.act("ru-cz", actor="RU", target="CZ", announced="2021-04-20", persons=2))
    assert proportionality(store, "ru-nl") == ["DeEscalation"]
    assert ratio_range(store, "ru-nl") == [("nl-1", round(15 / 18, 6), round(15 / 17, 6), None)]
    assert proportionality(store, "ru-cz") == ["Mirror"]
    assert ratio_range(store, "ru-cz") == [("cz-1", round(2 / 3, 6), 2.0, None)]


def test_retaliation_proportionality_sums_all_triggers_of_one_response(synthetic):
    """20-retaliation-links: an answer to two triggers (asserted) is measured against both: 34
    for 35 + 6 is a 'dg:DeEscalation' on each link, ratio 34/41, although 34 > 6."""
    store = reasoned(synthetic,
                     synthetic.act("fr-6", actor="FR", announced="2021-04-01", persons=6),
                     synthetic.act("fr-35", actor="FR", announced="2021-04-04", persons=35),
                     synthetic.act("ru-fr", actor="RU", target="FR", announced="2021-05-18", persons=34,
                                   in_response_to=["fr-35", "fr-6"]))
    assert proportionality(store, "ru-fr") == ["DeEscalation", "DeEscalation"]
    ratio = round(34 / 41, 6)  # six decimal places, the same on every server
    assert ratio_range(store, "ru-fr") == [("fr-35", ratio, ratio, ratio), ("fr-6", ratio, ratio, ratio)]


def test_retaliation_no_ratio_when_a_trigger_has_no_count(synthetic):
    """20-retaliation-links: when one of the triggers has no count, the sum is unknown: no ratio,
    and on the same rung a mirror."""
    store = reasoned(synthetic,
                     synthetic.act("fr-a", actor="FR", announced="2021-04-01"),
                     synthetic.act("fr-b", actor="FR", announced="2021-04-04", persons=35),
                     synthetic.act("ru-fr", actor="RU", target="FR", announced="2021-05-18", persons=34,
                                   in_response_to=["fr-a", "fr-b"]))
    assert proportionality(store, "ru-fr") == ["Mirror", "Mirror"]
    assert ratio_range(store, "ru-fr") == [("fr-a", None, None, None), ("fr-b", None, None, None)]


def test_retaliation_between_an_organisation_and_a_state(synthetic):
    """10-retaliation-candidates, 20-retaliation-links: RU's expulsion of 18 EU staff
    'dg:retaliatesFor' the EU's expulsion of 19 Russians, a de-escalation."""
    store = reasoned(synthetic,
                     synthetic.act("eu-1", actor="EU", announced="2021-04-05", persons=19),
                     synthetic.act("ru-eu", actor="RU", target="EU", announced="2021-04-15", persons=18))
    assert answers(store, "ru-eu") == {"eu-1"}
    assert proportionality(store, "ru-eu") == ["DeEscalation"]


def test_solidarity_window_is_30_days_by_default(synthetic):
    """30-solidarity: SK's expulsion 20 days after CZ's 'dg:supports' CZ (origin 'inferred
    only'); PL's, 40 days after CZ's, supports CZ by membership no more (only SK, 20 days
    before it); an asserted link that far is kept as 'asserted only'."""
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-21"),
                     synthetic.act("pl-1", actor="PL", announced="2021-05-11"),
                     synthetic.act("ee-1", actor="EE", announced="2021-05-11", in_solidarity_with=["CZ"]), window=None)
    assert solidarity_links(store, "sk-1") == {"CZ": ("cz-1", "inferred only", 20)}
    assert solidarity_links(store, "pl-1") == {"SK": ("sk-1", "inferred only", 20)}
    assert solidarity_links(store, "ee-1") == {"CZ": ("cz-1", "asserted only", 40)}


def test_solidarity_asserted_on_the_same_day_is_kept(synthetic):
    """30-solidarity: an act the records say was 'in solidarity with' SK and PL, taken the day
    they acted, 'dg:supports' both ('asserted only', lag 0, their acts of that day as triggers);
    a same-day act sharing a membership and saying nothing supports no one."""
    store = reasoned(synthetic,
                     synthetic.act("sk-1", actor="SK", announced="2021-04-01"),
                     synthetic.act("pl-1", actor="PL", announced="2021-04-01"),
                     synthetic.act("ee-1", actor="EE", announced="2021-04-01", in_solidarity_with=["SK", "PL"]),
                     synthetic.act("lv-1", actor="LV", announced="2021-04-01"))
    assert solidarity_links(store, "ee-1") == {"SK": ("sk-1", "asserted only", 0), "PL": ("pl-1", "asserted only", 0)}
    assert supports(store, "lv-1") == set()


def test_solidarity_asserted_outside_the_window_joins_no_chain(synthetic):
    """30-solidarity, 40-chains: solidarity asserted with an act a year earlier is kept
    ('asserted only', no dg:followsInSolidarity), and the two tit-for-tat chains stay apart."""
    store = reasoned(synthetic,
                     synthetic.act("lt-1", actor="LT", announced="2022-04-04"),
                     synthetic.act("ru-lt", actor="RU", target="LT", announced="2022-04-21"),
                     synthetic.act("ee-1", actor="EE", announced="2023-01-11"),
                     synthetic.act("ru-ee", actor="RU", target="EE", announced="2023-01-23"),
                     synthetic.act("lv-1", actor="LV", announced="2023-01-23", in_solidarity_with=["EE", "LT"]))
    assert solidarity_links(store, "lv-1") == {"EE": ("ee-1", "asserted and inferred", 12), "LT": ("lt-1", "asserted only", 294)}
    chain = chains(store)
    assert chain["lv-1"] == chain["ee-1"] == chain["ru-ee"] == "ee-1"
    assert chain["lt-1"] == chain["ru-lt"] == "lt-1"


def test_solidarity_not_by_membership_for_an_act_with_a_reason_outside_diplomacy(synthetic):
    """30-solidarity: SK, sharing EU and NATO with CZ, acting three days after it over a reason
    outside diplomacy supports no one by membership; said to be in solidarity, it 'dg:supports' CZ."""
    own = {"reason": "Over the killing of civilians in a war.", "reason_outside_diplomacy": "true"}
    store = reasoned(synthetic,
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-04", **own),
                     synthetic.act("pl-1", actor="PL", announced="2021-04-04", in_solidarity_with=["CZ"], **own))
    assert supports(store, "sk-1") == set()
    assert solidarity_links(store, "pl-1") == {"CZ": ("cz-1", "asserted and inferred", 3)}


def test_solidarity_same_day_triggers_prefer_the_closest_rung(synthetic):
    """30-solidarity: of CZ's unordered acts of one day, SK's consulate closure supports CZ with
    CZ's consulate closure as the trigger, not its staff expulsion."""
    store = reasoned(synthetic,
                     synthetic.act("cz-a-consulate", type="consulate-closure", announced="2021-04-01"),
                     synthetic.act("cz-b-staff", announced="2021-04-01"),
                     synthetic.act("sk-1", type="consulate-closure", actor="SK", announced="2021-04-04"))
    assert solidarity_links(store, "sk-1") == {"CZ": ("cz-a-consulate", "inferred only", 3)}


def test_solidarity_not_for_an_answer_to_ones_own_trigger_in_the_retaliation_window(synthetic):
    """30-solidarity: an act that retaliates for the actor's own trigger (60 days earlier, within
    the retaliation window) is no solidarity by membership, even right after an ally's act."""
    store = reasoned(synthetic,
                     synthetic.act("ru-sk", actor="RU", target="SK", announced="2021-02-01"),
                     synthetic.act("cz-1", announced="2021-04-01"),
                     synthetic.act("sk-1", actor="SK", announced="2021-04-02"), window=None)
    assert answers(store, "sk-1") == {"ru-sk"}
    assert supports(store, "sk-1") == set()


def test_relation_levels_not_changed_by_an_agreement_to_restore(synthetic):
    """50-relation-levels: after a severance, an agreement to restore relations (Al-Ula, 2021)
    leaves them severed; the restoration that carries it out (2023) puts both sides at
    ambassador level."""
    store = reasoned(synthetic,
                     synthetic.act("bh-severs", type="severance", actor="BH", target="QA", announced="2017-06-05"),
                     synthetic.act("bh-agrees", type="restoration-agreement", actor="BH", target="QA", announced="2021-01-05"),
                     synthetic.act("bh-restores", type="restoration", actor="BH", target="QA", announced="2023-04-12", mutual="true"))
    from diplograph.api import Diplograph

    graph = Diplograph(store)

    def levels(date: str) -> set[tuple[str, str]]:
        return {(r["sender"].rsplit("/", 1)[-1], r["level"]) for r in graph.query("relation-level", a="BH", b="QA", date=date)}

    assert levels("2022-01-01") == {("BH", "severed"), ("QA", "severed")}
    assert levels("2023-05-01") == {("BH", "ambassador"), ("QA", "ambassador")}


def _paths_in(node, found: list) -> list:
    from rdflib.paths import Path as PropertyPath
    if isinstance(node, PropertyPath):
        found.append(node)
    elif isinstance(node, dict):
        for value in node.values():
            _paths_in(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _paths_in(value, found)
    return found


def test_no_owl_rule_uses_a_property_path():
    """The OWL rules read the compiled schema (graph/tbox), so none needs a property path:
    Virtuoso refuses `rdfs:subClassOf+` with neither end bound, and elsewhere a path costs a
    search per row. (The chains rule walks the links' connected components with a path from a
    bound act, which every server runs.)"""
    from rdflib.plugins.sparql.parser import parseUpdate
    from rdflib.plugins.sparql.algebra import translateUpdate
    for rule in owl_rules(portable=True):
        update = translateUpdate(parseUpdate(rule.text))
        assert _paths_in(update.algebra, []) == [], rule.name

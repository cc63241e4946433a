"""The native OWL step (reasoning/native_owl.py) against the OWL rule files it stands for.

Each case runs both ways on the same store, the files (``owl_rules(portable=True)``, pass after
pass) and the step (``owl_rules()``, one pass), and compares the inferred graphs triple for
triple: from every triple (a full run) and from what temporal rules just added (graph/delta-a).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from diplograph import namespaces as ns
from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.reasoning import owl_entailment, owl_rules
from diplograph.reasoning.engine import NativeStepDeclined, owl_closure
from diplograph.reasoning.native_owl import closure
from diplograph.reasoning.tbox import compile_schema
from diplograph.store import EmbeddedStore

RECORDS = Path(__file__).resolve().parent.parent / "records"
PREFIXES = """
@prefix dg: <https://w3id.org/diplograph/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
"""


def _ntriples(turtle: str) -> bytes:
    turtle = re.sub(r"id:([a-z]+)/([A-Za-z0-9-]+)", lambda m: f"<{ns.ID}{m[1]}/{m[2]}>", turtle)
    return Graph().parse(data=PREFIXES + turtle, format="turtle").serialize(format="nt", encoding="utf-8")


@pytest.fixture(scope="module")
def entities() -> EmbeddedStore:
    store = EmbeddedStore(None)
    assert load(store, [RECORDS / "entities"]).ok
    compile_schema(store)
    return store


def _copy(store: EmbeddedStore) -> EmbeddedStore:
    copy = EmbeddedStore(None)
    copy.engine.extend(store.engine.quads_for_pattern(None, None, None, None))
    return copy


def _inferred(store: EmbeddedStore) -> set:
    return set(Graph().parse(data=store.dump([Graphs.INFERRED], "nt"), format="nt"))


def both_ways(store: EmbeddedStore, *, new: str = "") -> tuple[set, set]:
    """The inferred graph after the files and after the native step, each on a copy of
    ``store``; ``new``: triples a temporal rule has just inferred after the OWL closure of
    ``store`` (closed semi-naively)."""
    results = []
    for portable in (True, False):
        copy = _copy(store)
        if new:
            # as in a run: what is held was closed before the temporal rules added to it
            owl_closure(copy, owl_rules(portable=True))
            copy.add_to_graph(Graphs.INFERRED, _ntriples(new))
            copy.add_to_graph(Graphs.DELTA_A, _ntriples(new))
        owl_closure(copy, owl_rules(portable=portable), full=not new)
        results.append(_inferred(copy))
    return results[0], results[1]


def with_data(entities: EmbeddedStore, turtle: str) -> EmbeddedStore:
    store = _copy(entities)
    store.add_to_graph(Graphs.ASSERTED, _ntriples(turtle))
    return store


#: one case for each condition the rule files put on what they write: the subject of every
#: conclusion is an IRI minted here; literals and outside IRIs are read but never typed
CASES = {
    "subclass and domain, range and inverse": """
        id:act/a a dg:StaffExpulsion ; dg:actor id:state/CZ ; dg:target id:state/RU .""",
    "property chain, first link inferred by an inverse": """
        id:state/CZ dg:performed id:act/b . id:act/b dg:target id:state/RU .""",
    "property chain, second link given first": """
        id:act/c dg:target id:state/RU . id:state/PL dg:performed id:act/c .""",
    "subproperty and symmetric property": """
        id:dyad/CZ-RU dg:reverseDyad id:dyad/RU-CZ .
        id:act/d dg:actor id:state/CZ .""",
    "subjects outside the project are not typed": """
        <https://example.org/act> dg:actor id:state/CZ ; dg:target <https://example.org/state> .
        id:act/e dg:target <https://example.org/state> ; dg:personsAffected 3 .""",
    "an inverse onto a literal or outside IRI is not drawn": """
        id:act/f dg:inResponseTo <https://example.org/other-act> .""",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_native_owl_step_infers_what_the_rule_files_infer(entities, case):
    files, native = both_ways(with_data(entities, CASES[case]))
    assert native == files
    assert len(files) > 0


@pytest.mark.parametrize("case", sorted(CASES))
def test_native_owl_step_from_new_triples_infers_what_the_rule_files_infer(entities, case):
    """Semi-naive: the same triples as if a temporal rule had just inferred them."""
    store = with_data(entities, "id:act/z a dg:StaffExpulsion ; dg:actor id:state/CZ .")
    files, native = both_ways(store, new=CASES[case])
    assert native == files


def test_native_owl_step_joins_a_new_second_link_with_a_first_held_before(entities):
    """prp-spo2 from a new triple: 'PL dg:performed act' held, 'act dg:target RU' new, entail
    'PL dg:actedAgainst RU' (the chain read from its second link)."""
    store = with_data(entities, "id:state/PL dg:performed id:act/c .")
    files, native = both_ways(store, new="id:act/c dg:target id:state/RU .")
    assert native == files
    assert (ns.state("PL"), ns.DG.actedAgainst, ns.state("RU")) in native


def test_subject_types_come_once_whatever_the_order_of_its_triples(entities):
    """A subject's types are gathered from its triples as the store gives them; an asserted
    type is never written into the inferred graph, whichever of its triples comes first."""
    store = with_data(entities, """
        id:act/g dg:staffCeiling 88 ; a dg:StaffCeiling ; dg:actor id:state/AT ; dg:target id:state/IN .""")
    files, native = both_ways(store)
    assert native == files
    types = {(str(s), str(o)) for s, p, o in native if str(p).endswith("#type")}
    assert (ns.ID + "act/g", str(ns.DG.StaffCeiling)) not in types
    assert (ns.ID + "act/g", str(ns.DG.RestrictiveAct)) in types


@pytest.mark.parametrize("turtle, why", [
    ("id:act/x dg:actor id:state/CZ , id:state/SK .", "functional"),
    ("id:state/AA a dg:State ; dg:iso3166Alpha3 \"CZE\" .", "key"),
    ("id:state/AA owl:sameAs id:state/BB .", "sameAs"),
])
def test_native_owl_step_declines_equality_and_the_files_run(entities, turtle, why):
    """The files draw owl:sameAs from two values of a functional property, two instances of a
    keyed class with one key, and owl:sameAs links between the project's resources; the native
    step declines such data, and owl_closure runs the files: the same triples, owl:sameAs too."""
    store = with_data(entities, turtle)
    with pytest.raises(NativeStepDeclined):
        closure(_copy(store))
    files, native = both_ways(store)
    assert native == files
    assert any(str(p) == "http://www.w3.org/2002/07/owl#sameAs" for _, p, _ in files), why


def test_native_owl_step_agrees_with_the_files_on_generated_records(generated):
    """1,000 generated acts (bench/generate.py), the OWL stage alone: the same triples."""
    loaded = generated(1000, seed=7)
    graphs = {}
    for portable in (True, False):
        store = _copy(loaded)
        passes = owl_entailment(store, portable=portable)
        graphs[portable] = _inferred(store)
        assert passes == (2 if portable else 1)
    assert graphs[True] == graphs[False]
    assert len(graphs[False]) > 10_000


@pytest.mark.parametrize("held, new", [
    ("id:act/x dg:actor id:state/CZ .", "id:act/x dg:actor id:state/SK ."),
    # the second value is drawn by the step (an inverse) from the new triple: the files that run
    # after it read every triple, or they would not see it
    ("id:act/x dg:actor id:state/SK .", "id:state/CZ dg:performed id:act/x ."),
    ("id:act/q dg:actor id:state/CZ .", "id:state/AA a dg:State ; dg:iso3166Alpha3 \"CZE\" ."),
    ("id:state/AA owl:sameAs id:state/BB .", "id:state/BB owl:sameAs id:state/CC ."),
])
def test_native_owl_step_declines_equality_from_new_triples(entities, held, new):
    """From new triples the step checks only what they could make equal (a second value of a
    functional property, a key, owl:sameAs), and declines as from every triple."""
    store = with_data(entities, held)
    files, native = both_ways(store, new=new)
    assert native == files
    assert any(str(p) == "http://www.w3.org/2002/07/owl#sameAs" for _, p, _ in files)

"""The IRIs Diplograph mints: one place, so that every module agrees on them."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/diplograph/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
DG = Namespace(BASE + "ontology#")
ID = BASE + "id/"
WD = Namespace("http://www.wikidata.org/entity/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")


class Graphs:
    """Named graphs. Every triple lives in one of them, never in the default graph,
    so that nothing depends on a server's idea of the default graph."""

    ONTOLOGY = URIRef(BASE + "graph/ontology")
    ASSERTED = URIRef(BASE + "graph/asserted")
    INFERRED = URIRef(BASE + "graph/inferred")
    PROVENANCE = URIRef(BASE + "graph/provenance")
    STAGING_ONTOLOGY = URIRef(BASE + "graph/staging/ontology")
    STAGING_ASSERTED = URIRef(BASE + "graph/staging/asserted")
    STAGING_PROVENANCE = URIRef(BASE + "graph/staging/provenance")
    #: the ontology's schema closed under OWL 2 RL (owlrl over the ontology alone): what the OWL
    #: rules read, so that they need no property paths and no rule over the schema itself
    TBOX = URIRef(BASE + "graph/tbox")
    #: working graphs of a reasoning run, empty outside one: what a pass of the OWL rules added
    #: (passes alternate: one delta is read while the other is written), and which pass runs
    DELTA_A = URIRef(BASE + "graph/delta-a")
    DELTA_B = URIRef(BASE + "graph/delta-b")
    REASONING_CONTROL = URIRef(BASE + "graph/reasoning-control")
    #: what loads changed since the current reasoning run, kept for the next run to update the
    #: inferences of those resources only (reasoning/incremental.py): each resource a load
    #: touched, and what the run saw of it (its asserted triples then; none for a new one)
    CHANGED_RESOURCES = URIRef(BASE + "graph/changes/resources")
    CHANGED_BEFORE = URIRef(BASE + "graph/changes/before")

    #: the dataset that stored queries see as their default graph
    QUERY_DATASET = (ONTOLOGY, ASSERTED, INFERRED, PROVENANCE)


def _mint(kind: str, *parts: str) -> URIRef:
    return URIRef(ID + kind + "/" + "/".join(quote(p, safe="-_.~") for p in parts))


def state(code: str) -> URIRef:
    return _mint("state", code)


def organisation(code: str) -> URIRef:
    return _mint("organisation", code)


def act(act_id: str) -> URIRef:
    return _mint("act", act_id)


def episode(episode_id: str) -> URIRef:
    return _mint("episode", episode_id)


def person(person_id: str) -> URIRef:
    return _mint("person", person_id)


def mission(mission_id: str) -> URIRef:
    return _mint("mission", mission_id)


def coalition(coalition_id: str) -> URIRef:
    return _mint("coalition", coalition_id)


def source(key: str) -> URIRef:
    return _mint("source", key)


def citation(act_id: str, source_id: str) -> URIRef:
    return _mint("citation", act_id, source_id)


def figure(act_id: str, index: int) -> URIRef:
    return _mint("figure", act_id, str(index))


def tenure(person_id: str, index: int) -> URIRef:
    return _mint("tenure", person_id, str(index))


def post(role: str, serving: str, host: str | None) -> URIRef:
    return _mint("post", f"{serving}-{host}-{role}" if host else f"{serving}-{role}")


def membership(org: str, member: str, start: str) -> URIRef:
    return _mint("membership", org, member, start)


def dyad(sender: str, receiver: str) -> URIRef:
    return _mint("dyad", f"{sender}-{receiver}")


def record(relative_path: str) -> URIRef:
    stem = relative_path[:-5] if relative_path.endswith(".yaml") else relative_path
    return _mint("record", *stem.split("/"))


def load_run(stamp: str) -> URIRef:
    return _mint("load", stamp)


def reasoning_run(stamp: str) -> URIRef:
    return _mint("run", stamp)


def retaliation(response_id: str, trigger_id: str) -> URIRef:
    return _mint("retaliation", f"{response_id}--{trigger_id}")


def solidarity(act_id: str, supported_code: str) -> URIRef:
    return _mint("solidarity", f"{act_id}--{supported_code}")


def local_name(iri: str, kind: str) -> str:
    """The id part of an IRI minted for ``kind`` (``act``, ``state`` ...)."""
    prefix = ID + kind + "/"
    if not iri.startswith(prefix):
        raise ValueError(f"{iri} is not a Diplograph {kind} IRI")
    return iri[len(prefix):]

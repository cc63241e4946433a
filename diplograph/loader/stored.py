"""What the store already holds, as the checks of a load need it: the ids its records define
(and in which file), the dates of its acts, its states and organisations, its record files.

The checks only ask about ids they meet (a new id: is it taken? a reference: does it resolve?),
so in the embedded store each question is one lookup in the engine's indexes: a load of one
changed file into 100,000 acts asks a few dozen, where reading every curated subject took
seconds. A remote store is read whole, in a few queries (a lookup there is a round trip).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Container, Generic, Iterable, TypeVar
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from .. import namespaces as ns
from ..namespaces import DG, Graphs
from ..store.base import GraphStore
from ..store.embedded import EmbeddedStore

_STORED_SUBJECTS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?s ?path WHERE {
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record . ?record dg:path ?path }
}"""

_STORED_RECORDS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?path ?sha ?version WHERE {
  GRAPH <https://w3id.org/diplograph/graph/provenance> {
    ?record a dg:Record ; dg:path ?path ; dg:sha256 ?sha .
    OPTIONAL { ?record <http://www.w3.org/ns/prov#wasGeneratedBy> ?run . ?run dg:softwareVersion ?version }
  }
}"""

_STORED_ACT_DATES = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act ?date WHERE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:announcedOn ?date } }"""

_STORED_AGENTS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?agent ?code ?type WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?agent dg:code ?code ; a ?type }
  VALUES ?type { dg:State dg:InternationalOrganisation }
}"""

#: kinds of curated ids: the IRI minter of each, by the name the checks give its table
KINDS: dict[str, Callable[[str], URIRef]] = {
    "acts": ns.act, "persons": ns.person, "missions": ns.mission, "coalitions": ns.coalition,
    "episodes": ns.episode,
}

K = TypeVar("K")
V = TypeVar("V")


class Lookup(Generic[K, V]):
    """A read-only table whose values are found on demand, each once: what the checks ask of it
    (``in``, ``[]``, ``get``), never its whole content."""

    def __init__(self, find: Callable[[K], V | None]):
        self._find = find
        self._found: dict[K, V | None] = {}

    def get(self, key: K, default: V | None = None) -> V | None:
        if key not in self._found:
            self._found[key] = self._find(key)
        value = self._found[key]
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]

    def __getitem__(self, key: K) -> V:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


@dataclass
class Stored:
    #: kind ("acts", ...) -> id -> the record file that defines it (outside the files loaded)
    ids: dict[str, dict[str, str] | Lookup[str, str]]
    #: act id -> its announcement date (acts of ``ids`` only)
    act_dates: dict[str, object] | Lookup[str, object]
    #: code -> IRI and type of every state and organisation (a few hundred: read whole)
    agents: dict[str, URIRef]
    agent_types: dict[str, URIRef]
    #: record file path -> (sha256, software version that loaded it)
    records: dict[str, tuple[str, str | None]] | Lookup[str, tuple[str, str | None]]

    def acts_among(self, iris: Iterable[URIRef]) -> list[URIRef]:
        """Which of ``iris`` are acts the store holds (outside the files loaded)."""
        return acts_among(iris, self.ids["acts"])


def acts_among(iris: Iterable[URIRef], ids: Container[str]) -> list[URIRef]:
    """Which of ``iris`` are the IRIs of acts whose ids are in ``ids``."""
    return [iri for iri in iris if str(iri).startswith(_ACT) and unquote(str(iri)[len(_ACT):]) in ids]


#: the IRI prefix of each kind of id, from its minter
_PREFIXES = {kind: str(mint("")) for kind, mint in KINDS.items()}
_ACT = _PREFIXES["acts"]


def stored(store: GraphStore, replacing: set[str]) -> Stored:
    """What ``store`` holds, but what the record files ``replacing`` (paths) define."""
    agents, agent_types = {}, {}
    for agent, code, kind in store.select_values(_STORED_AGENTS):
        agents[code] = URIRef(agent)
        agent_types[code] = URIRef(kind)
    if isinstance(store, EmbeddedStore):
        if next(iter(store.engine.quads_for_pattern(None, _TYPE, _RECORD, _PROVENANCE)), None) is None:
            # no record loaded yet (a first load): every question has the same answer
            return Stored({kind: {} for kind in KINDS}, {}, agents, agent_types, {})
        return _looked_up(store.engine, replacing, agents, agent_types)
    return _read_whole(store, replacing, agents, agent_types)


def _read_whole(store: GraphStore, replacing: set[str], agents: dict, agent_types: dict) -> Stored:
    """Every curated subject, act date and record, read as plain values (no rdflib term per
    value: the subjects of 100,000 acts are half a million rows)."""
    ids: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for subject, path in store.select_values(_STORED_SUBJECTS):
        if path in replacing:
            continue
        for kind, prefix in _PREFIXES.items():
            if subject.startswith(prefix):
                ids[kind][unquote(subject[len(prefix):])] = path
    act_dates = {}
    for act, date in store.select_values(_STORED_ACT_DATES):
        ident = unquote(act[len(_ACT):])
        if ident in ids["acts"]:
            act_dates[ident] = date_value(date)
    records = {path: (sha, version) for path, sha, version in store.select_values(_STORED_RECORDS)}
    return Stored(ids, act_dates, agents, agent_types, records)


_PROVENANCE, _ASSERTED = ox.NamedNode(str(Graphs.PROVENANCE)), ox.NamedNode(str(Graphs.ASSERTED))
_CURATED_IN, _PATH = ox.NamedNode(str(DG.curatedIn)), ox.NamedNode(str(DG.path))
_SHA256, _VERSION = ox.NamedNode(str(DG.sha256)), ox.NamedNode(str(DG.softwareVersion))
_ANNOUNCED_ON, _GENERATED_BY = ox.NamedNode(str(DG.announcedOn)), ox.NamedNode(str(PROV.wasGeneratedBy))
_TYPE, _RECORD = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DG.Record))


def _objects(engine: ox.Store, subject, predicate, graph) -> list:
    return [quad.object for quad in engine.quads_for_pattern(subject, predicate, None, graph)]


def _looked_up(engine: ox.Store, replacing: set[str], agents: dict, agent_types: dict) -> Stored:
    def path_of(iri: URIRef) -> str | None:
        for record in _objects(engine, ox.NamedNode(str(iri)), _CURATED_IN, _PROVENANCE):
            for path in _objects(engine, record, _PATH, _PROVENANCE):
                if path.value not in replacing:
                    return path.value
        return None

    def ids_of(mint: Callable[[str], URIRef]) -> Lookup[str, str]:
        return Lookup(lambda ident: path_of(mint(ident)))

    ids = {kind: ids_of(mint) for kind, mint in KINDS.items()}

    def act_date(ident: str):
        if ident not in ids["acts"]:
            return None
        dates = _objects(engine, ox.NamedNode(str(ns.act(ident))), _ANNOUNCED_ON, _ASSERTED)
        return date_value(dates[0].value) if dates else None

    def record(path: str) -> tuple[str, str | None] | None:
        for quad in engine.quads_for_pattern(None, _PATH, ox.Literal(path), _PROVENANCE):
            node = quad.subject
            if ox.Quad(node, _TYPE, _RECORD, _PROVENANCE) not in engine:
                continue
            shas = _objects(engine, node, _SHA256, _PROVENANCE)
            if not shas:
                continue
            versions = [version.value for run in _objects(engine, node, _GENERATED_BY, _PROVENANCE)
                        for version in _objects(engine, run, _VERSION, _PROVENANCE)]
            return shas[0].value, versions[0] if versions else None
        return None

    return Stored(ids, Lookup(act_date), agents, agent_types, Lookup(record))


def date_value(lexical: str):
    """An xsd:date's value, as rdflib gives it (the literal itself where it is no date)."""
    try:
        return dt.date.fromisoformat(lexical)
    except ValueError:
        return Literal(lexical, datatype=XSD.date).toPython()

"""Data quality of the shipped records, checked in CI on the loaded graph.

Every act cites at least one source with a web address; every entity an act or a mission
refers to exists in the asserted graph; every record file validates (``diplograph load
--dry-run``); no event is recorded twice; every state used in an episode has Correlates of War
and Gleditsch–Ward codes or a registry note saying why not; and a random sample of ten acts can
each be traced, with ``explain``, to a source address and the curator's summary of it.

The graph is the session's load of ``records/`` (``loaded`` in conftest.py); nothing here
reasons, so the checks take about a second.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

from rdflib import URIRef
from typer.testing import CliRunner

from diplograph.cli import app
from diplograph.reasoning.explain import explain
from diplograph.store import EmbeddedStore

_PREFIX = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""

# acts: what an episode holds whose class has a record type (coalitions are part of episodes too)
_ACTS = _PREFIX + """
SELECT ?act WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:partOfEpisode ?episode ; a ?class }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:recordType ?type }
} ORDER BY ?act"""

_ACTS_WITHOUT_SOURCE_URL = _PREFIX + """
SELECT ?act WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?act dg:partOfEpisode ?episode ; a ?class }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:recordType ?type }
  FILTER NOT EXISTS {
    GRAPH <https://w3id.org/diplograph/graph/asserted> {
      ?act dg:hasCitation ?citation . ?citation dg:citedSource ?source ; dg:summary ?summary . ?source schema:url ?url .
    }
    FILTER (REGEX(STR(?url), "^https?://[^/ ]+") && STRLEN(STR(?summary)) > 0)
  }
} ORDER BY ?act"""

_UNKNOWN_AGENTS = _PREFIX + """
SELECT ?subject ?property ?agent WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    VALUES ?property { dg:actor dg:target dg:inSolidarityWith dg:sendingState dg:host dg:servesState dg:member }
    ?subject ?property ?agent .
  }
  FILTER NOT EXISTS {
    GRAPH <https://w3id.org/diplograph/graph/asserted> { ?agent a ?kind }
    FILTER (?kind IN (dg:State, dg:InternationalOrganisation))
  }
}"""

_UNKNOWN_REFERENCES = _PREFIX + """
SELECT ?subject ?property ?object WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    VALUES ?property { dg:affectsPerson dg:affectsMission dg:inResponseTo dg:coordinatedIn dg:partOfEpisode }
    ?subject ?property ?object .
  }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?object a ?anything } }
}"""

_ACT_KEYS = _PREFIX + """
SELECT ?act ?actor ?target ?type ?date ?mutual ?episode WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?act dg:partOfEpisode ?episode ; dg:actor ?actor ; dg:target ?target ; dg:announcedOn ?date ; a ?class .
    OPTIONAL { ?act dg:mutualAct ?mutual }
  }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:recordType ?type }
}"""

_STATES_IN_EPISODES = _PREFIX + """
SELECT DISTINCT ?state ?cow ?gw ?note WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    VALUES ?property { dg:actor dg:target dg:inSolidarityWith dg:sendingState dg:host dg:servesState }
    ?subject ?property ?state . ?state a dg:State .
    OPTIONAL { ?state dg:cowCode ?cow }
    OPTIONAL { ?state dg:gwCode ?gw }
    OPTIONAL { ?state dg:curatorNote ?note }
  }
} ORDER BY ?state"""


def _id(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_every_act_cites_a_source_with_a_web_address(loaded: EmbeddedStore):
    acts = loaded.select(_ACTS).column("act")
    assert len(acts) >= 100
    assert [_id(a) for a in loaded.select(_ACTS_WITHOUT_SOURCE_URL).column("act")] == []


def test_every_agent_referred_to_is_a_state_or_organisation_of_the_registry(loaded: EmbeddedStore):
    """dg:actor, dg:target, dg:inSolidarityWith (and the states of missions, posts and
    memberships) name an IRI typed dg:State or dg:InternationalOrganisation in the asserted graph."""
    rows = loaded.select(_UNKNOWN_AGENTS).dicts()
    assert [(_id(r["subject"]), _id(r["property"]), str(r["agent"])) for r in rows] == []


def test_every_person_mission_act_coalition_and_episode_referred_to_exists(loaded: EmbeddedStore):
    rows = loaded.select(_UNKNOWN_REFERENCES).dicts()
    assert [(_id(r["subject"]), _id(r["property"]), str(r["object"])) for r in rows] == []


def test_every_record_file_validates(records_dir: Path, tmp_path: Path):
    """``diplograph load --dry-run records``: every file passes structure, references and shapes."""
    result = CliRunner().invoke(app, ["load", "--dry-run", str(records_dir), "--store", str(tmp_path / "store")],
                                env={"COLUMNS": "220", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "[ERROR]" not in result.stdout + result.stderr


def test_no_event_is_recorded_twice(loaded: EmbeddedStore):
    """No two acts, in one file or across files, have the same actor, target, type and day of
    announcement; a mutual act (an act of both sides) also counts with actor and target swapped."""
    events: dict[tuple, list[str]] = defaultdict(list)
    for row in loaded.select(_ACT_KEYS).dicts():
        actor, target = _id(row["actor"]), _id(row["target"])
        act = f"{_id(row['act'])} ({_id(row['episode'])})"
        events[(actor, target, row["type"], str(row["date"]))].append(act)
        if row.get("mutual"):
            events[(target, actor, row["type"], str(row["date"]))].append(act)
    assert len(events) >= 100
    assert {key: acts for key, acts in events.items() if len(acts) > 1} == {}


def test_every_state_in_an_episode_has_cow_and_gw_codes_or_a_note_why_not(loaded: EmbeddedStore):
    rows = loaded.select(_STATES_IN_EPISODES).dicts()
    assert len({r["state"] for r in rows}) >= 40
    unexplained = []
    for row in rows:
        note = str(row.get("note") or "")
        if row.get("cow") is None and not re.search(r"Correlates of War|\bCOW\b", note):
            unexplained.append((_id(row["state"]), "no COW code"))
        if row.get("gw") is None and not re.search(r"Gleditsch|\bGW\b", note):
            unexplained.append((_id(row["state"]), "no GW code"))
    assert unexplained == []


SAMPLE_SEED = 20240406


def test_a_random_sample_of_ten_acts_traces_to_a_source_address(loaded: EmbeddedStore):
    """Ten acts drawn with a fixed seed from the graph: ``explain`` gives each its label and at
    least one source with an http(s) address, a publisher and the curator's summary."""
    acts = loaded.select(_ACTS).column("act")
    sample = random.Random(SAMPLE_SEED).sample(sorted(str(a) for a in acts), 10)
    for act in sample:
        explained = explain(loaded, URIRef(act))
        assert explained["label"], act
        sources = explained["sources"]
        assert sources, f"{act} has no source"
        for source in sources:
            assert re.match(r"^https?://[^/ ]+", str(source["url"])), (act, source["url"])
            assert str(source["publisher"]).strip(), (act, source["url"])
            assert str(source["summary"]).strip(), (act, source["url"])


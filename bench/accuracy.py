"""Precision and recall of the retaliation and solidarity links against the ground truth.

Two views of each kind of link:

- ``links``: every link the reasoned graph holds (what a user queries), asserted or not;
- ``rule``: the links the rule found itself (origin ``asserted and inferred`` or
  ``inferred only``), scored against the truth the records do not assert, which is what
  the rule had to discover.

A same-day pair whose order of announcement the records leave open is mutual in the truth:
a link in either direction is right.
"""

from __future__ import annotations

import pyoxigraph as ox

from diplograph import namespaces as ns

_RETALIATION = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?response ?trigger ?origin WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link a dg:RetaliationLink ; dg:response ?response ; dg:trigger ?trigger .
    OPTIONAL { ?link dg:linkOrigin ?origin }
  }
}"""

_SOLIDARITY = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?response ?supported ?origin WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link a dg:SolidarityLink ; dg:response ?response ; dg:supported ?supported .
    OPTIONAL { ?link dg:linkOrigin ?origin }
  }
}"""

_ACT = ns.ID + "act/"
_STATE = ns.ID + "state/"


def _local(iri: str, prefix: str) -> str:
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def _rows(engine: ox.Store, query: str, second_prefix: str) -> list[tuple[str, str, str]]:
    rows = []
    for row in engine.query(query):
        first, second = (term.value for term in (row[0], row[1]))
        origin = row[2].value if row[2] is not None else "inferred only"
        rows.append((_local(first, _ACT), _local(second, second_prefix), origin))
    return rows


def _measure(found: set, wanted: set, right, hit) -> dict:
    """Precision: share of ``found`` that is ``right``; recall: share of ``wanted`` that ``hit``."""
    correct = sum(1 for pair in found if right(pair))
    recalled = sum(1 for pair in wanted if hit(pair, found))
    return {
        "found": len(found), "truth": len(wanted), "correct": correct,
        "precision": round(correct / len(found), 4) if found else None,
        "recall": round(recalled / len(wanted), 4) if wanted else None,
    }


def retaliation(engine: ox.Store, truth: dict) -> dict:
    entries = truth["retaliation"]
    pairs = {(t["response"], t["trigger"]) for t in entries}
    mutual = {(t["response"], t["trigger"]) for t in entries if t["mutual"]}
    either = pairs | {(a, b) for b, a in mutual}
    hidden = {(t["response"], t["trigger"]) for t in entries if not t["asserted"]}
    rows = _rows(engine, _RETALIATION, _ACT)
    links = {(r, t) for r, t, _ in rows}
    ruled = {(r, t) for r, t, origin in rows if "inferred" in origin}

    def hit(pair, found):
        return pair in found or (pair in mutual and (pair[1], pair[0]) in found)

    return {"links": _measure(links, pairs, either.__contains__, hit),
            "rule": _measure(ruled, hidden, either.__contains__, hit)}


def solidarity(engine: ox.Store, truth: dict) -> dict:
    entries = truth["solidarity"]
    pairs = {(t["act"], t["supports"]) for t in entries}
    hidden = {(t["act"], t["supports"]) for t in entries if not t["asserted"]}
    rows = _rows(engine, _SOLIDARITY, _STATE)
    links = {(a, s) for a, s, _ in rows}
    ruled = {(a, s) for a, s, origin in rows if "inferred" in origin}

    def hit(pair, found):
        return pair in found

    return {"links": _measure(links, pairs, pairs.__contains__, hit),
            "rule": _measure(ruled, hidden, pairs.__contains__, hit)}


def score(engine: ox.Store, truth: dict) -> dict:
    return {"retaliation": retaliation(engine, truth), "solidarity": solidarity(engine, truth)}

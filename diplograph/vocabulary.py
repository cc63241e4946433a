"""What the ontology defines, read from it once: record keywords, escalation ranks.

The ontology is the single place where act, post and mission types are defined;
code asks this module instead of keeping its own copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from . import resources
from .namespaces import DG


@dataclass(frozen=True)
class TermInfo:
    iri: URIRef
    keyword: str
    label: str
    escalation_rank: int | None
    rank_category: str | None
    resulting_level: URIRef | None
    restrictive: bool
    conciliatory: bool


@cache
def ontology_graph() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def _descends(graph: Graph, cls: URIRef, ancestor: URIRef) -> bool:
    return ancestor in graph.transitive_objects(cls, RDFS.subClassOf)


@cache
def _terms(root: URIRef) -> dict[str, TermInfo]:
    graph = ontology_graph()
    terms: dict[str, TermInfo] = {}
    for cls, keyword in graph.subject_objects(DG.recordType):
        if not _descends(graph, cls, root):
            continue
        rank = graph.value(cls, DG.escalationRank)
        category = graph.value(cls, DG.rankCategory)
        terms[str(keyword)] = TermInfo(
            iri=cls,
            keyword=str(keyword),
            label=str(graph.value(cls, RDFS.label)),
            escalation_rank=int(rank) if rank is not None else None,
            rank_category=str(category) if category is not None else None,
            resulting_level=graph.value(cls, DG.resultingLevel),
            restrictive=_descends(graph, cls, DG.RestrictiveAct),
            conciliatory=_descends(graph, cls, DG.ConciliatoryAct),
        )
    return dict(sorted(terms.items()))


def act_types() -> dict[str, TermInfo]:
    return _terms(DG.DiplomaticAct)


def post_types() -> dict[str, TermInfo]:
    return _terms(DG.Post)


def mission_types() -> dict[str, TermInfo]:
    return _terms(DG.Mission)


@cache
def act_type_by_iri() -> dict[str, TermInfo]:
    return {str(t.iri): t for t in act_types().values()}

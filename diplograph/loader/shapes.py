"""The generated RDF against the SHACL shapes (pySHACL), reported against the records."""

from __future__ import annotations

from functools import cache
from typing import Iterable

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from .. import resources, vocabulary
from .rdf import RecordGraphs
from .report import Report, Severity

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


@cache
def shapes_graph() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


def check_shapes(parts: Iterable[RecordGraphs], context: Graph, report: Report, *, fallback_file: str) -> None:
    """Validate the asserted triples of a load (the graphs of each record file), with
    ``context`` (what the store already holds that they point to) so that references
    to loaded entities resolve."""
    data = Graph()
    origins: dict[URIRef, tuple[str, int, str]] = {}
    needed = _predicates_the_shapes_read()
    for part in parts:
        if needed is None:
            data.addN((s, p, o, data) for s, p, o in part.asserted)
        else:
            data.addN((s, p, o, data) for s, p, o in part.asserted if p in needed)
        for subject, origin in part.origins.items():
            origins.setdefault(subject, origin)
    data.addN((s, p, o, data) for s, p, o in context)
    conforms, results, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=vocabulary.ontology_graph(),
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        # ``data`` is this check's own copy: pySHACL may mix the ontology into it
        # rather than cloning it first (a copy of every triple of the load)
        inplace=True,
    )
    if conforms and not any(True for _ in results.subjects(SH.resultSeverity, SH.Info)):
        return
    for result in results.subjects(SH.focusNode, None):
        focus = results.value(result, SH.focusNode)
        if focus not in origins:
            # The context (what the store already holds) is there for references
            # to resolve; it was checked when it was loaded.
            continue
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), Severity.ERROR)
        message = str(results.value(result, SH.resultMessage) or "does not conform")
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        file, line, subject = origins.get(focus, (fallback_file, 0, str(focus)))
        field = _short(path) if isinstance(path, URIRef) else ""
        detail = f" (value {value})" if value is not None else ""
        report.add(severity, file, line, subject, f"{field}: {message}{detail}" if field else message + detail)


@cache
def _predicates_the_shapes_read() -> frozenset[URIRef] | None:
    """The predicates whose triples the shapes can look at: every IRI the shapes name
    (paths, classes, the properties of sh:disjoint, sh:lessThan ...) and rdf:type; or
    None (keep every triple) if a shape could read any triple (closed shapes, SPARQL).
    Leaving out labels, notes and the like spares pySHACL a copy of a third of the load."""
    shapes = shapes_graph()
    if any(True for _ in shapes.triples((None, SH.closed, None))) or any(
            True for predicate in (SH.sparql, SH.js, SH.select, SH.ask)
            for _ in shapes.triples((None, predicate, None))):
        return None
    named = {term for triple in shapes for term in (triple[0], triple[2]) if isinstance(term, URIRef)}
    return frozenset(named | {RDF.type})


def _short(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

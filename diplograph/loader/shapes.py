"""The generated RDF against the SHACL shapes (pySHACL), reported against the records."""

from __future__ import annotations

from functools import cache

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .. import resources, vocabulary
from .rdf import RecordGraphs
from .report import Report, Severity

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


@cache
def shapes_graph() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


def check_shapes(graphs: RecordGraphs, context: Graph, report: Report, *, fallback_file: str) -> None:
    """Validate the asserted triples of a load, with ``context`` (what the store already
    holds that they point to) so that references to loaded entities resolve."""
    data = Graph()
    for triple in graphs.asserted:
        data.add(triple)
    for triple in context:
        data.add(triple)
    conforms, results, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=vocabulary.ontology_graph(),
        inference="none",
        allow_infos=True,
        allow_warnings=True,
    )
    if conforms and not any(True for _ in results.subjects(SH.resultSeverity, SH.Info)):
        return
    for result in results.subjects(SH.focusNode, None):
        focus = results.value(result, SH.focusNode)
        if focus not in graphs.origins:
            # The context (what the store already holds) is there for references
            # to resolve; it was checked when it was loaded.
            continue
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), Severity.ERROR)
        message = str(results.value(result, SH.resultMessage) or "does not conform")
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        file, line, subject = graphs.origins.get(focus, (fallback_file, 0, str(focus)))
        field = _short(path) if isinstance(path, URIRef) else ""
        detail = f" (value {value})" if value is not None else ""
        report.add(severity, file, line, subject, f"{field}: {message}{detail}" if field else message + detail)


def _short(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

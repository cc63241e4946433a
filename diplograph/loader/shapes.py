"""The generated RDF against the SHACL shapes (pySHACL), reported against the records.

pySHACL validates one focus node at a time in pure Python, so a large load is split
into chunks of subjects validated in parallel worker processes. That gives the same
results as one graph as long as every shape looks only at its focus node's own
triples and at the types of their values (see :func:`shapes_are_local`); otherwise
the whole load is validated as one graph.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Iterable, Sequence

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .. import resources, vocabulary
from .rdf import RecordGraphs
from .report import Report, Severity
from .workers import run_tasks, worker_count

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}

#: subjects per chunk: large enough that pySHACL's set-up (the ontology mixed into each
#: chunk, some tens of milliseconds) is small against the chunk's own work, small
#: enough that the chunks of a large load spread evenly over the workers
CHUNK_SUBJECTS = 8_000

Triple = tuple[Node, Node, Node]
#: one result of pySHACL: focus node, severity, message, result path, value
ShapeResult = tuple[Node, Node, Node | None, Node | None, Node | None]


@cache
def shapes_graph() -> Graph:
    # pySHACL looks the shapes up again for every focus node and property shape; in a
    # store that does not track named graphs those lookups take half the time they take
    # in rdflib's default one (half of a whole validation). The data graph stays in the
    # default store: pySHACL needs it to be context-aware.
    return Graph(store="SimpleMemory").parse(resources.shapes_file(), format="turtle")


def check_shapes(parts: Iterable[RecordGraphs], context: Graph, report: Report, *, fallback_file: str,
                 unchanged: Iterable[RecordGraphs] = (), workers: int | None = None,
                 chunk_subjects: int = CHUNK_SUBJECTS) -> None:
    """Validate the asserted triples of a load (the triples of each record file), with
    ``context`` (the types of what the store already holds that they point to) so that
    references to loaded entities resolve. Only the load's own subjects are focus
    nodes: what the store holds was checked when it was loaded.

    ``unchanged`` are record files of the load that the store already holds as they
    are: their subjects were validated when they were loaded and are not again (when
    the shapes are local), but their types resolve references, and their triples about
    a subject that a checked file describes too are validated with it."""
    needed = _predicates_the_shapes_read()
    local = shapes_are_local()
    parts, unchanged = list(parts), list(unchanged)
    if not local:
        parts, unchanged = parts + unchanged, []
    origins: dict[Node, tuple[str, int, str]] = {}
    by_subject: dict[Node, list[Triple]] = {}
    types: dict[Node, list[Triple]] = {}
    rdf_type = RDF.type
    for part in parts:
        for triple in part.asserted:
            predicate = triple[1]
            if needed is not None and predicate not in needed:
                continue
            by_subject.setdefault(triple[0], []).append(triple)
            if predicate == rdf_type:
                types.setdefault(triple[0], []).append(triple)
        for subject, origin in part.origins.items():
            origins.setdefault(subject, origin)
    for part in unchanged:
        for triple in part.asserted:
            predicate = triple[1]
            if needed is not None and predicate not in needed:
                continue
            described = by_subject.get(triple[0])
            if described is not None:
                described.append(triple)
            if predicate == rdf_type:
                types.setdefault(triple[0], []).append(triple)
    for triple in context.triples((None, rdf_type, None)):
        types.setdefault(triple[0], []).append(triple)

    subjects = list(by_subject)
    workers = worker_count() if workers is None else max(1, workers)
    if not subjects:
        return
    if not local:
        chunks = 1
    else:
        chunks = max(1, math.ceil(len(subjects) / chunk_subjects))
        if workers > 1 and len(subjects) > chunk_subjects // 4:
            chunks = max(chunks, 2 * workers)  # even shares, whatever the sizes
    # Types alone make a node a focus node of the shapes of its class; where that node is
    # not one of the subjects checked, its results are not kept (see _Job.validate).
    job = _Job(subjects, by_subject, types, chunks, local=local)
    results = [result for chunk in run_tasks(job.validate, chunks, workers) for result in chunk]

    for focus, severity_term, message_term, path, value in results:
        origin = origins.get(focus)
        if origin is None:
            # The context (what the store already holds) is there for references
            # to resolve; it was checked when it was loaded.
            continue
        severity = _SEVERITY.get(severity_term, Severity.ERROR)
        message = str(message_term or "does not conform")
        file, line, subject = origin
        field = _short(path) if isinstance(path, URIRef) else ""
        detail = f" (value {value})" if value is not None else ""
        report.add(severity, file, line, subject, f"{field}: {message}{detail}" if field else message + detail)


class _Job:
    """What the chunks are made of (forked workers read it from the memory they share
    with this process: see :mod:`.workers`)."""

    def __init__(self, subjects: list[Node], by_subject: dict[Node, list[Triple]],
                 types: dict[Node, list[Triple]], chunks: int, *, local: bool):
        self.subjects = subjects
        self.by_subject = by_subject
        self.types = types
        self.chunks = chunks
        self.local = local

    def subjects_of(self, index: int) -> list[Node]:
        """Chunk ``index`` of the subjects (all of them when there is one chunk), in the order of the load: the subjects of one
        record file (an act, its citations, its sources, its episode) mostly share one."""
        size = math.ceil(len(self.subjects) / self.chunks)
        return self.subjects[index * size:(index + 1) * size]

    def data_graph(self, subjects: list[Node]) -> Graph:
        """The triples of ``subjects``, and the types of those subjects and of every value
        they point to (what sh:class reads)."""
        graph = Graph()
        add = graph.addN
        by_subject, types = self.by_subject, self.types
        for subject in subjects:
            add((s, p, o, graph) for s, p, o in by_subject[subject])
        if not self.local:
            for triples in types.values():
                add((s, p, o, graph) for s, p, o in triples)
            return graph
        seen = set(subjects)
        for subject in subjects:
            for _, _, value in by_subject[subject]:
                if value not in seen:
                    seen.add(value)
                    triples = types.get(value)
                    if triples:
                        add((s, p, o, graph) for s, p, o in triples)
            # types the store holds for a subject described again by this load
            if subject in types:
                add((s, p, o, graph) for s, p, o in types[subject])
        return graph

    def validate(self, index: int) -> list[ShapeResult]:
        """pySHACL's results for the subjects of chunk ``index``."""
        subjects = self.subjects_of(index)
        conforms, results, _ = validate(
            self.data_graph(subjects),
            shacl_graph=shapes_graph(),
            ont_graph=vocabulary.ontology_graph(),
            inference="none",
            allow_infos=True,
            allow_warnings=True,
            # the data graph is this chunk's own: pySHACL may mix the ontology into it
            # rather than cloning it first
            inplace=True,
        )
        if conforms and not any(True for _ in results.subjects(SH.resultSeverity, SH.Info)):
            return []
        # A value typed in the chunk for sh:class to read is a focus node of the shapes of
        # its class too, without its triples: its own chunk validates it.
        own = set(subjects) if self.local else None
        return [(focus, results.value(result, SH.resultSeverity), results.value(result, SH.resultMessage),
                 results.value(result, SH.resultPath), results.value(result, SH.value))
                for result, focus in results.subject_objects(SH.focusNode)
                if own is None or focus in own]


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


#: what makes a shape look further than its focus node's own triples and their values'
#: types: shapes applied to value nodes, targets that are objects, closed shapes, SPARQL
_NOT_LOCAL = (SH.node, SH.qualifiedValueShape, SH.targetObjectsOf, SH.target, SH.closed, SH.sparql, SH.js,
              SH.select, SH.ask, SH.rule, SH.property)


@cache
def shapes_are_local() -> bool:
    """True if every shape reads only its focus node's own triples (by predicate paths,
    never inverse or sequence paths) and the rdf:type of their values, so that a chunk
    holding a subject's triples and the types of their values validates it as the
    whole load would. A property shape of a node shape is local; shapes inside
    sh:or, sh:and, sh:not and sh:xone must be too, and may not have paths of their own."""
    return _local(shapes_graph())


def _local(shapes: Graph) -> bool:
    node_shapes = {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
    property_shapes: set[Node] = set()
    for shape in node_shapes:
        if shapes.value(shape, SH.path) is not None:
            return False
        property_shapes.update(shapes.objects(shape, SH.property))
    for shape in property_shapes:
        if not isinstance(shapes.value(shape, SH.path), URIRef):
            return False
        if any(True for p in _NOT_LOCAL for _ in shapes.triples((shape, p, None))):
            return False
    for shape in node_shapes:
        if any(True for p in _NOT_LOCAL if p is not SH.property for _ in shapes.triples((shape, p, None))):
            return False
    for shape in set(shapes.subjects(SH.path, None)) - property_shapes:
        return False  # a property shape reached some other way (sh:or of paths ...)
    for operator in (SH["or"], SH["and"], SH["not"], SH.xone):
        for _, members in shapes.subject_objects(operator):
            for member in (Collection(shapes, members) if operator != SH["not"] else [members]):
                if any(True for p in (*_NOT_LOCAL, SH.path) for _ in shapes.triples((member, p, None))):
                    return False
    return True


def _short(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


__all__: Sequence[str] = ("check_shapes", "shapes_graph", "shapes_are_local")

"""Answers to queries, made in a query worker: run, cut at the row limit, serialise.

Rows are read one at a time from the engine and the reading stops one row past the
limit, so a query with a huge answer costs only what the limit lets through. The
rows kept are written as SPARQL TSV (each term in pyoxigraph's own N-Triples form) and
read back by pyoxigraph, whose serialisers then write every results format: JSON,
XML, CSV and TSV come from one well-tested implementation.

An answer cut at the limit says so: the ``X-SPARQL-MaxRows`` header (the convention
Virtuoso set, which Diplograph's own remote store and others check), a
``Diplograph-Truncated`` header, and in the body where the format has room for it
(a ``diplograph`` member in JSON, a comment in XML, Turtle, TriG and N-Triples).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import islice
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from ..namespaces import BASE
from . import formats
from .engine import Dataset, Engine
from .errors import BadRequest, NotAcceptable
from .inspection import QueryShape, inspect_query
from .negotiation import choose

#: prefixes written in Turtle and TriG answers
PREFIXES = {
    "dg": BASE + "ontology#",
    # one prefix per kind of minted IRI: act:ru-expels-cz-20-2021 reads better than dgid:act\/…
    **{kind: f"{BASE}id/{kind}/" for kind in ("act", "state", "organisation", "episode", "person", "mission",
                                             "source", "citation", "coalition", "retaliation", "solidarity")},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
}


@dataclass
class Answer:
    body: bytes
    content_type: str
    rows: int | None = None           # rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in the answer
    truncated: bool = False
    row_limit: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.row_limit is not None:
            headers["Diplograph-Row-Limit"] = str(self.row_limit)
        if self.rows is not None:
            headers["Diplograph-Rows"] = str(self.rows)
        if self.truncated:
            headers["Diplograph-Truncated"] = "true"
            headers["X-SPARQL-MaxRows"] = str(self.row_limit)
        return headers


def cut_message(limit: int) -> str:
    return (f"the answer was cut at the server's row limit of {limit} rows: it has more "
            "(ask for less with LIMIT and OFFSET, or run the server with a higher row limit, its max-rows option)")


def _tsv_term(term) -> str:
    return "" if term is None else str(term)


def _solutions(variables: list[str], rows: list[list]) -> ox.QuerySolutions:
    """The kept rows as pyoxigraph query solutions (through SPARQL TSV, which holds any term)."""
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ox.parse_query_results(("\n".join(lines) + "\n").encode("utf-8"), format=ox.QueryResultsFormat.TSV)


def _annotate_results(body: bytes, fmt: formats.Format, links: tuple[str, ...], note: dict | None) -> bytes:
    if fmt.name == "json" and (links or note):
        document = json.loads(body)
        if links:
            document.setdefault("head", {})["link"] = list(links)
        if note:
            document["diplograph"] = note
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt.name == "xml" and (links or note):
        text = body.decode("utf-8")
        extra = "".join(f"<link href={quoteattr(link)}/>" for link in links)
        if extra:
            text = text.replace("</head>", extra + "</head>", 1)
        if note and note.get("truncated"):
            text = text.replace("?>", "?>\n<!-- " + note["message"].replace("--", "- -") + " -->\n", 1)
        return text.encode("utf-8")
    return body


def select_answer(variables: list[str], rows_iter, fmt: formats.Format, max_rows: int,
                  hide: frozenset[str] = frozenset(), links: tuple[str, ...] = (),
                  extra_note: dict | None = None) -> Answer:
    rows = list(islice(rows_iter, max_rows + 1))
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    keep = [i for i, v in enumerate(variables) if v not in hide]
    if len(keep) != len(variables):
        variables = [variables[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    body = _solutions(variables, rows).serialize(format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
    note = dict(extra_note or {})
    if truncated:
        note.update(truncated=True, rowLimit=max_rows, message=cut_message(max_rows))
    body = _annotate_results(body, fmt, links, note or None)
    return Answer(body, fmt.content_type, len(rows), truncated, max_rows)


def boolean_answer(value: bool, fmt: formats.Format, links: tuple[str, ...] = ()) -> Answer:
    document = json.dumps({"head": {}, "boolean": value}).encode()
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    body = parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
    return Answer(_annotate_results(body, fmt, links, None), fmt.content_type)


def serialize_graph(triples: list[ox.Triple], fmt: formats.Format) -> bytes:
    if fmt.name == "jsonld":
        from rdflib import Graph

        from ..jsonld import CONTEXT
        from ..store.terms import from_ox

        graph = Graph()
        for t in triples:
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return graph.serialize(format="json-ld", context=CONTEXT, encoding="utf-8")
    prefixes = PREFIXES if fmt.name in ("turtle", "trig") else None
    return ox.serialize(triples, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=prefixes)


def comment(body: bytes, fmt: formats.Format, message: str) -> bytes:
    """A note at the top of an RDF document, where its syntax has comments."""
    if fmt.name in ("turtle", "trig", "nt", "nquads"):
        return ("# " + message.replace("\n", " ") + "\n").encode("utf-8") + body
    if fmt.name == "rdfxml":
        text = body.decode("utf-8")
        note = "<!-- " + message.replace("--", "- -") + " -->"
        if text.startswith("<?xml"):
            end = text.index("?>") + 2
            return (text[:end] + "\n" + note + text[end:]).encode("utf-8")
        return (note + "\n" + text).encode("utf-8")
    return body


def graph_answer(triples_iter, fmt: formats.Format, max_rows: int) -> Answer:
    triples = list(islice(triples_iter, max_rows + 1))
    truncated = len(triples) > max_rows
    triples = triples[:max_rows]
    body = serialize_graph(triples, fmt)
    if truncated:
        body = comment(body, fmt, cut_message(max_rows).replace("rows", "triples", 1))
    return Answer(body, fmt.content_type, len(triples), truncated, max_rows)


def pick_format(form: str, accept: str | None, format_param: str | tuple[str, ...] | None) -> formats.Format:
    """The format asked by ``format=`` (which SPARQLWrapper sends more than once, by short
    name and by media type), else by ``Accept``."""
    offered = formats.RESULTS if form in ("SELECT", "ASK") else formats.GRAPH
    names = (format_param,) if isinstance(format_param, str) else tuple(format_param or ())
    # SPARQLWrapper sends some as a list of media types: format=application/ld+json,application/x-json+ld
    names = tuple(dict.fromkeys(part.strip() for name in names for part in name.split(",") if part.strip()))
    if names:
        found = {formats.by_name(name, offered) for name in names}
        if None in found:
            raise NotAcceptable(f"format={', '.join(names)} is not offered for a {form} query; "
                                f"it can be: {formats.names(offered)}")
        if len(found) > 1:
            raise BadRequest(f"format= names more than one format: {', '.join(names)}")
        return found.pop()
    fmt = choose(accept, offered)
    if fmt is None:
        raise NotAcceptable(f"none of the accepted types ({accept}) is offered for a {form} query; "
                            f"it can be: {formats.names(offered)}")
    return fmt


def run_query(engine: Engine, text: str, shape: QueryShape, dataset: Dataset, fmt: formats.Format,
              max_rows: int, bindings=None, hide: frozenset[str] = frozenset(), links: tuple[str, ...] = (),
              note: dict | None = None) -> Answer:
    if shape.form == "SELECT":
        variables, rows = engine.solutions(text, dataset, bindings, limit=max_rows + 1)  # + 1: a cut is seen
        return select_answer(variables, rows, fmt, max_rows, hide, links, note)
    if shape.form == "ASK":
        return boolean_answer(engine.boolean(text, dataset, bindings), fmt, links)
    return graph_answer(engine.triples(text, dataset, bindings), fmt, max_rows)


def sparql(engine: Engine, *, query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...],
           accept: str | None, format_param: tuple[str, ...], max_rows: int) -> Answer:
    """The SPARQL 1.1 Protocol's query operation."""
    shape = inspect_query(query)
    fmt = pick_format(shape.form, accept, format_param)
    dataset = Dataset.resolve(default_graphs, named_graphs, shape.has_dataset)
    answer = run_query(engine, query, shape, dataset, fmt, max_rows)
    answer.headers["Vary"] = "Accept"
    return answer

"""The named graphs' IRIs (``https://w3id.org/diplograph/graph/asserted`` …) answered at
``/graph/NAME``: what the graph holds, how many triples, its classes and how many of each,
the run that last wrote it, and where to download it (``/dump/NAME.nq`` and the other
dump formats). For a program the same description in RDF (VoID), never the graph itself:
the dump is for that.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..export import DATASET, LICENCE, export
from ..namespaces import BASE, Graphs
from ..store.terms import from_ox
from .engine import Dataset, Engine
from .errors import NotFound
from .void import DUMP_FORMATS, DUMPS, SD

#: the graphs that answer, by the last part of their IRI, with what each holds
DESCRIPTIONS = {
    "ontology": ("The Diplograph ontology (OWL 2 RL) as loaded into the store: its classes and properties with "
                 "their labels and definitions, the escalation ladder of diplomatic acts and its rungs, the "
                 "levels of representation, and the organisations' and statuses' terms."),
    "asserted": ("What the curated records state: diplomatic acts with actor, target, dates, persons and "
                 "missions affected, the reasons given, the links curators asserted (in response to, in "
                 "solidarity with), episodes and coalitions; states with their identifiers, organisations "
                 "and memberships, persons and their posts; and every source an act cites, with its address "
                 "and the curator's summary."),
    "inferred": ("What the reasoner derived from the ontology and the asserted graph: OWL 2 RL entailments "
                 "(classes and inverse properties), retaliation and solidarity links with their lag, "
                 "proportionality and origin, chains of retaliation, and the changes of the level of "
                 "representation acts brought. Each reasoning run replaces it whole."),
    "provenance": ("Where every statement comes from (PROV-O): the record files loaded, with their checksums, "
                   "the line each resource was curated at, the load runs, and the reasoning run that wrote the "
                   "inferred graph, with its windows and software version."),
}
GRAPHS = {str(g).rsplit("/", 1)[1]: g for g in Graphs.QUERY_DATASET}

# ?g is projected (and grouped by) so that pyoxigraph binds it
CLASSES = """SELECT ?g ?class (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s a ?class } }
GROUP BY ?g ?class ORDER BY DESC(?entities) ?class"""
SIZE = """SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"""
RUNS = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?run ?type ?ended WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?run a ?type FILTER (?type IN (dg:LoadRun, dg:ReasoningRun)) OPTIONAL { ?run prov:endedAtTime ?ended } }
} ORDER BY DESC(?ended)"""
LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?label WHERE { GRAPH <https://w3id.org/diplograph/graph/ontology> { ?x rdfs:label ?label } }"""

#: the run that writes each graph
WRITTEN_BY = {"ontology": "LoadRun", "asserted": "LoadRun", "provenance": "LoadRun", "inferred": "ReasoningRun"}

ALL = Dataset(None, None)


# ---------------------------------------------------------------------------
# In the worker
# ---------------------------------------------------------------------------

def _rows(engine: Engine, text: str, **bindings) -> list[dict]:
    variables, rows = engine.solutions(text, ALL, bindings or None)
    return [{v: from_ox(t) for v, t in zip(variables, row)} for row in rows]


def description_data(engine: Engine, *, name: str) -> dict:
    """Counts, classes and the last run of one of the project's graphs."""
    iri = GRAPHS[name]
    size = next(iter(_rows(engine, SIZE, g=iri)), {"triples": 0, "subjects": 0})
    classes = _rows(engine, CLASSES, g=iri)
    labels = {}
    for row in _rows(engine, LABELS):
        labels.setdefault(str(row["x"]), str(row["label"]))
    wanted = str(BASE + "ontology#" + WRITTEN_BY[name])
    run = next((row for row in _rows(engine, RUNS) if str(row["type"]) == wanted), None)
    return {"triples": int(size["triples"] or 0), "subjects": int(size["subjects"] or 0),
            "classes": [{"class": str(r["class"]), "label": labels.get(str(r["class"])), "entities": int(r["entities"])}
                        for r in classes],
            "run": str(run["run"]) if run else None, "run_ended": str(run["ended"]) if run and run["ended"] else None}


def dump_graph(engine: Engine, *, name: str, format_name: str) -> bytes:
    return export(engine.graph_store, format_name, graphs=[GRAPHS[name]])


# ---------------------------------------------------------------------------
# The description
# ---------------------------------------------------------------------------

def describe(name: str, data: dict, site: str) -> Graph:
    """The graph's description in VoID: ``site`` is this server's address (ending in /)."""
    iri = GRAPHS[name]
    graph = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD), ("prov", PROV)):
        graph.bind(prefix, namespace)
    graph.add((iri, RDF.type, VOID.Dataset))
    graph.add((iri, RDF.type, SD.NamedGraph))
    graph.add((iri, SD.name, iri))
    graph.add((iri, RDFS.label, Literal(f"{name} graph", lang="en")))
    graph.add((iri, DCTERMS.description, Literal(DESCRIPTIONS[name], lang="en")))
    graph.add((iri, DCTERMS.isPartOf, DATASET))
    graph.add((DATASET, VOID.subset, iri))
    graph.add((iri, DCTERMS.license, LICENCE))
    graph.add((iri, VOID.triples, Literal(data["triples"], datatype=XSD.integer)))
    graph.add((iri, VOID.distinctSubjects, Literal(data["subjects"], datatype=XSD.integer)))
    graph.add((iri, VOID.sparqlEndpoint, URIRef(site + "sparql")))
    if data["run"]:
        graph.add((iri, PROV.wasGeneratedBy, URIRef(data["run"])))
    for row in data["classes"]:
        partition = BNode()
        graph.add((iri, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"])))
        graph.add((partition, VOID.entities, Literal(row["entities"], datatype=XSD.integer)))
    for suffix, media in DUMPS:
        dump = URIRef(f"{site}dump/{name}.{suffix}")
        graph.add((iri, VOID.dataDump, dump))
        graph.add((dump, RDF.type, DCAT.Distribution))
        graph.add((dump, DCAT.downloadURL, dump))
        graph.add((dump, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media)))
        graph.add((dump, DCTERMS.license, LICENCE))
    return graph


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------

def _name(request: Request) -> str:
    name = request.path_params["name"]
    if name not in GRAPHS:
        raise NotFound(f"no graph {BASE}graph/{name}: the graphs are {', '.join(GRAPHS)}")
    return name


async def graph_page(request: Request) -> Response:
    from .pages import HTML, OFFERED, _headers, _negotiate
    from .templating import render
    from .void import serialize

    name = _name(request)
    suffix = request.path_params.get("suffix")
    suffix_format = None
    if suffix is not None:
        suffix_format = next((f for f in OFFERED if f.suffix == suffix), None)
        if suffix_format is None:
            raise NotFound(f"no such representation of the graph's description: .{suffix}")
    fmt = _negotiate(request, suffix_format)
    data = await request.app.state.pool.run("graph_page", name=name)
    site = str(request.base_url)
    description = describe(name, data, site)
    headers = _headers(f"/graph/{name}", str(GRAPHS[name]))
    if fmt is HTML:
        return render(request, "graph.html", headers=headers, graph_name=name, iri=str(GRAPHS[name]),
                      description=DESCRIPTIONS[name], dumps=DUMPS, site=site, **data)
    return Response(serialize(description, fmt), media_type=fmt.content_type, headers=headers)


async def graph_dump(request: Request) -> Response:
    name = _name(request)
    suffix = request.path_params["suffix"]
    if suffix not in DUMP_FORMATS:
        raise NotFound(f"no dump .{suffix}: the dumps of a graph are "
                       f"{', '.join(f'{name}.{s}' for s, _ in DUMPS)}")
    body = await request.app.state.pool.run("graph_dump", name=name, format_name=DUMP_FORMATS[suffix])
    media = dict(DUMPS)[suffix]
    return Response(body, media_type=media + ("; charset=utf-8" if media.startswith("text/") else ""),
                    headers={"Link": f'<{LICENCE}>; rel="license", <{GRAPHS[name]}>; rel="describedby"',
                             "Content-Disposition": f'inline; filename="diplograph-{name}.{suffix}"'})


routes = [  # the suffix first: {name} alone would take "asserted.ttl" whole
    Route("/graph/{name}.{suffix}", graph_page, methods=["GET", "HEAD"]),
    Route("/graph/{name}", graph_page, methods=["GET", "HEAD"]),
    Route("/dump/{name}.{suffix}", graph_dump, methods=["GET", "HEAD"]),
]

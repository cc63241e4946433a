"""A SPARQL 1.1 server as the store: Query and Update over the SPARQL 1.1 Protocol
(through SPARQLWrapper), and the Graph Store HTTP Protocol where the server has one.

A query run with ``default_graphs`` sees those graphs as its default graph and also
as its named graphs (the SPARQL Protocol's dataset is exactly the graphs a request
names); the embedded store keeps every named graph: a ``GRAPH`` pattern on a graph
outside ``default_graphs`` finds nothing here.

Every request is a POST (Oxigraph refuses GET requests over 8 KB); SELECT and ASK
ask for JSON results explicitly (Virtuoso answers in RDF/XML at random otherwise),
CONSTRUCT for N-Triples. Variables are pre-bound by a VALUES block
(:mod:`diplograph.store.values`): the protocol has no substitution.

Where the endpoints are, from the one URL given:

- ``http://host:7878`` (no path): Oxigraph's layout, ``/query``, ``/update`` and ``/store``;
- ``…/query``: the same layout beside it (``…/update``, ``…/store``);
- any other path (``…/sparql``): one endpoint for queries and updates, no graph store.

Keyword arguments, or else environment variables, override this and give credentials:
``query_url`` (``DIPLOGRAPH_QUERY_URL``), ``update_url`` (``DIPLOGRAPH_UPDATE_URL``),
``graph_store_url`` (``DIPLOGRAPH_GRAPH_STORE_URL``; ``none`` for no graph store),
``user`` / ``password`` (``DIPLOGRAPH_USER`` / ``DIPLOGRAPH_PASSWORD``, or in the URL as
``http://user:password@host/…``), ``auth`` = ``basic`` or ``digest`` (``DIPLOGRAPH_AUTH``),
``realm`` for Digest (``DIPLOGRAPH_REALM``, default ``SPARQL``), ``timeout`` in seconds
(``DIPLOGRAPH_TIMEOUT``) and ``max_rows`` (``DIPLOGRAPH_MAX_ROWS``), the server's row
limit when it does not announce it: an answer with that many rows is taken as cut.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper

from .base import Bindings, GraphStore, QueryResult, StoreError
from .terms import from_ox
from .values import bind_values

#: triples per INSERT DATA request when there is no graph store (Virtuoso takes about 1,000)
CHUNK = 1000

_RESULTS_JSON = "application/sparql-results+json"
_RDF_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"


class RemoteStoreError(StoreError):
    """The SPARQL server could not be reached, refused a request or answered wrongly."""


class TruncatedResultError(RemoteStoreError):
    """The server cut an answer at its row limit: it is refused rather than returned as complete."""


class ReadOnlyStoreError(RemoteStoreError):
    pass


def endpoints(url: str) -> tuple[str, str, str | None]:
    """(query URL, update URL, graph store URL or None) for the one URL given."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    if path == "":
        return at("/query"), at("/update"), at("/store")
    if path.endswith("/query"):
        root = path[: -len("/query")]
        return at(path), at(root + "/update"), at(root + "/store")
    return url, url, None


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    parts = urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return (urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
            unquote(parts.username), unquote(parts.password) if parts.password is not None else None)


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper building the request (parameters, headers, Basic or Digest
    credentials); HTTP errors are left to the store, which names the URL and
    gives the server's own message."""

    def _query(self):
        request = self._createRequest()
        if self.timeout:
            return urllib.request.urlopen(request, timeout=self.timeout), self.returnFormat
        return urllib.request.urlopen(request), self.returnFormat


def _lower(headers) -> dict[str, str]:
    """Response headers with lower-case names (SPARQLWrapper's dictionary only looks
    names up case-insensitively with [], not with get)."""
    return {str(name).lower(): value for name, value in headers.items()}


def _media_type(headers: dict[str, str]) -> str:
    return (headers.get("content-type") or "").split(";")[0].strip().lower()


def _term(binding: dict):
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if binding.get("xml:lang"):
            return Literal(value, lang=binding["xml:lang"])
        datatype = binding.get("datatype")
        if datatype and datatype != str(XSD.string):
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise RemoteStoreError(f"unsupported term in a SPARQL result: {binding!r}")


def _chunks(triples: Sequence[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """Triples in groups of at most ``size``, never splitting triples that share a
    blank node (each INSERT DATA request has its own blank nodes)."""
    parent: dict[str, str] = {}

    def find(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def blanks(triple: ox.Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]

    for triple in triples:
        labels = blanks(triple)
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
    components: dict[str, list[ox.Triple]] = {}
    groups: list[list[ox.Triple]] = []
    for triple in triples:
        labels = blanks(triple)
        if labels:
            root = find(labels[0])
            if root not in components:
                components[root] = []
                groups.append(components[root])
            components[root].append(triple)
        else:
            groups.append([triple])
    chunks: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    for group in groups:
        if current and len(current) + len(group) > size:
            chunks.append(current)
            current = []
        current.extend(group)
    if current:
        chunks.append(current)
    return chunks


def _insert_data(graph_iri: str, triples: Sequence[ox.Triple]) -> str:
    """INSERT DATA, or where blank nodes are (Virtuoso refuses them in INSERT DATA)
    the same triples as the template of an INSERT with an empty WHERE."""
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        return f"INSERT {{ GRAPH <{graph_iri}> {{\n{body}\n}} }} WHERE {{ }}"
    return f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}\n}} }}"


def _iri(term) -> str:
    text = str(term)
    if not text or any(c in text for c in '<>"{}|^`\\ \n\r\t'):
        raise ValueError(f"not an IRI: {text!r}")
    return text


class RemoteStore(GraphStore):
    """A store on a SPARQL 1.1 server (see the module's documentation for the options)."""

    def __init__(self, url: str, *, query_url: str | None = None, update_url: str | None = None,
                 graph_store_url: str | None = None, user: str | None = None, password: str | None = None,
                 auth: str | None = None, realm: str | None = None, timeout: float | None = None,
                 max_rows: int | None = None, read_only: bool = False, check: bool = True,
                 chunk_size: int = CHUNK):
        env = os.environ.get
        url, url_user, url_password = _split_credentials(url)
        self.location = url
        self.read_only = read_only
        derived_query, derived_update, derived_store = endpoints(url)
        self.query_url = query_url or env("DIPLOGRAPH_QUERY_URL") or derived_query
        self.update_url = update_url or env("DIPLOGRAPH_UPDATE_URL") or derived_update
        store_url = graph_store_url if graph_store_url is not None else env("DIPLOGRAPH_GRAPH_STORE_URL")
        if store_url is None:
            store_url = derived_store
        self.graph_store_url = None if not store_url or store_url.lower() == "none" else store_url
        self.user = user if user is not None else (url_user if url_user is not None else env("DIPLOGRAPH_USER"))
        self.password = (password if password is not None
                         else url_password if url_password is not None else env("DIPLOGRAPH_PASSWORD"))
        self.auth = (auth or env("DIPLOGRAPH_AUTH") or "basic").upper()
        if self.auth not in (BASIC, DIGEST):
            raise ValueError(f"authentication is 'basic' or 'digest', not {self.auth.lower()!r}")
        self.realm = realm or env("DIPLOGRAPH_REALM") or "SPARQL"
        timeout = timeout if timeout is not None else env("DIPLOGRAPH_TIMEOUT")
        self.timeout = float(timeout) if timeout else None
        max_rows = max_rows if max_rows is not None else env("DIPLOGRAPH_MAX_ROWS")
        self.max_rows = int(max_rows) if max_rows else None
        self.chunk_size = chunk_size
        if check:
            self.ask("ASK { }")

    def __repr__(self) -> str:
        return f"RemoteStore({self.location!r})"

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------

    def _fail(self, url: str, exc: Exception, what: str) -> RemoteStoreError:
        if isinstance(exc, urllib.error.HTTPError):
            try:
                body = exc.read().decode("utf-8", "replace").strip()
            except Exception:  # noqa: BLE001 - the body is only for the message
                body = ""
            if len(body) > 1500:
                body = body[:1500] + " …"
            hint = ""
            if exc.code in (401, 403):
                hint = (" (give credentials: DIPLOGRAPH_USER, DIPLOGRAPH_PASSWORD, DIPLOGRAPH_AUTH=basic|digest, "
                        "or an update URL the server lets you write to)")
            return RemoteStoreError(f"the SPARQL server at {url} refused the {what}: HTTP {exc.code} {exc.reason}"
                                    + (f": {body}" if body else "") + hint)
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return RemoteStoreError(f"the SPARQL server at {url} did not answer the {what} within {self.timeout:g} s")
        if isinstance(exc, urllib.error.URLError):
            return RemoteStoreError(f"cannot reach the SPARQL server at {url}: {exc.reason}")
        return RemoteStoreError(f"the {what} to the SPARQL server at {url} failed: {exc}")

    def _sparql(self, text: str, form: str, accept: str,
                default_graphs: Iterable[URIRef] | None = None,
                named_graphs: Iterable[URIRef] | None = None) -> tuple[bytes, object]:
        """Send a query (form SELECT, ASK, CONSTRUCT) or an update (form UPDATE) by POST.
        ``named_graphs`` None names the default graphs as named graphs too (see below)."""
        update = form == "UPDATE"
        wrapper = _Wrapper(self.query_url, updateEndpoint=self.update_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setReturnFormat(JSON if form in ("SELECT", "ASK", "UPDATE") else TURTLE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper guesses the form; it is told below
            wrapper.setQuery(text)
        wrapper.queryType = "INSERT" if update else form
        wrapper.addCustomHttpHeader("Accept", accept)
        default_graphs = list(default_graphs or ())
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", _iri(graph))
        # The protocol's dataset holds only the graphs named in the request, so unless told
        # otherwise the same graphs are named graphs too: GRAPH <…> on them answers as it
        # does in the embedded store (which keeps every named graph).
        for graph in named_graphs if named_graphs is not None else default_graphs:
            wrapper.addParameter("named-graph-uri", _iri(graph))
        if self.user is not None:
            wrapper.setHTTPAuth(self.auth)
            wrapper.setCredentials(self.user, self.password or "", realm=self.realm)
        if self.timeout:
            wrapper.setTimeout(self.timeout)
        url = self.update_url if update else self.query_url
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = wrapper.query()
            try:
                body = result.response.read()
            finally:
                result.response.close()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise self._fail(url, exc, "update" if update else "query") from None
        headers = _lower(result.info())
        if not update:
            self._check_cut(url, headers)
        return body, headers

    def _check_cut(self, url: str, headers: dict[str, str]) -> None:
        # Virtuoso's "anytime" answers: what it found before a time limit, with 200 OK (7.2:
        # X-SQL-State S1TAT; later versions also X-SPARQL-Anytime)
        anytime = headers.get("x-sparql-anytime") or (
            headers.get("x-sql-message") if headers.get("x-sql-state") == "S1TAT" else None)
        if anytime:
            raise TruncatedResultError(
                f"the SPARQL server at {url} stopped the query at its time limit and sent what it had found "
                f"({anytime.strip()[:200]}): it is not returned as if it were complete; raise the server's "
                "limit (Virtuoso: MaxQueryExecutionTime, ExecutionTimeout in the [SPARQL] section of its ini, "
                "or the timeout parameter of the query URL) or ask for less")
        limit = headers.get("x-sparql-maxrows")
        if limit:
            raise TruncatedResultError(
                f"the SPARQL server at {url} cut the answer at its limit of {limit} rows (X-SPARQL-MaxRows): "
                "it is not returned as if it were complete; raise the server's limit "
                "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of its ini) or ask for less")

    def _check_rows(self, url: str, rows: int) -> None:
        if self.max_rows and rows >= self.max_rows:
            raise TruncatedResultError(
                f"the answer from the SPARQL server at {url} has {rows} rows, the server's limit (max_rows "
                f"{self.max_rows}): it may be cut and is not returned as if it were complete")

    def _gsp_open(self, method: str, graph_iri: URIRef, data: bytes | None = None, accept: str | None = None):
        """The graph store's response, open (the caller reads it and closes it)."""
        separator = "&" if "?" in self.graph_store_url else "?"
        url = self.graph_store_url + separator + urlencode({"graph": _iri(graph_iri)})
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/n-triples")
        if accept:
            request.add_header("Accept", accept)
        handlers = []
        if self.user is not None:
            if self.auth == DIGEST:
                manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                manager.add_password(None, self.graph_store_url, self.user, self.password or "")
                handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
            else:
                token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
                request.add_header("Authorization", f"Basic {token}")
        opener = urllib.request.build_opener(*handlers)
        try:
            return opener.open(request, timeout=self.timeout) if self.timeout else opener.open(request)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise self._fail(self.graph_store_url, exc, "graph store request") from None

    def _gsp(self, method: str, graph_iri: URIRef, data: bytes | None = None, accept: str | None = None):
        with self._gsp_open(method, graph_iri, data, accept) as response:
            try:
                return response.read(), _lower(response.headers)
            except (http.client.HTTPException, OSError) as exc:
                raise self._fail(self.graph_store_url, exc, "graph store request") from None

    # ------------------------------------------------------------------
    # Queries
    # ------------------------------------------------------------------

    def _json(self, text: str, form: str, bindings, default_graphs, named_graphs=None) -> dict:
        body, headers = self._sparql(bind_values(text, bindings), form, _RESULTS_JSON, default_graphs, named_graphs)
        try:
            return json.loads(body)
        except ValueError:
            raise RemoteStoreError(
                f"the SPARQL server at {self.query_url} did not answer in JSON as asked "
                f"(Content-Type {_media_type(headers) or 'none'})") from None

    def select(self, query: str, *, bindings: Bindings | None = None,
               default_graphs: Iterable[URIRef] | None = None,
               named_graphs: Iterable[URIRef] | None = None) -> QueryResult:
        variables, rows = self._solutions(query, _term, bindings, default_graphs, named_graphs)
        return QueryResult(variables, rows)

    def select_values(self, query: str) -> list[tuple[str | None, ...]]:
        return self._solutions(query, lambda binding: binding["value"], None, None, None)[1]

    def _solutions(self, query: str, convert, bindings, default_graphs, named_graphs) -> tuple[list[str], list[tuple]]:
        """The variables and rows of a SELECT, each bound value made by ``convert`` from its JSON
        binding; an answer without results, or one the server cut at its row limit, refused."""
        answer = self._json(query, "SELECT", bindings, default_graphs, named_graphs)
        try:
            variables = list(answer["head"]["vars"])
            rows = [tuple(convert(b[v]) if v in b else None for v in variables) for b in answer["results"]["bindings"]]
        except (KeyError, TypeError):
            raise RemoteStoreError(f"the SPARQL server at {self.query_url} gave no SELECT results") from None
        self._check_rows(self.query_url, len(rows))
        return variables, rows

    def ask(self, query: str, *, bindings: Bindings | None = None,
            default_graphs: Iterable[URIRef] | None = None,
            named_graphs: Iterable[URIRef] | None = None) -> bool:
        answer = self._json(query, "ASK", bindings, default_graphs, named_graphs)
        if not isinstance(answer.get("boolean"), bool):
            raise RemoteStoreError(f"the SPARQL server at {self.query_url} gave no ASK result")
        return answer["boolean"]

    def _parse_rdf(self, body, headers: dict[str, str], url: str) -> Iterator[ox.Triple]:
        """The triples of an RDF answer, ``body`` as bytes or an open response (read as the
        triples are taken)."""
        media = _media_type(headers)
        if media in ("text/plain", ""):
            media = "application/n-triples"
        fmt = ox.RdfFormat.from_media_type(media)
        if fmt is None:
            raise RemoteStoreError(f"the SPARQL server at {url} answered in {media}, not an RDF format this reads")
        try:
            for item in ox.parse(body, format=fmt):
                yield item.triple if isinstance(item, ox.Quad) else item
        except SyntaxError as exc:
            raise RemoteStoreError(f"the SPARQL server at {url} sent {media} that does not parse: {exc}") from None
        except (http.client.HTTPException, OSError) as exc:
            raise self._fail(url, exc, "request") from None

    def _construct(self, query: str, bindings=None, default_graphs=None, named_graphs=None) -> list[ox.Triple]:
        body, headers = self._sparql(bind_values(query, bindings), "CONSTRUCT", _RDF_ACCEPT, default_graphs,
                                     named_graphs)
        triples = list(self._parse_rdf(body, headers, self.query_url))
        self._check_rows(self.query_url, len(triples))
        return triples

    def construct(self, query: str, *, bindings: Bindings | None = None,
                  default_graphs: Iterable[URIRef] | None = None,
                  named_graphs: Iterable[URIRef] | None = None) -> Graph:
        graph = Graph()
        for t in self._construct(query, bindings, default_graphs, named_graphs):
            graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return graph

    # ------------------------------------------------------------------
    # Updates
    # ------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(f"the store {self.location} was opened read-only")

    def update(self, update: str) -> None:
        self._writable()
        self._sparql(update, "UPDATE", "*/*")

    def add_to_graph(self, graph_iri: URIRef, ntriples: bytes) -> None:
        """By the Graph Store Protocol (one POST) where there is one, else by INSERT DATA
        requests of at most ``chunk_size`` triples into a scratch graph, added to the
        target by one update: the target graph changes at once or not at all."""
        self._writable()
        target = _iri(graph_iri)
        if self.graph_store_url:
            self._gsp("POST", graph_iri, data=ntriples)
            return
        triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
        if not triples:
            return
        chunks = _chunks(triples, self.chunk_size)
        if len(chunks) == 1:
            self.update(_insert_data(target, chunks[0]))
            return
        scratch = f"https://w3id.org/diplograph/graph/upload/{uuid.uuid4().hex}"
        try:
            for chunk in chunks:
                self.update(_insert_data(scratch, chunk))
            self.update(f"ADD SILENT <{scratch}> TO <{target}> ; DROP SILENT GRAPH <{scratch}>")
        except BaseException:
            try:
                self.update(f"DROP SILENT GRAPH <{scratch}>")
            except RemoteStoreError:
                pass
            raise

    # ------------------------------------------------------------------
    # Whole graphs
    # ------------------------------------------------------------------

    def _graph(self, graph_iri: URIRef) -> Iterator[ox.Triple]:
        """The triples of one graph, refused if the server cut its answer. From the graph
        store they are parsed as the answer arrives, never held all at once, so the count is
        checked after the last: a cut answer raises having given what it held (the command
        line writes a file aside and keeps it only whole). Without a graph store, a CONSTRUCT
        answer, read whole and checked before any triple is given."""
        if not self.graph_store_url:
            iri = _iri(graph_iri)
            # a CONSTRUCT answer may repeat a triple: each counted and given once
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
            triples = list(dict.fromkeys(self._construct(query)))
            self._check_whole(graph_iri, len(triples))
            yield from triples
            return
        try:
            response = self._gsp_open("GET", graph_iri, accept="application/n-triples")
        except RemoteStoreError as exc:
            if "HTTP 404" in str(exc):
                return
            raise
        # a graph store sends the graph, each triple once, so the triples are counted as they
        # come (a set of them to count would hold the graph again)
        given = 0
        with response:
            headers = _lower(response.headers)
            self._check_cut(self.graph_store_url, headers)
            for triple in self._parse_rdf(response, headers, self.graph_store_url):
                given += 1
                yield triple
        self._check_whole(graph_iri, given)

    def _check_whole(self, graph_iri: URIRef, given: int) -> None:
        expected = self.count(graph_iri)
        if given != expected:
            raise TruncatedResultError(
                f"the SPARQL server at {self.location} gave {given} triples of the graph <{_iri(graph_iri)}>, "
                f"which holds {expected}: the answer was cut (raise the server's row limit)")

    def triples(self, graph_iri: URIRef) -> list[ox.Triple]:
        """Every triple of one graph, refused if the server cut its answer."""
        return list(self._graph(graph_iri))

    def quads(self, graphs: Iterable[URIRef]) -> Iterator[ox.Quad]:
        for graph in list(graphs):
            name = ox.NamedNode(str(graph))
            for t in self._graph(graph):
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    def union_triples(self, graphs: Iterable[URIRef]) -> Iterator[ox.Triple]:
        graphs = list(dict.fromkeys(graphs))
        if len(graphs) == 1:
            yield from self._graph(graphs[0])
            return
        # Whether an earlier graph holds a triple would be a request per triple to a server:
        # the union of several graphs is gathered in memory instead (sorted, for one order).
        yield from sorted({t for g in graphs for t in self._graph(g)}, key=str)

    def named_graphs(self) -> list[URIRef]:
        result = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(g for (g,) in result.rows if isinstance(g, URIRef))

    def count(self, graph_iri: URIRef) -> int:
        result = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{_iri(graph_iri)}> {{ ?s ?p ?o }} }}")
        return int(result.rows[0][0].toPython()) if result.rows and result.rows[0][0] is not None else 0

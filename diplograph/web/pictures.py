"""The pictures of :mod:`diplograph.plot` on the pages: an episode's timeline, and for a state
the network of who answered whom around it and the level of its relations with the states
whose level with it changed.

- ``/pictures/episode/ID/timeline.svg`` (or ``.png``)
- ``/pictures/state/CODE/network.svg``: retaliation and solidarity links the state took
  part in, over the period of those links
- ``/pictures/state/CODE/level/OTHER.svg``: the level of relations between two states

A query worker draws each picture with the plot functions and keeps it, and the data the
pictures are drawn from, for as long as the store does not change (a load or a reasoning
run changes its state, see :meth:`~diplograph.web.engine.Engine.state`): a page's picture
is drawn once per worker, then served from memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections import OrderedDict
from pathlib import Path

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import namespaces as ns
from ..export import LICENCE
from .engine import DEFAULT_DATASET, Dataset, Engine
from .errors import NotFound

MEDIA = {"svg": "image/svg+xml", "png": "image/png"}

#: the period of the retaliation and solidarity links a state took part in (as the
#: answering or supporting state, or as the state answered or supported): the network's
STATE_LINKS = """PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?r (MIN(?date) AS ?first) (MAX(?date) AS ?last) (COUNT(DISTINCT ?link) AS ?links) WHERE {
  { ?link a dg:RetaliationLink ; dg:response ?response ; dg:trigger ?trigger .
    ?response dg:actor ?a . ?trigger dg:actor ?b . FILTER (?a = ?r || ?b = ?r) }
  UNION
  { ?link a dg:SolidarityLink ; dg:response ?response ; dg:supported ?b .
    ?response dg:actor ?a . FILTER (?a = ?r || ?b = ?r) }
  ?response dg:announcedOn ?date .
} GROUP BY ?r"""

#: bytes of drawn pictures a worker keeps
CACHE_BYTES = 32 * 1024 * 1024


class _Cache:
    """Pictures by (store state, what was asked), the least recently used dropped first."""

    def __init__(self, limit: int):
        self.limit = limit
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.size = 0

    def get(self, key: tuple) -> bytes | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple, body: bytes) -> None:
        if key in self.items:
            return
        self.items[key] = body
        self.size += len(body)
        while self.size > self.limit and len(self.items) > 1:
            _, dropped = self.items.popitem(last=False)
            self.size -= len(dropped)


_pictures = _Cache(CACHE_BYTES)
_graph: tuple[tuple, object] | None = None  # (store state, plot.data.Graph)


def _plot_graph(engine: Engine, state: tuple):
    """The data the pictures are drawn from, read once per state of the store."""
    global _graph
    if _graph is None or _graph[0] != state:
        from ..plot import data

        _graph = (state, data.load(engine.graph_store))
    return _graph[1]


def network_period(engine: Engine, code: str) -> tuple[dt.date, dt.date, int] | None:
    """The first and last day of the links a state took part in, and their number."""
    variables, rows = engine.solutions(STATE_LINKS, Dataset(DEFAULT_DATASET, DEFAULT_DATASET),
                                       {"r": URIRef(str(ns.state(code)))})
    row = dict(zip(variables, next(iter(rows), [None] * len(variables))))
    if row.get("first") is None or not int(row["links"].value):
        return None
    return dt.date.fromisoformat(row["first"].value), dt.date.fromisoformat(row["last"].value), int(row["links"].value)


def _draw(engine: Engine, graph, kind: str, subject: str, other: str | None):
    from ..plot import levels, networks, timelines

    if kind == "timeline":
        return timelines.draw(graph, episode=subject)
    if kind == "network":
        period = network_period(engine, subject)
        if period is None:
            raise NotFound(f"{subject} took part in no retaliation or solidarity: there is no network to draw")
        return networks.draw(graph, start=period[0], end=period[1], states=[subject])
    return levels.draw(graph, subject, other)


def _to_bytes(picture, fmt: str) -> bytes:
    # plot saves by a file's suffix, with the title, licence and source in the file's metadata
    with tempfile.TemporaryDirectory(prefix="diplograph-picture-") as directory:
        path = Path(directory) / f"picture.{fmt}"
        picture.save(path)
        return path.read_bytes()


def picture(engine: Engine, *, kind: str, subject: str, other: str | None = None, fmt: str = "svg",
            base: str = ns.BASE) -> bytes:
    """A picture as SVG or PNG bytes (run in a query worker); NotFound when it cannot be drawn."""
    from ..plot import PlotError

    state = engine.state()
    key = (state, kind, subject, other, fmt, base)
    cached = _pictures.get(key)
    if cached is not None:
        return cached
    graph = _plot_graph(engine, state)
    if kind != "timeline":
        known = set(graph.agents.index)
        for code in (subject, other) if other else (subject,):
            if code not in known:
                raise NotFound(f"no state {code} in the store")
    try:
        drawn = _draw(engine, graph, kind, subject, other)
    except PlotError as exc:
        raise NotFound(str(exc)) from None
    body = _to_bytes(drawn, fmt)
    if fmt == "svg":
        # the acts' links lead to this server's pages, as every link on the pages does
        body = body.replace(f'xlink:href="{base}'.encode(), b'xlink:href="/')
    _pictures.put(key, body)
    return body


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------

#: the drawn SVG carries matplotlib's own style element; nothing in it runs
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


async def _answer(request: Request, kind: str, subject: str, other: str | None = None) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in MEDIA:
        raise NotFound(f"pictures are drawn as {' or '.join('.' + f for f in MEDIA)}, not .{fmt}")
    body = await request.app.state.pool.run("picture", kind=kind, subject=subject, other=other, fmt=fmt,
                                            base=request.app.state.settings.base)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Link": f'<{LICENCE}>; rel="license"',
               "Content-Security-Policy": SVG_POLICY}
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA[fmt], headers=headers)


async def episode_timeline(request: Request) -> Response:
    return await _answer(request, "timeline", request.path_params["episode"])


async def state_network(request: Request) -> Response:
    return await _answer(request, "network", request.path_params["code"])


async def state_level(request: Request) -> Response:
    code, other = request.path_params["code"], request.path_params["other"]
    if code == other:
        raise NotFound("the level of relations is between two different states")
    return await _answer(request, "level", code, other)


routes = [
    Route("/pictures/episode/{episode}/timeline.{fmt}", episode_timeline, methods=["GET", "HEAD"]),
    Route("/pictures/state/{code}/network.{fmt}", state_network, methods=["GET", "HEAD"]),
    Route("/pictures/state/{code}/level/{other}.{fmt}", state_level, methods=["GET", "HEAD"]),
]

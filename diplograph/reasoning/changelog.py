"""What loads changed since the current reasoning run, read from the log they keep
(sparql/commit_load.ru): for every resource a load touched, its asserted triples as the run saw
them and as they are now."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import ID, Graphs

_CHANGED_SINCE = ox.NamedNode("https://w3id.org/diplograph/scratch#changedSince")
_RESOURCES = ox.NamedNode(str(Graphs.CHANGED_RESOURCES))
_BEFORE = ox.NamedNode(str(Graphs.CHANGED_BEFORE))
_ASSERTED = ox.NamedNode(str(Graphs.ASSERTED))

#: a figure's or a citation's IRI names its act first (namespaces.figure, namespaces.citation)
_PARTS_OF_ACTS = ("figure", "citation")

Description = frozenset[ox.Triple]


def kind(resource: ox.NamedNode) -> str:
    """The kind of a minted IRI, the path segment after /id/ (act, state, figure ...); "" for any
    other IRI."""
    if not resource.value.startswith(ID):
        return ""
    return resource.value[len(ID):].split("/", 1)[0]


def act_of(resource: ox.NamedNode) -> ox.NamedNode | None:
    """The act a resource describes: itself for an act, the act of a figure or a citation."""
    what = kind(resource)
    if what == "act":
        return resource
    if what in _PARTS_OF_ACTS:
        return ox.NamedNode(ID + "act/" + resource.value[len(ID) + len(what) + 1:].split("/", 1)[0])
    return None


class Descriptions:
    """The asserted triples of resources in the store now, each read once."""

    def __init__(self, engine: ox.Store) -> None:
        self._engine = engine
        self._read: dict[ox.NamedNode, Description] = {}

    def __call__(self, resource: ox.NamedNode) -> Description:
        found = self._read.get(resource)
        if found is None:
            found = self._read[resource] = frozenset(
                quad.triple for quad in self._engine.quads_for_pattern(resource, None, None, _ASSERTED))
        return found


@dataclass
class Changes:
    """Each resource loads touched since the current run: what the run saw of it (``before``:
    nothing for a new resource) and what the store holds now (``after``: nothing if removed)."""

    before: dict[ox.NamedNode, Description] = field(default_factory=dict)
    after: dict[ox.NamedNode, Description] = field(default_factory=dict)

    @property
    def changed(self) -> set[ox.NamedNode]:
        """The resources whose triples differ (a record file loaded again as it was changes none)."""
        return {resource for resource, seen in self.before.items() if seen != self.after[resource]}

    def is_new(self, resource: ox.NamedNode) -> bool:
        return not self.before.get(resource)


def logged(engine: ox.Store, now: Descriptions) -> Changes:
    """The changes the store's log holds (none for a store no load changed since its run)."""
    changes = Changes()
    for quad in engine.quads_for_pattern(None, _CHANGED_SINCE, None, _RESOURCES):
        resource = quad.subject
        if not isinstance(resource, ox.NamedNode) or resource in changes.before:
            continue
        changes.before[resource] = frozenset(q.triple for q in engine.quads_for_pattern(resource, None, None, _BEFORE))
        changes.after[resource] = now(resource)
    return changes


DROP_LOG = f"DROP SILENT GRAPH <{Graphs.CHANGED_RESOURCES}> ;\nDROP SILENT GRAPH <{Graphs.CHANGED_BEFORE}>"

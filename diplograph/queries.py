"""The library of named, parameterised SPARQL queries under ``queries/``.

Each ``.rq`` file opens with a header of comments::

    # title: Acts of one state
    # description: Every act a state took or was the target of, in a period.
    # param state: agent — the state, by ISO 3166-1 alpha-2 code (CZ)
    # param from: date = 1900-01-01 — first announcement date

A parameter is required unless it has a default. Values are bound to the
query's variables (``?state``, ``?from``) as typed RDF terms by the store,
never pasted into the query text. pyoxigraph binds only variables that the
SELECT projects, so a query projects its parameters; :func:`run` hides those
columns again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from . import namespaces as ns
from . import resources

PARAM_TYPES = ("agent", "state", "date", "integer", "decimal", "string", "act", "episode", "iri")

_HEADER = re.compile(r"^#\s*(title|description|param)\s*([A-Za-z_][A-Za-z0-9_]*)?\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<type>[a-z]+)\s*(?:=\s*(?P<default>\S+))?\s*(?:[—-]+\s*(?P<doc>.*))?$")


class QueryError(ValueError):
    """A named query was asked for wrongly: unknown name, missing or malformed parameter."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path
    form: str = field(default="SELECT")

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise QueryError(f"query '{self.name}' has no parameter '{name}' "
                         f"(it takes: {', '.join(p.name for p in self.parameters) or 'none'})")


def parse_query_file(path: Path) -> NamedQuery:
    title, description, params = None, [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            if description and line.startswith("#  "):
                description.append(line.lstrip("# ").strip())
            continue
        key, name, value = match.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description.append(value.strip())
        elif key == "param":
            pm = _PARAM.match(value.strip())
            if not pm or pm["type"] not in PARAM_TYPES or not name:
                raise QueryError(f"{path.name}: malformed parameter line: {line}")
            params.append(Parameter(name, pm["type"], pm["default"], (pm["doc"] or "").strip()))
    if not title:
        raise QueryError(f"{path.name}: the header has no '# title:' line")
    text = path.read_text(encoding="utf-8")
    form = "SELECT"
    body = re.sub(r"#[^\n]*", "", text)
    for keyword in ("CONSTRUCT", "ASK", "DESCRIBE", "SELECT"):
        if re.search(rf"\b{keyword}\b", body, re.IGNORECASE):
            form = keyword
            break
    return NamedQuery(path.stem, title, " ".join(description), tuple(params), text, path, form)


@cache
def library(directory: Path | None = None) -> dict[str, NamedQuery]:
    directory = directory or resources.queries_dir()
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}


def get(name: str) -> NamedQuery:
    queries = library()
    if name not in queries:
        raise QueryError(f"no stored query named '{name}' (known: {', '.join(queries)})")
    return queries[name]


def coerce(parameter: Parameter, value: object) -> Literal | URIRef:
    """A typed RDF term for a parameter value given as text or as a Python value."""
    text = str(value)
    try:
        if parameter.type in ("agent", "state"):
            code = text.strip()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{1,11}", code):
                raise ValueError
            code = code.upper()
            return ns.state(code) if len(code) == 2 else ns.organisation(code)
        if parameter.type == "date":
            date = value if isinstance(value, dt.date) else dt.date.fromisoformat(text)
            return Literal(date.isoformat(), datatype=XSD.date)
        if parameter.type == "integer":
            return Literal(int(text), datatype=XSD.integer)
        if parameter.type == "decimal":
            return Literal(Decimal(text), datatype=XSD.decimal)
        if parameter.type == "act":
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", text):
                raise ValueError
            return ns.act(text)
        if parameter.type == "episode":
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", text):
                raise ValueError
            return ns.episode(text)
        if parameter.type == "iri":
            if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
                raise ValueError
            return URIRef(text)
        return Literal(text)
    except (ValueError, InvalidOperation):
        raise QueryError(f"parameter '{parameter.name}': {text!r} is not a valid {parameter.type}") from None


def bindings(query: NamedQuery, values: dict[str, object]) -> dict[str, Literal | URIRef]:
    for name in values:
        query.parameter(name)
    bound = {}
    for parameter in query.parameters:
        if parameter.name in values and values[parameter.name] is not None:
            bound[parameter.name] = coerce(parameter, values[parameter.name])
        elif parameter.default is not None:
            bound[parameter.name] = coerce(parameter, parameter.default)
        else:
            raise QueryError(f"query '{query.name}' needs the parameter '{parameter.name}' ({parameter.description})")
    return bound


def run(store, name: str, values: dict[str, object]):
    """Run the stored query ``name`` on ``store``; the answer without parameter columns."""
    from .namespaces import Graphs
    from .store.base import QueryResult

    query = get(name)
    bound = bindings(query, values)
    result = store.select(query.text, bindings=bound, default_graphs=Graphs.QUERY_DATASET)
    keep = [i for i, v in enumerate(result.variables) if v not in bound]
    return QueryResult([result.variables[i] for i in keep], [tuple(row[i] for i in keep) for row in result.rows]), bound

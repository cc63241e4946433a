"""What a query asks before it is run: its form, whether it names its own dataset, and
whether it would leave the store (``SERVICE``) or change it (an update).

The query is parsed with rdflib's SPARQL 1.1 grammar and its parse tree is walked:
a ``SERVICE`` inside a string, an IRI or a comment is not a service call, and a
service call written in any letter case is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import MalformedQuery, Refused

_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "AskQuery": "ASK", "DescribeQuery": "DESCRIBE"}

READ_ONLY = ("this endpoint is read-only: SPARQL Update is refused "
             "(load and reason with the diplograph command on the store itself)")


@dataclass(frozen=True)
class QueryShape:
    form: str               # SELECT, CONSTRUCT, ASK or DESCRIBE
    has_dataset: bool       # FROM or FROM NAMED in the query text


def _walk(node):
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList") and not isinstance(node, str):
        for item in node:
            yield from _walk(item)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - any failure means: not an update either
        return False
    return True


def inspect_query(text: str) -> QueryShape:
    """The query's shape; MalformedQuery or Refused if it is not a read-only, local query."""
    if not text or not text.strip():
        raise MalformedQuery("the query is empty")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise Refused(READ_ONLY) from None
        raise MalformedQuery(f"the query does not parse: {exc.msg} at line {exc.lineno}, column {exc.col}: "
                             f"{exc.line.strip()!r}") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain exceptions for some errors (prefixes)
        raise MalformedQuery(f"the query does not parse: {exc}") from None
    body = parsed[1]
    form = _FORMS.get(body.name)
    if form is None:
        raise MalformedQuery(f"not a SPARQL query form: {body.name}")
    for node in _walk(parsed):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = node.get("term", None)
            raise Refused(f"SERVICE {term.n3() if hasattr(term, 'n3') else term} "
                          "is refused: this endpoint answers from its own store only and makes no requests "
                          "to other hosts")
    return QueryShape(form, bool(body["datasetClause"]) if "datasetClause" in body else False)

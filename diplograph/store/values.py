"""Pre-binding variables of a SPARQL query for servers that cannot substitute them.

The SPARQL 1.1 Protocol has no way to pass values for a query's variables, so a
remote store binds them in the text: a ``VALUES (?v …) { (term …) }`` block becomes
the first element of the outermost WHERE group, each term written by rdflib's
``n3()`` (which escapes quotes, backslashes and line breaks in literals, and
refuses IRIs that are not IRIs). The values are data in a VALUES block, never
query text: a literal cannot end the block or the group, whatever it holds.

The embedded store uses it only for variables a SELECT does not project, which
pyoxigraph's own substitution refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_VARIABLE = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def sparql_term(term: Node) -> str:
    """A term as SPARQL text, for a VALUES block (IRIs and literals only)."""
    if isinstance(term, BNode):
        raise TypeError(f"a blank node cannot be bound in a query: {term!r}")
    if isinstance(term, (URIRef, Literal)):
        return term.n3()  # raises for an IRI with characters an IRI cannot hold
    raise TypeError(f"cannot bind {term!r}: not an rdflib IRI or literal")


def values_block(bindings: Mapping[str, Node]) -> str:
    names = list(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    variables = " ".join("?" + name for name in names)
    terms = " ".join(sparql_term(bindings[name]) for name in names)
    return f"VALUES ({variables}) {{ ({terms}) }}"


def _top_level_groups(query: str):
    """Yield (offset of '{', the two tokens before it, upper-cased words or "") for
    each ``{`` at nesting depth 0, skipping comments, strings and IRIs."""
    depth, i, n = 0, 0, len(query)
    recent = ["", ""]

    def token(word: str = "") -> None:
        recent[0], recent[1] = recent[1], word

    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            long = query.startswith(c * 3, i)
            quote = c * 3 if long else c
            j = i + len(quote)
            while j < n:
                if query[j] == "\\":
                    j += 2
                    continue
                if query.startswith(quote, j):
                    break
                if not long and query[j] in "\r\n":
                    raise ValueError("unterminated string in the query")
                j += 1
            else:
                raise ValueError("unterminated string in the query")
            i = j + len(quote)
            token()
            continue
        if c == "<":
            match = _IRIREF.match(query, i)
            if match:
                i = match.end()
                token()
                continue
        if c in "?$":
            match = _VARIABLE.match(query, i + 1)
            i = match.end() if match else i + 1
            token()
            continue
        if c == "{":
            if depth == 0:
                yield i, tuple(recent)
            depth += 1
            token()
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("unbalanced '}' in the query")
            token()
        elif c.isalpha() or c == "_":
            match = _WORD.match(query, i)
            token(match.group(0).upper())
            i = match.end()
            continue
        elif not c.isspace():
            token()
        i += 1


def bind_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with ``bindings`` as a VALUES block opening its outermost WHERE group."""
    if not bindings:
        return query
    groups = list(_top_level_groups(query))
    if not groups:
        raise ValueError("the query has no WHERE group to bind values in")
    offset, before = groups[0]
    if before == ("CONSTRUCT", "WHERE"):
        raise ValueError("CONSTRUCT WHERE { … } cannot take bindings: write the template out")
    if before[1] == "CONSTRUCT":  # the first group is the template
        if len(groups) < 2:
            raise ValueError("the query has no WHERE group to bind values in")
        offset, _ = groups[1]
    return query[:offset + 1] + " " + values_block(bindings) + " " + query[offset + 1:]


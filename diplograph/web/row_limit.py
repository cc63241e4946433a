"""Asking a remote SPARQL server for no more rows than the endpoint will serve.

The endpoint serves at most ``--max-rows`` rows and says when it cut an answer. Served from a
remote store, a SELECT would otherwise bring the server's whole answer across the network to
be cut here; instead the query asks for one row more than the limit (so that a cut is still
seen): its outermost ``LIMIT`` is lowered to that, or one is added where the grammar puts it,
before a trailing ``VALUES`` block or at the end. Nothing but that number is written into the
query; the text is read as SPARQL tokens (comments, strings and IRIs skipped), and only the
words outside every group (``{ … }``) are looked at, which belong to the outermost query.

A CONSTRUCT is not limited so: LIMIT counts solutions, and a solution may give no triple or
the same triples as another, so fewer triples than solutions could come back and a cut would
go unseen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VARIABLE = re.compile(r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INTEGER = re.compile(r"[0-9]+")


def _outer_tokens(query: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, text) of each token outside every ``{ … }`` group; words upper-cased,
    every other token as "" (strings, IRIs, variables, punctuation), integers as written."""
    depth, i, n = 0, 0, len(query)
    while i < n:
        c = query[i]
        start = i
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c.isspace():
            i += 1
            continue
        if c in "\"'":
            quote = c * 3 if query.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                if len(quote) == 1 and query[j] in "\r\n":
                    raise ValueError("unterminated string in the query")
                j += 2 if query[j] == "\\" else 1
            if j >= n:
                raise ValueError("unterminated string in the query")
            i, text = j + len(quote), ""
        elif c == "<" and _IRIREF.match(query, i):
            i, text = _IRIREF.match(query, i).end(), ""
        elif c in "?$":
            match = _VARIABLE.match(query, i + 1)
            i, text = (match.end() if match else i + 1), ""
        elif c == "{":
            depth += 1
            i, text = i + 1, ""
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("unbalanced '}' in the query")
            i += 1
            continue
        elif c.isalpha() or c == "_":
            match = _WORD.match(query, i)
            i, text = match.end(), match.group(0).upper()
        elif c.isdigit():
            match = _INTEGER.match(query, i)
            i, text = match.end(), match.group(0)
        else:
            i, text = i + 1, ""
        if depth == 0 and c != "{":
            yield start, i, text


def ask_for_at_most(query: str, rows: int) -> str:
    """The SELECT query ``query`` asking for at most ``rows`` rows."""
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise ValueError(f"a row limit is a whole number, 0 or more (got {rows!r})")
    tokens = list(_outer_tokens(query))
    for (_, _, word), (start, end, number) in pairwise(tokens):
        if word == "LIMIT" and _INTEGER.fullmatch(number):
            if int(number) <= rows:
                return query
            return query[:start] + str(rows) + query[end:]
    for start, _, word in tokens:
        if word == "VALUES":  # outside every group, only the trailing VALUES block, after the modifiers
            return query[:start] + f"LIMIT {rows}\n" + query[start:]
    return query + f"\nLIMIT {rows}\n"

"""The triples of a load as pyoxigraph quads: the engine's own terms, made once per IRI."""

from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


class EngineTerms:
    """rdflib terms to pyoxigraph terms; an IRI (a few hundred thousand distinct ones
    stand for millions of mentions) is converted once. Literals keep rdflib's lexical
    form, datatype and language: what rdflib's N-Triples serialiser writes."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}

    def __call__(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if type(term) is URIRef:
            converted = self._iris.get(term)
            if converted is None:
                converted = self._iris[term] = ox.NamedNode(term)
            return converted
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(term, language=term.language)
            if term.datatype is not None:
                return ox.Literal(term, datatype=self(term.datatype))
            return ox.Literal(term)
        if isinstance(term, URIRef):
            return self(URIRef(str(term)))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        raise TypeError(f"not an RDF term: {term!r}")


def quads(triples: Iterable[tuple[Node, Node, Node]], graph: ox.NamedNode, terms: EngineTerms) -> Iterator[ox.Quad]:
    for subject, predicate, obj in triples:
        yield ox.Quad(terms(subject), terms(predicate), terms(obj), graph)


def ntriples(triples: Iterable[tuple[Node, Node, Node]], terms: EngineTerms) -> bytes:
    """N-Triples text of ``triples``, written by the engine's serialiser."""
    return ox.serialize((ox.Triple(terms(s), terms(p), terms(o)) for s, p, o in triples),
                        format=ox.RdfFormat.N_TRIPLES)

"""Re-serialise ``ontology/diplograph.ttl`` in rdflib's ``longturtle`` form, the committed form.

Run ``python -m diplograph.tools.normalise_ontology`` after editing the ontology;
``--check`` exits 1 if the file is not in that form.
"""

from __future__ import annotations

import sys

from rdflib import Graph

from .. import resources

PREFIXES = {
    "dg": "https://w3id.org/diplograph/ontology#",
    "cameo": "https://w3id.org/diplograph/ext/cameo/",
    "plover": "https://w3id.org/diplograph/ext/plover/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "schema": "https://schema.org/",
}


def normalised() -> str:
    graph = Graph().parse(resources.ontology_file(), format="turtle")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph.serialize(format="longturtle")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = normalised()
    path = resources.ontology_file()
    if "--check" in argv:
        return 0 if path.read_text(encoding="utf-8") == text else 1
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

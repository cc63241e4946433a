"""What two loads that should store the same thing are compared by (the loader's tests)."""

from __future__ import annotations

_PROVENANCE_BUT_LOAD_RUNS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/diplograph/graph/provenance> {
  ?s ?p ?o
  FILTER NOT EXISTS { ?s a dg:LoadRun }
  FILTER (?p != <http://www.w3.org/ns/prov#wasGeneratedBy>)
} }"""


def provenance_but_load_runs(store) -> list[str]:
    """The store's provenance graph without its load runs (their IRIs and times differ from one
    load to the next), as sorted lines: the same for two stores loaded alike."""
    return sorted(map(str, store.select(_PROVENANCE_BUT_LOAD_RUNS).rows))

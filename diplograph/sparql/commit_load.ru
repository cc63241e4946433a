# Moves a checked load from the staging graphs into place, as one transaction:
# the triples of every resource curated only by the records being (re)loaded are
# replaced and the ontology is replaced. The loader drops the staging graphs
# afterwards, in an update of its own (a copy and a drop of the same quads in one
# transaction cost several times what they cost apart).
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX scratch: <https://w3id.org/diplograph/scratch#>

# First, when the store holds a reasoning run: what that run saw of every resource the load
# replaces (its asserted triples), and which resources the load touches (replaced or new). The
# next reasoning run compares the two and recomputes only the inferences that can depend on
# what changed (reasoning/incremental.py). A resource touched already since the run keeps what
# the run saw of it, not what a load in between wrote. A full reasoning run drops both graphs.

INSERT { GRAPH <https://w3id.org/diplograph/graph/changes/before> { ?s ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run a dg:ReasoningRun ; dg:isCurrentRun true }
  # what the records replaced curated, and what the new ones curate (a dyad, a source that
  # other records name too)
  { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?record a dg:Record }
    GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?s dg:curatedIn ?staged } }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/changes/resources> { ?s scratch:changedSince ?any } }
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?s ?p ?o }
} ;

INSERT { GRAPH <https://w3id.org/diplograph/graph/changes/resources> { ?s scratch:changedSince ?run } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run a dg:ReasoningRun ; dg:isCurrentRun true }
  { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?record a dg:Record }
    GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record } }
  UNION
  { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?s dg:curatedIn ?staged } }
} ;

# Then the load itself.

DELETE { GRAPH <https://w3id.org/diplograph/graph/asserted> { ?s ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?record a dg:Record }
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record }
  FILTER NOT EXISTS {
    GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?other }
    FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?other a dg:Record } }
  }
  GRAPH <https://w3id.org/diplograph/graph/asserted> { ?s ?p ?o }
} ;

DELETE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?record a dg:Record }
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record }
  FILTER NOT EXISTS {
    GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?other }
    FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?other a dg:Record } }
  }
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s ?p ?o }
} ;

DELETE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record . ?s dg:recordLine ?line } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?record a dg:Record }
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?s dg:curatedIn ?record . OPTIONAL { ?s dg:recordLine ?line } }
} ;

DELETE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?record ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?record a dg:Record }
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?record ?p ?o }
} ;

# Load runs that no record points to any more are history nobody can reach.
DELETE { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/diplograph/graph/provenance> { ?run a dg:LoadRun ; ?p ?o }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/provenance> { ?any <http://www.w3.org/ns/prov#wasGeneratedBy> ?run } }
  FILTER NOT EXISTS { GRAPH <https://w3id.org/diplograph/graph/staging/provenance> { ?any <http://www.w3.org/ns/prov#wasGeneratedBy> ?run } }
} ;

DROP SILENT GRAPH <https://w3id.org/diplograph/graph/ontology> ;
ADD SILENT <https://w3id.org/diplograph/graph/staging/ontology> TO <https://w3id.org/diplograph/graph/ontology> ;
ADD SILENT <https://w3id.org/diplograph/graph/staging/asserted> TO <https://w3id.org/diplograph/graph/asserted> ;
ADD SILENT <https://w3id.org/diplograph/graph/staging/provenance> TO <https://w3id.org/diplograph/graph/provenance>

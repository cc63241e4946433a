# Moves a checked load from the staging graphs into place, as one transaction:
# the triples of every resource curated only by the records being (re)loaded are
# replaced and the ontology is replaced. The loader drops the staging graphs
# afterwards, in an update of its own (a copy and a drop of the same quads in one
# transaction cost several times what they cost apart).
PREFIX dg: <https://w3id.org/diplograph/ontology#>

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

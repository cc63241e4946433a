"""The JSON-LD context shipped with Diplograph, so that JSON-LD exports read as plain JSON."""

CONTEXT = {
    "dg": "https://w3id.org/diplograph/ontology#",
    "id": "https://w3id.org/diplograph/id/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "label": "rdfs:label",
    "actor": {"@id": "dg:actor", "@type": "@id"},
    "target": {"@id": "dg:target", "@type": "@id"},
    "announcedOn": {"@id": "dg:announcedOn", "@type": "xsd:date"},
    "personsAffected": {"@id": "dg:personsAffected", "@type": "xsd:nonNegativeInteger"},
    "inResponseTo": {"@id": "dg:inResponseTo", "@type": "@id"},
    "retaliatesFor": {"@id": "dg:retaliatesFor", "@type": "@id"},
    "supports": {"@id": "dg:supports", "@type": "@id"},
}

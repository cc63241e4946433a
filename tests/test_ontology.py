"""The ontology file: documentation of every term, the header, the OWL 2 RL profile,
the act classes and their SKOS mappings.

Most checks are "violation" queries: a SPARQL SELECT whose every row is a defect;
the rows are printed and fail the test. The OWL 2 RL profile check is Python over
rdflib, tested itself on small ontologies in the manner of OWL-RL's test suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

import diplograph
from diplograph.namespaces import DG, ONTOLOGY_IRI

PREFIXES = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"


def assert_no_violations(graph: Graph, query: str, what: str) -> None:
    """Run a violation query; every row it returns is a defect."""
    result = graph.query(PREFIXES + query)
    rows = [" | ".join(str(value) for value in row) for row in result]
    for row in rows:
        print(f"VIOLATION ({what}): {row}")
    assert not rows, f"{len(rows)} violation(s) of: {what}\n" + "\n".join(rows)


# ---------------------------------------------------------------------------
# Parsing and the header
# ---------------------------------------------------------------------------

def test_ontology_parses_and_declares_one_ontology(ontology: Graph):
    assert len(ontology) > 500
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]


def test_ontology_is_stable_under_a_longturtle_round_trip(ontology: Graph):
    text = ontology.serialize(format="longturtle")
    assert isomorphic(Graph().parse(data=text, format="turtle"), ontology)


@pytest.mark.parametrize("term", ["owl:versionIRI", "owl:versionInfo", "dcterms:license", "dcterms:title",
                                  "dcterms:description", "dcterms:creator"])
def test_ontology_header_has(ontology: Graph, term: str):
    assert_no_violations(ontology, f"""
        SELECT ?ontology WHERE {{ ?ontology a owl:Ontology FILTER NOT EXISTS {{ ?ontology {term} ?value }} }}""",
                         f"the ontology header has {term}")


def test_ontology_version_matches_the_package(ontology: Graph):
    version = ontology.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert str(version) == diplograph.__version__
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")


def test_ontology_title_and_description_are_english_text(ontology: Graph):
    assert_no_violations(ontology, """
        SELECT ?ontology ?p ?value WHERE {
          ?ontology a owl:Ontology ; ?p ?value . VALUES ?p { dcterms:title dcterms:description }
          FILTER (LANG(?value) != "en")
        }""", "the title and description are @en literals")


# ---------------------------------------------------------------------------
# Documentation of every term
# ---------------------------------------------------------------------------

_DECLARED_TERMS = """
  ?term a ?kind . VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  FILTER STRSTARTS(STR(?term), "https://w3id.org/diplograph/ontology#")
"""

_DEFINED_TERMS = "?term rdfs:isDefinedBy <https://w3id.org/diplograph/ontology> ."


def test_every_declared_term_is_defined_by_the_ontology(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?term ?kind WHERE {{ {_DECLARED_TERMS}
          FILTER NOT EXISTS {{ ?term rdfs:isDefinedBy <https://w3id.org/diplograph/ontology> }} }}""",
                         "every dg: class and property has rdfs:isDefinedBy the ontology")


def test_terms_are_defined_by_the_ontology_at_all(ontology: Graph):
    """The checks below run over the defined terms: make sure they are not vacuous."""
    kinds = {str(row[0]) for row in ontology.query(PREFIXES + f"""
        SELECT DISTINCT ?kind WHERE {{ {_DEFINED_TERMS} ?term a ?kind }}""")}
    assert {str(OWL.Class), str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(OWL.AnnotationProperty)} <= kinds


def test_every_term_has_a_language_tagged_label(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?term WHERE {{ {_DEFINED_TERMS}
          FILTER NOT EXISTS {{ ?term rdfs:label ?label FILTER (LANG(?label) != "") }} }}""",
                         "every term has an rdfs:label with a language tag")


def test_no_label_or_definition_lacks_a_language_tag(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?term ?p ?value WHERE {{ {_DEFINED_TERMS}
          ?term ?p ?value . VALUES ?p {{ rdfs:label skos:definition }} FILTER (LANG(?value) = "") }}""",
                         "labels and definitions of terms carry a language tag")


def test_no_term_has_two_labels_in_one_language(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?term ?lang (COUNT(?label) AS ?labels) WHERE {{ {_DEFINED_TERMS}
          ?term rdfs:label ?label BIND (LANG(?label) AS ?lang) }} GROUP BY ?term ?lang HAVING (COUNT(?label) > 1)""",
                         "at most one rdfs:label per language")


def test_every_term_has_a_definition(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?term WHERE {{ {_DEFINED_TERMS}
          FILTER NOT EXISTS {{ ?term skos:definition ?definition FILTER (STRLEN(STR(?definition)) > 10) }} }}""",
                         "every term has a skos:definition")


def test_every_dg_term_used_is_declared(ontology: Graph):
    assert_no_violations(ontology, """
        SELECT DISTINCT ?term WHERE {
          { ?s ?term ?o } UNION { ?s ?p ?term }
          FILTER (isIRI(?term) && STRSTARTS(STR(?term), "https://w3id.org/diplograph/ontology#"))
          FILTER NOT EXISTS { ?term a ?kind }
        }""", "every dg: IRI used in the ontology is declared in it")


def test_no_iri_is_declared_as_two_kinds_of_property(ontology: Graph):
    assert_no_violations(ontology, """
        SELECT ?p ?kind1 ?kind2 WHERE {
          ?p a ?kind1, ?kind2 .
          VALUES ?kind1 { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
          VALUES ?kind2 { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
          FILTER (STR(?kind1) < STR(?kind2))
        }""", "a property is an object, a datatype or an annotation property, not two of them")


# ---------------------------------------------------------------------------
# Act classes
# ---------------------------------------------------------------------------

_ACT_CLASSES = "?class dg:recordType ?keyword ; rdfs:subClassOf+ dg:DiplomaticAct ."


def test_act_classes_exist(ontology: Graph):
    rows = list(ontology.query(PREFIXES + f"SELECT ?class WHERE {{ {_ACT_CLASSES} }}"))
    assert len(rows) >= 15
    assert (DG.DeclaredNonResponse, DG.recordType, Literal("declared-non-response")) in ontology


def test_every_act_class_is_mapped_to_cameo_or_plover(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?class ?keyword WHERE {{ {_ACT_CLASSES}
          FILTER (?class != dg:DeclaredNonResponse)
          FILTER NOT EXISTS {{
            ?class skos:broadMatch|skos:closeMatch ?concept .
            ?concept skos:inScheme ?scheme . VALUES ?scheme {{ dg:CAMEOScheme dg:PLOVERScheme }}
          }}
        }}""", "every act class with dg:recordType has a SKOS broad or close match in CAMEO or PLOVER")


def test_mapped_concepts_are_declared_with_a_notation(ontology: Graph):
    assert_no_violations(ontology, """
        SELECT DISTINCT ?class ?concept WHERE {
          ?class skos:broadMatch|skos:closeMatch ?concept .
          FILTER NOT EXISTS {
            ?concept a skos:Concept ; skos:notation ?notation ; skos:prefLabel ?label ; skos:inScheme ?scheme .
            VALUES ?scheme { dg:CAMEOScheme dg:PLOVERScheme }
          }
        }""", "every concept an act class maps to is a skos:Concept of CAMEO or PLOVER with a notation")


def test_no_act_class_uses_owl_equivalent_class(ontology: Graph):
    assert_no_violations(ontology, """
        SELECT ?class ?other WHERE {
          ?class rdfs:subClassOf* dg:DiplomaticAct .
          { ?class owl:equivalentClass ?other } UNION { ?other owl:equivalentClass ?class }
        }""", "act classes map to CAMEO/PLOVER with SKOS, never with owl:equivalentClass")


def test_restrictive_and_conciliatory_acts_are_disjoint(ontology: Graph):
    assert ontology.query(PREFIXES + """
        ASK {
          { dg:RestrictiveAct owl:disjointWith dg:ConciliatoryAct }
          UNION { dg:ConciliatoryAct owl:disjointWith dg:RestrictiveAct }
          UNION { ?all a owl:AllDisjointClasses ;
                       owl:members/rdf:rest*/rdf:first dg:RestrictiveAct, dg:ConciliatoryAct }
        }""").askAnswer


def test_record_type_keywords_are_unique(ontology: Graph):
    assert_no_violations(ontology, """
        SELECT ?keyword (COUNT(?class) AS ?classes) WHERE { ?class dg:recordType ?keyword }
        GROUP BY ?keyword HAVING (COUNT(?class) > 1)""", "a record keyword names one class")


def test_restrictive_act_classes_have_a_rank_and_others_none(ontology: Graph):
    assert_no_violations(ontology, f"""
        SELECT ?class WHERE {{ {_ACT_CLASSES}
          ?class rdfs:subClassOf+ dg:RestrictiveAct .
          FILTER NOT EXISTS {{ ?class dg:escalationRank ?rank ; dg:rankCategory ?category }} }}""",
                         "every restrictive act class has an escalation rank and a rank category")
    assert_no_violations(ontology, f"""
        SELECT ?class ?rank WHERE {{ {_ACT_CLASSES}
          ?class dg:escalationRank ?rank FILTER NOT EXISTS {{ ?class rdfs:subClassOf+ dg:RestrictiveAct }} }}""",
                         "only restrictive act classes are on the escalation ladder")


def _docs_act_table(repo_dir: Path) -> dict[str, tuple[str, ...]]:
    text = (repo_dir / "docs" / "records.md").read_text(encoding="utf-8")
    section = text[text.index("### Act types"):]
    rows = {}
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].startswith("`dg:"):
            keyword, cls, rank, cameo, plover = cells
            rows[keyword.strip("`")] = (cls.strip("`"), rank, cameo, plover)
    return rows


def test_docs_act_type_table_matches_the_ontology(ontology: Graph, repo_dir: Path):
    """docs/records.md says its act-type table is generated from the ontology: it must agree."""
    skos = lambda name: URIRef(SKOS_NS + name)  # noqa: E731
    expected = {}
    for cls, keyword in ontology.subject_objects(DG.recordType):
        ancestors = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        if DG.DiplomaticAct not in ancestors:
            continue
        rank = ontology.value(cls, DG.escalationRank)
        rank = str(rank) if rank is not None else ("conciliatory" if DG.ConciliatoryAct in ancestors else "neither")
        concepts = list(ontology.objects(cls, skos("closeMatch"))) + list(ontology.objects(cls, skos("broadMatch")))

        def notations(scheme: URIRef) -> str:
            return ", ".join(sorted(str(ontology.value(c, skos("notation"))).replace(":", " ")
                                    for c in concepts if ontology.value(c, skos("inScheme")) == scheme))

        expected[str(keyword)] = ("dg:" + str(cls).split("#", 1)[1], rank, notations(DG.CAMEOScheme),
                                  notations(DG.PLOVERScheme))
    assert _docs_act_table(repo_dir) == expected


# ---------------------------------------------------------------------------
# The OWL 2 RL profile (OWL 2 Profiles, section 4.2)
# ---------------------------------------------------------------------------

#: The datatypes of OWL 2 RL (Profiles §4.2.1); rdf:langString is RDF 1.1's name for the
#: language-tagged strings of rdf:PlainLiteral and is accepted as such.
RL_DATATYPES = {URIRef(XSD + name) for name in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte "
    "unsignedLong unsignedInt unsignedShort unsignedByte float double string normalizedString token language "
    "Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp").split()} | {
    RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, RDF.langString}

#: Vocabulary that OWL 2 RL does not have anywhere.
RL_FORBIDDEN_PREDICATES = {OWL.hasSelf, OWL.disjointUnionOf, OWL.minCardinality, OWL.cardinality,
                           OWL.minQualifiedCardinality, OWL.qualifiedCardinality, OWL.datatypeComplementOf,
                           OWL.onDatatype, OWL.withRestrictions}
RL_FORBIDDEN_TYPES = {OWL.ReflexiveProperty}

_EXPRESSION_KEYS = (OWL.onProperty, OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.oneOf)


class _RL:
    """Classifies class expressions by the grammar of OWL 2 RL and collects violations."""

    def __init__(self, graph: Graph):
        self.g = graph
        self.violations: list[str] = []
        self.reached: set[BNode] = set()

    # -- helpers ----------------------------------------------------------
    def _members(self, node) -> list:
        return list(Collection(self.g, node))

    def _is_datatype(self, node) -> bool:
        return (node in RL_DATATYPES or str(node).startswith(XSD)
                or (node, RDF.type, RDFS.Datatype) in self.g)

    def _data_range(self, node, where: str) -> bool:
        if isinstance(node, BNode):
            self.reached.add(node)
            parts = self.g.value(node, OWL.intersectionOf)
            if parts is not None:
                return all(self._data_range(p, where) for p in self._members(parts))
            self.violations.append(f"{where}: data range {self._show(node)} is not allowed in OWL 2 RL")
            return False
        return True  # which datatypes are allowed is checked by test_datatypes_are_in_the_owl2_rl_datatype_map

    def _show(self, node) -> str:
        if isinstance(node, BNode):
            return "[" + "; ".join(f"{p.n3(self.g.namespace_manager)} {o.n3(self.g.namespace_manager)}"
                                   for p, o in self.g.predicate_objects(node)) + "]"
        return node.n3(self.g.namespace_manager)

    def _restriction_parts(self, node):
        g = self.g
        return {key: g.value(node, key) for key in (
            OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality, OWL.maxQualifiedCardinality,
            OWL.onClass, OWL.onDataRange) if g.value(node, key) is not None}

    # -- the three kinds of class expression -------------------------------
    def sub(self, node, where: str) -> bool:
        """subClassExpression: where a class expression may stand on the left of SubClassOf."""
        if not isinstance(node, BNode):
            return self._named(node, where)
        self.reached.add(node)
        g = self.g
        for key in (OWL.intersectionOf, OWL.unionOf):
            if g.value(node, key) is not None:
                return all([self.sub(m, where) for m in self._members(g.value(node, key))])
        if g.value(node, OWL.oneOf) is not None:
            return True
        if g.value(node, OWL.onProperty) is not None:
            parts = self._restriction_parts(node)
            if OWL.hasValue in parts and len(parts) == 1:
                return True
            if OWL.someValuesFrom in parts and len(parts) == 1:
                filler = parts[OWL.someValuesFrom]
                if filler == OWL.Thing:
                    return True
                if self._is_datatype(filler) or (isinstance(filler, BNode) and (filler, RDF.type, RDFS.Datatype) in g):
                    return self._data_range(filler, where)
                return self.sub(filler, where)
        return self._bad(node, where, "subclass")

    def sup(self, node, where: str) -> bool:
        """superClassExpression: where a class expression may stand on the right of SubClassOf."""
        if not isinstance(node, BNode):
            return self._named(node, where)
        self.reached.add(node)
        g = self.g
        if g.value(node, OWL.intersectionOf) is not None:
            return all([self.sup(m, where) for m in self._members(g.value(node, OWL.intersectionOf))])
        if g.value(node, OWL.complementOf) is not None:
            return self.sub(g.value(node, OWL.complementOf), where)
        if g.value(node, OWL.onProperty) is not None:
            parts = self._restriction_parts(node)
            if OWL.hasValue in parts and len(parts) == 1:
                return True
            if OWL.allValuesFrom in parts and len(parts) == 1:
                filler = parts[OWL.allValuesFrom]
                if self._is_datatype(filler):
                    return self._data_range(filler, where)
                return self.sup(filler, where)
            for key in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
                if key in parts:
                    value = parts[key].toPython() if isinstance(parts[key], Literal) else None
                    if value not in (0, 1):
                        return self._bad(node, where, "superclass (max cardinality other than 0 or 1)")
                    on_class = parts.get(OWL.onClass)
                    if key == OWL.maxQualifiedCardinality and on_class is not None and on_class != OWL.Thing:
                        return self.sub(on_class, where)
                    return True
        return self._bad(node, where, "superclass")

    def equiv(self, node, where: str) -> bool:
        """equivClassExpression: what may stand in EquivalentClasses."""
        if not isinstance(node, BNode):
            return self._named(node, where)
        self.reached.add(node)
        g = self.g
        if g.value(node, OWL.intersectionOf) is not None:
            return all([self.equiv(m, where) for m in self._members(g.value(node, OWL.intersectionOf))])
        if g.value(node, OWL.onProperty) is not None:
            parts = self._restriction_parts(node)
            if OWL.hasValue in parts and len(parts) == 1:
                return True
        return self._bad(node, where, "equivalent-class")

    def _named(self, node, where: str) -> bool:
        if node == OWL.Thing:
            self.violations.append(f"{where}: owl:Thing is not an OWL 2 RL class expression here")
            return False
        return True

    def _bad(self, node, where: str, position: str) -> bool:
        self.violations.append(f"{where}: {self._show(node)} is not allowed in {position} position in OWL 2 RL")
        return False

    # -- the axioms ------------------------------------------------------------
    def check(self) -> list[str]:
        g = self.g
        for p in RL_FORBIDDEN_PREDICATES:
            for s, o in g.subject_objects(p):
                self.violations.append(f"{self._show(s)} uses {p.n3(g.namespace_manager)}, which OWL 2 RL has not")
        for t in RL_FORBIDDEN_TYPES:
            for s in g.subjects(RDF.type, t):
                self.violations.append(f"{self._show(s)} is an {t.n3(g.namespace_manager)}, which OWL 2 RL has not")
        for s, o in g.subject_objects(RDFS.subClassOf):
            where = f"SubClassOf({self._show(s)} {self._show(o)})"
            self.sub(s, where)
            self.sup(o, where)
        for s, o in g.subject_objects(OWL.equivalentClass):
            where = f"EquivalentClasses({self._show(s)} {self._show(o)})"
            self.equiv(s, where)
            self.equiv(o, where)
        for s, o in g.subject_objects(OWL.disjointWith):
            where = f"DisjointClasses({self._show(s)} {self._show(o)})"
            self.sub(s, where)
            self.sub(o, where)
        for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
            for member in self._members(g.value(node, OWL.members)):
                self.sub(member, "AllDisjointClasses")
        for prop, cls in list(g.subject_objects(RDFS.domain)) + list(g.subject_objects(RDFS.range)):
            where = f"domain/range of {self._show(prop)}"
            if (prop, RDF.type, OWL.DatatypeProperty) in g and (prop, RDFS.range, cls) in g:
                self._data_range(cls, where)
            else:
                self.sup(cls, where)
        for cls in g.subjects(OWL.hasKey, None):
            self.sub(cls, f"HasKey({self._show(cls)})")
        for individual, cls in g.subject_objects(RDF.type):
            if isinstance(cls, BNode):
                self.sup(cls, f"ClassAssertion({self._show(cls)} {self._show(individual)})")
        # A class expression that stands in none of these places is in no position RL allows.
        for key in _EXPRESSION_KEYS:
            for node in g.subjects(key, None):
                if isinstance(node, BNode) and node not in self.reached and (node, RDF.type, RDFS.Datatype) not in g:
                    self.violations.append(f"{self._show(node)} is a class expression in no OWL 2 RL axiom position")
        return self.violations


def rl_violations(graph: Graph) -> list[str]:
    return _RL(graph).check()


def non_simple_violations(graph: Graph) -> list[str]:
    """OWL 2 global restriction (Structural Specification §11.2), which RL ontologies obey as
    OWL 2 DL ontologies: functional, inverse-functional, irreflexive and asymmetric object
    properties, disjoint properties, cardinalities and self restrictions need simple properties."""
    g = graph
    edges: dict[tuple, set[tuple]] = {}

    def edge(a, b):
        edges.setdefault(a, set()).add(b)

    for p, q in g.subject_objects(RDFS.subPropertyOf):
        edge((p, False), (q, False))
        edge((p, True), (q, True))
    for p, q in g.subject_objects(OWL.equivalentProperty):
        for x, y in (((p, False), (q, False)), ((q, False), (p, False)), ((p, True), (q, True)), ((q, True), (p, True))):
            edge(x, y)
    for p, q in g.subject_objects(OWL.inverseOf):
        for x, y in (((p, False), (q, True)), ((q, True), (p, False)), ((p, True), (q, False)), ((q, False), (p, True))):
            edge(x, y)
    composite = {(p, inverse) for p in set(g.subjects(OWL.propertyChainAxiom, None)) | set(
        g.subjects(RDF.type, OWL.TransitiveProperty)) for inverse in (False, True)}
    non_simple, todo = set(composite), list(composite)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in non_simple:
                non_simple.add(target)
                todo.append(target)

    needs_simple: list[tuple[URIRef, str]] = []
    for kind in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty,
                 OWL.AsymmetricProperty):
        for p in g.subjects(RDF.type, kind):
            if (p, RDF.type, OWL.DatatypeProperty) not in g:
                needs_simple.append((p, f"{kind.n3(g.namespace_manager)}"))
    for p, q in g.subject_objects(OWL.propertyDisjointWith):
        needs_simple += [(p, "owl:propertyDisjointWith"), (q, "owl:propertyDisjointWith")]
    for node in g.subjects(RDF.type, OWL.AllDisjointProperties):
        needs_simple += [(p, "owl:AllDisjointProperties") for p in Collection(g, g.value(node, OWL.members))]
    for key in (OWL.maxCardinality, OWL.minCardinality, OWL.cardinality, OWL.maxQualifiedCardinality,
                OWL.minQualifiedCardinality, OWL.qualifiedCardinality, OWL.hasSelf):
        for node in g.subjects(key, None):
            needs_simple.append((g.value(node, OWL.onProperty), key.n3(g.namespace_manager)))
    return sorted({f"{p.n3(g.namespace_manager)} is used in {why} but is not simple (it is the super-property "
                   f"of a property chain or transitive)" for p, why in needs_simple if (p, False) in non_simple})


def test_ontology_constructs_are_in_owl2_rl_positions(ontology: Graph):
    violations = rl_violations(ontology)
    for violation in violations:
        print("VIOLATION (OWL 2 RL):", violation)
    assert not violations


def test_properties_with_characteristics_are_simple(ontology: Graph):
    violations = non_simple_violations(ontology)
    for violation in violations:
        print("VIOLATION (OWL 2 global restriction):", violation)
    assert not violations


def test_datatypes_are_in_the_owl2_rl_datatype_map(ontology: Graph):
    used = {o for s, o in ontology.subject_objects(RDFS.range) if (s, RDF.type, OWL.DatatypeProperty) in ontology}
    used |= {o for o in ontology.objects(None, OWL.someValuesFrom) if str(o).startswith(XSD)}
    used |= {o for o in ontology.objects(None, OWL.allValuesFrom) if str(o).startswith(XSD)}
    outside = sorted(str(d) for d in used if isinstance(d, URIRef) and d not in RL_DATATYPES)
    for datatype in outside:
        print("VIOLATION (OWL 2 RL datatypes):", datatype)
    assert not outside


# The checkers themselves, on small ontologies: each line below must be judged as stated.

_PREAMBLE = """
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:p a owl:ObjectProperty . :q a owl:ObjectProperty . :d a owl:DatatypeProperty .
"""

RL_CASES = [
    # (Turtle, a fragment the violations must contain, or None for "in OWL 2 RL")
    (":A rdfs:subClassOf :B .", None),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom :B ] .", None),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] .", "superclass"),
    ("[ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] rdfs:subClassOf :A .", None),
    ("[ a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom :B ] rdfs:subClassOf :A .", "subclass"),
    ("[ owl:unionOf ( :B :C ) ] rdfs:subClassOf :A .", None),
    (":A rdfs:subClassOf [ owl:unionOf ( :B :C ) ] .", "superclass"),
    (":A owl:equivalentClass [ owl:unionOf ( :B :C ) ] .", "equivalent-class"),
    (":A owl:equivalentClass [ owl:intersectionOf ( :B [ a owl:Restriction ; owl:onProperty :p ; owl:hasValue :x ] ) ] .",
     None),
    (":A owl:equivalentClass [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] .", "equivalent-class"),
    (":A rdfs:subClassOf [ owl:complementOf :B ] .", None),
    ("[ owl:complementOf :B ] rdfs:subClassOf :A .", "subclass"),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality 1 ] .", None),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:maxCardinality 2 ] .", "max cardinality"),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:minCardinality 1 ] .", "owl:minCardinality"),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:cardinality 1 ] .", "owl:cardinality"),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:hasSelf true ] .", "owl:hasSelf"),
    (":p a owl:ReflexiveProperty .", "owl:ReflexiveProperty"),
    (":A owl:disjointUnionOf ( :B :C ) .", "owl:disjointUnionOf"),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom "
     "[ a owl:Restriction ; owl:onProperty :q ; owl:someValuesFrom :B ] ] .", "superclass"),
    (":p rdfs:range [ owl:intersectionOf ( :B :C ) ] .", None),
    (":p rdfs:range [ owl:unionOf ( :B :C ) ] .", "superclass"),
    (":p rdfs:domain [ a owl:Restriction ; owl:onProperty :q ; owl:someValuesFrom :B ] .", "superclass"),
    (":A owl:disjointWith [ owl:unionOf ( :B :C ) ] .", None),
    (":A owl:disjointWith [ owl:complementOf :B ] .", "subclass"),
    (":x a [ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] .", "superclass"),
    ("[ a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B ] rdfs:comment \"stray\" .", "no OWL 2 RL axiom"),
    (":A rdfs:subClassOf owl:Thing .", "owl:Thing"),
    (":A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty :d ; owl:someValuesFrom xsd:integer ] .", "superclass"),
    ("[ a owl:Restriction ; owl:onProperty :d ; owl:someValuesFrom xsd:integer ] rdfs:subClassOf :A .", None),
]


@pytest.mark.parametrize("turtle, expected", RL_CASES, ids=[f"rl-{i}" for i in range(len(RL_CASES))])
def test_rl_checker_judges(turtle: str, expected: str | None):
    violations = rl_violations(Graph().parse(data=_PREAMBLE + turtle, format="turtle"))
    if expected is None:
        assert violations == []
    else:
        assert any(expected in v for v in violations), violations


SIMPLE_CASES = [
    (":r a owl:IrreflexiveProperty .", None),
    (":r a owl:IrreflexiveProperty ; owl:propertyChainAxiom ( :p :q ) .", ":r"),
    (":r owl:propertyChainAxiom ( :p :q ) . :p a owl:FunctionalProperty .", None),  # a chain's body may be functional
    (":r owl:propertyChainAxiom ( :p :q ) . :r rdfs:subPropertyOf :s . :s a owl:AsymmetricProperty .", ":s"),
    (":r owl:propertyChainAxiom ( :p :q ) . :t owl:inverseOf :r . :t a owl:FunctionalProperty .", ":t"),
    (":t a owl:TransitiveProperty , owl:InverseFunctionalProperty .", ":t"),
    (":d a owl:FunctionalProperty .", None),  # data properties are not subject to the restriction
]


@pytest.mark.parametrize("turtle, expected", SIMPLE_CASES, ids=[f"simple-{i}" for i in range(len(SIMPLE_CASES))])
def test_simplicity_checker_judges(turtle: str, expected: str | None):
    graph = Graph().parse(data=_PREAMBLE + turtle, format="turtle")
    graph.bind("", "http://example.org/")
    violations = non_simple_violations(graph)
    if expected is None:
        assert violations == []
    else:
        assert any(v.startswith(expected + " ") for v in violations), violations


def test_jsonld_context_types_agree_with_the_ontology_ranges(ontology: Graph):
    """The shipped @context types each term as the ontology does: an IRI for object
    properties, the declared range for datatype properties (xsd:date is outside OWL 2 RL's
    datatypes, so dates have no declared range), so that exports round-trip."""
    from diplograph.jsonld import CONTEXT

    prefixes = {k: v for k, v in CONTEXT.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        return URIRef(prefixes[prefix] + local)

    checked = 0
    for term in (v for v in CONTEXT.values() if isinstance(v, dict) and "@type" in v):
        prop = expand(term["@id"])
        if term["@type"] == "@id":
            assert (prop, RDF.type, OWL.ObjectProperty) in ontology, f"{prop} is typed @id but is no object property"
        else:
            assert (prop, RDF.type, OWL.DatatypeProperty) in ontology, f"{prop} has a datatype but is no datatype property"
            ranges = set(ontology.objects(prop, RDFS.range))
            assert not ranges or expand(term["@type"]) in ranges, \
                f"{prop}: the context says {term['@type']}, the ontology's range is {sorted(ranges)}"
        checked += 1
    assert checked >= 5

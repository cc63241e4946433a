"""Checked record files to RDF: asserted triples, and the provenance of each."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib import namespace as rdflib_namespaces
from rdflib.term import Node

from .. import namespaces as ns
from .. import vocabulary
from .checks import document_kind, parse_date
from .registry import state_codes
from .yamlfile import YamlDocument


class _Terms:
    """A namespace whose terms are made once: rdflib's namespaces make a new URIRef
    at every attribute access, a tenth of the time of building a load."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]


DG, WD = _Terms(ns.DG), _Terms(ns.WD)
DCTERMS, OWL, PROV = (_Terms(n) for n in (rdflib_namespaces.DCTERMS, rdflib_namespaces.OWL, rdflib_namespaces.PROV))
RDF, RDFS, XSD = (_Terms(n) for n in (rdflib_namespaces.RDF, rdflib_namespaces.RDFS, rdflib_namespaces.XSD))


@dataclass
class RecordGraphs:
    """The triples one record file gives: lists, not rdflib graphs (adding to an rdflib
    graph costs more than making the terms); a triple may occur twice, the store keeps one."""

    record: URIRef
    asserted: list[tuple[Node, Node, Node]] = field(default_factory=list)
    provenance: list[tuple[Node, Node, Node]] = field(default_factory=list)
    #: minted subject -> (record file, line), to map SHACL results back to records
    origins: dict[URIRef, tuple[str, int, str]] = field(default_factory=dict)


def day_number(date: dt.date) -> int:
    """Proleptic Gregorian day number, so that standard SPARQL can subtract dates."""
    return date.toordinal()


def _date(value) -> Literal:
    return Literal(dt.date.fromisoformat(str(value)).isoformat(), datatype=XSD.date)


def _text(value: str, language: str = "en") -> Literal:
    return Literal(str(value).strip(), lang=language)


class _Builder:
    def __init__(self, doc: YamlDocument, relative: str, out: RecordGraphs, agents: dict[str, URIRef]):
        self.doc = doc
        self.out = out
        self.record = out.record
        self.agents = agents
        self.display = doc.display
        self.a = out.asserted

    def mint(self, subject: URIRef, path: tuple, label: str) -> URIRef:
        """Note that ``subject`` is described by this record, at the line of ``path``."""
        line = self.doc.line(path)
        self.out.provenance.append((subject, DG.curatedIn, self.record))
        self.out.provenance.append((subject, DG.recordLine, Literal(line, datatype=XSD.positiveInteger)))
        self.out.origins.setdefault(subject, (self.display, line, label))
        return subject

    def agent(self, code: str) -> URIRef:
        return self.agents.get(code) or ns.state(code)


def _agents_index(docs: list[YamlDocument], stored_agents: dict[str, URIRef]) -> dict[str, URIRef]:
    index = dict(stored_agents)
    for doc in docs:
        if document_kind(doc) != "entities":
            continue
        for item in doc.data.get("states") or []:
            index[item["code"]] = ns.state(item["code"])
        for item in doc.data.get("organisations") or []:
            index[item["code"]] = ns.organisation(item["code"])
    return index


def build(docs: list[tuple[YamlDocument, str]], stored_agents: dict[str, URIRef]) -> dict[str, RecordGraphs]:
    """RDF for checked documents, one set of graphs per record file (keyed by its path
    relative to the records root), so that a load can write only the changed ones."""
    agents = _agents_index([d for d, _ in docs], stored_agents)
    built: dict[str, RecordGraphs] = {}
    for doc, relative in docs:
        out = built[relative] = RecordGraphs(ns.record(relative))
        builder = _Builder(doc, relative, out, agents)
        if document_kind(doc) == "entities":
            _entities(builder)
        else:
            _episode(builder)
        _record(builder, relative)
    return built


def _record(b: _Builder, relative: str) -> None:
    p = b.out.provenance
    p.append((b.record, RDF.type, DG.Record))
    p.append((b.record, RDF.type, PROV.Entity))
    p.append((b.record, DG.path, Literal(relative)))
    p.append((b.record, DG.sha256, Literal(b.doc.sha256)))
    p.append((b.record, RDFS.label, Literal(f"record file {relative}", lang="en")))


# ---------------------------------------------------------------------------

def _entities(b: _Builder) -> None:
    a = b.a
    for index, item in enumerate(b.doc.data.get("states") or []):
        code = item["code"]
        codes = state_codes(code)
        iri = b.mint(ns.state(code), ("states", index), f"state {code}")
        a.append((iri, RDF.type, DG.State))
        a.append((iri, DG.code, Literal(code)))
        a.append((iri, DG.iso3166Alpha2, Literal(code)))
        a.append((iri, RDFS.label, Literal(item.get("name") or codes.name, lang="en")))
        a.append((iri, DG.iso3166Alpha3, Literal(codes.alpha3)))
        if codes.cow is not None:
            a.append((iri, DG.cowCode, Literal(codes.cow)))
        if codes.gw is not None:
            a.append((iri, DG.gwCode, Literal(codes.gw)))
        a.append((iri, OWL.sameAs, WD[item["wikidata"]]))
        if item.get("note"):
            a.append((iri, DG.curatorNote, _text(item["note"])))
    for index, item in enumerate(b.doc.data.get("organisations") or []):
        code = item["code"]
        iri = b.mint(ns.organisation(code), ("organisations", index), f"organisation {code}")
        a.append((iri, RDF.type, DG.InternationalOrganisation))
        a.append((iri, DG.code, Literal(code)))
        a.append((iri, RDFS.label, _text(item["name"])))
        a.append((iri, OWL.sameAs, WD[item["wikidata"]]))
        for source in item.get("sources") or []:
            a.append((iri, PROV.wasDerivedFrom, _source(b, source, ("organisations", index))))
        for mindex, member in enumerate(item.get("members") or []):
            start = str(member["from"])
            m = b.mint(ns.membership(code, member["state"], start), ("organisations", index, "members", mindex),
                       f"membership of {member['state']} in {code}")
            a.append((m, RDF.type, DG.Membership))
            a.append((m, DG.member, b.agent(member["state"])))
            a.append((m, DG.organisation, iri))
            a.append((m, DG.startDate, _date(start)))
            a.append((m, DG.startDay, Literal(day_number(dt.date.fromisoformat(start)))))
            if member.get("until"):
                a.append((m, DG.endDate, _date(member["until"])))
                a.append((m, DG.endDay, Literal(day_number(dt.date.fromisoformat(str(member["until"]))))))
            if member.get("note"):
                a.append((m, DG.curatorNote, _text(member["note"])))


def _source(b: _Builder, item: dict, path: tuple) -> URIRef:
    url = item["url"]
    iri = b.mint(ns.source(hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]), path, f"source {url}")
    a = b.a
    a.append((iri, RDF.type, DG.Source))
    a.append((iri, ns.SCHEMA.url, Literal(url, datatype=XSD.anyURI)))
    a.append((iri, DCTERMS.publisher, Literal(item["publisher"])))
    if item.get("date"):
        a.append((iri, DCTERMS.date, _date(item["date"])))
    if item.get("date_note"):
        a.append((iri, DG.curatorNote, _text(item["date_note"])))
    if item.get("title"):
        a.append((iri, DCTERMS.title, Literal(item["title"])))
    a.append((iri, DCTERMS.language, Literal(item.get("language", "en"))))
    a.append((iri, RDFS.label, Literal(f"{item['publisher']}" + (f", {item['date']}" if item.get("date") else ""))))
    return iri


def _episode(b: _Builder) -> None:
    a, data = b.a, b.doc.data
    episode = data["episode"]
    ep = b.mint(ns.episode(episode["id"]), ("episode",), f"episode {episode['id']}")
    a.append((ep, RDF.type, DG.Episode))
    a.append((ep, RDFS.label, _text(episode["title"])))
    a.append((ep, DCTERMS.description, _text(episode["summary"])))
    for note in episode.get("notes") or []:
        a.append((ep, DG.curatorNote, _text(note)))

    sources = {item["id"]: _source(b, item, ("sources", i)) for i, item in enumerate(data.get("sources") or [])}

    for index, item in enumerate(data.get("missions") or []):
        m = b.mint(ns.mission(item["id"]), ("missions", index), f"mission {item['id']}")
        a.append((m, RDF.type, vocabulary.mission_types()[item["type"]].iri))
        a.append((m, DG.sendingState, b.agent(item["sending"])))
        a.append((m, DG.host, b.agent(item["host"])))
        if item.get("city"):
            a.append((m, DG.city, Literal(item["city"])))
        label = f"{vocabulary.mission_types()[item['type']].label} of {item['sending']} in {item.get('city') or item['host']}"
        a.append((m, RDFS.label, _text(label)))
        for sid in item.get("sources") or []:
            a.append((m, PROV.wasDerivedFrom, sources[sid]))

    for index, item in enumerate(data.get("coalitions") or []):
        c = b.mint(ns.coalition(item["id"]), ("coalitions", index), f"coalition {item['id']}")
        a.append((c, RDF.type, DG.CoordinatedAction))
        a.append((c, RDFS.label, _text(item["label"])))
        a.append((c, DG.partOfEpisode, ep))
        for sid in item.get("sources") or []:
            a.append((c, PROV.wasDerivedFrom, sources[sid]))

    for index, item in enumerate(data.get("persons") or []):
        p = b.mint(ns.person(item["id"]), ("persons", index), f"person {item['id']}")
        a.append((p, RDF.type, DG.Person))
        a.append((p, RDFS.label, Literal(item["name"])))
        if item.get("wikidata"):
            a.append((p, OWL.sameAs, WD[item["wikidata"]]))
        for tindex, tenure in enumerate(item.get("tenures") or []):
            host = tenure.get("host")
            info = vocabulary.post_types()[tenure["post"]]
            post = b.mint(ns.post(tenure["post"], tenure["state"], host), ("persons", index, "tenures", tindex),
                          f"post {tenure['post']} of {tenure['state']}")
            a.append((post, RDF.type, info.iri))
            a.append((post, DG.servesState, b.agent(tenure["state"])))
            a.append((post, RDFS.label, _text(f"{info.label} of {tenure['state']}" + (f" in {host}" if host else ""))))
            if tenure.get("mission"):
                a.append((post, DG.atMission, ns.mission(tenure["mission"])))
            t = b.mint(ns.tenure(item["id"], tindex + 1), ("persons", index, "tenures", tindex), f"tenure of {item['id']}")
            a.append((t, RDF.type, DG.Tenure))
            a.append((t, DG.holder, p))
            a.append((t, DG.ofPost, post))
            for key, prop, day_prop in (("start", DG.startDate, DG.startDay), ("end", DG.endDate, DG.endDay)):
                if tenure.get(key):
                    a.append((t, prop, _date(tenure[key])))
                    a.append((t, day_prop, Literal(day_number(parse_date(tenure[key])))))
            for sid in tenure.get("sources") or []:
                a.append((t, PROV.wasDerivedFrom, sources[sid]))

    for index, item in enumerate(data.get("acts") or []):
        _act(b, item, ("acts", index), ep, sources)


_STATUS = {"carried-out": DG.CarriedOut, "proposed": DG.Proposed, "disputed": DG.Disputed}


def _act(b: _Builder, item: dict, path: tuple, episode: URIRef, sources: dict[str, URIRef]) -> None:
    a = b.a
    act_id = item["id"]
    info = vocabulary.act_types()[item["type"]]
    act = b.mint(ns.act(act_id), path, f"act {act_id}")
    actor, target = item["actor"], item["target"]
    a.append((act, RDF.type, info.iri))
    a.append((act, DG.partOfEpisode, episode))
    a.append((act, DG.status, _STATUS[item.get("status", "carried-out")]))
    a.append((act, DG.actor, b.agent(actor)))
    a.append((act, DG.target, b.agent(target)))
    dyad = b.mint(ns.dyad(actor, target), path + ("actor",), f"dyad {actor}-{target}")
    a.append((act, DG.dyad, dyad))
    a.append((dyad, RDF.type, DG.Dyad))
    a.append((dyad, DG.dyadFrom, b.agent(actor)))
    a.append((dyad, DG.dyadTo, b.agent(target)))
    a.append((dyad, DG.reverseDyad, ns.dyad(target, actor)))
    a.append((dyad, RDFS.label, Literal(f"{actor} → {target}")))
    announced = parse_date(item["announced"])
    a.append((act, DG.announcedOn, _date(announced)))
    a.append((act, DG.announcementDay, Literal(day_number(announced))))
    a.append((act, RDFS.label, _text(f"{info.label}: {actor} → {target}, {announced.isoformat()}")))
    if item.get("precision", "day") != "day":
        a.append((act, DG.datePrecision, Literal(item["precision"])))
    if item.get("order"):
        a.append((act, DG.announcementOrder, Literal(int(item["order"]))))
    if item.get("time"):
        a.append((act, DG.announcedAt, Literal(str(item["time"]), datatype=XSD.dateTime)))
    if item.get("mutual"):
        a.append((act, DG.mutualAct, Literal(True)))
    for key, prop in (("effective", DG.effectiveOn), ("deadline", DG.departureDeadline)):
        if item.get(key):
            a.append((act, prop, _date(item[key])))
    if item.get("deadline_note"):
        a.append((act, DG.deadlineNote, _text(item["deadline_note"])))
    if item.get("persons") is not None:
        a.append((act, DG.personsAffected, Literal(int(item["persons"]), datatype=XSD.integer)))
    if item.get("ceiling") is not None:
        a.append((act, DG.staffCeiling, Literal(int(item["ceiling"]), datatype=XSD.integer)))
    for findex, figure in enumerate(item.get("figures") or []):
        f = ns.figure(act_id, findex + 1)
        a.append((act, DG.reportedFigure, f))
        a.append((f, RDF.type, DG.PersonsFigure))
        a.append((f, DG.value, Literal(int(figure["value"]), datatype=XSD.integer)))
        a.append((f, PROV.wasDerivedFrom, sources[figure["source"]]))
        if figure.get("note"):
            a.append((f, DG.curatorNote, _text(figure["note"])))
        b.mint(f, path + ("figures", findex), f"figure of {act_id}")
    affects = item.get("affects") or {}
    for pid in affects.get("persons") or []:
        a.append((act, DG.affectsPerson, ns.person(pid)))
    for mid in affects.get("missions") or []:
        a.append((act, DG.affectsMission, ns.mission(mid)))
    if item.get("reason"):
        a.append((act, DG.statedReason, _text(item["reason"])))
    if item.get("reason_outside_diplomacy") is not None:
        a.append((act, DG.reasonOutsideDiplomacy, Literal(bool(item["reason_outside_diplomacy"]))))
    for other in item.get("in_response_to") or []:
        a.append((act, DG.inResponseTo, ns.act(other)))
    for code in item.get("in_solidarity_with") or []:
        a.append((act, DG.inSolidarityWith, b.agent(code)))
    if item.get("coordinated_in"):
        a.append((act, DG.coordinatedIn, ns.coalition(item["coordinated_in"])))
    if item.get("notes"):
        a.append((act, DG.curatorNote, _text(item["notes"])))
    for cindex, citation in enumerate(item.get("sources") or []):
        c = ns.citation(act_id, citation["source"])
        source = sources[citation["source"]]
        a.append((act, DG.hasCitation, c))
        a.append((act, PROV.wasDerivedFrom, source))
        a.append((c, RDF.type, DG.Citation))
        a.append((c, DG.citedSource, source))
        a.append((c, DG.summary, _text(citation["summary"])))
        b.mint(c, path + ("sources", cindex), f"citation of {act_id}")

"""Checks of record files before anything is written: structure, then references and logic.

Every check reports into one :class:`Report` and goes on, so that a single run
lists every problem of every file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Iterable, Iterator

import jsonschema

from .. import resources, vocabulary
from .registry import state_codes
from .report import Report
from .yamlfile import YamlDocument


@cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.schema_file(kind).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(_inline_references(schema), format_checker=jsonschema.FormatChecker())


def _inline_references(schema: dict) -> dict:
    """The schema with each ``{"$ref": "#/$defs/NAME"}`` replaced by that definition:
    the same errors, but jsonschema no longer resolves a reference for every value it
    checks (two fifths of the time it takes over a large load). A reference with
    keywords beside it, to anything else, or within a cycle of definitions is kept."""
    definitions = schema.get("$defs", {})

    def inline(node, resolving: tuple[str, ...]):
        if isinstance(node, list):
            return [inline(item, resolving) for item in node]
        if not isinstance(node, dict):
            return node
        reference = node.get("$ref")
        if isinstance(reference, str) and len(node) == 1 and reference.startswith("#/$defs/"):
            name = reference[len("#/$defs/"):]
            if name in definitions and name not in resolving and "/" not in name and "~" not in name:
                return inline(definitions[name], resolving + (name,))
        return {key: inline(value, resolving) for key, value in node.items()}

    return inline(schema, ())


def document_kind(doc: YamlDocument) -> str:
    """``entities`` for the registry, ``episode`` for everything else."""
    if isinstance(doc.data, dict) and ({"states", "organisations"} & set(doc.data)) and "acts" not in doc.data:
        return "entities"
    return "episode"


def _subject_of(doc: YamlDocument, path: tuple) -> str:
    """``act cz-expels-ru-18`` for a path inside an act, and so on."""
    if len(path) >= 2 and isinstance(path[1], int):
        section, index = path[0], path[1]
        singular = {
            "acts": "act", "sources": "source", "persons": "person", "missions": "mission",
            "coalitions": "coalition", "states": "state", "organisations": "organisation",
        }.get(section, section)
        try:
            item = doc.data[section][index]
            ident = item.get("id") or item.get("code")
        except (KeyError, IndexError, TypeError, AttributeError):
            ident = None
        return f"{singular} {ident}" if ident else f"{singular} #{index + 1}"
    return str(path[0]) if path else ""


def _field_of(path: tuple) -> str:
    rest = [str(p) for p in path[2:]] if len(path) >= 2 and isinstance(path[1], int) else [str(p) for p in path[1:]]
    return ".".join(rest)


def check_structure(doc: YamlDocument, report: Report) -> bool:
    kind = document_kind(doc)
    if not isinstance(doc.data, dict):
        report.error(doc.display, 1, "", "a record file must be a YAML mapping (episode, sources, acts ...)")
        return False
    ok = True
    for error in sorted(_validator(kind).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            extra = [key for key in error.instance if key not in allowed]
            if extra:
                path = path + (extra[0],)
        where = _field_of(path[:-1] if error.validator == "additionalProperties" and path else path)
        message = _friendly(error)
        report.error(doc.display, doc.line(path), _subject_of(doc, path), f"{where}: {message}" if where else message)
        ok = False
    return ok


def _friendly(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "additionalProperties":
        return f"unknown field: {error.message.split('(')[-1].rstrip(')')}"
    if error.validator == "pattern" and isinstance(error.instance, str):
        return f"malformed value {error.instance!r}"
    if error.validator == "format":
        return f"malformed {error.validator_value} {error.instance!r}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return error.message


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass
class Located:
    """An item of a record file with where it stands."""

    doc: YamlDocument
    path: tuple
    item: dict

    @property
    def line(self) -> int:
        return self.doc.line(self.path)

    @property
    def subject(self) -> str:
        return _subject_of(self.doc, self.path)

    def line_of(self, *field_path: Any) -> int:
        return self.doc.line(self.path + tuple(field_path))

    @property
    def display(self) -> str:
        return self.doc.display

    def settled(self) -> "Place":
        """What later checks read of this item, without its document."""
        item = {key: self.item[key] for key in _READ_LATER if key in self.item}
        lines = {key: self.line_of(key) for key in _LINES_READ_LATER if key in self.item}
        return Place(self.display, self.line, self.subject, item, lines)


#: the fields of an item that checks of other files read (an act's date, a source's description)
_READ_LATER = ("id", "code", "announced", "url", "publisher", "date", "title")
_LINES_READ_LATER = ("publisher", "date", "title")


@dataclass(frozen=True, slots=True)
class Place:
    """An item of a record file checked in an earlier batch of a load: where it stands and the
    few fields that the files after it are checked against, so that its document can go."""

    display: str
    line: int
    subject: str
    item: dict
    lines: dict

    def line_of(self, *field_path: Any) -> int:
        return self.lines.get(field_path[0], self.line) if len(field_path) == 1 else self.line


@dataclass
class Catalogue:
    """Everything a load knows about: the files of this load, and what the store already holds."""

    states: dict[str, Located] = field(default_factory=dict)
    organisations: dict[str, Located] = field(default_factory=dict)
    acts: dict[str, Located] = field(default_factory=dict)
    persons: dict[str, Located] = field(default_factory=dict)
    missions: dict[str, Located] = field(default_factory=dict)
    coalitions: dict[str, Located] = field(default_factory=dict)
    episodes: dict[str, Located] = field(default_factory=dict)
    sources_by_url: dict[str, Located] = field(default_factory=dict)
    #: ids the store holds from records outside this load: kind -> id -> record path
    stored: dict[str, dict[str, str]] = field(default_factory=dict)
    #: announcement dates of stored acts outside this load
    stored_act_dates: dict[str, dt.date] = field(default_factory=dict)
    stored_agents: set[str] = field(default_factory=set)
    #: carried-out acts by (actor, target, type, date), to catch one event recorded twice
    events: dict[tuple, Located] = field(default_factory=dict)

    def agent_known(self, code: str) -> bool:
        return code in self.states or code in self.organisations or code in self.stored_agents

    def is_state(self, code: str) -> bool:
        if code in self.states:
            return True
        if code in self.organisations:
            return False
        return code in self.stored_agents and code.isalpha() and len(code) == 2 and code.isupper()

    def id_known(self, kind: str, ident: str) -> bool:
        return ident in getattr(self, kind) or ident in self.stored.get(kind, {})

    def settle(self) -> None:
        """Keep of every item registered so far only its :class:`Place`: a load checked batch
        by batch lets each batch's documents go once they are checked."""
        for table in (self.states, self.organisations, self.acts, self.persons, self.missions, self.coalitions,
                      self.episodes, self.sources_by_url):
            for key, value in table.items():
                if type(value) is Located:
                    table[key] = value.settled()
        for key, value in self.events.items():
            if type(value) is Located:
                # an event is an act the table of ids holds already (as a rule): its place serves
                same = self.acts.get(value.item.get("id"))
                self.events[key] = (same if isinstance(same, Place) and (same.display, same.line)
                                    == (value.display, value.line) else value.settled())


def _items(doc: YamlDocument, section: str) -> Iterator[Located]:
    values = doc.data.get(section) if isinstance(doc.data, dict) else None
    if not isinstance(values, list):
        return
    for index, item in enumerate(values):
        if isinstance(item, dict):
            yield Located(doc, (section, index), item)


def _register(report: Report, table: dict[str, Located], stored: dict[str, str], kind: str, key: str | None, located: Located) -> None:
    if not isinstance(key, str):
        return
    if key in table:
        first = table[key]
        report.error(located.doc.display, located.line, located.subject,
                     f"duplicate {kind} id '{key}', already defined at {first.display}:{first.line}")
    elif key in stored:
        report.error(located.doc.display, located.line, located.subject,
                     f"duplicate {kind} id '{key}', already loaded from {stored[key]}")
    else:
        table[key] = located


def build_catalogue(docs: list[YamlDocument], report: Report, stored: dict[str, dict[str, str]],
                    stored_act_dates: dict[str, dt.date], stored_agents: set[str]) -> Catalogue:
    catalogue = Catalogue(stored=stored, stored_act_dates=stored_act_dates, stored_agents=stored_agents)
    register(catalogue, docs, report)
    return catalogue


def register(catalogue: Catalogue, docs: Iterable[YamlDocument], report: Report) -> None:
    """Add the ids that ``docs`` define to ``catalogue``, reporting those already taken."""
    stored = catalogue.stored
    for doc in docs:
        if not isinstance(doc.data, dict):
            continue
        if document_kind(doc) == "entities":
            for located in _items(doc, "states"):
                _register(report, catalogue.states, {}, "state", located.item.get("code"), located)
            for located in _items(doc, "organisations"):
                _register(report, catalogue.organisations, {}, "organisation", located.item.get("code"), located)
            continue
        episode = doc.data.get("episode")
        if isinstance(episode, dict):
            _register(report, catalogue.episodes, stored.get("episodes", {}), "episode",
                      episode.get("id"), Located(doc, ("episode",), episode))
        for section, table in (("acts", catalogue.acts), ("persons", catalogue.persons),
                               ("missions", catalogue.missions), ("coalitions", catalogue.coalitions)):
            for located in _items(doc, section):
                _register(report, table, stored.get(section, {}), section[:-1], located.item.get("id"), located)


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

def check_entities(doc: YamlDocument, catalogue: Catalogue, report: Report) -> None:
    for located in _items(doc, "states"):
        code = located.item.get("code")
        if isinstance(code, str) and state_codes(code) is None:
            report.error(doc.display, located.line_of("code"), located.subject,
                         f"code: '{code}' is not an ISO 3166-1 alpha-2 code known to the countrycode package")
    for located in _items(doc, "organisations"):
        periods: dict[str, list[tuple[dt.date, dt.date | None, int]]] = {}
        for index, member in enumerate(located.item.get("members") or []):
            if not isinstance(member, dict):
                continue
            line = located.line_of("members", index)
            code = member.get("state")
            if isinstance(code, str) and code not in catalogue.states and code not in catalogue.stored_agents:
                report.error(doc.display, line, located.subject, f"members: unknown state '{code}'")
            start, end = parse_date(member.get("from")), parse_date(member.get("until")) if member.get("until") else None
            if start and end and end < start:
                report.error(doc.display, line, located.subject,
                             f"members: membership of {code} ends ({end}) before it starts ({start})")
            if start and isinstance(code, str):
                for other_start, other_end, other_line in periods.get(code, []):
                    if (other_end is None or start <= other_end) and (end is None or other_start <= end):
                        report.error(doc.display, line, located.subject,
                                     f"members: membership of {code} overlaps the one at line {other_line}")
                periods.setdefault(code, []).append((start, end, line))


# ---------------------------------------------------------------------------
# Episodes
# ---------------------------------------------------------------------------

def check_episode(doc: YamlDocument, catalogue: Catalogue, report: Report) -> None:
    source_ids: dict[str, Located] = {}
    for located in _items(doc, "sources"):
        sid = located.item.get("id")
        if isinstance(sid, str):
            if sid in source_ids:
                report.error(doc.display, located.line, located.subject,
                             f"duplicate source id '{sid}', already at line {source_ids[sid].line}")
            else:
                source_ids[sid] = located
        _check_source_conflict(located, catalogue, report)
    cited: set[str] = set()

    def cite(located: Located, sid: Any, *field_path: Any) -> None:
        if not isinstance(sid, str):
            return
        cited.add(sid)
        if sid not in source_ids:
            report.error(doc.display, located.line_of(*field_path), located.subject,
                         f"{'.'.join(map(str, field_path))}: unknown source '{sid}' (not in this file's sources)")

    def agent(located: Located, code: Any, *field_path: Any, state_only: bool = False) -> None:
        if not isinstance(code, str):
            return
        where = ".".join(map(str, field_path))
        if not catalogue.agent_known(code):
            hint = " (records name states by ISO 3166-1 alpha-2 code, e.g. 'CZ')" if len(code) == 3 and code.isupper() else ""
            report.error(doc.display, located.line_of(*field_path), located.subject, f"{where}: unknown state '{code}'{hint}")
        elif state_only and not catalogue.is_state(code):
            report.error(doc.display, located.line_of(*field_path), located.subject, f"{where}: '{code}' is an organisation, not a state")

    for located in _items(doc, "missions"):
        item = located.item
        agent(located, item.get("sending"), "sending", state_only=True)
        agent(located, item.get("host"), "host")
        if item.get("sending") and item.get("sending") == item.get("host"):
            report.error(doc.display, located.line, located.subject, "a state has no mission in itself (sending = host)")
        for index, sid in enumerate(item.get("sources") or []):
            cite(located, sid, "sources", index)

    for located in _items(doc, "coalitions"):
        for index, sid in enumerate(located.item.get("sources") or []):
            cite(located, sid, "sources", index)

    for located in _items(doc, "persons"):
        for index, tenure in enumerate(located.item.get("tenures") or []):
            if not isinstance(tenure, dict):
                continue
            agent(located, tenure.get("state"), "tenures", index, "state", state_only=True)
            agent(located, tenure.get("host"), "tenures", index, "host")
            mission = tenure.get("mission")
            if isinstance(mission, str) and not catalogue.id_known("missions", mission):
                report.error(doc.display, located.line_of("tenures", index, "mission"), located.subject,
                             f"tenures.{index}.mission: unknown mission '{mission}'")
            start, end = parse_date(tenure.get("start")), parse_date(tenure.get("end"))
            if start and end and end < start:
                report.error(doc.display, located.line_of("tenures", index, "end"), located.subject,
                             f"tenures.{index}.end: {end} is before the start {start}")
            for sindex, sid in enumerate(tenure.get("sources") or []):
                cite(located, sid, "tenures", index, "sources", sindex)

    known_types = vocabulary.act_types()
    for located in _items(doc, "acts"):
        _check_act(located, catalogue, report, known_types, cite, agent, catalogue.events)

    for sid, located in source_ids.items():
        if sid not in cited:
            report.warning(doc.display, located.line, located.subject, "source is cited by no act, person, mission or coalition")


def _check_source_conflict(located: Located, catalogue: Catalogue, report: Report) -> None:
    url = located.item.get("url")
    if not isinstance(url, str):
        return
    first = catalogue.sources_by_url.get(url)
    if first is None:
        catalogue.sources_by_url[url] = located
        return
    for key in ("publisher", "date", "title"):
        a, b = first.item.get(key), located.item.get(key)
        if a and b and a != b:
            report.error(located.doc.display, located.line_of(key), located.subject,
                         f"{key}: the source {url} is described as {b!r} here but as {a!r} at {first.display}:{first.line_of(key)}")


def _check_act(located: Located, catalogue: Catalogue, report: Report, known_types, cite, agent, events) -> None:
    doc, item = located.doc, located.item
    display = doc.display
    kind = item.get("type")
    if isinstance(kind, str) and kind not in known_types:
        report.error(display, located.line_of("type"), located.subject,
                     f"type: unknown act type '{kind}' (known: {', '.join(known_types)})")
    actor, target = item.get("actor"), item.get("target")
    agent(located, actor, "actor")  # a state, or an organisation (the EU declaring staff persona non grata)
    agent(located, target, "target")
    if isinstance(actor, str) and actor == target:
        report.error(display, located.line_of("target"), located.subject, f"target: a state cannot act against itself ('{actor}')")

    announced = parse_date(item.get("announced"))
    if item.get("announced") is not None and announced is None:
        report.error(display, located.line_of("announced"), located.subject, f"announced: not a date: {item.get('announced')!r}")
    for key in ("effective", "deadline"):
        value = item.get(key)
        if value is None:
            continue
        date = parse_date(value)
        if date is None:
            report.error(display, located.line_of(key), located.subject, f"{key}: not a date: {value!r}")
        elif announced and date < announced:
            report.error(display, located.line_of(key), located.subject,
                         f"{key}: {date} is before the announcement {announced}")
    time = item.get("time")
    if isinstance(time, str) and announced and not time.startswith(announced.isoformat()):
        report.error(display, located.line_of("time"), located.subject, f"time: {time} is not on the announcement date {announced}")
    if item.get("precision") == "month" and announced and announced.day != 1:
        report.error(display, located.line_of("announced"), located.subject,
                     "announced: with precision month, the date must be the first of the month")
    if item.get("reason_outside_diplomacy") and not item.get("reason"):
        report.error(display, located.line_of("reason_outside_diplomacy"), located.subject,
                     "reason_outside_diplomacy: say what the reason is (reason), in the curator's words")
    if "ceiling" in item and kind != "staff-ceiling":
        report.error(display, located.line_of("ceiling"), located.subject, "ceiling: only a staff-ceiling act has a ceiling")

    for index, citation in enumerate(item.get("sources") or []):
        if isinstance(citation, dict):
            cite(located, citation.get("source"), "sources", index, "source")
    for index, figure in enumerate(item.get("figures") or []):
        if isinstance(figure, dict):
            cite(located, figure.get("source"), "figures", index, "source")

    for index, other in enumerate(item.get("in_response_to") or []):
        if not isinstance(other, str):
            continue
        where = ("in_response_to", index)
        if other == item.get("id"):
            report.error(display, located.line_of(*where), located.subject, "in_response_to: an act cannot answer itself")
            continue
        if not catalogue.id_known("acts", other):
            report.error(display, located.line_of(*where), located.subject, f"in_response_to: unknown act '{other}'")
            continue
        other_date = (parse_date(catalogue.acts[other].item.get("announced")) if other in catalogue.acts
                      else catalogue.stored_act_dates.get(other))
        if announced and other_date and other_date > announced:
            report.error(display, located.line_of(*where), located.subject,
                         f"in_response_to: '{other}' was announced on {other_date}, after this act ({announced})")
    for index, code in enumerate(item.get("in_solidarity_with") or []):
        agent(located, code, "in_solidarity_with", index)
        if code == actor:
            report.error(display, located.line_of("in_solidarity_with", index), located.subject,
                         "in_solidarity_with: a state does not act in solidarity with itself")
    coalition = item.get("coordinated_in")
    if isinstance(coalition, str) and not catalogue.id_known("coalitions", coalition):
        report.error(display, located.line_of("coordinated_in"), located.subject, f"coordinated_in: unknown coalition '{coalition}'")
    affects = item.get("affects") if isinstance(item.get("affects"), dict) else {}
    for section in ("persons", "missions"):
        for index, ident in enumerate(affects.get(section) or []):
            if isinstance(ident, str) and not catalogue.id_known(section, ident):
                report.error(display, located.line_of("affects", section, index), located.subject,
                             f"affects.{section}: unknown {section[:-1]} '{ident}'")

    if item.get("status", "carried-out") == "carried-out" and announced and isinstance(kind, str):
        key = (actor, target, kind, announced)
        if key in events:
            first = events[key]
            report.error(display, located.line, located.subject,
                         f"duplicate event: same actor, target, type and date as act '{first.item.get('id')}' "
                         f"at {first.display}:{first.line}; merge them or tell them apart")
        else:
            events[key] = located

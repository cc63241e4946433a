"""The states and organisations of the benchmark: the shipped registry, widened to about
200 states with the ISO codes of the ``countrycode`` package.

The shipped states keep their entries (and real Wikidata ids); the others are the states
``countrycode`` gives a Correlates of War code. Their Wikidata ids are placeholders far above
any item Wikidata has minted, distinct from each other and from the real ones, so that no
two states are ever made ``owl:sameAs``; each such entry says so in its ``note``. The
organisations (EU, NATO, GCC, LAS) and their memberships are the shipped file, unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import countrycode
import yaml

from diplograph import resources

PLACEHOLDER_QID_BASE = 990_000_000
PLACEHOLDER_NOTE = ("Synthetic benchmark registry entry: the Wikidata id is a placeholder, "
                    "not this state's item.")


def _shipped(name: str) -> Path:
    return resources.records_dir() / "entities" / name


def _cow_states() -> list[str]:
    """ISO alpha-2 codes of the states countrycode gives a Correlates of War code, sorted."""
    table = countrycode.codelist
    codes = set()
    for code, cow in zip(table["iso2c"], table["cown"]):
        if code and cow is not None and cow == cow:  # cow == cow: not NaN
            codes.add(str(code))
    return sorted(codes)


@dataclass(frozen=True)
class Membership:
    organisation: str
    state: str
    start: dt.date
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class World:
    """The benchmark's registry: state entries in the records format, and memberships."""

    states: list[dict]
    organisations_text: str
    memberships: list[Membership] = field(default_factory=list)

    @classmethod
    def build(cls, size: int = 200) -> "World":
        shipped = yaml.safe_load(_shipped("states.yaml").read_text(encoding="utf-8"))["states"]
        states = [dict(entry) for entry in shipped]
        known = {entry["code"] for entry in states}
        extra = [code for code in _cow_states() if code not in known]
        for index, code in enumerate(extra[: max(0, size - len(states))]):
            states.append({"code": code, "wikidata": f"Q{PLACEHOLDER_QID_BASE + index + 1}", "note": PLACEHOLDER_NOTE})
        text = _shipped("organisations.yaml").read_text(encoding="utf-8")
        world = cls(states=states, organisations_text=text)
        for org in yaml.load(text, Loader=_TextDates)["organisations"]:
            for member in org["members"]:
                until = member.get("until")
                world.memberships.append(Membership(
                    org["code"], member["state"], dt.date.fromisoformat(member["from"]),
                    dt.date.fromisoformat(until) if until else None))
        return world

    @property
    def codes(self) -> list[str]:
        return [entry["code"] for entry in self.states]

    @cached_property
    def _by_state(self) -> dict[str, list[Membership]]:
        index: dict[str, list[Membership]] = {}
        for membership in self.memberships:
            index.setdefault(membership.state, []).append(membership)
        return index

    @cached_property
    def _by_organisation(self) -> dict[str, list[Membership]]:
        index: dict[str, list[Membership]] = {}
        for membership in self.memberships:
            index.setdefault(membership.organisation, []).append(membership)
        return index

    def allies(self, state: str, day: dt.date) -> list[str]:
        """States sharing a membership with ``state`` on ``day`` (sorted, without it)."""
        found: set[str] = set()
        for mine in self._by_state.get(state, []):
            if not mine.holds(day):
                continue
            for other in self._by_organisation[mine.organisation]:
                if other.state != state and other.holds(day):
                    found.add(other.state)
        return sorted(found)

    def share_membership(self, a: str, b: str, day: dt.date) -> bool:
        return b in self.allies(a, day)

    def write(self, records: Path) -> None:
        entities = records / "entities"
        entities.mkdir(parents=True, exist_ok=True)
        header = ("# Synthetic benchmark registry (bench/world.py): the shipped states, and more states\n"
                  "# from the countrycode package with placeholder Wikidata ids. Not curated data.\n")
        body = yaml.dump({"states": self.states}, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)
        (entities / "states.yaml").write_text(header + body, encoding="utf-8")
        (entities / "organisations.yaml").write_text(self.organisations_text, encoding="utf-8")


class _TextDates(yaml.SafeLoader):
    """Dates as text, as the project's loader reads them."""


_TextDates.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _dumper():
    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)

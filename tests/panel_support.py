"""Shared by the tests of panels, pictures and the notebook: the shipped records loaded and
reasoned over once per test session (reasoning takes seconds), and small helpers that read
what the records say, so that tests derive their expectations from the records."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from diplograph.reasoning import reason
from diplograph.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
_CACHE: dict[str, Path] = {}


def reasoned_store(shipped, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the shipped records, loaded and reasoned over (do not write to it:
    copy it with ``private_copy`` first)."""
    if "path" not in _CACHE:
        if not shipped.final.ok:
            pytest.fail("the shipped records could not be loaded:\n" + str(shipped.final.report))
        target = tmp_path_factory.mktemp("reasoned") / "store"
        shutil.copytree(shipped.path, target)
        with EmbeddedStore(target) as store:
            result = reason(store)
        assert result.retaliations > 0, "reasoning over the shipped records found no retaliation"
        _CACHE["path"] = target
    return _CACHE["path"]


def private_copy(path: Path, target: Path) -> Path:
    shutil.copytree(path, target)
    return target


def record_acts() -> list[dict]:
    """Every act of the shipped episode files, as the YAML gives it."""
    acts = []
    for path in sorted((REPO / "records").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        acts.extend(document.get("acts") or [])
    return acts


def registry_states() -> set[str]:
    document = yaml.safe_load((REPO / "records" / "entities" / "states.yaml").read_text(encoding="utf-8"))
    return {entry["code"] for entry in document["states"]}


def dyadic_acts() -> list[dict]:
    """The carried-out acts of one state against another (not those of or against an organisation)."""
    states = registry_states()
    return [a for a in record_acts() if a.get("status", "carried-out") == "carried-out"
            and a["actor"] in states and a["target"] in states]


def announced(act: dict) -> dt.date:
    value = act["announced"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def persons_expelled(actor: str, target: str, year: int) -> int:
    """Persons the records say ``actor`` expelled from ``target``'s missions in ``year``
    (carried-out staff and ambassador expulsions that give a number)."""
    return sum(int(a["persons"]) for a in record_acts()
               if a["actor"] == actor and a["target"] == target and announced(a).year == year
               and a["type"] in ("staff-expulsion", "ambassador-expulsion")
               and a.get("status", "carried-out") == "carried-out" and a.get("persons") is not None)


def memberships() -> list[dict]:
    document = yaml.safe_load((REPO / "records" / "entities" / "organisations.yaml").read_text(encoding="utf-8"))
    out = []
    for organisation in document["organisations"]:
        for member in organisation["members"]:
            until = member.get("until")
            out.append({"organisation": organisation["code"], "state": member["state"],
                        "from": dt.date.fromisoformat(str(member["from"])),
                        "until": dt.date.fromisoformat(str(until)) if until else None})
    return out


def shared_on(a: str, b: str, day: dt.date) -> set[str]:
    def held(state: str) -> set[str]:
        return {m["organisation"] for m in memberships() if m["state"] == state and m["from"] <= day
                and (m["until"] is None or day <= m["until"])}

    return held(a) & held(b)


def code_blocks(path: Path, language: str) -> list[str]:
    """The fenced code blocks of one language in a Markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def commands(path: Path) -> list[list[str]]:
    """Every ``diplograph`` command of the bash blocks of a Markdown file, as argument lists
    (``a && b`` gives two)."""
    out = []
    for block in code_blocks(path, "bash"):
        for line in block.splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words and words[0] == "diplograph":
                    out.append(words[1:])
    return out

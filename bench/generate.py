"""Synthetic but realistic record files, with their ground truth, deterministic for a seed.

N acts among about 200 states over 30 years (1995-2024), written in the project's records
format (one YAML file per episode under ``records/<year>/``, low-profile incidents in one
file per month) with a registry (``records/entities``), and ``truth.json`` beside them:
which act answers which, which acts were taken in solidarity with whom.

The model, in episodes:

- tit-for-tat: X acts against Y; Y answers (most of the time, within days), X may answer
  again, each answer mirroring, escalating or de-escalating the act it answers;
- solidarity waves: X acts against Y, then states sharing a membership with X (EU, NATO,
  GCC, Arab League, as the registry dates them) act against Y within days, some of them
  together (a coalition), now and then a state outside X's organisations that the records
  say acted in solidarity; Y answers X and some of the supporters;
- escalation ladders: a dyad climbs the escalation ladder (summons, expulsions, recalls,
  downgrade, closure, severance), sometimes followed much later by a restoration;
- same-day mutual acts: X and Y act against each other on one day, with their order of
  announcement recorded or not (then the pair is mutual: either direction is right);
- noise: isolated acts on random dyads, a few of them proposed or disputed.

Activity is skewed: a few states and some rival dyads carry most episodes. Records assert
a share of the links (``in_response_to``, ``in_solidarity_with``) as sources would; the
rest is for the reasoner to find. Text fields say that the records are synthetic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from diplograph import vocabulary

from . import GENERATOR_VERSION
from .world import PLACEHOLDER_NOTE, World, _dumper

START = dt.date(1995, 1, 1)
END = dt.date(2024, 12, 31)
WINDOW = 30

#: share of the acts that are isolated incidents
NOISE_SHARE = 0.15
#: share of true responses and solidarity acts whose link the records assert
ASSERTED_RESPONSE = 0.3
ASSERTED_SOLIDARITY = 0.3

_EPISODE_KINDS = (("tit-for-tat", 0.55), ("solidarity-wave", 0.2), ("escalation", 0.12), ("same-day", 0.13))

_TRIGGER_TYPES = (
    ("summons", 12), ("staff-expulsion", 45), ("withdrawal-of-consent", 5), ("staff-ceiling", 3),
    ("property-restriction", 2), ("ambassador-expulsion", 7), ("ambassador-recall", 6),
    ("recall-for-consultations", 5), ("permanent-recall", 1), ("mission-downgrade", 3),
    ("consulate-closure", 4), ("embassy-closure", 2), ("mission-closure", 1),
    ("other-mission-closure", 1), ("severance", 1),
)
_NOISE_TYPES = (("summons", 45), ("staff-expulsion", 35), ("withdrawal-of-consent", 5),
                ("recall-for-consultations", 8), ("ambassador-expulsion", 4), ("consulate-closure", 3))
_EXPELS_PERSONS = {"staff-expulsion", "withdrawal-of-consent"}
_PUBLISHERS = ("Reuters", "Agence France-Presse", "Associated Press", "TASS", "Xinhua", "Al Jazeera",
               "BBC News", "Deutsche Welle", "Anadolu Agency", "Kyodo News", "EFE", "ANSA")


@dataclass
class Act:
    id: str
    type: str
    actor: str
    target: str
    day: dt.date
    status: str = "carried-out"
    order: int | None = None
    mutual: bool = False
    persons: int | None = None
    ceiling: int | None = None
    deadline: dt.date | None = None
    reason: str | None = None
    in_response_to: list[str] = field(default_factory=list)
    in_solidarity_with: list[str] = field(default_factory=list)
    coordinated_in: str | None = None

    def record(self, source: str, summary: str) -> dict:
        """The act as it stands in a record file."""
        item: dict = {"id": self.id, "type": self.type}
        if self.status != "carried-out":
            item["status"] = self.status
        item.update(actor=self.actor, target=self.target, announced=self.day.isoformat())
        if self.order is not None:
            item["order"] = self.order
        if self.mutual:
            item["mutual"] = True
        if self.deadline is not None:
            item["deadline"] = self.deadline.isoformat()
        if self.persons is not None:
            item["persons"] = self.persons
        if self.ceiling is not None:
            item["ceiling"] = self.ceiling
        if self.reason:
            item["reason"] = self.reason
        if self.in_response_to:
            item["in_response_to"] = list(self.in_response_to)
        if self.in_solidarity_with:
            item["in_solidarity_with"] = list(self.in_solidarity_with)
        if self.coordinated_in:
            item["coordinated_in"] = self.coordinated_in
        item["sources"] = [{"source": source, "summary": summary}]
        return item


@dataclass
class Episode:
    id: str
    kind: str
    title: str
    acts: list[Act] = field(default_factory=list)
    coalitions: list[dict] = field(default_factory=list)
    retaliation: list[dict] = field(default_factory=list)
    solidarity: list[dict] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.acts[0].day.year

    def trim(self, keep: int) -> None:
        """Keep the first ``keep`` acts (in the order made: answers come after what they answer)."""
        kept = {act.id for act in self.acts[:keep]}
        self.acts = self.acts[:keep]
        self.retaliation = [t for t in self.retaliation if t["response"] in kept and t["trigger"] in kept]
        self.solidarity = [t for t in self.solidarity if t["act"] in kept and t["trigger"] in kept]
        used = {act.coordinated_in for act in self.acts}
        self.coalitions = [c for c in self.coalitions if c["id"] in used]


@dataclass
class Dataset:
    """What the generator made: where the files are and the ground truth."""

    directory: Path
    records: Path
    truth: dict

    @property
    def truth_file(self) -> Path:
        return self.directory / "truth.json"


class Generator:
    def __init__(self, acts: int, seed: int = 1, states: int = 200):
        if acts < 10:
            raise ValueError("the generator makes at least 10 acts")
        self.target = acts
        self.seed = seed
        self.rng = random.Random(f"diplograph-bench-{GENERATOR_VERSION}-{seed}")
        self.world = World.build(states)
        self.types = vocabulary.act_types()
        self.by_rank: dict[int, list[str]] = {}
        for keyword, info in self.types.items():
            if info.restrictive and info.escalation_rank is not None:
                self.by_rank.setdefault(info.escalation_rank, []).append(keyword)
        shipped = [e["code"] for e in self.world.states if e.get("note") != PLACEHOLDER_NOTE]
        extra = [e["code"] for e in self.world.states if e.get("note") == PLACEHOLDER_NOTE]
        self.rng.shuffle(shipped)
        self.rng.shuffle(extra)
        self.states = shipped + extra
        self.weights = [1.0 / (rank + 3) ** 0.9 for rank in range(len(self.states))]
        top = self.states[:30]
        self.rivals: list[tuple[str, str]] = []
        while len(self.rivals) < 40:
            x, y = self.rng.sample(top, 2)
            if (x, y) not in self.rivals and (y, x) not in self.rivals:
                self.rivals.append((x, y))
        self.events: set[tuple] = set()
        self.serial = 0
        self.span = (END - START).days

    # -- small draws -------------------------------------------------------

    def _state(self, avoid: tuple[str, ...] = ()) -> str:
        while True:
            state = self.rng.choices(self.states, self.weights)[0]
            if state not in avoid:
                return state

    def _dyad(self, rival_share: float) -> tuple[str, str]:
        if self.rng.random() < rival_share:
            x, y = self.rng.choice(self.rivals)
            return (x, y) if self.rng.random() < 0.5 else (y, x)
        x = self._state()
        return x, self._state((x,))

    def _day(self, margin: int = 120) -> dt.date:
        # activity grows over the period: later years get more episodes
        return START + dt.timedelta(days=int((self.span - margin) * self.rng.random() ** 0.8))

    def _lag(self, mean: float = 4.0, cap: int = 25) -> int:
        return min(cap, 1 + int(self.rng.expovariate(1 / mean)))

    def _persons(self) -> int:
        return min(150, int(self.rng.paretovariate(1.3)))

    def _pick(self, table) -> str:
        return self.rng.choices([k for k, _ in table], [w for _, w in table])[0]

    def _free_day(self, actor: str, target: str, kind: str, day: dt.date, status: str) -> dt.date:
        """The first day from ``day`` on which this act is not the same event as another
        (the loader refuses two carried-out acts of one type by one actor on one target on one day)."""
        if status != "carried-out":
            return day
        while (actor, target, kind, day) in self.events:
            day += dt.timedelta(days=1)
        self.events.add((actor, target, kind, day))
        return day

    def _act(self, episode: Episode, kind: str, actor: str, target: str, day: dt.date, *,
             status: str = "carried-out", persons: int | None = None, **extra) -> Act:
        day = self._free_day(actor, target, kind, day, status)
        self.serial += 1
        act = Act(id=f"{actor.lower()}-{kind}-{target.lower()}-{day:%Y%m%d}-{self.serial}", type=kind,
                  actor=actor, target=target, day=day, status=status, **extra)
        if kind in _EXPELS_PERSONS:
            act.persons = persons if persons is not None else self._persons()
            if self.rng.random() < 0.6:
                act.deadline = day + dt.timedelta(days=self.rng.choice((1, 2, 3, 7, 14)))
        elif kind == "ambassador-expulsion":
            act.persons = 1
        elif kind == "staff-ceiling" and self.rng.random() < 0.5:
            act.ceiling = self.rng.randint(5, 120)
        if self.rng.random() < 0.2:
            act.reason = f"Synthetic benchmark record: the stated reason of {actor}."
        episode.acts.append(act)
        return act

    def _answer_type(self, previous: Act) -> tuple[str, int | None]:
        """Mirror (same type, same count), escalate or de-escalate the act answered."""
        rank = self.types[previous.type].escalation_rank or 1
        draw = self.rng.random()
        if draw < 0.6:
            return previous.type, previous.persons
        if draw < 0.85:
            if previous.persons is not None and self.rng.random() < 0.5:
                return previous.type, previous.persons + self.rng.randint(1, 5)
            return (self.rng.choice(self.by_rank[rank + 1]) if rank + 1 in self.by_rank else previous.type), None
        if previous.persons is not None and previous.persons > 1 and self.rng.random() < 0.5:
            return previous.type, self.rng.randint(1, previous.persons - 1)
        return (self.rng.choice(self.by_rank[rank - 1]) if rank - 1 in self.by_rank else previous.type), None

    def _respond(self, episode: Episode, previous: Act, lag: int, **extra) -> Act:
        kind, persons = self._answer_type(previous)
        answer = self._act(episode, kind, previous.target, previous.actor,
                           previous.day + dt.timedelta(days=lag), persons=persons, **extra)
        asserted = self.rng.random() < ASSERTED_RESPONSE
        if asserted:
            answer.in_response_to = [previous.id]
        episode.retaliation.append({"response": answer.id, "trigger": previous.id, "mutual": False,
                                    "asserted": asserted})
        return answer

    # -- episodes ------------------------------------------------------------

    def _episode(self, kind: str, x: str, y: str, day: dt.date) -> Episode:
        self.serial += 1
        return Episode(id=f"{day.year}-{x.lower()}-{y.lower()}-{kind}-{self.serial}", kind=kind,
                       title=f"Synthetic benchmark episode: {kind} between {x} and {y}, {day:%B %Y}")

    def tit_for_tat(self) -> Episode:
        x, y = self._dyad(0.5)
        episode = self._episode("tit-for-tat", x, y, day := self._day())
        act = self._act(episode, self._pick(_TRIGGER_TYPES), x, y, day)
        chance = 0.85
        for _ in range(6):
            if self.rng.random() >= chance:
                break
            act = self._respond(episode, act, self._lag())
            chance = 0.4
        return episode

    def solidarity_wave(self) -> Episode:
        x, y = self._dyad(0.3)
        day = self._day()
        episode = self._episode("solidarity", x, y, day)
        trigger = self._act(episode, self._pick((("staff-expulsion", 8), ("ambassador-expulsion", 1),
                                                 ("consulate-closure", 1))), x, y, day)
        allies = [s for s in self.world.allies(x, trigger.day) if s != y]
        count = min(len(allies), 1 + int(self.rng.expovariate(1 / 3)), 12)
        supporters = [(z, False) for z in self.rng.sample(allies, count)]
        if self.rng.random() < 0.3 or not supporters:
            outsider = self._state((x, y, *allies))
            supporters.append((outsider, True))
        coalition = None
        if len(supporters) >= 3 and self.rng.random() < 0.25:
            coalition = {"id": f"{episode.id}-joint", "label": f"Synthetic benchmark coalition of {episode.id}"}
            episode.coalitions.append(coalition)
            joint_day = trigger.day + dt.timedelta(days=self._lag(3, 10))
        waves = []
        for index, (z, outsider) in enumerate(supporters):
            together = coalition is not None and index < 3 and not outsider
            lag_day = joint_day if together else trigger.day + dt.timedelta(days=self._lag(3, 10))
            act = self._act(episode, "staff-expulsion", z, y, lag_day, persons=self.rng.randint(1, 3),
                            coordinated_in=coalition["id"] if together else None)
            asserted = outsider or self.rng.random() < ASSERTED_SOLIDARITY
            if asserted:
                act.in_solidarity_with = [x]
            episode.solidarity.append({"act": act.id, "supports": x, "trigger": trigger.id, "asserted": asserted})
            waves.append(act)
        if self.rng.random() < 0.8:
            self._respond(episode, trigger, self._lag())
        for act in waves:
            if self.rng.random() < 0.6:
                self._respond(episode, act, self._lag(5))
        return episode

    def escalation(self) -> Episode:
        x, y = self._dyad(0.6)
        episode = self._episode("escalation", x, y, day := self._day(800))
        ranks = sorted(self.by_rank)
        rank = self.rng.choice(ranks[:2])
        act = self._act(episode, self.rng.choice(self.by_rank[rank]), x, y, day)
        for _ in range(self.rng.randint(2, 6)):
            rank = min(ranks[-1], rank + self.rng.choice((0, 1, 1)))
            kind = self.rng.choice(self.by_rank[rank])
            answer = self._act(episode, kind, act.target, act.actor, act.day + dt.timedelta(days=self._lag(5, 20)))
            asserted = self.rng.random() < ASSERTED_RESPONSE
            if asserted:
                answer.in_response_to = [act.id]
            episode.retaliation.append({"response": answer.id, "trigger": act.id, "mutual": False, "asserted": asserted})
            act = answer
        if self.rng.random() < 0.5:
            later = act.day + dt.timedelta(days=self.rng.randint(90, 700))
            self._act(episode, "restoration", x, y, later, mutual=True)
        return episode

    def same_day(self) -> Episode:
        x, y = self._dyad(0.4)
        episode = self._episode("same-day", x, y, day := self._day())
        ordered = self.rng.random() < 0.6
        kind = self._pick(_TRIGGER_TYPES)
        first = self._act(episode, kind, x, y, day, order=1 if ordered else None)
        # the answer on the same day: the same type if that event is free, else another one
        answer_kind = next((k for k in (kind, "summons", "staff-expulsion", "recall-for-consultations")
                            if (y, x, k, first.day) not in self.events), None)
        if answer_kind is None:
            return episode
        second = self._act(episode, answer_kind, y, x, first.day, order=2 if ordered else None,
                           persons=first.persons if answer_kind == kind else None)
        asserted = self.rng.random() < ASSERTED_RESPONSE
        if asserted:
            second.in_response_to = [first.id]
        episode.retaliation.append({"response": second.id, "trigger": first.id, "mutual": not ordered,
                                    "asserted": asserted})
        return episode

    def noise(self) -> Act:
        x, y = self._dyad(0.2)
        holder = Episode("", "noise", "")
        status = "carried-out" if self.rng.random() > 0.08 else self.rng.choice(("proposed", "disputed"))
        return self._act(holder, self._pick(_NOISE_TYPES), x, y, self._day(0), status=status)

    # -- the whole dataset ---------------------------------------------------

    def episodes(self) -> tuple[list[Episode], list[Act]]:
        kinds = {"tit-for-tat": self.tit_for_tat, "solidarity-wave": self.solidarity_wave,
                 "escalation": self.escalation, "same-day": self.same_day}
        structured = self.target - round(self.target * NOISE_SHARE)
        episodes: list[Episode] = []
        made = 0
        while made < structured:
            episode = kinds[self._pick(_EPISODE_KINDS)]()
            if made + len(episode.acts) > structured:
                episode.trim(structured - made)
            if episode.acts:
                episodes.append(episode)
                made += len(episode.acts)
        noise = [self.noise() for _ in range(self.target - made)]
        return episodes, noise


def _incremental(generator: Generator, episodes: list[Episode]) -> tuple[Episode, Act] | None:
    """One more act, kept out of the records: the answer to the last act of a tit-for-tat
    episode, for the benchmark to add to a loaded and reasoned graph."""
    candidates = [e for e in episodes if e.kind == "tit-for-tat" and e.acts[-1].status == "carried-out"]
    if not candidates:
        return None
    episode = candidates[len(candidates) // 2]
    holder = Episode("", "incremental", "")
    last = episode.acts[-1]
    act = generator._act(holder, last.type, last.target, last.actor, last.day + dt.timedelta(days=2),
                         persons=last.persons)
    return episode, act


def _summary(act: Act) -> str:
    what = act.type.replace("-", " ")
    count = f" of {act.persons} persons" if act.persons else ""
    return (f"Synthetic benchmark record: reports a {what}{count} by {act.actor} against "
            f"{act.target} announced on {act.day.isoformat()}.")


def _source(episode_id: str, act: Act, index: int, rng: random.Random) -> dict:
    return {"id": f"s{index}", "url": f"https://example.org/diplograph-bench/{episode_id}/{act.id}",
            "publisher": rng.choice(_PUBLISHERS), "date": act.day.isoformat()}


def _document(episode_id: str, title: str, summary: str, acts: list[Act], coalitions: list[dict],
              rng: random.Random) -> dict:
    sources, items = [], []
    for index, act in enumerate(acts, start=1):
        sources.append(_source(episode_id, act, index, rng))
        items.append(act.record(f"s{index}", _summary(act)))
    document: dict = {"episode": {"id": episode_id, "title": title, "summary": summary}, "sources": sources}
    if coalitions:
        document["coalitions"] = [{"id": c["id"], "label": c["label"], "sources": ["s1"]} for c in coalitions]
    document["acts"] = items
    return document


def _write_yaml(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(document, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)
    path.write_text("# Synthetic benchmark records (bench/generate.py). Not curated data.\n" + text, encoding="utf-8")


def _busiest(acts: list[Act], files: dict[str, dict]) -> dict:
    """Representative parameters for the named queries: the busiest state and dyad, the
    largest record file's episode, an act that set off solidarity, a middle date."""
    states: dict[str, int] = {}
    dyads: dict[tuple[str, str], int] = {}
    for act in acts:
        states[act.actor] = states.get(act.actor, 0) + 1
        states[act.target] = states.get(act.target, 0) + 1
        key = tuple(sorted((act.actor, act.target)))
        dyads[key] = dyads.get(key, 0) + 1
    state = max(sorted(states), key=states.get)
    dyad = max(sorted(dyads), key=dyads.get)
    largest = max(files.values(), key=lambda f: (len(f["acts"]), f["id"]))
    supported = [a for a in acts if a.in_solidarity_with]
    wave = next((f for f in files.values() if any(a.in_solidarity_with for a in f["acts"])), largest)
    days = sorted(act.day for act in acts)
    return {"state": state, "state_acts": states[state], "dyad": list(dyad), "dyad_acts": dyads[dyad],
            "episode": largest["id"], "episode_acts": len(largest["acts"]), "solidarity_episode": wave["id"],
            "act": supported[0].id if supported else acts[0].id, "date": days[len(days) // 2].isoformat()}


LAYOUTS = ("month", "episode")


def _files(episodes: list[Episode], noise: list[Act], layout: str) -> dict[str, dict]:
    """Record files by path relative to ``records/``: their episode header, acts and coalitions.

    ``episode``: one file per episode, the convention of the curated records, and the
    isolated incidents of a month in one file. ``month``: every act of a month (the
    episodes that start in it, and its incidents) in one file: 360 files over 30 years
    whatever the number of acts, as an import of coded events would be written.
    """
    files: dict[str, dict] = {}

    def month_file(day: dt.date) -> dict:
        key = f"{day.year}/{day.year}-{day.month:02d}.yaml"
        if key not in files:
            files[key] = {"id": f"{day.year}-{day.month:02d}-acts",
                          "title": f"Synthetic benchmark acts, {day:%B %Y}",
                          "summary": "Every synthetic act of one month (episodes starting in it and isolated "
                                     "incidents); generated to measure Diplograph, not a historical account.",
                          "acts": [], "coalitions": []}
        return files[key]

    for episode in episodes:
        if layout == "episode":
            files[f"{episode.year}/{episode.id}.yaml"] = {
                "id": episode.id, "title": episode.title, "acts": list(episode.acts), "coalitions": episode.coalitions,
                "summary": f"Synthetic benchmark episode of {len(episode.acts)} acts ({episode.kind}), "
                           "generated to measure Diplograph; not a historical account."}
        else:
            target = month_file(episode.acts[0].day)
            target["acts"].extend(episode.acts)
            target["coalitions"].extend(episode.coalitions)
    for act in sorted(noise, key=lambda a: (a.day, a.id)):
        if layout == "episode":
            key = f"{act.day.year}/{act.day.year}-{act.day.month:02d}-incidents.yaml"
            files.setdefault(key, {"id": f"{act.day.year}-{act.day.month:02d}-incidents",
                                   "title": f"Synthetic benchmark incidents, {act.day:%B %Y}",
                                   "summary": "Isolated synthetic incidents of one month; not a historical account.",
                                   "acts": [], "coalitions": []})["acts"].append(act)
        else:
            month_file(act.day)["acts"].append(act)
    return dict(sorted(files.items()))


def generate(directory: Path, acts: int, *, seed: int = 1, states: int = 200, layout: str = "month") -> Dataset:
    """Write ``records/`` and ``truth.json`` under ``directory`` (replacing what was there)."""
    import shutil

    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout '{layout}' (known: {', '.join(LAYOUTS)})")
    directory = Path(directory)
    records = directory / "records"
    if records.exists():
        shutil.rmtree(records)
    generator = Generator(acts, seed=seed, states=states)
    episodes, noise = generator.episodes()
    incremental = _incremental(generator, episodes)
    generator.world.write(records)
    text_rng = random.Random(f"diplograph-bench-text-{seed}")

    files = _files(episodes, noise, layout)
    file_of: dict[str, str] = {}
    for relative, content in files.items():
        _write_yaml(records / relative, _document(content["id"], content["title"], content["summary"],
                                                   content["acts"], content["coalitions"], text_rng))
        for act in content["acts"]:
            file_of[act.id] = relative

    all_acts = [a for e in episodes for a in e.acts] + noise
    truth = {
        "generator": {"version": GENERATOR_VERSION, "seed": seed, "acts": acts, "states": len(generator.states),
                      "layout": layout, "start": START.isoformat(), "end": END.isoformat(), "window_days": WINDOW,
                      "noise_share": NOISE_SHARE, "asserted_response_share": ASSERTED_RESPONSE,
                      "asserted_solidarity_share": ASSERTED_SOLIDARITY},
        "counts": {
            "acts": len(all_acts), "episodes": len(episodes), "noise": len(noise), "files": len(files) + 2,
            **{kind: sum(1 for e in episodes if e.kind == kind) for kind in ("tit-for-tat", "solidarity", "escalation", "same-day")},
        },
        "retaliation": [t for e in episodes for t in e.retaliation],
        "solidarity": [t for e in episodes for t in e.solidarity],
        "busiest": _busiest(all_acts, files),
    }
    if incremental:
        episode, act = incremental
        truth["incremental"] = {"file": file_of[episode.acts[-1].id], "answers": episode.acts[-1].id,
                                "act": act.record("s1", _summary(act))}
    (directory / "truth.json").write_text(json.dumps(truth, indent=None, separators=(",", ":")), encoding="utf-8")
    return Dataset(directory, records, truth)


def digest(records: Path) -> str:
    """One digest of every record file (paths and contents), to tell two datasets apart."""
    h = hashlib.sha256()
    for path in sorted(p for p in records.rglob("*.yaml")):
        h.update(path.relative_to(records).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()

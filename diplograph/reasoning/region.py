"""The acts an update after a load reasons over again (reasoning/incremental.py): those whose
temporal inferences a changed act can reach, and everything the rules read to infer them.

For a changed act ``c`` (actor X, target Y, day d; before and after the change, both):

- **retaliation** (rules 10 and 20) and **levels** (50 and 51) read, for one act, only acts of
  its dyad: every act between X and Y, both ways and at any date, is in the region (the end of a
  level is the next change of the pair, at any distance);
- **solidarity** (rule 30) of an act ``r`` against a target T on day e reads the acts against T
  within the solidarity window before e, and whether r answers a trigger of its own (its dyad
  within the retaliation window before e, and the acts its records say it answers). Its result
  can change when ``c`` is one of those acts (r against Y within the window after d), when r's
  retaliation changed (r of the pair X-Y within the retaliation window after d, or answering
  ``c`` by the records), when the records say r supports X against Y (at any distance after d),
  or when r is ``c``. Those acts are in the region, and so is what each of them reads; with
  asserted support, the supported state's acts against T before e.

Every act outside those whose result can change infers, from the region, something that does
not depend on ``c``: the same before and after, so the difference leaves it out. The chains
and the OWL consequences are updated apart (incremental.py).
"""

from __future__ import annotations

from urllib.parse import unquote

import pyoxigraph as ox

from .. import namespaces as ns
from ..namespaces import DG, Graphs
from .changelog import Changes, Description, Descriptions, act_of

_ASSERTED = ox.NamedNode(str(Graphs.ASSERTED))
_ACTOR, _TARGET, _DYAD = (ox.NamedNode(str(p)) for p in (DG.actor, DG.target, DG.dyad))
_REVERSE, _DAY = ox.NamedNode(str(DG.reverseDyad)), ox.NamedNode(str(DG.announcementDay))
_ANSWERS, _SUPPORTS = ox.NamedNode(str(DG.inResponseTo)), ox.NamedNode(str(DG.inSolidarityWith))


class _Acts:
    """What the region needs of the acts in the store, each read once: indexed lookups only."""

    def __init__(self, engine: ox.Store) -> None:
        self._engine = engine
        self._days: dict[ox.NamedNode, int | None] = {}
        self._against: dict[ox.Term, list[ox.NamedNode]] = {}
        self._actors: dict[ox.NamedNode, ox.Term | None] = {}

    def _objects(self, subject: ox.Term, predicate: ox.NamedNode) -> list[ox.Term]:
        return [q.object for q in self._engine.quads_for_pattern(subject, predicate, None, _ASSERTED)]

    def _subjects(self, predicate: ox.NamedNode, obj: ox.Term) -> list[ox.NamedNode]:
        return [q.subject for q in self._engine.quads_for_pattern(None, predicate, obj, _ASSERTED)]

    def day(self, act: ox.NamedNode) -> int | None:
        if act not in self._days:
            days = self._objects(act, _DAY)
            try:
                self._days[act] = int(days[0].value) if len(days) == 1 else None
            except ValueError:
                self._days[act] = None
        return self._days[act]

    def against(self, target: ox.Term) -> list[ox.NamedNode]:
        if target not in self._against:
            self._against[target] = self._subjects(_TARGET, target)
        return self._against[target]

    def of_pair(self, facts: "_Facts") -> set[ox.NamedNode]:
        """The acts of an act's dyad and of its reverse (named as the loader names it: the store
        may hold no node for it any more, when the act was its only one)."""
        dyads = {facts.dyad, *self._objects(facts.dyad, _REVERSE)}
        codes = [_code(agent) for agent in (facts.target, facts.actor)]
        if None not in codes:
            dyads.add(ox.NamedNode(str(ns.dyad(*codes))))
        return {act for d in dyads for act in self._subjects(_DYAD, d)}

    def answering(self, act: ox.NamedNode) -> list[ox.NamedNode]:
        return self._subjects(_ANSWERS, act)

    def supporting(self, state: ox.Term) -> list[ox.NamedNode]:
        return self._subjects(_SUPPORTS, state)

    def within(self, acts, first: int, last: int) -> set[ox.NamedNode]:
        """Those of ``acts`` of a day from ``first`` to ``last`` (an act without one day: all)."""
        kept = set()
        for act in acts:
            day = self.day(act)
            if day is None or first <= day <= last:
                kept.add(act)
        return kept

    def actor(self, act: ox.NamedNode) -> ox.Term | None:
        if act not in self._actors:
            actors = self._objects(act, _ACTOR)
            self._actors[act] = actors[0] if len(actors) == 1 else None
        return self._actors[act]

    def facts(self, act: ox.NamedNode) -> "_Facts":
        return _Facts(self._engine.quads_for_pattern(act, None, None, _ASSERTED))


def _code(agent: ox.Term | None) -> str | None:
    """The code in a state's or an organisation's IRI (what the loader names dyads with)."""
    for what in ("state", "organisation"):
        if isinstance(agent, ox.NamedNode) and agent.value.startswith(ns.ID + what + "/"):
            return unquote(agent.value[len(ns.ID + what + "/"):])
    return None


class _Facts:
    """An act's actor, target, dyad, day and what its records say it answers and supports."""

    def __init__(self, triples) -> None:
        self.actor = self.target = self.dyad = None
        self.day: int | None = None
        self.answers: list[ox.Term] = []
        self.supports: list[ox.Term] = []
        for t in triples:
            if t.predicate == _ACTOR:
                self.actor = t.object
            elif t.predicate == _TARGET:
                self.target = t.object
            elif t.predicate == _DYAD:
                self.dyad = t.object
            elif t.predicate == _DAY:
                try:
                    self.day = int(t.object.value)
                except ValueError:
                    self.day = None
            elif t.predicate == _ANSWERS:
                self.answers.append(t.object)
            elif t.predicate == _SUPPORTS:
                self.supports.append(t.object)


def region(engine: ox.Store, changes: Changes, changed: set[ox.NamedNode], now: Descriptions,
           *, retaliation_days: int, solidarity_days: int) -> set[ox.NamedNode]:
    """The acts to reason over again (see the module's docstring), now or as the run saw them."""
    acts = _Acts(engine)
    changed_acts = {act for act in map(act_of, changed) if act is not None}
    versions: list[tuple[ox.NamedNode, Description]] = []
    for act in changed_acts:
        for version in (changes.before.get(act), changes.after.get(act)):
            versions.append((act, now(act) if version is None else version))
    reached = set(changed_acts)
    recomputed = set(changed_acts)  # acts whose solidarity can change
    for act, version in versions:
        facts = _Facts(version)
        if facts.dyad is None:
            continue
        pair = acts.of_pair(facts)
        reached |= pair
        if facts.day is None:  # not an act the rules date: every act of the pair and against its target
            recomputed |= pair | set(acts.against(facts.target))
            continue
        day = facts.day
        recomputed |= acts.within(pair, day, day + retaliation_days)
        recomputed.update(acts.answering(act))
        recomputed |= acts.within(acts.against(facts.target), day, day + solidarity_days)
        recomputed |= {r for r in acts.supporting(facts.actor)
                       if acts.facts(r).target == facts.target and (acts.day(r) or day) >= day}
    for act in recomputed - changed_acts:
        reached |= _read_for_solidarity(acts, acts.facts(act), retaliation_days, solidarity_days)
    for act, version in versions:
        reached |= _read_for_solidarity(acts, _Facts(version), retaliation_days, solidarity_days)
    return reached


def _read_for_solidarity(acts: _Acts, facts: _Facts, retaliation_days: int, solidarity_days: int) -> set[ox.NamedNode]:
    """What the solidarity rule reads for an act: the acts against its target within the window
    before it, its pair within the retaliation window before it and the acts it answers by the
    records (whether it answers a trigger of its own), and with asserted support the supported
    states' acts against its target before it."""
    if facts.target is None:
        return set()
    against = acts.against(facts.target)
    pair = acts.of_pair(facts) if facts.dyad is not None else set()
    if facts.day is None:
        return set(against) | pair | set(facts.answers)
    day = facts.day
    read = acts.within(against, day - solidarity_days, day)
    read |= acts.within(pair, day - retaliation_days, day)
    read.update(a for a in facts.answers if isinstance(a, ox.NamedNode))
    for state in facts.supports:
        read |= {a for a in against if acts.actor(a) == state and (acts.day(a) or day) <= day}
    return read

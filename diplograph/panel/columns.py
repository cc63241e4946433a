"""The panel's columns, as data: name, type, unit, meaning and derivation of each.

The builder (``build.py``) fills exactly these columns in this order, the CSV on the Web
metadata (``metadata.py``) describes them, and the codebook (``codebook.py``) is generated
from them and from the ontology terms they name. A column is added here first.

Columns ending in ``1`` describe the sender (the state acting), in ``2`` the receiver
(the state acted against), as in the Correlates of War's directed-dyad files.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS = ("year", "month", "day")


@dataclass(frozen=True)
class ActSet:
    """Which acts a count column counts: those whose class is one of ``classes`` or falls
    under one of them in the ontology, or whose class is on the ``rank_category`` rung."""

    key: str
    label: str
    classes: tuple[str, ...] = ()
    rank_category: str | None = None


ACT_SETS: dict[str, ActSet] = {s.key: s for s in (
    ActSet("restrictive", "restrictive acts", classes=("dg:RestrictiveAct",)),
    ActSet("expulsion", "expulsions", classes=("dg:StaffExpulsion", "dg:AmbassadorExpulsion")),
    ActSet("ambassador", "ambassador-level acts", rank_category="ambassador"),
    ActSet("closure", "mission closures", classes=("dg:MissionClosure",)),
    ActSet("conciliatory", "conciliatory acts", classes=("dg:ConciliatoryAct",)),
)}

#: Levels of representation, as an ordinal code (higher is closer relations).
LEVEL_CODES: dict[str, int] = {
    "dg:AmbassadorLevel": 3,
    "dg:ChargeDAffairesLevel": 2,
    "dg:NoMissionLevel": 1,
    "dg:SeveredLevel": 0,
}


@dataclass(frozen=True)
class Column:
    name: str
    #: CSV on the Web datatype: string, integer, decimal or date
    datatype: str
    unit: str
    description: str
    derivation: str
    group: str
    #: ontology terms (CURIEs) the column rests on; the codebook quotes their definitions
    terms: tuple[str, ...] = ()
    #: the act set counted, for count columns
    acts: str | None = None
    #: the panel units that have this column
    units: tuple[str, ...] = UNITS
    #: whether an empty cell is possible (no value known or nothing to measure)
    nullable: bool = False
    #: part of the key that identifies a row
    key: bool = False


def _ids(n: int, who: str) -> list[Column]:
    return [
        Column(f"iso3c{n}", "string", "code", f"ISO 3166-1 alpha-3 code of the {who}.",
               "dg:iso3166Alpha3 of the state, from the countrycode package when the registry was loaded.",
               "identifiers", terms=("dg:iso3166Alpha3",), key=True),
        Column(f"iso2c{n}", "string", "code", f"ISO 3166-1 alpha-2 code of the {who}: the code the records and "
               "`diplograph query` use.", "dg:iso3166Alpha2 of the state, as written in the records.",
               "identifiers", terms=("dg:iso3166Alpha2",)),
        Column(f"ccode{n}", "integer", "code", f"Correlates of War state code of the {who}.",
               "dg:cowCode of the state, from the countrycode package; empty for a state COW does not list.",
               "identifiers", terms=("dg:cowCode",), nullable=True),
        Column(f"gwcode{n}", "integer", "code", f"Gleditsch–Ward state code of the {who}.",
               "dg:gwCode of the state, from the countrycode package; empty for a state Gleditsch and Ward "
               "do not list.", "identifiers", terms=("dg:gwCode",), nullable=True),
        Column(f"wikidata{n}", "string", "code", f"Wikidata item of the {who} (QID).",
               "The Wikidata entity the state is owl:sameAs, without its namespace.", "identifiers",
               terms=("dg:State",)),
        Column(f"statename{n}", "string", "name", f"English short name of the {who}.",
               "rdfs:label of the state in the registry.", "identifiers"),
    ]


def _retaliation(direction: str) -> list[Column]:
    sent = direction == "sent"
    who = ("acts of the sender against the receiver that answer an act of the receiver" if sent
           else "acts of the receiver against the sender that answer an act of the sender")
    name = f"retaliations_{direction}"
    return [
        Column(name, "integer", "links",
               f"Retaliations {direction}: retaliation links whose response is one of the {who}, announced in "
               "the period.",
               "Count of dg:RetaliationLink nodes of the current reasoning run whose dg:response is announced in "
               "the period (an act answering two acts counts twice). Links asserted by the records and links "
               "inferred by the rule alike.", "retaliation", terms=("dg:RetaliationLink", "dg:response", "dg:trigger")),
        Column(f"{name}_median_lag", "decimal", "days",
               f"Median lag of the retaliations {direction} in the period.",
               "Median of dg:lagDays (days from the trigger's announcement to the response's) over the links "
               f"counted in {name}; empty when there are none.", "retaliation", terms=("dg:lagDays",), nullable=True),
        Column(f"{name}_mean_count_ratio", "decimal", "ratio",
               f"Mean count ratio of the retaliations {direction} in the period.",
               "Mean of dg:countRatio (persons affected by the response over those affected by what it answers, as "
               f"the ontology defines it below) over the links counted in {name} that have one; empty when there "
               "are none.",
               "retaliation", terms=("dg:countRatio",), nullable=True),
    ]


def _level(first: str, second: str) -> list[Column]:
    name = f"level_{first}_in_{second}"
    whose = {"1": "sender", "2": "receiver"}
    return [
        Column(name, "string", "level",
               f"Level at which the {whose[first]} is represented in the {whose[second]} at the end of the period: "
               "ambassador, chargé d'affaires, no mission or severed.",
               f"rdfs:label of the dg:level of the latest dg:LevelChange with dg:sender the {whose[first]} and "
               f"dg:receiver the {whose[second]} whose day is on or before the last day of the period (of two on "
               "one day, the one whose act has the greater IRI, as in the stored query relation-level). Empty "
               "where no act recorded up to then set a level: the graph then presumes nothing.",
               "relations", terms=("dg:LevelChange", "dg:RelationLevel"), nullable=True),
        Column(f"{name}_code", "integer", "ordinal",
               "The same level as an ordinal code: 3 ambassador, 2 chargé d'affaires, 1 no mission, 0 severed.",
               f"{name} coded by the table of levels below; empty where {name} is.", "relations",
               nullable=True),
    ]


COLUMNS: tuple[Column, ...] = (
    *_ids(1, "sender"),
    *_ids(2, "receiver"),
    Column("year", "integer", "year", "Calendar year of the period.",
           "The year of the period's first day.", "time", key=True),
    Column("month", "integer", "month", "Calendar month of the period (1–12).",
           "The month of the period's first day.", "time", units=("month",), key=True),
    Column("date", "date", "day", "The day of the period.", "The period itself (ISO 8601 date).", "time",
           units=("day",), key=True),
    Column("acts_sent", "integer", "acts", "Restrictive acts of the sender against the receiver in the period.",
           "Count of carried-out acts (dg:status dg:CarriedOut) with dg:actor the sender and dg:target the receiver, "
           "announced in the period (dg:announcedOn), of a class in the act set below.", "acts",
           terms=("dg:RestrictiveAct", "dg:actor", "dg:target", "dg:announcedOn"), acts="restrictive"),
    Column("expulsions_sent", "integer", "acts", "Expulsions of the receiver's diplomats by the sender in the period.",
           "As acts_sent, for the act set below.", "acts", acts="expulsion"),
    Column("persons_expelled", "integer", "persons",
           "Persons the sender expelled from the receiver's missions in the period, where the records give a number.",
           "Sum of dg:personsAffected over the acts counted in expulsions_sent; an act whose number the sources do "
           "not agree on adds nothing (see expulsions_persons_unknown).", "acts", terms=("dg:personsAffected",),
           acts="expulsion"),
    Column("expulsions_persons_unknown", "integer", "acts",
           "Expulsions counted in expulsions_sent whose number of persons the records do not give.",
           "Count of the acts counted in expulsions_sent without dg:personsAffected: persons_expelled is a lower "
           "bound wherever this is above 0.", "acts", acts="expulsion"),
    Column("ambassador_acts", "integer", "acts",
           "Acts of the sender against the receiver on the ambassador rung: expulsions and recalls of ambassadors.",
           "As acts_sent, for the act set below (classes whose dg:rankCategory is \"ambassador\").", "acts",
           terms=("dg:rankCategory",), acts="ambassador"),
    Column("mission_closures", "integer", "acts",
           "Closures of missions (embassies, consular posts, other offices) by the sender against the receiver.",
           "As acts_sent, for the act set below.", "acts", acts="closure"),
    Column("conciliatory_acts", "integer", "acts",
           "Conciliatory acts of the sender towards the receiver in the period: returns of ambassadors, reopened "
           "missions, restored relations.",
           "As acts_sent, for the act set below; an act the records mark as mutual (dg:mutualAct) counts for both "
           "states.", "acts", terms=("dg:ConciliatoryAct", "dg:mutualAct"), acts="conciliatory"),
    *_retaliation("sent"),
    *_retaliation("received"),
    Column("solidarity_acts", "integer", "acts",
           "Acts of the sender against the receiver taken in solidarity with a third state, in the period.",
           "Count of distinct acts of the sender against the receiver, announced in the period, that are the "
           "dg:response of a dg:SolidarityLink of the current reasoning run.", "solidarity",
           terms=("dg:SolidarityLink", "dg:supports")),
    Column("solidarity_with", "string", "list of codes",
           "The states the sender's solidarity acts against the receiver supported (ISO alpha-3, `;`-separated).",
           "The dg:supported states of the links counted in solidarity_acts, sorted; empty when there are none.",
           "solidarity", terms=("dg:supported",), nullable=True),
    Column("solidarity_drawn", "integer", "acts",
           "Acts of third states against the receiver taken in solidarity with the sender, in the period.",
           "Count of distinct acts against the receiver, announced in the period, that are the dg:response of a "
           "dg:SolidarityLink whose dg:supported is the sender.", "solidarity", terms=("dg:SolidarityLink",)),
    Column("solidarity_drawn_from", "string", "list of codes",
           "The third states whose solidarity acts against the receiver supported the sender (ISO alpha-3, "
           "`;`-separated).", "The actors of the acts counted in solidarity_drawn, sorted; empty when there are "
           "none.", "solidarity", nullable=True),
    *_level("1", "2"),
    *_level("2", "1"),
    Column("shared_memberships", "string", "list of codes",
           "International organisations both states belong to on the last day of the period (codes as in the "
           "registry: EU, NATO, …; `;`-separated).",
           "Organisations (dg:code) with a dg:Membership of each state whose dg:startDate is on or before the last "
           "day of the period and whose dg:endDate, if any, is on or after it.", "relations",
           terms=("dg:Membership", "dg:organisation", "dg:startDate", "dg:endDate"), nullable=True),
    Column("shared_membership_count", "integer", "organisations",
           "Number of organisations in shared_memberships.", "Its length.", "relations"),
)


def columns_for(unit: str) -> list[Column]:
    if unit not in UNITS:
        raise ValueError(f"unknown unit '{unit}' (year, month or day)")
    return [c for c in COLUMNS if unit in c.units]


def column(name: str) -> Column:
    for c in COLUMNS:
        if c.name == name:
            return c
    raise KeyError(name)

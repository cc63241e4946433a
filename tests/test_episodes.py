"""What the reasoner must find in each of the eleven shipped episodes, stated from history.

Each episode test says in its docstring what happened and what the reasoner is expected to
infer from it (which act retaliates for which, with the proportionality class where the
sources make it clear; which act is solidarity with whom; which trigger was explicitly left
unanswered), and checks it on the shipped records: the registry and every episode are loaded
and reasoned once, with the default window of 30 days.

The expectations come from the records' sources and the fact tables they were curated from,
not from what the rules happen to output. Where the rules get history wrong, the single
expectation they miss is a separate test marked ``xfail(strict=True)`` whose reason says what
the rule does wrong (see the end of the file); where only the default window is too short,
the episode test says so and checks the link the records assert.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from diplograph.api import Diplograph
from diplograph.loader import load
from diplograph.namespaces import DG
from diplograph.reasoning import reason
from diplograph.statistics import statistics
from diplograph.store import EmbeddedStore

RECORDS = Path(__file__).resolve().parent.parent / "records"

MIRROR, ESCALATION, DE_ESCALATION = str(DG.Mirror), str(DG.Escalation), str(DG.DeEscalation)
ASSERTED = ("asserted and inferred", "asserted only")

_ACTS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act ?episode ?actor ?target ?day ?status ?class ?rank WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    ?act dg:partOfEpisode ?episode ; dg:actor ?actor ; dg:target ?target ; dg:announcementDay ?day ;
         dg:status ?status ; a ?class .
  }
  GRAPH <https://w3id.org/diplograph/graph/ontology> { ?class dg:recordType ?type . OPTIONAL { ?class dg:escalationRank ?rank } }
}"""

_RETALIATIONS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?trigger ?response ?lag ?class ?ratio ?origin ?mutual WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link a dg:RetaliationLink ; dg:trigger ?trigger ; dg:response ?response ; dg:lagDays ?lag ;
          dg:proportionality ?class ; dg:linkOrigin ?origin .
    OPTIONAL { ?link dg:countRatio ?ratio } OPTIONAL { ?link dg:mutual ?mutual }
  }
}"""

_SOLIDARITY = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?response ?supported ?trigger ?lag ?origin WHERE {
  GRAPH <https://w3id.org/diplograph/graph/inferred> {
    ?link a dg:SolidarityLink ; dg:response ?response ; dg:supported ?supported ; dg:trigger ?trigger ;
          dg:lagDays ?lag ; dg:linkOrigin ?origin .
  }
}"""

_ASSERTED_LINKS = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act ?property ?other WHERE {
  GRAPH <https://w3id.org/diplograph/graph/asserted> {
    VALUES ?property { dg:inResponseTo dg:inSolidarityWith dg:coordinatedIn }
    ?act ?property ?other .
  }
}"""


def _id(iri) -> str:
    return str(iri).rsplit("/", 1)[-1].split("#")[-1]


@dataclass(frozen=True)
class Act:
    id: str
    episode: str
    actor: str
    target: str
    day: int
    carried_out: bool
    type: str
    rank: int | None  # escalation rank: None for conciliatory acts and declared non-responses


class Reasoned:
    """The shipped records after one reasoning run, with the links indexed by act id."""

    def __init__(self, store: EmbeddedStore):
        self.store = store
        self.acts: dict[str, Act] = {}
        for row in store.select(_ACTS).dicts():
            rank = row.get("rank")
            self.acts[_id(row["act"])] = Act(
                id=_id(row["act"]), episode=_id(row["episode"]), actor=_id(row["actor"]), target=_id(row["target"]),
                day=int(row["day"]), carried_out=row["status"] == str(DG.CarriedOut), type=_id(row["class"]),
                rank=int(rank) if isinstance(rank, (int, str)) and str(rank).isdigit() else None)
        # (response, trigger) -> link
        self.retaliations = {(_id(r["response"]), _id(r["trigger"])): r for r in store.select(_RETALIATIONS).dicts()}
        # (response, supported state) -> link, with every trigger the rule named
        self.solidarity: dict[tuple[str, str], dict] = {}
        for row in store.select(_SOLIDARITY).dicts():
            key = (_id(row["response"]), _id(row["supported"]))
            link = self.solidarity.setdefault(key, {**row, "triggers": set()})
            link["triggers"].add(_id(row["trigger"]))
        self.asserted: set[tuple[str, str, str]] = {
            (_id(r["act"]), _id(r["property"]), _id(r["other"])) for r in store.select(_ASSERTED_LINKS).dicts()}

    # -- retaliation -------------------------------------------------------
    def retaliation(self, response: str, trigger: str) -> dict:
        link = self.retaliations.get((response, trigger))
        assert link is not None, f"{response} should retaliate for {trigger}; the reasoner's links for {response}: " \
                                 f"{self.triggers_of(response)}"
        return link

    def triggers_of(self, response: str) -> set[str]:
        return {t for (r, t) in self.retaliations if r == response}

    def responses_to(self, trigger: str) -> set[str]:
        return {r for (r, t) in self.retaliations if t == trigger}

    def retaliations_in(self, episode: str) -> set[tuple[str, str]]:
        return {(r, t) for (r, t) in self.retaliations if self.acts[r].episode == episode or self.acts[t].episode == episode}

    # -- solidarity --------------------------------------------------------
    def supported_by(self, act: str) -> set[str]:
        return {x for (c, x) in self.solidarity if c == act}

    def solidarity_in(self, episode: str) -> set[tuple[str, str]]:
        return {(c, x) for (c, x) in self.solidarity if self.acts[c].episode == episode}

    # -- acts --------------------------------------------------------------
    def episode_acts(self, episode: str) -> list[Act]:
        acts = [a for a in self.acts.values() if a.episode == episode]
        assert acts, f"no act of episode {episode} is loaded"
        return acts

    def restrictive_answers_within(self, trigger: str, days: int = 30) -> list[str]:
        """Carried-out restrictive acts by the target of ``trigger`` against its actor, announced
        on the day of ``trigger`` or up to ``days`` days later."""
        t = self.acts[trigger]
        return sorted(a.id for a in self.acts.values()
                      if a.actor == t.target and a.target == t.actor and a.carried_out and a.rank is not None
                      and t.day <= a.day <= t.day + days)

    def levels(self, a: str, b: str, date: str) -> dict[str, str]:
        """The level at which each of the two states is represented in the other on ``date``."""
        rows = Diplograph(self.store).query("relation-level", a=a, b=b, date=date)
        return {_id(r["sender"]): r["level"] for r in rows}


@pytest.fixture(scope="module")
def shipped() -> Reasoned:
    store = EmbeddedStore(None)
    result = load(store, [RECORDS])
    assert result.ok, str(result.report)
    assert reason(store).consistent
    return Reasoned(store)


# ---------------------------------------------------------------------------
# One test per episode
# ---------------------------------------------------------------------------

def test_2016_us_russia_expulsions(shipped: Reasoned):
    """United States–Russia, December 2016 to September 2017.

    - On 29 December 2016 the US expelled 35 Russians and closed two compounds. The next day the
      Russian foreign ministry PROPOSED expelling 35 Americans, but Putin declared that Russia
      would expel no one: ``ru-declines-to-retaliate-2016`` answers ``us-expels-ru-35-2016``, and
      no Russian restrictive act retaliates for either US act (there is none within the window;
      the proposal was never carried out, so it is in no link).
    - Russia's 455 cap and dacha suspension of 28 July 2017 answered the US sanctions bill, a
      matter outside diplomacy: they retaliate for nothing.
    - The US closure of the San Francisco consulate (31 August 2017) retaliates for the 455 cap,
      "in the spirit of parity". It came 34 days later, beyond the default window of 30 days,
      so the rule alone does not find it: the link is there because the records assert it.
    """
    r = shipped
    assert ("ru-declines-to-retaliate-2016", "inResponseTo", "us-expels-ru-35-2016") in r.asserted
    assert r.acts["ru-declines-to-retaliate-2016"].type == "DeclaredNonResponse"
    for trigger in ("us-expels-ru-35-2016", "us-closes-ru-compounds-2016"):
        assert r.responses_to(trigger) == set(), trigger
        assert r.restrictive_answers_within(trigger) == [], trigger
    assert not r.acts["ru-proposes-expel-us-35-2016"].carried_out
    assert r.triggers_of("ru-proposes-expel-us-35-2016") == set()
    assert r.triggers_of("ru-declines-to-retaliate-2016") == set()
    for act in ("ru-caps-us-mission-455-2017", "ru-suspends-us-dacha-2017"):
        assert r.triggers_of(act) == set(), act
    link = r.retaliation("us-closes-ru-consulate-sf-2017", "ru-caps-us-mission-455-2017")
    assert link["lag"] == 34 and link["origin"] in ASSERTED
    assert r.triggers_of("us-closes-ru-consulate-sf-2017") == {"ru-caps-us-mission-455-2017"}
    assert r.solidarity_in("2016-us-russia-expulsions") == set()


def test_2017_qatar_crisis(shipped: Reasoned):
    """The Qatar crisis, June 2017, and the restorations of 2019–2023.

    - Saudi Arabia, the UAE, Bahrain and Egypt severed relations with Qatar together on 5 June
      2017 (coalition ``2017-06-05-qatar-severances``): none of the four is solidarity with
      another, and none retaliates for another. They answered Qatar's alleged support for
      terrorism, not a diplomatic act; Qatar took no counter-measure. So the episode holds no
      retaliation link at all, the restorations and ambassador returns included.
    - Senegal recalled its ambassador on 7 June in "active solidarity" with Saudi Arabia: its act
      supports SA, two days after the Saudi severance.
    - Mauritius's severance is disputed (its foreign ministry denied it): it is in no link.
    - Libya's eastern government severed "in solidarity with" the four on the same day: that
      expectation is the xfail ``test_2017_libya_same_day_solidarity_is_kept``.
    - Niger (10 June) acted "in solidarity with the Arab countries" without naming them; the
      records name no one, so no link is expected from the rule (a records question, not a
      rule's). Jordan, Mauritania, Comoros and Djibouti followed the Saudi-led states without a
      source naming whom they supported; the rule's membership-based links for them are
      neither required nor forbidden here.
    - Levels: severed both ways between Saudi Arabia and Qatar in 2018; chargé d'affaires both
      ways between Jordan and Qatar after the downgrade, ambassadors again after July 2019.
    """
    r = shipped
    four = {"sa-severs-qa-2017": "SA", "ae-severs-qa-2017": "AE", "bh-severs-qa-2017": "BH", "eg-severs-qa-2017": "EG"}
    for act in four:
        assert (act, "coordinatedIn", "2017-06-05-qatar-severances") in r.asserted, act
        assert r.supported_by(act) == set(), f"{act} acted with the coalition, not in solidarity with anyone"
        assert r.triggers_of(act) == set() and r.responses_to(act) == set(), act
    assert r.retaliations_in("2017-qatar-crisis") == set()
    link = r.solidarity[("sn-recalls-ambassador-qa-2017", "SA")]
    assert link["origin"] == "asserted and inferred"
    assert link["triggers"] == {"sa-severs-qa-2017"} and link["lag"] == 2
    assert r.supported_by("sn-recalls-ambassador-qa-2017") == {"SA"}
    assert not r.acts["mu-severs-qa-2017"].carried_out
    assert r.supported_by("mu-severs-qa-2017") == set() and r.triggers_of("mu-severs-qa-2017") == set()
    conciliatory = [a.id for a in r.episode_acts("2017-qatar-crisis") if a.rank is None]
    assert len(conciliatory) == 10
    for act in conciliatory:
        assert r.supported_by(act) == set() and r.triggers_of(act) == set() and r.responses_to(act) == set(), act
    assert r.levels("SA", "QA", "2018-01-01") == {"SA": "severed", "QA": "severed"}
    assert r.levels("JO", "QA", "2018-01-01") == {"JO": "chargé d'affaires", "QA": "chargé d'affaires"}
    assert r.levels("JO", "QA", "2019-08-01") == {"JO": "ambassador", "QA": "ambassador"}


def test_2018_netherlands_iran(shipped: Reasoned):
    """Netherlands–Iran, 2018–2019.

    - The Netherlands expelled two Iranian embassy staff on 7 June 2018 over the killings of two
      Dutch nationals (outside diplomacy): it retaliates for nothing.
    - Iran expelled two Dutch diplomats on 20 February 2019 as a "reciprocal" measure: a mirror
      (2 for 2) of the Dutch expulsion, 258 days later. The Dutch expulsion was kept secret
      until July 2018, and no window of days can reach it: the link stands because the records
      assert it.
    - The Netherlands recalled its ambassador for consultations on 4 March 2019 over Iran's
      expulsion: it retaliates for it (12 days), and the rule finds it too.
    - No solidarity: the EU's "coordinated response" was sanctions, not expulsions.
    """
    r = shipped
    assert r.triggers_of("nl-expels-ir-2-2018") == set()
    link = r.retaliation("ir-expels-nl-2-2019", "nl-expels-ir-2-2018")
    assert link["class"] == MIRROR and float(link["ratio"]) == 1 and link["lag"] == 258
    assert link["origin"] in ASSERTED
    link = r.retaliation("nl-recalls-ambassador-ir-2019", "ir-expels-nl-2-2019")
    assert link["lag"] == 12 and link["origin"] == "asserted and inferred"
    assert r.retaliations_in("2018-netherlands-iran") == {("ir-expels-nl-2-2019", "nl-expels-ir-2-2018"),
                                                          ("nl-recalls-ambassador-ir-2019", "ir-expels-nl-2-2019")}
    assert r.solidarity_in("2018-netherlands-iran") == set()


def test_2018_saudi_arabia_canada(shipped: Reasoned):
    """Saudi Arabia–Canada, August 2018, and the restoration of May 2023.

    - Saudi Arabia expelled the Canadian ambassador and recalled its own on 5 August 2018 over
      Canada's public call to release detained activists, a statement and not a diplomatic act:
      neither retaliates for anything. Canada took no counter-measure (and no source records a
      declared decision not to respond), so nothing retaliates for them either.
    - Levels: Canada represented by a chargé d'affaires in Riyadh from August 2018; ambassadors
      both ways again after the mutual return of 24 May 2023.
    """
    r = shipped
    assert r.retaliations_in("2018-saudi-arabia-canada") == set()
    assert r.solidarity_in("2018-saudi-arabia-canada") == set()
    for act in ("sa-expels-ca-ambassador-2018", "sa-recalls-ambassador-ca-2018"):
        assert r.restrictive_answers_within(act) == [], act
    assert r.levels("SA", "CA", "2019-01-01").get("CA") == "chargé d'affaires"
    assert r.levels("SA", "CA", "2023-06-01") == {"SA": "ambassador", "CA": "ambassador"}


def test_2020_czech_russia_ricin_hoax(shipped: Reasoned):
    """Czech Republic–Russia, June 2020 (the "ricin hoax").

    - The Czech Republic expelled two Russian embassy employees on 5 June 2020 over false
      information fed to its counter-intelligence: it retaliates for nothing.
    - Russia expelled two Czech diplomats on 15 June as a "mirror" measure: a mirror (2 for 2)
      of the Czech expulsion, 10 days later, which the rule finds as well as the records.
    """
    r = shipped
    assert r.triggers_of("cz-expels-ru-2-2020") == set()
    link = r.retaliation("ru-expels-cz-2-2020", "cz-expels-ru-2-2020")
    assert link["class"] == MIRROR and float(link["ratio"]) == 1 and link["lag"] == 10
    assert link["origin"] == "asserted and inferred"
    assert r.retaliations_in("2020-czech-russia-ricin-hoax") == {("ru-expels-cz-2-2020", "cz-expels-ru-2-2020")}
    assert r.solidarity_in("2020-czech-russia-ricin-hoax") == set()


def test_2021_vrbetice(shipped: Reasoned):
    """Czech Republic–Russia over the Vrbětice explosions, April–May 2021.

    - The Czech expulsion of 18 (17 April) answered the 2014 explosions: it retaliates for
      nothing. Russia expelled 20 Czech staff the next day: an escalation by count (20 for 18).
    - The Czech cap of 22 April answers the Russian 20 (Russia had not let the Czechs return);
      Russia's demand on the Czech embassy's local staff, announced after it that day, answers
      the cap (same day, not mutual: the records give the order). Whether the cap was an
      escalation is the xfail ``test_2021_czech_cap_is_an_escalation_by_the_reported_figures``.
    - Solidarity with the Czech Republic: Slovakia (22 April) and Lithuania, Latvia and Estonia
      (23 April, together) expelled Russians "in solidarity"; each supports the Czech Republic
      and no one else (the three Baltic states acted together: not solidarity with each other,
      nor with Slovakia). None of them retaliates for anything.
    - Russia answered each supporter on 28 April, one for one: mirrors.
    - Russia's "unfriendly states" measures of 14 May answer "unfriendly gestures" in general:
      they retaliate for nothing and support no one.
    """
    r = shipped
    assert r.triggers_of("cz-expels-ru-18-2021") == set()
    link = r.retaliation("ru-expels-cz-20-2021", "cz-expels-ru-18-2021")
    assert link["class"] == ESCALATION and float(link["ratio"]) == pytest.approx(20 / 18) and link["lag"] == 1
    assert link["origin"] == "asserted and inferred"
    link = r.retaliation("cz-caps-ru-embassy-2021", "ru-expels-cz-20-2021")
    assert link["lag"] == 4 and link["origin"] == "asserted and inferred"
    link = r.retaliation("ru-caps-cz-local-staff-2021", "cz-caps-ru-embassy-2021")
    assert link["lag"] == 0 and not link.get("mutual") and link["origin"] == "asserted and inferred"
    supporters = ("sk-expels-ru-3-2021", "lt-expels-ru-2-2021", "lv-expels-ru-1-2021", "ee-expels-ru-1-2021")
    for act in supporters:
        assert r.supported_by(act) == {"CZ"}, act
        assert r.solidarity[(act, "CZ")]["origin"] == "asserted and inferred", act
        assert r.triggers_of(act) == set(), act
    assert r.solidarity[("sk-expels-ru-3-2021", "CZ")]["triggers"] == {"cz-expels-ru-18-2021"}
    for act in supporters[1:]:
        assert (act, "coordinatedIn", "2021-04-23-baltic-solidarity-expulsions") in r.asserted
        assert r.solidarity[(act, "CZ")]["triggers"] == {"cz-caps-ru-embassy-2021"}, act
    for response, trigger in (("ru-expels-sk-3-2021", "sk-expels-ru-3-2021"), ("ru-expels-lt-2-2021", "lt-expels-ru-2-2021"),
                              ("ru-expels-lv-1-2021", "lv-expels-ru-1-2021"), ("ru-expels-ee-1-2021", "ee-expels-ru-1-2021")):
        link = r.retaliation(response, trigger)
        assert link["class"] == MIRROR and float(link["ratio"]) == 1, response
        assert link["origin"] == "asserted and inferred", response
    for act in ("ru-unfriendly-list-cz-2021", "ru-unfriendly-list-us-2021"):
        assert r.triggers_of(act) == set() and r.supported_by(act) == set(), act


BUCHA_WAVE = ("de-expels-ru-40-2022", "fr-expels-ru-35-2022", "fr-expels-ru-6-2022", "lt-expels-ru-ambassador-2022",
              "lt-downgrades-ru-2022", "lt-recalls-ambassador-from-ru-2022", "lt-closes-ru-consulate-klaipeda-2022",
              "it-expels-ru-30-2022", "es-expels-ru-25-2022", "dk-expels-ru-15-2022", "se-expels-ru-3-2022",
              "si-caps-ru-8-2022", "lv-closes-ru-consulates-2022", "ee-closes-ru-consulates-2022", "ro-expels-ru-10-2022",
              "pt-expels-ru-10-2022", "gr-expels-ru-12-2022", "at-expels-ru-4-2022", "jp-expels-ru-8-2022")

# Russia's answers: (response, trigger, lag in days, proportionality class where the counts make it clear)
RUSSIAN_ANSWERS_2022 = (
    ("ru-expels-nl-15-2022", "nl-expels-ru-17-2022", 21, None),
    ("ru-expels-be-12-2022", "be-expels-ru-21-2022", 21, None),
    ("ru-expels-at-4-2022", "at-expels-ru-4-2022", 12, MIRROR),
    ("ru-closes-lv-consulates-2022", "lv-closes-ru-consulates-2022", 16, MIRROR),
    ("ru-closes-ee-consulates-2022", "ee-closes-ru-consulates-2022", 16, MIRROR),
    ("ru-closes-lt-consulate-2022", "lt-closes-ru-consulate-klaipeda-2022", 17, MIRROR),
    ("ru-expels-de-40-2022", "de-expels-ru-40-2022", 21, MIRROR),
    ("ru-expels-se-3-2022", "se-expels-ru-3-2022", 21, None),
    ("ru-expels-jp-8-2022", "jp-expels-ru-8-2022", 19, MIRROR),
    ("ru-expels-dk-7-2022", "dk-expels-ru-15-2022", 30, DE_ESCALATION),
    ("ru-expels-ro-10-2022", "ro-expels-ru-10-2022", 38, MIRROR),
    ("ru-expels-fr-34-2022", "fr-expels-ru-35-2022", 44, None),
    ("ru-expels-fr-34-2022", "fr-expels-ru-6-2022", 47, None),
    ("ru-expels-it-24-2022", "it-expels-ru-30-2022", 43, DE_ESCALATION),
    ("ru-expels-es-27-2022", "es-expels-ru-25-2022", 43, None),
    ("ru-cuts-si-4-2022", "si-caps-ru-8-2022", 44, DE_ESCALATION),
    ("ru-expels-pt-5-2022", "pt-expels-ru-10-2022", 44, DE_ESCALATION),
    ("ru-expels-gr-8-2022", "gr-expels-ru-12-2022", 82, DE_ESCALATION),
)


def test_2022_bucha_mass_expulsions(shipped: Reasoned):
    """The mass expulsions of Russian diplomats after Bucha, March–June 2022, and Russia's answers.

    - Belgium and the Netherlands expelled Russians on 29 March; Germany, France, Lithuania,
      Italy, Spain, Denmark, Sweden, Slovenia, Latvia, Estonia, Romania, Portugal, Greece,
      Austria and Japan followed on 4–8 April over the killings in Bucha, the war or their own
      security. Those reasons lie outside diplomacy and no source links any of these acts to a
      Russian diplomatic act: none of them retaliates for anything.
    - Russia answered each: every answer retaliates for the act the records name. Within the
      default window (12 to 30 days: NL, BE, AT, the Baltic consulates, DE, SE, JP, DK) the rule
      finds it as well; Russia answered Romania (38 days), Italy, Spain (43), France, Slovenia,
      Portugal (44, 47) and Greece (82) later than the window, so there the link stands because
      the records assert it. Of Lithuania's four acts of 4 April the rule alone should pick the
      Klaipėda closure as the one Russia's consulate closure answers: the xfail
      ``test_2022_rule_alone_finds_the_klaipeda_closure_answered_by_russia``.
    - Proportionality where the counts are clear: mirrors for Austria (4 for 4), Germany (40),
      Japan (8), Romania (10) and the Baltic consulates (consulates closed for consulates closed);
      de-escalations for Denmark (7 for 15), Italy (24 for 30), Slovenia (4 for 33), Portugal (5
      for 10) and Greece (8 for 12). Spain's count ("at least 25") and Sweden's answer (3, or 2)
      are unclear. Russia's 34 for France's 41 and its answers to the Netherlands (15 for 17 or
      18) and Belgium (12 for 21) are de-escalations the rules miss: see the xfails
      ``test_2022_russian_answer_to_france_is_a_de_escalation`` and
      ``test_2022_answers_to_belgium_and_netherlands_are_de_escalations_by_the_reported_figures``.
    - Russia's expulsion of 18 EU staff (15 April) answers the EU's expulsion of 19, which the
      records cannot hold as an act (the loader takes only states as actors): it is linked to
      nothing.
    - Whether the wave is solidarity among its members is the xfail
      ``test_2022_bucha_wave_is_not_solidarity_among_the_expelling_states``.
    """
    r = shipped
    for act in BUCHA_WAVE + ("be-expels-ru-21-2022", "nl-expels-ru-17-2022"):
        assert r.triggers_of(act) == set(), f"{act} answered Bucha or its own security, not a diplomatic act"
    for response, trigger, lag, klass in RUSSIAN_ANSWERS_2022:
        link = r.retaliation(response, trigger)
        assert link["lag"] == lag, (response, trigger)
        if response == "ru-closes-lt-consulate-2022":  # the rule's own pick: see the xfail below
            assert link["origin"] in ASSERTED
        else:
            assert link["origin"] == ("asserted and inferred" if lag <= 30 else "asserted only"), (response, trigger)
        if klass is not None:
            assert link["class"] == klass, (response, trigger)
    assert r.triggers_of("ru-expels-eu-18-2022") == set()
    assert r.retaliations_in("2022-bucha-mass-expulsions") == {(resp, trig) for resp, trig, _, _ in RUSSIAN_ANSWERS_2022}
    for response, _, _, _ in RUSSIAN_ANSWERS_2022:
        assert r.supported_by(response) == set(), response


def test_2023_canada_india(shipped: Reasoned):
    """Canada–India, September 2023 to August 2025.

    - Canada expelled an Indian diplomat on 18 September 2023 over the Nijjar killing (outside
      diplomacy: it retaliates for nothing); India expelled a Canadian diplomat the next day: a
      mirror (1 for 1), found by the rule too.
    - India's demand for "parity" (41 Canadians to leave, October 2023) was explicitly not
      answered: Canada said on 19 October it would not retaliate
      (``ca-declares-non-response-in-2023`` answers ``in-caps-ca-21-2023``), and no Canadian
      restrictive act retaliates for the demand.
    - In October 2024 Canada expelled six Indian diplomats, the High Commissioner among them,
      over the RCMP's findings (outside diplomacy: it retaliates for nothing); India expelled six
      Canadians the same day. The two sides give no order, so the pair is flagged mutual, one
      for one. India's announced "withdrawal" of its High Commissioner is its own account of the
      same departures; no expectation is stated for it.
    - No solidarity; the new High Commissioners of August 2025 are in no link.
    """
    r = shipped
    assert r.triggers_of("ca-expels-in-1-2023") == set()
    link = r.retaliation("in-expels-ca-1-2023", "ca-expels-in-1-2023")
    assert link["class"] == MIRROR and float(link["ratio"]) == 1 and link["lag"] == 1
    assert link["origin"] == "asserted and inferred"
    assert ("ca-declares-non-response-in-2023", "inResponseTo", "in-caps-ca-21-2023") in r.asserted
    assert r.acts["ca-declares-non-response-in-2023"].type == "DeclaredNonResponse"
    assert r.responses_to("in-caps-ca-21-2023") == set()
    assert r.restrictive_answers_within("in-caps-ca-21-2023") == []
    assert r.triggers_of("ca-declares-non-response-in-2023") == set()
    assert r.triggers_of("ca-expels-in-6-2024") == set()
    link = r.retaliation("in-expels-ca-6-2024", "ca-expels-in-6-2024")
    assert link["lag"] == 0 and link.get("mutual") is True and float(link["ratio"]) == 1
    assert link["origin"] == "asserted and inferred"
    for act in ("in-names-high-commissioner-to-ca-2025", "ca-names-high-commissioner-to-in-2025"):
        assert r.triggers_of(act) == set() and r.responses_to(act) == set(), act
    assert r.solidarity_in("2023-canada-india") == set()


def test_2023_moldova_russia(shipped: Reasoned):
    """Moldova–Russia, July–August 2023.

    - Moldova cut the Russian embassy to 25 posts on 26 July 2023 over "unfriendly actions" and
      attempts at destabilisation (outside diplomacy): it retaliates for nothing.
    - Russia summoned the Moldovan ambassador on 18 August to protest and announced entry bans,
      an "asymmetrical" answer with no expulsion: the summons retaliates for the cut as a
      de-escalation (a protest for a staff cut of 45), found by the rule too (23 days).
    """
    r = shipped
    assert r.triggers_of("md-caps-ru-25-2023") == set()
    link = r.retaliation("ru-summons-md-2023-08-18", "md-caps-ru-25-2023")
    assert link["class"] == DE_ESCALATION and link["lag"] == 23 and link["origin"] == "asserted and inferred"
    assert r.retaliations_in("2023-moldova-russia") == {("ru-summons-md-2023-08-18", "md-caps-ru-25-2023")}
    assert r.solidarity_in("2023-moldova-russia") == set()


def test_2023_poland_russia_consulates(shipped: Reasoned):
    """Poland–Russia consulate closures, July 2023 to November 2025.

    - Russia's closure of the Polish consular agency in Smolensk (July 2023) answered the
      seizure of Russian diplomatic property, which is not recorded as an act: it retaliates
      for nothing in the graph.
    - Poland closed the Russian consulates in Poznań (October 2024), Kraków (May 2025) and
      Gdańsk (November 2025) over sabotage attributed to Russian services (outside diplomacy):
      none retaliates for anything.
    - Russia answered each closure with one closure "on the principle of reciprocity": Saint
      Petersburg for Poznań (44 days later), Kaliningrad for Kraków (60 days) and Irkutsk for
      Gdańsk (8 days), all mirrors. Only the last is within the default window; the two others
      stand because the records assert them.
    """
    r = shipped
    for act in ("ru-closes-pl-consular-agency-smolensk-2023", "pl-closes-ru-consulate-general-poznan-2024",
                "pl-closes-ru-consulate-general-krakow-2025", "pl-closes-ru-consulate-general-gdansk-2025"):
        assert r.triggers_of(act) == set(), act
    for response, trigger, lag in (
            ("ru-closes-pl-consulate-general-saint-petersburg-2024", "pl-closes-ru-consulate-general-poznan-2024", 44),
            ("ru-closes-pl-consulate-general-kaliningrad-2025", "pl-closes-ru-consulate-general-krakow-2025", 60),
            ("ru-closes-pl-consulate-general-irkutsk-2025", "pl-closes-ru-consulate-general-gdansk-2025", 8)):
        link = r.retaliation(response, trigger)
        assert link["class"] == MIRROR and link["lag"] == lag, response
        assert link["origin"] == ("asserted and inferred" if lag <= 30 else "asserted only"), response
    assert r.solidarity_in("2023-poland-russia-consulates") == set()


def test_2023_russia_estonia_latvia(shipped: Reasoned):
    """Russia–Estonia–Latvia, January 2023.

    - Estonia capped the Russian embassy on 11 January 2023 over the war (outside diplomacy:
      it retaliates for nothing). Russia answered on 23 January by expelling the Estonian
      ambassador: an escalation (an ambassador for a staff cap), 12 days later.
    - Estonia expelled the Russian ambassador the same day, after Russia and "on the principle
      of parity": a mirror, not mutual (the order of announcement is known).
    - Latvia downgraded relations on 23 January "in solidarity with Estonia and Lithuania": it
      supports Estonia, whose cap was its latest act against Russia, and retaliates for nothing.
      (Its solidarity with Lithuania is the xfail
      ``test_2023_latvian_solidarity_with_lithuania_is_kept``.)
    - Russia expelled the Latvian ambassador on 27 January in answer to the downgrade: a
      retaliation for it, 4 days later.
    """
    r = shipped
    assert r.triggers_of("ee-caps-ru-embassy-2023") == set()
    link = r.retaliation("ru-expels-ee-ambassador-2023", "ee-caps-ru-embassy-2023")
    assert link["class"] == ESCALATION and link["lag"] == 12 and link["origin"] == "asserted and inferred"
    link = r.retaliation("ee-expels-ru-ambassador-2023", "ru-expels-ee-ambassador-2023")
    assert link["class"] == MIRROR and link["lag"] == 0 and not link.get("mutual")
    assert link["origin"] == "asserted and inferred"
    assert r.triggers_of("lv-downgrades-ru-2023") == set()
    link = r.solidarity[("lv-downgrades-ru-2023", "EE")]
    assert link["origin"] == "asserted and inferred" and link["triggers"] == {"ee-caps-ru-embassy-2023"}
    link = r.retaliation("ru-expels-lv-ambassador-2023", "lv-downgrades-ru-2023")
    assert link["lag"] == 4 and link["origin"] == "asserted and inferred"
    assert r.levels("RU", "LV", "2023-03-01") == {"RU": "chargé d'affaires", "LV": "chargé d'affaires"}


def test_2024_ecuador_mexico(shipped: Reasoned):
    """Ecuador–Mexico, April 2024, with Nicaragua's break.

    - Ecuador declared the Mexican ambassador persona non grata on 4 April 2024 over López
      Obrador's remarks (outside diplomacy): it retaliates for nothing.
    - Mexico broke relations on 5 April over the police raid on its embassy in Quito; the raid
      is not a diplomatic act of the format. That the break is no retaliation for the
      ambassador's expulsion is the xfail ``test_2024_mexican_break_answers_the_raid_not_the_expulsion``.
    - Nicaragua broke relations with Ecuador on 6 April in solidarity with Mexico: it supports
      Mexico (trigger: the Mexican break, one day earlier) and retaliates for nothing.
    - Levels: severed both ways between Ecuador and Mexico, and between Ecuador and Nicaragua.
    """
    r = shipped
    assert r.triggers_of("ec-expels-mx-ambassador-2024") == set()
    link = r.solidarity[("ni-severs-ec-2024", "MX")]
    assert link["origin"] == "asserted and inferred" and link["triggers"] == {"mx-severs-ec-2024"} and link["lag"] == 1
    assert r.supported_by("ni-severs-ec-2024") == {"MX"}
    assert r.triggers_of("ni-severs-ec-2024") == set()
    assert r.levels("EC", "MX", "2024-05-01") == {"EC": "severed", "MX": "severed"}
    assert r.levels("NI", "EC", "2024-05-01") == {"EC": "severed", "NI": "severed"}


EPISODES = {"2016-us-russia-expulsions", "2017-qatar-crisis", "2018-netherlands-iran", "2018-saudi-arabia-canada",
            "2020-czech-russia-ricin-hoax", "2021-vrbetice", "2022-bucha-mass-expulsions", "2023-canada-india",
            "2023-moldova-russia", "2023-poland-russia-consulates", "2023-russia-estonia-latvia", "2024-ecuador-mexico"}


def test_every_episode_has_a_test(shipped: Reasoned):
    """The episodes above are those the records hold (the ricin hoax of 2020 and Vrbětice 2021
    are one episode of the curated list of eleven, in two files)."""
    assert {a.episode for a in shipped.acts.values()} == EPISODES
    assert {"test_" + e.replace("-", "_") for e in EPISODES} <= set(globals())


# ---------------------------------------------------------------------------
# Where the rules get history wrong: one expectation each, xfail until the rule is fixed
# ---------------------------------------------------------------------------

@pytest.mark.xfail(strict=True, reason=(
    "30-solidarity.rq requires the supported state's act on a strictly earlier day (?dayA < ?dayC) "
    "and has no branch for links the records assert, so Libya's same-day severance 'in solidarity "
    "with' Saudi Arabia, the UAE, Bahrain and Egypt (dg:inSolidarityWith) yields no SolidarityLink "
    "at all: an asserted link is dropped, not kept as 'asserted only'."))
def test_2017_libya_same_day_solidarity_is_kept(shipped: Reasoned):
    assert shipped.supported_by("ly-severs-qa-2017") == {"SA", "AE", "BH", "EG"}


@pytest.mark.xfail(strict=True, reason=(
    "30-solidarity.rq only links a supported state's act within the window (30 days) and keeps no "
    "asserted-only links, so Latvia's downgrade of 23 January 2023 'in solidarity with Estonia and "
    "Lithuania' (dg:inSolidarityWith LT) yields no link to Lithuania, whose own downgrade and recall "
    "date from April 2022."))
def test_2023_latvian_solidarity_with_lithuania_is_kept(shipped: Reasoned):
    assert shipped.supported_by("lv-downgrades-ru-2023") == {"EE", "LT"}


@pytest.mark.xfail(strict=True, reason=(
    "10-retaliation-candidates.rq / 20-retaliation-links.rq make any first restrictive act of Y "
    "against X within the window a retaliation for X's latest act, even when the record states "
    "another cause and asserts no dg:inResponseTo: Mexico's break of 5 April 2024, which answered "
    "the police raid on its embassy, is inferred ('inferred only') to retaliate for Ecuador's "
    "expulsion of the ambassador the day before."))
def test_2024_mexican_break_answers_the_raid_not_the_expulsion(shipped: Reasoned):
    assert shipped.triggers_of("mx-severs-ec-2024") == set()


@pytest.mark.xfail(strict=True, reason=(
    "30-solidarity.rq infers solidarity from a shared EU/NATO membership and timing alone, so every "
    "expulsion of the April 2022 wave, each taken over Bucha, the war or national security and none "
    "said to support another state, is made 'inferred only' solidarity with every co-member that "
    "acted against Russia in the 30 days before, including Belgium and the Netherlands whose "
    "expulsions of 29 March preceded Bucha (e.g. Austria 'supports' 15 states)."))
def test_2022_bucha_wave_is_not_solidarity_among_the_expelling_states(shipped: Reasoned):
    inferred = {(c, x) for (c, x), link in shipped.solidarity.items()
                if shipped.acts[c].episode == "2022-bucha-mass-expulsions" and link["origin"] == "inferred only"}
    assert inferred == set()


@pytest.mark.xfail(strict=True, reason=(
    "10-retaliation-candidates.rq takes, of X's same-day acts without an announcement order, the one "
    "with the greatest IRI as the single trigger: of Lithuania's four acts of 4 April 2022 (ambassador "
    "expelled, downgrade, own ambassador recalled, Klaipeda consulate closed) it picks the recall, so "
    "Russia's closure of the Lithuanian consulate, which answered the Klaipeda closure consulate for "
    "consulate (the trigger the records assert), is only 'asserted only'."))
def test_2022_rule_alone_finds_the_klaipeda_closure_answered_by_russia(shipped: Reasoned):
    assert shipped.retaliation("ru-closes-lt-consulate-2022", "lt-closes-ru-consulate-klaipeda-2022")["origin"] == "asserted and inferred"


@pytest.mark.xfail(strict=True, reason=(
    "20-retaliation-links.rq classes each (response, trigger) pair on its own: Russia's 34 answer "
    "France's 35 + 6 = 41 (both triggers asserted), a de-escalation, but the link to the 6 is "
    "classed an escalation (34 > 6, ratio 5.67) because the rule never sums the persons of the "
    "several triggers one response answers."))
def test_2022_russian_answer_to_france_is_a_de_escalation(shipped: Reasoned):
    classes = {shipped.retaliation("ru-expels-fr-34-2022", t)["class"] for t in ("fr-expels-ru-35-2022", "fr-expels-ru-6-2022")}
    assert classes == {DE_ESCALATION}


@pytest.mark.xfail(strict=True, reason=(
    "20-retaliation-links.rq compares only dg:personsAffected and falls back to dg:Mirror when one "
    "side has none, ignoring the per-source figures (dg:reportedFigure): the Netherlands expelled 17 "
    "or 18 and Russia 15; Belgium 21 and Russia 12 (Belgian count). Every reported figure puts "
    "Russia's answers below the trigger, yet both are classed mirrors."))
def test_2022_answers_to_belgium_and_netherlands_are_de_escalations_by_the_reported_figures(shipped: Reasoned):
    classes = {response: shipped.retaliation(response, trigger)["class"]
               for response, trigger in (("ru-expels-nl-15-2022", "nl-expels-ru-17-2022"),
                                         ("ru-expels-be-12-2022", "be-expels-ru-21-2022"))}
    assert classes == {"ru-expels-nl-15-2022": DE_ESCALATION, "ru-expels-be-12-2022": DE_ESCALATION}


@pytest.mark.xfail(strict=True, reason=(
    "20-retaliation-links.rq compares only dg:personsAffected and falls back to dg:Mirror when one "
    "side has none: the Czech cap of 22 April 2021 records its count only as per-source figures "
    "(63 per the Czech foreign minister, 81 per the Russian ministry), both far above the 20 Czechs "
    "Russia expelled, yet the cap is classed a mirror of the Russian expulsion."))
def test_2021_czech_cap_is_an_escalation_by_the_reported_figures(shipped: Reasoned):
    assert shipped.retaliation("cz-caps-ru-embassy-2021", "ru-expels-cz-20-2021")["class"] == ESCALATION


# ---------------------------------------------------------------------------
# The stats summary on the reasoned records
# ---------------------------------------------------------------------------

def test_stats_agreement_of_asserted_and_inferred_links(shipped: Reasoned):
    """``agreement_retaliation`` counts retaliation links by origin; ``agreement_solidarity``
    counts solidarity links by origin, plus the (act, state) pairs the records assert that no
    link confirms as "asserted only"."""
    summary = statistics(shipped.store)
    origins = {"asserted and inferred", "asserted only", "inferred only"}
    retaliation, solidarity = summary["agreement_retaliation"], summary["agreement_solidarity"]
    assert set(retaliation) == origins and set(solidarity) == origins
    by_origin = {o: sum(1 for link in shipped.retaliations.values() if link["origin"] == o) for o in origins}
    assert retaliation == by_origin
    assert sum(retaliation.values()) == len(shipped.retaliations)
    assert retaliation["asserted only"] >= 10  # Russia's late answers of 2022, Iran 2019, the US 2017, Poland
    links = {o: sum(1 for link in shipped.solidarity.values() if link["origin"] == o) for o in origins}
    said = {(a, o) for (a, p, o) in shipped.asserted if p == "inSolidarityWith"}
    unconfirmed = said - set(shipped.solidarity)
    assert solidarity == {**links, "asserted only": links["asserted only"] + len(unconfirmed)}
    # Ukraine took no act against Russia in the records: Latvia's solidarity with it can have no link
    assert ("lv-closes-ru-consulates-2022", "UA") in unconfirmed
    assert len(summary["per_episode"]) == len(EPISODES)


def test_stats_command_prints_the_agreement_rows(shipped: Reasoned, monkeypatch: pytest.MonkeyPatch):
    """``diplograph stats`` shows one row per kind of link and origin, and the JSON has the dicts."""
    import json

    from typer.testing import CliRunner

    from diplograph import cli
    from diplograph.cli import core

    class Unclosed(Diplograph):
        def close(self) -> None:  # the module's store stays open for the other tests
            pass

    monkeypatch.setattr(core, "open_graph", lambda location: Unclosed(shipped.store))
    env = {"COLUMNS": "220", "NO_COLOR": "1", "TERM": "dumb"}
    summary = statistics(shipped.store)
    table = CliRunner().invoke(cli.app, ["stats"], env=env)
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    for kind in ("retaliation", "solidarity"):
        for origin, count in summary[f"agreement_{kind}"].items():
            line = next((line for line in lines if f"{kind} links, {origin}" in line), None)
            assert line is not None, f"no row for {kind} links, {origin}"
            assert line.split("│")[-2].strip() == str(count), line
    as_json = json.loads(CliRunner().invoke(cli.app, ["stats", "--format", "json"], env=env).stdout)
    assert as_json["agreement_retaliation"] == summary["agreement_retaliation"]
    assert as_json["agreement_solidarity"] == summary["agreement_solidarity"]

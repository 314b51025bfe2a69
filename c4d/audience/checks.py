"""Checks and prompts for the audience analysis: the usual gaps a facilitator wants the
room to notice while there is still time to fill them.

Every check is a pure function of the worksheet's content and returns `Finding`s:

- a **warning** is a gap that weakens the campaign (nothing on the demand side, a
  primary audience too broad to reach, a level of influence nobody addresses);
- a **prompt** is a question still unanswered (a consideration of the sector lens with
  no note yet, a profile without quotes).

The pages show them, `progress()` counts them, the report lists the warnings still open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from c4d.audience.model import (
    SECTOR_CONSIDERATIONS,
    USUAL_APPROACH,
    Audience,
    AudienceFramework,
    AudienceProfile,
    AudienceRole,
    Direction,
    EntryKind,
    Level,
    SectorLens,
    SEMLevel,
    SEMMap,
    Side,
    Stakeholder,
    StakeholderRole,
)
from c4d.models import Decision, name_key, same_name
from c4d.text import clip, plural


class Severity(str, Enum):
    warning = "warning"
    prompt = "prompt"


@dataclass(frozen=True)
class Finding:
    code: str        # stable, for tests and for the page to pick an icon
    message: str     # a sentence the facilitator can act on
    severity: Severity = Severity.warning


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.warning]


# ---- the audience framework ---------------------------------------------------------------
DEMAND_EXAMPLES = "employers, recruiters, clients and consumers, the businesses that profit"


def framework_findings(framework: AudienceFramework) -> list[Finding]:
    entries = framework.entries
    if not entries:
        return [Finding("framework_empty", "The board is empty. Start with the people most at risk in the places "
                        "they come from (bottom left), then ask who creates the demand where they end up "
                        "(right-hand side).", Severity.prompt)]
    found: list[Finding] = []
    audiences = [e for e in entries if e.kind is EntryKind.audience]
    sides = {e.side for e in audiences}
    if Side.origin in sides and Side.destination not in sides:
        found.append(Finding(
            "no_destination",
            "Nothing on the destination / demand side. Prevention has mostly targeted the places people come "
            f"from; who drives the demand where they end up? Think of {DEMAND_EXAMPLES}."))
    if Side.destination in sides and Side.origin not in sides:
        found.append(Finding(
            "no_origin",
            "Nothing on the origin / source side yet: who is at risk in the places people come from, and who "
            "around them shapes their decisions?"))
    for side in Side:
        individual = framework.cell(side, Level.individual, EntryKind.audience)
        community = framework.cell(side, Level.community)
        if individual and not community:
            names = ", ".join(f"'{clip(e.who, 40)}'" for e in individual[:3])
            found.append(Finding(
                f"individual_without_community_{side.value}",
                f"{side.label}: {names} at the individual level, but nothing at the community level around "
                "them. Who in their family, neighbourhood or workplace supports or pressures them, and what "
                "activity reaches those people?"))
    for side in Side:
        for level in Level:
            if framework.cell(side, level, EntryKind.audience) and not framework.cell(side, level, EntryKind.activity):
                found.append(Finding(
                    f"no_activity_{side.value}_{level.value}",
                    f"{side.label}, {level.label.lower()}: audiences but no activity idea yet. What would reach them?",
                    Severity.prompt))
    if not audiences:
        found.append(Finding("framework_no_audience", "Only activities so far: note who each one is for.",
                             Severity.prompt))
    return found


# ---- how broad an audience is -----------------------------------------------------------------
# Words that name everyone, or nobody in particular: always too broad for a primary audience.
EVERYONE = {
    "public", "general public", "the public", "everyone", "everybody", "all", "all people", "people",
    "population", "general population", "the population", "citizens", "society", "community", "communities",
    "the community", "masses", "audience", "general audience", "stakeholders", "all citizens",
}
# Groups a room often names first: fine once narrowed by age band and place.
BROAD_GROUPS = {
    "youth", "young people", "youths", "women", "men", "girls", "boys", "students", "migrants", "workers",
    "children", "adolescents", "teenagers", "adults", "families", "parents", "job seekers", "jobseekers",
    "young women", "young men", "the youth", "migrant workers", "vulnerable people", "vulnerable groups",
    "poor people", "rural people", "the poor", "victims", "potential victims",
}
_FILLER = re.compile(r"^(the|all|a|an|our|general|ordinary|local)\s+", re.I)
_AGE = re.compile(r"\d{1,2}\s*(?:[-–—]|to)\s*\d{1,2}|\b(?:aged|age|under|over|above|below)\s*\d{1,2}|\d{1,2}\s*\+"
                  r"|\d{1,2}\s*(?:years?|yrs?|y/?o)\b", re.I)
_PLACE = re.compile(r"\b(?:in|from)\s+\w", re.I | re.U)
_PLACE_PHRASE = re.compile(r"\b(?:in|from)\b.*$", re.U)
_AGE_STRIP = re.compile(r"\b(?:aged|age|under|over|above|below)?\s*\d{1,2}(?:\s*(?:[-–—]|to)\s*\d{1,2})?"
                        r"\s*(?:\+|years?|yrs?|y/?o)?", re.I)
_AGE_WORDS = re.compile(r"\b(?:aged|age|years?|old)\b")


def _core(name: str) -> str:
    """The group a name talks about, without its age band and place: 'Youth aged 15–24
    in Darkhan' → 'youth'."""
    text = _AGE_STRIP.sub(" ", name_key(name))
    text = _PLACE_PHRASE.sub(" ", text)
    text = _AGE_WORDS.sub(" ", text)
    text = re.sub(r"[^\w\s'-]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" -'")
    previous = None
    while previous != text:
        previous, text = text, _FILLER.sub("", text)
    return text


def has_age_band(name: str, profile: AudienceProfile | None = None) -> bool:
    return bool(_AGE.search(name)) or bool(profile and profile.age_band)


def has_place(name: str, profile: AudienceProfile | None = None) -> bool:
    return bool(_PLACE.search(name)) or bool(profile and profile.location)


def breadth(name: str, profile: AudienceProfile | None = None) -> Finding | None:
    """A warning when a primary audience is too broad to design for: a word for everyone
    ('the public', 'everyone'), or a broad group or single word ('youth', 'women') with no
    age band and place, in its name or in its profile."""
    core = _core(name)
    if not core:
        return None
    shown = clip(name.strip(), 60)
    example = "e.g. 'young women aged 18–27 in Ulaanbaatar and Darkhan-Uul with seasonal jobs'"
    if core in EVERYONE or name_key(name) in EVERYONE:
        return Finding("too_broad", f"'{shown}' is everyone, and a campaign cannot change everyone's behaviour. "
                       "Narrow it to the people whose behaviour the campaign wants to change or protect: who "
                       f"(sex, age band), where, and in what situation — {example}.")
    if core in BROAD_GROUPS or len(core.split()) == 1:
        missing = [what for what, ok in (("an age band", has_age_band(name, profile)),
                                         ("a location", has_place(name, profile))) if not ok]
        if missing:
            return Finding("too_broad", f"'{shown}' is a broad group. Add {' and '.join(missing)} (in the name or "
                           "in the audience profile) and, if you can, their situation — " + example + ".")
    return None


# ---- primary, secondary and tertiary audiences -------------------------------------------------------
def audience_findings(audiences: list[Audience], framework: AudienceFramework | None = None,
                      profile: AudienceProfile | None = None,
                      decisions: Iterable[Decision] = ()) -> list[Finding]:
    """Gaps in the list of audiences. `decisions` are the decisions in force (one per topic)."""
    found: list[Finding] = []
    by_role = {role: [a for a in audiences if a.role is role] for role in AudienceRole}
    primary = next(iter(by_role[AudienceRole.primary]), None)
    in_force = {d.topic.value: d for d in decisions}
    decided = in_force.get("primary_audience")
    if primary is None:
        hint = (f" The PPCD decided on '{clip(decided.choice, 60)}': use it in one click." if decided else
                " The PPCD usually votes on it.")
        found.append(Finding("no_primary", "No primary audience yet: whose behaviour should the campaign change "
                             "or protect?" + hint))
    else:
        if (too_broad := breadth(primary.name, profile)) is not None:
            found.append(too_broad)
        if decided is not None and primary.decision_id != decided.id and not same_name(primary.name, decided.choice):
            found.append(Finding("primary_differs_from_decision",
                                 f"The PPCD decided on '{clip(decided.choice, 60)}' but the primary audience here is "
                                 f"'{clip(primary.name, 60)}'. Use the decision, or record why the room changed it."))
    if not by_role[AudienceRole.secondary]:
        found.append(Finding("no_secondary", "No secondary audience: who influences the primary audience's "
                             "decisions (family, friends, peers, co-workers)?"))
    if not by_role[AudienceRole.tertiary]:
        found.append(Finding("no_tertiary", "No tertiary audience: who shapes the enabling environment (local "
                             "government, police, media, policy makers)?"))
    for audience in audiences:
        usual = USUAL_APPROACH[audience.role]
        if audience.approach is not usual:
            found.append(Finding(f"unusual_approach_{audience.id}",
                                 f"'{clip(audience.name, 60)}' ({audience.role.value}) is reached through "
                                 f"{audience.approach.label.lower()}; {usual.label.lower()} is the usual approach "
                                 "for this role. Fine if the room chose it on purpose.", Severity.prompt))
    if framework is not None and framework.entries:
        known = {e.id for e in framework.entries}
        for audience in audiences:
            if not any(i in known for i in audience.framework_entry_ids):
                found.append(Finding(f"unlinked_{audience.id}",
                                     f"'{clip(audience.name, 60)}' is not linked to the audience framework yet.",
                                     Severity.prompt))
    return found


# ---- the primary audience's profile ------------------------------------------------------------------
PROFILE_PARTS = {
    "who": "Who they are (age band, sex, location, situation)",
    "kfd": "What they know, feel and do now",
    "information": "Where they get information and which platforms they use",
    "influence": "Who influences their decisions",
    "agency": "Their sense of agency",
    "barriers": "Barriers",
    "motivators": "Motivators",
    "quotes": "Their own words (quotes)",
}


def profile_parts_done(profile: AudienceProfile) -> dict[str, bool]:
    return {
        "who": bool(profile.age_band and profile.sex and profile.location and profile.occupation),
        "kfd": bool(profile.knows and profile.feels and profile.does),
        "information": bool(profile.information_sources or profile.platforms),
        "influence": bool(profile.influencers or profile.influenced_share is not None),
        "agency": bool(profile.agency),
        "barriers": bool(profile.barriers),
        "motivators": bool(profile.motivators),
        "quotes": bool(profile.quotes),
    }


def profile_findings(profile: AudienceProfile, primary: Audience | None) -> list[Finding]:
    found: list[Finding] = []
    if primary is None:
        found.append(Finding("profile_without_primary", "Choose the primary audience first (on the "
                             "'Primary, secondary, tertiary' tab): the profile describes it.", Severity.prompt))
    elif (too_broad := breadth(primary.name, profile)) is not None:
        found.append(too_broad)
    done = profile_parts_done(profile)
    missing_who = [label for label, value in (("age band", profile.age_band), ("sex", profile.sex),
                                              ("location", profile.location),
                                              ("occupation or situation", profile.occupation)) if not value]
    if missing_who:
        found.append(Finding("profile_who", "Who they are: add the " + ", ".join(missing_who) + ".", Severity.prompt))
    for part in ("kfd", "information", "influence", "agency", "barriers", "motivators", "quotes"):
        if not done[part]:
            found.append(Finding(f"profile_{part}", f"Not filled in yet: {PROFILE_PARTS[part].lower()}.",
                                 Severity.prompt))
    if profile.influencers and profile.influenced_share is None and any(i.share is not None for i in profile.influencers):
        found.append(Finding("profile_influenced_share", "Shares are given for individual influencers: add the "
                             "overall share who say others influence their decisions, if the survey asked it.",
                             Severity.prompt))
    return found


# ---- Social Ecological Model ----------------------------------------------------------------------------
SEM_QUESTIONS = {
    SEMLevel.individual: "What in the person's own knowledge, attitudes, skills or situation helps or harms?",
    SEMLevel.interpersonal: "Which family members, friends, partners or peers push them one way or the other?",
    SEMLevel.community: "Which workplaces, schools, recruiters, places or local leaders matter?",
    SEMLevel.societal: "Which laws, policies, services, norms or media shape the situation?",
}


def sem_findings(sem: SEMMap, stakeholders: Iterable[Stakeholder] = ()) -> list[Finding]:
    """Each level should be addressed by an activity or a partner; strong harmful
    influences left unaddressed are named."""
    if not sem.influences:
        return [Finding("sem_empty", "The map is empty. Start with the individual level and move outwards: "
                        + SEM_QUESTIONS[SEMLevel.individual], Severity.prompt)]
    partners_at: dict[SEMLevel, list[str]] = {}
    for s in stakeholders:
        partners_at.setdefault(s.sem_level, []).append(s.organisation)
    found: list[Finding] = []
    for level in SEMLevel:
        influences = sem.at(level)
        suggestion = ""
        if partners_at.get(level):
            names = ", ".join(f"'{clip(n, 40)}'" for n in partners_at[level][:3])
            suggestion = f" Stakeholders mapped at this level: {names}."
        if not influences:
            found.append(Finding(f"sem_no_activity_{level.value}",
                                 f"{level.label} level: nothing mapped, so no activity or partner addresses it. "
                                 + SEM_QUESTIONS[level] + suggestion))
        elif not any(i.addressed_by for i in influences):
            found.append(Finding(f"sem_no_activity_{level.value}",
                                 f"{level.label} level: no activity or partner addresses any of its "
                                 f"{plural(len(influences), 'influence')}. Who will take "
                                 "it on?" + suggestion))
    for i in sem.influences:
        if i.direction is Direction.harms and i.strength == 3 and not i.addressed_by:
            found.append(Finding(f"sem_strong_harm_{i.id}",
                                 f"'{clip(i.who_or_what, 60)}' ({i.level.label.lower()}) pushes strongly the wrong way "
                                 "and nothing addresses it yet.", Severity.prompt))
    if sem.influences and not any(i.direction is Direction.helps for i in sem.influences):
        found.append(Finding("sem_no_helps", "Only harmful influences so far: which people or things already "
                             "help? The campaign can build on them.", Severity.prompt))
    return found


def sem_level_addressed(sem: SEMMap, level: SEMLevel) -> bool:
    return any(i.addressed_by for i in sem.at(level))


# ---- sector lens ---------------------------------------------------------------------------------------
SECTOR_PROMPTS = {
    "life_and_work": "Where and how do people live and work in this sector? Isolation (on boats, in private homes, "
                     "in dormitories), hours, who controls documents and pay?",
    "recruitment": "How are people recruited: licensed agencies, informal brokers, friends and relatives, online "
                   "job ads? Who pays the fees, and who profits?",
    "regulation": "How is the sector regulated, and where are the gaps: informal work, unlicensed businesses, "
                  "online recruitment, inspections that never happen?",
    "gender_bias": "Who really works in this sector, and who is exploited? Check the assumptions: men and boys "
                   "are victims too; women are not only victims.",
    "severity": "How severe is the exploitation: violence, debt, confinement, harm to health? What stops people "
                "from seeking help (stigma, fear of police, debts)?",
}


def sector_findings(lens: SectorLens) -> list[Finding]:
    found: list[Finding] = []
    if not lens.sector:
        found.append(Finding("sector_name", "Name the sector or trend the lens looks at (e.g. the PPCD's "
                             "trafficking trend).", Severity.prompt))
    for key, label in SECTOR_CONSIDERATIONS.items():
        if not getattr(lens, key):
            found.append(Finding(f"sector_{key}", f"{label}: {SECTOR_PROMPTS[key]}", Severity.prompt))
    return found


# ---- stakeholders ---------------------------------------------------------------------------------------
HIGH = 3  # on the 1–5 scales, 3 and above is high


def quadrant(stakeholder: Stakeholder) -> str:
    high_influence, high_interest = stakeholder.influence >= HIGH, stakeholder.interest >= HIGH
    if high_influence and high_interest:
        return "Manage closely"
    if high_influence:
        return "Keep satisfied"
    if high_interest:
        return "Keep informed"
    return "Monitor"


def stakeholder_findings(stakeholders: list[Stakeholder]) -> list[Finding]:
    if not stakeholders:
        return [Finding("stakeholders_empty", "No stakeholder yet. Start with the organisations in the room: "
                        "police, prosecutors, ministries, NGOs, media, private sector.", Severity.prompt)]
    found: list[Finding] = []
    roles = {r for s in stakeholders for r in s.roles}
    if StakeholderRole.service not in roles:
        found.append(Finding("no_service", "No stakeholder provides the service behind the call to action (a "
                             "hotline, a shelter, a licence check). A campaign must point people to a real service."))
    if StakeholderRole.dissemination not in roles:
        found.append(Finding("no_dissemination", "No dissemination channel among the stakeholders: who will push "
                             "the materials through their networks?"))
    if StakeholderRole.content_review not in roles:
        found.append(Finding("no_content_review", "Nobody is set to review the content. Partners who check drafts "
                             "for accuracy and do-no-harm are worth naming now.", Severity.prompt))
    for s in stakeholders:
        if not s.roles:
            found.append(Finding(f"no_role_{s.id}", f"'{clip(s.organisation, 60)}' has no role in the campaign yet.",
                                 Severity.prompt))
        elif quadrant(s) == "Keep satisfied" and StakeholderRole.advocacy_target not in s.roles:
            found.append(Finding(f"keep_satisfied_{s.id}",
                                 f"'{clip(s.organisation, 60)}' has much influence but little interest: an advocacy "
                                 "target?", Severity.prompt))
    return found

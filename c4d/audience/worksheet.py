"""The audience analysis as worksheets: what the facilitator does with it, its status on
the overview and its sections of the workshop report.

Five worksheets, in the order a PPCD usually takes them:

- **Sector lens** — the five considerations before choosing an audience;
- **Audience framework** — the IOM X 2×2, filled live by the facilitator or from the
  phones through the idea board;
- **Audiences** — primary (straight from the PPCD decision in one click), secondary and
  tertiary, each with its approach and its links to the framework; and the profile of
  the primary audience;
- **Social Ecological Model** — influences at four levels and who addresses them;
- **Stakeholder map** — influence × interest, and each stakeholder's role.

Every action (`add_entry`, `adopt_decision`, `add_influence`, ...) reads the part, applies
one change, validates the whole part and saves it in one transaction, so what the page
confirms is on disk and a refused change leaves the saved part as it was. Refusals are
`ValueError`s worded for the facilitator.

The analysis belongs to the campaign, not to one session; it is written into the reports
of the sessions where it is worked on: the PPCD and Media Camp 1 (`REPORT_SESSIONS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from c4d.audience.model import (
    SECTOR_CONSIDERATIONS,
    USUAL_APPROACH,
    Approach,
    Audience,
    AudienceFramework,
    AudienceProfile,
    AudienceRole,
    Audiences,
    EntryKind,
    FrameworkEntry,
    Influence,
    InfluenceShare,
    Level,
    SectorLens,
    SEMLevel,
    SEMMap,
    Side,
    Stakeholder,
    StakeholderMap,
    load_analysis,
    load_part,
    save_part,
)
from c4d.audience.checks import (
    PROFILE_PARTS,
    audience_findings,
    framework_findings,
    profile_parts_done,
    quadrant,
    sem_findings,
    stakeholder_findings,
    warnings,
)
from c4d.models import (
    Campaign,
    Decision,
    DecisionTopic,
    Model,
    Session,
    SessionKind,
    friendly_errors,
    same_name,
)
from c4d.worksheet import Progress, PStep, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.report_writer import ReportWriter
    from c4d.ideas.model import Idea
    from c4d.phones.model import LiveState
    from c4d.db.store import Store

# The sessions whose workshop report carries the audience analysis.
REPORT_SESSIONS = (SessionKind.ppcd, SessionKind.media_camp_1)
CAMPAIGN_LEVEL_NOTE = ("The audience analysis belongs to the whole campaign: this section shows it as it stood "
                       "when the report was made. It appears in the reports of the PPCD and of Media Camp 1.")

P = TypeVar("P", bound=Model)

# ---- refusals in the facilitator's words --------------------------------------------------------
LABELS = {
    "who": "Who", "why": "Why it matters", "evidence": "Evidence", "side": "Side", "level": "Level",
    "kind": "Kind", "name": "Name", "role": "Role", "approach": "Approach", "description": "Description",
    "age_band": "Age band", "sex": "Sex", "location": "Location", "occupation": "Occupation or situation",
    "education": "Education", "knows": "What they know", "feels": "What they feel", "does": "What they do",
    "information_sources": "Information sources", "platforms": "Platforms", "influencers": "Influencers",
    "influenced_share": "Share influenced by others", "agency": "Sense of agency", "barriers": "Barriers",
    "motivators": "Motivators", "quotes": "Quotes", "who_or_what": "Who or what", "direction": "Direction",
    "strength": "Strength", "addressed_by": "Addressed by", "sector": "Sector",
    "organisation": "Organisation", "org_type": "Type of organisation", "sem_level": "SEM level",
    "influence": "Influence", "interest": "Interest", "roles": "Roles", "contact_person": "Contact person",
    "notes": "Notes", "share": "Share", **SECTOR_CONSIDERATIONS,
    # whole lists: their own messages say what is wrong
    "entries": "", "audiences": "", "stakeholders": "", "influences": "",
}


# Lists typed one item a line: a refusal says which item.
ITEM_LISTS = ("information_sources", "platforms", "barriers", "motivators", "quotes", "influencers")


def explain(error: ValidationError) -> str:
    """A ValidationError as one sentence per problem, with the field's label."""
    lines = []
    for item, text in zip(error.errors(), friendly_errors(error)):
        loc = [p for p in item["loc"] if not isinstance(p, int)]
        where = " ".join(str(p).replace("_", " ") for p in loc)
        message = text[len(where) + 2:] if where and text.startswith(where + ": ") else text
        field = str(loc[-1]) if loc else ""
        if loc and str(loc[0]) in ("influencers",) and field != "influencers":
            field = "influencers"
        label = LABELS.get(field, field.replace("_", " ").capitalize())
        index = next((n for n in item["loc"] if isinstance(n, int)), None)
        if label and index is not None and field in ITEM_LISTS:
            label = f"{label} (number {index + 1})"
        if not label:
            lines.append(message[:1].upper() + message[1:])
        elif message.split(" ", 1)[0] in ("cannot", "is", "has", "must"):
            lines.append(f"{label} {message}")
        else:
            lines.append(f"{label}: {message}")
    return "; ".join(lines)


def checked(model: type[P], **data: Any) -> P:
    try:
        return model(**data)
    except ValidationError as exc:
        raise ValueError(explain(exc)) from None


def _change(store: "Store", campaign_id: str, kind: str, change: Callable[[Any], Any]) -> Any:
    """Read one part, apply `change`, validate, save: one transaction."""
    with store.transaction():
        part = load_part(store, campaign_id, kind)
        updated = change(part)
        try:
            updated = type(part).model_validate(updated.model_dump())
        except ValidationError as exc:
            raise ValueError(explain(exc)) from None
        save_part(store, campaign_id, updated)
        return updated


def _find(items: Iterable[Any], item_id: str, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise ValueError(f"This {what} is no longer there (it may have been removed on another screen).")


def _edit(item: P, changes: dict[str, Any]) -> P:
    data = item.model_dump() | changes
    try:
        return type(item).model_validate(data)
    except ValidationError as exc:
        raise ValueError(explain(exc)) from None


def lines(text: str) -> list[str]:
    """One item a line; blank lines and surrounding spaces dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---- audience framework ---------------------------------------------------------------------------
FRAMEWORK_QUESTIONS = {
    (Side.origin, Level.individual): "Who is most at risk in the places people come from?",
    (Side.origin, Level.community): "Who around them (family, neighbours, local leaders, schools) shapes "
                                    "their decisions?",
    (Side.destination, Level.community): "Which businesses, employers or recruiters create the demand where "
                                         "people end up?",
    (Side.destination, Level.individual): "Who are the clients or consumers who create the demand?",
}


def add_entry(store: "Store", campaign_id: str, *, side: Side, level: Level, who: str,
              kind: EntryKind = EntryKind.audience, why: str = "", evidence: str = "",
              source: str = "facilitator", idea_id: str | None = None) -> FrameworkEntry:
    entry = checked(FrameworkEntry, side=side, level=level, kind=kind, who=who, why=why, evidence=evidence,
                    source=source, idea_id=idea_id)
    _change(store, campaign_id, "audience_framework",
            lambda fw: fw.model_copy(update={"entries": [*fw.entries, entry]}))
    return entry


def update_entry(store: "Store", campaign_id: str, entry_id: str, **changes: Any) -> FrameworkEntry:
    def change(fw: AudienceFramework) -> AudienceFramework:
        entry = _edit(_find(fw.entries, entry_id, "entry"), changes)
        return fw.model_copy(update={"entries": [entry if e.id == entry_id else e for e in fw.entries]})

    fw = _change(store, campaign_id, "audience_framework", change)
    return _find(fw.entries, entry_id, "entry")


def remove_entry(store: "Store", campaign_id: str, entry_id: str) -> None:
    """Remove an entry, and its links from the audiences."""
    with store.transaction():
        _change(store, campaign_id, "audience_framework",
                lambda fw: fw.model_copy(update={"entries": [e for e in fw.entries if e.id != entry_id]}))
        _change(store, campaign_id, "audiences", lambda part: part.model_copy(update={"audiences": [
            a.model_copy(update={"framework_entry_ids": [i for i in a.framework_entry_ids if i != entry_id]})
            for a in part.audiences]}))


def ask_phones(store: "Store", session_id: str, side: Side, level: Level) -> "LiveState":
    """Open the idea board on the session's phones with the question for one cell."""
    from c4d.ideas.worksheet import show_ideas

    return show_ideas(store, session_id, FRAMEWORK_QUESTIONS[(side, level)])


def asked_cell(store: "Store", session_id: str) -> tuple[Side, Level] | None:
    """The cell whose question the session's phones were last asked (with `ask_phones`),
    so the ideas that come back go into that cell by default. None when the idea board's
    question is not one of the framework's (or the session has never taken ideas)."""
    state = next((s for s in store.live_states() if s.session_id == session_id), None)
    if state is None:
        return None
    return next((cell for cell, question in FRAMEWORK_QUESTIONS.items() if question == state.idea_prompt), None)


def ideas_to_framework(store: "Store", campaign_id: str, ideas: list["Idea"], *, side: Side, level: Level,
                       kind: EntryKind = EntryKind.audience) -> tuple[int, int]:
    """Put ideas sent from phones on the board, in one cell. Ideas already on the board
    (the same idea, or the same words in that cell) are skipped. Returns (added, skipped)."""
    if not ideas:
        raise ValueError("Choose at least one idea to add to the framework.")
    added = skipped = 0

    def change(fw: AudienceFramework) -> AudienceFramework:
        nonlocal added, skipped
        entries = list(fw.entries)
        for idea in ideas:
            text = " ".join(idea.text.split())
            who = text if len(text) <= 200 else text[:199] + "…"
            if any(e.idea_id == idea.id for e in entries) or any(
                    same_name(e.who, who) for e in entries if (e.side, e.level, e.kind) == (side, level, kind)):
                skipped += 1
                continue
            entries.append(checked(FrameworkEntry, side=side, level=level, kind=kind, who=who,
                                   why=text if who != text else "", source="phone", idea_id=idea.id))
            added += 1
        return fw.model_copy(update={"entries": entries})

    _change(store, campaign_id, "audience_framework", change)
    return added, skipped


# ---- primary, secondary and tertiary audiences ---------------------------------------------------
def add_audience(store: "Store", campaign_id: str, *, role: AudienceRole, name: str,
                 approach: Approach | None = None, description: str = "",
                 framework_entry_ids: Iterable[str] = (), decision_id: str | None = None) -> Audience:
    audience = checked(Audience, role=role, name=name, approach=approach or USUAL_APPROACH[AudienceRole(role)],
                       description=description, framework_entry_ids=list(framework_entry_ids),
                       decision_id=decision_id)
    _change(store, campaign_id, "audiences",
            lambda part: part.model_copy(update={"audiences": [*part.audiences, audience]}))
    return audience


def update_audience(store: "Store", campaign_id: str, audience_id: str, **changes: Any) -> Audience:
    def change(part: Audiences) -> Audiences:
        audience = _edit(_find(part.audiences, audience_id, "audience"), changes)
        return part.model_copy(update={"audiences": [audience if a.id == audience_id else a for a in part.audiences]})

    part = _change(store, campaign_id, "audiences", change)
    return _find(part.audiences, audience_id, "audience")


def remove_audience(store: "Store", campaign_id: str, audience_id: str) -> None:
    _change(store, campaign_id, "audiences",
            lambda part: part.model_copy(update={"audiences": [a for a in part.audiences if a.id != audience_id]}))


def audience_from_entry(store: "Store", campaign_id: str, entry_id: str, role: AudienceRole) -> Audience:
    """An audience made from a framework entry, linked to it."""
    entry = _find(load_part(store, campaign_id, "audience_framework").entries, entry_id, "entry")
    return add_audience(store, campaign_id, role=role, name=entry.who, description=entry.why,
                        framework_entry_ids=[entry.id])


ADOPTABLE = {DecisionTopic.primary_audience: AudienceRole.primary,
             DecisionTopic.secondary_audience: AudienceRole.secondary}


def decisions_to_adopt(store: "Store", campaign_id: str) -> list[Decision]:
    """Decisions in force on the primary or secondary audience that no audience comes from yet."""
    from c4d.decisions.worksheet import latest_by_topic

    current = latest_by_topic(store.decisions(campaign_id))
    audiences = load_part(store, campaign_id, "audiences").audiences
    return [d for topic in ADOPTABLE if (d := current.get(topic)) is not None
            and not any(a.decision_id == d.id for a in audiences)]


def _role_change(audience: Audience, role: AudienceRole) -> dict[str, Any]:
    """Moving to another role brings that role's usual approach, unless the room chose another."""
    changes: dict[str, Any] = {"role": role}
    if audience.approach is USUAL_APPROACH[audience.role]:
        changes["approach"] = USUAL_APPROACH[role]
    return changes


def adopt_decision(store: "Store", campaign_id: str, decision: Decision) -> str:
    """Make the PPCD's decision on the primary (or secondary) audience an audience, in one
    step. An audience of the same name takes the role and the link to the decision; for the
    primary, the previous primary audience stays as a secondary one (nothing is lost).
    Returns what happened, in words."""
    if decision.topic not in ADOPTABLE:
        raise ValueError("Only a decision on the primary or the secondary audience can become an audience.")
    role = ADOPTABLE[decision.topic]
    message = ""

    def change(part: Audiences) -> Audiences:
        nonlocal message
        audiences = list(part.audiences)
        same = next((a for a in audiences if same_name(a.name, decision.choice)), None)
        if role is AudienceRole.secondary and same is not None and same.role is AudienceRole.primary:
            raise ValueError(f"'{same.name}' is already the primary audience; it cannot also be the secondary one.")
        previous = next((a for a in audiences if a.role is AudienceRole.primary), None)
        out = []
        for a in audiences:
            if role is AudienceRole.primary and previous is not None and a.id == previous.id and (
                    same is None or same.id != previous.id):
                a = _edit(a, _role_change(a, AudienceRole.secondary))
                message = f"'{previous.name}' is kept as a secondary audience. "
            if same is not None and a.id == same.id:
                a = _edit(a, {**(_role_change(a, role) if a.role is not role else {}), "decision_id": decision.id,
                              "description": a.description or decision.rationale})
            out.append(a)
        if same is None:
            out.append(checked(Audience, role=role, name=decision.choice, approach=USUAL_APPROACH[role],
                               description=decision.rationale, decision_id=decision.id))
        message = f"'{decision.choice}' is now the {role.value} audience, from the decision. " + message
        return part.model_copy(update={"audiences": out})

    _change(store, campaign_id, "audiences", change)
    return message.strip()


# ---- the primary audience's profile ---------------------------------------------------------------
def parse_influencers(text: str) -> list[InfluenceShare]:
    """'Siblings 45%' / 'Friends: 30 %' / 'Parents' (share unknown), one a line."""
    import re

    found = []
    for n, line in enumerate(lines(text), start=1):
        match = re.fullmatch(r"(.*?)[\s,:;–—-]*(\d{1,3}(?:[.,]\d+)?)\s*%", line)
        who, share = (match.group(1).strip(" ,:;–—-"), float(match.group(2).replace(",", "."))) if match else (line, None)
        if not who:
            raise ValueError(f"Influencers, line {n}: write who influences them before the share ('{line}').")
        if share is not None and share > 100:
            raise ValueError(f"Influencers, line {n}: a share runs from 0 to 100% ('{line}').")
        try:
            found.append(InfluenceShare(who=who, share=share))
        except ValidationError as exc:
            raise ValueError(f"Influencers, line {n}: " + explain(exc)) from None
    return found


def influencers_text(profile: AudienceProfile) -> str:
    return "\n".join(f"{i.who} {i.share:g}%" if i.share is not None else i.who for i in profile.influencers)


def save_profile(store: "Store", campaign_id: str, **changes: Any) -> AudienceProfile:
    """Save some fields of the profile (one form's worth); the others stay as they are."""
    return _change(store, campaign_id, "audience_profile", lambda profile: _edit(profile, changes))


# ---- Social Ecological Model -------------------------------------------------------------------------
def add_influence(store: "Store", campaign_id: str, **fields: Any) -> Influence:
    influence = checked(Influence, **fields)
    _change(store, campaign_id, "sem",
            lambda sem: sem.model_copy(update={"influences": [*sem.influences, influence]}))
    return influence


def update_influence(store: "Store", campaign_id: str, influence_id: str, **changes: Any) -> Influence:
    def change(sem: SEMMap) -> SEMMap:
        influence = _edit(_find(sem.influences, influence_id, "influence"), changes)
        return sem.model_copy(update={"influences": [influence if i.id == influence_id else i for i in sem.influences]})

    sem = _change(store, campaign_id, "sem", change)
    return _find(sem.influences, influence_id, "influence")


def remove_influence(store: "Store", campaign_id: str, influence_id: str) -> None:
    _change(store, campaign_id, "sem",
            lambda sem: sem.model_copy(update={"influences": [i for i in sem.influences if i.id != influence_id]}))


# ---- sector lens ---------------------------------------------------------------------------------------
def save_sector(store: "Store", campaign_id: str, **changes: Any) -> SectorLens:
    return _change(store, campaign_id, "sector_lens", lambda lens: _edit(lens, changes))


# ---- stakeholders -------------------------------------------------------------------------------------
def add_stakeholder(store: "Store", campaign_id: str, **fields: Any) -> Stakeholder:
    stakeholder = checked(Stakeholder, **fields)
    _change(store, campaign_id, "stakeholders",
            lambda part: part.model_copy(update={"stakeholders": [*part.stakeholders, stakeholder]}))
    return stakeholder


def update_stakeholder(store: "Store", campaign_id: str, stakeholder_id: str, **changes: Any) -> Stakeholder:
    def change(part: StakeholderMap) -> StakeholderMap:
        s = _edit(_find(part.stakeholders, stakeholder_id, "stakeholder"), changes)
        return part.model_copy(update={"stakeholders": [s if x.id == stakeholder_id else x for x in part.stakeholders]})

    part = _change(store, campaign_id, "stakeholders", change)
    return _find(part.stakeholders, stakeholder_id, "stakeholder")


def remove_stakeholder(store: "Store", campaign_id: str, stakeholder_id: str) -> None:
    _change(store, campaign_id, "stakeholders", lambda part: part.model_copy(
        update={"stakeholders": [s for s in part.stakeholders if s.id != stakeholder_id]}))


# ---- shared by the worksheets ---------------------------------------------------------------------------
def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def in_report(session: Session) -> bool:
    return session.kind in REPORT_SESSIONS


def _open_warnings(writer: "ReportWriter", findings: list) -> None:
    gaps = warnings(findings)
    if gaps:
        writer.heading("Still open", 2)
        writer.bullets([f.message for f in gaps])


def _decisions_in_force(store: "Store", campaign_id: str) -> list[Decision]:
    from c4d.decisions.worksheet import latest_by_topic

    return list(latest_by_topic(store.decisions(campaign_id)).values())


class _AudiencePart:
    p_step = PStep.analysis
    roadshow_step = RoadshowStep.ppcd


# ---- the worksheets ------------------------------------------------------------------------------------
class SectorLensWorksheet(_AudiencePart):
    """Done when all five considerations have a note; in progress with some."""

    key = "sector_lens"
    title = "Sector lens"
    page = "worksheets/sector_lens.py"
    icon = ":material/work:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        lens = load_part(store, campaign.id, "sector_lens")
        noted = len(lens.notes())
        if not noted and not lens.sector:
            return Progress(Status.not_started, "No note yet.",
                            "Look at the sector through the five considerations before choosing the audience.")
        detail = f"{noted} of {len(SECTOR_CONSIDERATIONS)} considerations noted."
        if noted < len(SECTOR_CONSIDERATIONS):
            missing = next(label for key, label in SECTOR_CONSIDERATIONS.items() if not getattr(lens, key))
            return Progress(Status.in_progress, detail, f"Sector lens: note the {missing.lower()}.")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if not in_report(session):
            return False
        lens = load_part(store, campaign.id, "sector_lens")
        if not lens.notes() and not lens.sector:
            return False
        writer.heading("Sector lens", 1)
        writer.note(CAMPAIGN_LEVEL_NOTE)
        if lens.sector:
            writer.paragraph(f"Sector or trend: {lens.sector}", bold=True)
        writer.table(["Consideration", "Notes"],
                     [[label, getattr(lens, key) or "–"] for key, label in SECTOR_CONSIDERATIONS.items()],
                     row_labels=True, widths_cm=[4.2, 12.4])
        writer.note("These notes also go into the creative brief, under its creative considerations.")
        return True


class FrameworkWorksheet(_AudiencePart):
    """Done when both sides hold audiences, every individual-level audience has community-
    level support on its side, and at least one activity is on the board."""

    key = "audience_framework"
    title = "Audience framework"
    page = "worksheets/audience_framework.py"
    icon = ":material/grid_view:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        fw = load_part(store, campaign.id, "audience_framework")
        if not fw.entries:
            return Progress(Status.not_started, "Nothing on the board yet.",
                            "Fill the audience framework with the room: who is at risk where people come from, "
                            "and who creates the demand where they end up.")
        audiences = [e for e in fw.entries if e.kind is EntryKind.audience]
        activities = len(fw.entries) - len(audiences)
        origin = sum(e.side is Side.origin for e in audiences)
        detail = (f"{_plural(len(audiences), 'audience')} ({origin} origin, {len(audiences) - origin} destination) "
                  f"and {_plural(activities, 'activity', 'activities')}.")
        gaps = warnings(framework_findings(fw))
        if gaps:
            return Progress(Status.in_progress, detail, gaps[0].message)
        if not activities:
            return Progress(Status.in_progress, detail, "Add activity ideas to the framework: what would reach "
                                                        "each audience?")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if not in_report(session):
            return False
        from c4d.audience.pictures import framework_svg, svg_png

        fw = load_part(store, campaign.id, "audience_framework")
        if not fw.entries:
            return False
        writer.heading("Audience framework", 1)
        writer.note(CAMPAIGN_LEVEL_NOTE)
        png = svg_png(framework_svg(fw))
        if png:
            writer.image(png, width_cm=16.5, caption="Yellow notes are audiences, blue notes with an arrow are "
                                                     "activities; dashed notes were sent from phones.")
        rows = []
        for side in Side:
            for level in Level:
                for e in fw.cell(side, level):
                    rows.append([e.cell_label, e.kind.value.capitalize(), e.who, e.why or "–", e.evidence or "–",
                                 "Phone" if e.source == "phone" else "Facilitator"])
        writer.table(["Cell", "Kind", "Who / activity", "Why it matters", "Evidence", "From"], rows,
                     widths_cm=[3.0, 1.8, 3.6, 4.2, 2.6, 1.8])
        _open_warnings(writer, framework_findings(fw))
        return True


class AudiencesWorksheet(_AudiencePart):
    """Done when the primary audience is set and narrow enough, secondary and tertiary
    audiences are named, and the profile covers who they are, what they know, feel and
    do, where they get information, who influences them, barriers and motivators."""

    key = "audiences"
    title = "Audiences and profile"
    page = "worksheets/audiences.py"
    icon = ":material/diversity_3:"
    PROFILE_CORE = ("who", "kfd", "information", "influence", "barriers", "motivators")

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        analysis = load_analysis(store, campaign.id)
        done = profile_parts_done(analysis.profile)
        filled = sum(done.values())
        if not analysis.audiences and not filled:
            pending = decisions_to_adopt(store, campaign.id)
            hint = (f"Use the PPCD decision '{pending[0].choice}' as the primary audience."
                    if pending and pending[0].topic is DecisionTopic.primary_audience else
                    "Name the primary, secondary and tertiary audiences.")
            return Progress(Status.not_started, "No audience yet.", hint)
        primary = analysis.primary
        detail = (f"Primary: {primary.name}. " if primary else "No primary audience. ") + (
            f"{_plural(len(analysis.by_role(AudienceRole.secondary)), 'secondary audience')}, "
            f"{_plural(len(analysis.by_role(AudienceRole.tertiary)), 'tertiary audience')}; "
            f"profile {filled} of {len(PROFILE_PARTS)} parts.")
        gaps = warnings(audience_findings(analysis.audiences, analysis.framework, analysis.profile,
                                          _decisions_in_force(store, campaign.id)))
        if gaps:
            return Progress(Status.in_progress, detail, gaps[0].message)
        missing = [PROFILE_PARTS[p] for p in self.PROFILE_CORE if not done[p]]
        if missing:
            return Progress(Status.in_progress, detail, f"Profile of the primary audience: {missing[0].lower()}.")
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if not in_report(session):
            return False
        analysis = load_analysis(store, campaign.id)
        profile = analysis.profile
        if not analysis.audiences and not any(profile_parts_done(profile).values()):
            return False
        entries = {e.id: e for e in analysis.framework.entries}
        decisions = {d.id: d for d in store.decisions(campaign.id)}
        writer.heading("Audiences", 1)
        writer.note(CAMPAIGN_LEVEL_NOTE)
        if analysis.audiences:
            rows = []
            for role in AudienceRole:
                for a in analysis.by_role(role):
                    origin = []
                    if a.decision_id in decisions:
                        origin.append(f"PPCD decision ({decisions[a.decision_id].method or 'recorded'})")
                    origin += [entries[i].cell_label for i in a.framework_entry_ids if i in entries]
                    rows.append([role.label, a.name, a.approach.label, "; ".join(origin) or "–", a.description or "–"])
            writer.table(["Role", "Audience", "Approach", "Comes from", "Description"], rows,
                         widths_cm=[2.6, 3.6, 3.0, 3.4, 4.0])
        if any(profile_parts_done(profile).values()):
            self._profile(writer, analysis.primary, profile)
        _open_warnings(writer, audience_findings(analysis.audiences, analysis.framework, profile,
                                                 _decisions_in_force(store, campaign.id)))
        return True

    @staticmethod
    def _profile(writer: "ReportWriter", primary: Audience | None, profile: AudienceProfile) -> None:
        from c4d.audience.pictures import influencer_png

        writer.heading("Profile of the primary audience" + (f": {primary.name}" if primary else ""), 2)
        who = [("Age band", profile.age_band), ("Sex", profile.sex), ("Location", profile.location),
               ("Occupation or situation", profile.occupation), ("Education", profile.education)]
        if any(v for _, v in who):
            writer.table(["Who they are", ""], [[k, v or "–"] for k, v in who], row_labels=True, widths_cm=[5.0, 11.6])
        kfd = [("Know", profile.knows), ("Feel", profile.feels), ("Do", profile.does)]
        if any(v for _, v in kfd):
            writer.heading("What they know, feel and do now", 3)
            writer.table(["", "Now"], [[k, v or "–"] for k, v in kfd], row_labels=True, widths_cm=[2.4, 14.2])
        if profile.information_sources or profile.platforms:
            writer.heading("Information and platforms", 3)
            writer.table(["Where they get information", "Platforms they use"],
                         [["\n".join(profile.information_sources) or "–", "\n".join(profile.platforms) or "–"]])
        if profile.influencers or profile.influenced_share is not None:
            writer.heading("Who influences their decisions", 3)
            if profile.influenced_share is not None:
                writer.paragraph(f"{profile.influenced_share:g}% say other people influence their decisions.")
            png = influencer_png(profile)
            if png:
                writer.image(png, width_cm=14.0, max_height_cm=9.0)
            if profile.influencers:
                writer.table(["Who", "Share who say so"],
                             [[i.who, f"{i.share:g}%" if i.share is not None else "–"] for i in profile.influencers])
        if profile.agency:
            writer.heading("Sense of agency", 3)
            writer.paragraph(profile.agency)
        if profile.barriers or profile.motivators:
            writer.heading("Barriers and motivators", 3)
            writer.table(["Barriers", "Motivators"],
                         [["\n".join(profile.barriers) or "–", "\n".join(profile.motivators) or "–"]])
        if profile.quotes:
            writer.heading("In their own words", 3)
            for quote in profile.quotes:
                writer.paragraph(f"“{quote}”", italic=True)
        if profile.evidence:
            writer.note(f"Sources: {profile.evidence}")


class SEMWorksheet(_AudiencePart):
    """Done when every level has at least one influence and an activity or partner
    addresses each level."""

    key = "sem"
    title = "Social Ecological Model"
    page = "worksheets/sem.py"
    icon = ":material/track_changes:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        sem = load_part(store, campaign.id, "sem")
        if not sem.influences:
            return Progress(Status.not_started, "No influence mapped yet.",
                            "Map what helps or harms the primary audience at each level of the Social Ecological Model.")
        addressed = sum(any(i.addressed_by for i in sem.at(level)) for level in SEMLevel)
        detail = (f"{_plural(len(sem.influences), 'influence')}; {addressed} of {len(SEMLevel)} levels addressed by "
                  "an activity or partner.")
        stakeholders = load_part(store, campaign.id, "stakeholders").stakeholders
        gaps = warnings(sem_findings(sem, stakeholders))
        if gaps:
            return Progress(Status.in_progress, detail, gaps[0].message)
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if not in_report(session):
            return False
        from c4d.audience.pictures import sem_svg, svg_png

        sem = load_part(store, campaign.id, "sem")
        if not sem.influences:
            return False
        writer.heading("Social Ecological Model", 1)
        writer.note(CAMPAIGN_LEVEL_NOTE)
        png = svg_png(sem_svg(sem))
        if png:
            writer.image(png, width_cm=16.5, max_height_cm=14.0,
                         caption="Green helps, red harms; ●●● is a strong influence; dashed: nothing addresses it yet.")
        rows = [[i.level.label, i.who_or_what, i.direction.value, ("weak", "moderate", "strong")[i.strength - 1],
                 i.evidence or "–", i.addressed_by or "–"]
                for level in SEMLevel for i in sem.at(level)]
        writer.table(["Level", "Who or what", "Direction", "Strength", "Evidence", "Addressed by"], rows,
                     widths_cm=[2.4, 4.0, 1.8, 1.9, 3.3, 3.2])
        _open_warnings(writer, sem_findings(sem, load_part(store, campaign.id, "stakeholders").stakeholders))
        return True


class StakeholdersWorksheet(_AudiencePart):
    """Done when someone provides the service behind the call to action, someone
    disseminates, and every stakeholder has a role."""

    key = "stakeholders"
    title = "Stakeholder map"
    page = "worksheets/stakeholders.py"
    icon = ":material/hub:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        stakeholders = load_part(store, campaign.id, "stakeholders").stakeholders
        if not stakeholders:
            return Progress(Status.not_started, "No stakeholder yet.",
                            "Map the stakeholders: their influence, their interest and their role in the campaign.")
        key_players = sum(quadrant(s) == "Manage closely" for s in stakeholders)
        detail = f"{_plural(len(stakeholders), 'stakeholder')}, {key_players} to manage closely."
        findings = stakeholder_findings(stakeholders)
        gaps = warnings(findings)
        if gaps:
            return Progress(Status.in_progress, detail, gaps[0].message)
        roleless = [f for f in findings if f.code.startswith("no_role_")]
        if roleless:
            return Progress(Status.in_progress, detail, roleless[0].message)
        return Progress(Status.done, detail)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if not in_report(session):
            return False
        from c4d.audience.pictures import stakeholder_png

        stakeholders = load_part(store, campaign.id, "stakeholders").stakeholders
        if not stakeholders:
            return False
        writer.heading("Stakeholder map", 1)
        writer.note(CAMPAIGN_LEVEL_NOTE)
        png = stakeholder_png(stakeholders)
        if png:
            writer.image(png, width_cm=15.5, max_height_cm=12.0)
        writer.table(["Organisation", "Type", "SEM level", "Influence", "Interest", "Where on the grid", "Role in the campaign"],
                     [[s.organisation, s.org_type.label, s.sem_level.label, s.influence, s.interest, quadrant(s),
                       "\n".join(r.label for r in s.roles) or "–"] for s in stakeholders],
                     widths_cm=[3.6, 2.4, 2.0, 1.6, 1.6, 2.2, 3.2])
        notes = [(s.organisation, s.notes) for s in stakeholders if s.notes]
        if notes:
            writer.heading("Notes", 2)
            writer.bullets([f"{name}: {text}" for name, text in notes])
        writer.note("Influence and interest are rated 1–5 by the room; 3 and above counts as high. Contact persons "
                    "are kept in the toolkit and not printed in this report.")
        _open_warnings(writer, stakeholder_findings(stakeholders))
        return True


# Registered in the order the PPCD usually takes them.
SECTOR_LENS = register(SectorLensWorksheet())
FRAMEWORK = register(FrameworkWorksheet())
AUDIENCES = register(AudiencesWorksheet())
SEM = register(SEMWorksheet())
STAKEHOLDERS = register(StakeholdersWorksheet())

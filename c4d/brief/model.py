"""The creative brief: the production order a creative partner works from.

Composed, not hand-copied. `compose` reads the campaign (background), the PPCD decisions,
the audience analysis (audiences, the primary audience's profile, barriers, sector lens),
the SMART objectives, the channel plan and the pre-test history, and adds the fields only
the brief has (`BriefFields`: key promise, support statements, call to action, key
messages, tone, languages, creative considerations, mandatory elements, deliverables,
timeline, budget, approvals, pre-test plan, revision notes). The result, `ComposedBrief`,
is plain data: it is what a version freezes.

- `check` lists what is missing or weak (`Gap`), section by section, before export. A
  brief with gaps can still be exported: the document marks each gap where it is.
- `save_version` freezes the composed brief as a numbered, dated version (an export with
  nothing changed since the latest version reuses it). `diff` says what changed between
  two versions, section by section, in lines a person reads.
- `outline` (and `summary_outline` for the one-page variant) turns a composed brief into
  sections of simple blocks (paragraphs, bullets, tables, gap marks). The Word document
  (`c4d.export.brief_docx`), the partner's share page (`c4d.brief.share`) and the preview
  on the facilitator's page all render the same outline, so they cannot drift apart.
- `pretest_history` is the one place that reads what the pre-test worksheet keeps.

Content: the brief's own fields are one JSON document per campaign (kind
`creative_brief`), the versions another (`creative_brief_versions`).
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from c4d.strategy import channels as channel_plan
from c4d.strategy import smart
from c4d.models import Campaign, DecisionTopic, LongText, Model, OptionalName, RequiredName, Session, new_id, \
    utcnow
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store

log = logging.getLogger(__name__)

KIND = "creative_brief"
VERSIONS_KIND = "creative_brief_versions"
PRETEST_KIND = "pretest"
VERSIONS_MAX = 200
LIST_MAX = 30
FORMAT = 1  # of the composed brief a version keeps

# Where a gap is fixed: a key the pages turn into a link (see `Gap.fix_on`).
FIX_ON = ("campaign", "audience", "sector", "smart", "channels", "brief")


# ---- the brief's own fields -------------------------------------------------------------------
class Deliverable(Model):
    item: RequiredName
    format: OptionalName = ""       # e.g. "60 s video, 16:9 and 9:16"
    quantity: OptionalName = ""
    due: OptionalName = ""


class RevisionNote(Model):
    """A change made to the brief, e.g. after a pre-test: when, what prompted it, what changed."""

    id: str = Field(default_factory=new_id)
    when: date | None = None
    what: OptionalName = ""          # e.g. "Pre-test focus groups, Ulaanbaatar and Darkhan-Uul"
    change: LongText = ""


class BriefFields(Model):
    problem: LongText = ""
    key_promise: LongText = ""
    support_statements: list[LongText] = Field(default_factory=list, max_length=LIST_MAX)
    call_to_action: LongText = ""
    cta_service: OptionalName = ""   # the real service behind the call to action
    cta_contact: OptionalName = ""   # how to reach it: number, page, address
    key_messages: list[LongText] = Field(default_factory=list, max_length=LIST_MAX)
    slogan: OptionalName = ""
    tone: LongText = ""
    languages: LongText = ""
    creative_considerations: LongText = ""
    mandatory_elements: LongText = ""
    deliverables: list[Deliverable] = Field(default_factory=list, max_length=60)
    timeline: LongText = ""
    budget: LongText = ""
    approvals: LongText = ""
    pretest_plan: LongText = ""
    revisions: list[RevisionNote] = Field(default_factory=list, max_length=100)

    def is_empty(self) -> bool:
        return self == BriefFields()


# What the page shows beside each field: the guidance a facilitator needs at Media Camp 1.
GUIDANCE = {
    "problem": "The problem the campaign answers, in one or two sentences: who is at risk of what, and why.",
    "key_promise": "One benefit the audience gets from doing what the campaign asks, in one sentence.",
    "support_statements": "Reasons to believe the promise: facts from the baseline, real people, a working service.",
    "call_to_action": "One concrete, achievable action, linked to a real service: e.g. 'Check a job offer with "
                      "the hotline before you accept it'.",
    "key_messages": "Three to five short messages, each one idea, in the audience's words.",
    "tone": "Positive and empowering, not fear: scare tactics do not last for long-term decisions. Say how it "
            "should feel (warm, confident, peer to peer).",
    "languages": "Which languages, who dubs (dubbing beats subtitles), which scripts must appear.",
    "creative_considerations": "Real people from the audience speaking to their peers; a gender lens (who really "
                               "works there; men are victims too); do no harm: no identifiable survivors, consent "
                               "for everyone shown.",
    "mandatory_elements": "Logos, the helpline number or page, the slogan, the campaign name in each language.",
    "pretest_plan": "Who tests the drafts (members of the audience who were not in the workshops), where, when, "
                    "and on which criteria (comprehension, appeal, acceptability, relevance, persuasion).",
}


def load_fields(store: "Store", campaign_id: str) -> BriefFields:
    return store.load_worksheet(campaign_id, KIND, BriefFields, "creative brief")


def save_fields(store: "Store", campaign_id: str, fields: BriefFields) -> None:
    store.save_worksheet(campaign_id, KIND, fields.model_dump(mode="json"))


def update_fields(store: "Store", campaign_id: str, **changes: Any) -> BriefFields:
    """Change some fields and save at once; the whole brief is validated first, so a refused
    value leaves what was saved as it was."""
    with store.transaction():
        current = load_fields(store, campaign_id)
        updated = BriefFields.model_validate(current.model_dump() | changes)
        save_fields(store, campaign_id, updated)
    return updated


# ---- the composed brief (what a version freezes) ------------------------------------------------
class Snapshot(BaseModel):
    """Frozen data: read back leniently, so versions saved by an older toolkit still open."""

    model_config = ConfigDict(extra="ignore")


class AudienceLine(Snapshot):
    role: str = ""
    name: str = ""
    approach: str = ""
    description: str = ""


class ProfileSnap(Snapshot):
    name: str = ""
    description: str = ""
    facts: list[tuple[str, str]] = []
    knows: str = ""
    feels: str = ""
    does: str = ""
    information_sources: list[str] = []
    platforms: list[str] = []
    influencers: list[str] = []
    agency: str = ""
    motivators: list[str] = []
    quotes: list[str] = []

    def is_empty(self) -> bool:
        return not any([self.facts, self.knows, self.feels, self.does, self.information_sources, self.platforms,
                        self.influencers, self.agency, self.motivators, self.quotes])


class ObjectiveLine(Snapshot):
    sentence: str = ""
    short: str = ""
    element: str = ""
    audience: str = ""
    verification: str = ""
    result: str = ""
    status: str = ""
    flags: list[str] = []


class ChannelLine(Snapshot):
    channel: str = ""
    detail: str = ""
    audiences: list[str] = []
    evidence: str = ""
    timing: str = ""
    partner: str = ""
    languages: list[str] = []
    expected_reach: int | None = None
    cost: float | None = None


class HistoryLine(Snapshot):
    when: str = ""
    what: str = ""
    change: str = ""
    source: str = ""  # "pre-test" or "brief"


class ComposedBrief(Snapshot):
    format: int = FORMAT
    campaign_name: str = ""
    country: str = ""
    organisers: list[str] = []
    language: str = "en"
    background: str = ""
    trend: str = ""
    area: str = ""
    audiences: list[AudienceLine] = []
    has_primary: bool = False
    primary: ProfileSnap = Field(default_factory=ProfileSnap)
    barriers: list[str] = []
    objectives: list[ObjectiveLine] = []
    channels: list[ChannelLine] = []
    currency: str = ""
    channel_warnings: list[str] = []
    sector: str = ""
    sector_notes: list[tuple[str, str]] = []
    services: list[str] = []   # stakeholders named as the service behind the call to action
    brief: dict[str, Any] = {}
    pretest_history: list[HistoryLine] = []
    composed_at: datetime | None = None

    @property
    def fields(self) -> BriefFields:
        """The brief's own fields as they were; anything unreadable is left out, not fatal."""
        known = {k: v for k, v in self.brief.items() if k in BriefFields.model_fields}
        try:
            return BriefFields.model_validate(known)
        except ValidationError:
            kept = {}
            for key, value in known.items():
                try:
                    BriefFields.model_validate({key: value})
                except ValidationError:
                    continue
                kept[key] = value
            return BriefFields.model_validate(kept)


def _analysis(store: "Store", campaign_id: str):
    from c4d.audience.model import AudienceAnalysis, load_analysis

    try:
        return load_analysis(store, campaign_id)
    except ValueError:
        log.warning("The audience analysis of %s cannot be read; the brief is composed without it.", campaign_id)
        return AudienceAnalysis()


def compose(store: "Store", campaign: Campaign, *, today: date | None = None) -> ComposedBrief:
    """The brief as the campaign stands now."""
    from c4d.audience.model import USUAL_APPROACH, StakeholderRole
    from c4d.decisions.worksheet import latest_by_topic

    analysis = _analysis(store, campaign.id)
    options = smart.known_audiences(store, campaign.id)
    decided = latest_by_topic(store.decisions(campaign.id))
    fields = load_fields(store, campaign.id)

    if analysis.audiences:
        order = ["primary", "secondary", "tertiary"]
        lines = [AudienceLine(role=a.role.label, name=a.name, approach=a.approach.label, description=a.description)
                 for a in sorted(analysis.audiences, key=lambda a: order.index(a.role.value))]
    else:
        lines = [AudienceLine(role=o.role.label, name=o.name, approach=USUAL_APPROACH[o.role].label,
                              description="Decided at the PPCD; not yet described in the audience analysis.")
                 for o in options if o.role is not None]
    primary_option = next((o for o in options if o.role is not None and o.role.value == "primary"), None)
    profile = analysis.profile
    primary_audience = analysis.primary
    facts = [(label, value) for label, value in (
        ("Age", profile.age_band), ("Sex", profile.sex), ("Where they live", profile.location),
        ("Occupation or situation", profile.occupation), ("Education", profile.education)) if value]
    influencers = [f"{i.who} ({smart.number(i.share)}%)" if i.share is not None else i.who for i in profile.influencers]
    if profile.influenced_share is not None:
        influencers.insert(0, f"{smart.number(profile.influenced_share)}% say others influence their decisions")
    primary = ProfileSnap(
        name=primary_option.name if primary_option else "",
        description=primary_audience.description if primary_audience else "",
        facts=facts, knows=profile.knows, feels=profile.feels, does=profile.does,
        information_sources=list(profile.information_sources), platforms=list(profile.platforms),
        influencers=influencers, agency=profile.agency, motivators=list(profile.motivators),
        quotes=list(profile.quotes),
    )

    objectives = []
    for o, flags in smart.checked(smart.load(store, campaign.id).objectives, today=today, audiences=options):
        objectives.append(ObjectiveLine(
            sentence=smart.sentence(o, smart.shown_name(o.audience, options)), short=smart.short_sentence(o),
            element=o.element.value.capitalize(),
            audience=smart.shown_name(o.audience, options), verification=o.verification,
            result=smart.result_line(o), status=smart.status(o) or "",
            flags=[f"{f.title}: {f.reason}" for f in flags],
        ))

    plan = channel_plan.load(store, campaign.id)
    channel_lines = [ChannelLine(
        channel=e.kind.label, detail=e.detail, audiences=channel_plan.audience_names(e, options), evidence=e.evidence,
        timing=e.timing, partner=e.partner, languages=list(e.languages), expected_reach=e.expected_reach, cost=e.cost,
    ) for e in plan.entries]
    channel_warnings = [w.message for w in channel_plan.warnings(plan, options)
                        if w.kind in ("primary_without_channel", "no_evidence")]

    services = [s.organisation + (f" ({s.notes})" if s.notes else "") for s in analysis.stakeholders
                if StakeholderRole.service in s.roles]

    return ComposedBrief(
        campaign_name=campaign.name, country=campaign.country, organisers=list(campaign.organisers),
        language=campaign.participant_language, background=campaign.summary,
        trend=decided[DecisionTopic.trend].choice if DecisionTopic.trend in decided else "",
        area=decided[DecisionTopic.area].choice if DecisionTopic.area in decided else "",
        audiences=lines, has_primary=primary_option is not None, primary=primary,
        barriers=list(profile.barriers), objectives=objectives, channels=channel_lines, currency=plan.currency,
        channel_warnings=channel_warnings, sector=analysis.sector.sector, sector_notes=analysis.sector.notes(),
        services=services, brief=fields.model_dump(mode="json"),
        pretest_history=pretest_history(store, campaign.id) + _revision_lines(fields),
        composed_at=utcnow(),
    )


def _revision_lines(fields: BriefFields) -> list[HistoryLine]:
    notes = sorted(fields.revisions, key=lambda r: (r.when is None, r.when or date.min))
    return [HistoryLine(when=smart.long_date(r.when) if r.when else "", what=r.what, change=r.change, source="brief")
            for r in notes if r.what or r.change]


# ---- the pre-test history: the one read of the pre-test worksheet -----------------------------------
_WHEN_KEYS = ("date", "when", "held_on", "tested_on", "start_date", "created_at")
_WHAT_KEYS = ("title", "material", "material_title", "name", "what", "round", "label", "session")
_CHANGE_KEYS = ("change", "changes", "revision", "decision", "what_changed", "outcome", "summary", "findings",
                "result", "notes")
_LIST_KEYS = ("history", "revisions", "rounds", "sessions", "tests", "materials", "entries")


def pretest_history(store: "Store", campaign_id: str) -> list[HistoryLine]:
    """What the pre-test worksheet records: rounds of testing and the changes they led to.

    The pre-test worksheet is built separately, so this reads it defensively and is the only
    place that does: `c4d.pretest.model.revision_history(store, campaign_id)` when that exists
    (rows with a date, what was tested and what changed), else the worksheet document of kind
    "pretest" (a list under 'history', 'revisions', 'rounds', ... whose rows carry such keys).
    Anything it cannot read is skipped; no pre-test gives an empty list."""
    rows: list[Any] | None = None
    try:
        reader = getattr(importlib.import_module("c4d.pretest.model"), "revision_history", None)
    except ImportError:
        reader = None
    if callable(reader):
        try:
            rows = list(reader(store, campaign_id) or [])
        except Exception:  # the brief must not fail because the pre-test record does
            log.exception("The pre-test worksheet's history could not be read; reading its document instead.")
    if rows is None:
        try:
            rows = _rows_of(store.worksheet(campaign_id, PRETEST_KIND))
        except Exception:
            log.exception("The pre-test history could not be read; the brief says none is recorded.")
            return []
    lines = []
    for row in rows:
        line = _history_line(row)
        if line is not None:
            lines.append(line)
    return lines


def _rows_of(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, Mapping):
        return []
    for key in _LIST_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            rows = []
            for row in value:
                nested = _get(row, "revisions")
                if isinstance(nested, list) and nested:
                    parent = _pick(row, _WHAT_KEYS)
                    for child in nested:
                        if isinstance(child, Mapping):
                            rows.append({"what": parent, **child})
                else:
                    rows.append(row)
            return rows
    return []


def _get(row: Any, key: str) -> Any:
    """A field of a row that is a mapping or a record object (a pydantic model, a
    dataclass); nothing from text, numbers or methods."""
    if isinstance(row, Mapping):
        return row.get(key)
    if isinstance(row, (str, bytes, int, float, bool)) or row is None:
        return None
    value = getattr(row, key, None)
    return None if callable(value) else value


def _pick(row: Any, keys: Sequence[str]) -> str:
    for key in keys:
        value = _get(row, key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, (datetime, date)):
            return smart.long_date(value.date() if isinstance(value, datetime) else value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", value):
            try:
                return smart.long_date(date.fromisoformat(value[:10]))
            except ValueError:
                return value
        if isinstance(value, (list, tuple)):
            return "; ".join(str(v) for v in value if v not in (None, ""))
        if isinstance(value, Mapping):
            continue
        return str(value)
    return ""


def _history_line(row: Any) -> HistoryLine | None:
    if isinstance(row, HistoryLine):
        return row
    when, what, change = _pick(row, _WHEN_KEYS), _pick(row, _WHAT_KEYS), _pick(row, _CHANGE_KEYS)
    if not (what or change):
        return None
    return HistoryLine(when=when, what=what, change=change, source="pre-test")


# ---- completeness ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gap:
    section: str   # a key of SECTION_TITLES
    level: str     # "missing" or "weak"
    message: str
    fix_on: str = "brief"   # one of FIX_ON: the campaign details, the audience analysis, ...

    @property
    def label(self) -> str:
        return "Missing" if self.level == "missing" else "To strengthen"


SECTION_TITLES = {
    "background": "Background and problem",
    "audiences": "Audiences",
    "objectives": "Communication objectives",
    "barriers": "Obstacles and barriers",
    "promise": "Key promise",
    "support": "Support statements and reasons to believe",
    "cta": "Call to action",
    "messages": "Key messages and slogan",
    "tone": "Tone and personality",
    "channels": "Media and channels",
    "languages": "Languages and dubbing",
    "considerations": "Creative considerations",
    "mandatory": "Mandatory elements",
    "deliverables": "Deliverables and formats",
    "logistics": "Timeline, budget and approvals",
    "pretest_plan": "Pre-test plan",
    "history": "Pre-test history and revisions",
}
GAPS_TITLE = "Gaps to close before production"

_FEAR = re.compile(r"\b(fear|scar(?:e|y|ing)|shock(?:ing)?|frighten(?:ing)?|terrif(?:y|ying)|horror|horrif(?:ic|ying)"
                   r"|graphic|gruesome|threat(?:en|ening)?)\b", re.IGNORECASE)
_NEGATION = {"no", "not", "avoid", "avoids", "avoiding", "without", "never", "nor", "don't", "dont", "non", "free",
             "instead"}
_DO_NO_HARM = re.compile(r"surviv|identif|consent|do[\s-]*no[\s-]*harm|anonym|privacy|blur", re.IGNORECASE)
_VAGUE_CTA = re.compile(r"\bbe (?:more )?(?:aware|careful|vigilant)\b|\braise awareness\b|\bstay safe\b|"
                        r"\bunderstand\b|\bthink twice\b", re.IGNORECASE)
_CONTACT_WORDS = re.compile(r"hotline|helpline|help line|chatbot|phone|number|contact|page|website|\d{3}",
                            re.IGNORECASE)


def uses_fear(text: str) -> list[str]:
    """Fear words used as a tone (not 'no fear', 'avoid shock images')."""
    found = []
    for match in _FEAR.finditer(text or ""):
        before = re.findall(r"[\w']+", text[: match.start()].lower())[-3:]
        if not any(word in _NEGATION for word in before):
            found.append(match.group(0))
    return found


def words(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def check(brief: ComposedBrief) -> list[Gap]:
    """What is missing or weak, in the order of the brief."""
    f = brief.fields
    gaps: list[Gap] = []

    def gap(section: str, level: str, message: str, fix_on: str = "brief") -> None:
        gaps.append(Gap(section, level, message, fix_on))

    if not brief.background.strip():
        gap("background", "missing", "There is no background: write the campaign's background in Settings and "
                                     "backup → This campaign.", "campaign")
    if not f.problem.strip():
        gap("background", "weak", "State the problem the campaign answers, in one or two sentences.")
    if not brief.has_primary:
        gap("audiences", "missing", "No primary audience: choose it in the audience analysis (or record the PPCD's "
                                    "decision on the primary target group).", "audience")
    elif brief.primary.is_empty():
        gap("audiences", "weak", "The primary audience has no profile yet: what they know, feel and do, where they "
                                 "get information, who influences them.", "audience")
    if brief.has_primary and not any(a.role.lower().startswith("secondary") for a in brief.audiences):
        gap("audiences", "weak", "No secondary audience: who influences the primary audience (family, friends, "
                                 "peers)?", "audience")
    if not brief.objectives:
        gap("objectives", "missing", "No SMART objective yet.", "smart")
    else:
        flagged = [o for o in brief.objectives if o.flags]
        if flagged:
            gap("objectives", "weak", f"{len(flagged)} of {len(brief.objectives)} objectives have open checks on "
                                      f"the SMART objectives page.", "smart")
    if not brief.barriers:
        gap("barriers", "missing", "No barriers: list the beliefs, norms and misinformation from the baseline in the "
                                   "audience profile.", "audience")
    if not brief.sector_notes:
        gap("considerations", "weak", "No sector-lens notes (life and work, recruitment, regulation, gender, "
                                      "severity) to guide the creative work.", "sector")
    if not f.key_promise.strip():
        gap("promise", "missing", "There is no key promise: the one benefit the audience gets.")
    elif words(f.key_promise) > 35:
        gap("promise", "weak", f"The key promise runs to {words(f.key_promise)} words; keep it to one benefit in "
                               f"one sentence.")
    if not [s for s in f.support_statements if s.strip()]:
        gap("support", "missing", "No support statements: why should the audience believe the promise?")
    if not f.call_to_action.strip():
        gap("cta", "missing", "There is no call to action.")
    else:
        if not f.cta_service.strip() or not f.cta_contact.strip():
            missing = " and ".join(x for x, v in (("the service", f.cta_service), ("its contact", f.cta_contact))
                                   if not v.strip())
            gap("cta", "weak", f"The call to action does not name {missing}: link it to a real service people "
                               f"can reach.")
        vague = _VAGUE_CTA.search(f.call_to_action)
        if vague:
            gap("cta", "weak", f"'{vague.group(0)}' is not an action someone can take: ask for one concrete step.")
    if not [m for m in f.key_messages if m.strip()]:
        gap("messages", "missing", "No key messages.")
    elif len(f.key_messages) > 7:
        gap("messages", "weak", f"{len(f.key_messages)} key messages is more than a campaign can carry; keep three "
                                f"to five.")
    if not f.slogan.strip():
        gap("messages", "weak", "No slogan yet (if the campaign will have one, test it in the pre-test).")
    if not f.tone.strip():
        gap("tone", "missing", "No tone: say how the content should feel (positive and empowering, not fear).")
    elif fear := uses_fear(f.tone):
        gap("tone", "weak", f"The tone asks for '{fear[0]}': scare tactics do not work for long-term decisions; "
                            f"aim for positive and empowering.")
    if not brief.channels:
        gap("channels", "missing", "No channels: plan them on the Channels and distribution page.", "channels")
    for warning in brief.channel_warnings:
        gap("channels", "weak", warning, "channels")
    if not f.languages.strip():
        gap("languages", "missing", "No languages: which languages, and who dubs?")
    if not f.creative_considerations.strip():
        gap("considerations", "missing", "No creative considerations (real people from the audience, gender lens, "
                                         "do no harm).")
    elif not _DO_NO_HARM.search(f.creative_considerations):
        gap("considerations", "weak", "Say how survivors are protected: no identifiable survivors, consent for "
                                      "everyone shown.")
    if not f.mandatory_elements.strip():
        gap("mandatory", "missing", "No mandatory elements (logos, helpline number, slogan).")
    elif not (_CONTACT_WORDS.search(f.mandatory_elements)
              or (f.cta_contact.strip() and f.cta_contact.strip().lower() in f.mandatory_elements.lower())):
        gap("mandatory", "weak", "The mandatory elements do not include the service's contact (helpline number "
                                 "or page).")
    if not f.deliverables:
        gap("deliverables", "missing", "No deliverables: what should the partner produce, in which formats?")
    absent = [name for name, value in (("timeline", f.timeline), ("budget", f.budget), ("approvals", f.approvals))
              if not value.strip()]
    if absent:
        gap("logistics", "missing", f"Not yet written: {', '.join(absent)}.")
    if not f.pretest_plan.strip():
        gap("pretest_plan", "missing", "No pre-test plan: who tests the drafts, where, when, on which criteria?")
    return gaps


def gaps_by_section(gaps: Iterable[Gap]) -> dict[str, list[Gap]]:
    grouped: dict[str, list[Gap]] = {}
    for g in gaps:
        grouped.setdefault(g.section, []).append(g)
    return grouped


def completeness_line(gaps: Sequence[Gap]) -> str:
    missing = sum(g.level == "missing" for g in gaps)
    weak = len(gaps) - missing
    if not gaps:
        return "Complete: nothing missing or weak."
    parts = [f"{missing} missing" if missing else "", f"{weak} to strengthen" if weak else ""]
    return "Gaps marked in the text: " + ", ".join(p for p in parts if p) + "."


# ---- versions --------------------------------------------------------------------------------------
class BriefVersion(Snapshot):
    number: int
    created_at: datetime
    note: str = ""
    fingerprint: str = ""
    brief: ComposedBrief

    @property
    def label(self) -> str:
        local = self.created_at.astimezone()
        return f"Version {self.number} · {local.day} {local:%B} {local.year}, {local:%H:%M}"

    @property
    def date_label(self) -> str:
        local = self.created_at.astimezone()
        return f"{local.day} {local:%B} {local.year}"


class VersionLog(Snapshot):
    versions: list[BriefVersion] = []


def fingerprint(brief: ComposedBrief) -> str:
    data = brief.model_dump(mode="json", exclude={"composed_at"})
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def versions(store: "Store", campaign_id: str) -> list[BriefVersion]:
    return store.load_worksheet(campaign_id, VERSIONS_KIND, VersionLog, "versions of the brief").versions


def latest_version(store: "Store", campaign_id: str) -> BriefVersion | None:
    found = versions(store, campaign_id)
    return found[-1] if found else None


def version(store: "Store", campaign_id: str, number: int) -> BriefVersion | None:
    return next((v for v in versions(store, campaign_id) if v.number == number), None)


def save_version(store: "Store", campaign: Campaign, *, note: str = "", today: date | None = None,
                 now: datetime | None = None) -> tuple[BriefVersion, bool]:
    """Freeze the brief as the next numbered version. When nothing changed since the latest
    version, that version is returned instead (False: no new version was made)."""
    note = " ".join((note or "").split())[:200]
    with store.transaction():
        composed = compose(store, campaign, today=today)
        print_ = fingerprint(composed)
        existing = versions(store, campaign.id)
        if existing and existing[-1].fingerprint == print_:
            return existing[-1], False
        if len(existing) >= VERSIONS_MAX:
            raise ValueError(f"This brief already has {VERSIONS_MAX} versions; back up the campaign and start a "
                             f"copy of it for further versions.")
        made = BriefVersion(number=(existing[-1].number + 1) if existing else 1, created_at=now or utcnow(),
                            note=note, fingerprint=print_, brief=composed)
        log_ = VersionLog(versions=[*existing, made])
        store.save_worksheet(campaign.id, VERSIONS_KIND, log_.model_dump(mode="json"))
    return made, True


# ---- the outline: what every rendering shows ---------------------------------------------------------
@dataclass(frozen=True)
class Para:
    text: str
    italic: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Pairs:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Sub:
    text: str


@dataclass(frozen=True)
class GapMark:
    level: str
    text: str

    @property
    def label(self) -> str:
        return "Missing" if self.level == "missing" else "To strengthen"


@dataclass(frozen=True)
class Note:
    text: str


Block = Union[Para, Bullets, TableBlock, Pairs, Sub, GapMark, Note]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def _lines(text: str) -> list[Block]:
    return [Para(text)] if text.strip() else []


def _labelled(label: str, text: str) -> list[Block]:
    return [Sub(label), Para(text)] if text.strip() else []


def reach_text(value: int | None) -> str:
    return smart.number(value) if value is not None else "–"


def cost_text(value: float | None) -> str:
    return smart.number(value) if value is not None else "–"


def cost_header(currency: str) -> str:
    """The cost column's heading, with the currency, so each cell holds only a figure."""
    return f"Cost ({currency})" if currency.strip() else "Cost"


def channel_total_row(brief: ComposedBrief) -> tuple[str, ...]:
    reach = [c.expected_reach for c in brief.channels if c.expected_reach is not None]
    costs = [c.cost for c in brief.channels if c.cost is not None]
    return ("Total", f"{len(brief.channels)} channels", "", "",
            smart.number(sum(reach)) if reach else "–",
            smart.number(sum(costs)) if costs else "–")


def outline(brief: ComposedBrief, gaps: Sequence[Gap] | None = None) -> list[Section]:
    """The full brief, section by section, with each gap marked where it is."""
    gaps = check(brief) if gaps is None else gaps
    marks = gaps_by_section(gaps)
    f = brief.fields
    body: dict[str, list[Block]] = {key: [] for key in SECTION_TITLES}

    b = body["background"]
    b += _lines(brief.background)
    b += _labelled("The problem", f.problem)
    decided = [(label, value) for label, value in (("Trafficking trend", brief.trend),
                                                   ("Area of dissemination", brief.area),
                                                   ("Country", brief.country)) if value]
    if decided:
        b.append(Pairs(tuple(decided)))

    a = body["audiences"]
    if brief.audiences:
        a.append(TableBlock(("Role", "Audience", "Approach", "Who they are"),
                            tuple((x.role, x.name, x.approach, x.description or "–") for x in brief.audiences),
                            (3.0, 4.2, 3.6, 5.8)))
    p = brief.primary
    if brief.has_primary and not p.is_empty():
        a.append(Sub(f"Primary audience profile: {p.name}" if p.name else "Primary audience profile"))
        if p.description:
            a.append(Para(p.description))
        if p.facts:
            a.append(Pairs(tuple(p.facts)))
        for label, text in (("What they know", p.knows), ("What they feel", p.feels), ("What they do", p.does),
                            ("Who decides", p.agency)):
            if text.strip():
                a.append(Pairs(((label, text),)))
        for label, items in (("Where they get information", p.information_sources),
                             ("Platforms they use", p.platforms), ("Who influences them", p.influencers),
                             ("What motivates them", p.motivators)):
            if items:
                a.append(Pairs(((label, "; ".join(items)),)))
        if p.quotes:
            a.append(Sub("In their words"))
            a.append(Bullets(tuple(f"“{q}”" for q in p.quotes)))

    o = body["objectives"]
    if brief.objectives:
        o.append(TableBlock(
            ("#", "Objective", "Element", "Checks"),
            tuple((str(i), x.sentence + (f" {x.result}." if x.result else ""), x.element,
                   "; ".join(x.flags) if x.flags else "All checks pass")
                  for i, x in enumerate(brief.objectives, start=1)),
            (0.8, 9.5, 2.9, 3.4)))

    if brief.barriers:
        body["barriers"].append(Bullets(tuple(brief.barriers)))

    body["promise"] += _lines(f.key_promise)
    support = [x for x in f.support_statements if x.strip()]
    if support:
        body["support"].append(Bullets(tuple(support)))

    c = body["cta"]
    c += _lines(f.call_to_action)
    pairs = [(label, value) for label, value in (("Service", f.cta_service), ("Contact", f.cta_contact)) if value]
    if pairs:
        c.append(Pairs(tuple(pairs)))

    m = body["messages"]
    messages = [x for x in f.key_messages if x.strip()]
    if messages:
        m.append(Bullets(tuple(messages)))
    if f.slogan.strip():
        m.append(Pairs((("Slogan", f.slogan),)))

    body["tone"] += _lines(f.tone)

    ch = body["channels"]
    if brief.channels:
        rows = [(x.channel + (f" — {x.detail}" if x.detail else ""), ", ".join(x.audiences) or "–",
                 x.evidence or "–", x.timing or "–", reach_text(x.expected_reach), cost_text(x.cost))
                for x in brief.channels]
        rows.append(channel_total_row(brief))
        ch.append(TableBlock(
            ("Channel", "Audiences", "Why (evidence)", "Timing", "Reach", cost_header(brief.currency)),
            tuple(rows), (3.4, 3.0, 4.2, 2.5, 1.9, 1.6)))
        partners = sorted({x.partner for x in brief.channels if x.partner})
        if partners:
            ch.append(Pairs((("Partners", "; ".join(partners)),)))
        languages = sorted({lang for x in brief.channels for lang in x.languages})
        if languages:
            ch.append(Pairs((("Languages on the channels", ", ".join(languages)),)))

    body["languages"] += _lines(f.languages)
    considerations = body["considerations"]
    considerations += _lines(f.creative_considerations)
    # The sector lens tells the creative team what the audience's work and life are like.
    if brief.sector_notes:
        sector = (("Sector", brief.sector),) if brief.sector else ()
        considerations.append(Pairs(sector + tuple((f"Sector lens: {label.lower()}", note)
                                                   for label, note in brief.sector_notes)))
    body["mandatory"] += _lines(f.mandatory_elements)
    if f.deliverables:
        body["deliverables"].append(TableBlock(
            ("Deliverable", "Format", "Quantity", "Due"),
            tuple((d.item, d.format or "–", d.quantity or "–", d.due or "–") for d in f.deliverables),
            (5.0, 5.6, 2.6, 3.4)))
    body["logistics"] += _labelled("Timeline", f.timeline)
    body["logistics"] += _labelled("Budget", f.budget)
    body["logistics"] += _labelled("Approvals", f.approvals)
    body["pretest_plan"] += _lines(f.pretest_plan)
    h = body["history"]
    if brief.pretest_history:
        h.append(TableBlock(("When", "What", "What changed"),
                            tuple((x.when or "–", x.what or "–", x.change or "–") for x in brief.pretest_history),
                            (3.0, 4.6, 9.0)))
    else:
        h.append(Para("No pre-test has been recorded yet."))

    sections: list[Section] = []
    if gaps:
        sections.append(Section("gaps", GAPS_TITLE, (
            Para(completeness_line(gaps)),
            TableBlock(("Section", "", "What to do"),
                       tuple((SECTION_TITLES[g.section], g.label, g.message) for g in gaps), (4.4, 2.6, 9.6)),
        )))
    for key, title in SECTION_TITLES.items():
        blocks = [GapMark(g.level, g.message) for g in marks.get(key, [])] + body[key]
        if not blocks:
            blocks = [Note("Nothing recorded.")]
        sections.append(Section(key, title, tuple(blocks)))
    return sections


SUMMARY_LIMIT = 320     # characters of one text on the one-page summary
SUMMARY_OBJECTIVES = 3  # objectives listed on it
SUMMARY_MESSAGES = 4    # key messages listed on it


def _short(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """At most `limit` characters, cut at a word with '…'."""
    return smart.clip(text, limit)


short_text = _short


def summary_outline(brief: ComposedBrief, gaps: Sequence[Gap] | None = None) -> list[Section]:
    """The one-page variant for quick sharing: the essentials, each kept short enough that
    even a brief with every field at its longest stays on one A4 page. Its completeness
    line goes under the title (see c4d.export.brief_docx)."""
    gaps = check(brief) if gaps is None else gaps
    f = brief.fields
    missing = "Missing — see the full brief."
    sections: list[Section] = []

    def add(key: str, title: str, blocks: list[Block]) -> None:
        sections.append(Section(key, title, tuple(blocks) if blocks else (GapMark("missing", missing),)))

    who = []
    if brief.has_primary:
        facts = dict(brief.primary.facts)
        where = facts.get("Where they live", "")
        situation = facts.get("Occupation or situation", "")
        line = brief.primary.name + (f" in {where}" if where else "") + (
            f" — {smart.lower_first(situation)}" if situation else "")
        who.append(Para(_short(line, 180)))
    others = [x.name for x in brief.audiences if x.role.lower().startswith("secondary")]
    if others:
        who.append(Para(_short("Also speaking to: " + "; ".join(others), 140)))
    add("audiences", "Who we speak to", who)
    add("promise", "Key promise", _lines(_short(f.key_promise, 160)))
    items = [_short(o.short or o.sentence, 160) for o in brief.objectives[:SUMMARY_OBJECTIVES]]
    objective_blocks: list[Block] = [Bullets(tuple(items))] if items else []
    if len(brief.objectives) > SUMMARY_OBJECTIVES:
        objective_blocks.append(Note(f"And {len(brief.objectives) - SUMMARY_OBJECTIVES} more in the full brief."))
    add("objectives", "Objectives", objective_blocks)
    cta: list[Block] = _lines(_short(f.call_to_action, 180))
    reach_us = [(label, _short(value, 120)) for label, value in (("Service", f.cta_service),
                                                                 ("Contact", f.cta_contact)) if value.strip()]
    if cta and reach_us:  # the service and how to reach it: what the partner must get right
        cta.append(Pairs(tuple(reach_us)))
    add("cta", "Call to action", cta)
    messages: list[Block] = []
    listed = [_short(m, 110) for m in f.key_messages if m.strip()][:SUMMARY_MESSAGES]
    if listed:
        messages.append(Bullets(tuple(listed)))
    if f.slogan.strip():
        messages.append(Pairs((("Slogan", _short(f.slogan, 100)),)))
    add("messages", "Key messages", messages)
    media = list(dict.fromkeys(x.detail if x.channel == "Other" and x.detail else x.channel
                               for x in brief.channels))
    production = [(label, _short(text, limit)) for label, text, limit in (
        ("Tone", f.tone, 240), ("Channels", ", ".join(media), 220), ("Mandatory elements", f.mandatory_elements, 260),
        ("Deliverables", "; ".join(d.item for d in f.deliverables), 220)) if text.strip()]
    absent = [label for label, text in (
        ("tone", f.tone), ("channels", media), ("mandatory elements", f.mandatory_elements),
        ("deliverables", f.deliverables)) if not text]
    blocks: list[Block] = [Pairs(tuple(production))] if production else []
    if absent:
        blocks.append(GapMark("missing", "Not yet in the brief: " + ", ".join(absent) + "."))
    sections.append(Section("production", "For production", tuple(blocks)))
    return sections


# ---- what changed between two versions ---------------------------------------------------------------
@dataclass(frozen=True)
class SectionChange:
    title: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


def block_lines(block: Block) -> list[str]:
    """A block as lines of text (gap marks and notes are derived, so they are left out)."""
    if isinstance(block, Para):
        return [line for line in block.text.splitlines() if line.strip()]
    if isinstance(block, Bullets):
        return [f"• {item}" for item in block.items]
    if isinstance(block, TableBlock):  # the headings too: they carry the currency of the costs
        return [" | ".join(h for h in block.headers)] + [" | ".join(cell for cell in row) for row in block.rows]
    if isinstance(block, Pairs):
        return [f"{label}: {value}" for label, value in block.pairs]
    if isinstance(block, Sub):
        return [block.text]
    return []


def diff(old: ComposedBrief, new: ComposedBrief) -> list[SectionChange]:
    """What changed from `old` to `new`, by section: the lines taken out and put in."""
    before = {s.key: s for s in outline(old, []) if s.key != "gaps"}
    after = {s.key: s for s in outline(new, []) if s.key != "gaps"}
    changes = []
    for key, title in SECTION_TITLES.items():
        a = [line for block in (before[key].blocks if key in before else ()) for line in block_lines(block)]
        b = [line for block in (after[key].blocks if key in after else ()) for line in block_lines(block)]
        if a == b:
            continue
        removed, added = [], []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag in ("replace", "delete"):
                removed += a[i1:i2]
            if tag in ("replace", "insert"):
                added += b[j1:j2]
        changes.append(SectionChange(title, tuple(removed), tuple(added)))
    if old.campaign_name != new.campaign_name:
        changes.insert(0, SectionChange("Campaign name", (old.campaign_name,), (new.campaign_name,)))
    return changes


# ---- the worksheet -------------------------------------------------------------------------------------
class CreativeBriefWorksheet:
    key = "creative_brief"
    title = "Creative brief"
    p_step = PStep.design
    roadshow_step = RoadshowStep.media_camp_1
    page = "worksheets/creative_brief.py"
    icon = ":material/brush:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        fields = load_fields(store, campaign.id)
        made = versions(store, campaign.id)
        if fields.is_empty() and not made:
            return Progress(Status.not_started, "Not started.",
                            "Write the creative brief: key promise, call to action, key messages and tone.")
        gaps = check(compose(store, campaign))
        missing = [g for g in gaps if g.level == "missing"]
        exported = f"version {made[-1].number} exported" if made else "not exported yet"
        if missing:
            return Progress(Status.in_progress, f"{len(missing)} part(s) missing; {exported}.",
                            f"Creative brief, {SECTION_TITLES[missing[0].section].lower()}: {missing[0].message}")
        if not made:
            return Progress(Status.in_progress, "Complete; not exported yet.",
                            "Export the creative brief (a numbered version) and share it with the creative partner.")
        return Progress(Status.done, f"Complete; {exported}" + (f"; {len(gaps)} point(s) to strengthen." if gaps
                                                                 else "."))

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if session.kind not in smart.REPORTED_SESSIONS:
            return False
        fields = load_fields(store, campaign.id)
        made = versions(store, campaign.id)
        if fields.is_empty() and not made:
            return False
        writer.heading("Creative brief", 1)
        if made:
            writer.paragraph(f"Latest version: {made[-1].number}, of {made[-1].date_label}.")
        pairs = [(label, value) for label, value in (
            ("Key promise", fields.key_promise), ("Call to action", fields.call_to_action),
            ("Slogan", fields.slogan)) if value]
        writer.key_values(pairs)
        writer.note(completeness_line(check(compose(store, campaign))))
        return True


register(CreativeBriefWorksheet())


def brief_filename(campaign_name: str, slug: str, number: int, summary: bool = False) -> str:
    from c4d.models import slugify

    base = re.sub(r"[^a-z0-9-]+", "-", (slug or slugify(campaign_name)).lower()).strip("-") or "campaign"
    return f"{base}_creative-brief_v{number}{'_summary' if summary else ''}.docx"

"""The creative brief's vocabulary: the fields only the brief has, and the composed brief a
version freezes.

The brief is composed, not hand-copied (`c4d.brief.compose`): the campaign, the PPCD
decisions, the audience analysis, the SMART objectives, the channel plan and the pre-test
history, plus the brief's own fields (`BriefFields`: key promise, support statements,
call to action, key messages, tone, languages, creative considerations, mandatory
elements, deliverables, timeline, budget, approvals, pre-test plan, revision notes). The
result, `ComposedBrief`, is plain data: it is what a version (`BriefVersion`) keeps.

The rest of the tool, one concept a module:

- `compose`   the brief as the campaign stands now, and the pre-test history in it
- `checks`    what is missing or weak (`Gap`), section by section, before export
- `outline`   sections of simple blocks that the Word document, the share page and the
              page's preview all render, so they cannot drift apart; the one-page summary
- `versions`  the numbered, dated versions, read back, and what changed between two
- `commands`  every write: the fields, revision notes, a version, share links
- `links`     the share links' tokens and where they are kept; `share` serves them
- `worksheet` progress, next action and the workshop report's section

Content: the brief's own fields are one JSON document per campaign (kind
`creative_brief`), the versions another (`creative_brief_versions`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from c4d.models import LongText, Model, OptionalName, new_id, slugify
from c4d.text import date_time, short_date

KIND = "creative_brief"
VERSIONS_KIND = "creative_brief_versions"
VERSIONS_MAX = 200
LIST_MAX = 30
FORMAT = 1  # of the composed brief a version keeps

# Where a gap is fixed: a key the pages turn into a link (see `c4d.brief.checks.Gap.fix_on`).
FIX_ON = ("campaign", "audience", "sector", "smart", "channels", "brief")

# The brief's sections, in the order every rendering shows them.
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


# ---- the brief's own fields -------------------------------------------------------------------
class Deliverable(Model):
    """One thing the partner produces. A row may be saved before its name is typed (the
    facilitator started it in another column); the brief's checks then name it as missing."""

    item: OptionalName = ""
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


# ---- versions ------------------------------------------------------------------------------------
class BriefVersion(Snapshot):
    number: int
    created_at: datetime
    note: str = ""
    fingerprint: str = ""
    brief: ComposedBrief

    @property
    def label(self) -> str:
        return f"Version {self.number} · {date_time(self.created_at)}"

    @property
    def date_label(self) -> str:
        return short_date(self.created_at)


class VersionLog(Snapshot):
    versions: list[BriefVersion] = []


def brief_filename(campaign_name: str, slug: str, number: int, summary: bool = False) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", (slug or slugify(campaign_name)).lower()).strip("-") or "campaign"
    return f"{base}_creative-brief_v{number}{'_summary' if summary else ''}.docx"

"""Pre-testing draft materials with the audience, before production (P-Process step 3):
the vocabulary.

Drafts (slogans, posters, video scripts, radio spots, chatbot flows, ...) are shown to
small groups of the target audience, ideally people who were not in the workshops, and
scored on five criteria — comprehension, appeal, acceptability, relevance and
persuasion — plus, where the campaign wants it, believability. Each score is 1–5 with
anchored wording (`c4d.phones.phrases`, translatable); the participant also says the main
message in their own words, which the facilitator codes correct / partly / incorrect.

Everything lives in one JSON document per campaign (worksheet kind "pretest"), validated
by `PretestDoc`:

- `materials`: the register of drafts, each a version (v1, v2, ...) of a family, with
  what changed and why, typed text and/or a file (an attachment in the store);
- `groups`: the pre-test sessions (a `Session` of kind pretest_fgd gives place, date and
  facilitators; the group adds method, composition, counts by sex and age band, and the
  materials shown in order);
- `respondents` and `responses`: one row per person per material, from a phone or from
  a paper form typed into the grid;
- `decisions`: the decision log — material, version, keep / revise / drop, reason, date,
  and the session where it was discussed.

The rest of the tool, one concept per module:

- `record`: reading the document, checking it whole, saving it (`editing()`);
- `commands`: every change a page or a phone makes, each one function in one transaction;
- `scoring`: the arithmetic — favourable shares, verdicts, splits, comparisons;
- `files`: a draft's file checked before anything is stored;
- `grid`: paper forms — the printable score sheet and the grid they are typed into;
- `showing`: what the phones show and what a phone has answered;
- `results`: results as tables and report sections; `pictures`: the charts;
- `revisions`: the creative brief's revision history (a typed contract);
- `worksheet`: progress, next action and report sections of the three worksheets.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from c4d.models import (
    LongText,
    Model,
    OptionalName,
    RequiredName,
    Sex,
    name_key,
    new_id,
    utcnow,
    UtcDatetime,
)

KIND = "pretest"  # the worksheet document's kind in the store
FORMAT = 1
DEFAULT_THRESHOLD = 70  # percent of answers that must be favourable (4 or 5)
THRESHOLD_MIN, THRESHOLD_MAX = 50, 100
SCORE_MIN, SCORE_MAX = 1, 5
FAVOURABLE_FROM = 4
SMALL_N = 5  # fewer answers than this: shown, with a caution
WORDS_MAX = 1000
COMMENT_MAX = 1000
SHORT_TEXT = 120  # a typed text this short (a slogan) is quoted wherever the material is named in a history
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_CAMPAIGN_FILE_BYTES = 150 * 1024 * 1024  # keeps a campaign backup under its 200 MB limit


class PretestError(ValueError):
    """A change the pre-test record cannot take, with the reason in the facilitator's words."""


# ---- vocabulary ------------------------------------------------------------------------------

class MaterialType(str, Enum):
    video_script = "video_script"
    storyboard = "storyboard"
    animation = "animation"
    poster = "poster"
    slogan = "slogan"
    radio_spot = "radio_spot"
    social_post = "social_post"
    chatbot_flow = "chatbot_flow"
    mural_sketch = "mural_sketch"
    other = "other"

    @property
    def label(self) -> str:
        return MATERIAL_TYPE_LABELS[self]


MATERIAL_TYPE_LABELS = {
    MaterialType.video_script: "Video script",
    MaterialType.storyboard: "Storyboard",
    MaterialType.animation: "Animation",
    MaterialType.poster: "Poster",
    MaterialType.slogan: "Slogan",
    MaterialType.radio_spot: "Radio spot",
    MaterialType.social_post: "Social media post",
    MaterialType.chatbot_flow: "Chatbot flow",
    MaterialType.mural_sketch: "Mural sketch",
    MaterialType.other: "Other",
}


class Criterion(str, Enum):
    comprehension = "comprehension"
    appeal = "appeal"
    acceptability = "acceptability"
    relevance = "relevance"
    persuasion = "persuasion"
    believability = "believability"

    @property
    def label(self) -> str:
        return CRITERION_LABELS[self]

    @property
    def meaning(self) -> str:
        return CRITERION_MEANINGS[self]


CRITERION_LABELS = {
    Criterion.comprehension: "Comprehension",
    Criterion.appeal: "Appeal",
    Criterion.acceptability: "Acceptability",
    Criterion.relevance: "Relevance",
    Criterion.persuasion: "Persuasion",
    Criterion.believability: "Believability",
}
CRITERION_MEANINGS = {
    Criterion.comprehension: "Is the main message understood?",
    Criterion.appeal: "Does it catch attention and please?",
    Criterion.acceptability: "Is anything in it offensive, annoying or culturally wrong?",
    Criterion.relevance: "Do people feel it is for people like them?",
    Criterion.persuasion: "Does it make people want to do what it asks?",
    Criterion.believability: "Do people believe what it says?",
}
CORE_CRITERIA = (Criterion.comprehension, Criterion.appeal, Criterion.acceptability, Criterion.relevance,
                 Criterion.persuasion)
GENERAL = "general"  # the key of a comment about the material as a whole


class Coding(str, Enum):
    """How the facilitator codes the participant's own words for the main message."""

    correct = "correct"
    partly = "partly"
    incorrect = "incorrect"

    @property
    def label(self) -> str:
        return CODING_LABELS[self]


CODING_LABELS = {Coding.correct: "Correct", Coding.partly: "Partly correct", Coding.incorrect: "Incorrect"}


class Composition(str, Enum):
    target_audience = "target_audience"
    stakeholders = "stakeholders"
    mixed = "mixed"

    @property
    def label(self) -> str:
        return COMPOSITION_LABELS[self]


COMPOSITION_LABELS = {
    Composition.target_audience: "Target audience",
    Composition.stakeholders: "External stakeholders",
    Composition.mixed: "Mixed",
}


class Role(str, Enum):
    """Who a respondent is, when the group is mixed."""

    target_audience = "target_audience"
    secondary_audience = "secondary_audience"
    stakeholder = "stakeholder"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.target_audience: "Target audience",
    Role.secondary_audience: "Secondary audience",
    Role.stakeholder: "External stakeholder",
}


class Method(str, Enum):
    focus_group = "focus_group"
    interviews = "interviews"

    @property
    def label(self) -> str:
        return {Method.focus_group: "Focus group discussion", Method.interviews: "Individual interviews"}[self]


class Choice(str, Enum):
    """The decision on a material after its pre-test."""

    keep = "keep"
    revise = "revise"
    drop = "drop"

    @property
    def label(self) -> str:
        return {Choice.keep: "Keep", Choice.revise: "Revise", Choice.drop: "Drop"}[self]


class Verdict(str, Enum):
    ready = "ready"
    revise = "revise"
    no_data = "no_data"

    @property
    def label(self) -> str:
        return {Verdict.ready: "Ready", Verdict.revise: "Revise", Verdict.no_data: "No answers yet"}[self]


AGE_BANDS = ("Under 18", "18–24", "25–29", "30–39", "40–49", "50 and over")
_AGE_ALIASES = {name_key(b.replace("–", "-")): b for b in AGE_BANDS} | {name_key(b): b for b in AGE_BANDS} | {
    "<18": "Under 18", "under18": "Under 18", "50+": "50 and over", "50 +": "50 and over"}


def age_band(value: Any) -> str | None:
    """An age band from what was typed ('18-24', '18–24', '50+'); None for nothing."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if not text:
        return None
    found = _AGE_ALIASES.get(name_key(text.replace("–", "-"))) or _AGE_ALIASES.get(name_key(text))
    if found is None:
        raise ValueError(f"age band must be one of {', '.join(AGE_BANDS)} (got '{text[:30]}')")
    return found


Score = Annotated[int, Field(ge=SCORE_MIN, le=SCORE_MAX, strict=True)]
ShortText = Annotated[str, Field(max_length=COMMENT_MAX)]


def clean_text(value: Any, limit: int) -> str:
    """Typed text as kept: control characters dropped, every script as typed. The length is
    checked by the field (`limit` documents it at the call)."""
    return unicodedata.normalize("NFC", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value or ""))).strip()


# ---- the record ------------------------------------------------------------------------------

class MaterialFile(Model):
    attachment_id: str
    filename: RequiredName
    media_type: str = Field(max_length=100)
    kind: str = Field(pattern=r"^(image|pdf|audio|video|document)$")
    size: int = Field(ge=0, le=MAX_FILE_BYTES)


class Material(Model):
    """One version of a draft material. Versions of one material share `family_id` (the
    first version's id) and count up from 1."""

    id: str = Field(default_factory=new_id)
    family_id: str = ""
    version: int = Field(default=1, ge=1, le=99)
    type: MaterialType
    title: RequiredName
    language: OptionalName = ""
    purpose: OptionalName = ""  # materials with the same purpose are alternatives (slogan A vs B)
    text: LongText = ""  # a slogan, a script, a post: typed in
    main_message: LongText = ""  # what the audience should take away: the key for coding their words
    changes: LongText = ""  # what changed from the previous version, and why
    notes: LongText = ""
    file: MaterialFile | None = None
    drafted_in: str | None = None  # the session (e.g. Media Camp 1) where it was drafted
    created_on: date = Field(default_factory=date.today)

    @model_validator(mode="after")
    def _family_and_changes(self) -> "Material":
        if not self.family_id:
            object.__setattr__(self, "family_id", self.id)
        if self.version > 1 and not self.changes.strip():
            raise ValueError(f"version {self.version} of '{self.title}': say what changed from the previous "
                             f"version and why")
        return self

    @property
    def name(self) -> str:
        """E.g. 'Slogan A (v1)'."""
        return f"{self.title} (v{self.version})"

    @property
    def has_content(self) -> bool:
        return bool(self.text.strip() or self.file is not None)


class CountRow(Model):
    sex: Sex
    age_band: str
    count: int = Field(ge=0, le=500)

    @field_validator("age_band", mode="before")
    @classmethod
    def _band(cls, value: Any) -> str:
        band = age_band(value)
        if band is None:
            raise ValueError("choose an age band")
        return band


class PretestGroup(Model):
    """What the pre-test adds to a session of kind pretest_fgd."""

    session_id: str
    method: Method = Method.focus_group
    composition: Composition = Composition.target_audience
    counts: list[CountRow] = Field(default_factory=list, max_length=60)
    material_order: list[str] = Field(default_factory=list, max_length=100)
    notes: LongText = ""

    @property
    def people(self) -> int:
        return sum(row.count for row in self.counts)

    def count_by_sex(self) -> dict[Sex, int]:
        totals: dict[Sex, int] = {}
        for row in self.counts:
            totals[row.sex] = totals.get(row.sex, 0) + row.count
        return totals


class Respondent(Model):
    """A person who scored materials in one pre-test session: a paper form's row, or a
    phone (known only by a hash of its signed device id)."""

    id: str = Field(default_factory=new_id)
    session_id: str
    label: RequiredName
    sex: Sex | None = None
    age_band: str | None = None
    role: Role | None = None
    device_key: str | None = Field(default=None, max_length=100)
    created_at: UtcDatetime = Field(default_factory=utcnow)

    @field_validator("age_band", mode="before")
    @classmethod
    def _band(cls, value: Any) -> str | None:
        return age_band(value)


class Response(Model):
    """One respondent's answers on one material."""

    id: str = Field(default_factory=new_id)
    session_id: str
    material_id: str
    respondent_id: str
    scores: dict[Criterion, Score] = Field(default_factory=dict)
    own_words: Annotated[str, Field(max_length=WORDS_MAX)] = ""
    coding: Coding | None = None
    comments: dict[str, ShortText] = Field(default_factory=dict)
    source: str = Field(default="paper", pattern=r"^(phone|paper)$")
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    @field_validator("own_words", mode="before")
    @classmethod
    def _words(cls, value: Any) -> str:
        return clean_text(value, WORDS_MAX)

    @field_validator("comments", mode="before")
    @classmethod
    def _comments(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        known = {c.value for c in Criterion} | {GENERAL}
        clean = {}
        for key, text in value.items():
            if key not in known:
                raise ValueError(f"a comment is about '{key}', which is not a criterion")
            text = clean_text(text, COMMENT_MAX)
            if text:
                clean[key] = text
        return clean

    @property
    def is_empty(self) -> bool:
        return not self.scores and not self.own_words and not self.comments


class MaterialDecision(Model):
    """An entry of the decision log."""

    id: str = Field(default_factory=new_id)
    material_id: str
    material: RequiredName  # the material's name when decided, e.g. "Slogan A (v1)"
    version: int = Field(ge=1, le=99)
    decision: Choice
    reason: Annotated[str, Field(min_length=1, max_length=5000)]
    date: date
    session_id: str | None = None  # where the results were discussed
    recorded_at: UtcDatetime = Field(default_factory=utcnow)

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str:
        text = clean_text(value, 5000)
        if not text:
            raise ValueError("give the reason for the decision (what the groups said)")
        return text


class PretestDoc(Model):
    # Changed step by step inside `editing()` and checked as a whole when saved: an edit
    # passes through states that are not consistent yet (a material gone, its answers not).
    model_config = ConfigDict(validate_assignment=False, extra="forbid")

    format: int = FORMAT
    threshold: int = Field(default=DEFAULT_THRESHOLD, ge=THRESHOLD_MIN, le=THRESHOLD_MAX)
    believability: bool = False
    illustrative: LongText = ""  # e.g. "Scores are invented for illustration": shown wherever results are
    materials: list[Material] = Field(default_factory=list, max_length=300)
    groups: list[PretestGroup] = Field(default_factory=list, max_length=100)
    respondents: list[Respondent] = Field(default_factory=list, max_length=5000)
    responses: list[Response] = Field(default_factory=list, max_length=50_000)
    decisions: list[MaterialDecision] = Field(default_factory=list, max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> "PretestDoc":
        materials = {m.id for m in self.materials}
        if len(materials) != len(self.materials):
            raise ValueError("two materials have the same id")
        versions = Counter((m.family_id, m.version) for m in self.materials)
        if clash := next((k for k, n in versions.items() if n > 1), None):
            title = next(m.title for m in self.materials if (m.family_id, m.version) == clash)
            raise ValueError(f"'{title}' has two versions numbered v{clash[1]}")
        sessions = [g.session_id for g in self.groups]
        if len(set(sessions)) != len(sessions):
            raise ValueError("a session has two pre-test groups")
        for group in self.groups:
            if unknown := [m for m in group.material_order if m not in materials]:
                raise ValueError(f"the order of materials names {len(unknown)} material(s) not in the register")
            if len(set(group.material_order)) != len(group.material_order):
                raise ValueError("a material is listed twice in a group's order")
        people = {r.id: r for r in self.respondents}
        if len(people) != len(self.respondents):
            raise ValueError("two respondents have the same id")
        labels = Counter((r.session_id, name_key(r.label)) for r in self.respondents)
        if clash := next((k for k, n in labels.items() if n > 1), None):
            raise ValueError(f"two respondents of one session are both called '{people_label(self, clash)}'")
        devices = Counter((r.session_id, r.device_key) for r in self.respondents if r.device_key)
        if any(n > 1 for n in devices.values()):
            raise ValueError("one phone is two respondents")
        seen = set()
        for response in self.responses:
            person = people.get(response.respondent_id)
            if person is None or person.session_id != response.session_id:
                raise ValueError("an answer belongs to no respondent of its session")
            if response.material_id not in materials:
                raise ValueError("an answer is about a material not in the register")
            key = (response.respondent_id, response.material_id)
            if key in seen:
                raise ValueError("a respondent has two answers on one material")
            seen.add(key)
        for decision in self.decisions:
            if decision.material_id not in materials:
                raise ValueError(f"the decision on '{decision.material}' names a material not in the register")
        return self

    # ---- look-ups
    def material(self, material_id: str) -> Material:
        for material in self.materials:
            if material.id == material_id:
                return material
        raise PretestError("That material is no longer in the register.")

    def find_material(self, material_id: str | None) -> Material | None:
        return next((m for m in self.materials if m.id == material_id), None)

    def group(self, session_id: str) -> PretestGroup | None:
        return next((g for g in self.groups if g.session_id == session_id), None)

    def family(self, family_id: str) -> list[Material]:
        return sorted((m for m in self.materials if m.family_id == family_id), key=lambda m: m.version)

    def families(self) -> list[list[Material]]:
        """Materials grouped by family, in the order their first version was registered."""
        order: list[str] = []
        for material in self.materials:
            if material.family_id not in order:
                order.append(material.family_id)
        return [self.family(f) for f in order]

    def latest_versions(self) -> list[Material]:
        return [family[-1] for family in self.families()]

    def respondents_of(self, session_id: str) -> list[Respondent]:
        return [r for r in self.respondents if r.session_id == session_id]

    def responses_to(self, material_id: str, session_id: str | None = None) -> list[Response]:
        return [r for r in self.responses
                if r.material_id == material_id and (session_id is None or r.session_id == session_id)]

    def criteria(self) -> list[Criterion]:
        """The criteria in use: the five, and believability when the campaign asks for it."""
        return list(CORE_CRITERIA) + ([Criterion.believability] if self.believability else [])

    def decisions_on(self, material_id: str) -> list[MaterialDecision]:
        return sorted((d for d in self.decisions if d.material_id == material_id),
                      key=lambda d: (d.date, d.recorded_at))

    def latest_decision(self, material_id: str) -> MaterialDecision | None:
        decisions = self.decisions_on(material_id)
        return decisions[-1] if decisions else None

    def tested(self) -> list[Material]:
        """Materials with at least one answer, in register order."""
        answered = {r.material_id for r in self.responses if not r.is_empty}
        return [m for m in self.materials if m.id in answered]

    def alternatives(self) -> dict[str, list[Material]]:
        """Purpose → the latest versions sharing it, when there are two or more (slogan A vs B)."""
        by_purpose: dict[str, list[Material]] = {}
        labels: dict[str, str] = {}
        for material in self.latest_versions():
            if material.purpose.strip():
                key = name_key(material.purpose)
                labels.setdefault(key, material.purpose)
                by_purpose.setdefault(key, []).append(material)
        return {labels[k]: v for k, v in by_purpose.items() if len(v) > 1}


def people_label(doc: PretestDoc, key: tuple[str, str]) -> str:
    return next((r.label for r in doc.respondents if (r.session_id, name_key(r.label)) == key), key[1])


def status_of(doc: PretestDoc, material: Material) -> str:
    """Where a material stands, in a few words."""
    decision = doc.latest_decision(material.id)
    newer = [m for m in doc.family(material.family_id) if m.version > material.version]
    if decision is not None:
        text = {Choice.keep: "kept", Choice.revise: "to revise", Choice.drop: "dropped"}[decision.decision]
        if decision.decision is Choice.revise and newer:
            text = f"revised (v{newer[-1].version})"
        return text
    if doc.responses_to(material.id):
        return "tested, no decision yet"
    return "not tested yet"


def is_dropped(doc: PretestDoc, material: Material) -> bool:
    decision = doc.latest_decision(material.id)
    return decision is not None and decision.decision is Choice.drop


def decision_log(doc: PretestDoc) -> list[MaterialDecision]:
    return sorted(doc.decisions, key=lambda d: (d.date, d.recorded_at))


def next_label(doc: PretestDoc, session_id: str, prefix: str = "P") -> str:
    taken = {name_key(r.label) for r in doc.respondents_of(session_id)}
    n = 1
    while name_key(f"{prefix}{n}") in taken:
        n += 1
    return f"{prefix}{n}"

"""Pre-testing draft materials with the audience, before production (P-Process step 3).

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

Scoring is plain arithmetic: a score of 4 or 5 is favourable; a criterion is *ready*
when the favourable share reaches the campaign's threshold (70% unless changed), and a
material is ready when every criterion with answers is. Shares are compared as whole
numbers (favourable × 100 ≥ threshold × n), so 7 of 10 at 70% is ready on every machine.

Every change goes through `editing()`: read, change, validate, save — one transaction,
so a phone's answers and the facilitator's grid never overwrite each other.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from c4d.models import (
    LongText,
    Model,
    OptionalName,
    RequiredName,
    Sex,
    friendly_errors,
    name_key,
    new_id,
    utcnow,
    UtcDatetime,
)

if TYPE_CHECKING:
    from c4d.phones.model import LiveState
    from c4d.db.store import Store

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


# ---- vocabulary --------------------------------------------------------------------------------

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


def _text(value: Any, limit: int) -> str:
    """Typed text as kept: control characters dropped, every script as typed. The length is
    checked by the field (`limit` documents it at the call)."""
    return unicodedata.normalize("NFC", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(value or ""))).strip()


# ---- the record ----------------------------------------------------------------------------------

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
        return _text(value, WORDS_MAX)

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
            text = _text(text, COMMENT_MAX)
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
        text = _text(value, 5000)
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


# ---- reading and saving ---------------------------------------------------------------------------

def load(store: "Store", campaign_id: str) -> PretestDoc:
    """The campaign's pre-test record (an empty one when nothing is recorded yet)."""
    data = store.worksheet(campaign_id, KIND)
    if data is None:
        return PretestDoc()
    try:
        return PretestDoc.model_validate(data)
    except ValidationError as error:
        raise PretestError("The pre-test record of this campaign could not be read ("
                           + "; ".join(friendly_errors(error)[:3]) + "). Restore it from a backup.") from None


def save(store: "Store", campaign_id: str, doc: PretestDoc) -> PretestDoc:
    checked = checked_doc(doc)
    store.save_worksheet(campaign_id, KIND, checked.model_dump(mode="json"))
    return checked


def checked_doc(doc: PretestDoc) -> PretestDoc:
    """The document validated as a whole (lists changed in place are checked here)."""
    try:
        return PretestDoc.model_validate(doc.model_dump())
    except ValidationError as error:
        raise PretestError("; ".join(friendly_errors(error))) from None


@contextmanager
def editing(store: "Store", campaign_id: str) -> Iterator[PretestDoc]:
    """Read the record, let the caller change it, check it and save it — one transaction:

        with editing(store, campaign.id) as doc:
            doc.threshold = 75
    """
    with store.transaction():
        doc = load(store, campaign_id)
        yield doc
        save(store, campaign_id, doc)


def set_rules(store: "Store", campaign_id: str, *, threshold: int | None = None,
              believability: bool | None = None) -> PretestDoc:
    with editing(store, campaign_id) as doc:
        if threshold is not None:
            if isinstance(threshold, bool) or not THRESHOLD_MIN <= int(threshold) <= THRESHOLD_MAX:
                raise PretestError(f"The threshold must be between {THRESHOLD_MIN}% and {THRESHOLD_MAX}%.")
            doc.threshold = int(threshold)
        if believability is not None:
            doc.believability = bool(believability)
    return load(store, campaign_id)


# ---- files -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    media_type: str
    kind: str
    content: bytes


ACCEPTED: dict[str, tuple[str, str, str]] = {  # extension: (media type, kind, what it is called)
    "png": ("image/png", "image", "PNG picture"),
    "jpg": ("image/jpeg", "image", "JPEG picture"),
    "jpeg": ("image/jpeg", "image", "JPEG picture"),
    "gif": ("image/gif", "image", "GIF picture"),
    "webp": ("image/webp", "image", "WebP picture"),
    "pdf": ("application/pdf", "pdf", "PDF document"),
    "mp3": ("audio/mpeg", "audio", "MP3 sound file"),
    "m4a": ("audio/mp4", "audio", "M4A sound file"),
    "wav": ("audio/wav", "audio", "WAV sound file"),
    "ogg": ("audio/ogg", "audio", "OGG sound file"),
    "mp4": ("video/mp4", "video", "MP4 video"),
    "webm": ("video/webm", "video", "WebM video"),
    "mov": ("video/quicktime", "video", "MOV video"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document",
             "Word document"),
    "txt": ("text/plain", "document", "text file"),
}
ACCEPTED_SUMMARY = ("pictures (PNG, JPEG, GIF, WebP), PDF, sound (MP3, M4A, WAV, OGG), video (MP4, WebM, MOV) "
                    "and scripts as Word (.docx) or text (.txt)")


def _looks_like(extension: str, head: bytes, content: bytes) -> bool:
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if extension == "pdf":
        return b"%PDF-" in head[:1024]
    if extension == "mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    if extension in ("m4a", "mp4", "mov"):
        return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
    if extension == "wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if extension == "ogg":
        return head.startswith(b"OggS")
    if extension == "webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if extension == "docx":
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "word/document.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
    if extension == "txt":
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in content
    return False


def size_label(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def check_file(filename: str, content: bytes, limit: int = MAX_FILE_BYTES) -> CheckedFile:
    """A file checked before anything is stored: size, a known type, and content that
    matches its name. Raises PretestError with what to do instead."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    name = unicodedata.normalize("NFC", name)[:200] or "file"
    if len(content) > limit:
        raise PretestError(f"'{name}' is {size_label(len(content))}; a draft material can be at most "
                           f"{limit // (1024 * 1024)} MB. Save a smaller version (a shorter clip, a lower "
                           f"resolution, a compressed PDF) or note where the full file is kept.")
    if not content:
        raise PretestError(f"'{name}' is empty.")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        shown = f"'.{extension}' files" if extension else "Files without an extension"
        raise PretestError(f"{shown} are not accepted. Use {ACCEPTED_SUMMARY}.")
    media_type, kind, called = ACCEPTED[extension]
    if not _looks_like(extension, content[:4096], content):
        raise PretestError(f"'{name}' is named like a {called} but its content is not one; it may be damaged "
                           f"or renamed. Save it again as a {called}.")
    return CheckedFile(filename=name, media_type=media_type, kind=kind, content=content)


def _store_file(store: "Store", campaign_id: str, checked: CheckedFile) -> MaterialFile:
    held = sum(len(a["content"]) for a in store.attachments(campaign_id))
    if held + len(checked.content) > MAX_CAMPAIGN_FILE_BYTES:
        raise PretestError(f"This campaign already holds {size_label(held)} of files; with this one it would pass "
                           f"{MAX_CAMPAIGN_FILE_BYTES // (1024 * 1024)} MB, more than a backup can carry. "
                           f"Remove files that are no longer needed first.")
    attachment_id = store.add_attachment(campaign_id, checked.filename, checked.media_type, checked.content)
    return MaterialFile(attachment_id=attachment_id, filename=checked.filename, media_type=checked.media_type,
                        kind=checked.kind, size=len(checked.content))


def _release_file(store: "Store", doc: PretestDoc, file: MaterialFile | None) -> None:
    """Delete the attachment once no material refers to it any more."""
    if file is None:
        return
    if not any(m.file is not None and m.file.attachment_id == file.attachment_id for m in doc.materials):
        store.delete_attachment(file.attachment_id)


# ---- the material register ------------------------------------------------------------------------

def register_material(store: "Store", campaign_id: str, material: Material, upload: Upload | None = None) -> Material:
    """Add a draft (version 1 of a new material, or a version the caller numbered). The file
    is checked before anything is stored; the file and the register change together or not
    at all."""
    checked = check_file(upload.filename, upload.content) if upload is not None else None
    with editing(store, campaign_id) as doc:
        if checked is not None:
            material = material.model_copy(update={"file": _store_file(store, campaign_id, checked)})
        if material.family_id == material.id and any(m.id == material.id for m in doc.materials):
            raise PretestError("That material is already in the register.")
        doc.materials.append(material)
    return material


def add_version(store: "Store", campaign_id: str, base_id: str, changes: str, *, upload: Upload | None = None,
                text: str | None = None, title: str | None = None, created_on: date | None = None,
                keep_file: bool = True) -> Material:
    """The next version of a material: what changed and why is required. Text, title and
    file carry over unless new ones are given."""
    if not (changes or "").strip():
        raise PretestError("Say what changed from the previous version and why.")
    checked = check_file(upload.filename, upload.content) if upload is not None else None
    with editing(store, campaign_id) as doc:
        base = doc.material(base_id)
        family = doc.family(base.family_id)
        newest = family[-1]
        file = newest.file if keep_file else None
        if checked is not None:
            file = _store_file(store, campaign_id, checked)
        material = Material(
            family_id=base.family_id, version=newest.version + 1, type=newest.type,
            title=title if title is not None else newest.title, language=newest.language, purpose=newest.purpose,
            text=text if text is not None else newest.text, main_message=newest.main_message, changes=changes,
            file=file, drafted_in=newest.drafted_in, created_on=created_on or date.today(),
        )
        doc.materials.append(material)
    return material


def update_material(store: "Store", campaign_id: str, material_id: str, **changes: Any) -> Material:
    """Change a material's details (not its family or version number)."""
    allowed = {"type", "title", "language", "purpose", "text", "main_message", "changes", "notes", "drafted_in",
               "created_on"}
    if unknown := set(changes) - allowed:
        raise PretestError(f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    with editing(store, campaign_id) as doc:
        index = next((i for i, m in enumerate(doc.materials) if m.id == material_id), None)
        if index is None:
            raise PretestError("That material is no longer in the register.")
        try:
            updated = Material.model_validate(doc.materials[index].model_dump() | changes)
        except ValidationError as error:
            raise PretestError("; ".join(friendly_errors(error))) from None
        doc.materials[index] = updated
        if "title" in changes:  # the title follows through the family, so versions stay one material
            for i, other in enumerate(doc.materials):
                if other.family_id == updated.family_id and other.id != updated.id:
                    doc.materials[i] = other.model_copy(update={"title": updated.title})
    return updated


def attach_file(store: "Store", campaign_id: str, material_id: str, upload: Upload) -> Material:
    """Attach (or replace) the file of a material; checked before anything is stored."""
    checked = check_file(upload.filename, upload.content)
    with editing(store, campaign_id) as doc:
        index = next((i for i, m in enumerate(doc.materials) if m.id == material_id), None)
        if index is None:
            raise PretestError("That material is no longer in the register.")
        old = doc.materials[index].file
        doc.materials[index] = doc.materials[index].model_copy(
            update={"file": _store_file(store, campaign_id, checked)})
        _release_file(store, doc, old)
        return doc.materials[index]


def remove_file(store: "Store", campaign_id: str, material_id: str) -> Material:
    with editing(store, campaign_id) as doc:
        index = next((i for i, m in enumerate(doc.materials) if m.id == material_id), None)
        if index is None:
            raise PretestError("That material is no longer in the register.")
        old = doc.materials[index].file
        doc.materials[index] = doc.materials[index].model_copy(update={"file": None})
        _release_file(store, doc, old)
        return doc.materials[index]


def delete_material(store: "Store", campaign_id: str, material_id: str) -> int:
    """Remove a material with its answers and decisions; returns how many answers went."""
    with editing(store, campaign_id) as doc:
        material = doc.material(material_id)
        answers = len(doc.responses_to(material_id))
        doc.materials = [m for m in doc.materials if m.id != material_id]
        doc.responses = [r for r in doc.responses if r.material_id != material_id]
        doc.decisions = [d for d in doc.decisions if d.material_id != material_id]
        for group in doc.groups:
            group.material_order = [m for m in group.material_order if m != material_id]
        _release_file(store, doc, material.file)
        _forget_empty_respondents(doc)
    return answers


# ---- pre-test groups ------------------------------------------------------------------------------

def save_group(store: "Store", campaign_id: str, group: PretestGroup) -> PretestGroup:
    """Create or replace the pre-test details of a session."""
    session = store.session_by_id(group.session_id)
    if session.campaign_id != campaign_id:
        raise PretestError("That session belongs to another campaign.")
    with editing(store, campaign_id) as doc:
        doc.groups = [g for g in doc.groups if g.session_id != group.session_id] + [group]
    return group


def ensure_group(store: "Store", campaign_id: str, session_id: str) -> PretestGroup:
    doc = load(store, campaign_id)
    return doc.group(session_id) or save_group(store, campaign_id, PretestGroup(session_id=session_id))


def forget_group(store: "Store", campaign_id: str, session_id: str) -> None:
    """Remove a session's pre-test details, respondents and answers."""
    with editing(store, campaign_id) as doc:
        doc.groups = [g for g in doc.groups if g.session_id != session_id]
        doc.responses = [r for r in doc.responses if r.session_id != session_id]
        doc.respondents = [r for r in doc.respondents if r.session_id != session_id]


def _forget_empty_respondents(doc: PretestDoc) -> None:
    """Phones with no answer left are forgotten; paper rows stay (they are the grid's rows)."""
    answered = {r.respondent_id for r in doc.responses}
    doc.respondents = [r for r in doc.respondents if r.id in answered or r.device_key is None]


def add_respondents_from_counts(store: "Store", campaign_id: str, session_id: str) -> list[Respondent]:
    """Rows for the grid from the group's counts by sex and age band: P1, P2, ... with
    their sex and age band filled in, so typing paper forms starts from the right rows."""
    with editing(store, campaign_id) as doc:
        group = doc.group(session_id)
        if group is None or not group.people:
            raise PretestError("Record the group's composition (counts by sex and age band) first.")
        existing = doc.respondents_of(session_id)
        paper = [r for r in existing if r.device_key is None]
        if len(paper) >= group.people:
            raise PretestError(f"The grid already has {len(paper)} rows for {group.people} people.")
        taken = {name_key(r.label) for r in existing}
        counts = Counter()
        for r in paper:
            counts[(r.sex, r.age_band)] += 1
        role = {Composition.target_audience: Role.target_audience,
                Composition.stakeholders: Role.stakeholder}.get(group.composition)
        made: list[Respondent] = []
        n = 0
        for row in group.counts:
            missing = row.count - counts[(row.sex, row.age_band)]
            for _ in range(max(0, missing)):
                n += 1
                while name_key(f"P{n}") in taken:
                    n += 1
                taken.add(name_key(f"P{n}"))
                made.append(Respondent(session_id=session_id, label=f"P{n}", sex=row.sex, age_band=row.age_band,
                                       role=role))
        doc.respondents.extend(made)
    return made


def next_label(doc: PretestDoc, session_id: str, prefix: str = "P") -> str:
    taken = {name_key(r.label) for r in doc.respondents_of(session_id)}
    n = 1
    while name_key(f"{prefix}{n}") in taken:
        n += 1
    return f"{prefix}{n}"


# ---- answers from phones ---------------------------------------------------------------------------

def submit_from_phone(store: "Store", campaign_id: str, session_id: str, material_id: str, device_key: str, *,
                      scores: Mapping[Criterion, int], own_words: str, comments: Mapping[str, str] | None = None,
                      sex: Sex | None = None, age: str | None = None) -> bool:
    """Save a phone's answers on a material; the phone's earlier answers on it are
    replaced (one standing answer per phone and material). Returns True when it replaced.
    The caller (the phone page) has checked that the material is the one on show."""
    with editing(store, campaign_id) as doc:
        material = doc.material(material_id)
        if doc.group(session_id) is None:
            raise PretestError("This session has no pre-test.")
        criteria = doc.criteria()
        if missing := [c for c in criteria if c not in scores]:
            raise PretestError("No score for " + ", ".join(c.label.lower() for c in missing) + ".")
        person = next((r for r in doc.respondents_of(session_id) if r.device_key == device_key), None)
        if person is None:
            person = Respondent(session_id=session_id, label=next_label(doc, session_id, "Phone "),
                                device_key=device_key, sex=sex, age_band=age)
            doc.respondents.append(person)
        elif sex is not None or age is not None:
            updated = person.model_copy(update={k: v for k, v in (("sex", sex), ("age_band", age)) if v is not None})
            doc.respondents = [updated if r.id == person.id else r for r in doc.respondents]
        existing = next((r for r in doc.responses
                         if r.respondent_id == person.id and r.material_id == material.id), None)
        response = Response(
            id=existing.id if existing else new_id(), session_id=session_id, material_id=material.id,
            respondent_id=person.id, scores={c: int(scores[c]) for c in criteria}, own_words=own_words,
            comments=dict(comments or {}), source="phone",
            coding=existing.coding if existing is not None and existing.own_words == _text(own_words, WORDS_MAX)
            else None,
        )
        doc.responses = [r for r in doc.responses if r is not existing] + [response]
    return existing is not None


def phone_response(doc: PretestDoc, session_id: str, material_id: str, device_key: str) -> Response | None:
    person = next((r for r in doc.respondents_of(session_id) if r.device_key == device_key), None)
    if person is None:
        return None
    return next((r for r in doc.responses if r.respondent_id == person.id and r.material_id == material_id), None)


def phone_respondent(doc: PretestDoc, session_id: str, device_key: str) -> Respondent | None:
    return next((r for r in doc.respondents_of(session_id) if r.device_key == device_key), None)


# ---- what the phones show ---------------------------------------------------------------------------

def show_material(store: "Store", campaign_id: str, session_id: str, material_id: str) -> "LiveState":
    """Put a material on the phones of a pre-test session (it joins the group's order if it
    was not in it)."""
    with store.transaction():
        with editing(store, campaign_id) as doc:
            doc.material(material_id)
            group = doc.group(session_id)
            if group is None:
                session = store.session_by_id(session_id)
                if session.campaign_id != campaign_id:
                    raise PretestError("That session belongs to another campaign.")
                group = PretestGroup(session_id=session_id)
                doc.groups.append(group)
            if material_id not in group.material_order:
                group.material_order = group.material_order + [material_id]
        state = store.live_state(session_id)
        return store.save_live_state(state.model_copy(update={"showing": _showing_pretest(),
                                                              "material_id": material_id}))


def stop_showing(store: "Store", session_id: str) -> "LiveState":
    from c4d.phones.model import Showing

    state = store.live_state(session_id)
    return store.save_live_state(state.model_copy(update={"showing": Showing.wait}))


def _showing_pretest() -> Any:
    from c4d.phones.model import Showing

    return Showing.pretest


def on_phones(state: "LiveState") -> str | None:
    """The material on the phones of this session, if a pre-test is showing."""
    from c4d.phones.model import Showing

    return state.material_id if state.showing is Showing.pretest else None


def next_in_order(doc: PretestDoc, session_id: str, current: str | None) -> str | None:
    group = doc.group(session_id)
    if group is None or not group.material_order:
        return None
    if current not in group.material_order:
        return group.material_order[0]
    index = group.material_order.index(current)
    return group.material_order[index + 1] if index + 1 < len(group.material_order) else None


# ---- scoring ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CriterionResult:
    """The answers on one criterion: n, how many favourable (4–5), mean, verdict."""

    criterion: Criterion
    counts: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5
    threshold: int

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def favourable(self) -> int:
        return self.counts[3] + self.counts[4]

    @property
    def share(self) -> float | None:
        return self.favourable / self.n if self.n else None

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum(score * k for score, k in zip(range(1, 6), self.counts)) / self.n

    @property
    def verdict(self) -> Verdict:
        return meets(self.favourable, self.n, self.threshold)

    @property
    def small(self) -> bool:
        return 0 < self.n < SMALL_N

    @property
    def step(self) -> float | None:
        """How many percentage points one answer moves the share."""
        return 100 / self.n if self.n else None


def meets(favourable: int, n: int, threshold: int) -> Verdict:
    """Ready when favourable / n reaches the threshold (in whole numbers: no rounding
    surprises at exactly 70%)."""
    if n <= 0:
        return Verdict.no_data
    return Verdict.ready if favourable * 100 >= threshold * n else Verdict.revise


def criterion_result(scores: Iterable[int], criterion: Criterion,
                     threshold: int = DEFAULT_THRESHOLD) -> CriterionResult:
    counts = [0, 0, 0, 0, 0]
    for score in scores:
        if isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            raise PretestError(f"A score must be a whole number from {SCORE_MIN} to {SCORE_MAX}, got {score!r}.")
        counts[score - 1] += 1
    return CriterionResult(criterion, tuple(counts), threshold)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Understanding:
    """The participants' own words for the main message, as the facilitator coded them."""

    correct: int
    partly: int
    incorrect: int
    uncoded: int
    threshold: int

    @property
    def n(self) -> int:
        return self.correct + self.partly + self.incorrect

    @property
    def share(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def verdict(self) -> Verdict:
        return meets(self.correct, self.n, self.threshold)

    @property
    def small(self) -> bool:
        return 0 < self.n < SMALL_N


@dataclass
class MaterialResult:
    material: Material
    criteria: list[CriterionResult]
    understanding: Understanding
    answers: int  # responses with anything in them
    threshold: int

    @property
    def scored(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.n]

    @property
    def verdict(self) -> Verdict:
        """Ready when every criterion with answers is ready, the coded main message included."""
        verdicts = [c.verdict for c in self.scored]
        if self.understanding.n:
            verdicts.append(self.understanding.verdict)
        if not verdicts:
            return Verdict.no_data
        return Verdict.revise if Verdict.revise in verdicts else Verdict.ready

    @property
    def weakest(self) -> CriterionResult | None:
        scored = self.scored
        if not scored:
            return None
        return min(scored, key=lambda c: (c.favourable * 100 - self.threshold * c.n) / c.n)

    @property
    def small(self) -> bool:
        return 0 < self.answers < SMALL_N

    def get(self, criterion: Criterion) -> CriterionResult | None:
        return next((c for c in self.criteria if c.criterion is criterion), None)

    def shortfalls(self) -> list[str]:
        """Why the verdict is 'revise', e.g. 'Relevance: 56% favourable (5 of 9)'."""
        lines = [f"{c.criterion.label}: {pct(c.share)} favourable ({c.favourable} of {c.n})"
                 for c in self.scored if c.verdict is Verdict.revise]
        u = self.understanding
        if u.n and u.verdict is Verdict.revise:
            lines.append(f"Main message in their own words: {pct(u.share)} correct ({u.correct} of {u.n})")
        return lines


def pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def result_of(doc: PretestDoc, material: Material | str, responses: Iterable[Response] | None = None, *,
              session_id: str | None = None) -> MaterialResult:
    """The results of a material over the given answers (default: all of its answers, or
    one session's)."""
    material = doc.material(material) if isinstance(material, str) else material
    answers = list(responses) if responses is not None else doc.responses_to(material.id, session_id)
    answers = [r for r in answers if r.material_id == material.id and not r.is_empty]
    criteria = [criterion_result([r.scores[c] for r in answers if c in r.scores], c, doc.threshold)
                for c in doc.criteria()]
    codes = Counter(r.coding for r in answers if r.own_words or r.coding)
    understanding = Understanding(codes[Coding.correct], codes[Coding.partly], codes[Coding.incorrect],
                                  codes[None], doc.threshold)
    return MaterialResult(material, criteria, understanding, len(answers), doc.threshold)


# ---- disaggregation -----------------------------------------------------------------------------------

BREAKDOWNS = {"group": "Pre-test group", "sex": "Sex", "age": "Age band", "role": "Role"}
NOT_RECORDED = "Not recorded"


def _group_names(store_sessions: Mapping[str, str], session_id: str) -> str:
    return store_sessions.get(session_id, "A session no longer in the campaign")


def breakdown(doc: PretestDoc, material_id: str, by: str, session_names: Mapping[str, str] | None = None,
              ) -> list[tuple[str, MaterialResult]]:
    """A material's results split by pre-test group, sex, age band or role. Every answer
    falls in exactly one group; unknown values form a 'Not recorded' group, shown like
    the others (with its n) rather than hidden."""
    if by not in BREAKDOWNS:
        raise PretestError(f"Results can be split by {', '.join(BREAKDOWNS)}.")
    people = {r.id: r for r in doc.respondents}
    groups = {g.session_id: g for g in doc.groups}
    names = session_names or {}

    def key(response: Response) -> str:
        person = people.get(response.respondent_id)
        if by == "group":
            return _group_names(names, response.session_id)
        if person is None:
            return NOT_RECORDED
        if by == "sex":
            return person.sex.label if person.sex is not None else NOT_RECORDED
        if by == "age":
            return person.age_band or NOT_RECORDED
        role = person.role
        if role is None:
            group = groups.get(response.session_id)
            role = {Composition.target_audience: Role.target_audience,
                    Composition.stakeholders: Role.stakeholder}.get(group.composition) if group else None
        return role.label if role is not None else NOT_RECORDED

    split: dict[str, list[Response]] = {}
    for response in doc.responses_to(material_id):
        if not response.is_empty:
            split.setdefault(key(response), []).append(response)
    order = {"sex": [s.label for s in Sex], "age": list(AGE_BANDS), "role": [r.label for r in Role],
             "group": list(dict.fromkeys(names.values()))}[by]
    ranked = sorted(split, key=lambda k: (k == NOT_RECORDED, order.index(k) if k in order else len(order), k))
    return [(k, result_of(doc, material_id, split[k])) for k in ranked]


# ---- comparisons --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComparisonRow:
    criterion: Criterion | None  # None: the coded main message
    label: str
    shares: tuple[float | None, ...]
    ns: tuple[int, ...]
    verdicts: tuple[Verdict, ...]
    leader: int | None  # index of the material ahead; None for a tie or no answers

    def difference(self, a: int = 0, b: int = 1) -> float | None:
        """Percentage points by which material b is ahead of material a (negative: behind)."""
        if self.shares[a] is None or self.shares[b] is None:
            return None
        return (self.shares[b] - self.shares[a]) * 100


@dataclass
class Comparison:
    results: list[MaterialResult]
    rows: list[ComparisonRow]

    @property
    def names(self) -> list[str]:
        return [r.material.name for r in self.results]

    def ahead_on(self, index: int) -> int:
        return sum(1 for row in self.rows if row.leader == index)

    def notes(self) -> list[str]:
        lines = []
        small = [r.material.name for r in self.results if 0 < r.answers < SMALL_N]
        if small:
            lines.append("Few answers for " + ", ".join(small) + f" (fewer than {SMALL_N}): read the differences "
                         "with care.")
        ns = [r.answers for r in self.results if r.answers]
        if ns:
            fewest = min(ns)
            lines.append(f"With {fewest} answer{'s' if fewest != 1 else ''}, one person changes a share by about "
                         f"{100 / fewest:.0f} points.")
        return lines


def compare(doc: PretestDoc, material_ids: Sequence[str], *, session_id: str | None = None) -> Comparison:
    """Side by side: versions of one material, or alternatives (slogan A vs slogan B)."""
    if len(material_ids) < 2:
        raise PretestError("Choose at least two materials to compare.")
    if len(set(material_ids)) != len(material_ids):
        raise PretestError("A material is chosen twice.")
    results = [result_of(doc, m, session_id=session_id) for m in material_ids]
    rows = []
    for criterion in doc.criteria():
        found = [r.get(criterion) for r in results]
        shares = tuple(c.share if c else None for c in found)
        rows.append(ComparisonRow(criterion, criterion.label, shares, tuple(c.n if c else 0 for c in found),
                                  tuple(c.verdict if c else Verdict.no_data for c in found), _leader(shares)))
    if any(r.understanding.n for r in results):
        shares = tuple(r.understanding.share for r in results)
        rows.append(ComparisonRow(None, "Main message (coded)", shares, tuple(r.understanding.n for r in results),
                                  tuple(r.understanding.verdict for r in results), _leader(shares)))
    return Comparison(results, rows)


def _leader(shares: Sequence[float | None]) -> int | None:
    known = [(s, i) for i, s in enumerate(shares) if s is not None]
    if len(known) < 2:
        return None
    best = max(s for s, _ in known)
    top = [i for s, i in known if abs(s - best) < 1e-12]
    return top[0] if len(top) == 1 else None


# ---- comments and own words ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Remark:
    text: str
    who: str  # e.g. "Woman, 18–24 · Ulaanbaatar" — never a name
    score: int | None = None
    coding: Coding | None = None


def describe_person(person: Respondent | None, group_name: str = "") -> str:
    parts = []
    if person is not None:
        if person.sex is not None and person.sex is not Sex.undisclosed:
            parts.append(person.sex.label)
        if person.age_band:
            parts.append(person.age_band)
        if person.role is not None:
            parts.append(person.role.label.lower())
    who = ", ".join(parts) or "Participant"
    return f"{who} · {group_name}" if group_name else who


def comments_by_criterion(doc: PretestDoc, material_id: str, session_names: Mapping[str, str] | None = None,
                          session_id: str | None = None) -> dict[str, list[Remark]]:
    """Comments grouped per criterion (and 'general'), each with who said it in general
    terms and the score they gave on that criterion."""
    people = {r.id: r for r in doc.respondents}
    names = session_names or {}
    grouped: dict[str, list[Remark]] = {}
    for key in [c.value for c in doc.criteria()] + [GENERAL]:
        for response in doc.responses_to(material_id, session_id):
            text = response.comments.get(key)
            if not text:
                continue
            score = response.scores.get(Criterion(key)) if key != GENERAL else None
            grouped.setdefault(key, []).append(Remark(
                text, describe_person(people.get(response.respondent_id), names.get(response.session_id, "")),
                score))
    return grouped


def own_words(doc: PretestDoc, material_id: str, session_names: Mapping[str, str] | None = None,
              session_id: str | None = None) -> list[Remark]:
    people = {r.id: r for r in doc.respondents}
    names = session_names or {}
    return [Remark(r.own_words, describe_person(people.get(r.respondent_id), names.get(r.session_id, "")),
                   r.scores.get(Criterion.comprehension), r.coding)
            for r in doc.responses_to(material_id, session_id) if r.own_words]


def criterion_name(key: str) -> str:
    return "General comments" if key == GENERAL else Criterion(key).label


def code_answers(store: "Store", campaign_id: str, codes: Mapping[str, Coding | None]) -> int:
    """Set the facilitator's coding of own words, by response id; returns how many changed."""
    changed = 0
    with editing(store, campaign_id) as doc:
        for i, response in enumerate(doc.responses):
            if response.id in codes and response.coding != codes[response.id]:
                doc.responses[i] = response.model_copy(update={"coding": codes[response.id]})
                changed += 1
    return changed


# ---- the decision log -----------------------------------------------------------------------------------

def record_decision(store: "Store", campaign_id: str, material_id: str, decision: Choice | str, reason: str,
                    on: date, session_id: str | None = None) -> MaterialDecision:
    with editing(store, campaign_id) as doc:
        material = doc.material(material_id)
        if session_id is not None:
            session = store.session_by_id(session_id)
            if session.campaign_id != campaign_id:
                raise PretestError("That session belongs to another campaign.")
        try:
            entry = MaterialDecision(material_id=material.id, material=material.name[:200], version=material.version,
                                     decision=Choice(decision), reason=reason, date=on, session_id=session_id)
        except ValidationError as error:
            raise PretestError("; ".join(friendly_errors(error))) from None
        doc.decisions.append(entry)
    return entry


def delete_decision(store: "Store", campaign_id: str, decision_id: str) -> None:
    with editing(store, campaign_id) as doc:
        doc.decisions = [d for d in doc.decisions if d.id != decision_id]


def decision_log(doc: PretestDoc) -> list[MaterialDecision]:
    return sorted(doc.decisions, key=lambda d: (d.date, d.recorded_at))


def evidence(result: MaterialResult) -> str:
    """The pre-test results behind a decision, in one sentence for the creative brief, e.g.
    'Pre-test, 17 answers: revise — Comprehension: 29% favourable (5 of 17); ...'."""
    if not result.answers:
        return ""
    n = f"{result.answers} answer{'s' if result.answers != 1 else ''}" + (" (few)" if result.small else "")
    if result.verdict is Verdict.ready:
        return f"Pre-test, {n}: ready — every criterion at least {result.threshold}% favourable."
    if result.verdict is Verdict.revise:
        return f"Pre-test, {n}: revise — " + "; ".join(result.shortfalls()) + "."
    return ""


def answers_by(doc: PretestDoc, material_id: str, day: date, held_on: Mapping[str, date]) -> list[Response]:
    """A material's answers from the groups held on or before `day` (answers whose session
    is no longer known are counted: nothing says they came later)."""
    return [r for r in doc.responses_to(material_id)
            if r.session_id not in held_on or held_on[r.session_id] <= day]


def revision_history(store: "Store", campaign_id: str) -> list[dict[str, Any]]:
    """For the creative brief's revision history: each decision of the log and each new
    version, as {"date", "material", "change"}, oldest first. A decision on a scored
    material carries the results it rested on: the answers of the groups held by then."""
    doc = load(store, campaign_id)
    held_on = {s.id: s.start_date for s in store.sessions(campaign_id)}

    def named(material: Material | None, name: str) -> str:
        if material is None:
            return name
        text = " ".join(material.text.split())
        quoted = f" “{text}”" if text and len(text) <= SHORT_TEXT else ""  # a slogan is named by its words
        return f"{material.type.label}: {name}{quoted}"

    rows: list[tuple[date, int, dict[str, Any]]] = []
    for d in doc.decisions:
        material = doc.find_material(d.material_id)
        change = f"{d.decision.label} — {d.reason}"
        if material is not None:
            found = evidence(result_of(doc, material, answers_by(doc, material.id, d.date, held_on)))
            if found:
                change = change.rstrip()
                change = f"{change}{'' if change.endswith(('.', '!', '?', '…')) else '.'} {found}"
        rows.append((d.date, 0, {"date": d.date, "material": named(material, d.material), "change": change}))
    for m in doc.materials:
        if m.version > 1:
            rows.append((m.created_on, 1, {"date": m.created_on, "material": named(m, m.name),
                                           "change": f"New version — {m.changes}"}))
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


# ---- the grid (paper forms typed in) ----------------------------------------------------------------------

COL_ID = "id"
COL_LABEL = "Participant"
COL_SEX = "Sex"
COL_AGE = "Age band"
COL_ROLE = "Role"
COL_SOURCE = "From"
COL_WORDS = "Main message in their words"
COL_CODING = "Coded"
COL_GENERAL = "General comment"


def score_column(criterion: Criterion) -> str:
    return criterion.label


def comment_column(criterion: Criterion) -> str:
    return f"Why ({criterion.label.lower()})"


SEX_BY_LABEL = {s.label: s for s in Sex}
ROLE_BY_LABEL = {r.label: r for r in Role}
CODING_BY_LABEL = {c.label: c for c in Coding}


def grid_columns(doc: PretestDoc) -> list[str]:
    criteria = doc.criteria()
    return ([COL_ID, COL_LABEL, COL_SEX, COL_AGE, COL_ROLE, COL_SOURCE, COL_WORDS, COL_CODING]
            + [score_column(c) for c in criteria] + [comment_column(c) for c in criteria] + [COL_GENERAL])


def grid_rows(doc: PretestDoc, session_id: str, material_id: str) -> list[dict[str, Any]]:
    """One row per respondent of the session, with their answers on this material."""
    answers = {r.respondent_id: r for r in doc.responses_to(material_id, session_id)}
    rows = []
    for person in doc.respondents_of(session_id):
        response = answers.get(person.id)
        row: dict[str, Any] = {
            COL_ID: person.id, COL_LABEL: person.label,
            COL_SEX: person.sex.label if person.sex else None, COL_AGE: person.age_band,
            COL_ROLE: person.role.label if person.role else None,
            COL_SOURCE: "phone" if person.device_key else "paper",
            COL_WORDS: response.own_words if response else "",
            COL_CODING: response.coding.label if response and response.coding else None,
            COL_GENERAL: response.comments.get(GENERAL, "") if response else "",
        }
        for c in doc.criteria():
            row[score_column(c)] = response.scores.get(c) if response else None
            row[comment_column(c)] = response.comments.get(c.value, "") if response else ""
        rows.append(row)
    return rows


@dataclass
class GridOutcome:
    saved: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _blank(value: Any) -> bool:
    if isinstance(value, float):
        return value != value  # NaN: an empty cell of a table
    return value is None or (isinstance(value, str) and not value.strip())


def read_score(value: Any, criterion: Criterion) -> int | None:
    """A grid cell as a score: None when empty; ValueError when not a whole number 1–5."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{criterion.label} must be a whole number from 1 to 5, got {value}")
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{criterion.label} must be a whole number from 1 to 5, got '{str(value)[:20]}'") from None
    if number != number or not number.is_integer() or not SCORE_MIN <= number <= SCORE_MAX:
        shown = f"{number:g}" if number == number else str(value)
        raise ValueError(f"{criterion.label} must be a whole number from 1 to 5, got {shown}")
    return int(number)


def _choice(value: Any, table: Mapping[str, Any], what: str) -> Any:
    if _blank(value):
        return None
    if isinstance(value, Enum):
        return value
    text = str(value).strip()
    for label, item in table.items():
        if name_key(label) == name_key(text) or name_key(getattr(item, "value", "")) == name_key(text):
            return item
    raise ValueError(f"{what} must be one of {', '.join(table)}, got '{text[:30]}'")


def _row_to_records(doc: PretestDoc, row: Mapping[str, Any], person: Respondent | None, session_id: str,
                    material_id: str, existing: Response | None) -> tuple[Respondent, Response | None, list[str]]:
    """A grid row as a respondent and their answer; ValueError/ValidationError on bad cells."""
    label = _text(row.get(COL_LABEL), 200) if not _blank(row.get(COL_LABEL)) else ""
    if not label:
        label = person.label if person else next_label(doc, session_id)
    values = {
        "session_id": session_id, "label": label,
        "sex": _choice(row.get(COL_SEX), SEX_BY_LABEL, "Sex"),
        "age_band": age_band(row.get(COL_AGE)),
        "role": _choice(row.get(COL_ROLE), ROLE_BY_LABEL, "Role"),
    }
    if person is not None:
        respondent = Respondent.model_validate(person.model_dump() | values)
    else:
        respondent = Respondent(**values)
    missing: list[str] = []
    scores: dict[Criterion, int] = {}
    for c in doc.criteria():
        score = read_score(row.get(score_column(c)), c)
        if score is None:
            missing.append(c.label.lower())
        else:
            scores[c] = score
    comments = {c.value: row.get(comment_column(c)) for c in doc.criteria() if not _blank(row.get(comment_column(c)))}
    if not _blank(row.get(COL_GENERAL)):
        comments[GENERAL] = row.get(COL_GENERAL)
    words = "" if _blank(row.get(COL_WORDS)) else str(row.get(COL_WORDS))
    if len(words.strip()) > WORDS_MAX:
        raise ValueError(f"the main message in their words is {len(words.strip())} characters; keep it to {WORDS_MAX}")
    for key, text in comments.items():
        if len(str(text).strip()) > COMMENT_MAX:
            raise ValueError(f"a comment is {len(str(text).strip())} characters; keep it to {COMMENT_MAX}")
    coding = _choice(row.get(COL_CODING), CODING_BY_LABEL, "Coded")
    if not scores and not words.strip() and not comments and coding is None:
        return respondent, None, []
    response = Response(
        id=existing.id if existing else new_id(), session_id=session_id, material_id=material_id,
        respondent_id=respondent.id, scores=scores, own_words=words, coding=coding, comments=comments,
        source=existing.source if existing else "paper",
    )
    return respondent, response, (missing if scores or words.strip() else [])


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(friendly_errors(exc))
    return str(exc)


def apply_grid_edits(store: "Store", campaign_id: str, session_id: str, material_id: str,
                     base: Sequence[Mapping[str, Any]], changes: Mapping[str, Any],
                     new_row_ids: dict[int, str] | None = None) -> GridOutcome:
    """Apply a grid editor's changes ({"edited_rows", "added_rows", "deleted_rows"}). Each
    row is checked on its own: a row with a bad cell is refused with its reason while the
    other rows are saved. A row with some scores missing is saved (those count as 'no
    answer') and named in the notes. `new_row_ids` maps added rows to the respondents
    already saved for them, so a new row edited again updates instead of duplicating."""
    outcome = GridOutcome()
    new_row_ids = new_row_ids if new_row_ids is not None else {}
    with editing(store, campaign_id) as doc:
        doc.material(material_id)
        if doc.group(session_id) is None:
            doc.groups.append(PretestGroup(session_id=session_id))
        deleted = {int(i) for i in changes.get("deleted_rows", [])}
        for index in sorted(deleted):
            if index < len(base):
                rid = base[index][COL_ID]
                doc.responses = [r for r in doc.responses
                                 if not (r.respondent_id == rid and r.material_id == material_id)]
                if not any(r.respondent_id == rid for r in doc.responses):
                    doc.respondents = [r for r in doc.respondents if r.id != rid]
                outcome.deleted += 1

        def put(row: Mapping[str, Any], person: Respondent | None, where: str) -> str | None:
            existing = None
            if person is not None:
                existing = next((r for r in doc.responses
                                 if r.respondent_id == person.id and r.material_id == material_id), None)
            try:
                respondent, response, missing = _row_to_records(doc, row, person, session_id, material_id, existing)
                clash = next((r for r in doc.respondents_of(session_id)
                              if r.id != respondent.id and name_key(r.label) == name_key(respondent.label)), None)
                if clash is not None:
                    raise ValueError(f"another row is already called '{clash.label}'")
            except (ValidationError, ValueError) as exc:
                outcome.errors.append(f"{where}: {_reason(exc)}. Nothing in this row was saved.")
                return None
            if person is None:
                doc.respondents.append(respondent)
            else:
                doc.respondents = [respondent if r.id == respondent.id else r for r in doc.respondents]
            doc.responses = [r for r in doc.responses if not (r.respondent_id == respondent.id
                                                              and r.material_id == material_id)]
            if response is not None:
                doc.responses.append(response)
            if missing:
                outcome.notes.append(f"{where} ({respondent.label}): no score yet for {', '.join(missing)} "
                                     f"(counted as no answer).")
            outcome.saved += 1
            return respondent.id

        people = {r.id: r for r in doc.respondents}
        # An edit changes the cells it names, on the row as saved now (a phone may have sent
        # answers since the grid was drawn): the other cells keep what is saved.
        saved_rows = {row[COL_ID]: row for row in grid_rows(doc, session_id, material_id)}
        for index, edits in changes.get("edited_rows", {}).items():
            index = int(index)
            if index in deleted or index >= len(base):
                continue
            person = people.get(base[index][COL_ID])
            if person is None:
                outcome.errors.append(f"Row {index + 1}: this person was removed meanwhile; nothing saved.")
                continue
            put(dict(saved_rows.get(person.id, base[index])) | dict(edits), person, f"Row {index + 1}")
        for position, row in enumerate(changes.get("added_rows", [])):
            if all(_blank(v) for k, v in row.items() if k not in (COL_ID, COL_SOURCE)):
                continue
            known = new_row_ids.get(position)
            person = people.get(known) if known else None
            saved = put(row, person, f"New row {len(base) + position + 1}")
            if saved is not None:
                new_row_ids[position] = saved
                people = {r.id: r for r in doc.respondents}
    return outcome


# ---- progress in words ---------------------------------------------------------------------------------

def untested(doc: PretestDoc) -> list[Material]:
    """Latest versions (not dropped) that nobody has scored, and that are not a revision
    made after a tested version (those may go to production without a second round)."""
    waiting = []
    for family in doc.families():
        latest = family[-1]
        if is_dropped(doc, latest) or doc.responses_to(latest.id):
            continue
        earlier_tested = any(doc.responses_to(m.id) for m in family[:-1])
        if not earlier_tested:
            waiting.append(latest)
    return waiting


def undecided(doc: PretestDoc) -> list[Material]:
    """Tested materials without a decision in the log."""
    return [m for m in doc.tested() if doc.latest_decision(m.id) is None]


def session_names(sessions: Iterable[Any], doc: PretestDoc | None = None) -> dict[str, str]:
    """Session id → a short name for tables, in the sessions' order: a pre-test group is
    named by its place when no other group has the same place; any other session by its
    title."""
    sessions = list(sessions)
    groups = {g.session_id for g in doc.groups} if doc is not None else {s.id for s in sessions}
    places = Counter(s.place for s in sessions if s.id in groups and s.place)
    return {s.id: s.place if s.id in groups and s.place and places[s.place] == 1 else s.title for s in sessions}


def when_label(day: date | datetime) -> str:
    return f"{day.day} {day:%b %Y}"

"""The vocabulary of a campaign: pydantic models with messages a facilitator understands.

These models are what the store saves, what the backup file holds and what the pages
edit. Validation lives here so every way in (page, sign-in sheet, backup, command line)
gets the same rules and the same wording.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime, timezone
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from c4d.text import plural, short_date

NAME_MAX = 200
TEXT_MAX = 5000
PEOPLE_MAX = 1_000_000  # head counts (turnout, eligible voters); fits every database's integer


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


# Control characters other than tab and line breaks cannot be shown, printed or stored
# in XML (DOCX, XLSX) and PostgreSQL refuses NUL: they are dropped as text comes in.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Trim and fold runs of white space; keep every script as typed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", _CONTROL.sub("", text))).strip()


def _required_text(value: str) -> str:
    value = _clean(value)
    if not value:
        raise ValueError("cannot be empty")
    return value


def _optional_text(value: str | None) -> str:
    return _clean(value or "")


def _long_text(value: str | None) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub("", value or "")).strip()


def _utc(value: datetime) -> datetime:
    """Every moment is kept in UTC (a naive value is taken to be UTC already), so the
    database, which may not keep offsets, gives back what was saved."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01 00:00 at UTC+5 has no UTC equivalent
        raise ValueError("is not a moment the toolkit can store") from None


# Dates a workshop or a deadline can have: what the date pickers offer, and what a saved
# or imported record may hold, so a page can always show what was stored.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)


def _plausible_date(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{short_date(value)} is not a workshop date: use a date between "
                         f"{FIRST_DATE.year} and {LAST_DATE.year}")
    return value


PlausibleDate = Annotated[date, AfterValidator(_plausible_date)]


# The length limit applies to the cleaned text: Unicode normalisation may lengthen a
# name, and what is saved must pass the same check when a backup is read back.
def required_text(max_length: int) -> Any:
    """A required one-line text of at most `max_length` characters (after cleaning)."""
    return Annotated[str, AfterValidator(_required_text), Field(max_length=max_length)]


RequiredName = required_text(NAME_MAX)
OptionalName = Annotated[str, AfterValidator(_optional_text), Field(max_length=NAME_MAX)]
LongText = Annotated[str, AfterValidator(_long_text), Field(max_length=TEXT_MAX)]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


def name_key(text: str) -> str:
    """The form under which two names are compared: case and spacing do not count."""
    return _clean(text).casefold()


def same_name(a: str, b: str) -> bool:
    """Two names are the same when they differ only by case or spacing."""
    return name_key(a) == name_key(b)


def slugify(text: str) -> str:
    """A short, URL-safe name. Latin letters are kept; other scripts are transliterated
    where Unicode allows and otherwise dropped, so a fallback is always returned."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "campaign"


class Model(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid", str_strip_whitespace=False)


class SessionKind(str, Enum):
    ppcd = "ppcd"
    media_camp_1 = "media_camp_1"
    media_camp_2 = "media_camp_2"
    pretest_fgd = "pretest_fgd"
    showcase = "showcase"

    @property
    def label(self) -> str:
        return SESSION_KIND_LABELS[self]


SESSION_KIND_LABELS = {
    SessionKind.ppcd: "PPCD workshop",
    SessionKind.media_camp_1: "Media Camp 1",
    SessionKind.media_camp_2: "Media Camp 2",
    SessionKind.pretest_fgd: "Pre-test focus group",
    SessionKind.showcase: "Showcase and launch",
}


class OrgType(str, Enum):
    government = "government"
    law_enforcement = "law_enforcement"
    judiciary = "judiciary"
    ngo = "ngo"
    private_sector = "private_sector"
    media = "media"
    academia = "academia"
    community = "community"
    other = "other"

    @property
    def label(self) -> str:
        return ORG_TYPE_LABELS[self]


ORG_TYPE_LABELS = {
    OrgType.government: "Government",
    OrgType.law_enforcement: "Law enforcement",
    OrgType.judiciary: "Judiciary",
    OrgType.ngo: "NGO / service provider",
    OrgType.private_sector: "Private sector",
    OrgType.media: "Media",
    OrgType.academia: "Academia",
    OrgType.community: "Community / target audience",
    OrgType.other: "Other",
}


class Sex(str, Enum):
    woman = "woman"
    man = "man"
    another = "another"
    undisclosed = "undisclosed"

    @property
    def label(self) -> str:
        return SEX_LABELS[self]


SEX_LABELS = {
    Sex.woman: "Woman",
    Sex.man: "Man",
    Sex.another: "Another",
    Sex.undisclosed: "Prefer not to say",
}


class Campaign(Model):
    id: str = Field(default_factory=new_id)
    slug: str = ""
    name: RequiredName
    country: OptionalName = ""
    summary: LongText = ""
    organisers: list[RequiredName] = Field(default_factory=list, max_length=50)
    participant_language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    archived: bool = False
    created_at: UtcDatetime = Field(default_factory=utcnow)

    @field_validator("participant_language", mode="before")
    @classmethod
    def _language_hint(cls, value: Any) -> Any:
        if isinstance(value, str) and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", value):
            raise ValueError("use a language code such as 'en', 'mn' or 'km'")
        return value


class AgendaItem(Model):
    day: int = Field(default=1, ge=1, le=14)
    time: OptionalName = ""
    title: RequiredName
    notes: LongText = ""


class Session(Model):
    id: str = Field(default_factory=new_id)
    campaign_id: str
    slug: str = ""
    kind: SessionKind
    title: RequiredName
    start_date: PlausibleDate
    end_date: PlausibleDate
    place: OptionalName = ""
    facilitators: list[RequiredName] = Field(default_factory=list, max_length=50)
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=200)
    notes: LongText = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Session":
        if self.end_date < self.start_date:
            raise ValueError(
                f"the last day ({short_date(self.end_date)}) is before the first day "
                f"({short_date(self.start_date)})"
            )
        if (self.end_date - self.start_date).days > 13:
            raise ValueError("a workshop session lasts at most 14 days; split longer events")
        for item in self.agenda:
            if item.day > self.days:
                raise ValueError(
                    f"agenda item '{item.title}' is on day {item.day}, "
                    f"but the session has {plural(self.days, 'day')}"
                )
        return self

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def day_dates(self) -> list[date]:
        from datetime import timedelta

        return [self.start_date + timedelta(days=i) for i in range(self.days)]

    def dates_label(self) -> str:
        """'18 Jun 2020', '18–19 Jun 2020', '30 Jun 2020 – 2 Jul 2020'."""
        if self.start_date == self.end_date:
            return short_date(self.start_date)
        if self.start_date.year == self.end_date.year and self.start_date.month == self.end_date.month:
            return f"{self.start_date.day}–{short_date(self.end_date)}"
        return f"{short_date(self.start_date)} – {short_date(self.end_date)}"


class Participant(Model):
    id: str = Field(default_factory=new_id)
    session_id: str
    name: OptionalName = ""
    organisation: RequiredName
    org_type: OrgType
    sex: Sex
    contact: OptionalName = ""
    consent_to_list: bool = False
    attendance: list[int] = Field(default_factory=list, description="days attended, 1-based")

    @field_validator("attendance")
    @classmethod
    def _days(cls, days: list[int]) -> list[int]:
        if any(d < 1 or d > 14 for d in days):
            raise ValueError("attendance days run from day 1 to day 14")
        return sorted(set(days))

    def listed_name(self) -> str:
        """The name as it may appear in a report: only with consent."""
        return self.name if (self.name and self.consent_to_list) else "(not listed)"


class Decision(Model):
    """A key decision of the campaign, e.g. the primary audience chosen by vote."""

    id: str = Field(default_factory=new_id)
    campaign_id: str
    session_id: str | None = None
    topic: "DecisionTopic"
    choice: RequiredName
    method: OptionalName = ""
    rationale: LongText = ""
    breakdown: list["TallyRow"] = Field(default_factory=list, max_length=100)
    ballot_id: str | None = None  # the ballot whose result was adopted, when it was voted on
    turnout: int | None = Field(default=None, ge=0, le=PEOPLE_MAX)
    eligible: int | None = Field(default=None, ge=0, le=PEOPLE_MAX)
    decided_at: UtcDatetime = Field(default_factory=utcnow)


class DecisionTopic(str, Enum):
    trend = "trend"
    primary_audience = "primary_audience"
    area = "area"
    media = "media"
    secondary_audience = "secondary_audience"
    other = "other"

    @property
    def label(self) -> str:
        return DECISION_TOPIC_LABELS[self]


DECISION_TOPIC_LABELS = {
    DecisionTopic.trend: "Trafficking trend / type of exploitation",
    DecisionTopic.primary_audience: "Primary target group",
    DecisionTopic.area: "Area of dissemination",
    DecisionTopic.media: "Type of media",
    DecisionTopic.secondary_audience: "Secondary audience",
    DecisionTopic.other: "Other decision",
}


class TallyRow(Model):
    option: RequiredName
    votes: float = Field(ge=0, allow_inf_nan=False)


Decision.model_rebuild()


def friendly_errors(error: ValidationError) -> list[str]:
    """Turn pydantic's errors into sentences a facilitator can act on."""
    messages = []
    for item in error.errors():
        where = " ".join(str(p).replace("_", " ") for p in item["loc"] if not isinstance(p, int))
        message = item["msg"]
        message = re.sub(r"^(Value error|Assertion failed), ", "", message)
        kind = item.get("type", "")
        ctx = item.get("ctx") or {}
        if kind == "string_too_long" or (kind == "too_long" and ctx.get("field_type") == "Value"):
            message = f"is too long (at most {ctx.get('max_length')} characters)"
        elif kind == "too_long":
            message = f"has too many entries (at most {ctx.get('max_length')})"
        elif kind == "missing":
            message = "is required"
        elif kind == "enum":
            message = f"must be one of: {ctx.get('expected', '')}"
        elif kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
            message = "is not a date (use a date such as 2020-06-18)"
        messages.append(f"{where}: {message}" if where else message)
    return messages

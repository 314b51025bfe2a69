"""Strategy (P-Process step 2, "know how to reach them"): the vocabulary of the SMART
objectives and of the channel plan.

An objective is built from structured fields — who (an audience of the audience
analysis), which KAP element, the behaviour, the indicator, the baseline (value and
source), the target, the place, the deadline and the means of verification. When the
research worksheet exists, it fills `Objective.survey_items` (the endline questions that
measure the objective) and `result_value`, so the endline can say "met / not met".

A channel plan is a list of entries: the channel (TV, radio, Facebook, a chatbot,
posters at transit points, murals, VR stands, ...), the audiences it reaches, the
evidence that the audience uses it (e.g. from the KAP baseline or the PPCD's media vote),
timing, partner, languages, cost and expected reach.

Objectives and channels name their audience with an `AudienceRef` (the audience's id in
the audience analysis and its name as written). The id is followed when it still exists,
so a renamed audience stays linked; otherwise the name is matched, so an objective typed
before the audience analysis was filled in links up as soon as the audience appears.

Each worksheet's content is one JSON document per campaign holding a list of items
(`OBJECTIVES`, `CHANNEL_PLAN` say where and how many). The sentence an objective reads
as is in `c4d.strategy.wording`, its checks in `c4d.strategy.smart_checks`, the writes
in `c4d.strategy.commands`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from pydantic import Field

from c4d.models import LongText, Model, OptionalName, PlausibleDate, RequiredName, new_id, same_name
from c4d.text import clip

if TYPE_CHECKING:
    from c4d.audience.model import AudienceRole

OBJECTIVES_MAX = 60
VALUE_LIMIT = 1e12  # any count a campaign can have; keeps sentences and tables readable
ENTRIES_MAX = 100
REACH_MAX = 10_000_000_000
COST_MAX = 1e12


# ---- the audiences an objective (or a channel) can name -------------------------------------
@dataclass(frozen=True)
class AudienceOption:
    """An audience the campaign knows: from the audience analysis (with its id) or, while
    that is empty, from the PPCD decisions (no id)."""

    id: str | None
    name: str
    role: "AudienceRole | None" = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role.label.split()[0].lower()})" if self.role is not None else self.name


class AudienceRef(Model):
    """How an objective or a channel names an audience: the id in the audience analysis
    (when it was chosen from there) and the name as it read then."""

    id: str | None = Field(default=None, max_length=64)
    name: RequiredName


def resolve(ref: AudienceRef | None, options: Sequence[AudienceOption]) -> AudienceOption | None:
    """The audience a reference points to: by id first (it survives a rename), then by name."""
    if ref is None:
        return None
    if ref.id:
        for option in options:
            if option.id == ref.id:
                return option
    for option in options:
        if same_name(option.name, ref.name):
            return option
    return None


def ref_to(option: AudienceOption) -> AudienceRef:
    return AudienceRef(id=option.id, name=option.name)


def shown_name(ref: AudienceRef | None, options: Sequence[AudienceOption]) -> str:
    """The audience's current name (it may have been renamed), else the name as written."""
    found = resolve(ref, options)
    return found.name if found is not None else (ref.name if ref is not None else "")


# ---- SMART objectives -----------------------------------------------------------------------
class KAPElement(str, Enum):
    knowledge = "knowledge"
    attitude = "attitude"
    practice = "practice"
    reach = "reach"
    engagement = "engagement"
    output = "output"

    @property
    def label(self) -> str:
        return ELEMENT_LABELS[self]


ELEMENT_LABELS = {
    KAPElement.knowledge: "Knowledge — what they know",
    KAPElement.attitude: "Attitude — what they feel and believe",
    KAPElement.practice: "Practice — what they do or intend to do",
    KAPElement.reach: "Reach — who sees or hears the campaign",
    KAPElement.engagement: "Engagement — who interacts with it",
    KAPElement.output: "Output — what the campaign produces",
}


class Measure(str, Enum):
    percent = "percent"   # a share of the audience, 0–100
    number = "number"     # a count: people, contacts, views, productions
    change = "change"     # a change in % on the baseline measurement (e.g. "attitude shift > 5%")

    @property
    def label(self) -> str:
        return {"percent": "Share of the audience (%)", "number": "A number (people, contacts, views, items)",
                "change": "Change on the baseline (%)"}[self.value]


class Direction(str, Enum):
    increase = "increase"
    decrease = "decrease"

    @property
    def label(self) -> str:
        return {"increase": "Increase", "decrease": "Decrease"}[self.value]


# Means of verification a facilitator usually picks; any other text can be typed.
COMMON_MEANS = (
    "Endline KAP survey (n≈500), compared with the baseline",
    "Pre- and post-survey of the audience",
    "Page analytics (Facebook Insights, YouTube Studio)",
    "Chatbot conversation log",
    "Hotline or helpline log",
    "Production records (final content list)",
    "Event sign-in sheets",
    "Broadcast logs from the stations",
)

Value = float


def _value_field(**kwargs):
    return Field(default=None, ge=-VALUE_LIMIT, le=VALUE_LIMIT, allow_inf_nan=False, **kwargs)


class Objective(Model):
    id: str = Field(default_factory=new_id)
    audience: AudienceRef | None = None
    element: KAPElement = KAPElement.knowledge
    behaviour: LongText = ""        # what the audience will know, feel or do: "know where to report a case"
    indicator: LongText = ""        # what is counted: "share of respondents who can name where to report"
    measure: Measure = Measure.percent
    direction: Direction = Direction.increase
    baseline_value: float | None = _value_field()
    baseline_source: OptionalName = ""
    target_value: float | None = _value_field()
    place: OptionalName = ""
    deadline: PlausibleDate | None = None
    verification: OptionalName = ""  # means of verification
    result_value: float | None = _value_field()   # the endline's figure, when it is in
    result_source: OptionalName = ""
    # The endline survey questions that measure this objective, filled by the research
    # worksheet when it exists (ids or short labels).
    survey_items: list[RequiredName] = Field(default_factory=list, max_length=50)
    notes: LongText = ""

    @property
    def title(self) -> str:
        """A short name for lists: the behaviour, else the indicator."""
        return clip(self.behaviour or self.indicator or self.element.value, 70)


class ObjectiveSet(Model):
    objectives: list[Objective] = Field(default_factory=list, max_length=OBJECTIVES_MAX)



# ---- the channel plan --------------------------------------------------------------------
class ChannelKind(str, Enum):
    tv = "tv"
    radio = "radio"
    facebook = "facebook"
    tiktok = "tiktok"
    youtube = "youtube"
    instagram = "instagram"
    chatbot = "chatbot"
    posters = "posters"
    murals = "murals"
    screenings = "screenings"
    vr_stands = "vr_stands"
    events = "events"
    press = "press"
    other = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    ChannelKind.tv: "TV",
    ChannelKind.radio: "Radio",
    ChannelKind.facebook: "Facebook",
    ChannelKind.tiktok: "TikTok",
    ChannelKind.youtube: "YouTube",
    ChannelKind.instagram: "Instagram",
    ChannelKind.chatbot: "Chatbot",
    ChannelKind.posters: "Posters at transit points",
    ChannelKind.murals: "Murals",
    ChannelKind.screenings: "Community screenings",
    ChannelKind.vr_stands: "VR stands",
    ChannelKind.events: "Events",
    ChannelKind.press: "Press and journalists",
    ChannelKind.other: "Other",
}

# Words that name the channel in an audience profile's platforms or information sources.
PROFILE_WORDS = {
    ChannelKind.tv: ("tv", "television"),
    ChannelKind.radio: ("radio",),
    ChannelKind.facebook: ("facebook", "messenger"),
    ChannelKind.tiktok: ("tiktok",),
    ChannelKind.youtube: ("youtube",),
    ChannelKind.instagram: ("instagram",),
    ChannelKind.chatbot: ("chatbot", "messenger"),
    ChannelKind.posters: ("poster", "bus", "transit", "station"),
    ChannelKind.murals: ("mural", "street"),
    ChannelKind.screenings: ("screening", "community"),
    ChannelKind.vr_stands: ("vr", "virtual reality", "stand"),
    ChannelKind.events: ("event",),
    ChannelKind.press: ("news", "newspaper", "press", "journalist"),
    ChannelKind.other: (),
}


class ChannelEntry(Model):
    id: str = Field(default_factory=new_id)
    kind: ChannelKind
    detail: OptionalName = ""                 # e.g. "Campaign Facebook page, the hub"
    audiences: list[AudienceRef] = Field(default_factory=list, max_length=20)
    evidence: LongText = ""                   # why: evidence that the audience uses it
    timing: OptionalName = ""
    partner: OptionalName = ""
    languages: list[RequiredName] = Field(default_factory=list, max_length=20)
    cost: float | None = Field(default=None, ge=0, le=COST_MAX, allow_inf_nan=False)
    expected_reach: int | None = Field(default=None, ge=0, le=REACH_MAX)
    notes: LongText = ""

    @property
    def label(self) -> str:
        return f"{self.kind.label} — {self.detail}" if self.detail else self.kind.label


class ChannelPlan(Model):
    currency: OptionalName = "USD"
    entries: list[ChannelEntry] = Field(default_factory=list, max_length=ENTRIES_MAX)


def audience_names(entry: ChannelEntry, audiences: Sequence[AudienceOption]) -> list[str]:
    """The names of the audiences a channel reaches, as they read now."""
    return [shown_name(ref, audiences) for ref in entry.audiences]



# ---- where each worksheet's content is kept ------------------------------------------------
@dataclass(frozen=True)
class ListDocument:
    """A strategy worksheet's content: one JSON document per campaign (`kind`), validated
    by `model`, whose list `field` holds at most `limit` items."""

    kind: str
    model: type[Model]
    field: str
    limit: int
    what: str   # the document, in the message for one that cannot be read
    full: str   # the refusal when the list is full


OBJECTIVES = ListDocument("smart_objectives", ObjectiveSet, "objectives", OBJECTIVES_MAX, "SMART objectives",
                          f"a campaign holds at most {OBJECTIVES_MAX} objectives; remove one first")
CHANNEL_PLAN = ListDocument("channels", ChannelPlan, "entries", ENTRIES_MAX, "channel plan",
                            f"a channel plan holds at most {ENTRIES_MAX} entries; remove one first")

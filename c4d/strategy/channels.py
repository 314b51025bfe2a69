"""Channels and distribution: which media reach which audience, why, when, with whom.

A channel plan is a list of entries: the channel (TV, radio, Facebook, a chatbot,
posters at transit points, murals, VR stands, ...), the audiences it reaches
(`AudienceRef`, as SMART objectives name them), the evidence that the audience uses it
(e.g. from the KAP baseline or the PPCD's media vote), timing, partner, languages, cost
and expected reach. `totals_by_channel` and `totals_by_audience` add them up;
`warnings` says what a facilitator should look at: a primary audience with no channel,
a channel with no evidence, an entry that names no audience (or one that is not in the
audience analysis).

Content: one JSON document per campaign, kind `channels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from pydantic import Field

from c4d.models import Campaign, LongText, Model, OptionalName, RequiredName, Session, new_id
from c4d.strategy.smart import REPORTED_SESSIONS, AudienceOption, AudienceRef, known_audiences, number, resolve
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.audience.model import AudienceProfile
    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store

KIND = "channels"
ENTRIES_MAX = 100
REACH_MAX = 10_000_000_000
COST_MAX = 1e12


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


def load(store: "Store", campaign_id: str) -> ChannelPlan:
    return store.load_worksheet(campaign_id, KIND, ChannelPlan, "channel plan")


def save(store: "Store", campaign_id: str, plan: ChannelPlan) -> None:
    store.save_worksheet(campaign_id, KIND, plan.model_dump(mode="json"))


def upsert(store: "Store", campaign_id: str, entry: ChannelEntry) -> ChannelPlan:
    with store.transaction():
        plan = load(store, campaign_id)
        entries = list(plan.entries)
        for i, existing in enumerate(entries):
            if existing.id == entry.id:
                entries[i] = entry
                break
        else:
            if len(entries) >= ENTRIES_MAX:
                raise ValueError(f"a channel plan holds at most {ENTRIES_MAX} entries; remove one first")
            entries.append(entry)
        updated = ChannelPlan(currency=plan.currency, entries=entries)
        save(store, campaign_id, updated)
    return updated


def remove(store: "Store", campaign_id: str, entry_id: str) -> ChannelPlan:
    with store.transaction():
        plan = load(store, campaign_id)
        updated = ChannelPlan(currency=plan.currency, entries=[e for e in plan.entries if e.id != entry_id])
        save(store, campaign_id, updated)
    return updated


def set_currency(store: "Store", campaign_id: str, currency: str) -> ChannelPlan:
    with store.transaction():
        plan = load(store, campaign_id)
        updated = ChannelPlan(currency=currency, entries=plan.entries)
        save(store, campaign_id, updated)
    return updated


# ---- totals --------------------------------------------------------------------------------
@dataclass
class Total:
    name: str
    entries: int = 0
    cost: float = 0.0
    cost_unknown: int = 0       # entries without a cost
    reach: int = 0
    reach_unknown: int = 0      # entries without an expected reach
    channels: list[str] = field(default_factory=list)

    def add(self, entry: ChannelEntry) -> None:
        self.entries += 1
        if entry.cost is None:
            self.cost_unknown += 1
        else:
            self.cost += entry.cost
        if entry.expected_reach is None:
            self.reach_unknown += 1
        else:
            self.reach += entry.expected_reach
        if entry.kind.label not in self.channels:
            self.channels.append(entry.kind.label)


def totals_by_channel(plan: ChannelPlan) -> list[Total]:
    """One line per kind of channel, in the order of the list of channels."""
    totals: dict[ChannelKind, Total] = {}
    for entry in plan.entries:
        totals.setdefault(entry.kind, Total(entry.kind.label)).add(entry)
    return [totals[k] for k in ChannelKind if k in totals]


def totals_by_audience(plan: ChannelPlan, audiences: Sequence[AudienceOption]) -> list[Total]:
    """One line per known audience (even one with no channel, so the gap shows), then any
    audience named only in the plan. An entry for two audiences counts for both."""
    totals: dict[str, Total] = {}
    for option in audiences:
        totals[_key(option.id, option.name)] = Total(option.name)
    for entry in plan.entries:
        for ref in entry.audiences:
            found = resolve(ref, audiences)
            key = _key(found.id, found.name) if found is not None else _key(None, ref.name)
            totals.setdefault(key, Total(found.name if found is not None else ref.name)).add(entry)
    return list(totals.values())


def grand_total(plan: ChannelPlan) -> Total:
    total = Total("All channels")
    for entry in plan.entries:
        total.add(entry)
    return total


def _key(audience_id: str | None, name: str) -> str:
    return f"id:{audience_id}" if audience_id else "name:" + " ".join(name.split()).casefold()


def money(total: Total, currency: str) -> str:
    """The total cost as a person reads it; '–' when nothing is costed (or there is no channel)."""
    if total.cost_unknown == total.entries:
        return "–"
    text = f"{number(total.cost)} {currency}".strip()
    return text + (f" (+{total.cost_unknown} not costed)" if total.cost_unknown else "")


def reach(total: Total) -> str:
    """The total expected reach; '–' when nothing is estimated (or there is no channel)."""
    if total.reach_unknown == total.entries:
        return "–"
    text = number(total.reach)
    return text + (f" (+{total.reach_unknown} not estimated)" if total.reach_unknown else "")


# ---- warnings ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChannelWarning:
    kind: str          # primary_without_channel, audience_without_channel, no_evidence, no_audience, unknown_audience
    message: str
    suggestion: str
    entry_id: str | None = None


def warnings(plan: ChannelPlan, audiences: Sequence[AudienceOption]) -> list[ChannelWarning]:
    found: list[ChannelWarning] = []
    reached: set[str] = set()
    for entry in plan.entries:
        for ref in entry.audiences:
            option = resolve(ref, audiences)
            if option is not None:
                reached.add(_key(option.id, option.name))
            elif audiences:
                found.append(ChannelWarning(
                    "unknown_audience", f"'{entry.label}' names '{ref.name}', which is not an audience of the "
                                        f"audience analysis.",
                    "Choose one of the campaign's audiences for this channel.", entry.id))
    for option in audiences:
        if _key(option.id, option.name) in reached:
            continue
        if option.role is not None and option.role.value == "primary":
            found.insert(0, ChannelWarning("primary_without_channel",
                                    f"The primary audience, {option.name}, has no channel.",
                                    "Add the channels this audience already uses (see the audience profile's "
                                    "platforms and information sources)."))
        elif option.role is not None and option.role.value == "secondary":
            # Tertiary audiences are reached by advocacy more than by media: not listed.
            found.append(ChannelWarning("audience_without_channel", f"{option.name} has no channel yet.",
                                        "Add a channel that reaches this secondary audience, if the campaign "
                                        "should speak to them directly."))
    for entry in plan.entries:
        if not entry.evidence.strip():
            found.append(ChannelWarning("no_evidence", f"'{entry.label}' has no evidence that the audience uses it.",
                                 "Say why this channel: a baseline figure, the audience profile, the PPCD's media "
                                 "vote or a partner's audience data.", entry.id))
        if not entry.audiences:
            found.append(ChannelWarning("no_audience", f"'{entry.label}' does not say which audience it reaches.",
                                 "Choose the audiences this channel reaches.", entry.id))
    return found


def evidence_hint(kind: ChannelKind, profile: "AudienceProfile | None") -> str:
    """A line of evidence from the audience profile for this channel, when it has one."""
    if profile is None:
        return ""
    words = PROFILE_WORDS.get(kind, ())
    for label, items in (("platforms they use", profile.platforms),
                         ("information sources", profile.information_sources)):
        for item in items:
            if any(w in item.lower() for w in words):
                return f"The audience profile lists '{item}' among the {label}."
    return ""


# ---- the worksheet -------------------------------------------------------------------------
class ChannelsWorksheet:
    key = "channels"
    title = "Channels and distribution"
    p_step = PStep.design
    roadshow_step = RoadshowStep.media_camp_1
    page = "worksheets/channels.py"
    icon = ":material/campaign:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        plan = load(store, campaign.id)
        if not plan.entries:
            return Progress(Status.not_started, "No channel yet.",
                            "Plan the channels: which media reach the primary audience, and why.")
        problems = [w for w in warnings(plan, known_audiences(store, campaign.id))
                    if w.kind in ("primary_without_channel", "no_evidence", "no_audience", "unknown_audience")]
        n = len(plan.entries)
        detail = f"{n} channel{'s' if n != 1 else ''}"
        if problems:
            return Progress(Status.in_progress, f"{detail}; {len(problems)} to look at.", problems[0].message)
        return Progress(Status.done, f"{detail}, each with evidence; the primary audience is reached.")

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        if session.kind not in REPORTED_SESSIONS:
            return False
        plan = load(store, campaign.id)
        if not plan.entries:
            return False
        audiences = known_audiences(store, campaign.id)
        writer.heading("Channels and distribution", 1)
        writer.table(["Channel", "Audiences", "Why (evidence)", "Timing"],
                     [[e.label, ", ".join(_names(e, audiences)) or "–", e.evidence or "–", e.timing or "–"]
                      for e in plan.entries], widths_cm=[4.2, 3.8, 6.0, 2.6])
        return True


def _names(entry: ChannelEntry, audiences: Sequence[AudienceOption]) -> list[str]:
    names = []
    for ref in entry.audiences:
        option = resolve(ref, audiences)
        names.append(option.name if option is not None else ref.name)
    return names


audience_names = _names

register(ChannelsWorksheet())

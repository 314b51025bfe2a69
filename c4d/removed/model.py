"""What was removed today and can be put back: the vocabulary of the 'Recently removed' list.

Every removal command (a decision, a participant, a material, an objective, a channel, a
framework entry, an audience, an influence, a stakeholder, a pre-test decision) records,
in the transaction that removes it, a `Removed`: what it was (`kind`), its name in the
facilitator's own words (`label`), and everything needed to put it back exactly (`record`:
the item as saved, its place in its list and whatever went with it). The list holds the
removals of the workshop day (the laptop's calendar day); older ones are forgotten.

Removed items are not part of a campaign backup: a backup holds the campaign as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timezone
from enum import Enum
from typing import Any

from pydantic import Field

from c4d.audience.model import Audience, FrameworkEntry, Influence, Stakeholder
from c4d.models import Decision, Model, Participant, UtcDatetime, new_id, utcnow
from c4d.pretest.model import Material, MaterialDecision
from c4d.strategy.model import ChannelEntry, Objective
from c4d.text import clip

LABEL_MAX = 300


class RemovedKind(str, Enum):
    decision = "decision"
    participant = "participant"
    material = "material"
    pretest_decision = "pretest_decision"
    objective = "objective"
    channel = "channel"
    entry = "entry"
    audience = "audience"
    influence = "influence"
    stakeholder = "stakeholder"

    @property
    def noun(self) -> str:
        """How a sentence names one: 'Remove the <noun> ...'."""
        return _NOUNS[self]


_NOUNS = {
    RemovedKind.decision: "decision",
    RemovedKind.participant: "participant",
    RemovedKind.material: "material",
    RemovedKind.pretest_decision: "pre-test decision",
    RemovedKind.objective: "objective",
    RemovedKind.channel: "channel",
    RemovedKind.entry: "framework entry",
    RemovedKind.audience: "audience",
    RemovedKind.influence: "influence",
    RemovedKind.stakeholder: "stakeholder",
}

Removable = (Decision | Participant | Material | MaterialDecision | Objective | ChannelEntry | FrameworkEntry
             | Audience | Influence | Stakeholder)


def kind_of(item: Removable) -> RemovedKind:
    for model, kind in _KINDS:
        if isinstance(item, model):
            return kind
    raise TypeError(f"{type(item).__name__} cannot be removed and restored")


_KINDS: tuple[tuple[type, RemovedKind], ...] = (
    (Decision, RemovedKind.decision), (Participant, RemovedKind.participant), (Material, RemovedKind.material),
    (MaterialDecision, RemovedKind.pretest_decision), (Objective, RemovedKind.objective),
    (ChannelEntry, RemovedKind.channel), (FrameworkEntry, RemovedKind.entry), (Audience, RemovedKind.audience),
    (Influence, RemovedKind.influence), (Stakeholder, RemovedKind.stakeholder),
)


def name_of(item: Removable) -> str:
    """The item in the facilitator's words: 'Primary target group — Young women 18–27'."""
    if isinstance(item, Decision):
        return f"{item.topic.label} — {item.choice}"
    if isinstance(item, Participant):
        return f"{item.name} ({item.organisation})" if item.name else item.organisation
    if isinstance(item, Material):
        return item.name
    if isinstance(item, MaterialDecision):
        return f"{item.material} — {item.decision.label}"
    if isinstance(item, Objective):
        return item.title
    if isinstance(item, ChannelEntry):
        return item.label
    if isinstance(item, FrameworkEntry):
        return item.who
    if isinstance(item, Audience):
        return f"{item.role.label} — {item.name}"
    if isinstance(item, Influence):
        return f"{item.level.label} — {item.who_or_what}"
    if isinstance(item, Stakeholder):
        return item.organisation
    raise TypeError(f"{type(item).__name__} cannot be removed and restored")


def question(item: Removable) -> str:
    """The confirmation: "Remove the decision 'Primary target group — Young women 18–27'?"."""
    return f"Remove the {kind_of(item).noun} '{clip(name_of(item), 120)}'?"


def removed_note(item: Removable) -> str:
    """What the page says once it is gone, and how to bring it back."""
    return (f"Removed the {kind_of(item).noun} '{clip(name_of(item), 120)}'. "
            "Restore it today from 'Recently removed' on this page.")


class Removed(Model):
    """One removal of today, with what it takes to put the item back exactly."""

    id: str = Field(default_factory=new_id)
    campaign_id: str
    kind: RemovedKind
    label: str = Field(max_length=LABEL_MAX)  # "Decision: Primary target group — Young women 18–27"
    record: dict[str, Any]  # {"item": the item as saved, ...where it was, what went with it}
    removed_at: UtcDatetime = Field(default_factory=utcnow)

    @classmethod
    def of(cls, campaign_id: str, item: Removable, **where: Any) -> "Removed":
        """The removal of `item`; `where` holds its place and what went with it (JSON)."""
        kind = kind_of(item)
        label = clip(f"{kind.noun[0].upper()}{kind.noun[1:]}: {name_of(item)}", LABEL_MAX)
        return cls(campaign_id=campaign_id, kind=kind, label=label,
                   record={"item": item.model_dump(mode="json"), **where})

    @property
    def item(self) -> dict[str, Any]:
        return dict(self.record["item"])


def day_start(now: datetime | None = None) -> datetime:
    """The start of the workshop day `now` falls in (the laptop's calendar day), in UTC:
    the list holds the removals made since then."""
    local = (now or utcnow()).astimezone()
    return datetime.combine(local.date(), time()).astimezone(timezone.utc)  # a naive time is the laptop's


def is_today(removed: Removed, now: datetime | None = None) -> bool:
    return removed.removed_at >= day_start(now)

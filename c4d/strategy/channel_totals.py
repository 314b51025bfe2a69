"""What the channel plan adds up to: cost and expected reach by channel, by audience and
for the whole plan, written as a person reads them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from c4d.strategy.model import AudienceOption, ChannelEntry, ChannelKind, ChannelPlan, resolve
from c4d.text import number


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
        totals[audience_key(option.id, option.name)] = Total(option.name)
    for entry in plan.entries:
        for ref in entry.audiences:
            found = resolve(ref, audiences)
            key = audience_key(found.id, found.name) if found is not None else audience_key(None, ref.name)
            totals.setdefault(key, Total(found.name if found is not None else ref.name)).add(entry)
    return list(totals.values())


def grand_total(plan: ChannelPlan) -> Total:
    total = Total("All channels")
    for entry in plan.entries:
        total.add(entry)
    return total


def audience_key(audience_id: str | None, name: str) -> str:
    """One audience, by its id in the audience analysis, else by its name."""
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

"""What a facilitator should look at in the channel plan: a primary audience with no
channel, a channel with no evidence, an entry that names no audience (or one that is not
in the audience analysis); and the line of the audience profile that can serve as a
channel's evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from c4d.strategy.channel_totals import audience_key
from c4d.strategy.model import PROFILE_WORDS, AudienceOption, ChannelKind, ChannelPlan, resolve

if TYPE_CHECKING:
    from c4d.audience.model import AudienceProfile


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
                reached.add(audience_key(option.id, option.name))
            elif audiences:
                found.append(ChannelWarning(
                    "unknown_audience", f"'{entry.label}' names '{ref.name}', which is not an audience of the "
                                        f"audience analysis.",
                    "Choose one of the campaign's audiences for this channel.", entry.id))
    for option in audiences:
        if audience_key(option.id, option.name) in reached:
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

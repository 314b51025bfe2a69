"""The idea board: short ideas sent from phones (e.g. candidate target groups), which the
facilitator tidies — merges duplicates, edits wording — and promotes into ballot options."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field

from c4d.models import Model, new_id, required_text, same_name, utcnow
from c4d.voting import Ballot, BallotOption, BallotStatus, VotingError

IDEA_MAX = 280


class IdeaStatus(str, Enum):
    new = "new"
    merged = "merged"      # folded into another idea; its supporters count there
    promoted = "promoted"  # became an option on a ballot
    hidden = "hidden"      # off-topic or abusive; kept for the record, not shown


class Idea(Model):
    id: str = Field(default_factory=new_id)
    campaign_id: str
    session_id: str
    text: required_text(IDEA_MAX)  # type: ignore[valid-type]
    voter_key: str = Field(default="", max_length=200)
    status: IdeaStatus = IdeaStatus.new
    merged_into: str | None = None
    ballot_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


def visible(ideas: list[Idea]) -> list[Idea]:
    """Ideas still on the board (new or promoted), with duplicates merged away."""
    return [i for i in ideas if i.status in (IdeaStatus.new, IdeaStatus.promoted)]


def support(ideas: list[Idea]) -> dict[str, int]:
    """How many submissions stand behind each visible idea (itself plus merged ones)."""
    by_id = {i.id: i for i in ideas}
    counts = {i.id: 1 for i in visible(ideas)}
    for idea in ideas:
        target, seen = idea, set()
        while target.status is IdeaStatus.merged and target.merged_into in by_id and target.id not in seen:
            seen.add(target.id)
            target = by_id[target.merged_into]
        if idea.status is IdeaStatus.merged and target.id in counts:
            counts[target.id] += 1
    return counts


def merge(ideas: list[Idea], keep: Idea, others: list[Idea]) -> list[Idea]:
    """Fold `others` into `keep`; returns the ideas that changed."""
    if any(o.id == keep.id for o in others):
        raise VotingError("An idea cannot be merged into itself.")
    changed = []
    for other in others:
        changed.append(other.model_copy(update={"status": IdeaStatus.merged, "merged_into": keep.id}))
        for earlier in ideas:  # ideas merged into `other` now point at `keep`
            if earlier.merged_into == other.id:
                changed.append(earlier.model_copy(update={"merged_into": keep.id}))
    return changed


def likely_duplicates(ideas: list[Idea]) -> list[list[Idea]]:
    """Groups of visible ideas that differ only by case or spacing."""
    groups: list[list[Idea]] = []
    for idea in visible(ideas):
        for group in groups:
            if same_name(group[0].text, idea.text):
                group.append(idea)
                break
        else:
            groups.append([idea])
    return [g for g in groups if len(g) > 1]


def promote(ideas: list[Idea], chosen: list[Idea], ballot: Ballot) -> tuple[Ballot, list[Idea]]:
    """Add the chosen ideas to a draft ballot as options (skipping ones already there)."""
    if ballot.status is not BallotStatus.draft:
        raise VotingError("Ideas can only be added to a ballot that is still a draft.")
    options = list(ballot.options)
    changed = []
    for idea in chosen:
        if not any(same_name(o.label, idea.text) for o in options):
            options.append(BallotOption(label=idea.text))
        changed.append(idea.model_copy(update={"status": IdeaStatus.promoted, "ballot_id": ballot.id}))
    updated = Ballot.model_validate(ballot.model_dump() | {"options": [o.model_dump() for o in options]})
    return updated, changed

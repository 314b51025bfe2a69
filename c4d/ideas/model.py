"""The idea board: short ideas sent from phones (e.g. candidate target groups), which the
facilitator tidies — merges duplicates, edits wording — and promotes into ballot options."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import Enum

from pydantic import Field

from c4d.models import NAME_MAX, Model, new_id, required_text, utcnow
from c4d.voting.model import Ballot, BallotOption, BallotStatus, VotingError
from c4d.text import plural

# What a phone may send and what a facilitator's wording may be: the longest label a ballot
# option may have (BallotOption.label is a RequiredName), so putting an idea on a ballot
# never fails on length.
IDEA_MAX = NAME_MAX
# Ideas sent while phones allowed 280 characters are still read back (from the database
# and from backups); they are shortened (`too_long_for_ballot`) before going on a ballot.
STORED_IDEA_MAX = 280

PROMPT_EXAMPLES = (
    "Which groups are most at risk of trafficking here?",
    "Where do people first hear about jobs in the city or abroad?",
    "Which media does the target group use every day?",
)


class IdeaStatus(str, Enum):
    new = "new"
    merged = "merged"      # folded into another idea; its supporters count there
    promoted = "promoted"  # became an option on a ballot
    hidden = "hidden"      # off-topic or abusive; kept for the record, not shown


class Idea(Model):
    id: str = Field(default_factory=new_id)
    campaign_id: str
    session_id: str
    text: required_text(STORED_IDEA_MAX)  # type: ignore[valid-type]
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


def board_rows(ideas: list[Idea], ballots: dict[str, Ballot] | None = None) -> list[dict]:
    """The board as the facilitator sees it (and the report and the exports list it): most
    supported first, then oldest first."""
    counts = support(ideas)
    ballots = ballots or {}
    rows = []
    for idea in sorted(visible(ideas), key=lambda i: (-counts.get(i.id, 1), i.created_at, i.id)):
        where = ""
        if idea.status is IdeaStatus.promoted:
            ballot = ballots.get(idea.ballot_id or "")
            where = f"On the ballot '{ballot.question}'" if ballot else "Put on a ballot"
        rows.append({"id": idea.id, "Idea": idea.text, "Support": counts.get(idea.id, 1),
                     "Status": where or "On the board"})
    return rows


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


def too_long_for_ballot(idea: Idea) -> bool:
    """An idea stored before phones were held to the ballot's limit, longer than an option
    may be: its wording must be shortened before it goes on a ballot."""
    return len(idea.text) > IDEA_MAX


def shortened(text: str, limit: int = IDEA_MAX) -> str:
    """A first cut of `text` that fits in `limit` characters, ended at a word where one is
    near, for the facilitator to correct (never saved without them seeing it)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") or text[:limit]


_APOSTROPHES = "'’ʼ`´"


def idea_key(text: str) -> str:
    """The form under which two ideas are compared: case, spacing and punctuation do not
    count ("Young women from Rural areas!" is "young women from rural areas"). Letters and
    digits of every script are kept (Mongolian Cyrillic "Малчид" stays "малчид"); an idea
    of punctuation only is compared as typed, so "???" and "!!!" are not the same idea."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = "".join("" if ch in _APOSTROPHES else " " if unicodedata.category(ch).startswith("P") else ch
                    for ch in folded)
    key = re.sub(r"\s+", " ", unicodedata.normalize("NFC", words)).strip()
    return key or re.sub(r"\s+", " ", folded).strip()


def same_idea(a: str, b: str) -> bool:
    return idea_key(a) == idea_key(b)


def likely_duplicates(ideas: list[Idea]) -> list[list[Idea]]:
    """Groups of visible ideas that differ only by case, spacing or punctuation, oldest
    first within a group, groups in the order of their first idea."""
    groups: dict[str, list[Idea]] = {}
    for idea in visible(ideas):
        groups.setdefault(idea_key(idea.text), []).append(idea)
    return [g for g in groups.values() if len(g) > 1]


def on_board_count(ideas: list[Idea]) -> int:
    """How many ideas the board shows: not merged into another, not hidden."""
    return len(visible(ideas))


def promote(ideas: list[Idea], chosen: list[Idea], ballot: Ballot) -> tuple[Ballot, list[Idea]]:
    """Add the chosen ideas to a draft ballot as options (skipping ones already there, even
    if written with other case or punctuation). An idea longer than an option may be is
    refused before anything changes, with the wording to shorten named."""
    if ballot.status is not BallotStatus.draft:
        raise VotingError("Ideas can only be added to a ballot that is still a draft.")
    too_long = [i for i in chosen if too_long_for_ballot(i)]
    if too_long:
        first = too_long[0]
        raise VotingError(f"Shorten the wording of '{shortened(first.text, 60)}…' ({len(first.text)} characters) "
                          f"to at most {IDEA_MAX} characters, the longest a ballot option can be, "
                          "before putting it on a ballot."
                          + (f" {plural(len(too_long) - 1, 'more chosen idea is', 'more chosen ideas are')} too long as well."
                             if len(too_long) > 1 else ""))
    options = list(ballot.options)
    changed = []
    for idea in chosen:
        if not any(same_idea(o.label, idea.text) for o in options):
            options.append(BallotOption(label=idea.text))
        changed.append(idea.model_copy(update={"status": IdeaStatus.promoted, "ballot_id": ballot.id}))
    updated = Ballot.model_validate(ballot.model_dump() | {"options": [o.model_dump() for o in options]})
    return updated, changed

"""Ballots, votes and results: the vocabulary of the PPCD's priority votes.

Pure domain: no Streamlit, no HTTP, no database. The participant routes, the
facilitator's pages, the projector and the exports all use these models, so a ballot
means the same everywhere. The tool's other modules:

- `c4d.voting.templates` — the four PPCD decisions as ballots to start from;
- `c4d.voting.lifecycle` — draft → open → closed (with reopen), reveal, edit, runoff, as
  pure functions that return a new `Ballot`;
- `c4d.voting.counting` — `count` → `Result`, per method, and the result in one sentence;
- `c4d.voting.results` — what is done with a result: tables, turnout against the people
  who could vote, results by group, the campaign decision it settles;
- `c4d.voting.pictures` — a result as bars (page, projector, report);
- `c4d.voting.cards` — voter cards: the printable sheet and when they may be required;
- `c4d.voting.commands` — every write the pages make, each in one transaction;
- `c4d.voting.worksheet` — progress, next action and the report section.

The pieces here, in the order a facilitator meets them:

- `Ballot` — a question with options, a `VotingMethod`, and a status
  (draft → open → closed, with reopen). `readiness_problems` says what stops a draft
  from being opened.
- `Vote` — one participant's answer, keyed by an opaque `voter_key` (a hash of the
  phone's token, or the code on a printed card). `validate_vote` says, in plain words,
  what is wrong with a vote before it is stored. A later vote with the same key
  replaces an earlier one (`latest_votes`).
- `HandCount` — the counts a facilitator types in after a show of hands.
- `Result` — rows best first, winners, ties, turnout, and the details of each method
  (Borda points, instant-runoff rounds, criteria means and weighted totals).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from c4d.models import DecisionTopic, Model, RequiredName, name_key, new_id, utcnow
from c4d.text import plural

MIN_OPTIONS = 2
MAX_OPTIONS = 30
MAX_CRITERIA = 10
MAX_DOTS = 100
SCORE_MIN = 1
SCORE_MAX = 5

OptionId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class VotingError(ValueError):
    """A ballot or vote that breaks a voting rule; the message is meant to be shown."""


# --------------------------------------------------------------------------- methods


class VotingMethod(str, Enum):
    single = "single"
    multiple = "multiple"
    dots = "dots"
    ranking_borda = "ranking_borda"
    ranking_irv = "ranking_irv"
    matrix = "matrix"

    @property
    def label(self) -> str:
        return METHOD_LABELS[self]

    @property
    def explanation(self) -> str:
        return METHOD_EXPLANATIONS[self]

    @property
    def is_ranking(self) -> bool:
        return self in (VotingMethod.ranking_borda, VotingMethod.ranking_irv)


METHOD_LABELS = {
    VotingMethod.single: "Single choice",
    VotingMethod.multiple: "Multiple choice",
    VotingMethod.dots: "Dot voting",
    VotingMethod.ranking_borda: "Ranking (Borda count)",
    VotingMethod.ranking_irv: "Ranking (instant runoff)",
    VotingMethod.matrix: "Criteria scoring matrix",
}

METHOD_EXPLANATIONS = {
    VotingMethod.single: "Everyone picks one option; the option picked most often wins.",
    VotingMethod.multiple: (
        "Everyone ticks every option they can support, up to a set number; "
        "the option ticked by the most people comes first."
    ),
    VotingMethod.dots: (
        "Everyone spreads a set number of dots over the options, like stickers on a "
        "flipchart; the option with the most dots comes first."
    ),
    VotingMethod.ranking_borda: (
        "Everyone puts all the options in order; higher places earn more points and the "
        "most points wins, which favours options the whole room can live with."
    ),
    VotingMethod.ranking_irv: (
        "Everyone orders the options they care about; the weakest option drops out round "
        "by round and its votes move to the next choice until one option has a majority."
    ),
    VotingMethod.matrix: (
        "Everyone scores each option from 1 to 5 on each criterion; the weighted "
        "average gives every option a score out of 100."
    ),
}


# The settings each method uses, beside its options: the ballot page offers only these, and
# every other setting leaves the method's ballot, its checks and its count unchanged.
METHOD_SETTINGS: dict[VotingMethod, tuple[str, ...]] = {
    VotingMethod.single: (),
    VotingMethod.multiple: ("max_choices",),
    VotingMethod.dots: ("dots", "allow_stacking"),
    VotingMethod.ranking_borda: (),
    VotingMethod.ranking_irv: (),
    VotingMethod.matrix: ("criteria",),
}

# Methods whose show of hands asks how many people took part: a person may raise a hand
# (or place a dot) for several options. Elsewhere each hand is a person's one choice (a
# ranking or a matrix is counted by favourites), so the hands are the turnout.
HAND_COUNT_PEOPLE = frozenset({VotingMethod.multiple, VotingMethod.dots})


class BallotStatus(str, Enum):
    draft = "draft"
    open = "open"
    closed = "closed"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "open": "Open for voting", "closed": "Closed"}[self.value]


# --------------------------------------------------------------------------- ballot


class BallotOption(Model):
    id: OptionId = Field(default_factory=new_id)
    label: RequiredName


class Criterion(Model):
    id: OptionId = Field(default_factory=new_id)
    label: RequiredName
    weight: float = Field(default=1.0, gt=0, le=100)


def _duplicate_problem(items: list[Any], noun: str) -> str | None:
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        return f"two {noun}s share the same id"
    seen: dict[str, Any] = {}
    for item in items:
        key = name_key(item.label)
        if key in seen:
            return f"'{seen[key].label}' and '{item.label}' are the same {noun}; keep only one"
        seen[key] = item
    return None


class Ballot(Model):
    id: str = Field(default_factory=new_id)
    campaign_id: str
    session_id: str
    question: RequiredName
    method: VotingMethod = VotingMethod.single
    options: list[BallotOption] = Field(default_factory=list)
    max_choices: int | None = Field(default=None, ge=1, le=MAX_OPTIONS)
    dots: int | None = Field(default=None, ge=1, le=MAX_DOTS)
    allow_stacking: bool = True
    criteria: list[Criterion] = Field(default_factory=list)
    status: BallotStatus = BallotStatus.draft
    results_revealed: bool = False
    hide_live_results: bool = False
    show_of_hands: bool = False
    topic: DecisionTopic | None = None
    template: str | None = None
    runoff_of: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    opened_at: datetime | None = None
    closed_at: datetime | None = None

    @field_validator("options")
    @classmethod
    def _options_fit(cls, options: list[BallotOption]) -> list[BallotOption]:
        if len(options) > MAX_OPTIONS:
            raise ValueError(
                f"a ballot has at most {MAX_OPTIONS} options; merge similar ones or vote in two rounds"
            )
        problem = _duplicate_problem(options, "option")
        if problem:
            raise ValueError(problem)
        return options

    @field_validator("criteria")
    @classmethod
    def _criteria_fit(cls, criteria: list[Criterion]) -> list[Criterion]:
        if len(criteria) > MAX_CRITERIA:
            raise ValueError(f"a scoring matrix has at most {MAX_CRITERIA} criteria")
        problem = _duplicate_problem(criteria, "criterion")
        if problem:
            raise ValueError(problem)
        return criteria

    @model_validator(mode="after")
    def _ready_unless_draft(self) -> "Ballot":
        if self.status is not BallotStatus.draft:
            problems = readiness_problems(self)
            if problems:
                raise ValueError("; ".join(problems))
        return self

    # ---- helpers

    def option(self, option_id: str) -> BallotOption:
        for option in self.options:
            if option.id == option_id:
                return option
        raise VotingError("That option is not on this ballot.")

    def option_label(self, option_id: str) -> str:
        return self.option(option_id).label

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    @property
    def choice_limit(self) -> int:
        """How many options a voter may tick (multiple choice) — 1 for single choice."""
        if self.method is VotingMethod.multiple:
            return self.max_choices or len(self.options)
        return 1

    def instructions(self) -> str:
        """One line telling a participant what to do on this ballot."""
        n = len(self.options)
        if self.method is VotingMethod.single:
            return "Choose one option."
        if self.method is VotingMethod.multiple:
            k = self.choice_limit
            return "Choose one option." if k == 1 else f"Choose up to {k} options."
        if self.method is VotingMethod.dots:
            d = self.dots or 0
            unit = "dot" if d == 1 else "dots"
            rule = "several on one option if you like" if self.allow_stacking else "at most one per option"
            return f"Place up to {d} {unit} ({rule})."
        if self.method is VotingMethod.ranking_borda:
            return f"Put all {plural(n, 'option')} in order, your favourite first."
        if self.method is VotingMethod.ranking_irv:
            return "Put the options you support in order, your favourite first; leave out any you would never choose."
        return f"Score each option from {SCORE_MIN} (low) to {SCORE_MAX} (high) on each criterion."


def readiness_problems(ballot: Ballot) -> list[str]:
    """What stops this ballot from being opened, in the facilitator's words (empty = ready)."""
    problems: list[str] = []
    n = len(ballot.options)
    if n < MIN_OPTIONS:
        problems.append(f"add at least {MIN_OPTIONS} options (the ballot has {n})")
    if ballot.method is VotingMethod.multiple:
        if ballot.max_choices is None:
            problems.append("say how many options each person may choose")
        elif n >= MIN_OPTIONS and ballot.max_choices > n:
            problems.append(
                f"each person may choose up to {ballot.max_choices} options, but there are only {n}"
            )
    if ballot.method is VotingMethod.dots:
        if ballot.dots is None:
            problems.append("say how many dots each person gets")
        elif not ballot.allow_stacking and n >= MIN_OPTIONS and ballot.dots > n:
            problems.append(
                f"with one dot per option at most, {ballot.dots} dots cannot all be placed on "
                f"{n} options; give fewer dots or allow several dots on one option"
            )
    if ballot.method is VotingMethod.matrix and not ballot.criteria:
        problems.append("add at least one criterion to score the options on")
    return problems


# --------------------------------------------------------------------------- votes


def _precise_now() -> datetime:
    return datetime.now(timezone.utc)


class Vote(Model):
    id: str = Field(default_factory=new_id)
    ballot_id: str
    voter_key: str = Field(min_length=1, max_length=200)
    participant_id: str | None = None
    selections: list[OptionId] = Field(default_factory=list, max_length=MAX_OPTIONS)
    dots: dict[OptionId, int] = Field(default_factory=dict, max_length=MAX_OPTIONS)
    ranking: list[OptionId] = Field(default_factory=list, max_length=MAX_OPTIONS)
    scores: dict[OptionId, dict[OptionId, int]] = Field(default_factory=dict, max_length=MAX_OPTIONS)
    cast_at: datetime = Field(default_factory=_precise_now)

    @field_validator("dots")
    @classmethod
    def _dot_counts(cls, dots: dict[str, int]) -> dict[str, int]:
        if any(n < 0 for n in dots.values()):
            raise ValueError("a number of dots cannot be negative")
        if any(n > MAX_DOTS for n in dots.values()):
            raise ValueError(f"at most {MAX_DOTS} dots on one option")
        return {option: n for option, n in dots.items() if n}

    @field_validator("cast_at")
    @classmethod
    def _aware(cls, moment: datetime) -> datetime:
        """A time read back without a zone (as SQLite returns it) is UTC."""
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    @field_validator("scores")
    @classmethod
    def _score_rows(cls, scores: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        if any(len(row) > MAX_CRITERIA for row in scores.values()):
            raise ValueError(f"at most {MAX_CRITERIA} criteria per option")
        return scores


_PAYLOAD_WORDS = {
    "selections": "a choice of options",
    "dots": "dots",
    "ranking": "a ranking",
    "scores": "scores",
}


def _payload_field(method: VotingMethod) -> str:
    if method in (VotingMethod.single, VotingMethod.multiple):
        return "selections"
    if method is VotingMethod.dots:
        return "dots"
    if method.is_ranking:
        return "ranking"
    return "scores"


def _check_known(ballot: Ballot, option_ids: Iterable[str]) -> None:
    known = set(ballot.option_ids)
    if any(option_id not in known for option_id in option_ids):
        raise VotingError("The vote names an option that is not on this ballot.")


def validate_vote(ballot: Ballot, vote: Vote, *, require_open: bool = True) -> Vote:
    """Check a vote against its ballot; raise `VotingError` saying what is wrong.

    With `require_open` (the default, for a vote arriving now) the ballot must be open;
    counting re-checks stored votes without it."""
    if vote.ballot_id != ballot.id:
        raise VotingError("This vote belongs to a different ballot.")
    if require_open and ballot.status is not BallotStatus.open:
        if ballot.status is BallotStatus.draft:
            raise VotingError("Voting on this question has not started yet.")
        raise VotingError("Voting on this question is closed; your vote was not counted.")

    expected = _payload_field(ballot.method)
    for name in _PAYLOAD_WORDS:
        if name != expected and getattr(vote, name):
            raise VotingError(
                f"This ballot asks for {_PAYLOAD_WORDS[expected]}, not {_PAYLOAD_WORDS[name]}."
            )

    method = ballot.method
    if method in (VotingMethod.single, VotingMethod.multiple):
        chosen = vote.selections
        if not chosen:
            raise VotingError("Choose an option before sending your vote.")
        if len(set(chosen)) != len(chosen):
            raise VotingError("The same option was chosen twice.")
        _check_known(ballot, chosen)
        limit = ballot.choice_limit
        if len(chosen) > limit:
            raise VotingError(
                "Choose only one option." if limit == 1 else f"Choose at most {limit} options (you chose {len(chosen)})."
            )
    elif method is VotingMethod.dots:
        placed = sum(vote.dots.values())
        if placed == 0:
            raise VotingError("Place at least one dot before sending your vote.")
        _check_known(ballot, vote.dots)
        allowed = ballot.dots or 0
        if placed > allowed:
            raise VotingError(f"You have {plural(allowed, 'dot')} but placed {placed}.")
        if not ballot.allow_stacking and any(n > 1 for n in vote.dots.values()):
            raise VotingError("Put at most one dot on each option.")
    elif method.is_ranking:
        ranking = vote.ranking
        if not ranking:
            raise VotingError("Rank at least one option before sending your vote.")
        if len(set(ranking)) != len(ranking):
            raise VotingError("An option appears twice in the ranking; give each option one place.")
        _check_known(ballot, ranking)
        if method is VotingMethod.ranking_borda and len(ranking) != len(ballot.options):
            raise VotingError(
                f"Put all {len(ballot.options)} options in order (you ranked {len(ranking)})."
            )
    else:
        _check_known(ballot, vote.scores)
        criteria = {c.id: c.label for c in ballot.criteria}
        if any(set(row) - set(criteria) for row in vote.scores.values()):
            raise VotingError("The vote scores a criterion that is not on this ballot.")
        # A score out of range is named before any gap, so a 6 is never taken for a missing score.
        for option in ballot.options:
            for criterion_id, score in vote.scores.get(option.id, {}).items():
                if not SCORE_MIN <= score <= SCORE_MAX:
                    raise VotingError(
                        f"Scores run from {SCORE_MIN} to {SCORE_MAX}; '{option.label}' has {score} "
                        f"for '{criteria[criterion_id]}'.")
        for option in ballot.options:
            if set(criteria) - set(vote.scores.get(option.id, {})):
                raise VotingError(f"Score '{option.label}' on every criterion.")
    return vote


def latest_votes(votes: Iterable[Vote]) -> list[Vote]:
    """One vote per voter key: the latest (by `cast_at`, then id), in a stable order."""
    latest: dict[str, Vote] = {}
    for vote in votes:
        held = latest.get(vote.voter_key)
        if held is None or (vote.cast_at, vote.id) > (held.cast_at, held.id):
            latest[vote.voter_key] = vote
    return [latest[key] for key in sorted(latest)]


# --------------------------------------------------------------------------- hand counts


class HandCount(Model):
    """Counts typed by the facilitator after a show of hands (or of stickers on a flipchart
    for dot voting). For ranking and criteria ballots, count hands for each person's
    favourite: a show of hands can only give a plurality count."""

    id: str = Field(default_factory=new_id)
    ballot_id: str
    counts: dict[OptionId, int] = Field(default_factory=dict, max_length=MAX_OPTIONS)
    people: int | None = Field(default=None, ge=0, le=100_000)
    note: str = Field(default="", max_length=500)
    recorded_at: datetime = Field(default_factory=utcnow)

    @field_validator("counts")
    @classmethod
    def _non_negative(cls, counts: dict[str, int]) -> dict[str, int]:
        if any(n < 0 for n in counts.values()):
            raise ValueError("a count cannot be negative")
        if any(n > 100_000 for n in counts.values()):
            raise ValueError("that count is too large for a room")
        return counts


def validate_hand_count(ballot: Ballot, hands: HandCount) -> HandCount:
    if hands.ballot_id != ballot.id:
        raise VotingError("These counts belong to a different ballot.")
    _check_known(ballot, hands.counts)
    total = sum(hands.counts.values())
    people = hands.people
    method = ballot.method
    if method is VotingMethod.multiple and people is None:
        raise VotingError(
            "Say how many people took part: with several choices each, the counts alone do not tell."
        )
    if people is not None:
        if method is VotingMethod.multiple:
            if any(n > people for n in hands.counts.values()):
                raise VotingError(
                    f"An option has more hands than the {plural(people, 'person', 'people')} who took part.")
            if total > people * ballot.choice_limit:
                raise VotingError(
                    f"{plural(total, 'hand')} is more than {plural(people, 'person', 'people')} choosing "
                    f"up to {plural(ballot.choice_limit, 'option')} each."
                )
        elif method is VotingMethod.dots:
            if total > people * (ballot.dots or 0):
                raise VotingError(f"{plural(total, 'dot')} is more than {plural(people, 'person', 'people')} "
                                  f"with {plural(ballot.dots, 'dot')} each.")
        elif total > people:
            raise VotingError(f"{plural(total, 'hand')} is more than the {plural(people, 'person', 'people')} "
                              "who took part.")
    return hands


# --------------------------------------------------------------------------- results


Source = Literal["phones", "show of hands", "mixed"]


class ResultRow(Model):
    """One option's line in a result.

    `score` is what the rows are sorted by: votes (single, multiple, plurality), dots,
    Borda points, instant-runoff votes in the last round the option took part in, or the
    weighted total (criteria). `share` is 0–1: of voters (single, multiple), of dots, of
    Borda points, of the ballots still in play in that round (instant runoff), or the
    normalised score / 100 (criteria)."""

    option_id: str
    label: str
    score: float
    share: float = 0.0
    rank: int = 1
    votes: int | None = None
    first_prefs: int | None = None
    eliminated_in: int | None = None
    criterion_means: dict[str, float] = Field(default_factory=dict)
    normalised: float | None = None


class IrvRound(Model):
    number: int
    tallies: dict[str, int]  # continuing options, in ballot order
    continuing: int  # ballots still in play
    exhausted: int
    eliminated: list[str] = Field(default_factory=list)
    tie_break: str = ""


class Result(Model):
    ballot_id: str
    question: str
    method: VotingMethod
    source: Source = "phones"
    final: bool = False
    rows: list[ResultRow]
    winner_ids: list[str] = Field(default_factory=list)
    tie: bool = False
    tied_labels: list[str] = Field(default_factory=list)
    turnout: int | None = None  # distinct voters; None when a show of hands did not say
    total: float = 0.0  # votes, ticks, dots or Borda points cast; 0 for criteria scoring
    rounds: list[IrvRound] = Field(default_factory=list)
    tie_break_used: bool = False
    # Instant runoff: the options no count could separate (same votes, first preferences and
    # Borda points) when which of them is eliminated decides the winner. The count stops
    # there, and the options that could win are tied (`winner_ids`, `tied_labels`).
    inseparable_ids: list[str] = Field(default_factory=list)
    plurality_fallback: bool = False
    criteria: list[Criterion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def row(self, option_id: str) -> ResultRow:
        for row in self.rows:
            if row.option_id == option_id:
                return row
        raise KeyError(option_id)

    @property
    def winner_labels(self) -> list[str]:
        return [self.row(i).label for i in self.winner_ids]

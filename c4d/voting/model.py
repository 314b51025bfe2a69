"""Ballots, votes and counting for the PPCD's priority votes.

Pure domain: no Streamlit, no HTTP, no database. The participant routes, the
facilitator's pages, the projector and the exports all use these models and
functions, so a ballot is counted the same way everywhere.

The pieces, in the order a facilitator meets them:

- `Ballot` — a question with options, a `VotingMethod`, and a status
  (draft → open → closed, with reopen). `ballot_from_template` starts one of the four
  PPCD decisions; `open_ballot`, `close_ballot`, `reopen_ballot`, `reveal_results` and
  `hide_results` move it along and return a new `Ballot`.
- `Vote` — one participant's answer, keyed by an opaque `voter_key` (a hash of the
  phone's token, or the code on a printed card). `validate_vote` says, in plain words,
  what is wrong with a vote before it is stored. A later vote with the same key
  replaces an earlier one.
- `HandCount` — the counts a facilitator types in after a show of hands.
- `count` → `Result`: rows best first, winners, ties, turnout, and the details of each
  method (Borda points, instant-runoff rounds, criteria means and weighted totals).
  `describe_result` puts a result into one sentence (`result_parts` gives the same facts
  as data, for a page that words them itself); `runoff_ballot` turns a tie into a
  new ballot; `disaggregate` splits a result by sex and organisation type for the
  voters who chose to identify themselves; `decision_from_result` turns a result into
  the campaign `Decision` it settles.

Counting rules worth knowing (also in the method explanations):

- Only the latest vote of each voter key counts (latest by `cast_at`; two votes with
  the same key and the same time are ordered by their id, so the count never depends
  on the order the votes are handed over).
- Borda count needs a full ranking. With n options the first place earns n−1 points,
  the second n−2, … the last 0.
- Instant runoff accepts a partial ranking (at least one option). A ballot whose ranked
  options have all been eliminated is "exhausted" and no longer counts; a majority is
  more than half of the ballots still in play. Options with no votes in a round are
  eliminated together (nothing transfers, so this changes no outcome). When several
  options share the fewest votes, the one eliminated is the one with the fewest first
  preferences, then the fewest Borda points (from the rankings as cast; unranked
  options earn none) — and the result says that a tie-break was used. When even those
  counts cannot separate them, the count follows every way the elimination could go:
  if the same option(s) can win whichever goes, the one lowest on the ballot goes (and
  the round says the outcome is the same either way); if not, the count stops there
  and the options that could win are tied (`Result.inseparable_ids` names the options
  no count could separate). Ballot order never decides a winner. Two options left with
  equal votes are a tie as well. A tie is for the room to settle (for example with
  `runoff_ballot`), never a coin toss.
- Criteria scoring: each voter scores every option 1–5 on every criterion. For each
  option, the weighted total is Σ weight × mean score; the normalised score maps the
  weighted mean (1–5) onto 0–100.
- A show of hands can only count hands per option. For single, multiple choice and
  dots that is the method itself (dots are the stickers on the flipchart); for ranking
  and criteria ballots it is a plurality count of favourites, and the result says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from enum import Enum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from c4d.models import (
    Decision,
    DecisionTopic,
    Model,
    OrgType,
    RequiredName,
    Sex,
    TallyRow,
    friendly_errors,
    name_key,
    new_id,
    utcnow,
)

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

# How a decision records the method, e.g. "Vote (single choice)".
_DECISION_METHOD = {
    VotingMethod.single: "Vote (single choice)",
    VotingMethod.multiple: "Vote (multiple choice)",
    VotingMethod.dots: "Dot voting",
    VotingMethod.ranking_borda: "Ranking vote (Borda count)",
    VotingMethod.ranking_irv: "Ranking vote (instant runoff)",
    VotingMethod.matrix: "Criteria scoring (weighted)",
}


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
            return f"Put all {_plural(n, 'option')} in order, your favourite first."
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


# --------------------------------------------------------------------------- templates


class BallotTemplate(Model):
    key: str
    title: str
    topic: DecisionTopic
    question: str
    method: VotingMethod
    hint: str
    options: list[str]
    max_choices: int | None = None
    dots: int | None = None
    allow_stacking: bool = True
    criteria: list[tuple[str, float]] = Field(default_factory=list)


TEMPLATES: dict[str, BallotTemplate] = {
    t.key: t
    for t in [
        BallotTemplate(
            key="trend",
            title="Trafficking trend / type of exploitation",
            topic=DecisionTopic.trend,
            question="Which form of trafficking should the campaign focus on?",
            method=VotingMethod.matrix,
            hint=(
                "Score each trend on the evidence shared in the workshop; replace the examples "
                "with the trends the group identified."
            ),
            options=[
                "Sexual exploitation",
                "Forced labour in fishing or on boats",
                "Forced labour in factories or construction",
                "Domestic servitude",
                "Forced or fraudulent marriage",
                "Online sexual exploitation",
            ],
            criteria=[
                ("Magnitude: how many people are affected", 1.0),
                ("Severity of the harm", 1.0),
                ("Feasibility: a campaign can make a difference", 1.0),
                ("Gap: little existing prevention work", 1.0),
            ],
        ),
        BallotTemplate(
            key="primary_audience",
            title="Primary target group",
            topic=DecisionTopic.primary_audience,
            question="Whose behaviour should the campaign change or protect first?",
            method=VotingMethod.ranking_irv,
            hint=(
                "Name groups precisely (age, situation, place); instant runoff finds the group "
                "a majority can accept."
            ),
            options=[
                "Young women 18–27",
                "Students with seasonal or part-time jobs",
                "Recent migrants from rural areas to the city",
                "People planning to work abroad",
                "Employers and recruitment agencies",
            ],
        ),
        BallotTemplate(
            key="area",
            title="Area of dissemination",
            topic=DecisionTopic.area,
            question="Where should the campaign be rolled out?",
            method=VotingMethod.multiple,
            hint="Use real place names; raise the number of choices if the budget covers more areas.",
            options=[
                "The capital city",
                "A second city or regional hub",
                "Border towns",
                "Rural areas people migrate from",
                "Transit points (bus and train stations, border crossings)",
            ],
            max_choices=2,
        ),
        BallotTemplate(
            key="media",
            title="Type of media",
            topic=DecisionTopic.media,
            question="Which media will reach the target group best?",
            method=VotingMethod.dots,
            hint="Keep only channels the target group already uses; add local ones.",
            options=[
                "TV",
                "Radio",
                "Facebook",
                "TikTok",
                "YouTube",
                "Posters at transit points",
                "Community events",
            ],
            dots=3,
            allow_stacking=True,
        ),
    ]
}


def ballot_from_template(key: str, campaign_id: str, session_id: str) -> Ballot:
    """A draft ballot for one of the four PPCD decisions, with example options to edit."""
    template = TEMPLATES.get(key)
    if template is None:
        raise VotingError(f"There is no ballot template '{key}'. Choose one of: {', '.join(TEMPLATES)}.")
    return Ballot(
        campaign_id=campaign_id,
        session_id=session_id,
        question=template.question,
        method=template.method,
        options=[BallotOption(label=label) for label in template.options],
        max_choices=template.max_choices,
        dots=template.dots,
        allow_stacking=template.allow_stacking,
        criteria=[Criterion(label=label, weight=weight) for label, weight in template.criteria],
        topic=template.topic,
        template=template.key,
    )


# --------------------------------------------------------------------------- lifecycle


def _with(ballot: Ballot, **changes: Any) -> Ballot:
    data = ballot.model_dump()
    data.update(changes)
    try:
        return Ballot.model_validate(data)
    except ValidationError as error:
        raise VotingError("; ".join(friendly_errors(error))) from error


def open_ballot(ballot: Ballot, at: datetime | None = None) -> Ballot:
    """Draft → open. Refused, with every reason, when the ballot is not ready."""
    if ballot.status is BallotStatus.open:
        raise VotingError("This ballot is already open.")
    if ballot.status is BallotStatus.closed:
        raise VotingError("This ballot is closed; reopen it to take more votes.")
    problems = readiness_problems(ballot)
    if problems:
        raise VotingError("The ballot cannot be opened yet: " + "; ".join(problems) + ".")
    return _with(ballot, status=BallotStatus.open, opened_at=at or utcnow(), closed_at=None)


def close_ballot(ballot: Ballot, at: datetime | None = None) -> Ballot:
    """Open → closed. Votes arriving after this are refused."""
    if ballot.status is not BallotStatus.open:
        raise VotingError(
            "Only an open ballot can be closed; this one is "
            f"{'still a draft' if ballot.status is BallotStatus.draft else 'already closed'}."
        )
    return _with(ballot, status=BallotStatus.closed, closed_at=at or utcnow())


def reopen_ballot(ballot: Ballot, at: datetime | None = None) -> Ballot:
    """Closed → open, keeping the votes already cast. Results are hidden again from
    participants until the facilitator reveals them anew, so late voters are not swayed."""
    if ballot.status is not BallotStatus.closed:
        raise VotingError(
            "Only a closed ballot can be reopened; this one is "
            f"{'still a draft' if ballot.status is BallotStatus.draft else 'already open'}."
        )
    return _with(ballot, status=BallotStatus.open, results_revealed=False, opened_at=at or utcnow(),
                 closed_at=None)


def reveal_results(ballot: Ballot) -> Ballot:
    """Show the results to participants (and on the projector). Revealing twice is harmless."""
    if ballot.status is BallotStatus.draft:
        raise VotingError("There are no results to reveal: the ballot has not been opened.")
    return _with(ballot, results_revealed=True)


def hide_results(ballot: Ballot) -> Ballot:
    return _with(ballot, results_revealed=False)


# Fields that change what a vote means: editable only while the ballot is a draft.
_STRUCTURE = ("method", "max_choices", "dots", "allow_stacking")


def edit_ballot(ballot: Ballot, **changes: Any) -> Ballot:
    """Change a ballot. A draft can change freely. Once voting has started, only wording
    may change (the question, option and criterion labels) and the display switches;
    options, criteria, weights and the method are fixed so votes keep their meaning."""
    unknown = set(changes) - set(Ballot.model_fields)
    if unknown:
        raise VotingError(f"A ballot has no field {', '.join(sorted(unknown))}.")
    if "status" in changes or "results_revealed" in changes:
        raise VotingError("Use open, close, reopen or reveal to change a ballot's status.")
    candidate = _with(ballot, **changes)
    if ballot.status is not BallotStatus.draft:
        fixed = [f for f in _STRUCTURE if getattr(candidate, f) != getattr(ballot, f)]
        if candidate.option_ids != ballot.option_ids:
            fixed.append("options")
        if [(c.id, c.weight) for c in candidate.criteria] != [(c.id, c.weight) for c in ballot.criteria]:
            fixed.append("criteria")
        if fixed:
            raise VotingError(
                "Voting has started, so the " + ", ".join(f.replace("_", " ") for f in fixed)
                + " can no longer change; correct the wording only, or create a new ballot."
            )
    return candidate


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
            raise VotingError(f"You have {_plural(allowed, 'dot')} but placed {placed}.")
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


HAND_COUNT_NOTE = (
    "A show of hands can only count hands for each person's favourite, so this ranking or "
    "scoring ballot was counted as a single choice (plurality)."
)


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
                    f"An option has more hands than the {_plural(people, 'person', 'people')} who took part.")
            if total > people * ballot.choice_limit:
                raise VotingError(
                    f"{_plural(total, 'hand')} is more than {_plural(people, 'person', 'people')} choosing "
                    f"up to {_plural(ballot.choice_limit, 'option')} each."
                )
        elif method is VotingMethod.dots:
            if total > people * (ballot.dots or 0):
                raise VotingError(f"{_plural(total, 'dot')} is more than {_plural(people, 'person', 'people')} "
                                  f"with {_plural(ballot.dots, 'dot')} each.")
        elif total > people:
            raise VotingError(f"{_plural(total, 'hand')} is more than the {_plural(people, 'person', 'people')} "
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


def _key(score: float) -> float:
    """Scores compared for ties. Every score is an exact count or an exactly computed
    fraction, so equal scores are equal floats."""
    return score


def _rank(rows: list[ResultRow]) -> None:
    """Competition ranking (1, 1, 3) over rows already in order."""
    for i, row in enumerate(rows):
        if i and _key(row.score) == _key(rows[i - 1].score):
            row.rank = rows[i - 1].rank
        else:
            row.rank = i + 1


def _finish(ballot: Ballot, rows: list[ResultRow], **fields: Any) -> Result:
    """Sort best first (ties keep ballot order), rank, and name the winners."""
    order = {option_id: i for i, option_id in enumerate(ballot.option_ids)}
    rows = sorted(rows, key=lambda r: (-_key(r.score), order[r.option_id]))
    _rank(rows)
    winners = [r for r in rows if r.rank == 1 and r.score > 0]
    return _result(ballot, rows, [r.option_id for r in winners], **fields)


def _result(ballot: Ballot, rows: list[ResultRow], winner_ids: list[str], **fields: Any) -> Result:
    labels = {r.option_id: r.label for r in rows}
    tie = len(winner_ids) > 1
    return Result(
        ballot_id=ballot.id,
        question=ballot.question,
        method=ballot.method,
        final=ballot.status is not BallotStatus.open,
        rows=rows,
        winner_ids=winner_ids,
        tie=tie,
        tied_labels=[labels[i] for i in winner_ids] if tie else [],
        **fields,
    )


def _tally_rows(ballot: Ballot, tallies: Mapping[str, int], share_of: int | None) -> list[ResultRow]:
    return [
        ResultRow(
            option_id=o.id,
            label=o.label,
            score=tallies.get(o.id, 0),
            votes=tallies.get(o.id, 0),
            share=(tallies.get(o.id, 0) / share_of) if share_of else 0.0,
        )
        for o in ballot.options
    ]


def _count_selections(ballot: Ballot, votes: list[Vote], hands: HandCount | None) -> Result:
    tallies = {o: 0 for o in ballot.option_ids}
    for vote in votes:
        for option_id in vote.selections:
            tallies[option_id] += 1
    if hands:
        for option_id, n in hands.counts.items():
            tallies[option_id] += n
    if ballot.method is VotingMethod.single:
        turnout: int | None = len(votes) + (sum(hands.counts.values()) if hands else 0)
    else:
        turnout = len(votes) + (hands.people or 0 if hands else 0)
    rows = _tally_rows(ballot, tallies, turnout)
    return _finish(ballot, rows, turnout=turnout, total=float(sum(tallies.values())))


def _count_plurality(ballot: Ballot, votes: list[Vote], hands: HandCount | None) -> Result:
    """Ranking or criteria ballot counted by show of hands: favourites only."""
    tallies = {o: 0 for o in ballot.option_ids}
    for vote in votes:  # phone rankings contribute their first preference
        tallies[vote.ranking[0]] += 1
    if hands:
        for option_id, n in hands.counts.items():
            tallies[option_id] += n
    turnout = sum(tallies.values())
    rows = _tally_rows(ballot, tallies, turnout)
    for row in rows:
        row.first_prefs = row.votes
    return _finish(ballot, rows, turnout=turnout, total=float(turnout), plurality_fallback=True,
                   notes=[HAND_COUNT_NOTE])


def _count_dots(ballot: Ballot, votes: list[Vote], hands: HandCount | None) -> Result:
    dots = {o: 0 for o in ballot.option_ids}
    supporters = {o: 0 for o in ballot.option_ids}
    for vote in votes:
        for option_id, n in vote.dots.items():
            dots[option_id] += n
            supporters[option_id] += 1
    if hands:
        for option_id, n in hands.counts.items():
            dots[option_id] += n
    total = sum(dots.values())
    turnout: int | None = len(votes)
    if hands:
        turnout = None if hands.people is None else len(votes) + hands.people
    rows = [
        ResultRow(option_id=o.id, label=o.label, score=dots[o.id], share=dots[o.id] / total if total else 0.0,
                  votes=None if hands else supporters[o.id])
        for o in ballot.options
    ]
    return _finish(ballot, rows, turnout=turnout, total=float(total))


def _borda_points(ballot: Ballot, votes: list[Vote]) -> dict[str, int]:
    """n−1 points for a first place, … 0 for the n-th; unranked options earn nothing."""
    n = len(ballot.options)
    points = {o: 0 for o in ballot.option_ids}
    for vote in votes:
        for place, option_id in enumerate(vote.ranking):
            points[option_id] += n - 1 - place
    return points


def _first_preferences(ballot: Ballot, votes: list[Vote]) -> dict[str, int]:
    first = {o: 0 for o in ballot.option_ids}
    for vote in votes:
        first[vote.ranking[0]] += 1
    return first


def _count_borda(ballot: Ballot, votes: list[Vote]) -> Result:
    points = _borda_points(ballot, votes)
    first = _first_preferences(ballot, votes)
    total = sum(points.values())
    rows = [
        ResultRow(option_id=o.id, label=o.label, score=points[o.id], first_prefs=first[o.id],
                  share=points[o.id] / total if total else 0.0)
        for o in ballot.options
    ]
    return _finish(ballot, rows, turnout=len(votes), total=float(total))


# How many sets of continuing options the instant-runoff count may follow when it checks
# whether an elimination settled by ballot order could change the winner. Each set is
# counted once (a few dozen in a real workshop); beyond this many, the elimination is
# taken to matter and every option still in the count is tied for the win.
IRV_PATHS_MAX = 2000


class _TooManyPaths(Exception):
    pass


class _IrvCount:
    """The rounds of an instant-runoff count as a function of the options still in it.

    A round depends only on which options continue, so `winners_from` can follow every
    way ballot order could settle an elimination (each set of continuing options once)
    and say which options could still win."""

    def __init__(self, rankings: list[tuple[str, ...]], first: Mapping[str, int],
                 borda: Mapping[str, int]) -> None:
        self.rankings = rankings
        self.first = first
        self.borda = borda
        self.memo: dict[frozenset[str], frozenset[str]] = {}

    def tallies(self, continuing: Iterable[str]) -> tuple[dict[str, int], int]:
        tallies = {o: 0 for o in continuing}
        exhausted = 0
        for ranking in self.rankings:
            top = next((o for o in ranking if o in tallies), None)
            if top is None:
                exhausted += 1
            else:
                tallies[top] += 1
        return tallies, exhausted

    def inseparable(self, lowest: list[str]) -> list[str]:
        """Of the options sharing the fewest votes, those a count cannot tell apart: the
        fewest first preferences, and among those the fewest Borda points."""
        key = min((self.first[o], self.borda[o]) for o in lowest)
        return [o for o in lowest if (self.first[o], self.borda[o]) == key]

    def winners_from(self, continuing: frozenset[str]) -> frozenset[str]:
        """Every option that can win from here, whichever way ballot order would settle
        the eliminations that no count decides."""
        held = self.memo.get(continuing)
        if held is not None:
            return held
        if len(self.memo) >= IRV_PATHS_MAX:
            raise _TooManyPaths
        tallies, exhausted = self.tallies(continuing)
        in_play = len(self.rankings) - exhausted
        best = max(tallies.values(), default=0)
        leaders = frozenset(o for o, n in tallies.items() if n == best)
        if best == 0 or best * 2 > in_play or len(continuing) <= 2:
            winners = leaders if best else frozenset()
        else:
            fewest = min(tallies.values())
            lowest = [o for o, n in tallies.items() if n == fewest]
            if fewest == 0:
                winners = self.winners_from(continuing - set(lowest))
            else:
                winners = frozenset().union(
                    *(self.winners_from(continuing - {o}) for o in self.inseparable(lowest)))
        self.memo[continuing] = winners
        return winners


def _count_irv(ballot: Ballot, votes: list[Vote]) -> Result:
    order = {option_id: i for i, option_id in enumerate(ballot.option_ids)}
    labels = {o.id: o.label for o in ballot.options}
    first = _first_preferences(ballot, votes)
    borda = _borda_points(ballot, votes)
    counter = _IrvCount([tuple(v.ranking) for v in votes], first, borda)
    continuing = list(ballot.option_ids)
    rounds: list[IrvRound] = []
    last_seen: dict[str, tuple[int, int, int]] = {}  # option → (round, votes, ballots in play)
    winner_ids: list[str] = []
    tie_break_used = False
    undecided: list[str] = []  # options no count could separate, when that decided the winner

    while votes and continuing:
        tallies, exhausted = counter.tallies(continuing)
        in_play = len(votes) - exhausted
        number = len(rounds) + 1
        for option_id, n in tallies.items():
            last_seen[option_id] = (number, n, in_play)
        current = IrvRound(number=number, tallies=tallies, continuing=in_play, exhausted=exhausted)
        rounds.append(current)

        best = max(tallies.values())
        leaders = [o for o in continuing if tallies[o] == best]
        if best * 2 > in_play:
            winner_ids = leaders
            break
        if len(continuing) <= 2:
            winner_ids = leaders  # two options left with equal votes: a tie for the room
            break

        fewest = min(tallies.values())
        if fewest == 0:
            # Nothing transfers from an option without votes, so all of them go at once.
            out = [o for o in continuing if tallies[o] == 0]
        else:
            lowest = [o for o in continuing if tallies[o] == fewest]
            if len(lowest) == 1:
                out = lowest
            else:
                ordered = sorted(lowest, key=lambda o: (first[o], borda[o], -order[o]))
                tied = counter.inseparable(lowest)
                if len(tied) > 1:
                    # Ballot order would choose: only acceptable when the choice cannot
                    # change who wins. Otherwise the room has a tie to settle.
                    live = frozenset(continuing)
                    possible: frozenset[str] | None = None
                    try:
                        futures = {counter.winners_from(live - {o}) for o in tied}
                        if len(futures) > 1:
                            possible = frozenset().union(*futures)
                    except _TooManyPaths:
                        possible = live  # too many ways the count could go to follow: a tie among all
                    if possible is not None:
                        winner_ids = sorted(possible, key=lambda o: (-tallies[o], order[o]))
                        undecided = sorted(tied, key=order.__getitem__)
                        current.tie_break = _undecided_text(undecided, winner_ids, fewest, first, borda, labels)
                        break
                out = [ordered[0]]
                tie_break_used = True
                current.tie_break = _tie_break_text(ordered, fewest, first, borda, labels, order)
        current.eliminated = out
        continuing = [o for o in continuing if o not in out]

    eliminated_in = {o: r.number for r in rounds for o in r.eliminated}
    winners = set(winner_ids)

    def votes_in_last_round(option_id: str) -> int:
        return last_seen.get(option_id, (0, 0, 0))[1]

    # The winners (or the options tied for the win) first, then the other options still in
    # the count by their last-round votes, then the eliminated, latest eliminated first.
    ranked = sorted(continuing, key=lambda o: (o not in winners, -votes_in_last_round(o), order[o]))
    ranked += sorted(eliminated_in, key=lambda o: (-eliminated_in[o], order[o]))
    rows = []
    for option_id in ranked:
        _, n, in_play = last_seen.get(option_id, (0, 0, 0))
        rows.append(ResultRow(option_id=option_id, label=labels[option_id], score=n, votes=n,
                              first_prefs=first[option_id], share=n / in_play if in_play else 0.0,
                              eliminated_in=eliminated_in.get(option_id)))

    def group(row: ResultRow) -> tuple[Any, ...]:
        if row.option_id in winners:
            return ("tied for the win",)
        if row.eliminated_in is not None:
            return ("eliminated", row.eliminated_in)
        return ("still in the count", _key(row.score))

    # Ranks: the options tied for the win share rank 1; the other options still in the count
    # share a rank when their votes are equal; each elimination round below.
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and group(rows[i - 1]) == group(row) else i + 1
    notes = []
    if tie_break_used:
        notes.append("A tie-break decided at least one elimination (see the rounds).")
    if undecided:
        notes.append(f"Round {rounds[-1].number}: {rounds[-1].tie_break}")
    return _result(ballot, rows, winner_ids, turnout=len(votes), total=float(len(votes)),
                   rounds=rounds, tie_break_used=tie_break_used, inseparable_ids=undecided, notes=notes)


def _tie_break_text(ordered: list[str], fewest: int, first: Mapping[str, int],
                    borda: Mapping[str, int], labels: Mapping[str, str], order: Mapping[str, int]) -> str:
    out, runner = ordered[0], ordered[1]
    if first[out] < first[runner]:
        reason = "it had the fewest first preferences"
    elif borda[out] < borda[runner]:
        reason = "it had the fewest Borda points"
    else:
        reason = ("it is lowest on the ballot; no count separated them, but whichever of them "
                  "is eliminated, the outcome is the same")
    names = _join([labels[o] for o in sorted(ordered, key=order.__getitem__)])
    return f"{names} tied with {_plural(fewest, 'vote')}; {labels[out]} was eliminated because {reason}."


def _undecided_text(undecided: list[str], winner_ids: list[str], fewest: int, first: Mapping[str, int],
                    borda: Mapping[str, int], labels: Mapping[str, str]) -> str:
    some = undecided[0]
    return (f"{_join([labels[o] for o in undecided])} have {_plural(fewest, 'vote')} each, "
            f"{_plural(first[some], 'first preference')} each and {_plural(borda[some], 'Borda point')} each, "
            f"so no count can say which of them is eliminated, and that can change the winner. "
            f"The count stops here: a tie between {_join([labels[o] for o in winner_ids])} "
            f"for the room to settle.")


def _count_matrix(ballot: Ballot, votes: list[Vote]) -> Result:
    # Exact fractions, so options that tie on paper tie here too (no float noise).
    weights = {c.id: Fraction(c.weight) for c in ballot.criteria}
    weight_sum = sum(weights.values())
    rows = []
    for option in ballot.options:
        if votes:
            means = {c: Fraction(sum(v.scores[option.id][c] for v in votes), len(votes)) for c in weights}
            weighted = sum(weights[c] * means[c] for c in weights)
            normalised = (weighted / weight_sum - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * 100
        else:
            means, weighted, normalised = {}, Fraction(0), Fraction(0)
        rows.append(ResultRow(option_id=option.id, label=option.label, score=float(weighted),
                              criterion_means={c: float(m) for c, m in means.items()},
                              normalised=float(normalised), share=float(normalised / 100)))
    return _finish(ballot, rows, turnout=len(votes), total=0.0,
                   criteria=[c.model_copy() for c in ballot.criteria])


def count(ballot: Ballot, votes: Iterable[Vote], hands: HandCount | None = None) -> Result:
    """Count a ballot's votes (and, optionally, a show-of-hands count added to them).

    Every vote is re-checked against the ballot; a vote that does not fit raises
    `VotingError` rather than being counted wrongly or silently dropped. Only the latest
    vote of each voter key counts."""
    votes = list(votes)
    for vote in votes:
        validate_vote(ballot, vote, require_open=False)
    if hands is not None:
        validate_hand_count(ballot, hands)
    current = latest_votes(votes)
    source: Source = "phones" if hands is None else ("mixed" if current else "show of hands")

    method = ballot.method
    if hands is not None and (method.is_ranking or method is VotingMethod.matrix):
        if method is VotingMethod.matrix and current:
            raise VotingError(
                "Scores from phones cannot be added to a show of hands; count them as separate ballots."
            )
        result = _count_plurality(ballot, current, hands)
    elif method in (VotingMethod.single, VotingMethod.multiple):
        result = _count_selections(ballot, current, hands)
    elif method is VotingMethod.dots:
        result = _count_dots(ballot, current, hands)
    elif method is VotingMethod.ranking_borda:
        result = _count_borda(ballot, current)
    elif method is VotingMethod.ranking_irv:
        result = _count_irv(ballot, current)
    else:
        result = _count_matrix(ballot, current)
    result.source = source
    return result


def count_hands(ballot: Ballot, hands: HandCount) -> Result:
    """A result from a show of hands alone."""
    return count(ballot, [], hands)


# --------------------------------------------------------------------------- words


def _num(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def _plural(n: float | None, word: str, plural: str | None = None) -> str:
    """'1 vote', '2 votes', '0 votes', '1.5 points'; `plural` for irregular words (person/people)."""
    n = n or 0
    return f"{_num(n)} {word if n == 1 else (plural or word + 's')}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


Unit = Literal["vote", "voter", "dot", "Borda point", ""]
Kind = Literal["plurality", "multiple", "dots", "borda", "irv", "matrix"]


class ResultParts(Model):
    """The facts in `describe_result`'s sentence, as data, so a page can put them into words
    of its own (the participant's language on the phones). `describe_result` is built from
    these parts, so the two always agree.

    - `outcome`: "none" (no votes: "No votes were cast." when `final`, else "No votes yet."),
      "win" ("X wins …" when `final`, "X leads …" while voting is open) or "tie".
    - `kind`: which sentence — "plurality" (single choice, or a show of hands for a ranking or
      scoring ballot): "X wins with {count} of {total} votes ({share})"; "multiple": "X wins,
      chosen by {count} of {total} voters ({share})"; "dots": "X wins with {count} of {total}
      dots ({share})"; "borda": "X wins with {count} Borda points (first choice of
      {first_choices} of {voters})"; "irv": "X wins in round {round} with {count} of {total}
      votes ({share})"; "matrix": "X wins with {out_of_100} out of 100".
    - A tie: "Tie between {labels} with {count} {unit}s each" (instant runoff: "… in the final
      round"; criteria: "Tie between {labels} at {out_of_100} out of 100"). When
      `inseparable` is not empty (instant runoff), the tie is not in the votes but in an
      elimination no count could decide: "Tie between {labels}: in round {round} no count can
      separate {inseparable}, and which of them is eliminated can change the winner".
    - `unit` is the English noun (singular) for `count` (and for `total` when there is one);
      "" for criteria scores. Choose singular or plural wording from the numbers themselves
      (`count` for "… each", `total` for "… of {total} votes").
    - Afterwards: `tie_break_used` ("; a tie-break decided an elimination") and `source`
      (", by show of hands" / ", on phones and by show of hands")."""

    outcome: Literal["none", "win", "tie"]
    final: bool
    kind: Kind
    labels: list[str] = Field(default_factory=list)
    count: float | None = None
    total: float | None = None
    unit: Unit = ""
    share: float | None = None
    out_of_100: float | None = None
    round: int | None = None
    first_choices: int | None = None
    voters: int | None = None
    inseparable: list[str] = Field(default_factory=list)
    tie_break_used: bool = False
    source: Source = "phones"


def _kind(result: Result) -> tuple[Kind, Unit]:
    method = result.method
    if result.plurality_fallback or method is VotingMethod.single:
        return "plurality", "vote"
    return {VotingMethod.multiple: ("multiple", "vote"), VotingMethod.dots: ("dots", "dot"),
            VotingMethod.ranking_borda: ("borda", "Borda point"), VotingMethod.ranking_irv: ("irv", "vote"),
            VotingMethod.matrix: ("matrix", "")}[method]


def result_parts(result: Result) -> ResultParts:
    """What the one-sentence summary of a result says, as data (see `ResultParts`)."""
    kind, unit = _kind(result)
    common: dict[str, Any] = {"final": result.final, "kind": kind, "source": result.source,
                              "tie_break_used": result.tie_break_used}
    if not result.winner_ids:
        return ResultParts(outcome="none", **common)
    top = result.row(result.winner_ids[0])
    last_round = result.rounds[-1].number if result.rounds else None
    if kind == "matrix":
        common.update(out_of_100=top.normalised or 0.0)
    if result.tie:
        if kind != "matrix":
            common.update(count=top.score, unit=unit)
        labels = {row.option_id: row.label for row in result.rows}
        return ResultParts(outcome="tie", labels=list(result.tied_labels), round=last_round,
                           inseparable=[labels[o] for o in result.inseparable_ids], **common)
    common.update(labels=[top.label])
    if kind == "matrix":
        return ResultParts(outcome="win", **common)
    common.update(count=top.score, share=top.share)
    if kind == "plurality":
        return ResultParts(outcome="win", total=result.turnout or 0, unit="vote", **common)
    if kind == "multiple":
        return ResultParts(outcome="win", total=result.turnout or 0, unit="voter", **common)
    if kind == "dots":
        return ResultParts(outcome="win", total=result.total, unit="dot", **common)
    if kind == "borda":
        return ResultParts(outcome="win", unit="Borda point", first_choices=top.first_prefs,
                           voters=result.turnout, **common)
    return ResultParts(outcome="win", total=result.rounds[-1].continuing, unit="vote", round=last_round, **common)


def describe_parts(parts: ResultParts) -> str:
    """`ResultParts` in one English sentence."""
    if parts.outcome == "none":
        return "No votes were cast." if parts.final else "No votes yet."
    names = _join(parts.labels)
    if parts.outcome == "tie":
        if parts.inseparable:
            which = "them" if set(parts.inseparable) == set(parts.labels) else _join(parts.inseparable)
            text = (f"Tie between {names}: in round {parts.round} no count can separate {which}, "
                    f"and which of them is eliminated can change the winner")
        elif parts.kind == "matrix":
            text = f"Tie between {names} at {parts.out_of_100:.0f} out of 100"
        else:
            text = f"Tie between {names} with {_plural(parts.count, parts.unit)} each"
            if parts.kind == "irv":
                text += " in the final round"
    else:
        verb = "wins" if parts.final else "leads"
        pct = f"{parts.share or 0:.0%}"
        if parts.kind == "matrix":
            text = f"{names} {verb} with {parts.out_of_100:.0f} out of 100"
        elif parts.kind == "multiple":
            text = f"{names} {verb}, chosen by {_num(parts.count or 0)} of {_plural(parts.total, 'voter')} ({pct})"
        elif parts.kind == "borda":
            text = (f"{names} {verb} with {_plural(parts.count, 'Borda point')} "
                    f"(first choice of {parts.first_choices} of {parts.voters})")
        elif parts.kind == "irv":
            text = (f"{names} {verb} in round {parts.round} with {_num(parts.count or 0)} of "
                    f"{_plural(parts.total, 'vote')} ({pct})")
        else:
            text = f"{names} {verb} with {_num(parts.count or 0)} of {_plural(parts.total, parts.unit)} ({pct})"
    if parts.tie_break_used:
        text += "; a tie-break decided an elimination"
    if parts.source == "show of hands":
        text += ", by show of hands"
    elif parts.source == "mixed":
        text += ", on phones and by show of hands"
    return text + "."


def describe_result(result: Result) -> str:
    """One sentence for the facilitator, the projector and the report."""
    return describe_parts(result_parts(result))


# --------------------------------------------------------------------------- after the count


RUNOFF_PREFIX = "Runoff: "


def runoff_ballot(ballot: Ballot, result: Result) -> Ballot:
    """A new draft single-choice ballot among the options tied at the top."""
    if result.ballot_id != ballot.id:
        raise VotingError("This result belongs to a different ballot.")
    if not result.tie:
        raise VotingError("There is no tie to settle: the result has a single winner.")
    question = ballot.question
    if not question.startswith(RUNOFF_PREFIX):
        question = RUNOFF_PREFIX + question
    if len(question) > 200:
        question = question[:199].rstrip() + "…"
    return Ballot(
        campaign_id=ballot.campaign_id,
        session_id=ballot.session_id,
        question=question,
        method=VotingMethod.single,
        options=[BallotOption(label=label) for label in result.tied_labels],
        hide_live_results=ballot.hide_live_results,
        show_of_hands=ballot.show_of_hands,
        topic=ballot.topic,
        template=ballot.template,
        runoff_of=ballot.id,
    )


NOT_IDENTIFIED = "Not identified"


def disaggregate(
    ballot: Ballot,
    votes: Iterable[Vote],
    participants: Mapping[str, tuple[Sex | str, OrgType | str]],
) -> dict[str, Result]:
    """Results by sex ("Sex: Woman", …) and by organisation type ("Organisation: NGO / service
    provider", …) for voters who linked their vote to their register entry, plus
    "Not identified" for everyone else. Each identified vote appears once under a sex and
    once under an organisation type; groups without votes are left out.

    Small groups can reveal how one person voted: show them with care."""
    votes = list(votes)
    for vote in votes:
        validate_vote(ballot, vote, require_open=False)
    by_sex: dict[Sex, list[Vote]] = {}
    by_org: dict[OrgType, list[Vote]] = {}
    anonymous: list[Vote] = []
    for vote in latest_votes(votes):
        who = participants.get(vote.participant_id) if vote.participant_id else None
        if who is None:
            anonymous.append(vote)
            continue
        by_sex.setdefault(Sex(who[0]), []).append(vote)
        by_org.setdefault(OrgType(who[1]), []).append(vote)
    groups: dict[str, Result] = {}
    for sex in Sex:
        if sex in by_sex:
            groups[f"Sex: {sex.label}"] = count(ballot, by_sex[sex])
    for org in OrgType:
        if org in by_org:
            groups[f"Organisation: {org.label}"] = count(ballot, by_org[org])
    if anonymous:
        groups[NOT_IDENTIFIED] = count(ballot, anonymous)
    return groups


def method_text(ballot: Ballot, result: Result) -> str:
    """How the decision was taken, e.g. 'Vote (single choice)' or 'Dot voting, by show of hands'."""
    text = _DECISION_METHOD[ballot.method]
    if result.plurality_fallback:
        text += ", counted as a single choice"
    if result.source == "show of hands":
        text += ", by show of hands"
    elif result.source == "mixed":
        text += ", on phones and by show of hands"
    return text


def decision_from_result(
    ballot: Ballot,
    result: Result,
    choice_ids: list[str] | None = None,
    *,
    rationale: str = "",
    eligible: int | None = None,
    decided_at: datetime | None = None,
) -> Decision:
    """The campaign decision this result settles, with the full breakdown.

    By default the winner is adopted; a tie must be settled first (runoff), or the
    facilitator names the chosen option(s) in `choice_ids` (e.g. the top two areas)."""
    if result.ballot_id != ballot.id:
        raise VotingError("This result belongs to a different ballot.")
    if choice_ids is None:
        if result.tie:
            raise VotingError(f"{_join(result.tied_labels)} are tied; hold a runoff or choose one.")
        if not result.winner_ids:
            raise VotingError("There is no result to adopt yet: no votes were counted.")
        choice_ids = result.winner_ids
    if not choice_ids:
        raise VotingError("Choose the option(s) the group decided on.")
    labels = [ballot.option_label(option_id) for option_id in choice_ids]
    kwargs: dict[str, Any] = {}
    if decided_at is not None:
        kwargs["decided_at"] = decided_at
    return Decision(
        campaign_id=ballot.campaign_id,
        session_id=ballot.session_id,
        topic=ballot.topic or DecisionTopic.other,
        choice=_join(labels),
        method=method_text(ballot, result),
        rationale=rationale,
        breakdown=[
            TallyRow(option=row.label,
                     votes=round(row.normalised if row.normalised is not None else row.score, 2))
            for row in result.rows
        ],
        ballot_id=ballot.id,
        turnout=result.turnout,
        eligible=eligible,
        **kwargs,
    )

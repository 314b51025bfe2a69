"""A ballot's life as pure functions: draft → open → closed (with reopen), results revealed
or hidden, edits that keep every vote's meaning, and a runoff among tied options. Each
takes a `Ballot` and returns a new one (or raises `VotingError` saying why not); saving
it is for `c4d.voting.commands`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from c4d.models import friendly_errors, utcnow
from c4d.voting.model import (
    Ballot,
    BallotOption,
    BallotStatus,
    Result,
    VotingError,
    VotingMethod,
    readiness_problems,
)
from c4d.text import clip


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
    question = clip(question, 200)
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

"""What is done with a counted ballot: the public functions the pages, the report and the
exports share.

- who could vote (`eligible`, `eligible_for`), a ballot counted as it stands (`tally`), and
  how many voted in the one wording every screen and document uses (`turnout_phrase`);
- a result as tables (`result_table`, `rounds_table`) and what its bars measure
  (`value_title`, `bar_value`);
- results by sex and organisation type for identified voters (`disaggregate`,
  `disaggregation_table`); a group under `SMALL_GROUP` voters could point to a person;
- a result adopted as a campaign decision (`decision_from_result`, `method_text`), the
  decisions adopted from each ballot (`adopted_ids`), and what to propose for adoption
  (`proposed_choice`, `choice_against_result`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from c4d.models import Decision, DecisionTopic, OrgType, Participant, Session, Sex, TallyRow
from c4d.voting.counting import count
from c4d.voting.model import (
    Ballot,
    HandCount,
    Result,
    Vote,
    VotingError,
    VotingMethod,
    latest_votes,
    validate_vote,
)
from c4d.text import listed, number, percent

if TYPE_CHECKING:
    from c4d.db.store import Store

SMALL_GROUP = 5  # fewer voters than this in a group can reveal how one person voted


# ---- who could vote ---------------------------------------------------------------------

def turnout_phrase(voted: int | None, eligible: int | None, who: str = "") -> str:
    """How many voted, in the one wording the voting page, the live screen, the report and
    the decisions share: '31 of 39 voted', '31 voted' when no one could be counted against,
    'turnout not recorded' when a show of hands did not say; with `who`, who the 39 are:
    '31 of 39 voted (present on day 1)'."""
    if voted is None:
        return "turnout not recorded"
    if not eligible:
        return f"{voted} voted" + (" (no one in the register)" if who else "")
    return f"{voted} of {eligible} voted" + (f" ({who})" if who else "")


@dataclass(frozen=True)
class Eligible:
    count: int
    label: str  # "present on day 2" or "registered"

    def of(self, voted: int | None, *, who: bool = True) -> str:
        """E.g. '31 of 39 voted (present on day 1)', or '31 of 39 voted' without who (see
        `turnout_phrase`)."""
        return turnout_phrase(voted, self.count, self.label if who else "")


def session_day(session: Session, on: date) -> int | None:
    """1-based day of the session on that date, or None outside the session."""
    if session.start_date <= on <= session.end_date:
        return (on - session.start_date).days + 1
    return None


def eligible(session: Session, participants: list[Participant], on: date | None = None) -> Eligible:
    """The people who could vote: those present on that day of the session when the
    register records attendance, otherwise everyone registered."""
    day = session_day(session, on) if on else None
    if day is not None and any(p.attendance for p in participants):
        return Eligible(sum(1 for p in participants if day in p.attendance), f"present on day {day}")
    return Eligible(len(participants), "registered")


def ballot_day(ballot: Ballot) -> date | None:
    """The local date the ballot was opened (the day the room voted)."""
    return ballot.opened_at.astimezone().date() if ballot.opened_at else None


def eligible_for(session: Session, participants: list[Participant], ballot: Ballot,
                 today: date | None = None) -> Eligible:
    return eligible(session, participants, ballot_day(ballot) or today)


# ---- counting as it stands --------------------------------------------------------------

@dataclass
class Tally:
    ballot: Ballot
    votes: list[Vote]
    hands: HandCount | None
    result: Result | None  # None: nothing to count yet
    problem: str = ""  # a count that could not be made, in words

    @property
    def cast(self) -> int:
        """Ballots cast on phones (one standing vote per voter)."""
        return len(self.votes)

    @property
    def turnout(self) -> int | None:
        """People who voted: phones and show of hands (None when a show of hands did not say)."""
        if self.result is not None:
            return self.result.turnout
        return self.cast


def tally(store: "Store", ballot: Ballot) -> Tally:
    votes = store.votes(ballot.id)
    hands = store.hand_count(ballot.id)
    if not votes and hands is None:
        return Tally(ballot, votes, hands, None)
    try:
        return Tally(ballot, votes, hands, count(ballot, votes, hands))
    except ValueError as exc:  # e.g. phone scores and a show of hands on one matrix ballot
        return Tally(ballot, votes, hands, None, str(exc))


def voted(store: "Store", ballot: Ballot) -> int | None:
    """How many have voted on a ballot as it stands, the turnout a `tally` would give, read
    cheaply for a count that follows the phones: a count of the votes, unless a show of
    hands was recorded (then the full count says)."""
    if store.hand_count(ballot.id) is None:
        return store.vote_count(ballot.id)
    return tally(store, ballot).turnout


# ---- what a result looks like -----------------------------------------------------------

def value_title(ballot: Ballot, result: Result) -> str:
    """What the bars measure."""
    if result.plurality_fallback or result.method in (VotingMethod.single, VotingMethod.multiple):
        return "Votes"
    return {VotingMethod.dots: "Dots", VotingMethod.ranking_borda: "Borda points",
            VotingMethod.ranking_irv: "Votes in the last round counted",
            VotingMethod.matrix: "Score out of 100"}[result.method]


def bar_value(result: Result, row: Any) -> float:
    if result.method is VotingMethod.matrix and not result.plurality_fallback:
        return round(row.normalised or 0.0, 1)
    return row.score


def result_table(ballot: Ballot, result: Result) -> tuple[list[str], list[list[Any]]]:
    """The result as a table (headers, rows of numbers and text), best first."""
    method = result.method
    if result.plurality_fallback or method in (VotingMethod.single, VotingMethod.multiple):
        share = "Share of votes" if method is VotingMethod.single or result.plurality_fallback else "Share of voters"
        return (["Rank", "Option", "Votes", share],
                [[r.rank, r.label, r.score, percent(r.share)] for r in result.rows])
    if method is VotingMethod.dots:
        headers = ["Rank", "Option", "Dots", "Share of dots"]
        with_people = any(r.votes is not None for r in result.rows)
        if with_people:
            headers.append("People who put dots here")
        return headers, [[r.rank, r.label, r.score, percent(r.share)] + ([r.votes] if with_people else [])
                         for r in result.rows]
    if method is VotingMethod.ranking_borda:
        return (["Rank", "Option", "Borda points", "Share of points", "First choices"],
                [[r.rank, r.label, r.score, percent(r.share), r.first_prefs] for r in result.rows])
    if method is VotingMethod.ranking_irv:
        return (["Rank", "Option", "Votes in the last round counted", "First choices", "Eliminated in round"],
                [[r.rank, r.label, r.score, r.first_prefs, number(r.eliminated_in)]  # "–": still in the count
                 for r in result.rows])
    criteria = result.criteria
    headers = ["Rank", "Option"] + [f"{c.label} (×{number(c.weight)})" for c in criteria] + [
        "Weighted total", "Score out of 100"]
    rows = [[r.rank, r.label] + [round(r.criterion_means.get(c.id, 0.0), 2) for c in criteria]
            + [round(r.score, 2), round(r.normalised or 0.0, 1)] for r in result.rows]
    return headers, rows


def rounds_table(result: Result) -> tuple[list[str], list[list[Any]]] | None:
    """Instant-runoff rounds: one row per round, one column per option."""
    if not result.rounds:
        return None
    labels = {r.option_id: r.label for r in result.rows}
    order = [r.option_id for r in result.rows]
    headers = ["Round"] + [labels[o] for o in order] + ["Exhausted", "Eliminated"]
    rows = []
    for rnd in result.rounds:
        rows.append([rnd.number] + [rnd.tallies.get(o) for o in order] + [
            rnd.exhausted, ", ".join(labels[o] for o in rnd.eliminated) or "–"])
    return headers, rows


# ---- results by sex and organisation type ------------------------------------------------

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


@dataclass
class Breakdown:
    headers: list[str]
    rows: list[list[Any]]
    small_groups: list[str] = field(default_factory=list)
    identified: int = 0


def disaggregation_table(ballot: Ballot, votes: list[Vote], participants: Iterable[Participant],
                         *, min_group: int = 0) -> Breakdown | None:
    """Options × groups (sex, organisation type, not identified), each column headed with
    its n. None when no voter identified themselves. Groups under `min_group` voters are
    left out (the report); groups under 5 are always named in `small_groups`."""
    people = {p.id: (p.sex, p.org_type) for p in participants}
    if not any(v.participant_id in people for v in votes):
        return None
    groups = disaggregate(ballot, votes, people)
    headers, columns, small, identified = ["Option"], [], [], 0
    for name, result in groups.items():
        n = result.turnout or 0
        if not name.startswith("Not identified"):
            identified += n if name.startswith("Sex:") else 0
        if n < SMALL_GROUP:
            small.append(f"{name} (n = {n})")
        if n < min_group:
            continue
        headers.append(f"{name} (n = {n})")
        columns.append({r.option_id: bar_value(result, r) for r in result.rows})
    rows = [[o.label] + [col.get(o.id, 0) for col in columns] for o in ballot.options]
    return Breakdown(headers, rows, small, identified)


# ---- adopting a result ------------------------------------------------------------------

# How a decision records the method, e.g. "Vote (single choice)".
_DECISION_METHOD = {
    VotingMethod.single: "Vote (single choice)",
    VotingMethod.multiple: "Vote (multiple choice)",
    VotingMethod.dots: "Dot voting",
    VotingMethod.ranking_borda: "Ranking vote (Borda count)",
    VotingMethod.ranking_irv: "Ranking vote (instant runoff)",
    VotingMethod.matrix: "Criteria scoring (weighted)",
}


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
            raise VotingError(f"{listed(result.tied_labels)} are tied; hold a runoff or choose one.")
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
        choice=listed(labels),
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


def adopted_ids(store: "Store", campaign_id: str) -> dict[str, list[str]]:
    """Ballot id → ids of the decisions adopted from it."""
    adopted: dict[str, list[str]] = {}
    for decision in store.decisions(campaign_id):
        if decision.ballot_id:
            adopted.setdefault(decision.ballot_id, []).append(decision.id)
    return adopted


def standing(result: Result) -> tuple:
    """What a result says, to notice that it changed (a show of hands saved, more votes
    after a reopen): who leads, whether it is a tie, and every option's count."""
    return result.tie, tuple(result.winner_ids), tuple((r.option_id, r.score) for r in result.rows)


def proposed_choice(result: Result) -> list[str]:
    """The option(s) to propose for adoption: the leader; nothing when options are tied for
    first (the room settles a tie, or holds a runoff)."""
    return [] if result.tie else list(result.winner_ids)


def choice_against_result(result: Result, choice_ids: list[str]) -> str:
    """In words, how the options picked for adoption depart from the count: the leader (or
    every option tied for first) left out. Empty when the pick includes the leader, or one
    of the tied options; picking more than the leader (e.g. the top two areas) is fine."""
    if not choice_ids or not result.winner_ids:
        return ""
    leaders, picked = set(result.winner_ids), set(choice_ids)
    if (leaders & picked) if result.tie else (leaders <= picked):
        return ""

    def with_value(option_ids: Iterable[str]) -> str:
        rows = [r for r in result.rows if r.option_id in set(option_ids)]
        return listed([f"{r.label} ({number(bar_value(result, r))})" for r in rows])

    chosen = [o for o in choice_ids if o not in leaders]
    if result.tie:
        first = f"The count has {with_value(result.winner_ids)} tied for first, and you picked {with_value(chosen)}."
    else:
        first = f"The count puts {with_value(result.winner_ids)} first, but you picked {with_value(chosen)}."
    return first + (" Adopt this only if the group decided on it anyway, and write why: the decision will "
                    "show the count beside your choice.")

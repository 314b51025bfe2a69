"""Counting a ballot: `count` → `Result`, for every method, and the result in one sentence.

`count` → `Result`: rows best first, winners, ties, turnout, and the details of each
method (Borda points, instant-runoff rounds, criteria means and weighted totals).
`describe_result` puts a result into one sentence (`result_parts` gives the same facts
as data, for a page that words them itself).

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
  `c4d.voting.lifecycle.runoff_ballot`), never a coin toss.
- Criteria scoring: each voter scores every option 1–5 on every criterion. For each
  option, the weighted total is Σ weight × mean score; the normalised score maps the
  weighted mean (1–5) onto 0–100.
- A show of hands can only count hands per option. For single, multiple choice and
  dots that is the method itself (dots are the stickers on the flipchart); for ranking
  and criteria ballots it is a plurality count of favourites, and the result says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field

from c4d.models import Model
from c4d.voting.model import (
    SCORE_MAX,
    SCORE_MIN,
    Ballot,
    BallotStatus,
    HandCount,
    IrvRound,
    Result,
    ResultRow,
    Source,
    Vote,
    VotingError,
    VotingMethod,
    latest_votes,
    validate_hand_count,
    validate_vote,
)
from c4d.text import listed, number, percent, plural

HAND_COUNT_NOTE = (
    "A show of hands can only count hands for each person's favourite, so this ranking or "
    "scoring ballot was counted as a single choice (plurality)."
)


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
    names = listed([labels[o] for o in sorted(ordered, key=order.__getitem__)])
    return f"{names} tied with {plural(fewest, 'vote')}; {labels[out]} was eliminated because {reason}."


def _undecided_text(undecided: list[str], winner_ids: list[str], fewest: int, first: Mapping[str, int],
                    borda: Mapping[str, int], labels: Mapping[str, str]) -> str:
    some = undecided[0]
    return (f"{listed([labels[o] for o in undecided])} have {plural(fewest, 'vote')} each, "
            f"{plural(first[some], 'first preference')} each and {plural(borda[some], 'Borda point')} each, "
            f"so no count can say which of them is eliminated, and that can change the winner. "
            f"The count stops here: a tie between {listed([labels[o] for o in winner_ids])} "
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
    names = listed(parts.labels)
    if parts.outcome == "tie":
        if parts.inseparable:
            which = "them" if set(parts.inseparable) == set(parts.labels) else listed(parts.inseparable)
            text = (f"Tie between {names}: in round {parts.round} no count can separate {which}, "
                    f"and which of them is eliminated can change the winner")
        elif parts.kind == "matrix":
            text = f"Tie between {names} at {parts.out_of_100:.0f} out of 100"
        else:
            text = f"Tie between {names} with {plural(parts.count, parts.unit)} each"
            if parts.kind == "irv":
                text += " in the final round"
    else:
        verb = "wins" if parts.final else "leads"
        pct = percent(parts.share or 0)
        if parts.kind == "matrix":
            text = f"{names} {verb} with {parts.out_of_100:.0f} out of 100"
        elif parts.kind == "multiple":
            text = f"{names} {verb}, chosen by {number(parts.count or 0, 1)} of {plural(parts.total, 'voter')} ({pct})"
        elif parts.kind == "borda":
            text = (f"{names} {verb} with {plural(parts.count, 'Borda point')} "
                    f"(first choice of {parts.first_choices} of {parts.voters})")
        elif parts.kind == "irv":
            text = (f"{names} {verb} in round {parts.round} with {number(parts.count or 0, 1)} of "
                    f"{plural(parts.total, 'vote')} ({pct})")
        else:
            text = f"{names} {verb} with {number(parts.count or 0, 1)} of {plural(parts.total, parts.unit)} ({pct})"
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

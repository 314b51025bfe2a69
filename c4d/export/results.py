"""Voting results and raw anonymous votes as CSV and XLSX, for M&E staff.

Tables (each one list of rows under fixed headings):

- Ballots: one row per ballot — question, method, status, how it was counted, turnout
  against the people who could vote, the result in words, the adopted decision.
- Results: one row per option of each ballot — rank, score, share, and the method's
  own figures (first choices, elimination round, score out of 100).
- Criteria: the mean score of each option on each criterion (scoring-matrix ballots).
- Rounds: instant-runoff ballots, one row per option per round.
- Votes: every standing vote, one row per option it touches ("long" format: the value
  is 1 for a tick, the number of dots, the place in a ranking, or a score). Voters are
  numbered 1, 2, 3 … within each ballot in the order they voted; the numbering restarts
  on every ballot, so votes on different ballots cannot be linked to one person, and
  no device key or card code is ever written. Sex and type of organisation appear only
  for voters who identified themselves with a voter card, and only for a group with at
  least SMALL_GROUP such voters on the ballot (a smaller group could point to a person).
- Ideas: the idea board, with support counts.

Every text cell that a spreadsheet could read as a formula (starting with =, +, -, @,
a tab or a line break) is prefixed with a single quote, so a participant's option label
such as "=HYPERLINK(…)" is shown as text and never runs.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from c4d.db.store import Store
from c4d.ideas.model import IdeaStatus, board_rows
from c4d.models import Campaign, Session, slugify
from c4d.voting.counting import describe_result
from c4d.voting.model import Result, Vote, VotingMethod
from c4d.voting.results import SMALL_GROUP, adopted_ids, eligible_for, tally

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that would start a formula gets
    a leading single quote; numbers and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[list[Any]]


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _round(value: float | None, digits: int = 4) -> float | int | None:
    if value is None:
        return None
    value = round(float(value), digits)
    return int(value) if value.is_integer() else value


def _value_means(method: VotingMethod) -> str:
    return {VotingMethod.single: "chosen (1)", VotingMethod.multiple: "chosen (1)",
            VotingMethod.dots: "number of dots", VotingMethod.ranking_borda: "place in the ranking (1 = first)",
            VotingMethod.ranking_irv: "place in the ranking (1 = first)",
            VotingMethod.matrix: "score (1–5)"}[method]


def _vote_lines(vote: Vote, method: VotingMethod, labels: dict[str, str],
                criteria: dict[str, str]) -> list[tuple[str, str, int]]:
    """(option, criterion, value) for each option the vote touches."""
    if method in (VotingMethod.single, VotingMethod.multiple):
        return [(labels[o], "", 1) for o in vote.selections]
    if method is VotingMethod.dots:
        return [(labels[o], "", n) for o, n in vote.dots.items()]
    if method.is_ranking:
        return [(labels[o], "", place) for place, o in enumerate(vote.ranking, start=1)]
    return [(labels[o], criteria[c], score) for o in labels for c, score in vote.scores.get(o, {}).items()]


SMALL_GROUP_MARK = f"(fewer than {SMALL_GROUP} voters)"


def _group_labels(groups: list[str]) -> list[str]:
    """Each voter's group (sex, or type of organisation) as the raw-votes sheet may show it:
    a group with fewer than SMALL_GROUP voters on the ballot is not named, so no one's vote
    can be picked out ("the only man from the media")."""
    sizes = Counter(groups)
    return [g if not g or sizes[g] >= SMALL_GROUP else SMALL_GROUP_MARK for g in groups]


def session_tables(store: Store, campaign: Campaign, sessions: Sequence[Session]) -> list[Table]:
    """All the tables for these sessions of the campaign."""
    ballots_t = Table("Ballots", ["Session", "Ballot", "Question", "Method", "Status", "Counted from",
                                  "Votes on phones", "People in the show of hands", "Turnout",
                                  "Could vote", "Who could vote", "Result", "Leading option(s)", "Tie",
                                  "Opened (UTC)", "Closed (UTC)", "Runoff of ballot", "Adopted decision"], [])
    results_t = Table("Results", ["Session", "Ballot", "Question", "Method", "Rank", "Option", "Score",
                                  "Score means", "Share", "Voters", "First choices", "Eliminated in round",
                                  "Score out of 100"], [])
    criteria_t = Table("Criteria", ["Session", "Ballot", "Question", "Option", "Criterion", "Weight",
                                    "Mean score"], [])
    rounds_t = Table("Rounds", ["Session", "Ballot", "Question", "Round", "Option", "Votes",
                                "Ballots still in play", "Exhausted ballots", "Eliminated", "Tie-break"], [])
    votes_t = Table("Votes", ["Session", "Ballot", "Question", "Method", "Voter", "Cast at (UTC)", "Sex",
                              "Type of organisation", "Option", "Criterion", "Value", "Value means"], [])
    ideas_t = Table("Ideas", ["Session", "Idea", "Support", "What happened"], [])

    decisions = {d.id: d for d in store.decisions(campaign.id)}
    adopted = adopted_ids(store, campaign.id)
    for session in sessions:
        participants = store.participants(session.id)
        people = {p.id: p for p in participants}
        ballots = store.ballots(session.id)
        numbers = {b.id: n for n, b in enumerate(ballots, start=1)}
        for ballot in ballots:
            n = numbers[ballot.id]
            counted = tally(store, ballot)
            result: Result | None = counted.result
            could = eligible_for(session, participants, ballot)
            chosen = [decisions[d] for d in adopted.get(ballot.id, []) if d in decisions]
            ballots_t.rows.append([
                session.title, n, ballot.question, ballot.method.label, ballot.status.label,
                result.source if result else "", counted.cast,
                counted.hands.people if counted.hands else None,
                counted.turnout if result else counted.cast, could.count, could.label,
                describe_result(result) if result else (counted.problem or "No votes yet."),
                "; ".join(result.winner_labels) if result else "", "yes" if result and result.tie else "no",
                _when(ballot.opened_at), _when(ballot.closed_at), numbers.get(ballot.runoff_of or ""),
                "; ".join(f"{d.topic.label}: {d.choice}" for d in chosen),
            ])
            if result is not None:
                means = {VotingMethod.single: "votes", VotingMethod.multiple: "votes", VotingMethod.dots: "dots",
                         VotingMethod.ranking_borda: "Borda points",
                         VotingMethod.ranking_irv: "votes in the last round counted",
                         VotingMethod.matrix: "weighted total"}[ballot.method]
                if result.plurality_fallback:
                    means = "votes (show of hands, favourites only)"
                for row in result.rows:
                    results_t.rows.append([
                        session.title, n, ballot.question, ballot.method.label, row.rank, row.label,
                        _round(row.score), means, _round(row.share), row.votes, row.first_prefs,
                        row.eliminated_in, _round(row.normalised, 2),
                    ])
                    for criterion in result.criteria:
                        if criterion.id in row.criterion_means:
                            criteria_t.rows.append([session.title, n, ballot.question, row.label, criterion.label,
                                                    _round(criterion.weight),
                                                    _round(row.criterion_means[criterion.id])])
                labels = {r.option_id: r.label for r in result.rows}
                for rnd in result.rounds:
                    for option_id, votes in rnd.tallies.items():
                        rounds_t.rows.append([session.title, n, ballot.question, rnd.number, labels[option_id],
                                              votes, rnd.continuing, rnd.exhausted,
                                              "yes" if option_id in rnd.eliminated else "", rnd.tie_break])
            labels = {o.id: o.label for o in ballot.options}
            criteria = {c.id: c.label for c in ballot.criteria}
            ordered = sorted(counted.votes, key=lambda v: (v.cast_at, v.id))
            voters = [people.get(vote.participant_id or "") for vote in ordered]
            sexes = _group_labels([p.sex.label if p else "" for p in voters])
            org_types = _group_labels([p.org_type.label if p else "" for p in voters])
            for voter, vote in enumerate(ordered, start=1):
                for option, criterion, value in _vote_lines(vote, ballot.method, labels, criteria):
                    votes_t.rows.append([
                        session.title, n, ballot.question, ballot.method.label, voter, _when(vote.cast_at),
                        sexes[voter - 1], org_types[voter - 1], option, criterion, value,
                        _value_means(ballot.method),
                    ])
        ideas = store.ideas(session.id)
        for row in board_rows(ideas, {b.id: b for b in ballots}):
            ideas_t.rows.append([session.title, row["Idea"], row["Support"], row["Status"]])
        for idea in ideas:
            if idea.status is IdeaStatus.hidden:
                ideas_t.rows.append([session.title, idea.text, None, "Hidden (off-topic)"])
    return [ballots_t, results_t, criteria_t, rounds_t, votes_t, ideas_t]


def _table(tables: Iterable[Table], name: str) -> Table:
    return next(t for t in tables if t.name == name)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows every script (Mongolian, Khmer …)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(tables: Sequence[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.append([neutralise(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralise(_ILLEGAL_XML.sub("", v)) if isinstance(v, str) else v for v in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            longest = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in table.rows[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(8, longest + 2), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def results_csv(store: Store, campaign: Campaign, sessions: Sequence[Session]) -> bytes:
    return to_csv(_table(session_tables(store, campaign, sessions), "Results"))


def votes_csv(store: Store, campaign: Campaign, sessions: Sequence[Session]) -> bytes:
    return to_csv(_table(session_tables(store, campaign, sessions), "Votes"))


def results_xlsx(store: Store, campaign: Campaign, sessions: Sequence[Session]) -> bytes:
    return to_xlsx(session_tables(store, campaign, sessions))


def export_filename(campaign: Campaign, session: Session | None, what: str, extension: str) -> str:
    """E.g. 'dream-umbrella_ppcd-2020_votes.csv'."""
    parts = [campaign.slug or slugify(campaign.name)]
    if session is not None:
        parts.append(session.slug or slugify(session.title))
    parts.append(what)
    return "_".join(re.sub(r"[^a-z0-9-]+", "-", p.lower()).strip("-") or "c4d" for p in parts) + f".{extension}"

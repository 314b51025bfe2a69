"""PPCD voting as a worksheet: its progress, its next action and its section of the report,
plus the read helpers the voting page and the live screen need about what the phones show.

The tool's other modules: c4d.voting.model (ballots, votes, results), templates,
lifecycle, counting, results (tables, turnout, groups, decisions), pictures (the bars),
cards (voter cards) and commands (every write, each in one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from c4d.models import Campaign, Decision, Session
from c4d.phones.model import LiveState, Showing
from c4d.voting.counting import describe_result
from c4d.voting.model import Ballot, BallotStatus
from c4d.voting.pictures import result_png
from c4d.voting.results import (
    SMALL_GROUP,
    adopted_ids,
    disaggregation_table,
    eligible_for,
    result_table,
    rounds_table,
    tally,
)
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register
from c4d.text import number, plural

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.report_writer import ReportWriter


# ---- what the phones and the projector show -----------------------------------------------

def is_showing(state: LiveState, ballot: Ballot) -> bool:
    return state.showing is Showing.ballot and state.ballot_id == ballot.id


def projector_may_show_results(ballot: Ballot) -> bool:
    """The projector shows results once revealed, and while voting runs unless the
    facilitator hides them to avoid groupthink."""
    if ballot.results_revealed:
        return True
    return ballot.status is BallotStatus.open and not ballot.hide_live_results


@dataclass(frozen=True)
class RevealOffer:
    """A button the voting page offers about a ballot's results: its label, what it will do
    (its help), and which command it runs ("reveal" or "hide")."""
    action: str
    label: str
    help: str


def reveal_offer(ballot: Ballot, *, has_result: bool, on_phones: bool) -> RevealOffer | None:
    """What the page offers about showing a ballot's results to the room, or None when
    nothing makes sense:

    - results revealed: hide them again (whatever the status);
    - a draft, or a ballot without a result (no votes, no show of hands): nothing to reveal;
    - an open ballot: nothing; close voting first (the projector shows live results
      unless they are hidden, and revealing now would show phones the count while others
      still vote);
    - a closed ballot with a result: reveal it, saying where it will show: on the phones
      and the live screen when the phones show this ballot, otherwise only in projector
      mode on the voting page (the phones and the live screen show something else).
    """
    if ballot.results_revealed:
        return RevealOffer("hide", "Hide results",
                           "The phones, the live screen and the projector view of this page stop showing the "
                           "result.")
    if ballot.status is not BallotStatus.closed or not has_result:
        return None
    if on_phones:
        return RevealOffer("reveal", "Reveal results on the phones and the projector",
                           "The phones and the live screen on the projector show the result of this ballot.")
    return RevealOffer("reveal", "Reveal results in projector mode",
                       "The phones and the live screen show something else now, so the result shows only on "
                       "this page in projector mode.")


# ---- the worksheet ------------------------------------------------------------------------

def _cell(value: Any) -> str:
    """A table cell for the report: '–' for nothing, numbers without needless decimals."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return number(value)
    return str(value)


def _decision_line(decision: Decision) -> str:
    return f"{decision.topic.label}: {decision.choice}"


class VotingWorksheet:
    """Status of PPCD voting for a campaign:

    - not started: no ballot in any session;
    - in progress: ballots exist, and a ballot is still a draft or open, or one of the
      four PPCD decisions (trend, target group, area, media) has no decision in force;
    - done: every ballot is closed and all four PPCD decisions are taken. A decision
      recorded by hand counts too: some rooms vote on paper for one topic, and the point
      of the worksheet is that the PPCD's choices are settled and recorded.
    """

    key = "voting"
    title = "PPCD voting"
    p_step = PStep.analysis
    roadshow_step = RoadshowStep.ppcd
    page = "worksheets/voting.py"
    icon = ":material/how_to_vote:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        from c4d.decisions.model import PPCD_TOPICS, in_force

        ballots = store.campaign_ballots(campaign.id)
        if not ballots:
            return Progress(Status.not_started, "No ballot yet.",
                            "Prepare the PPCD ballots on the 'PPCD voting' page (templates for the four decisions).")
        taken = in_force(store, campaign.id)
        missing = [t for t in PPCD_TOPICS if t not in taken]
        open_ = [b for b in ballots if b.status is BallotStatus.open]
        drafts = [b for b in ballots if b.status is BallotStatus.draft]
        closed = [b for b in ballots if b.status is BallotStatus.closed]
        adopted = adopted_ids(store, campaign.id)
        detail = f"{plural(len(ballots), 'ballot')}: {len(closed)} closed"
        if open_:
            detail += f", {len(open_)} open"
        if drafts:
            detail += f", {len(drafts)} draft"
        detail += "."
        if not open_ and not drafts and not missing:
            return Progress(Status.done, detail + " The four PPCD decisions are taken.")
        if open_:
            action = f"Close the vote on '{open_[0].question}' when everyone has voted, then adopt the result."
        elif unadopted := [b for b in closed if b.id not in adopted and (b.topic in missing)]:
            action = f"Adopt the result of '{unadopted[0].question}' as the campaign decision."
        elif missing:
            action = f"Hold the vote on: {missing[0].label.lower()}."
        else:
            action = f"Open the ballot '{drafts[0].question}', or delete it if it is not needed."
        return Progress(Status.in_progress, detail, action)

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        ballots = []
        for ballot in store.ballots(session.id):
            counted = tally(store, ballot)
            if ballot.status is BallotStatus.draft and counted.result is None:
                continue  # never used: nothing to report
            ballots.append(counted)
        if not ballots:
            return False
        participants = store.participants(session.id)
        decisions = {d.id: d for d in store.decisions(campaign.id)}
        adopted = adopted_ids(store, campaign.id)
        numbers = {t.ballot.id: i for i, t in enumerate(ballots, start=1)}

        writer.heading("Votes", 1)
        writer.paragraph("Each vote below shows the question, how it was counted, how many people took part "
                         "and the full result. Votes were anonymous unless participants used a voter card.")
        writer.table(["#", "Question", "Method", "Status", "Turnout"],
                     [[numbers[t.ballot.id], t.ballot.question, t.ballot.method.label, t.ballot.status.label,
                       eligible_for(session, participants, t.ballot).of(t.turnout)] for t in ballots],
                     widths_cm=[0.9, 7.2, 3.6, 2.2, 3.6])
        for t in ballots:
            ballot, result = t.ballot, t.result
            writer.heading(f"{numbers[ballot.id]}. {ballot.question}", 2)
            facts = [ballot.method.label, ballot.status.label.lower(),
                     eligible_for(session, participants, ballot).of(t.turnout)]
            if ballot.runoff_of in numbers:
                facts.append(f"runoff after vote {numbers[ballot.runoff_of]}")
            writer.note(" · ".join(facts))
            if result is None:
                writer.paragraph(t.problem or "No votes were cast.")
                continue
            writer.paragraph(describe_result(result), bold=True)
            png = result_png(ballot, result)
            if png:
                writer.image(png, width_cm=15.0, max_height_cm=11.0, alt=f"Bar chart of the result. {describe_result(result)}")
            headers, rows = result_table(ballot, result)
            writer.table(headers, [[_cell(v) for v in row] for row in rows])
            if rounds := rounds_table(result):
                writer.heading("Rounds of counting", 3)
                writer.table(rounds[0], [[_cell(v) for v in row] for row in rounds[1]])
            for note in result.notes:
                writer.note(note)
            if t.hands is not None:
                writer.note("Counted by show of hands" + (f" ({t.hands.note})" if t.hands.note else "") + ".")
            breakdown = disaggregation_table(ballot, t.votes, participants, min_group=SMALL_GROUP)
            if breakdown is not None:
                writer.heading("By sex and type of organisation", 3)
                if len(breakdown.headers) > 1:
                    writer.table(breakdown.headers, [[_cell(v) for v in row] for row in breakdown.rows])
                writer.note(f"Only voters who used a voter card are counted by group. Groups of fewer than "
                            f"{SMALL_GROUP} voters are left out so no one's vote can be guessed.")
            chosen = [decisions[d] for d in adopted.get(ballot.id, []) if d in decisions]
            for decision in chosen:
                writer.paragraph(f"Adopted as the campaign decision — {_decision_line(decision)}.")
        return True


register(VotingWorksheet())

"""Key decisions, as the page and the report show them: the breakdown of a vote written out
in the units its counting method counts, and the "Decisions taken" section of a workshop's
report. Which decision stands on each topic is c4d.decisions.model's rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from c4d.decisions.model import PPCD_TOPICS, chronological, missing_topics, standing, superseded_by
from c4d.models import Campaign, Decision, Session
from c4d.text import short_date, share_of
from c4d.voting.results import turnout_phrase
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.report_writer import ReportWriter
    from c4d.db.store import Store


def superseded_text(decision: Decision, replacement: Decision, sessions: dict[str, Session] | None = None) -> str:
    """E.g. 'Superseded on 20 June 2020 by “Job seekers going abroad”', naming the workshop
    when the replacement was decided in another one."""
    text = f"Superseded on {short_date(replacement.decided_at)} by “{replacement.choice}”"
    if sessions and replacement.session_id != decision.session_id and replacement.session_id in sessions:
        text += f" ({sessions[replacement.session_id].title})"
    return text


def turnout_label(decision: Decision) -> str:
    """'3 of 8 voted', worded as the voting page, the live screen and the report word it."""
    if decision.turnout is None:
        return ""
    return turnout_phrase(decision.turnout, decision.eligible)


# ---- what a breakdown's numbers are -------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    """What the numbers of a decision's breakdown count, named as the counting method names
    them (the same words as the ballot's result), and how to write them."""

    title: str  # the column heading and the chart's axis title
    decimals: int = 0  # 0: whole numbers (a fraction typed by hand keeps one decimal)
    share_title: str | None = None  # None when a share of the total would mislead
    share_of_turnout: bool = False  # the share is of the people who voted, not of the sum
    out_of: float | None = None  # a fixed top of the scale, e.g. a score out of 100

    def show(self, value: float) -> str:
        if self.decimals == 0 and float(value).is_integer():
            return f"{value:.0f}"
        return f"{value:.{max(self.decimals, 1)}f}"


VOTES = Measure("Votes", share_title="Share of votes")
VOTERS = Measure("Votes", share_title="Share of voters", share_of_turnout=True)
DOTS = Measure("Dots", share_title="Share of dots")
BORDA = Measure("Borda points", share_title="Share of points")
RUNOFF = Measure("Votes in the last round counted")
SCORE_OUT_OF_100 = Measure("Score out of 100", decimals=1, out_of=100)
SCORE = Measure("Score", decimals=1)


def measure(decision: Decision) -> Measure:
    """What the decision's breakdown counts, read from how it was decided: the method a
    ballot records (c4d.voting.results.method_text, e.g. 'Criteria scoring (weighted)') or the one a
    facilitator picked when recording it by hand."""
    how = decision.method.casefold()
    if "counted as a single choice" in how:  # a show of hands on a ranking or criteria ballot
        return VOTES
    if "criteria" in how:
        # A voted criteria ballot adopts each option's score out of 100; a score typed by
        # hand can be on any scale.
        return SCORE_OUT_OF_100 if decision.ballot_id else SCORE
    if "borda" in how:
        return BORDA
    if "instant runoff" in how:
        return RUNOFF
    if "dot" in how:
        return DOTS
    if "multiple choice" in how:
        return VOTERS
    return VOTES


def breakdown_table(decision: Decision) -> tuple[list[str], list[list[str]]]:
    """The breakdown as the report prints it: headers and rows, every number written out."""
    unit = measure(decision)
    if unit.share_of_turnout:
        total = float(decision.turnout or 0)
    else:
        total = sum(row.votes for row in decision.breakdown)
    with_share = unit.share_title is not None and total > 0
    headers = ["Option", unit.title] + ([unit.share_title] if with_share else [])
    rows = [[row.option, unit.show(row.votes)] + ([share_of(row.votes, total)] if with_share else [])
            for row in decision.breakdown]
    return headers, rows


class DecisionsWorksheet:
    key = "decisions"
    title = "Key decisions"
    p_step = PStep.analysis
    roadshow_step = RoadshowStep.ppcd
    page = "worksheets/decisions.py"
    icon = ":material/task_alt:"

    def progress(self, store: "Store", campaign: Campaign) -> Progress:
        decisions = store.decisions(campaign.id)
        missing = missing_topics(decisions)
        if not decisions:
            return Progress(Status.not_started, "No decision recorded yet.",
                            "Record the PPCD's decision on the trafficking trend.")
        if missing:
            return Progress(Status.in_progress, f"{len(PPCD_TOPICS) - len(missing)} of {len(PPCD_TOPICS)} PPCD decisions taken.",
                            f"Record the decision on: {missing[0].label.lower()}.")
        return Progress(Status.done, "Trend, target group, area and media decided.")

    def report_section(self, store: "Store", campaign: Campaign, session: Session, writer: "ReportWriter") -> bool:
        """The decisions taken in this session: those that stand (as on the Key decisions
        page) with their breakdowns, then the ones since superseded, kept for the record."""
        everything = store.decisions(campaign.id)
        mine = [d for d in everything if d.session_id == session.id]
        if not mine:
            return False
        replaced = superseded_by(everything)
        sessions = {s.id: s for s in store.sessions(campaign.id)}
        stands = [d for d in standing(everything) if d.session_id == session.id]
        earlier = [d for d in chronological(mine) if d.id in replaced]

        writer.heading("Decisions taken", 1)
        if stands:
            if earlier:
                writer.paragraph("The table shows the decisions in force. Decisions this workshop took and "
                                 "later replaced are listed under “Superseded decisions” below.")
            writer.table(
                ["Decision", "Choice", "How it was decided", "Turnout"],
                [[d.topic.label, d.choice, d.method or "–", turnout_label(d) or "–"] for d in stands],
                widths_cm=[4.2, 5.6, 3.8, 3.0],
            )
        else:
            writer.paragraph("Every decision this workshop took has since been replaced by a later one; "
                             "they are listed under “Superseded decisions”.")
        by_id = {d.id: d for d in everything}
        previous = {later.id: by_id[before_id] for before_id, later in replaced.items()}
        for d in stands:
            before = previous.get(d.id)
            if not d.breakdown and not d.rationale and before is None:
                continue
            writer.heading(f"{d.topic.label}: {d.choice}", 2)
            if before is not None:
                where = ""
                if before.session_id != session.id and before.session_id in sessions:
                    where = f" ({sessions[before.session_id].title})"
                writer.note(f"Replaces the decision of {short_date(before.decided_at)}{where}: “{before.choice}”.")
            if d.rationale:
                writer.paragraph(d.rationale)
            if d.breakdown:
                writer.table(*breakdown_table(d))
        if earlier:
            writer.heading("Superseded decisions", 2)
            writer.note("Decisions taken in this workshop and replaced later by a new decision on the same "
                        "topic. They are kept for the record; they no longer apply.")
            writer.table(
                ["Decision", "Choice", "Decided on", "Status"],
                [[d.topic.label, d.choice, short_date(d.decided_at), superseded_text(d, replaced[d.id], sessions)]
                 for d in earlier],
                widths_cm=[3.8, 4.4, 2.8, 5.6],
            )
        return True


register(DecisionsWorksheet())

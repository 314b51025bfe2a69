"""PPCD decisions: the campaign's key choices (trend, primary target group, area, media),
each with how it was decided and, when it was voted on, the full breakdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.models import Campaign, Decision, DecisionTopic, Session
from c4d.worksheet import PStep, Progress, RoadshowStep, Status, register

if TYPE_CHECKING:
    from c4d.export.docx_writer import ReportWriter
    from c4d.store import Store

# The four decisions the PPCD takes by vote, in the order a facilitator takes them.
PPCD_TOPICS = (DecisionTopic.trend, DecisionTopic.primary_audience, DecisionTopic.area, DecisionTopic.media)


def latest_by_topic(decisions: list[Decision]) -> dict[DecisionTopic, Decision]:
    """The decision in force for each topic: a later decision supersedes an earlier one."""
    current: dict[DecisionTopic, Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.decided_at):
        if decision.topic is not DecisionTopic.other:
            current[decision.topic] = decision
    return current


def missing_topics(decisions: list[Decision]) -> list[DecisionTopic]:
    taken = latest_by_topic(decisions)
    return [topic for topic in PPCD_TOPICS if topic not in taken]


def share(votes: float, total: float) -> str:
    return f"{votes / total:.0%}" if total else "–"


def turnout_label(decision: Decision) -> str:
    if decision.turnout is None:
        return ""
    if decision.eligible:
        return f"{decision.turnout} of {decision.eligible} voted"
    return f"{decision.turnout} voted"


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
        decisions = [d for d in store.decisions(campaign.id) if d.session_id == session.id]
        if not decisions:
            return False
        writer.heading("Decisions taken", 1)
        writer.table(
            ["Decision", "Choice", "How it was decided", "Turnout"],
            [[d.topic.label, d.choice, d.method or "–", turnout_label(d) or "–"] for d in decisions],
        )
        for d in decisions:
            if not d.breakdown and not d.rationale:
                continue
            writer.heading(f"{d.topic.label}: {d.choice}", 2)
            if d.rationale:
                writer.paragraph(d.rationale)
            if d.breakdown:
                total = sum(row.votes for row in d.breakdown)
                writer.table(
                    ["Option", "Votes", "Share"],
                    [[row.option, f"{row.votes:g}", share(row.votes, total)] for row in d.breakdown],
                )
        return True


register(DecisionsWorksheet())

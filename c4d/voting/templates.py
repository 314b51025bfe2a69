"""The four PPCD decisions as ballots to start from: trend, primary target group, area of
dissemination and type of media, each with example options to replace with the room's own."""

from __future__ import annotations

from pydantic import Field

from c4d.models import DecisionTopic, Model
from c4d.voting.lifecycle import edit_ballot
from c4d.voting.model import Ballot, BallotOption, Criterion, VotingError, VotingMethod


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



def starting_ballot(campaign_id: str, session_id: str, method: VotingMethod, *, template: str | None = None,
                    question: str = "", options: list[str] | None = None) -> Ballot:
    """A new draft ballot: from a template (its example options), or blank with `question`
    and `options` (empty lines left out); counted by `method`, with that method's settings
    filled in where the start has none (two choices each, three dots, the trend's criteria)."""
    if template is not None:
        ballot = ballot_from_template(template, campaign_id, session_id)
    else:
        ballot = Ballot(campaign_id=campaign_id, session_id=session_id, question=question,
                        options=[BallotOption(label=line) for line in options or [] if line.strip()])
    return with_method(ballot, method)


def with_method(ballot: Ballot, method: VotingMethod) -> Ballot:
    """The ballot counted by `method`, with that method's settings (METHOD_SETTINGS) filled in
    where it has none: two choices each, three dots, the trend's criteria. Refused once
    voting has started (c4d.voting.lifecycle.edit_ballot)."""
    changes: dict = {"method": method}
    if method is VotingMethod.multiple and ballot.max_choices is None:
        changes["max_choices"] = min(2, max(len(ballot.options), 1))
    if method is VotingMethod.dots and ballot.dots is None:
        changes["dots"] = 3
    if method is VotingMethod.matrix and not ballot.criteria:
        changes["criteria"] = [Criterion(label=label, weight=weight) for label, weight in TEMPLATES["trend"].criteria]
    return edit_ballot(ballot, **changes)

"""What a PPCD decision is worth over time: the decisions in force, the ones since replaced.

A later decision on a topic supersedes the earlier ones: the latest stands, the earlier
ones stay on record as history ("superseded on 19 June 2020 by …"). Decisions on the
topic "Other decision" are each about their own matter, so none supersedes another.

`in_force` is the one place that says which decision stands on each topic; every tool that
builds on the PPCD's choices (audiences, SMART objectives, the brief, the journey) asks it."""

from __future__ import annotations

from typing import Protocol

from c4d.models import Decision, DecisionTopic

# The four decisions the PPCD takes by vote, in the order a facilitator takes them.
PPCD_TOPICS = (DecisionTopic.trend, DecisionTopic.primary_audience, DecisionTopic.area, DecisionTopic.media)
# The order topics are shown in, on the page and in the report.
TOPIC_ORDER = (*PPCD_TOPICS, DecisionTopic.secondary_audience, DecisionTopic.other)


class HasDecisions(Protocol):
    """Where decisions are read from (the store)."""

    def decisions(self, campaign_id: str) -> list[Decision]: ...


def chronological(decisions: list[Decision]) -> list[Decision]:
    return sorted(decisions, key=lambda d: d.decided_at)  # stable: same time keeps the store's order


def latest_by_topic(decisions: list[Decision]) -> dict[DecisionTopic, Decision]:
    """The decision in force for each topic: a later decision supersedes an earlier one.
    'Other' decisions are each about their own matter and are not keyed here."""
    current: dict[DecisionTopic, Decision] = {}
    for decision in chronological(decisions):
        if decision.topic is not DecisionTopic.other:
            current[decision.topic] = decision
    return current


def in_force(store: HasDecisions, campaign_id: str) -> dict[DecisionTopic, Decision]:
    """The campaign's decision in force on each topic (trend, primary target group, area,
    media, secondary target group), read from the store."""
    return latest_by_topic(store.decisions(campaign_id))


def superseded_by(decisions: list[Decision]) -> dict[str, Decision]:
    """For each decision no longer in force (by id), the decision that replaced it: the
    next one taken on the same topic. Decisions missing here stand."""
    replaced: dict[str, Decision] = {}
    last: dict[DecisionTopic, Decision] = {}
    for decision in chronological(decisions):
        if decision.topic is DecisionTopic.other:
            continue
        if decision.topic in last:
            replaced[last[decision.topic].id] = decision
        last[decision.topic] = decision
    return replaced


def standing(decisions: list[Decision]) -> list[Decision]:
    """The decisions in force, in topic order (the four PPCD topics first), then every
    'other' decision in the order taken."""
    replaced = superseded_by(decisions)
    order = {topic: i for i, topic in enumerate(TOPIC_ORDER)}
    return sorted((d for d in chronological(decisions) if d.id not in replaced), key=lambda d: order[d.topic])


def missing_topics(decisions: list[Decision]) -> list[DecisionTopic]:
    """The PPCD topics with no decision yet, in the order a facilitator takes them."""
    taken = latest_by_topic(decisions)
    return [topic for topic in PPCD_TOPICS if topic not in taken]

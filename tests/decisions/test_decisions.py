"""Key decisions: which decision stands on each topic, and what a breakdown's numbers count."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from c4d.voting.counting import count, count_hands
from c4d.voting.lifecycle import open_ballot
from c4d.voting.results import decision_from_result
from c4d.decisions.commands import record_decision, remove_decision
from c4d.decisions.model import PPCD_TOPICS, in_force, latest_by_topic, missing_topics, standing, superseded_by
from c4d.decisions.worksheet import (
    BORDA,
    DOTS,
    RUNOFF,
    SCORE,
    SCORE_OUT_OF_100,
    VOTERS,
    VOTES,
    breakdown_table,
    measure,
    superseded_text,
)
from c4d.models import Campaign, Decision, DecisionTopic, Session, SessionKind, TallyRow
from c4d.text import long_date, short_date
from c4d.voting.model import Ballot, BallotOption, Criterion, HandCount, Vote, VotingMethod

T0 = datetime(2020, 6, 19, 8, 0, tzinfo=timezone.utc)


def decision(topic: DecisionTopic, choice: str, hours: float, **fields) -> Decision:
    return Decision(campaign_id="c", session_id="s1", topic=topic, choice=choice,
                    decided_at=T0 + timedelta(hours=hours), **fields)


# ---- which decision stands ------------------------------------------------------------------
def test_the_latest_decision_on_a_topic_stands_and_the_earlier_ones_name_their_replacement():
    first = decision(DecisionTopic.primary_audience, "Young women aged 18–27", 0)
    second = decision(DecisionTopic.primary_audience, "High-school girls", 2)
    third = decision(DecisionTopic.primary_audience, "Job seekers going abroad", 30)
    trend = decision(DecisionTopic.trend, "Sexual exploitation", 1)
    # handed over out of order: the time decides, not the position
    decisions = [third, trend, first, second]

    assert superseded_by(decisions) == {first.id: second, second.id: third}
    assert [d.id for d in standing(decisions)] == [trend.id, third.id]  # topic order: trend first
    assert latest_by_topic(decisions)[DecisionTopic.primary_audience].id == third.id


def test_other_decisions_are_separate_matters_and_all_stand():
    a = decision(DecisionTopic.other, "Launch in March", 0)
    b = decision(DecisionTopic.other, "Use the chatbot name 'Nomi'", 1)
    media = decision(DecisionTopic.media, "Social media", 2)
    assert superseded_by([a, b, media]) == {}
    assert [d.id for d in standing([b, media, a])] == [media.id, a.id, b.id]


def test_in_force_reads_the_campaigns_decisions_from_the_store(store):
    campaign = store.create_campaign(Campaign(name="Dream Umbrella"))
    assert in_force(store, campaign.id) == {}
    first = record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.area, choice="Ulaanbaatar only",
                            method="Show of hands")
    later = record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.area,
                            choice="Ulaanbaatar and Darkhan-Uul", method="Show of hands")
    later = later.model_copy(update={"decided_at": first.decided_at + timedelta(seconds=1)})
    store.update_decision(later)
    record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.other, choice="Launch in March",
                    method="Discussion (consensus)")
    assert {t: d.choice for t, d in in_force(store, campaign.id).items()} == {
        DecisionTopic.area: "Ulaanbaatar and Darkhan-Uul"}  # 'other' decisions are not keyed by topic
    assert in_force(store, campaign.id) == latest_by_topic(store.decisions(campaign.id))
    other = store.create_campaign(Campaign(name="Another campaign"))
    assert in_force(store, other.id) == {}  # one campaign's decisions never leak into another's


def test_missing_topics_are_the_ppcd_topics_not_yet_decided_in_order():
    assert missing_topics([]) == list(PPCD_TOPICS)
    taken = [decision(DecisionTopic.area, "Ulaanbaatar", 0), decision(DecisionTopic.other, "Launch in March", 1),
             decision(DecisionTopic.secondary_audience, "Parents", 2)]
    assert missing_topics(taken) == [DecisionTopic.trend, DecisionTopic.primary_audience, DecisionTopic.media]


def test_recording_a_decision_checks_turnout_and_saves_nothing_when_refused(store):
    campaign = store.create_campaign(Campaign(name="Dream Umbrella"))
    with pytest.raises(ValueError, match="12 people voted but only 10 were present"):
        record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.trend, choice="Forced labour",
                        method="Show of hands", turnout=12, eligible=10)
    with pytest.raises(ValueError):
        record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.trend, choice="  ", method="Show of hands")
    assert store.decisions(campaign.id) == []
    saved = record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.trend, choice="Forced labour",
                            method="Vote (single choice)", turnout=10, eligible=12,
                            breakdown=[TallyRow(option="Forced labour", votes=7), TallyRow(option="Begging", votes=3)])
    assert store.decisions(campaign.id) == [saved]
    assert [r.votes for r in saved.breakdown] == [7, 3]


def test_removing_a_decision_brings_back_the_earlier_one_on_its_topic(store):
    campaign = store.create_campaign(Campaign(name="Dream Umbrella"))
    first = record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.media, choice="Radio",
                            method="Show of hands")
    second = record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.media, choice="Social media",
                             method="Show of hands")
    store.update_decision(second.model_copy(update={"decided_at": first.decided_at + timedelta(seconds=1)}))
    assert in_force(store, campaign.id)[DecisionTopic.media].id == second.id
    remove_decision(store, second.id)
    assert in_force(store, campaign.id)[DecisionTopic.media].id == first.id
    remove_decision(store, second.id)  # already gone (a second click): nothing happens
    assert [d.id for d in store.decisions(campaign.id)] == [first.id]


def test_superseded_text_names_the_date_the_choice_and_another_workshop():
    sessions = {sid: Session(id=sid, campaign_id="c", kind=kind, title=title, start_date=T0.date(), end_date=T0.date())
                for sid, kind, title in (("s1", SessionKind.ppcd, "PPCD 2020"),
                                         ("s2", SessionKind.showcase, "Campaign launch"))}
    old = decision(DecisionTopic.area, "Ulaanbaatar only", 0)
    same_workshop = decision(DecisionTopic.area, "Ulaanbaatar and Darkhan-Uul", 26)
    elsewhere = same_workshop.model_copy(update={"session_id": "s2"})
    day = short_date(same_workshop.decided_at)
    assert superseded_text(old, same_workshop, sessions) == f"Superseded on {day} by “Ulaanbaatar and Darkhan-Uul”"
    assert superseded_text(old, elsewhere, sessions).endswith("“Ulaanbaatar and Darkhan-Uul” (Campaign launch)")


def test_a_decision_is_dated_in_words():
    assert long_date(datetime(2020, 6, 19, 12, 0, tzinfo=timezone.utc)) == "19 June 2020"


# ---- what the numbers count, for each counting method -----------------------------------------
def _ballot(method: VotingMethod, **fields) -> Ballot:
    ballot = Ballot(campaign_id="c", session_id="s1", question="Which target group?", method=method,
                    topic=DecisionTopic.primary_audience,
                    options=[BallotOption(id=i, label=label) for i, label in
                             (("a", "Young women"), ("b", "Girls"), ("c", "Job seekers"))], **fields)
    return open_ballot(ballot)


def _votes(ballot: Ballot) -> list[Vote]:
    m = ballot.method
    payloads = {
        VotingMethod.single: [{"selections": ["a"]}, {"selections": ["a"]}, {"selections": ["b"]}],
        VotingMethod.multiple: [{"selections": ["a", "b"]}, {"selections": ["a"]}, {"selections": ["c"]}],
        VotingMethod.dots: [{"dots": {"a": 2, "b": 1}}, {"dots": {"a": 3}}, {"dots": {"c": 1}}],
        VotingMethod.ranking_borda: [{"ranking": ["a", "b", "c"]}, {"ranking": ["a", "c", "b"]},
                                     {"ranking": ["b", "a", "c"]}],
        VotingMethod.ranking_irv: [{"ranking": ["a"]}, {"ranking": ["b", "a"]}, {"ranking": ["b"]},
                                   {"ranking": ["c", "a"]}, {"ranking": ["a", "c"]}],
        VotingMethod.matrix: [{"scores": {"a": {"x": 5, "y": 4}, "b": {"x": 2, "y": 3}, "c": {"x": 1, "y": 1}}},
                              {"scores": {"a": {"x": 4, "y": 5}, "b": {"x": 3, "y": 2}, "c": {"x": 2, "y": 1}}}],
    }[m]
    return [Vote(ballot_id=ballot.id, voter_key=f"v{i}", **p) for i, p in enumerate(payloads)]


FIELDS = {VotingMethod.multiple: {"max_choices": 2}, VotingMethod.dots: {"dots": 3},
          VotingMethod.matrix: {"criteria": [Criterion(id="x", label="Evidence", weight=2),
                                             Criterion(id="y", label="Reach", weight=1)]}}
EXPECTED = {VotingMethod.single: VOTES, VotingMethod.multiple: VOTERS, VotingMethod.dots: DOTS,
            VotingMethod.ranking_borda: BORDA, VotingMethod.ranking_irv: RUNOFF,
            VotingMethod.matrix: SCORE_OUT_OF_100}


@pytest.mark.parametrize("method", list(VotingMethod))
def test_an_adopted_result_is_measured_as_its_method_counts(method):
    """Through the real count and adoption, so a change in how c4d.voting.results records the
    method shows up here."""
    ballot = _ballot(method, **FIELDS.get(method, {}))
    adopted = decision_from_result(ballot, count(ballot, _votes(ballot)))
    assert measure(adopted) == EXPECTED[method]
    headers, _rows = breakdown_table(adopted)
    assert headers[1] == EXPECTED[method].title


def test_a_show_of_hands_on_a_criteria_ballot_counts_votes():
    ballot = _ballot(VotingMethod.matrix, **FIELDS[VotingMethod.matrix])
    result = count_hands(ballot, HandCount(ballot_id=ballot.id, counts={"a": 9, "b": 4}))
    adopted = decision_from_result(ballot, result)
    assert "counted as a single choice" in adopted.method
    assert measure(adopted) == VOTES
    assert breakdown_table(adopted) == (["Option", "Votes", "Share of votes"],
                                        [["Young women", "9", "69%"], ["Girls", "4", "31%"], ["Job seekers", "0", "0%"]])


def test_a_criteria_decision_shows_its_score_out_of_100_with_one_decimal_and_no_share():
    adopted = decision(DecisionTopic.trend, "Forced labour", 0, method="Criteria scoring (weighted)",
                       ballot_id="b1", turnout=8,
                       breakdown=[TallyRow(option="Forced labour", votes=59.38), TallyRow(option="Servitude", votes=50)])
    assert breakdown_table(adopted) == (["Option", "Score out of 100"],
                                        [["Forced labour", "59.4"], ["Servitude", "50.0"]])


def test_votes_are_whole_numbers_and_multiple_choice_shares_are_of_voters():
    adopted = decision(DecisionTopic.media, "Radio", 0, method="Vote (multiple choice)", turnout=10,
                       breakdown=[TallyRow(option="Radio", votes=8), TallyRow(option="TV", votes=5)])
    # 13 ticks from 10 people: 80% of the voters chose radio, not 62% of the ticks
    assert breakdown_table(adopted) == (["Option", "Votes", "Share of voters"],
                                        [["Radio", "8", "80%"], ["TV", "5", "50%"]])


def test_borda_points_and_dots_are_named_and_shared_of_their_total():
    borda = decision(DecisionTopic.area, "UB", 0, method="Ranking vote (Borda count)",
                     breakdown=[TallyRow(option="UB", votes=30), TallyRow(option="Darkhan", votes=10)])
    assert breakdown_table(borda) == (["Option", "Borda points", "Share of points"],
                                      [["UB", "30", "75%"], ["Darkhan", "10", "25%"]])
    dots = decision(DecisionTopic.media, "Posters", 0, method="Dot voting, by show of hands",
                    breakdown=[TallyRow(option="Posters", votes=12), TallyRow(option="Events", votes=4)])
    assert breakdown_table(dots)[0] == ["Option", "Dots", "Share of dots"]


@pytest.mark.parametrize(("how", "ballot_id", "expected"), [
    ("Vote (single choice)", None, VOTES),
    ("Show of hands", None, VOTES),
    ("Vote (dot voting)", None, DOTS),
    ("Criteria scoring", None, SCORE),  # typed by hand: the scale is the facilitator's
    ("Discussion (consensus)", None, VOTES),
    ("", None, VOTES),
])
def test_decisions_recorded_by_hand_are_measured_by_the_method_picked(how, ballot_id, expected):
    assert measure(decision(DecisionTopic.trend, "X", 0, method=how, ballot_id=ballot_id)) == expected


def test_a_fraction_typed_by_hand_is_not_rounded_away():
    typed = decision(DecisionTopic.trend, "X", 0, method="Show of hands",
                     breakdown=[TallyRow(option="X", votes=2.5), TallyRow(option="Y", votes=7.5)])
    assert [row[1] for row in breakdown_table(typed)[1]] == ["2.5", "7.5"]

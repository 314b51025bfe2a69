"""Ballots, votes and counting (c4d.voting.model, counting, lifecycle, templates, results): known profiles, every rejection, properties."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from c4d.voting import counting
from c4d.models import DecisionTopic, OrgType, Sex, friendly_errors
from c4d.voting.counting import ResultParts, count, count_hands, describe_parts, describe_result, result_parts
from c4d.voting.lifecycle import (
    close_ballot,
    edit_ballot,
    hide_results,
    open_ballot,
    reopen_ballot,
    reveal_results,
    runoff_ballot,
)
from c4d.voting.model import (
    Ballot,
    BallotOption,
    BallotStatus,
    Criterion,
    HandCount,
    Vote,
    VotingError,
    VotingMethod,
    latest_votes,
    readiness_problems,
    validate_vote,
)
from c4d.voting.results import NOT_IDENTIFIED, decision_from_result, disaggregate
from c4d.voting.templates import TEMPLATES, ballot_from_template

T0 = datetime(2020, 6, 18, 9, 0, tzinfo=timezone.utc)


def make_ballot(labels, method=VotingMethod.single, *, status="open", **extra) -> Ballot:
    """A ballot whose option ids are a, b, c, … in the order given."""
    options = [BallotOption(id=chr(ord("a") + i) if i < 26 else f"o{i}", label=label)
               for i, label in enumerate(labels)]
    return Ballot(campaign_id="camp", session_id="ppcd", question="Which one?", method=method,
                  options=options, status=status, **extra)


def votes_for(ballot, payloads, field, start=0):
    """One vote per payload, from voters v0, v1, …, cast one second apart."""
    return [
        Vote(ballot_id=ballot.id, voter_key=f"v{start + i}", cast_at=T0 + timedelta(seconds=start + i),
             **{field: payload})
        for i, payload in enumerate(payloads)
    ]


def repeat(payload, n):
    return [payload] * n


# --------------------------------------------------------------------------- methods and templates


def test_every_method_has_a_label_and_a_one_line_explanation():
    for method in VotingMethod:
        assert method.label and method.explanation
        assert "\n" not in method.explanation and method.explanation.endswith(".")
    assert len({m.label for m in VotingMethod}) == len(VotingMethod)


@pytest.mark.parametrize("key,topic", [("trend", DecisionTopic.trend),
                                       ("primary_audience", DecisionTopic.primary_audience),
                                       ("area", DecisionTopic.area), ("media", DecisionTopic.media)])
def test_templates_make_openable_draft_ballots_for_the_four_ppcd_decisions(key, topic):
    ballot = ballot_from_template(key, "camp", "ppcd")
    assert ballot.status is BallotStatus.draft and ballot.template == key and ballot.topic is topic
    assert ballot.method is TEMPLATES[key].method
    assert [o.label for o in ballot.options] == TEMPLATES[key].options
    assert readiness_problems(ballot) == []
    assert open_ballot(ballot).status is BallotStatus.open


def test_media_template_offers_the_usual_channels_and_unknown_template_is_refused():
    labels = [o.label for o in ballot_from_template("media", "c", "s").options]
    for channel in ("TV", "Radio", "Facebook", "TikTok", "YouTube"):
        assert channel in labels
    with pytest.raises(VotingError, match="no ballot template 'budget'"):
        ballot_from_template("budget", "c", "s")


def test_two_ballots_from_one_template_get_their_own_option_ids():
    one, two = (ballot_from_template("area", "c", "s") for _ in range(2))
    assert one.id != two.id and not set(one.option_ids) & set(two.option_ids)


# --------------------------------------------------------------------------- ballot validation


def test_option_labels_must_differ_beyond_case_and_spacing():
    with pytest.raises(ValidationError) as caught:
        make_ballot(["Radio", "  radio ", "TV"], status="draft")
    assert any("same option" in m for m in friendly_errors(caught.value))


def test_a_ballot_holds_at_most_thirty_options():
    make_ballot([f"Option {i}" for i in range(30)], status="draft")
    with pytest.raises(ValidationError, match="at most 30 options"):
        make_ballot([f"Option {i}" for i in range(31)], status="draft")


def test_criterion_weight_must_be_positive():
    with pytest.raises(ValidationError):
        Criterion(label="Severity", weight=0)


def test_an_open_ballot_cannot_be_built_in_a_state_that_could_not_be_opened():
    with pytest.raises(ValidationError, match="at least 2 options"):
        make_ballot(["Only one"], status="open")
    with pytest.raises(ValidationError, match="criterion"):
        make_ballot(["A", "B"], VotingMethod.matrix, status="open")


# --------------------------------------------------------------------------- lifecycle


def test_lifecycle_draft_open_closed_reopen():
    draft = make_ballot(["A", "B"], status="draft")
    opened = open_ballot(draft, at=T0)
    assert draft.status is BallotStatus.draft  # a new object; the old one is untouched
    assert opened.status is BallotStatus.open and opened.opened_at == T0
    closed = close_ballot(opened, at=T0 + timedelta(minutes=5))
    assert closed.status is BallotStatus.closed and closed.closed_at == T0 + timedelta(minutes=5)
    revealed = reveal_results(closed)
    assert revealed.results_revealed
    again = reopen_ballot(revealed)
    assert again.status is BallotStatus.open and again.closed_at is None
    assert not again.results_revealed  # late voters are not swayed by the earlier result
    assert reveal_results(reveal_results(closed)).results_revealed  # twice is harmless
    assert not hide_results(revealed).results_revealed


@pytest.mark.parametrize("verb,status,message", [
    (open_ballot, "open", "already open"),
    (open_ballot, "closed", "reopen it"),
    (close_ballot, "draft", "still a draft"),
    (close_ballot, "closed", "already closed"),
    (reopen_ballot, "draft", "still a draft"),
    (reopen_ballot, "open", "already open"),
    (reveal_results, "draft", "not been opened"),
])
def test_illegal_transitions_are_refused(verb, status, message):
    with pytest.raises(VotingError, match=message):
        verb(make_ballot(["A", "B"], status=status))


@pytest.mark.parametrize("labels,method,extra,message", [
    (["A"], VotingMethod.single, {}, "at least 2 options"),
    ([], VotingMethod.single, {}, "at least 2 options"),
    (["A", "B"], VotingMethod.multiple, {}, "how many options each person may choose"),
    (["A", "B"], VotingMethod.multiple, {"max_choices": 3}, "only 2"),
    (["A", "B"], VotingMethod.dots, {}, "how many dots"),
    (["A", "B"], VotingMethod.dots, {"dots": 3, "allow_stacking": False}, "allow several dots"),
    (["A", "B"], VotingMethod.matrix, {}, "at least one criterion"),
])
def test_a_ballot_that_is_not_ready_cannot_be_opened(labels, method, extra, message):
    draft = make_ballot(labels, method, status="draft", **extra)
    with pytest.raises(VotingError, match=message):
        open_ballot(draft)


def test_editing_a_draft_is_free_but_an_open_ballot_keeps_its_options():
    draft = make_ballot(["A", "B"], status="draft")
    more = edit_ballot(draft, options=[*draft.options, BallotOption(id="c", label="C")],
                       method=VotingMethod.ranking_borda)
    assert more.option_ids == ["a", "b", "c"] and more.method is VotingMethod.ranking_borda

    opened = open_ballot(draft)
    fixed = edit_ballot(opened, question="Which one, really?",
                        options=[BallotOption(id="a", label="Ulaanbaatar"), BallotOption(id="b", label="B")])
    assert fixed.options[0].label == "Ulaanbaatar" and fixed.status is BallotStatus.open
    with pytest.raises(VotingError, match="options can no longer change"):
        edit_ballot(opened, options=[*opened.options, BallotOption(id="c", label="C")])
    with pytest.raises(VotingError, match="method"):
        edit_ballot(opened, method=VotingMethod.multiple, max_choices=2)
    with pytest.raises(VotingError, match="open, close, reopen or reveal"):
        edit_ballot(opened, status="closed")
    with pytest.raises(VotingError, match="same option"):
        edit_ballot(draft, options=[BallotOption(label="X"), BallotOption(label="x")])


def test_criteria_weights_are_fixed_once_voting_starts():
    ballot = make_ballot(["A", "B"], VotingMethod.matrix, criteria=[Criterion(id="sev", label="Severity")])
    edit_ballot(ballot, criteria=[Criterion(id="sev", label="Severity of harm")])
    with pytest.raises(VotingError, match="criteria"):
        edit_ballot(ballot, criteria=[Criterion(id="sev", label="Severity", weight=2)])


# --------------------------------------------------------------------------- vote validation


MATRIX_CRITERIA = [Criterion(id="mag", label="Magnitude"), Criterion(id="sev", label="Severity")]

REJECTIONS = [
    # (method, ballot extras, vote payload, message)
    ("single", {}, {"selections": []}, "Choose an option"),
    ("single", {}, {"selections": ["a", "b"]}, "only one"),
    ("single", {}, {"selections": ["z"]}, "not on this ballot"),
    ("single", {}, {"ranking": ["a"]}, "not a ranking"),
    ("multiple", {"max_choices": 2}, {"selections": ["a", "b", "c"]}, "at most 2"),
    ("multiple", {"max_choices": 2}, {"selections": ["a", "a"]}, "chosen twice"),
    ("multiple", {"max_choices": 2}, {"selections": ["a", "z"]}, "not on this ballot"),
    ("dots", {"dots": 3}, {"dots": {"a": 2, "b": 2}}, "3 dots but placed 4"),
    ("dots", {"dots": 3}, {"dots": {}}, "at least one dot"),
    ("dots", {"dots": 3}, {"dots": {"z": 1}}, "not on this ballot"),
    ("dots", {"dots": 3, "allow_stacking": False}, {"dots": {"a": 2}}, "at most one dot"),
    ("ranking_borda", {}, {"ranking": ["a", "b"]}, "all 3 options"),
    ("ranking_borda", {}, {"ranking": ["a", "b", "a"]}, "appears twice"),
    ("ranking_borda", {}, {"ranking": []}, "at least one option"),
    ("ranking_irv", {}, {"ranking": ["a", "a"]}, "appears twice"),
    ("ranking_irv", {}, {"ranking": ["a", "z"]}, "not on this ballot"),
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 3, "sev": 3}, "b": {"mag": 3, "sev": 3}, "c": {"mag": 3}}}, "every criterion"),
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 3, "sev": 3}, "b": {"mag": 3, "sev": 3}}}, "Score 'C'"),
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 6, "sev": 3}, "b": {"mag": 3, "sev": 3}, "c": {"mag": 3, "sev": 3}}},
     "^Scores run from 1 to 5; 'A' has 6 for 'Magnitude'.$"),
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 0, "sev": 3}, "b": {"mag": 3, "sev": 3}, "c": {"mag": 3, "sev": 3}}}, "1 to 5"),
    # A score out of range is named even when another score is missing, in any row.
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 3}, "b": {"mag": 3, "sev": 3}, "c": {"mag": 3, "sev": 6}}},
     "^Scores run from 1 to 5; 'C' has 6 for 'Severity'.$"),
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 3, "sev": 3, "xx": 1}, "b": {"mag": 3, "sev": 3}, "c": {"mag": 3, "sev": 3}}},
     "criterion that is not"),
    ("matrix", {"criteria": MATRIX_CRITERIA},
     {"scores": {"a": {"mag": 3, "sev": 3}, "b": {"mag": 3, "sev": 3}, "c": {"mag": 3, "sev": 3},
                 "z": {"mag": 3, "sev": 3}}}, "not on this ballot"),
]

VALID = {
    "single": {"selections": ["b"]},
    "multiple": {"selections": ["a", "c"]},
    "dots": {"dots": {"a": 1, "c": 1}},
    "ranking_borda": {"ranking": ["c", "a", "b"]},
    "ranking_irv": {"ranking": ["c"]},
    "matrix": {"scores": {o: {"mag": 5, "sev": 1} for o in "abc"}},
}


@pytest.mark.parametrize("method,extra,payload,message", REJECTIONS)
def test_validate_vote_rejects(method, extra, payload, message):
    ballot = make_ballot(["A", "B", "C"], VotingMethod(method), **extra)
    with pytest.raises(VotingError, match=message):
        validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key="v", **payload))
    # ... while a well-formed vote on the same ballot passes.
    good = Vote(ballot_id=ballot.id, voter_key="v", **VALID[method])
    assert validate_vote(ballot, good) is good


def test_one_dot_is_one_dot_in_the_message():
    ballot = make_ballot(["A", "B"], VotingMethod.dots, dots=1)
    with pytest.raises(VotingError, match=r"^You have 1 dot but placed 2\.$"):
        validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key="v", dots={"a": 1, "b": 1}))


def test_dots_may_stack_when_allowed_and_fewer_dots_than_given_are_fine():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.dots, dots=3, allow_stacking=True)
    validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key="v", dots={"a": 3}))
    validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key="v", dots={"b": 2}))


def test_votes_are_refused_on_draft_closed_and_other_ballots():
    ballot = make_ballot(["A", "B"])
    vote = Vote(ballot_id=ballot.id, voter_key="v", selections=["a"])
    with pytest.raises(VotingError, match="has not started"):
        validate_vote(ballot.model_copy(update={"status": BallotStatus.draft}), vote)
    closed = close_ballot(ballot)
    with pytest.raises(VotingError, match="closed"):
        validate_vote(closed, vote)
    validate_vote(closed, vote, require_open=False)  # counting re-checks stored votes
    other = make_ballot(["A", "B"])
    with pytest.raises(VotingError, match="different ballot"):
        validate_vote(other, vote)
    with pytest.raises(VotingError, match="different ballot"):
        count(other, [vote])


def test_vote_model_rejects_malformed_input():
    with pytest.raises(ValidationError):
        Vote(ballot_id="b", voter_key="", selections=["a"])
    with pytest.raises(ValidationError):
        Vote(ballot_id="b", voter_key="v", selections=["<script>"])
    with pytest.raises(ValidationError):
        Vote(ballot_id="b", voter_key="v", dots={"a": -1})
    with pytest.raises(ValidationError):
        Vote(ballot_id="b", voter_key="v", selections=[f"o{i}" for i in range(31)])
    assert Vote(ballot_id="b", voter_key="v", dots={"a": 2, "b": 0}).dots == {"a": 2}


# --------------------------------------------------------------------------- counting: single, multiple, dots


def test_single_choice_counts_and_describes_the_winner():
    ballot = make_ballot(["Young women 18–27", "High-school girls", "Job seekers going abroad"])
    votes = votes_for(ballot, repeat(["a"], 22) + repeat(["b"], 10) + repeat(["c"], 6), "selections")
    result = count(ballot, votes)
    assert [(r.option_id, r.score, r.votes) for r in result.rows] == [("a", 22, 22), ("b", 10, 10), ("c", 6, 6)]
    assert result.winner_ids == ["a"] and not result.tie and result.turnout == 38
    assert result.rows[0].share == pytest.approx(22 / 38)
    assert result.source == "phones"
    assert describe_result(result) == "Young women 18–27 leads with 22 of 38 votes (58%)."
    assert describe_result(count(close_ballot(ballot), votes)) == "Young women 18–27 wins with 22 of 38 votes (58%)."


def test_tie_at_the_top_is_named_and_rows_keep_ballot_order():
    ballot = make_ballot(["A", "B", "C"])
    votes = votes_for(ballot, repeat(["c"], 12) + repeat(["b"], 12) + repeat(["a"], 3), "selections")
    result = count(ballot, votes)
    assert result.tie and result.winner_ids == ["b", "c"] and result.tied_labels == ["B", "C"]
    assert [r.rank for r in result.rows] == [1, 1, 3]
    assert describe_result(result) == "Tie between B and C with 12 votes each."


def test_no_votes_means_no_winner_and_no_tie():
    ballot = make_ballot(["A", "B"])
    result = count(ballot, [])
    assert result.winner_ids == [] and not result.tie and result.turnout == 0
    assert describe_result(result) == "No votes yet."


def test_a_replaced_vote_counts_once_and_the_latest_wins_whatever_the_arrival_order():
    ballot = make_ballot(["A", "B"])
    first = Vote(ballot_id=ballot.id, voter_key="phone-1", selections=["a"], cast_at=T0)
    second = Vote(ballot_id=ballot.id, voter_key="phone-1", selections=["b"], cast_at=T0 + timedelta(seconds=30))
    other = Vote(ballot_id=ballot.id, voter_key="phone-2", selections=["a"], cast_at=T0)
    for arrival in ([first, second, other], [second, other, first]):
        result = count(ballot, arrival)
        assert result.turnout == 2
        assert result.row("a").votes == 1 and result.row("b").votes == 1
    assert latest_votes([second, first]) == [second]


def test_times_without_a_zone_are_read_as_utc():
    naive = Vote(ballot_id="b", voter_key="v", selections=["a"], cast_at=datetime(2020, 6, 18, 9, 0))
    assert naive.cast_at == T0


def test_multiple_choice_counts_supporters_and_shares_of_voters():
    ballot = make_ballot(["Capital", "Second city", "Border towns"], VotingMethod.multiple, max_choices=2)
    votes = votes_for(ballot, [["a", "b"], ["a"], ["a", "c"], ["b", "c"]], "selections")
    result = count(ballot, votes)
    assert [(r.option_id, r.votes) for r in result.rows] == [("a", 3), ("b", 2), ("c", 2)]
    assert result.turnout == 4 and result.total == 7
    assert result.rows[0].share == pytest.approx(0.75)
    assert describe_result(result) == "Capital leads, chosen by 3 of 4 voters (75%)."


def test_dot_voting_totals_dots_and_counts_supporters():
    ballot = make_ballot(["TV", "Radio", "Facebook"], VotingMethod.dots, dots=3)
    votes = votes_for(ballot, [{"c": 3}, {"a": 1, "c": 2}, {"b": 2}], "dots")
    result = count(ballot, votes)
    assert [(r.option_id, r.score, r.votes) for r in result.rows] == [("c", 5, 2), ("b", 2, 1), ("a", 1, 1)]
    assert result.total == 8 and result.rows[0].share == pytest.approx(5 / 8)
    assert describe_result(result) == "Facebook leads with 5 of 8 dots (62%)."


# --------------------------------------------------------------------------- counting: rankings


# The textbook four-city example (the Tennessee capital), with 100 voters in four blocs.
# Plurality picks the biggest bloc's city, Borda the compromise, instant runoff a third.
CITIES = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]  # ids a, b, c, d
BLOCS = [(42, ["a", "b", "c", "d"]), (26, ["b", "c", "d", "a"]),
         (15, ["c", "d", "b", "a"]), (17, ["d", "c", "b", "a"])]


def bloc_rankings():
    return [ranking for size, ranking in BLOCS for _ in range(size)]


def test_borda_winner_differs_from_the_plurality_winner():
    ballot = make_ballot(CITIES, VotingMethod.ranking_borda)
    result = count(ballot, votes_for(ballot, bloc_rankings(), "ranking"))
    points = {r.option_id: r.score for r in result.rows}
    assert points == {"a": 126, "b": 194, "c": 173, "d": 107}
    assert result.winner_ids == ["b"]
    first = {r.option_id: r.first_prefs for r in result.rows}
    assert max(first, key=first.get) == "a"  # plurality would have chosen Memphis
    assert result.total == 100 * 6
    assert describe_result(result) == "Nashville leads with 194 Borda points (first choice of 26 of 100)."


def test_instant_runoff_plurality_winner_loses_after_transfers():
    ballot = make_ballot(CITIES, VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, bloc_rankings(), "ranking"))
    assert [r.tallies for r in result.rounds] == [
        {"a": 42, "b": 26, "c": 15, "d": 17},
        {"a": 42, "b": 26, "d": 32},
        {"a": 42, "d": 58},
    ]
    assert [r.eliminated for r in result.rounds] == [["c"], ["b"], []]
    assert result.winner_ids == ["d"] and not result.tie and not result.tie_break_used
    assert [r.option_id for r in result.rows] == ["d", "a", "b", "c"]
    assert [r.eliminated_in for r in result.rows] == [None, None, 2, 1]
    assert result.row("a").first_prefs == 42
    assert describe_result(result) == "Knoxville leads in round 3 with 58 of 100 votes (58%)."


def test_instant_runoff_partial_rankings_exhaust():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    rankings = repeat(["a"], 4) + repeat(["b"], 3) + [["c"], ["c", "b"]]
    result = count(ballot, votes_for(ballot, rankings, "ranking"))
    # C (2) is eliminated; one of its ballots ranks nothing else and is exhausted.
    final = result.rounds[-1]
    assert final.tallies == {"a": 4, "b": 4} and final.exhausted == 1 and final.continuing == 8
    assert not result.tie_break_used
    assert result.tie and result.tied_labels == ["A", "B"]
    assert describe_result(result) == "Tie between A and B with 4 votes each in the final round."


def test_instant_runoff_tie_break_by_first_preferences_before_borda():
    ballot = make_ballot(["A", "B", "C", "D"], VotingMethod.ranking_irv)
    rankings = repeat(["a", "b"], 6) + repeat(["b"], 3) + repeat(["c"], 4) + [["d", "b"]]
    result = count(ballot, votes_for(ballot, rankings, "ranking"))
    assert result.rounds[0].eliminated == ["d"] and result.rounds[0].tie_break == ""
    assert result.rounds[1].tallies == {"a": 6, "b": 4, "c": 4}
    # B has fewer first preferences (3 against 4) though more Borda points (23 against 12).
    assert result.rounds[1].eliminated == ["b"]
    assert "fewest first preferences" in result.rounds[1].tie_break
    assert result.rounds[2].tallies == {"a": 6, "c": 4} and result.rounds[2].exhausted == 4
    assert result.tie_break_used and result.winner_ids == ["a"]
    assert not result.tie and result.inseparable_ids == []  # a real count settled it: no tie
    assert "tie-break" in describe_result(result)


def test_instant_runoff_tie_break_by_borda_points_before_ballot_order():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    rankings = repeat(["a", "c"], 3) + repeat(["b"], 2) + repeat(["c"], 2)
    result = count(ballot, votes_for(ballot, rankings, "ranking"))
    # B and C both have 2 first preferences; B has fewer Borda points (4 against 7),
    # so B goes although C is lower on the ballot.
    assert result.rounds[0].eliminated == ["b"]
    assert "fewest Borda points" in result.rounds[0].tie_break
    assert result.winner_ids == ["a"] and result.tie_break_used
    assert not result.tie and result.inseparable_ids == []
    # Put C above B on the ballot: the Borda points decide, not the order.
    swapped = ballot.model_copy(update={"options": [ballot.options[0], ballot.options[2], ballot.options[1]]})
    assert count(swapped, votes_for(ballot, rankings, "ranking")).rounds[0].eliminated == ["b"]


def test_instant_runoff_ballot_order_may_settle_an_elimination_that_cannot_change_the_winner():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, [["a"], ["a"], ["b"], ["c"]], "ranking"))
    # B and C alike in every way: C is lower on the ballot. Had B gone instead, A would
    # still have 2 of the 3 ballots in play, so this is no tie.
    assert result.rounds[0].eliminated == ["c"]
    assert result.rounds[0].tie_break == (
        "B and C tied with 1 vote; C was eliminated because it is lowest on the ballot; no count "
        "separated them, but whichever of them is eliminated, the outcome is the same.")
    assert result.winner_ids == ["a"] and not result.tie and result.inseparable_ids == []
    assert result.tie_break_used
    assert describe_result(result) == "A leads in round 2 with 2 of 3 votes (67%); a tie-break decided an elimination."


def test_instant_runoff_options_without_votes_leave_together_without_a_tie_break():
    ballot = make_ballot(["A", "B", "C", "D"], VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, repeat(["a", "c"], 2) + repeat(["b", "d"], 2), "ranking"))
    assert result.rounds[0].eliminated == ["c", "d"] and not result.tie_break_used
    assert result.tie and result.winner_ids == ["a", "b"]
    assert [r.rank for r in result.rows] == [1, 1, 3, 3]


def test_instant_runoff_majority_in_the_first_round_needs_one_round():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, repeat(["a"], 3) + [["b"]], "ranking"))
    assert len(result.rounds) == 1 and result.winner_ids == ["a"]


def test_instant_runoff_three_options_one_vote_each_is_a_three_way_tie_not_a_ballot_order_win():
    # The audit's profile: one vote each, the same first choices, and equal Borda points.
    # Whichever option goes first, its vote moves on and elects a different winner:
    # ballot order would have picked the winner, so the count reports a tie instead.
    ballot = make_ballot(["Radio", "TV", "Posters"], VotingMethod.ranking_irv)
    result = count(close_ballot(ballot), votes_for(ballot, [["a", "b"], ["b", "c"], ["c", "a"]], "ranking"))
    assert result.tie and result.winner_ids == ["a", "b", "c"] and result.tied_labels == ["Radio", "TV", "Posters"]
    assert result.inseparable_ids == ["a", "b", "c"] and not result.tie_break_used
    assert len(result.rounds) == 1 and result.rounds[0].eliminated == []  # the count stops: no one is dropped
    assert result.rounds[0].tie_break == (
        "Radio, TV and Posters have 1 vote each, 1 first preference each and 3 Borda points each, so no count "
        "can say which of them is eliminated, and that can change the winner. The count stops here: a tie "
        "between Radio, TV and Posters for the room to settle.")
    assert [r.rank for r in result.rows] == [1, 1, 1]
    assert describe_result(result) == ("Tie between Radio, TV and Posters: in round 1 no count can separate them, "
                                       "and which of them is eliminated can change the winner.")
    assert any(note.startswith("Round 1: Radio, TV and Posters have 1 vote each") for note in result.notes)
    # The facilitator's one-click runoff offers the three of them; nothing can be adopted unsettled.
    runoff = runoff_ballot(ballot, result)
    assert [o.label for o in runoff.options] == ["Radio", "TV", "Posters"]
    with pytest.raises(VotingError, match="tied"):
        decision_from_result(ballot, result)


def test_instant_runoff_one_first_choice_each_without_transfers_is_a_tie_of_all():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, [["a"], ["b"], ["c"]], "ranking"))
    assert result.tie and result.winner_ids == ["a", "b", "c"] and result.inseparable_ids == ["a", "b", "c"]


def test_instant_runoff_tie_names_the_options_that_could_win_and_those_no_count_separates():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, [["a"], ["b"], ["c", "b"]], "ranking"))
    # All have 1 vote and 1 first preference; B has 3 Borda points, A and C 2 each. A or C
    # goes, and no count says which: without A, B and C tie at 1 vote each; without C, its
    # vote moves to B, who wins. So B and C can win (A cannot), and that is the tie.
    assert result.inseparable_ids == ["a", "c"]
    assert result.tie and result.winner_ids == ["b", "c"] and result.tied_labels == ["B", "C"]
    assert [(r.option_id, r.rank, r.eliminated_in) for r in result.rows] == [("b", 1, None), ("c", 1, None),
                                                                            ("a", 3, None)]
    assert describe_result(result) == ("Tie between B and C: in round 1 no count can separate A and C, "
                                       "and which of them is eliminated can change the winner.")
    assert "A and C have 1 vote each" in result.rounds[0].tie_break
    assert [o.label for o in runoff_ballot(ballot, result).options] == ["B", "C"]


def test_instant_runoff_tie_found_in_a_later_round_keeps_the_earlier_rounds():
    ballot = make_ballot(["A", "B", "C", "D"], VotingMethod.ranking_irv)
    result = count(ballot, votes_for(ballot, [["a", "b"], ["b", "c"], ["c", "a"]], "ranking"))
    assert [r.eliminated for r in result.rounds] == [["d"], []]  # D (no votes) goes; then no count can choose
    assert result.tie and result.winner_ids == ["a", "b", "c"] and result.rounds[-1].number == 2
    assert [(r.option_id, r.rank) for r in result.rows] == [("a", 1), ("b", 1), ("c", 1), ("d", 4)]
    assert describe_result(result).startswith("Tie between A, B and C: in round 2 no count can separate them")


def test_instant_runoff_winner_does_not_depend_on_ballot_order():
    rankings = [["a", "b"], ["b", "c"], ["c", "a"], ["a"], ["b"], ["c"]]
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    for options in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        reordered = ballot.model_copy(update={"options": [ballot.options[i] for i in options]})
        result = count(reordered, votes_for(ballot, rankings, "ranking"))
        assert set(result.winner_ids) == {"a", "b", "c"} and result.tie


def test_instant_runoff_too_many_ways_to_follow_is_a_tie_among_all_still_in_the_count(monkeypatch):
    ballot = make_ballot([f"Option {i}" for i in range(14)], VotingMethod.ranking_irv)
    # One first choice each and nothing else: 2^14 sets of continuing options to follow.
    result = count(ballot, votes_for(ballot, [[o] for o in ballot.option_ids], "ranking"))
    assert result.tie and set(result.winner_ids) == set(ballot.option_ids)
    # A small limit on the sets followed gives the same, safe answer for a smaller ballot.
    monkeypatch.setattr(counting, "IRV_PATHS_MAX", 1)
    small = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    result = count(small, votes_for(small, [["a"], ["b"], ["c", "b"]], "ranking"))
    assert result.tie and result.winner_ids == ["a", "b", "c"]  # B and C alone when followed to the end
    assert "can change the winner" in describe_result(result)


# --------------------------------------------------------------------------- counting: criteria matrix


def test_matrix_means_weighted_totals_and_normalised_scores():
    criteria = [Criterion(id="mag", label="Magnitude", weight=2), Criterion(id="sev", label="Severity", weight=1)]
    ballot = make_ballot(["Sexual exploitation", "Forced labour"], VotingMethod.matrix, criteria=criteria)
    votes = votes_for(ballot, [
        {"a": {"mag": 5, "sev": 4}, "b": {"mag": 2, "sev": 5}},
        {"a": {"mag": 3, "sev": 4}, "b": {"mag": 2, "sev": 5}},
    ], "scores")
    result = count(ballot, votes)
    a, b = result.row("a"), result.row("b")
    assert a.criterion_means == {"mag": 4.0, "sev": 4.0} and b.criterion_means == {"mag": 2.0, "sev": 5.0}
    assert a.score == pytest.approx(12.0) and b.score == pytest.approx(9.0)
    # weighted mean 4 of 5 → 75 of 100; weighted mean 3 → 50.
    assert a.normalised == pytest.approx(75.0) and b.normalised == pytest.approx(50.0)
    assert result.winner_ids == ["a"] and [c.id for c in result.criteria] == ["mag", "sev"]
    assert describe_result(result) == "Sexual exploitation leads with 75 out of 100."


def test_matrix_tie_is_exact_despite_fractions():
    criteria = [Criterion(id="x", label="X", weight=0.1), Criterion(id="y", label="Y", weight=0.2)]
    ballot = make_ballot(["A", "B"], VotingMethod.matrix, criteria=criteria)
    # A: 0.1 × 1 + 0.2 × 3 and B: 0.1 × 5 + 0.2 × 1 are both 0.7, though in floating point
    # the first sum comes out as 0.7000000000000001: the count must still see a tie.
    assert 0.1 * 1 + 0.2 * 3 != 0.1 * 5 + 0.2 * 1
    votes = votes_for(ballot, [
        {"a": {"x": 1, "y": 2}, "b": {"x": 5, "y": 1}},
        {"a": {"x": 1, "y": 4}, "b": {"x": 5, "y": 1}},
    ], "scores")
    result = count(ballot, votes)
    assert result.tie and result.tied_labels == ["A", "B"]
    assert describe_result(result) == "Tie between A and B at 33 out of 100."


# --------------------------------------------------------------------------- sentences: one vote, one dot


@pytest.mark.parametrize("method,extra,field,payloads,sentence", [
    ("single", {}, "selections", [["a"], ["b"]], "Tie between A and B with 1 vote each."),
    ("multiple", {"max_choices": 2}, "selections", [["a"], ["b"]], "Tie between A and B with 1 vote each."),
    ("dots", {"dots": 2}, "dots", [{"a": 1}, {"b": 1}], "Tie between A and B with 1 dot each."),
    ("dots", {"dots": 2}, "dots", [{"a": 2}, {"b": 2}], "Tie between A and B with 2 dots each."),
    ("ranking_borda", {}, "ranking", [["a", "b"], ["b", "a"]], "Tie between A and B with 1 Borda point each."),
    ("ranking_borda", {}, "ranking", repeat(["a", "b"], 2) + repeat(["b", "a"], 2),
     "Tie between A and B with 2 Borda points each."),
    ("ranking_irv", {}, "ranking", [["a"], ["b"]], "Tie between A and B with 1 vote each in the final round."),
    ("single", {}, "selections", [["a"]], "A leads with 1 of 1 vote (100%)."),
    ("multiple", {"max_choices": 2}, "selections", [["a"]], "A leads, chosen by 1 of 1 voter (100%)."),
    ("dots", {"dots": 2}, "dots", [{"a": 1}], "A leads with 1 of 1 dot (100%)."),
    ("ranking_borda", {}, "ranking", [["a", "b"]], "A leads with 1 Borda point (first choice of 1 of 1)."),
    ("ranking_irv", {}, "ranking", [["a"]], "A leads in round 1 with 1 of 1 vote (100%)."),
])
def test_sentences_say_one_vote_and_two_votes(method, extra, field, payloads, sentence):
    ballot = make_ballot(["A", "B"], VotingMethod(method), **extra)
    assert describe_result(count(ballot, votes_for(ballot, payloads, field))) == sentence


UNIT_WORDS = {"vote": "votes", "voter": "voters", "dot": "dots", "point": "points", "option": "options",
              "hand": "hands", "person": "people", "preference": "preferences"}
NUMBER_AND_WORD = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?) (?:Borda |first )?(\w+)")


def assert_number_agrees(text: str) -> None:
    """Every '<number> <unit>' in the text is singular for 1 and plural otherwise."""
    for number, word in NUMBER_AND_WORD.findall(text):
        if word in UNIT_WORDS:
            assert float(number) == 1, f"{number} {word} in {text!r}"
        elif word in UNIT_WORDS.values():
            assert float(number) != 1, f"{number} {word} in {text!r}"


def test_the_agreement_check_can_fail():
    for wrong in ("Tie between A and B with 1 votes each.", "2 vote", "1 Borda points", "2 person"):
        with pytest.raises(AssertionError):
            assert_number_agrees(wrong)
    assert_number_agrees("A wins with 1 of 2 votes (50%) in round 1 with 1 first preference.")


# --------------------------------------------------------------------------- result parts


def test_result_parts_hold_what_the_sentence_says():
    ballot = make_ballot(["Radio", "TV", "Posters"])
    votes = votes_for(ballot, repeat(["b"], 5) + repeat(["a"], 3) + [["c"]], "selections")
    parts = result_parts(count(close_ballot(ballot), votes))
    assert parts == ResultParts(outcome="win", final=True, kind="plurality", labels=["TV"], count=5, total=9,
                                unit="vote", share=5 / 9, source="phones")
    assert describe_parts(parts) == "TV wins with 5 of 9 votes (56%)."

    tied = result_parts(count(ballot, votes_for(ballot, [["a"], ["b"]], "selections")))
    assert (tied.outcome, tied.final, tied.labels, tied.count, tied.unit, tied.total) == (
        "tie", False, ["Radio", "TV"], 1, "vote", None)
    assert result_parts(count(ballot, [])) == ResultParts(outcome="none", final=False, kind="plurality")


def test_result_parts_for_instant_runoff_borda_and_criteria():
    irv = make_ballot(CITIES, VotingMethod.ranking_irv)
    parts = result_parts(count(irv, votes_for(irv, bloc_rankings(), "ranking")))
    assert (parts.kind, parts.labels, parts.round, parts.count, parts.total, parts.unit) == (
        "irv", ["Knoxville"], 3, 58, 100, "vote")
    cycle = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    parts = result_parts(count(cycle, votes_for(cycle, [["a"], ["b"], ["c", "b"]], "ranking")))
    assert (parts.outcome, parts.labels, parts.inseparable, parts.round) == ("tie", ["B", "C"], ["A", "C"], 1)

    borda = make_ballot(CITIES, VotingMethod.ranking_borda)
    parts = result_parts(count(borda, votes_for(borda, bloc_rankings(), "ranking")))
    assert (parts.count, parts.unit, parts.first_choices, parts.voters, parts.total) == (194, "Borda point", 26,
                                                                                        100, None)
    matrix = make_ballot(["A", "B"], VotingMethod.matrix, criteria=[Criterion(id="x", label="X")])
    parts = result_parts(count(matrix, votes_for(matrix, [{"a": {"x": 5}, "b": {"x": 3}}], "scores")))
    assert (parts.kind, parts.out_of_100, parts.count, parts.unit) == ("matrix", 100, None, "")


def test_result_parts_carry_the_show_of_hands_and_the_tie_break():
    ballot = make_ballot(["A", "B", "C"], show_of_hands=True)
    parts = result_parts(count_hands(ballot, HandCount(ballot_id=ballot.id, counts={"a": 1})))
    assert parts.source == "show of hands" and parts.total == 1
    assert describe_parts(parts) == "A leads with 1 of 1 vote (100%), by show of hands."
    irv = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    assert result_parts(count(irv, votes_for(irv, [["a"], ["a"], ["b"], ["c"]], "ranking"))).tie_break_used


# --------------------------------------------------------------------------- show of hands


def test_show_of_hands_single_choice():
    ballot = make_ballot(["A", "B", "C"], show_of_hands=True)
    result = count_hands(ballot, HandCount(ballot_id=ballot.id, counts={"a": 5, "b": 9}))
    assert result.source == "show of hands" and result.turnout == 14
    assert [(r.option_id, r.votes) for r in result.rows] == [("b", 9), ("a", 5), ("c", 0)]
    assert describe_result(result) == "B leads with 9 of 14 votes (64%), by show of hands."


def test_show_of_hands_for_a_ranking_is_a_plurality_count_and_says_so():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.ranking_irv)
    result = count_hands(ballot, HandCount(ballot_id=ballot.id, counts={"a": 5, "c": 7}))
    assert result.plurality_fallback and result.rounds == []
    assert result.winner_ids == ["c"] and any("plurality" in n for n in result.notes)
    decision = decision_from_result(ballot, result)
    assert decision.method == "Ranking vote (instant runoff), counted as a single choice, by show of hands"


def test_phones_and_hands_mix():
    ballot = make_ballot(["A", "B"])
    votes = votes_for(ballot, [["a"], ["b"], ["b"]], "selections")
    result = count(ballot, votes, HandCount(ballot_id=ballot.id, counts={"a": 4}))
    assert result.source == "mixed" and result.turnout == 7 and result.row("a").votes == 5
    assert describe_result(result) == "A leads with 5 of 7 votes (71%), on phones and by show of hands."
    ranking = make_ballot(["A", "B"], VotingMethod.ranking_borda)
    mixed = count(ranking, votes_for(ranking, [["b", "a"]], "ranking"),
                  HandCount(ballot_id=ranking.id, counts={"b": 1, "a": 1}))
    assert mixed.plurality_fallback and mixed.row("b").votes == 2 and mixed.source == "mixed"


def test_dot_stickers_and_multiple_choice_by_hands():
    dots = make_ballot(["TV", "Radio"], VotingMethod.dots, dots=3)
    result = count_hands(dots, HandCount(ballot_id=dots.id, counts={"a": 10, "b": 20}))
    assert result.total == 30 and result.turnout is None and result.winner_ids == ["b"]
    multiple = make_ballot(["A", "B", "C"], VotingMethod.multiple, max_choices=2)
    result = count_hands(multiple, HandCount(ballot_id=multiple.id, counts={"a": 8, "b": 6}, people=10))
    assert result.turnout == 10 and result.row("a").share == pytest.approx(0.8)


@pytest.mark.parametrize("method,extra,counts,people,message", [
    ("single", {}, {"z": 1}, None, "not on this ballot"),
    ("single", {}, {"a": 6, "b": 5}, 10, "more than the 10 people"),
    ("multiple", {"max_choices": 2}, {"a": 3}, None, "how many people"),
    ("multiple", {"max_choices": 2}, {"a": 11}, 10, "more hands than"),
    ("multiple", {"max_choices": 1}, {"a": 6, "b": 6}, 10, "12 hands is more than 10 people choosing up to 1 option each"),
    ("dots", {"dots": 2}, {"a": 15, "b": 6}, 10, "21 dots"),
    ("single", {}, {"a": 2}, 1, "^2 hands is more than the 1 person who took part.$"),
    ("multiple", {"max_choices": 2}, {"a": 2}, 1, "^An option has more hands than the 1 person who took part.$"),
    ("dots", {"dots": 1}, {"a": 3}, 2, "^3 dots is more than 2 people with 1 dot each.$"),
])
def test_hand_counts_that_cannot_be_right_are_refused(method, extra, counts, people, message):
    ballot = make_ballot(["A", "B"], VotingMethod(method), **extra)
    with pytest.raises(VotingError, match=message):
        count_hands(ballot, HandCount(ballot_id=ballot.id, counts=counts, people=people))


def test_hand_counts_are_non_negative_and_matrix_scores_do_not_mix_with_hands():
    with pytest.raises(ValidationError):
        HandCount(ballot_id="b", counts={"a": -1})
    ballot = make_ballot(["A", "B"], VotingMethod.matrix, criteria=[Criterion(id="x", label="X")])
    votes = votes_for(ballot, [{"a": {"x": 1}, "b": {"x": 2}}], "scores")
    with pytest.raises(VotingError, match="separate"):
        count(ballot, votes, HandCount(ballot_id=ballot.id, counts={"a": 1}))
    with pytest.raises(VotingError, match="different ballot"):
        count_hands(ballot, HandCount(ballot_id="elsewhere", counts={"a": 1}))


# --------------------------------------------------------------------------- runoff, disaggregation, decisions


def test_runoff_ballot_among_the_tied_options():
    ballot = make_ballot(["A", "B", "C"], VotingMethod.dots, dots=2, topic=DecisionTopic.media, template="media")
    votes = votes_for(ballot, [{"a": 2}, {"c": 2}, {"b": 1}], "dots")
    result = count(ballot, votes)
    runoff = runoff_ballot(ballot, result)
    assert runoff.question == "Runoff: Which one?" and runoff.runoff_of == ballot.id
    assert runoff.method is VotingMethod.single and runoff.status is BallotStatus.draft
    assert [o.label for o in runoff.options] == ["A", "C"] and runoff.topic is DecisionTopic.media
    assert open_ballot(runoff).status is BallotStatus.open
    # A runoff of a runoff is not prefixed twice.
    tied_again = count(runoff, votes_for(runoff, [[runoff.options[0].id], [runoff.options[1].id]], "selections"))
    assert runoff_ballot(runoff, tied_again).question == "Runoff: Which one?"


def test_runoff_needs_a_tie():
    ballot = make_ballot(["A", "B"])
    result = count(ballot, votes_for(ballot, [["a"]], "selections"))
    with pytest.raises(VotingError, match="no tie"):
        runoff_ballot(ballot, result)


def test_disaggregate_by_sex_and_organisation_type_with_anonymous_votes_apart():
    ballot = make_ballot(["A", "B"])
    people = {"p1": (Sex.woman, OrgType.ngo), "p2": ("man", "government"), "p3": (Sex.woman, OrgType.government)}
    votes = [
        Vote(ballot_id=ballot.id, voter_key="k1", participant_id="p1", selections=["a"], cast_at=T0),
        Vote(ballot_id=ballot.id, voter_key="k2", participant_id="p2", selections=["b"], cast_at=T0),
        Vote(ballot_id=ballot.id, voter_key="k3", participant_id="p3", selections=["a"], cast_at=T0),
        Vote(ballot_id=ballot.id, voter_key="k4", selections=["b"], cast_at=T0),
        Vote(ballot_id=ballot.id, voter_key="k5", participant_id="gone", selections=["b"], cast_at=T0),
        # k1 changes her vote: counted once, in her groups, with the new choice.
        Vote(ballot_id=ballot.id, voter_key="k1", participant_id="p1", selections=["b"],
             cast_at=T0 + timedelta(minutes=1)),
    ]
    groups = disaggregate(ballot, votes, people)
    assert list(groups) == ["Sex: Woman", "Sex: Man", "Organisation: Government",
                            "Organisation: NGO / service provider", NOT_IDENTIFIED]
    assert groups["Sex: Woman"].turnout == 2 and groups["Sex: Woman"].tie
    assert groups["Organisation: NGO / service provider"].winner_ids == ["b"]
    assert groups[NOT_IDENTIFIED].turnout == 2
    total = count(ballot, votes).turnout
    assert sum(groups[g].turnout for g in groups if g.startswith("Sex:")) + groups[NOT_IDENTIFIED].turnout == total
    assert sum(groups[g].turnout for g in groups if g.startswith("Organisation:")) + groups[NOT_IDENTIFIED].turnout == total


def test_decision_from_result_carries_choice_method_breakdown_and_turnout():
    ballot = make_ballot(["Young women 18–27", "High-school girls"], topic=DecisionTopic.primary_audience)
    votes = votes_for(ballot, repeat(["a"], 3) + [["b"]], "selections")
    decision = decision_from_result(close_ballot(ballot), count(close_ballot(ballot), votes), eligible=5)
    assert decision.topic is DecisionTopic.primary_audience and decision.choice == "Young women 18–27"
    assert decision.method == "Vote (single choice)"
    assert [(row.option, row.votes) for row in decision.breakdown] == [("Young women 18–27", 3), ("High-school girls", 1)]
    assert decision.turnout == 4 and decision.eligible == 5
    tied = count(ballot, votes_for(ballot, [["a"], ["b"]], "selections"))
    with pytest.raises(VotingError, match="tied"):
        decision_from_result(ballot, tied)
    both = decision_from_result(ballot, tied, ["a", "b"])
    assert both.choice == "Young women 18–27 and High-school girls"


# --------------------------------------------------------------------------- properties

PROPS = settings(max_examples=100, deadline=None)
KEYS = [f"voter-{i}" for i in range(8)]


@st.composite
def ballot_and_votes(draw, methods=tuple(VotingMethod)):
    method = draw(st.sampled_from(methods))
    n = draw(st.integers(2, 5))
    labels = [f"Option {i}" for i in range(n)]
    extra: dict = {}
    if method is VotingMethod.multiple:
        extra["max_choices"] = draw(st.integers(1, n))
    if method is VotingMethod.dots:
        extra["allow_stacking"] = draw(st.booleans())
        extra["dots"] = draw(st.integers(1, 5 if extra["allow_stacking"] else n))
    if method is VotingMethod.matrix:
        extra["criteria"] = [Criterion(id=f"k{i}", label=f"Criterion {i}",
                                       weight=draw(st.integers(1, 8)) / 2)
                             for i in range(draw(st.integers(1, 3)))]
    ballot = make_ballot(labels, method, **extra)
    ids = ballot.option_ids
    votes = []
    for _ in range(draw(st.integers(0, 14))):
        if method is VotingMethod.single:
            payload = {"selections": [draw(st.sampled_from(ids))]}
        elif method is VotingMethod.multiple:
            payload = {"selections": draw(st.lists(st.sampled_from(ids), min_size=1,
                                                   max_size=extra["max_choices"], unique=True))}
        elif method is VotingMethod.dots:
            cap = extra["dots"] if extra["allow_stacking"] else 1
            spread = draw(st.lists(st.integers(0, cap), min_size=n, max_size=n)
                          .filter(lambda xs: 0 < sum(xs) <= extra["dots"]))
            payload = {"dots": dict(zip(ids, spread))}
        elif method is VotingMethod.ranking_borda:
            payload = {"ranking": draw(st.permutations(ids))}
        elif method is VotingMethod.ranking_irv:
            order = draw(st.permutations(ids))
            payload = {"ranking": order[: draw(st.integers(1, n))]}
        else:
            payload = {"scores": {o: {c.id: draw(st.integers(1, 5)) for c in extra["criteria"]} for o in ids}}
        votes.append(Vote(ballot_id=ballot.id, voter_key=draw(st.sampled_from(KEYS)),
                          cast_at=T0 + timedelta(seconds=draw(st.integers(0, 5))), **payload))
    return ballot, votes


@PROPS
@given(ballot_and_votes(), st.randoms(use_true_random=False))
def test_counting_does_not_depend_on_the_order_votes_arrive(case, rnd):
    ballot, votes = case
    shuffled = list(votes)
    rnd.shuffle(shuffled)
    assert count(ballot, shuffled).model_dump() == count(ballot, votes).model_dump()


@PROPS
@given(ballot_and_votes(), st.permutations(KEYS))
def test_renaming_voter_keys_does_not_change_the_result(case, renamed):
    ballot, votes = case
    rename = dict(zip(KEYS, renamed))
    moved = [v.model_copy(update={"voter_key": rename[v.voter_key]}) for v in votes]
    assert count(ballot, moved).model_dump() == count(ballot, votes).model_dump()


@PROPS
@given(ballot_and_votes())
def test_results_are_well_formed(case):
    ballot, votes = case
    result = count(ballot, votes)
    assert sorted(r.option_id for r in result.rows) == sorted(ballot.option_ids)
    assert result.turnout == len({v.voter_key for v in votes})
    assert result.tie == (len(result.winner_ids) > 1)
    assert set(result.winner_ids) == {r.option_id for r in result.rows if r.rank == 1} or not result.winner_ids
    assert all(0 <= r.share <= 1 for r in result.rows)
    assert describe_result(result)
    if result.tie:
        assert runoff_ballot(ballot, result).options.__len__() == len(result.winner_ids)


@PROPS
@given(ballot_and_votes(methods=(VotingMethod.dots,)))
def test_total_dots_equal_dots_cast(case):
    ballot, votes = case
    result = count(ballot, votes)
    cast = sum(sum(v.dots.values()) for v in latest_votes(votes))
    assert sum(r.score for r in result.rows) == cast == result.total


@PROPS
@given(ballot_and_votes(methods=(VotingMethod.ranking_borda,)))
def test_borda_points_total_is_voters_times_n_n_minus_1_over_2(case):
    ballot, votes = case
    result = count(ballot, votes)
    n = len(ballot.options)
    assert sum(r.score for r in result.rows) == result.turnout * n * (n - 1) // 2


@PROPS
@given(ballot_and_votes(methods=(VotingMethod.ranking_irv,)))
def test_a_unique_irv_winner_has_a_majority_of_ballots_still_in_play(case):
    ballot, votes = case
    result = count(ballot, votes)
    if len(result.winner_ids) == 1:  # also after a tie-break: ballot order never names a winner
        final = result.rounds[-1]
        assert final.tallies[result.winner_ids[0]] * 2 > final.continuing
    for round_ in result.rounds:
        assert sum(round_.tallies.values()) + round_.exhausted == result.turnout


@PROPS
@given(ballot_and_votes(methods=(VotingMethod.matrix,)), st.integers(2, 10))
def test_matrix_weighted_totals_scale_linearly_with_the_weights(case, factor):
    ballot, votes = case
    heavier = ballot.model_copy(update={"criteria": [
        c.model_copy(update={"weight": c.weight * factor}) for c in ballot.criteria]})
    base, scaled = count(ballot, votes), count(heavier, votes)
    for row in base.rows:
        other = scaled.row(row.option_id)
        assert math.isclose(other.score, factor * row.score, rel_tol=1e-12)
        assert math.isclose(other.normalised, row.normalised, rel_tol=1e-12, abs_tol=1e-12)
    assert [r.option_id for r in scaled.rows] == [r.option_id for r in base.rows]


def reference_irv(option_order, rankings):
    """Instant runoff as counted before ties were looked for: ballot order settles any
    elimination the counts cannot. The winner(s) for one ballot order."""
    n = len(option_order)
    first = Counter(r[0] for r in rankings)
    borda = Counter()
    for r in rankings:
        for place, o in enumerate(r):
            borda[o] += n - 1 - place
    continuing = list(option_order)
    while True:
        tallies = dict.fromkeys(continuing, 0)
        for r in rankings:
            top = next((o for o in r if o in tallies), None)
            if top is not None:
                tallies[top] += 1
        in_play, best = sum(tallies.values()), max(tallies.values())
        leaders = {o for o in continuing if tallies[o] == best}
        if best * 2 > in_play or len(continuing) <= 2:
            return leaders
        fewest = min(tallies.values())
        if fewest == 0:
            out = {o for o in continuing if tallies[o] == 0}
        else:
            out = {min((o for o in continuing if tallies[o] == fewest),
                       key=lambda o: (first[o], borda[o], -continuing.index(o)))}
        continuing = [o for o in continuing if o not in out]


@st.composite
def small_irv_profiles(draw):
    """An instant-runoff ballot with a handful of voters, where equal counts (and so the
    eliminations no count can decide) are common."""
    n = draw(st.integers(2, 5))
    ballot = make_ballot([f"Option {i}" for i in range(n)], VotingMethod.ranking_irv)
    rankings = draw(st.lists(st.permutations(ballot.option_ids).flatmap(
        lambda order: st.integers(1, n).map(lambda k: order[:k])), max_size=7))
    return ballot, votes_for(ballot, rankings, "ranking")


@PROPS
@given(st.one_of(small_irv_profiles(), ballot_and_votes(methods=(VotingMethod.ranking_irv,))))
def test_instant_runoff_winners_are_every_option_some_ballot_order_would_elect(case):
    """Tied for the win are exactly the options that would win for some order of the
    options on the ballot: ballot order can no longer pick a winner on its own."""
    ballot, votes = case
    result = count(ballot, votes)
    rankings = [v.ranking for v in latest_votes(votes)]
    if not rankings:
        assert result.winner_ids == []
        return
    could_win = set().union(*(reference_irv(list(order), rankings)
                              for order in itertools.permutations(ballot.option_ids)))
    assert set(result.winner_ids) == could_win
    assert result.tie == (len(could_win) > 1)
    if result.inseparable_ids:
        assert result.tie and not result.rounds[-1].eliminated
        assert set(result.inseparable_ids) <= set(result.rounds[-1].tallies)


@PROPS
@given(st.one_of(ballot_and_votes(), small_irv_profiles()), st.randoms(use_true_random=False))
def test_where_an_option_sits_on_the_ballot_does_not_change_who_wins(case, rnd):
    ballot, votes = case
    shuffled = list(ballot.options)
    rnd.shuffle(shuffled)
    base = count(ballot, votes)
    for options in (shuffled, ballot.options[::-1]):
        moved = count(ballot.model_copy(update={"options": options}), votes)
        assert set(moved.winner_ids) == set(base.winner_ids) and moved.tie == base.tie
        if ballot.method is not VotingMethod.ranking_irv:
            assert ({r.option_id: (r.score, r.rank) for r in moved.rows}
                    == {r.option_id: (r.score, r.rank) for r in base.rows})


@PROPS
@given(ballot_and_votes())
def test_sentences_and_parts_agree_with_the_result(case):
    ballot, votes = case
    for status in ("open", "closed"):
        result = count(ballot.model_copy(update={"status": BallotStatus(status)}), votes)
        parts = result_parts(result)
        assert parts.outcome == ("none" if not result.winner_ids else "tie" if result.tie else "win")
        assert parts.labels == (result.tied_labels if result.tie else result.winner_labels)
        assert parts.final == (status == "closed") and parts.source == result.source
        text = describe_result(result)
        assert text == describe_parts(parts) and text.endswith(".")
        assert all(label in text for label in parts.labels)
        assert_number_agrees(text)
        for round_ in result.rounds:
            assert_number_agrees(round_.tie_break)

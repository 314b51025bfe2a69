"""What the voting page shows and offers: every count in one wording (the page, the live
screen, the report and the decisions agree), only the settings a ballot's method uses,
and "Reveal results" only where revealing shows something (rules in
c4d.voting.worksheet.reveal_offer). That the counts follow the phones without a click is
tested in Chromium (tests/browser/test_counts_follow_the_votes_in_chromium.py)."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import docx
import pytest

from c4d.decisions.worksheet import turnout_label
from c4d.export.workshop_report import build_workshop_report
from c4d.ideas.commands import show_ideas
from c4d.ideas.model import IdeaStatus
from c4d.models import Decision, DecisionTopic
from c4d.voting.commands import record_hand_count, show_ballot
from c4d.voting.counting import count
from c4d.voting.lifecycle import open_ballot
from c4d.voting.model import (
    HAND_COUNT_PEOPLE,
    METHOD_SETTINGS,
    Ballot,
    BallotOption,
    BallotStatus,
    Criterion,
    HandCount,
    Vote,
    VotingError,
    VotingMethod,
    readiness_problems,
    validate_vote,
)
from c4d.voting.results import Eligible, tally, turnout_phrase, voted
from c4d.voting.worksheet import reveal_offer
from tests.test_pages import button, texts
from tests.voting.test_voting_pages import (  # noqa: F401  (fixed_network: autouse, no network cards)
    IDEAS,
    LIVE,
    VOTING,
    closed,
    fixed_network,
    seed_ideas,
    simple_ballot,
    vote,
    workshop,
)


# ---- one wording for every count ---------------------------------------------------------------
@pytest.mark.parametrize("voted_,eligible,who,said", [
    (3, 8, "", "3 of 8 voted"),
    (3, 8, "present on day 1", "3 of 8 voted (present on day 1)"),
    (3, 0, "", "3 voted"),
    (3, None, "", "3 voted"),
    (3, 0, "registered", "3 voted (no one in the register)"),
    (None, 8, "", "turnout not recorded"),
])
def test_turnout_phrase(voted_, eligible, who, said):
    assert turnout_phrase(voted_, eligible, who) == said


def test_eligible_says_the_same_with_or_without_who():
    could = Eligible(8, "present on day 2")
    assert could.of(3) == "3 of 8 voted (present on day 2)" and could.of(3, who=False) == "3 of 8 voted"


def test_a_decision_words_its_turnout_as_the_voting_page_does():
    decision = Decision(campaign_id="c", topic=DecisionTopic.media, choice="Radio", turnout=3, eligible=8)
    assert turnout_label(decision) == turnout_phrase(3, 8) == "3 of 8 voted"
    assert turnout_label(decision.model_copy(update={"eligible": None})) == "3 voted"
    assert turnout_label(decision.model_copy(update={"turnout": None})) == ""


@pytest.mark.parametrize("method,payloads,hands", [
    (VotingMethod.single, [{"selections": ["o0"]}, {"selections": ["o1"]}], None),
    (VotingMethod.single, [{"selections": ["o0"]}], {"o1": 4}),
    (VotingMethod.multiple, [{"selections": ["o0", "o1"]}, {"selections": ["o2"]}], None),
    (VotingMethod.dots, [{"dots": {"o0": 3}}], None),
    (VotingMethod.ranking_borda, [{"ranking": ["o0", "o1", "o2"]}] * 3, None),
    (VotingMethod.ranking_irv, [{"ranking": ["o2"]}, {"ranking": ["o1", "o0"]}], {"o0": 2}),
])
def test_the_cheap_count_of_voters_is_the_full_counts_turnout(workshop, method, payloads, hands):
    store, campaign, session, _ = workshop
    extra = {"max_choices": 2} if method is VotingMethod.multiple else {"dots": 3} if method is VotingMethod.dots else {}
    ballot = simple_ballot(store, campaign, session, status="open", method=method, **extra)
    assert voted(store, ballot) == tally(store, ballot).turnout == 0
    for n, payload in enumerate(payloads):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{n}", **payload))
    if hands:
        record_hand_count(store, ballot.id, hands)
    assert voted(store, ballot) == tally(store, ballot).turnout
    assert voted(store, ballot) == len(payloads) + sum((hands or {}).values())


def test_page_live_screen_report_and_decision_say_the_same_turnout(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open", topic=DecisionTopic.primary_audience)
    for voter, option in enumerate(["o0", "o0", "o1"]):
        vote(store, ballot, voter, option)
    page = app(VOTING, campaign=campaign)
    assert [m.value for m in page.metric] == ["3 of 5 voted"]
    assert "3 of 5 voted" in texts(app(LIVE, campaign=campaign))
    closed(store, ballot)
    button(page.run(), "Adopt as campaign decision").click().run()
    [decision] = store.decisions(campaign.id)
    assert turnout_label(decision) == "3 of 5 voted"
    document = docx.Document(io.BytesIO(build_workshop_report(store, campaign.id, session.id)))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "3 of 5 voted (registered)" in cells


def test_turnout_against_the_people_present_names_them(app, workshop):
    store, campaign, session, people = workshop
    for person in people[:4]:
        store.update_participant(person.model_copy(update={"attendance": [1]}))
    ballot = Ballot(campaign_id=campaign.id, session_id=session.id, question="Who first?",
                    options=[BallotOption(id="o0", label="Students"), BallotOption(id="o1", label="Parents")])
    ballot = store.save_ballot(open_ballot(ballot, at=datetime(2020, 6, 18, 10, tzinfo=timezone.utc)))  # day 1
    show_ballot(store, ballot)
    vote(store, ballot, 1, "o0")
    at = app(VOTING, campaign=campaign)
    assert {m.label: m.value for m in at.metric} == {"Turnout of the people present on day 1": "1 of 4 voted"}
    assert "1 of 4 voted" in texts(app(LIVE, campaign=campaign))


# ---- only the settings the method uses ---------------------------------------------------------
SETTINGS_CHANGED = {"max_choices": 1, "dots": 5, "allow_stacking": False,
                    "criteria": [Criterion(id="c1", label="Severity"), Criterion(id="c2", label="Gap", weight=2)]}
SAMPLE_VOTES = [{"selections": ["a"]}, {"selections": ["a", "b"]}, {"dots": {"a": 3}}, {"dots": {"a": 1, "b": 1}},
                {"dots": {"a": 5}}, {"ranking": ["a", "b", "c"]}, {"ranking": ["b"]},
                {"scores": {o: {"c1": 3} for o in "abc"}}, {"scores": {o: {"c1": 4, "c2": 2} for o in "abc"}}]


def behaviour(ballot: Ballot) -> tuple:
    """All a voter and a count see of a ballot: its instructions, what stops it opening, which
    sample votes it takes, and the count of those."""
    taken = []
    for n, payload in enumerate(SAMPLE_VOTES):
        try:
            taken.append(validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key=f"v{n}", **payload),
                                       require_open=False))
        except VotingError:
            pass
    result = count(ballot, taken) if taken else None
    return (ballot.instructions(), readiness_problems(ballot), [v.voter_key for v in taken],
            result and [(r.option_id, r.score) for r in result.rows])


@pytest.mark.parametrize("method", list(VotingMethod))
def test_a_setting_the_method_does_not_use_changes_nothing_and_one_it_uses_does(method):
    base = Ballot(id="b", campaign_id="c", session_id="s", question="Which?", method=method,
                  options=[BallotOption(id=i, label=i.upper()) for i in "abc"], max_choices=2, dots=3,
                  criteria=[Criterion(id="c1", label="Severity")])
    for setting, value in SETTINGS_CHANGED.items():
        changed = behaviour(base.model_copy(update={setting: value})) != behaviour(base)
        assert changed is (setting in METHOD_SETTINGS[method]), (method, setting)


@pytest.mark.parametrize("method", list(VotingMethod))
def test_people_in_a_show_of_hands_change_the_count_only_where_the_page_asks_for_them(method):
    ballot = Ballot(id="b", campaign_id="c", session_id="s", question="Which?", method=method,
                    options=[BallotOption(id=i, label=i.upper()) for i in "abc"], max_choices=2, dots=3,
                    criteria=[Criterion(id="c1", label="Severity")])
    four, five = (count(ballot, [], HandCount(ballot_id="b", counts={"a": 3, "b": 1}, people=n)) for n in (4, 5))
    assert (four.turnout != five.turnout) is (method in HAND_COUNT_PEOPLE)
    assert [(r.option_id, r.score) for r in four.rows] == [(r.option_id, r.score) for r in five.rows]


SETTING_FIELDS = {"max_choices": ("number_input", "Choices per person"),
                  "dots": ("number_input", "Dots per person"),
                  "allow_stacking": ("checkbox", "Several dots on one option"),
                  "criteria": ("caption", "Criteria for the scoring matrix, each with a weight (1 = normal, "
                                          "2 = counts double).")}


def offered(at) -> set[str]:
    """The method settings the page's edit form offers."""
    shown = set()
    for setting, (kind, label) in SETTING_FIELDS.items():
        if any(getattr(e, "label", None) == label or getattr(e, "value", None) == label for e in getattr(at, kind)):
            shown.add(setting)
    return shown


def test_the_edit_form_offers_only_the_settings_of_the_method_picked(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session)
    at = app(VOTING, campaign=campaign)
    assert offered(at) == set()  # single choice: no "choices per person"
    for method in VotingMethod:
        at.radio(key=f"edit-method-{ballot.id}").set_value(method).run()
        assert store.ballot(ballot.id).method is method
        assert offered(at) == set(METHOD_SETTINGS[method]), method

    at.radio(key=f"edit-method-{ballot.id}").set_value(VotingMethod.multiple).run()
    [n for n in at.number_input if n.label == "Choices per person"][0].set_value(3)
    button(at, "Save ballot").click().run()
    assert store.ballot(ballot.id).max_choices == 3


def test_once_voting_has_started_no_method_setting_is_offered(app, workshop):
    store, campaign, session, _ = workshop
    simple_ballot(store, campaign, session, status="open", method=VotingMethod.dots, dots=3)
    at = app(VOTING, campaign=campaign)
    assert offered(at) == set()
    assert "Place up to 3 dots (several on one option if you like)." in texts(at)  # said, not editable


# ---- reveal results: offered where it shows something ------------------------------------------
def ballot_in(status: BallotStatus, revealed: bool = False) -> Ballot:
    ballot = Ballot(campaign_id="c", session_id="s", question="Which?",
                    options=[BallotOption(label="A"), BallotOption(label="B")])
    return ballot.model_copy(update={"status": status, "results_revealed": revealed})


@pytest.mark.parametrize("status,revealed,has_result,on_phones,action,label", [
    (BallotStatus.draft, False, False, False, None, None),
    (BallotStatus.draft, False, True, True, None, None),  # a show of hands on a draft: close it first
    (BallotStatus.open, False, True, True, None, None),  # voting runs: close first
    (BallotStatus.open, False, False, True, None, None),
    (BallotStatus.closed, False, False, True, None, None),  # nothing to reveal
    (BallotStatus.closed, False, True, True, "reveal", "Reveal results on the phones and the projector"),
    (BallotStatus.closed, False, True, False, "reveal", "Reveal results in projector mode"),
    (BallotStatus.closed, True, True, True, "hide", "Hide results"),
    (BallotStatus.closed, True, False, False, "hide", "Hide results"),
    (BallotStatus.open, True, True, True, "hide", "Hide results"),
])
def test_reveal_offer_rules(status, revealed, has_result, on_phones, action, label):
    offer = reveal_offer(ballot_in(status, revealed), has_result=has_result, on_phones=on_phones)
    assert (offer and offer.action, offer and offer.label) == (action, label)
    if offer is not None:
        assert "phones" in offer.help or "projector" in offer.help  # says where it shows


def reveal_buttons(at) -> list:
    return [b for b in at.button if b.label.startswith(("Reveal results", "Hide results"))]


def test_the_page_offers_reveal_only_for_a_closed_ballot_with_votes_and_says_where(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    at = app(VOTING, campaign=campaign)
    assert reveal_buttons(at) == []  # open, no votes
    vote(store, ballot, 1, "o0")
    assert reveal_buttons(at.run()) == []  # open: close first
    assert any(t.key == f"hide-live-{ballot.id}" for t in at.toggle)
    button(at, "Close voting").click().run()
    [reveal] = reveal_buttons(at)
    assert reveal.label == "Reveal results on the phones and the projector"
    assert reveal.help == "The phones and the live screen on the projector show the result of this ballot."
    assert not any(t.key == f"hide-live-{ballot.id}" for t in at.toggle)  # only before and while voting
    reveal.click().run()
    assert store.ballot(ballot.id).results_revealed
    assert "Results revealed: the phones and the live screen on the projector show the result of this ballot." in texts(at)
    assert [b.label for b in reveal_buttons(at)] == ["Hide results"]


def test_a_closed_ballot_without_votes_offers_no_reveal(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    assert reveal_buttons(at) == [] and "No votes yet." in texts(at)


def test_a_ballot_off_the_phones_reveals_in_projector_mode_and_says_so(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    vote(store, ballot, 1, "o0")
    closed(store, ballot)
    show_ideas(store, session.id, "Who is at risk?")
    at = app(VOTING, campaign=campaign)
    [reveal] = reveal_buttons(at)
    assert reveal.label == "Reveal results in projector mode" and "only on this page in projector mode" in reveal.help


# ---- the idea board counts what the live screen counts ----------------------------------------
def test_the_idea_board_counts_as_the_live_screen_does(app, workshop):
    store, campaign, session, _ = workshop
    show_ideas(store, session.id, "Who is most at risk?")
    a, b, c, d = seed_ideas(store, campaign, session, "Young women", "young women", "Students", "Off topic")
    store.save_idea(b.model_copy(update={"status": IdeaStatus.merged, "merged_into": a.id}))
    store.save_idea(d.model_copy(update={"status": IdeaStatus.hidden}))
    at = app(IDEAS, campaign=campaign)
    assert {m.label: m.value for m in at.metric} == {"Ideas received": "4", "On the board": "2"}
    assert "2 ideas" in texts(app(LIVE, campaign=campaign))

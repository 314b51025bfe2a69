"""The voting and idea-board commands are all-or-nothing: when a later write of a command
fails, nothing of its earlier writes is kept.

Each test makes one store write fail (monkeypatching the store method to raise) after the
command has already made another, then reads the database back. The pages used to make
these writes in separate transactions (e.g. save the opened ballot, then show it), so a
failure between them left half a change behind: these tests fail on that code."""

from __future__ import annotations

from datetime import date

import pytest

from c4d.ideas import commands as ideas
from c4d.ideas.model import Idea, IdeaStatus
from c4d.models import Campaign, OrgType, Participant, Session, SessionKind, Sex
from c4d.phones.model import Showing
from c4d.voting import commands
from c4d.voting.lifecycle import close_ballot, open_ballot
from c4d.voting.model import Ballot, BallotOption, BallotStatus, Vote, VotingError, VotingMethod


class Refused(RuntimeError):
    """The write made to fail."""


def fail(monkeypatch, store, method: str, *, after: int = 0) -> list[int]:
    """Make `store.<method>` raise on its call number `after` + 1 (the earlier calls work)."""
    real = getattr(store, method)
    calls = [0]

    def refused(*args, **kwargs):
        calls[0] += 1
        if calls[0] > after:
            raise Refused(f"{method} failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, method, refused)
    return calls


@pytest.fixture
def room(store):
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    store.live_state(session.id)  # the join code exists, as once the voting page has been opened
    return store, campaign, session


def draft(store, campaign, session, labels=("Young women 18–27", "Parents"), question="Who first?") -> Ballot:
    return store.save_ballot(Ballot(campaign_id=campaign.id, session_id=session.id, question=question,
                                    options=[BallotOption(id=f"o{i}", label=label) for i, label in enumerate(labels)]))


def opened(store, campaign, session, **kwargs) -> Ballot:
    ballot = store.save_ballot(open_ballot(draft(store, campaign, session, **kwargs)))
    commands.show_ballot(store, ballot)
    return ballot


def vote(store, ballot, voter, option, key="device"):
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"{key}:{voter}", selections=[option]))


# ---- opening, reopening, showing -----------------------------------------------------------------

def test_opening_on_the_phones_keeps_nothing_when_showing_fails(room, monkeypatch):
    store, campaign, session = room
    ballot = draft(store, campaign, session)
    fail(monkeypatch, store, "save_live_state")
    with pytest.raises(Refused):
        commands.open_on_phones(store, ballot.id)
    assert store.ballot(ballot.id).status is BallotStatus.draft  # not left open but not shown
    assert store.live_state(session.id).showing is Showing.wait


def test_opening_on_the_phones_opens_shows_and_closes_the_earlier_ballot(room):
    store, campaign, session = room
    first = opened(store, campaign, session, question="First?")
    second = draft(store, campaign, session, question="Second?")
    now_open, closed = commands.open_on_phones(store, second.id)
    assert now_open.status is BallotStatus.open and store.ballot(second.id).status is BallotStatus.open
    assert [b.id for b in closed] == [first.id] and store.ballot(first.id).status is BallotStatus.closed
    state = store.live_state(session.id)
    assert (state.showing, state.ballot_id) == (Showing.ballot, second.id)


def test_opening_keeps_the_earlier_ballot_open_when_showing_fails(room, monkeypatch):
    store, campaign, session = room
    first = opened(store, campaign, session, question="First?")
    second = draft(store, campaign, session, question="Second?")
    fail(monkeypatch, store, "save_live_state")
    with pytest.raises(Refused):
        commands.open_on_phones(store, second.id)
    assert store.ballot(first.id).status is BallotStatus.open  # the close of the first ballot is undone too
    assert store.ballot(second.id).status is BallotStatus.draft
    assert store.live_state(session.id).ballot_id == first.id


def test_a_ballot_that_is_not_ready_is_neither_opened_nor_shown(room):
    store, campaign, session = room
    ballot = draft(store, campaign, session, labels=("Only one",))
    with pytest.raises(VotingError, match="at least 2 options"):
        commands.open_on_phones(store, ballot.id)
    assert store.ballot(ballot.id).status is BallotStatus.draft
    assert store.live_state(session.id).showing is Showing.wait


def test_reopening_keeps_nothing_when_showing_fails(room, monkeypatch):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    commands.close_voting(store, ballot.id)
    commands.show_nothing(store, session.id)
    fail(monkeypatch, store, "save_live_state")
    with pytest.raises(Refused):
        commands.reopen_on_phones(store, ballot.id)
    assert store.ballot(ballot.id).status is BallotStatus.closed
    assert store.live_state(session.id).showing is Showing.wait


def test_reopening_against_the_voter_cards_rule_leaves_the_ballot_closed(room):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    vote(store, ballot, 1, "o0")  # a phone without a card
    commands.close_voting(store, ballot.id)
    commands.show_nothing(store, session.id)
    commands.set_cards_required(store, session.id, True)
    with pytest.raises(VotingError, match="without a card"):
        commands.reopen_on_phones(store, ballot.id)
    assert store.ballot(ballot.id).status is BallotStatus.closed  # not reopened behind the refusal
    assert store.live_state(session.id).showing is Showing.wait


def test_reopening_shows_the_ballot_again_with_its_votes_and_results_hidden(room):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    vote(store, ballot, 1, "o0")
    commands.close_voting(store, ballot.id)
    commands.reveal(store, ballot.id)
    commands.show_nothing(store, session.id)
    reopened = commands.reopen_on_phones(store, ballot.id)
    assert reopened.status is BallotStatus.open and not store.ballot(ballot.id).results_revealed
    assert store.live_state(session.id).ballot_id == ballot.id and store.vote_count(ballot.id) == 1


def test_showing_a_ballot_keeps_the_other_ballots_open_when_showing_fails(room, monkeypatch):
    store, campaign, session = room
    first = opened(store, campaign, session, question="First?")
    second = store.save_ballot(open_ballot(draft(store, campaign, session, question="Second?")))
    fail(monkeypatch, store, "save_live_state")
    with pytest.raises(Refused):
        commands.show_ballot(store, second)
    assert store.ballot(first.id).status is BallotStatus.open


# ---- deleting, hands, runoff, adopting --------------------------------------------------------------

def test_deleting_a_ballot_on_the_phones_keeps_it_shown_when_the_delete_fails(room, monkeypatch):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    fail(monkeypatch, store, "delete_ballot")
    with pytest.raises(Refused):
        commands.delete_ballot(store, ballot.id)
    state = store.live_state(session.id)
    assert (state.showing, state.ballot_id) == (Showing.ballot, ballot.id)  # not taken off for nothing
    assert store.ballot(ballot.id).status is BallotStatus.open


def test_deleting_a_ballot_takes_it_off_the_phones(room):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    commands.delete_ballot(store, ballot.id)
    assert store.ballots(session.id) == []
    assert store.live_state(session.id).showing is Showing.wait


def test_a_show_of_hands_is_not_kept_when_marking_the_ballot_fails(room, monkeypatch):
    store, campaign, session = room
    ballot = draft(store, campaign, session)
    fail(monkeypatch, store, "save_ballot")
    with pytest.raises(Refused):
        commands.record_hand_count(store, ballot.id, {"o0": 7, "o1": 3})
    assert store.hand_count(ballot.id) is None
    assert not store.ballot(ballot.id).show_of_hands


def test_a_show_of_hands_is_saved_with_the_ballot_marked(room):
    store, campaign, session = room
    ballot = draft(store, campaign, session)
    hands = commands.record_hand_count(store, ballot.id, {"o0": 7, "o1": 0}, people=7, note="Room B")
    assert hands.counts == {"o0": 7}  # options with no hands are left out
    assert store.hand_count(ballot.id) == hands and store.ballot(ballot.id).show_of_hands
    commands.remove_hand_count(store, ballot.id)
    assert store.hand_count(ballot.id) is None


def test_a_runoff_is_made_from_the_count_as_it_stands(room, monkeypatch):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    vote(store, ballot, 1, "o0")
    vote(store, ballot, 2, "o1")
    commands.close_voting(store, ballot.id)
    fail(monkeypatch, store, "save_ballot")
    with pytest.raises(Refused):
        commands.create_runoff(store, ballot.id)
    assert [b.id for b in store.ballots(session.id)] == [ballot.id]
    monkeypatch.undo()
    runoff = commands.create_runoff(store, ballot.id)
    assert runoff.runoff_of == ballot.id and [o.label for o in runoff.options] == ["Young women 18–27", "Parents"]
    assert store.ballot(runoff.id).status is BallotStatus.draft


def test_adopting_is_refused_when_another_tab_reopened_the_ballot(room):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    vote(store, ballot, 1, "o0")
    seen = commands.close_voting(store, ballot.id)  # what the page read
    from c4d.voting.results import tally
    result = tally(store, seen).result
    commands.reopen_on_phones(store, ballot.id)  # another tab
    with pytest.raises(ValueError, match="Close the ballot"):
        commands.adopt(store, seen, result)
    assert store.decisions(campaign.id) == []
    commands.close_voting(store, ballot.id)
    decision = commands.adopt(store, seen, tally(store, store.ballot(ballot.id)).result, eligible_count=5)
    assert [d.id for d in store.decisions(campaign.id)] == [decision.id] and decision.ballot_id == ballot.id


# ---- creating and changing --------------------------------------------------------------------------

def test_creating_from_a_template_with_another_method_saves_one_ready_ballot(room, monkeypatch):
    store, campaign, session = room
    fail(monkeypatch, store, "save_ballot")
    with pytest.raises(Refused):
        commands.create_ballot(store, campaign.id, session.id, VotingMethod.dots, template="primary_audience")
    assert store.ballots(session.id) == []
    monkeypatch.undo()
    ballot = commands.create_ballot(store, campaign.id, session.id, VotingMethod.dots, template="primary_audience")
    assert store.ballot(ballot.id) == ballot
    assert (ballot.method, ballot.dots, ballot.template) == (VotingMethod.dots, 3, "primary_audience")
    blank = commands.create_ballot(store, campaign.id, session.id, VotingMethod.single, question="Which?",
                                   options=["TV", "", "  ", "Radio"])
    assert [o.label for o in blank.options] == ["TV", "Radio"]


def test_changing_a_ballot_reads_it_afresh_so_a_stale_page_cannot_change_what_votes_mean(room):
    store, campaign, session = room
    ballot = draft(store, campaign, session)
    commands.open_on_phones(store, ballot.id)  # another tab opened it since the page read `ballot`
    with pytest.raises(VotingError, match="Voting has started"):
        commands.change_ballot(store, ballot.id, method=VotingMethod.multiple, max_choices=2)
    assert commands.change_ballot(store, ballot.id, question="Who comes first?").question == "Who comes first?"
    assert commands.set_hide_live_results(store, ballot.id, True).hide_live_results


def test_reveal_and_hide_again(room):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    commands.close_voting(store, ballot.id)
    assert commands.reveal(store, ballot.id).results_revealed and store.ballot(ballot.id).results_revealed
    assert not commands.hide_again(store, ballot.id).results_revealed
    assert not store.ballot(ballot.id).results_revealed


def test_making_voter_cards_keeps_none_when_the_save_fails(room, monkeypatch):
    store, campaign, session = room
    people = store.add_participants([
        Participant(session_id=session.id, name="Saran Example", organisation="Centre", org_type=OrgType.ngo,
                    sex=Sex.woman),
        Participant(session_id=session.id, organisation="Police", org_type=OrgType.law_enforcement, sex=Sex.man)])
    fail(monkeypatch, store, "add_cards")
    with pytest.raises(Refused):
        commands.make_cards(store, session, people, spares=1)
    assert store.cards(session.id) == []
    monkeypatch.undo()
    assert len(commands.make_cards(store, session, people, spares=1)) == 3
    assert commands.make_cards(store, session, people) == []  # everyone has a card already


# ---- the idea board ---------------------------------------------------------------------------------

def ideas_in(store, campaign, session, *texts) -> list[Idea]:
    return [store.save_idea(Idea(campaign_id=campaign.id, session_id=session.id, text=text, voter_key=f"k{n}"))
            for n, text in enumerate(texts)]


def test_putting_ideas_on_a_new_ballot_keeps_no_ballot_when_the_ideas_cannot_be_marked(room, monkeypatch):
    store, campaign, session = room
    chosen = ideas_in(store, campaign, session, "Young women", "Students")
    fail(monkeypatch, store, "save_ideas")
    with pytest.raises(Refused):
        ideas.ideas_to_ballot(store, chosen, campaign_id=campaign.id, session_id=session.id, question="Who?")
    assert store.ballots(session.id) == []
    assert {i.status for i in store.ideas(session.id)} == {IdeaStatus.new}


def test_ideas_go_only_on_a_ballot_that_is_still_a_draft_as_saved_now(room):
    store, campaign, session = room
    chosen = ideas_in(store, campaign, session, "Young women")
    ballot = draft(store, campaign, session)
    commands.open_on_phones(store, ballot.id)  # another tab opened it since the page read `ballot`
    with pytest.raises(VotingError, match="still a draft"):
        ideas.ideas_to_ballot(store, chosen, ballot)
    assert store.ballot(ballot.id).status is BallotStatus.open
    assert [o.label for o in store.ballot(ballot.id).options] == ["Young women 18–27", "Parents"]


def test_merging_ideas_keeps_nothing_when_one_of_them_cannot_be_saved(room, monkeypatch):
    store, campaign, session = room
    keep, a, b = ideas_in(store, campaign, session, "Young women", "young women!", "Young  women")
    fail(monkeypatch, store, "save_idea", after=1)  # the first merged idea is saved, the second fails
    with pytest.raises(Refused):
        ideas.merge_ideas(store, keep, [a, b])
    assert {i.status for i in store.ideas(session.id)} == {IdeaStatus.new}
    monkeypatch.undo()
    assert ideas.merge_ideas(store, keep, [a, b]) == 2
    status = {i.id: (i.status, i.merged_into) for i in store.ideas(session.id)}
    assert status == {keep.id: (IdeaStatus.new, None), a.id: (IdeaStatus.merged, keep.id),
                      b.id: (IdeaStatus.merged, keep.id)}


def test_the_board_opens_closes_and_keeps_its_question(room):
    store, campaign, session = room
    with pytest.raises(ValueError, match="Write the question"):
        ideas.show_ideas(store, session.id)
    assert store.live_state(session.id).showing is Showing.wait
    ideas.set_prompt(store, session.id, "Who is at risk?")
    assert ideas.show_ideas(store, session.id).showing is Showing.ideas
    assert ideas.close_board(store, session.id).showing is Showing.wait
    assert store.live_state(session.id).idea_prompt == "Who is at risk?"
    idea, = ideas_in(store, campaign, session, "Off topic")
    assert ideas.hide(store, idea).status is IdeaStatus.hidden
    assert ideas.restore(store, store.ideas(session.id)[0]).status is IdeaStatus.new


def test_close_ballot_is_a_pure_step_and_the_command_saves_it(room):
    store, campaign, session = room
    ballot = opened(store, campaign, session)
    assert close_ballot(ballot).status is BallotStatus.closed
    assert store.ballot(ballot.id).status is BallotStatus.open  # the pure step saved nothing
    assert commands.close_voting(store, ballot.id).status is BallotStatus.closed
    assert store.ballot(ballot.id).status is BallotStatus.closed

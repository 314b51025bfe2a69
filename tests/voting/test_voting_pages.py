"""PPCD voting, the idea board and the live screen, driven through the real app (AppTest),
plus the worksheets' progress and report sections."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from c4d import lan
from c4d.voting.cards import cards_sheet_html
from c4d.voting.commands import show_ballot
from c4d.voting.results import adopted_ids
from c4d.voting.worksheet import VotingWorksheet
from c4d.export.workshop_report import build_workshop_report
from c4d.ideas.model import Idea, IdeaStatus
from c4d.ideas.commands import show_ideas
from c4d.ideas.worksheet import IdeasWorksheet
from c4d.models import Campaign, DecisionTopic, OrgType, Participant, Session, SessionKind, Sex
from c4d.phones.model import Showing
from c4d.voting.lifecycle import close_ballot, open_ballot, reopen_ballot, reveal_results
from c4d.voting.model import Ballot, BallotOption, BallotStatus, Vote, VotingMethod
from c4d.voting.templates import ballot_from_template
from c4d.worksheet import Status
from tests.test_pages import button, texts

VOTING, IDEAS, LIVE = "worksheets/voting.py", "worksheets/ideas.py", "worksheets/live_screen.py"


@pytest.fixture(autouse=True)
def fixed_network(monkeypatch):
    """No page test depends on the machine's network cards."""
    monkeypatch.setattr(lan, "candidate_addresses", lambda: ["192.168.137.1"])


@pytest.fixture
def workshop(ready_store):
    """A campaign with one PPCD session and five registered participants (3 women, 2 men)."""
    store = ready_store
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    people = store.add_participants([
        Participant(session_id=session.id, name="Saran Example", organisation="Centre", org_type=OrgType.ngo,
                    sex=Sex.woman, consent_to_list=True),
        Participant(session_id=session.id, name="Hidden Name", organisation="Shelter", org_type=OrgType.ngo,
                    sex=Sex.woman, consent_to_list=False),
        Participant(session_id=session.id, organisation="Police", org_type=OrgType.law_enforcement, sex=Sex.man),
        Participant(session_id=session.id, organisation="Radio", org_type=OrgType.media, sex=Sex.woman),
        Participant(session_id=session.id, organisation="Ministry", org_type=OrgType.government, sex=Sex.man),
    ])
    return store, campaign, session, people


def simple_ballot(store, campaign, session, labels=("Young women 18–27", "Parents", "Students"),
                  status="draft", question="Who first?", **extra) -> Ballot:
    ballot = Ballot(campaign_id=campaign.id, session_id=session.id, question=question,
                    options=[BallotOption(id=f"o{i}", label=label) for i, label in enumerate(labels)], **extra)
    ballot = store.save_ballot(ballot)
    if status != "draft":
        ballot = store.save_ballot(open_ballot(ballot))
        show_ballot(store, ballot)
    return ballot


def vote(store, ballot, voter, option, participant_id=None):
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{voter}", selections=[option],
                         participant_id=participant_id))


def closed(store, ballot):
    return store.save_ballot(close_ballot(store.ballot(ballot.id)))


def markdown_html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


# ---- PPCD voting page ------------------------------------------------------------------------
def test_create_a_ballot_from_a_template_and_open_it_on_the_phones(app, workshop):
    store, campaign, session, _ = workshop
    at = app(VOTING, campaign=campaign)
    at.radio(key="new-start").set_value("primary_audience").run()
    method = at.radio(key="new-method-primary_audience")
    assert method.value is VotingMethod.ranking_irv  # the template's method is proposed
    button(at, "Create ballot").click().run()
    [ballot] = store.ballots(session.id)
    assert ballot.template == "primary_audience" and ballot.status is BallotStatus.draft
    assert ballot.topic is DecisionTopic.primary_audience
    assert store.live_state(session.id).showing is Showing.wait

    button(at, "Open on phones").click().run()
    assert not at.exception
    state = store.live_state(session.id)
    assert store.ballot(ballot.id).status is BallotStatus.open
    assert (state.showing, state.ballot_id) == (Showing.ballot, ballot.id)
    assert "Voting is open" in texts(at)


def test_a_template_can_be_created_with_another_method(app, workshop):
    store, campaign, session, _ = workshop
    at = app(VOTING, campaign=campaign)
    at.radio(key="new-start").set_value("media").run()
    at.radio(key="new-method-media").set_value(VotingMethod.multiple).run()
    button(at, "Create ballot").click().run()
    [ballot] = store.ballots(session.id)
    assert ballot.method is VotingMethod.multiple and ballot.max_choices == 2


def test_opening_a_second_ballot_closes_the_first_so_one_thing_shows(app, workshop):
    store, campaign, session, _ = workshop
    first = simple_ballot(store, campaign, session, status="open")
    second = simple_ballot(store, campaign, session, labels=("TV", "Radio"), question="Which media?")
    at = app(VOTING, campaign=campaign)
    at.selectbox(key=f"voting-ballot-{session.id}").set_value(second.id).run()
    button(at, "Open on phones").click().run()
    assert store.ballot(first.id).status is BallotStatus.closed
    assert store.live_state(session.id).ballot_id == second.id
    body = texts(at)
    assert "'Who first?' was closed first" in body and "Phones now show the ballot 'Which media?'" in body


def test_turnout_and_results_on_the_facilitator_page(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    for voter, option in enumerate(["o0", "o0", "o1"]):
        vote(store, ballot, voter, option)
    at = app(VOTING, campaign=campaign)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Turnout of the people registered": "3 of 5 voted"}
    assert "Young women 18–27 leads with 2 of 3 votes (67%)" in texts(at)
    assert at.get("vega_lite_chart")


def test_tie_after_close_creates_a_runoff_draft(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    for voter, option in enumerate(["o0", "o1", "o0", "o1", "o2"]):
        vote(store, ballot, voter, option)
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    assert "Tie between Young women 18–27 and Parents" in texts(at)
    button(at, "Create a runoff among the tied options").click().run()
    runoff = [b for b in store.ballots(session.id) if b.runoff_of == ballot.id]
    assert len(runoff) == 1
    assert runoff[0].status is BallotStatus.draft
    assert [o.label for o in runoff[0].options] == ["Young women 18–27", "Parents"]
    assert "runoff after ballot 1" in texts(at)  # the page now shows the runoff


def test_show_of_hands_is_recorded_and_the_result_says_so(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session)
    at = app(VOTING, campaign=campaign)
    at.number_input(key="hand-o0").set_value(4)
    at.number_input(key="hand-o2").set_value(1)
    button(at, "Save the show of hands").click().run()
    hands = store.hand_count(ballot.id)
    assert hands is not None and hands.counts == {"o0": 4, "o2": 1}
    assert store.ballot(ballot.id).show_of_hands
    assert "Young women 18–27 wins with 4 of 5 votes (80%), by show of hands." in texts(at)


def test_show_of_hands_that_does_not_add_up_is_refused(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, method=VotingMethod.multiple, max_choices=2)
    at = app(VOTING, campaign=campaign)
    at.number_input(key="hand-o0").set_value(4)
    [n for n in at.number_input if n.label == "People who took part"][0].set_value(2)
    button(at, "Save the show of hands").click().run()
    assert "An option has more hands than the 2 people who took part" in texts(at)
    assert store.hand_count(ballot.id) is None


@pytest.mark.parametrize("method,asked", [(VotingMethod.single, False), (VotingMethod.multiple, True),
                                          (VotingMethod.dots, True), (VotingMethod.ranking_borda, False),
                                          (VotingMethod.ranking_irv, False), (VotingMethod.matrix, False)])
def test_the_show_of_hands_asks_for_the_people_only_where_the_hands_do_not_say(app, workshop, method, asked):
    store, campaign, session, _ = workshop
    simple_ballot(store, campaign, session, method=method)
    at = app(VOTING, campaign=campaign)
    assert any(n.label == "People who took part" for n in at.number_input) is asked


def test_adopt_as_campaign_decision_with_breakdown(app, workshop):
    store, campaign, session, _ = workshop
    ballot = store.save_ballot(ballot_from_template("area", campaign.id, session.id))
    ballot = store.save_ballot(open_ballot(ballot))
    ids = ballot.option_ids
    for voter, picks in enumerate([[ids[0], ids[1]], [ids[0]], [ids[0], ids[2]], [ids[1]]]):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{voter}", selections=picks))
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    at.multiselect(key=f"adopt-choice-{ballot.id}").select(ids[1])  # the top two areas
    at.text_area(key=f"adopt-why-{ballot.id}").input("Most cases are reported there.")
    button(at, "Adopt as campaign decision").click().run()
    [decision] = store.decisions(campaign.id)
    assert decision.topic is DecisionTopic.area
    assert decision.choice == "The capital city and A second city or regional hub"
    assert decision.method == "Vote (multiple choice)"
    assert (decision.turnout, decision.eligible, decision.session_id) == (4, 5, session.id)
    assert [(r.option, r.votes) for r in decision.breakdown][:2] == [("The capital city", 3),
                                                                     ("A second city or regional hub", 2)]
    assert decision.rationale == "Most cases are reported there."
    assert adopted_ids(store, campaign.id) == {ballot.id: [decision.id]}
    assert "Adopted: Area of dissemination — The capital city and A second city or regional hub" in texts(at)


def closed_with_a_tie(store, campaign, session) -> Ballot:
    """A ballot closed with one vote each for its first two options."""
    ballot = simple_ballot(store, campaign, session, status="open")
    vote(store, ballot, 1, "o0")
    vote(store, ballot, 2, "o1")
    return closed(store, ballot)


def test_a_tie_must_be_settled_by_the_facilitator_before_adopting(app, workshop):
    store, campaign, session, _ = workshop
    ballot = closed_with_a_tie(store, campaign, session)
    at = app(VOTING, campaign=campaign)
    assert at.multiselect(key=f"adopt-choice-{ballot.id}").value == []
    button(at, "Adopt as campaign decision").click().run()
    assert "pick the option" in texts(at)
    assert store.decisions(campaign.id) == []
    at.multiselect(key=f"adopt-choice-{ballot.id}").select("o1")
    button(at, "Adopt as campaign decision").click().run()
    assert [d.choice for d in store.decisions(campaign.id)] == ["Parents"]


def test_lifecycle_reveal_hide_reopen_and_take_off_phones(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    vote(store, ballot, 1, "o0")
    at = app(VOTING, campaign=campaign)
    button(at, "Close voting").click().run()
    assert store.ballot(ballot.id).status is BallotStatus.closed
    button(at, "Reveal results on the phones and the projector").click().run()
    assert store.ballot(ballot.id).results_revealed
    button(at, "Hide results").click().run()
    assert not store.ballot(ballot.id).results_revealed
    button(at, "Reopen").click().run()
    assert store.ballot(ballot.id).status is BallotStatus.open
    button(at, "Take off the phones").click().run()
    assert store.live_state(session.id).showing is Showing.wait
    at.toggle(key=f"hide-live-{ballot.id}").set_value(True).run()
    assert store.ballot(ballot.id).hide_live_results


def hands(at, **counts):
    """Type a show of hands (option id → number) and save it."""
    for option_id, n in counts.items():
        at.number_input(key=f"hand-{option_id}").set_value(n)
    button(at, "Save the show of hands").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_pick_to_adopt_follows_the_result_when_a_show_of_hands_changes_the_leader(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open", question="Which group first?")
    vote(store, ballot, 1, "o0")
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    choice = lambda: at.multiselect(key=f"adopt-choice-{ballot.id}")  # noqa: E731
    assert choice().value == ["o0"]  # Young women lead on the phones: proposed
    hands(at, o2=12, o0=2)
    assert "Students wins" in texts(at)
    assert choice().value == ["o2"]  # the pick followed the new leader
    assert not at.warning
    button(at, "Adopt as campaign decision").click().run()
    [decision] = store.decisions(campaign.id)
    assert decision.choice == "Students"
    assert [(r.option, r.votes) for r in decision.breakdown][0] == ("Students", 12)


def test_a_tie_broken_by_a_show_of_hands_proposes_the_new_leader(app, workshop):
    store, campaign, session, _ = workshop
    ballot = closed_with_a_tie(store, campaign, session)
    at = app(VOTING, campaign=campaign)
    assert at.multiselect(key=f"adopt-choice-{ballot.id}").value == []  # a tie: the room settles it
    hands(at, o1=3)
    assert "Parents wins" in texts(at)
    assert at.multiselect(key=f"adopt-choice-{ballot.id}").value == ["o1"]


def test_a_pick_other_than_the_leader_is_named_before_adopting(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    for voter, option in enumerate(["o2"] * 12 + ["o0"] * 2):
        vote(store, ballot, voter, option)
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    assert not at.warning
    at.multiselect(key=f"adopt-choice-{ballot.id}").unselect("o2").select("o0").run()
    assert len(at.warning) == 1
    assert "The count puts Students (12) first, but you picked Young women 18–27 (2)." in texts(at)
    at.text_area(key=f"adopt-why-{ballot.id}").input("The room chose young women after the discussion.")
    button(at, "Adopt as campaign decision").click().run()  # a deliberate choice: recorded, and said again
    [decision] = store.decisions(campaign.id)
    assert decision.choice == "Young women 18–27" and decision.breakdown[0].option == "Students"
    assert "Decision recorded: Other decision — Young women 18–27. The count put Students first" in texts(at)
    at.multiselect(key=f"adopt-choice-{ballot.id}").select("o2").run()  # the leader and another: no contradiction
    assert not at.warning


def test_ballot_picker_labels_carry_the_status_after_each_step(app, workshop):
    """After each step the box is told which label to show: a browser keeps showing the label
    it had unless the value is set again (seen in Chromium: 'open for voting' after Close)."""
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open", question="Which group first?")
    at = app(VOTING, campaign=campaign)
    box = lambda: at.selectbox(key=f"voting-ballot-{session.id}")  # noqa: E731
    assert box().value == ballot.id and box().options == ["1. Which group first? (open for voting)"]
    for step, status in [("Close voting", "closed"), ("Reopen", "open for voting"), ("Close voting", "closed")]:
        button(at, step).click().run()
        told = box().proto.raw_value if box().proto.set_value else "(nothing: the old label stays)"
        assert told == f"1. Which group first? ({status})", step


def test_created_message_has_no_double_punctuation(app, workshop):
    store, campaign, session, _ = workshop
    at = app(VOTING, campaign=campaign)
    at.radio(key="new-start").set_value("blank").run()
    at.text_input(key="new-question").input("Which group first?")
    at.text_area(key="new-options").input("Students\nParents")
    button(at, "Create ballot").click().run()
    assert "?." not in texts(at)
    assert "Ballot 'Which group first?' created. Check the options" in texts(at)


def test_reopen_says_what_the_phones_and_the_projector_show(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    vote(store, ballot, 1, "o0")
    store.save_ballot(reveal_results(closed(store, ballot)))
    at = app(VOTING, campaign=campaign)
    button(at, "Reopen").click().run()
    said = texts(at)
    assert "hidden again" not in said
    assert "Phones show no result until you reveal it again" in said
    assert "the projector shows the live results as votes arrive" in said

    at.toggle(key=f"hide-live-{ballot.id}").set_value(True).run()
    button(at, "Close voting").click().run()
    button(at, "Reopen").click().run()
    assert "the projector shows only how many have voted." in texts(at)


def test_take_off_the_phones_only_under_the_ballot_the_phones_show(app, workshop):
    store, campaign, session, _ = workshop
    open_one = simple_ballot(store, campaign, session, status="open")
    draft = simple_ballot(store, campaign, session, labels=("TV", "Radio"), question="Which media?")
    show_ideas(store, session.id, "Who is at risk?")
    at = app(VOTING, campaign=campaign)
    at.selectbox(key=f"voting-ballot-{session.id}").set_value(draft.id).run()
    assert not any(b.label == "Take off the phones" for b in at.button)  # a draft; the idea board is on
    at.selectbox(key=f"voting-ballot-{session.id}").set_value(open_one.id).run()
    assert not any(b.label == "Take off the phones" for b in at.button)  # open, but not what phones show
    show_ballot(store, store.ballot(open_one.id))
    at.run()
    button(at, "Take off the phones").click().run()
    assert store.live_state(session.id).showing is Showing.wait


def test_instant_runoff_table_shows_a_dash_for_options_never_eliminated(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open", method=VotingMethod.ranking_irv)
    for n, ranking in enumerate([["o2"], ["o1"], ["o1", "o2"], ["o0", "o2"], ["o0", "o1"], ["o1"]]):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{n}", ranking=ranking))
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    [table] = [d.value for d in at.dataframe if "Eliminated in round" in d.value.columns]
    column = list(table["Eliminated in round"])
    assert None not in column and "None" not in column
    assert column.count("–") == 2 and "1" in column  # two finalists; one option out in round 1


def test_show_of_hands_boxes_are_named_with_the_option_as_typed(app, workshop):
    store, campaign, session, _ = workshop
    simple_ballot(store, campaign, session, labels=("Students with part-time jobs", "Erdenet (Orkhon)",
                                                    "**bold** ![x](http://example.org/x.png)"))
    at = app(VOTING, campaign=campaign)
    labels = {n.key: n.label for n in at.number_input if (n.key or "").startswith("hand-")}
    assert labels["hand-o0"] == "Students with part-time jobs"  # no "part\-time"
    assert labels["hand-o1"] == "Erdenet (Orkhon)"
    assert "**" not in labels["hand-o2"] and "![" not in labels["hand-o2"]  # markup stays text
    assert labels["hand-o2"].replace("\\", "").replace("\u2060", "") == "**bold** ![x](http://example.org/x.png)"


def test_results_by_sex_and_organisation_for_card_voters_with_a_caution(app, workshop):
    store, campaign, session, people = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    vote(store, ballot, "a", "o0", participant_id=people[0].id)
    vote(store, ballot, "b", "o0", participant_id=people[1].id)
    vote(store, ballot, "c", "o1", participant_id=people[2].id)
    vote(store, ballot, "d", "o1")
    at = app(VOTING, campaign=campaign)
    [table] = [d.value for d in at.dataframe if "Option" in d.value.columns and
               any("Sex: Woman" in c for c in d.value.columns)]
    assert list(table.columns) == ["Option", "Sex: Woman (n = 2)", "Sex: Man (n = 1)",
                                   "Organisation: Law enforcement (n = 1)",
                                   "Organisation: NGO / service provider (n = 2)", "Not identified (n = 1)"]
    assert table.set_index("Option").loc["Young women 18–27", "Sex: Woman (n = 2)"] == 2
    assert "groups of fewer than 5 people" in texts(at)


def test_voter_cards_one_per_participant_and_the_cards_switch(app, workshop):
    store, campaign, session, people = workshop
    simple_ballot(store, campaign, session)
    at = app(VOTING, campaign=campaign)
    button(at, "Make voter cards").click().run()
    cards = store.cards(session.id)
    assert len(cards) == 5 and len({c.code for c in cards}) == 5
    assert {c.participant_id for c in cards} == {p.id for p in people}
    assert button(at, "Make voter cards").disabled  # everyone has a card; spares only on request
    [n for n in at.number_input if n.label.startswith("Spare cards")][0].set_value(2).run()
    button(at, "Make voter cards").click().run()
    cards = store.cards(session.id)
    assert len(cards) == 7 and len({c.code for c in cards}) == 7
    assert sum(c.participant_id is None for c in cards) == 2
    at.toggle(key=f"cards-required-{session.id}").set_value(True).run()
    assert store.live_state(session.id).cards_required


def test_cards_cannot_be_required_once_phones_voted_without_them_nor_dropped_after_card_votes(app, workshop):
    """Mixing phone votes and card votes on one ballot would let a person count twice: the
    switch is refused with the reason, and a ballot whose votes were cast the other way
    cannot be put back on the phones."""
    from c4d.voting.cards import cards_conflict
    from c4d.voting.commands import set_cards_required
    from c4d.voting.model import VotingError

    store, campaign, session, people = workshop
    informal = simple_ballot(store, campaign, session, status="open", question="Which channel?")
    store.cast_vote(Vote(ballot_id=informal.id, voter_key="device:phone-1", selections=["o0"]))
    at = app(VOTING, campaign=campaign)
    at.toggle(key=f"cards-required-{session.id}").set_value(True).run()
    assert not store.live_state(session.id).cards_required
    assert not at.toggle(key=f"cards-required-{session.id}").value
    assert any("1 phone has already voted on 'Which channel?' without a card" in e.value.replace("\\", "")
               for e in at.error)

    store.save_ballot(close_ballot(store.ballot(informal.id)))
    formal = simple_ballot(store, campaign, session, status="draft", question="Which area?")
    set_cards_required(store, session.id, True)  # before the formal ballot opens: allowed
    formal = store.save_ballot(open_ballot(formal))
    show_ballot(store, formal)
    store.cast_vote(Vote(ballot_id=formal.id, voter_key="card:AAAAAA", participant_id=people[0].id,
                         selections=["o1"]))
    with pytest.raises(VotingError, match="1 card vote is already counted on 'Which area\\?'"):
        set_cards_required(store, session.id, False)
    assert store.live_state(session.id).cards_required
    with pytest.raises(VotingError, match="without a card"):  # the informal ballot, reopened while cards are required
        show_ballot(store, store.save_ballot(reopen_ballot(store.ballot(informal.id))))
    assert store.live_state(session.id).ballot_id == formal.id
    assert cards_conflict(store, store.ballot(formal.id), True) is None


def test_card_sheet_prints_names_only_with_consent_and_escapes_them(workshop):
    store, campaign, session, people = workshop
    store.update_participant(people[0].model_copy(update={"name": "<b>Saran</b>"}))
    people = store.participants(session.id)
    from c4d.voting.commands import make_cards

    cards = make_cards(store, session, people, spares=2)
    sheet = cards_sheet_html(campaign, session, cards, people, "http://192.168.137.1:8501/j/ABCDE")
    assert sheet.count('class="card"') == 7
    assert "&lt;b&gt;Saran&lt;/b&gt;" in sheet and "<b>Saran</b>" not in sheet
    assert "Hidden Name" not in sheet  # no consent: no name
    assert all(card.code in sheet for card in cards)
    assert "<script" not in sheet and "http" not in sheet.replace("http://192.168.137.1:8501/j/ABCDE", "")


def test_editing_a_draft_and_wording_only_after_voting_started(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session)
    at = app(VOTING, campaign=campaign)
    at.radio(key=f"edit-method-{ballot.id}").set_value(VotingMethod.dots).run()  # saved at once
    saved = store.ballot(ballot.id)
    assert saved.method is VotingMethod.dots and saved.dots == 3
    assert "Counted by dot voting now. Place up to 3 dots (several on one option if you like)." in texts(at)
    [q for q in at.text_input if q.label == "Question" and q.value == "Who first?"][0].input("Who, first of all?")
    button(at, "Save ballot").click().run()
    saved = store.ballot(ballot.id)
    assert saved.question == "Who, first of all?" and saved.method is VotingMethod.dots and saved.dots == 3

    store.save_ballot(open_ballot(saved))
    at = app(VOTING, campaign=campaign)
    assert not any(r.key == f"edit-method-{ballot.id}" for r in at.radio)  # fixed once voting has started
    assert not any(n.label == "Dots per person" for n in at.number_input)
    [q for q in at.text_input if q.label == "Question" and q.value == "Who, first of all?"][0].input("Who first?")
    button(at, "Save ballot").click().run()
    assert store.ballot(ballot.id).question == "Who first?"
    assert store.ballot(ballot.id).method is VotingMethod.dots


def test_option_labels_are_shown_as_typed_never_as_markup(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, labels=("**bold** [link](http://x)", "<img src=x>"),
                           status="open")
    vote(store, ballot, 1, "o0")
    at = app(VOTING, campaign=campaign)
    body = "\n".join(m.value for m in at.markdown)
    assert "**bold**" not in body and "\\*\\*bold\\*\\*" in body
    assert "<img" not in body


@pytest.mark.parametrize("method,payloads,shown", [
    (VotingMethod.ranking_borda, [{"ranking": ["o1", "o0", "o2"]}, {"ranking": ["o0", "o1", "o2"]},
                                  {"ranking": ["o1", "o2", "o0"]}], "Borda points"),
    (VotingMethod.ranking_irv, [{"ranking": ["o2"]}, {"ranking": ["o1"]}, {"ranking": ["o1", "o2"]},
                                {"ranking": ["o0", "o2"]}, {"ranking": ["o0", "o1"]}, {"ranking": ["o1"]}],
     "Eliminated in round"),
    (VotingMethod.dots, [{"dots": {"o0": 2, "o1": 1}}, {"dots": {"o2": 3}}], "Share of dots"),
    (VotingMethod.matrix, [{"scores": {o: {"c1": 4 if o == "o1" else 2, "c2": 3} for o in ("o0", "o1", "o2")}}],
     "Score out of 100"),
])
def test_every_method_shows_its_result_table(app, workshop, method, payloads, shown):
    from c4d.voting.model import Criterion

    store, campaign, session, _ = workshop
    extra = {"dots": 3} if method is VotingMethod.dots else {}
    if method is VotingMethod.matrix:
        extra["criteria"] = [Criterion(id="c1", label="Severity", weight=2), Criterion(id="c2", label="Gap")]
    ballot = simple_ballot(store, campaign, session, status="open", method=method, **extra)
    for n, payload in enumerate(payloads):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{n}", **payload))
    closed(store, ballot)
    at = app(VOTING, campaign=campaign)
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    assert any(shown in table.columns for table in tables)
    assert "wins" in texts(at)
    at = app(LIVE, campaign=campaign)
    assert not at.exception and "Voting is closed." in texts(at)


# ---- idea board --------------------------------------------------------------------------------
def seed_ideas(store, campaign, session, *texts_):
    return [store.save_idea(Idea(campaign_id=campaign.id, session_id=session.id, text=t, voter_key=f"device:{n}"))
            for n, t in enumerate(texts_)]


def test_idea_board_opens_on_the_phones_with_its_question(app, workshop):
    store, campaign, session, _ = workshop
    at = app(IDEAS, campaign=campaign)
    [t for t in at.text_input if t.label == "Question for the room"][0].input("Which groups are most at risk?")
    button(at, "Open the board on phones").click().run()
    state = store.live_state(session.id)
    assert state.showing is Showing.ideas and state.idea_prompt == "Which groups are most at risk?"
    button(at, "Close the board").click().run()
    assert store.live_state(session.id).showing is Showing.wait


def test_idea_board_merges_likely_duplicates_in_one_click(app, workshop):
    store, campaign, session, _ = workshop
    seed_ideas(store, campaign, session, "Young women 18-27", "young  WOMEN 18-27", "Students", "Herders")
    at = app(IDEAS, campaign=campaign)
    assert "Likely duplicates" in texts(at)
    button(at, "Merge them").click().run()
    ideas = store.ideas(session.id)
    assert [i.status for i in ideas].count(IdeaStatus.merged) == 1
    [table] = [d.value for d in at.dataframe]
    assert sorted(table["Support"]) == [1, 1, 2]
    assert table["Idea"][0].casefold().split() == ["young", "women", "18-27"]  # most support first
    assert "Likely duplicates" not in texts(at)


def test_idea_board_rewords_hides_and_merges_by_hand(app, workshop):
    store, campaign, session, _ = workshop
    first, second, third = seed_ideas(store, campaign, session, "students wth part time jobs", "Students", "spam")
    at = app(IDEAS, campaign=campaign)
    at.selectbox(key=f"tidy-{session.id}").set_value(first.id).run()
    [t for t in at.text_input if t.label == "Wording"][0].input("Students with part-time jobs")
    button(at, "Save wording").click().run()
    assert {i.id: i.text for i in store.ideas(session.id)}[first.id] == "Students with part-time jobs"
    at.multiselect(key=f"merge-{first.id}").select(second.id).run()
    button(at, "Merge").click().run()
    assert {i.id: i.merged_into for i in store.ideas(session.id)}[second.id] == first.id
    at.selectbox(key=f"tidy-{session.id}").set_value(third.id).run()
    button(at, "Hide this idea (off-topic)").click().run()
    assert {i.id: i.status for i in store.ideas(session.id)}[third.id] is IdeaStatus.hidden


def test_promote_ideas_into_a_new_ballot_then_into_an_existing_draft(app, workshop):
    store, campaign, session, _ = workshop
    state = store.live_state(session.id)
    store.save_live_state(state.model_copy(update={"idea_prompt": "Which groups are most at risk?"}))
    a, b, c = seed_ideas(store, campaign, session, "Young women", "Students", "Migrants")
    at = app(IDEAS, campaign=campaign)
    at.multiselect(key=f"promote-{session.id}").select(a.id).select(b.id).run()
    button(at, "Put on the ballot").click().run()
    [ballot] = store.ballots(session.id)
    assert ballot.question == "Which groups are most at risk?" and ballot.status is BallotStatus.draft
    assert [o.label for o in ballot.options] == ["Young women", "Students"]
    assert {i.id: i.status for i in store.ideas(session.id)}[a.id] is IdeaStatus.promoted

    at.multiselect(key=f"promote-{session.id}").select(c.id).run()
    at.selectbox(key=f"promote-target-{session.id}").set_value(ballot.id).run()
    button(at, "Put on the ballot").click().run()
    assert [o.label for o in store.ballot(ballot.id).options] == ["Young women", "Students", "Migrants"]
    assert len(store.ballots(session.id)) == 1


# ---- live screen ---------------------------------------------------------------------------------
def test_live_screen_join_screen_shows_code_link_and_qr(app, workshop):
    store, campaign, session, _ = workshop
    code = store.live_state(session.id).join_code
    at = app(LIVE, campaign=campaign)
    html_text = markdown_html(at)
    assert f">{code}<" in html_text
    words = html_text.replace("<wbr>", "").replace("</span>", "")  # the address is one unbreakable piece
    assert f">http://192.168.137.1:8501/j/{code}" in words
    assert len(at.get("image")) == 1  # the QR code

    store.set_setting(lan.SETTING, "10.42.0.1:8600")
    at = app(LIVE, campaign=campaign)
    assert f">http://10.42.0.1:8600/j/{code}" in markdown_html(at).replace("<wbr>", "").replace("</span>", "")


def test_live_screen_shows_n_of_m_and_respects_hidden_and_revealed_results(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open", hide_live_results=True)
    for voter, option in enumerate(["o0", "o0", "o1"]):
        vote(store, ballot, voter, option)
    at = app(LIVE, campaign=campaign)
    assert "3 of 5 voted" in texts(at)
    assert "Results are hidden while voting runs." in texts(at)
    assert not at.get("vega_lite_chart")

    store.save_ballot(store.ballot(ballot.id).model_copy(update={"hide_live_results": False}))
    at.run()
    assert at.get("vega_lite_chart")

    ballot = closed(store, ballot)
    at.run()
    assert "Voting is closed." in texts(at) and "The results will be shown in a moment." in texts(at)
    assert not at.get("vega_lite_chart")

    store.save_ballot(reveal_results(ballot))
    vote_count_text = texts(at.run())
    assert "Young women 18–27 wins with 2 of 3 votes (67%)." in vote_count_text
    assert at.get("vega_lite_chart")


def test_live_screen_says_no_votes_yet_rather_than_hidden_results(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open")
    at = app(LIVE, campaign=campaign)
    assert "No votes yet." in texts(at) and "hidden" not in texts(at)
    store.save_ballot(store.ballot(ballot.id).model_copy(update={"hide_live_results": True}))
    assert "No votes yet. Results stay hidden while voting runs." in texts(at.run())


def test_live_screen_warns_when_phones_cannot_reach_this_server(app, workshop):
    from streamlit import config as streamlit_config

    _, campaign, _, _ = workshop
    streamlit_config.set_option("server.address", "127.0.0.1")
    try:
        at = app(LIVE, campaign=campaign)
        assert any("started for this laptop only" in w.value for w in at.warning)
    finally:
        streamlit_config.set_option("server.address", None)
    at = app(LIVE, campaign=campaign)
    assert not any("started for this laptop only" in w.value for w in at.warning)


def test_live_screen_follows_a_pretest_on_the_phones(app, workshop):
    from c4d.pretest import commands
    from c4d.pretest.model import Material, MaterialType

    store, campaign, session, _ = workshop
    slogan = commands.register_material(store, campaign.id, Material(
        type=MaterialType.slogan, title="Slogan", text="Let's be aware of, discuss about and prevent TIP"))
    commands.show_material(store, campaign.id, session.id, slogan.id)
    at = app(LIVE, campaign=campaign)
    body = texts(at)
    assert "Let's be aware of, discuss about and prevent TIP" in body and "0 answers so far" in body
    assert "The next question will appear here." not in body


def test_live_screen_shows_ideas_arriving(app, workshop):
    store, campaign, session, _ = workshop
    show_ideas(store, session.id, "Which groups are most at risk?")
    at = app(LIVE, campaign=campaign)
    assert "0 ideas" in texts(at)
    seed_ideas(store, campaign, session, "Students with <b>seasonal</b> jobs")
    body = texts(at.run())
    assert "Which groups are most at risk?" in body and "1 idea" in body
    assert "Students with <b>seasonal</b> jobs" in body  # shown as typed (escaped in markdown)


def test_live_screen_refreshes_itself_every_second():
    from c4d import ui

    source = open("worksheets/live_screen.py", encoding="utf-8").read()
    assert "@ui.live()" in source and ui.LIVE_SECONDS == 1


# ---- progress and report -----------------------------------------------------------------------
def test_voting_progress_from_not_started_to_done(workshop):
    store, campaign, session, _ = workshop
    worksheet = VotingWorksheet()
    assert worksheet.progress(store, campaign).status is Status.not_started
    ballots = {}
    for key in ("trend", "primary_audience", "area", "media"):
        ballots[key] = store.save_ballot(ballot_from_template(key, campaign.id, session.id))
    progress = worksheet.progress(store, campaign)
    assert progress.status is Status.in_progress and "Hold the vote on" in progress.next_action
    from c4d.voting.commands import adopt
    from c4d.voting.results import tally

    for ballot in ballots.values():
        ballot = store.save_ballot(open_ballot(ballot))
        first = ballot.option_ids[0]
        payload = ({"ranking": [first]} if ballot.method is VotingMethod.ranking_irv else
                   {"dots": {first: 1}} if ballot.method is VotingMethod.dots else
                   {"scores": {o: {c.id: 5 if o == first else 1 for c in ballot.criteria} for o in ballot.option_ids}}
                   if ballot.method is VotingMethod.matrix else {"selections": [first]})
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", **payload))
        ballot = closed(store, ballot)
        assert worksheet.progress(store, campaign).status is Status.in_progress
        adopt(store, ballot, tally(store, ballot).result)
    assert worksheet.progress(store, campaign).status is Status.done


def test_idea_board_progress(workshop):
    store, campaign, session, _ = workshop
    worksheet = IdeasWorksheet()
    assert worksheet.progress(store, campaign).status is Status.not_started
    assert worksheet.progress(store, campaign).next_action == ""  # optional: suggests nothing
    show_ideas(store, session.id, "Who is at risk?")
    idea, = seed_ideas(store, campaign, session, "Students")
    assert worksheet.progress(store, campaign).next_action.startswith("Close the idea board")
    from c4d.ideas.commands import close_board, ideas_to_ballot

    close_board(store, session.id)
    assert worksheet.progress(store, campaign).status is Status.in_progress
    ideas_to_ballot(store, [idea], campaign_id=campaign.id, session_id=session.id, question="Who?")
    assert worksheet.progress(store, campaign).status is Status.done


def test_report_has_the_ballots_with_table_chart_decision_and_the_idea_board(workshop):
    store, campaign, session, people = workshop
    ballot = simple_ballot(store, campaign, session, status="open", topic=DecisionTopic.primary_audience)
    for voter, option in enumerate(["o0", "o0", "o1"]):
        vote(store, ballot, voter, option)
    ballot = closed(store, ballot)
    from c4d.voting.commands import adopt
    from c4d.voting.results import tally

    adopt(store, ballot, tally(store, ballot).result, eligible_count=5)
    simple_ballot(store, campaign, session, labels=("Never", "Used"))  # an unused draft: left out
    state = store.live_state(session.id)
    store.save_live_state(state.model_copy(update={"idea_prompt": "Who is most at risk?"}))
    a, b = seed_ideas(store, campaign, session, "Young women", "young women")
    from c4d.ideas.commands import merge_ideas

    merge_ideas(store, a, [b])

    document = docx.Document(io.BytesIO(build_workshop_report(store, campaign.id, session.id)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Votes" in paragraphs and "1. Who first?" in paragraphs and "Idea board" in paragraphs
    assert "Young women 18–27 wins with 2 of 3 votes (67%)." in paragraphs
    assert "Adopted as the campaign decision — Primary target group: Young women 18–27." in paragraphs
    assert not any("Never" in p for p in paragraphs)
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["1", "Who first?", "Single choice", "Closed", "3 of 5 voted (registered)"] in cells
    assert ["1", "Young women 18–27", "2", "67%"] in cells
    assert ["Young women", "2", "On the board"] in cells
    assert len(document.inline_shapes) >= 1  # the chart
    assert "Question put to the room: Who is most at risk?" in paragraphs


# ---- settings: the address for phones and the phone words ---------------------------------------
SETTINGS = "worksheets/settings.py"


def test_settings_network_address_override_is_checked_and_saved(app, workshop):
    store, campaign, _, _ = workshop
    at = app(SETTINGS, campaign=campaign)
    assert "Detected now: 192.168.137.1" in texts(at)
    field = lambda: [t for t in at.text_input if t.label.startswith("Address phones use")][0]  # noqa: E731
    field().input("127.0.0.1")
    button(at, "Save address").click().run()
    assert "only works on this laptop" in texts(at)
    assert store.setting(lan.SETTING) is None
    field().input("192.168.5.5:8502")
    button(at, "Save address").click().run()
    assert store.setting(lan.SETTING) == "192.168.5.5:8502"
    field().input("")
    button(at, "Save address").click().run()
    assert store.setting(lan.SETTING) is None


def test_settings_phone_words_translations_are_saved_per_language(app, workshop):
    from c4d.phones import phrases

    store, campaign, _, _ = workshop
    at = app(SETTINGS, campaign=campaign)
    at.text_input(key="phrases-language").input("mn").run()
    english = phrases.PHRASE_KEYS["submit_vote"][0]
    [t for t in at.text_input if t.key == "phrase-mn-submit_vote"][0].input("Саналаа илгээх")
    button(at, "Save translations").click().run()
    assert phrases.load_translations(store) == {"mn": {"submit_vote": "Саналаа илгээх"}}
    assert phrases.phrases("mn", phrases.load_translations(store))["submit_vote"] == "Саналаа илгээх"
    assert english in [t.label.replace("\\", "") for t in at.text_input]
    at.text_input(key="phrases-language").input("Mongolian!").run()
    assert "language code" in texts(at)


def test_live_screen_opens_on_the_session_that_is_live(app, workshop):
    store, campaign, session, _ = workshop
    later = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.media_camp_1, title="Media Camp",
                                      start_date=date(2020, 9, 1), end_date=date(2020, 9, 2)))
    store.live_state(session.id)
    show_ideas(store, later.id, "Which channels?")
    at = app(LIVE, campaign=campaign)
    assert "Which channels?" in texts(at)
    at.toggle(key="projector").set_value(True).run()  # no session picker in projector mode
    assert "Which channels?" in texts(at) and not at.selectbox


def test_voting_page_in_projector_mode_keeps_hidden_results_hidden(app, workshop):
    store, campaign, session, _ = workshop
    ballot = simple_ballot(store, campaign, session, status="open", hide_live_results=True)
    vote(store, ballot, 1, "o0")
    at = app(VOTING, campaign=campaign)
    assert at.get("vega_lite_chart")  # the facilitator's own screen shows the count
    at.toggle(key="projector").set_value(True).run()
    assert "Results are hidden until the facilitator reveals them." in texts(at)
    assert not at.get("vega_lite_chart") and not any(b.label == "Close voting" for b in at.button)
    assert [m.value for m in at.metric] == ["1 of 5 voted"]  # turnout stays in view


def test_export_scope_covers_every_session_when_asked(app, workshop):
    store, campaign, session, _ = workshop
    second = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.media_camp_1, title="Media Camp 1",
                                       start_date=date(2020, 9, 1), end_date=date(2020, 9, 2)))
    simple_ballot(store, campaign, session, status="open")
    simple_ballot(store, campaign, second, question="Which slogan?", labels=("A", "B"))
    at = app(VOTING, campaign=campaign)
    at.checkbox(key="export-all").check().run()
    assert not at.exception, [e.value for e in at.exception]

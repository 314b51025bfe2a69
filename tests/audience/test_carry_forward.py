"""Decisions carry forward without re-typing (issue 17): the PPCD's primary target group
becomes the primary audience with one confirmation, offered where the decision is taken and
never asked again for the same group; what is already in the framework (or already an
audience) is not offered again."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from c4d.audience.commands import add_audience, add_entry, adopt_decision
from c4d.audience.model import AudienceRole, Level, Side
from c4d.audience.reading import decisions_to_adopt, entries_to_offer, ideas_to_offer, load_analysis, load_part
from c4d.db.store import Store
from c4d.ideas.model import Idea
from c4d.models import Campaign, Decision, DecisionTopic, Session, SessionKind
from tests.fixtures_store import add_campaign, decision

DECISIONS, AUDIENCES, FRAMEWORK = "worksheets/decisions.py", "worksheets/audiences.py", "worksheets/audience_framework.py"
GROUP = "Young women aged 18–27"


@pytest.fixture
def db() -> Store:
    return Store("sqlite://")


@pytest.fixture
def campaign(db) -> Campaign:
    return add_campaign(db, "Safe Journeys")


# ---- what is offered (reading) -----------------------------------------------------------------------------
def test_a_decision_already_named_as_the_audience_of_its_role_is_not_offered_again(db, campaign):
    add_audience(db, campaign.id, role=AudienceRole.primary, name="young women  aged 18–27")
    db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice=GROUP))
    assert decisions_to_adopt(db, campaign.id) == []
    # the same words under another role are a different audience: the decision is offered
    other = add_campaign(db, "Other")
    add_audience(db, other.id, role=AudienceRole.secondary, name=GROUP)
    d = db.add_decision(decision(other, topic=DecisionTopic.primary_audience, choice=GROUP))
    assert [x.id for x in decisions_to_adopt(db, other.id)] == [d.id]


def test_a_new_vote_for_the_same_group_is_not_offered_again(db, campaign):
    first = db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice=GROUP))
    adopt_decision(db, campaign.id, first)
    db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice=GROUP,
                             when=datetime(2020, 6, 19, 10, tzinfo=timezone.utc)))
    assert decisions_to_adopt(db, campaign.id) == []
    # a new vote for another group is offered
    other = db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice="Young men 18–30",
                                     when=datetime(2020, 6, 20, 10, tzinfo=timezone.utc)))
    assert [x.id for x in decisions_to_adopt(db, campaign.id)] == [other.id]


def test_framework_entries_already_an_audience_are_not_offered(db, campaign):
    same = add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who=GROUP)
    linked = add_entry(db, campaign.id, side=Side.origin, level=Level.community, who="Parents of girls")
    free = add_entry(db, campaign.id, side=Side.destination, level=Level.community, who="Employers")
    add_audience(db, campaign.id, role=AudienceRole.secondary, name="Families", framework_entry_ids=[linked.id])
    adopt_decision(db, campaign.id, db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience,
                                                             choice=GROUP)))
    offered = entries_to_offer(load_analysis(db, campaign.id))
    assert [e.id for e in offered] == [free.id]
    assert same.id not in {e.id for e in offered}


def test_ideas_already_on_the_framework_are_not_offered(db, campaign):
    session = db.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD",
                                     start_date=date(2020, 6, 18), end_date=date(2020, 6, 18)))
    typed = add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who="Bar owners")
    ideas = [Idea(campaign_id=campaign.id, session_id=session.id, text=t)
             for t in ("bar  OWNERS", "Taxi drivers", "Clients of saunas")]
    framework = load_part(db, campaign.id, "audience_framework")
    framework = framework.model_copy(update={"entries": [
        typed, typed.model_copy(update={"id": "x", "who": "Clients", "side": Side.destination,
                                        "idea_id": ideas[2].id})]})
    assert [i.text for i in ideas_to_offer(framework, ideas)] == ["Taxi drivers"]


# ---- where it is offered (pages) -----------------------------------------------------------------------------
@pytest.fixture
def fresh(ready_store):
    store = ready_store
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    return store, campaign, session


def test_the_key_decisions_page_offers_the_primary_target_group_as_the_primary_audience_once(app, fresh):
    store, campaign, session = fresh
    d = store.add_decision(Decision(campaign_id=campaign.id, session_id=session.id,
                                    topic=DecisionTopic.primary_audience, choice=GROUP, method="Show of hands"))
    at = app(DECISIONS, campaign=campaign)
    at.button(key=f"adopt-{d.id}").click().run()
    assert not at.exception
    primary = load_analysis(store, campaign.id).primary
    assert (primary.name, primary.role, primary.decision_id) == (GROUP, AudienceRole.primary, d.id)
    assert not [b for b in at.button if b.key == f"adopt-{d.id}"]  # confirmed once: not asked again
    at = app(AUDIENCES, campaign=campaign)
    assert not [b for b in at.button if (b.key or "").startswith("adopt-")]


def test_the_audiences_page_does_not_offer_the_framework_entry_that_is_already_the_primary(app, fresh):
    store, campaign, session = fresh
    same = add_entry(store, campaign.id, side=Side.origin, level=Level.individual, who=GROUP)
    free = add_entry(store, campaign.id, side=Side.destination, level=Level.community, who="Employers")
    adopt_decision(store, campaign.id, store.add_decision(Decision(
        campaign_id=campaign.id, topic=DecisionTopic.primary_audience, choice=GROUP, method="Show of hands")))
    at = app(AUDIENCES, campaign=campaign)
    offered = at.selectbox(key="aud-from-entry").options
    assert len(offered) == 1 and "Employers" in offered[0]
    assert free.id != same.id


def test_the_framework_page_does_not_offer_an_idea_already_on_the_board(app, fresh):
    store, campaign, session = fresh
    add_entry(store, campaign.id, side=Side.origin, level=Level.individual, who="Bar owners")
    ideas = [Idea(campaign_id=campaign.id, session_id=session.id, text=t) for t in ("Bar owners", "Taxi drivers")]
    store.save_ideas(ideas)
    at = app(FRAMEWORK, campaign=campaign)
    offered = at.multiselect(key=f"fw-ideas-{session.id}").options
    assert len(offered) == 1 and "Taxi drivers" in offered[0]


def test_the_voting_page_offers_the_adopted_primary_target_group_as_the_primary_audience(app, fresh):
    from c4d.voting.commands import adopt
    from c4d.voting.results import tally
    from tests.voting.test_voting_pages import closed, simple_ballot, vote

    store, campaign, session = fresh
    ballot = simple_ballot(store, campaign, session, labels=(GROUP, "Students"), status="open",
                           topic=DecisionTopic.primary_audience)
    for voter in range(3):
        vote(store, ballot, voter, "o0")
    ballot = closed(store, ballot)
    d = adopt(store, ballot, tally(store, ballot).result)
    at = app("worksheets/voting.py", campaign=campaign)
    at.button(key=f"adopt-{d.id}").click().run()
    assert not at.exception
    primary = load_analysis(store, campaign.id).primary
    assert (primary.name, primary.decision_id) == (GROUP, d.id)
    assert not [b for b in at.button if b.key == f"adopt-{d.id}"]

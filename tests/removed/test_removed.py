"""Undo for removals: what a remove command takes away is kept for the workshop day and a
restore puts it back exactly (same id, same place in its list, with what went with it)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from c4d.audience import commands as audience
from c4d.audience.reading import load_part
from c4d.decisions import commands as decisions
from c4d.models import DecisionTopic
from c4d.people import commands as people
from c4d.people import register
from c4d.pretest import commands as pretest
from c4d.pretest import record
from c4d.pretest.files import Upload
from c4d.pretest.model import Choice, Material, MaterialType
from c4d.removed import commands as removed
from c4d.removed.model import Removed, RemovedKind, day_start, question
from c4d.strategy import commands as strategy
from c4d.strategy.model import OBJECTIVES
from c4d.strategy.worksheet import load
from c4d.workspace import commands as workspace
from tests.fixtures_store import add_campaign, add_session, person

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def everything(store, campaign) -> dict:
    """All a campaign holds that a removal touches: compared whole before and after."""
    return {
        "decisions": store.decisions(campaign.id),
        "participants": {s.id: store.participants(s.id) for s in store.sessions(campaign.id)},
        "worksheets": store.worksheets(campaign.id),
        "attachments": store.attachments(campaign.id),
    }


def only_restore(store, campaign, kind: RemovedKind) -> Removed:
    [item] = [r for r in removed.removed_today(store, campaign.id) if r.kind is kind]
    return removed.restore(store, campaign.id, item.id)


def second(items):
    assert len(items) >= 3, "the example must have an item with items on both sides"
    return items[1]


def test_a_removed_decision_comes_back_identical(demo, ready_store):
    before = everything(ready_store, demo)
    target = next(d for d in ready_store.decisions(demo.id) if d.topic is DecisionTopic.primary_audience)
    decisions.remove_decision(ready_store, target.id)
    assert target.id not in {d.id for d in ready_store.decisions(demo.id)}
    [item] = removed.removed_today(ready_store, demo.id)
    assert item.label == f"Decision: Primary target group — {target.choice}"
    only_restore(ready_store, demo, RemovedKind.decision)
    assert everything(ready_store, demo) == before
    assert removed.removed_today(ready_store, demo.id) == []


def test_a_removed_participant_comes_back_at_the_same_place_in_the_register(demo, ready_store):
    session = next(s for s in ready_store.sessions(demo.id) if ready_store.participants(s.id))
    before = everything(ready_store, demo)
    base = register.table_rows(ready_store.participants(session.id), session.days)
    outcome = people.apply_table_edits(ready_store, session, base, {"deleted_rows": [1]}, {})
    assert outcome.deleted == 1
    gone = before["participants"][session.id][1]
    assert outcome.removed == [f"Removed the participant '{gone.name + ' (' + gone.organisation + ')' if gone.name else gone.organisation}'. "
                               "Restore it today from 'Recently removed' on this page."]
    only_restore(ready_store, demo, RemovedKind.participant)
    assert everything(ready_store, demo) == before


def test_a_participant_whose_session_was_deleted_is_not_restored(store):
    campaign = add_campaign(store)
    session = add_session(store, campaign, "Media camp")
    one = store.add_participant(person(session, "Ministry of Justice", name="Dara"))
    people.remove_participant(store, session, one.id)
    workspace.delete_session(store, session.id)
    [item] = removed.removed_today(store, campaign.id)
    with pytest.raises(ValueError, match="Dara cannot be put back: the workshop session 'Media camp' has been "
                                         "deleted"):
        removed.restore(store, campaign.id, item.id)
    assert removed.removed_today(store, campaign.id) == [item]  # still listed, nothing changed


@pytest.mark.parametrize("kind", [RemovedKind.objective, RemovedKind.channel])
def test_a_removed_objective_or_channel_comes_back_at_its_place(demo, ready_store, kind):
    before = everything(ready_store, demo)
    if kind is RemovedKind.objective:
        target = second(load(ready_store, demo.id, OBJECTIVES).objectives)
        strategy.remove_objective(ready_store, demo.id, target.id)
    else:
        target = second(strategy.load(ready_store, demo.id, strategy.CHANNEL_PLAN).entries)
        strategy.remove_channel(ready_store, demo.id, target.id)
    assert everything(ready_store, demo) != before
    only_restore(ready_store, demo, kind)
    assert everything(ready_store, demo) == before


@pytest.mark.parametrize("kind, field, part", [
    (RemovedKind.entry, "entries", "audience_framework"), (RemovedKind.audience, "audiences", "audiences"),
    (RemovedKind.influence, "influences", "sem"), (RemovedKind.stakeholder, "stakeholders", "stakeholders")])
def test_a_removed_audience_item_comes_back_at_its_place(demo, ready_store, kind, field, part):
    before = everything(ready_store, demo)
    items = getattr(load_part(ready_store, demo.id, part), field)
    if kind is RemovedKind.entry:  # one that an audience links to: the link comes back too
        audiences = load_part(ready_store, demo.id, "audiences").audiences
        target = next(e for e in items if any(e.id in a.framework_entry_ids for a in audiences))
    else:
        target = second(items)
    remove = {RemovedKind.entry: audience.remove_entry, RemovedKind.audience: audience.remove_audience,
              RemovedKind.influence: audience.remove_influence, RemovedKind.stakeholder: audience.remove_stakeholder}
    remove[kind](ready_store, demo.id, target.id)
    assert everything(ready_store, demo) != before
    only_restore(ready_store, demo, kind)
    assert everything(ready_store, demo) == before


def test_a_removed_material_comes_back_with_its_answers_decisions_order_and_file(demo, ready_store):
    doc = record.load(ready_store, demo.id)
    target = max(doc.materials, key=lambda m: len(doc.responses_to(m.id)))
    assert doc.responses_to(target.id) and any(g.material_order for g in doc.groups)
    pretest.attach_file(ready_store, demo.id, target.id, Upload("poster.png", PNG))
    pretest.record_decision(ready_store, demo.id, target.id, Choice.revise, "Too long", datetime.now().date())
    before = everything(ready_store, demo)
    assert pretest.delete_material(ready_store, demo.id, target.id) > 0
    assert everything(ready_store, demo)["attachments"] == []  # the file went with it
    only_restore(ready_store, demo, RemovedKind.material)
    assert everything(ready_store, demo) == before


def test_a_material_whose_version_number_was_taken_again_is_refused(store):
    campaign = add_campaign(store)
    first = pretest.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Dream"))
    second_ = pretest.add_version(store, campaign.id, first.id, "Shorter")
    pretest.delete_material(store, campaign.id, second_.id)
    pretest.add_version(store, campaign.id, first.id, "Shorter again")
    [item] = removed.removed_today(store, campaign.id)
    with pytest.raises(ValueError, match="another version 2 of 'Dream' has been registered since"):
        removed.restore(store, campaign.id, item.id)


def test_a_pretest_decision_whose_material_is_gone_is_refused(store):
    campaign = add_campaign(store)
    material = pretest.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Dream"))
    entry = pretest.record_decision(store, campaign.id, material.id, Choice.keep, "Clear", datetime.now().date())
    pretest.delete_decision(store, campaign.id, entry.id)
    pretest.delete_material(store, campaign.id, material.id)
    entry_item = next(r for r in removed.removed_today(store, campaign.id) if r.kind is RemovedKind.pretest_decision)
    with pytest.raises(ValueError, match="cannot be put back: that material has been removed"):
        removed.restore(store, campaign.id, entry_item.id)
    only_restore(store, campaign, RemovedKind.material)
    removed.restore(store, campaign.id, entry_item.id)  # with its material back, it fits again
    assert record.load(store, campaign.id).decisions == [entry]


def test_the_list_holds_only_todays_removals_of_this_campaign(store):
    one, other = add_campaign(store, "Safe Migration"), add_campaign(store, "Dream Umbrella")
    for campaign in (one, other):
        decision = decisions.record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.trend,
                                             choice=f"Trend of {campaign.name}", method="Show of hands")
        decisions.remove_decision(store, decision.id)
    [mine] = removed.removed_today(store, one.id)
    assert mine.label == "Decision: Trafficking trend / type of exploitation — Trend of Safe Migration"
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    assert removed.removed_today(store, one.id, now=tomorrow) == []
    with pytest.raises(ValueError, match="Only what was removed today"):
        removed.restore(store, one.id, mine.id, now=tomorrow)
    with pytest.raises(ValueError, match="no longer in the list"):
        removed.restore(store, one.id, removed.removed_today(store, other.id)[0].id)
    # Only decisions were removed: a page listing participants sees nothing.
    assert removed.removed_today(store, one.id, [RemovedKind.participant]) == []


def test_a_removal_on_a_later_day_forgets_the_earlier_days(store):
    campaign = add_campaign(store)
    made = decisions.record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.trend, choice="A",
                                     method="Show of hands")
    yesterday = Removed.of(campaign.id, made).model_copy(
        update={"removed_at": day_start() - timedelta(hours=1)})
    store.add_removed(yesterday)
    assert store.removed_item(yesterday.id) is not None
    decisions.remove_decision(store, made.id)
    assert store.removed_item(yesterday.id) is None
    assert len(removed.removed_today(store, campaign.id)) == 1


def test_the_confirmation_names_what_is_removed(store):
    campaign = add_campaign(store)
    made = decisions.record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.primary_audience,
                                     choice="Young women 18–27", method="Show of hands")
    assert question(made) == "Remove the decision 'Primary target group — Young women 18–27'?"


def test_removed_items_go_with_their_campaign(store):
    campaign = add_campaign(store)
    made = decisions.record_decision(store, campaign_id=campaign.id, topic=DecisionTopic.trend, choice="A",
                                     method="Show of hands")
    decisions.remove_decision(store, made.id)
    store.delete_campaign(campaign.id)
    assert store.removed_items(campaign.id, since=day_start()) == []

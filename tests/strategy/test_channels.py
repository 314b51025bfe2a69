"""The channel plan: totals by channel and by audience, the warnings, evidence from the
audience profile, storage, and the example's plan."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from c4d.strategy.channel_checks import evidence_hint, warnings
from c4d.strategy.channel_totals import grand_total, money, reach, totals_by_audience, totals_by_channel
from c4d.strategy.commands import remove_channel, save_channel, set_currency
from c4d.strategy.model import AudienceOption, AudienceRef, ChannelEntry, ChannelKind, ChannelPlan
from c4d.strategy.worksheet import ChannelsWorksheet, known_audiences, load_plan
from c4d.audience.model import AudienceProfile, AudienceRole
from c4d.models import Campaign
from c4d.worksheet import Status

PRIMARY = AudienceOption("a1", "Young women aged 18–27", AudienceRole.primary)
PARENTS = AudienceOption("a2", "Parents of girls and young women", AudienceRole.secondary)
POLICE = AudienceOption("a3", "Police", AudienceRole.tertiary)
AUDIENCES = [PRIMARY, PARENTS, POLICE]
WOMEN = AudienceRef(id="a1", name="Young women aged 18–27")
FAMILY = AudienceRef(id="a2", name="Parents of girls and young women")


def entry(kind=ChannelKind.facebook, audiences=(WOMEN,), evidence="Baseline: most use it daily", **kw) -> ChannelEntry:
    return ChannelEntry(kind=kind, audiences=list(audiences), evidence=evidence, **kw)


def kinds(plan, audiences=AUDIENCES) -> list[str]:
    return [w.kind for w in warnings(plan, audiences)]


def test_totals_by_channel_add_cost_and_reach_and_count_the_unknown():
    plan = ChannelPlan(entries=[
        entry(cost=1000, expected_reach=20000), entry(cost=500.5), entry(ChannelKind.tv, expected_reach=5000)])
    by_channel = {t.name: t for t in totals_by_channel(plan)}
    facebook = by_channel["Facebook"]
    assert (facebook.entries, facebook.cost, facebook.cost_unknown, facebook.reach, facebook.reach_unknown) == (
        2, 1500.5, 0, 20000, 1)
    assert money(facebook, "USD") == "1,500.5 USD"
    assert reach(facebook) == "20,000 (+1 not estimated)"
    assert money(by_channel["TV"], "USD") == "–"
    assert list(by_channel) == ["TV", "Facebook"]  # the order of the list of channels
    total = grand_total(plan)
    assert (total.entries, total.cost, total.reach) == (3, 1500.5, 25000)


def test_totals_by_audience_list_every_audience_and_count_shared_channels_for_each():
    plan = ChannelPlan(entries=[entry(audiences=[WOMEN, FAMILY], expected_reach=100), entry(expected_reach=50),
                                entry(audiences=[AudienceRef(name="Journalists")], expected_reach=7)])
    totals = {t.name: t for t in totals_by_audience(plan, AUDIENCES)}
    assert totals["Young women aged 18–27"].reach == 150 and totals["Young women aged 18–27"].entries == 2
    assert totals["Parents of girls and young women"].reach == 100
    assert totals["Police"].entries == 0          # listed, so the gap shows
    assert (reach(totals["Police"]), money(totals["Police"], "USD")) == ("–", "–")  # not "0"
    assert totals["Journalists"].entries == 1     # named only in the plan


def test_an_audience_named_by_its_old_name_or_id_counts_for_the_current_audience():
    plan = ChannelPlan(entries=[entry(audiences=[AudienceRef(id="a1", name="Women 18-27")]),
                                entry(audiences=[AudienceRef(name="young women aged 18–27")])])
    totals = totals_by_audience(plan, AUDIENCES)
    assert totals[0].name == "Young women aged 18–27" and totals[0].entries == 2


def test_the_primary_audience_without_a_channel_is_the_first_warning():
    plan = ChannelPlan(entries=[entry(audiences=[FAMILY])])
    found = warnings(plan, AUDIENCES)
    assert found[0].kind == "primary_without_channel" and "Young women aged 18–27" in found[0].message
    assert "primary_without_channel" not in kinds(ChannelPlan(entries=[entry()]))


def test_a_channel_without_evidence_is_flagged():
    plan = ChannelPlan(entries=[entry(evidence="  "), entry(ChannelKind.tv)])
    flagged = [w for w in warnings(plan, AUDIENCES) if w.kind == "no_evidence"]
    assert len(flagged) == 1 and flagged[0].entry_id == plan.entries[0].id and flagged[0].suggestion


def test_entries_without_an_audience_or_with_an_unknown_one():
    assert "no_audience" in kinds(ChannelPlan(entries=[entry(audiences=[])]))
    assert "unknown_audience" in kinds(ChannelPlan(entries=[entry(audiences=[AudienceRef(name="Sailors")])]))
    assert "unknown_audience" not in kinds(ChannelPlan(entries=[entry(audiences=[AudienceRef(name="Sailors")])]),
                                           audiences=[])


def test_secondary_audiences_without_a_channel_are_noted_but_tertiary_ones_are_not():
    found = kinds(ChannelPlan(entries=[entry()]))
    assert found == ["audience_without_channel"]  # the parents; the police are reached by advocacy


def test_evidence_hint_from_the_audience_profile():
    profile = AudienceProfile(platforms=["Facebook and Messenger"], information_sources=["Television news"])
    assert "Facebook and Messenger" in evidence_hint(ChannelKind.facebook, profile)
    assert "Television news" in evidence_hint(ChannelKind.tv, profile)
    assert evidence_hint(ChannelKind.radio, profile) == ""
    assert evidence_hint(ChannelKind.facebook, None) == ""


def test_bad_values_are_refused_by_the_model():
    with pytest.raises(ValidationError):
        entry(cost=-5)
    with pytest.raises(ValidationError):
        entry(expected_reach=-1)


@pytest.fixture
def campaign(store):
    return store.create_campaign(Campaign(name="Safe jobs"))


def test_the_plan_persists_and_the_worksheet_reports_progress(store, campaign):
    worksheet = ChannelsWorksheet()
    assert worksheet.progress(store, campaign).status is Status.not_started
    first = entry(evidence="", audiences=[AudienceRef(name="Young women")])
    save_channel(store, campaign.id, first)
    progress = worksheet.progress(store, campaign)
    assert progress.status is Status.in_progress and "no evidence" in progress.next_action
    save_channel(store, campaign.id, first.model_copy(update={"evidence": "PPCD media vote"}))
    set_currency(store, campaign.id, "MNT")
    plan = load_plan(store, campaign.id)
    assert plan.currency == "MNT" and [e.evidence for e in plan.entries] == ["PPCD media vote"]
    assert worksheet.progress(store, campaign).status is Status.done
    remove_channel(store, campaign.id, first.id)
    assert load_plan(store, campaign.id).entries == []


def test_the_example_plan_matches_what_dream_umbrella_used(demo, ready_store):
    plan = load_plan(ready_store, demo.id)
    used = {e.kind for e in plan.entries}
    assert {ChannelKind.facebook, ChannelKind.chatbot, ChannelKind.tv, ChannelKind.posters, ChannelKind.murals,
            ChannelKind.vr_stands, ChannelKind.events, ChannelKind.press} <= used
    text = " ".join(e.detail for e in plan.entries)
    assert "first counter-trafficking chatbot" in text and "Two murals" in text and "40 journalists" in text
    assert "five platforms" in text
    options = known_audiences(ready_store, demo.id)
    problems = [w for w in warnings(plan, options) if w.kind != "audience_without_channel"]
    assert problems == []
    assert ChannelsWorksheet().progress(ready_store, demo).status is Status.done

"""The channels page, through the real app (AppTest): the plan and its totals, the
warnings, adding and editing a channel, and bad figures explained without losing anything."""

from __future__ import annotations

import pytest

from c4d.strategy.commands import save_channel
from c4d.strategy.model import ChannelEntry, ChannelKind
from c4d.strategy.worksheet import load_plan
from c4d.models import Campaign, Decision, DecisionTopic
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

PAGE = "worksheets/channels.py"


def field(at, label, kind="text_input"):
    matches = [w for w in getattr(at, kind) if w.label == label or w.label.startswith(label + " (")]
    assert matches, f"no {kind} {label!r}: {[w.label for w in getattr(at, kind)]}"
    return matches[0]


@pytest.fixture
def fresh(ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe jobs"))
    ready_store.add_decision(Decision(campaign_id=campaign.id, topic=DecisionTopic.primary_audience,
                                      choice="Young jobseekers"))
    return campaign


def test_the_example_plan_and_its_totals(app, demo):
    at = app(PAGE, demo)
    plan = at.dataframe[0].value
    assert "Mongolia's first counter-trafficking chatbot, on the campaign's Facebook page" in set(plan["Detail"])
    by_channel = at.dataframe[1].value
    assert list(by_channel["Channel"])[-1] == "All channels" and list(by_channel["Channels"])[-1] == 9
    by_audience = at.dataframe[2].value
    assert "Young women aged 18–27" in set(by_audience["Audience"])
    assert not at.warning and not at.error


def test_a_primary_audience_without_a_channel_then_a_channel_without_evidence(app, fresh, ready_store):
    at = app(PAGE, fresh)
    assert any("The primary audience, Young jobseekers, has no channel" in w.value for w in at.warning)
    field(at, "Channel", "selectbox").set_value(ChannelKind.radio)
    field(at, "Detail").input("Community radio, evening call-in show")
    field(at, "Audiences it reaches", "multiselect").set_value(["Young jobseekers"])
    field(at, "Expected reach (people)").input("12,000")
    field(at, "Cost").input("1 500")
    button(at, "Save channel").click().run()
    assert not at.exception
    [saved] = load_plan(ready_store, fresh.id).entries
    assert (saved.kind, saved.expected_reach, saved.cost) == (ChannelKind.radio, 12000, 1500)
    assert [r.name for r in saved.audiences] == ["Young jobseekers"]
    warnings = " ".join(w.value for w in at.warning)
    assert "has no channel" not in warnings and "has no evidence" in warnings.replace("\\", "")


def test_bad_figures_are_explained_and_nothing_is_saved(app, fresh, ready_store):
    at = app(PAGE, fresh)
    field(at, "Detail").input("Posters at the bus station")
    field(at, "Cost").input("lots")
    field(at, "Expected reach (people)").input("2.5").run()
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Cost: 'lots' is not a number" in errors and "not a whole number" in errors
    button(at, "Save channel").click().run()
    assert load_plan(ready_store, fresh.id).entries == []
    assert field(at, "Detail").value == "Posters at the bus station"


def test_a_channel_is_edited(app, demo, ready_store):
    at = app(PAGE, demo)
    first = load_plan(ready_store, demo.id).entries[0]
    at.selectbox(key="channel-which").set_value(first.id).run()
    assert field(at, "Detail").value == first.detail
    field(at, "Why this channel: evidence that the audience uses it", "text_area").input("Baseline: nine in ten use Facebook daily.")
    button(at, "Save channel").click().run()
    entries = load_plan(ready_store, demo.id).entries
    assert entries[0].id == first.id and entries[0].evidence == "Baseline: nine in ten use Facebook daily."
    assert len(entries) == 9


def test_the_currency_is_saved_when_changed(app, demo, ready_store):
    at = app(PAGE, demo)
    at.text_input(key="channel-currency").input("MNT").run()
    assert load_plan(ready_store, demo.id).currency == "MNT"
    assert "Cost (MNT)" in texts(at) or "Cost (MNT)" in at.dataframe[0].value.columns


def test_editing_a_channel_keeps_an_audience_the_analysis_does_not_have(app, fresh, ready_store):
    from c4d.strategy.model import AudienceRef

    kept = ChannelEntry(kind=ChannelKind.radio, evidence="Baseline: radio in the villages",
                        audiences=[AudienceRef(name="Young jobseekers"), AudienceRef(name="Village chiefs")])
    save_channel(ready_store, fresh.id, kept)
    at = app(PAGE, fresh)
    assert any("Village chiefs" in w.value for w in at.warning)  # named, and flagged as unknown
    at.selectbox(key="channel-which").set_value(kept.id).run()
    assert field(at, "Audiences it reaches", "multiselect").value == ["Young jobseekers", "Village chiefs"]
    field(at, "Timing").input("March–May")
    button(at, "Save channel").click().run()
    [saved] = load_plan(ready_store, fresh.id).entries
    assert saved.timing == "March–May"
    assert [r.name for r in saved.audiences] == ["Young jobseekers", "Village chiefs"]


def test_totals_by_channel_and_by_audience_each_show_every_column(app, demo):
    at = app(PAGE, demo)
    by_audience = at.dataframe[2].value
    assert list(by_audience.columns) == ["Audience", "Channels", "Expected reach", "Cost"]
    without = by_audience[by_audience["Channels"] == 0]
    assert len(without) and set(without["Expected reach"]) == {"–"} and set(without["Cost"]) == {"–"}


def test_after_saving_the_form_is_empty_and_editing_says_which(app, demo, ready_store):
    at = app(PAGE, demo)
    assert "Add a channel" in texts(at)
    field(at, "Channel", "selectbox").set_value(ChannelKind.radio)
    field(at, "Detail").input("Community radio, evening call-in show")
    field(at, "Partner").input("Radio Darkhan")
    field(at, "Expected reach (people)").input("12000").run()
    run_as_a_browser(at, lambda at: button(at, "Save channel").click().run())
    assert load_plan(ready_store, demo.id).entries[-1].partner == "Radio Darkhan"
    assert "Add a channel" in texts(at)
    assert field(at, "Detail").value == "" and field(at, "Partner").value == ""
    assert field(at, "Expected reach (people)").value == "" and field(at, "Channel", "selectbox").value is ChannelKind.facebook

    first = load_plan(ready_store, demo.id).entries[0]
    run_as_a_browser(at, lambda at: at.selectbox(key="channel-which").set_value(first.id).run())
    assert f"Editing channel 1: {first.label}" in texts(at)
    assert field(at, "Detail").value == first.detail
    run_as_a_browser(at, lambda at: button(at, "Stop editing").click().run())
    assert "Add a channel" in texts(at) and field(at, "Detail").value == ""
    assert load_plan(ready_store, demo.id).entries[0] == first

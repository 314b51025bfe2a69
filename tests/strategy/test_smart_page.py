"""The SMART objectives page, through the real app (AppTest): it renders, an objective is
built and saved (with its flags), bad numbers are explained, edits and removals persist."""

from __future__ import annotations

from datetime import date

import pytest

from c4d.strategy.commands import save_objective
from c4d.strategy.model import COMMON_MEANS, AudienceRef, KAPElement, Objective
from c4d.strategy.smart_checks import check
from c4d.strategy.worksheet import load_objectives
from c4d.models import Campaign, Decision, DecisionTopic
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

PAGE = "worksheets/smart_objectives.py"


@pytest.fixture
def fresh(ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe jobs"))
    ready_store.add_decision(Decision(campaign_id=campaign.id, topic=DecisionTopic.area, choice="Battambang"))
    return campaign


def test_the_example_objectives_are_listed_as_sentences(app, demo):
    at = app(PAGE, demo)
    shown = texts(at)
    assert "By 30 Jun 2021, young women aged 18–27 in Ulaanbaatar and Darkhan-Uul know the signs" in shown
    assert "Result: 82% (endline KAP survey, 2021) — met" in shown
    assert shown.count("All checks pass.") >= 5
    assert not at.error


def test_an_objective_is_built_checked_and_saved_with_its_flags(app, fresh, ready_store):
    at = app(PAGE, fresh)
    assert field(at, 'Place').value == "Battambang"  # the PPCD's area, to start from
    field(at, 'Audience').input("Young jobseekers aged 18–25")
    field(at, BEHAVIOUR).input("raise awareness of fake agencies")
    field(at, 'Indicator: what is counted').input("the share who can name a licensed agency").run()
    shown = texts(at)
    assert "By [deadline not set], young jobseekers aged 18–25 in Battambang raise awareness" in shown
    assert "Vague verb" in shown and "No target number" in shown
    button(at, "Save objective").click().run()
    assert not at.exception
    [saved] = load_objectives(ready_store, fresh.id).objectives
    assert saved.audience.name == "Young jobseekers aged 18–25" and saved.place == "Battambang"
    assert "open checks" in texts(at)
    # the flag stays listed with the saved objective until it is fixed
    assert "Vague verb" in texts(at) and field(at, BEHAVIOUR).value == ""


def test_a_complete_objective_passes_every_check(app, fresh, ready_store):
    at = app(PAGE, fresh)
    field(at, 'Audience').input("Young jobseekers")
    field(at, BEHAVIOUR).input("check an agency's licence before paying a fee")
    field(at, 'Indicator: what is counted').input("the share who checked the licence of their last agency")
    field(at, 'Baseline value').input("20%")
    field(at, 'Baseline source').input("KAP baseline survey, 2024 (n=400)")
    field(at, 'Target value').input("35")
    field(at, "Deadline", "date_input").set_value(date(2099, 6, 30))
    field(at, "Means of verification", "selectbox").set_value(COMMON_MEANS[0])
    field(at, "KAP element", "selectbox").set_value(KAPElement.practice).run()
    assert "All checks pass." in texts(at)
    button(at, "Save objective").click().run()
    [saved] = load_objectives(ready_store, fresh.id).objectives
    assert (saved.baseline_value, saved.target_value, saved.element) == (20, 35, KAPElement.practice)
    assert saved.deadline == date(2099, 6, 30)
    assert check(saved) == []


def test_an_empty_builder_cannot_save_an_empty_objective(app, fresh, ready_store):
    at = app(PAGE, fresh)
    assert button(at, "Save objective").disabled  # only the place (from the PPCD) is filled in
    field(at, BEHAVIOUR).input("know where to report").run()
    assert not button(at, "Save objective").disabled
    button(at, "Save objective").click().run()
    assert [o.behaviour for o in load_objectives(ready_store, fresh.id).objectives] == ["know where to report"]


def test_a_number_that_is_not_one_is_explained_and_nothing_is_saved(app, fresh, ready_store):
    at = app(PAGE, fresh)
    field(at, BEHAVIOUR).input("know where to report")
    field(at, 'Target value').input("twenty").run()
    assert any("Target value: 'twenty' is not a number" in e.value.replace("\\", "") for e in at.error)
    assert button(at, "Save objective").disabled
    assert load_objectives(ready_store, fresh.id).objectives == []
    assert field(at, 'Target value').value == "twenty"  # what was typed stays


def test_an_objective_is_edited_and_removed(app, demo, ready_store):
    at = app(PAGE, demo)
    first = load_objectives(ready_store, demo.id).objectives[0]
    button(at, "Edit").click().run()
    assert "Editing objective 1: " in texts(at)
    assert field(at, 'Target value').value == "75"
    field(at, 'Target value').input("78").run()
    button(at, "Save objective").click().run()
    saved = load_objectives(ready_store, demo.id).objectives
    assert saved[0].id == first.id and saved[0].target_value == 78 and len(saved) == 5
    at.button(key=f"remove-{first.id}").click().run()
    assert first.id not in [o.id for o in load_objectives(ready_store, demo.id).objectives]


def test_an_objective_with_a_means_typed_by_hand_is_edited_without_losing_it(app, demo, ready_store):
    at = app(PAGE, demo)
    reach = next(o for o in load_objectives(ready_store, demo.id).objectives if o.element is KAPElement.reach)
    at.button(key=f"edit-{reach.id}").click().run()
    assert not at.exception
    assert field(at, "Means of verification", "selectbox").value == reach.verification
    assert field(at, 'Target value').value == "20000"
    field(at, 'Place').input("Mongolia").run()
    button(at, "Save objective").click().run()
    saved = next(o for o in load_objectives(ready_store, demo.id).objectives if o.id == reach.id)
    assert (saved.place, saved.verification, saved.result_value) == ("Mongolia", reach.verification, 32_600_000)


def test_typed_markup_is_shown_as_typed_never_as_formatting(app, fresh, ready_store):
    save_objective(ready_store, fresh.id, Objective(
        audience=AudienceRef(name="**Jobseekers** <b>18</b>"), behaviour="check [this](http://x.example) :red[now]",
        place="Battambang"))
    at = app(PAGE, fresh)
    raw = "\n".join(m.value for m in at.markdown)
    assert r"\*\*Jobseekers\*\* \<b\>18\</b\>" in raw  # escaped: no bold, no HTML
    assert r"\[this\]\(http\:" in raw and r"\:red\[now\]" in raw  # no link, no colour
    assert "check [this](http://x.example) :red[now]" in texts(at)  # and it reads as typed


def test_projector_mode_shows_only_the_objectives(app, demo):
    at = app(PAGE, demo)
    at.session_state["projector"] = True
    at.run()
    assert "Add an objective" not in texts(at)
    assert "know the signs of trafficking" in texts(at)


# ---- the builder is either a stored objective or empty (as a browser shows it) -------------------
BEHAVIOUR = "What the audience will know, feel or do (one behaviour)"


def field(at, label, kind="text_input"):
    matches = [w for w in getattr(at, kind) if w.label == label]
    assert matches, f"no {kind} {label!r}: {[w.label for w in getattr(at, kind)]}"
    return matches[0]


def test_after_saving_the_builder_is_empty_and_its_sentence_says_so(app, fresh, ready_store):
    at = app(PAGE, fresh)
    field(at, BEHAVIOUR).input("know where to report")
    field(at, "Indicator: what is counted").input("the share who can name a place to report")
    field(at, "Baseline value").input("45")
    field(at, "Baseline source").input("KAP baseline survey, 2024 (n=400)")
    field(at, "KAP element", "selectbox").set_value(KAPElement.practice)
    field(at, "Means of verification", "selectbox").set_value(COMMON_MEANS[0])
    at.run()
    run_as_a_browser(at, lambda at: button(at, "Save objective").click().run())
    assert [o.behaviour for o in load_objectives(ready_store, fresh.id).objectives] == ["know where to report"]
    # what the browser shows is empty, and the sentence reads what the fields hold
    for label in (BEHAVIOUR, "Indicator: what is counted", "Baseline value", "Baseline source", "Target value"):
        assert field(at, label).value == "", label
    assert field(at, "KAP element", "selectbox").value is KAPElement.knowledge
    assert field(at, "Means of verification", "selectbox").value is None
    assert "Add an objective" in texts(at)
    assert "[behaviour not set]" in texts(at)


def test_a_second_objective_does_not_inherit_the_first_ones_baseline_source(app, fresh, ready_store):
    at = app(PAGE, fresh)
    field(at, BEHAVIOUR).input("know where to report")
    field(at, "Baseline source").input("KAP baseline survey, 2024 (n=400)").run()
    run_as_a_browser(at, lambda at: button(at, "Save objective").click().run())
    run_as_a_browser(at, lambda at: field(at, BEHAVIOUR).input("call the hotline before travelling").run())
    assert "call the hotline before travelling" in texts(at)
    run_as_a_browser(at, lambda at: button(at, "Save objective").click().run())
    first, second = load_objectives(ready_store, fresh.id).objectives
    assert first.baseline_source == "KAP baseline survey, 2024 (n=400)"
    assert (second.behaviour, second.baseline_source) == ("call the hotline before travelling", "")


def test_editing_an_objective_says_which_and_stopping_empties_the_builder(app, demo, ready_store):
    at = app(PAGE, demo)
    second = load_objectives(ready_store, demo.id).objectives[1]
    run_as_a_browser(at, lambda at: at.button(key=f"edit-{second.id}").click().run())
    assert f"Editing objective 2: {second.title}" in texts(at)
    assert field(at, BEHAVIOUR).value == second.behaviour
    assert field(at, "Baseline source").value == second.baseline_source
    run_as_a_browser(at, lambda at: button(at, "Stop editing").click().run())
    assert "Add an objective" in texts(at) and "Editing objective" not in texts(at)
    assert field(at, BEHAVIOUR).value == "" and field(at, "Baseline source").value == ""
    assert load_objectives(ready_store, demo.id).objectives[1] == second


def test_after_an_edit_is_saved_the_builder_is_empty_for_a_new_objective(app, demo, ready_store):
    at = app(PAGE, demo)
    first = load_objectives(ready_store, demo.id).objectives[0]
    run_as_a_browser(at, lambda at: at.button(key=f"edit-{first.id}").click().run())
    run_as_a_browser(at, lambda at: field(at, "Target value").input("78").run())
    run_as_a_browser(at, lambda at: button(at, "Save objective").click().run())
    assert "Objective 1 updated." in texts(at)
    assert load_objectives(ready_store, demo.id).objectives[0].target_value == 78
    assert "Add an objective" in texts(at)
    assert field(at, "Target value").value == "" and field(at, BEHAVIOUR).value == ""

"""The audience pages' add and edit forms, through the real app (AppTest), as a browser shows
them: after an entry is added every field of the form starts again (choices and sliders
too), except the place on the board or model where the room is working; an edit form says
which entry it edits."""

from __future__ import annotations

from c4d.audience.commands import add_stakeholder
from c4d.audience.model import Direction, SEMLevel
from c4d.audience.reading import load_part
from c4d.models import Campaign, OrgType
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

SEM, STAKEHOLDERS = "worksheets/sem.py", "worksheets/stakeholders.py"


def first(elements, label):
    return [w for w in elements if w.label == label][0]


def test_a_second_influence_starts_from_an_empty_form_at_the_same_level(app, ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe jobs"))
    at = app(SEM, campaign=campaign)
    first(at.selectbox, "Level").set_value(SEMLevel.interpersonal)
    first(at.radio, "Direction").set_value(Direction.harms)
    first(at.select_slider, "Strength").set_value(3)
    first(at.text_input, "Who or what").input("Friends who pass on job offers")
    first(at.text_area, "Evidence").input("Focus groups, Darkhan")
    run_as_a_browser(at, lambda at: button(at, "Add the influence").click().run())
    assert "Added at the interpersonal level: Friends who pass on job offers" in texts(at)
    assert first(at.selectbox, "Level").value is SEMLevel.interpersonal  # where the room is working
    assert first(at.radio, "Direction").value is Direction.helps
    assert first(at.select_slider, "Strength").value == 2
    assert first(at.text_input, "Who or what").value == "" and first(at.text_area, "Evidence").value == ""
    first(at.text_input, "Who or what").input("Older sisters")
    run_as_a_browser(at, lambda at: button(at, "Add the influence").click().run())
    second = load_part(ready_store, campaign.id, "sem").influences[-1]
    assert (second.who_or_what, second.direction, second.strength, second.evidence) == (
        "Older sisters", Direction.helps, 2, "")


def test_a_stakeholder_form_after_an_addition_and_while_editing(app, ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe jobs"))
    add_stakeholder(ready_store, campaign.id, organisation="Police", org_type=OrgType.law_enforcement)
    at = app(STAKEHOLDERS, campaign=campaign)
    assert "Editing: Police" in texts(at)
    first(at.text_input, "Organisation").input("NGO hotline")
    first(at.selectbox, "Type").set_value(OrgType.ngo)
    first(at.slider, "Influence").set_value(5)
    run_as_a_browser(at, lambda at: button(at, "Add the stakeholder").click().run())
    assert "Added: NGO hotline" in texts(at)
    assert first(at.text_input, "Organisation").value == ""
    assert first(at.selectbox, "Type").value is list(OrgType)[0] and first(at.slider, "Influence").value == 3

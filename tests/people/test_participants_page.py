"""The participants page's 'Add one participant' form, through the real app (AppTest), as a
browser shows it: after each person it is open again, empty, and says who was added; a
refused entry keeps what was typed."""

from __future__ import annotations

from c4d.models import OrgType, Sex
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

PAGE = "worksheets/participants.py"
FORM = "Add one participant"


def field(at, label, kind="text_input"):
    matches = [w for w in getattr(at, kind) if w.label == label]
    assert matches, f"no {kind} {label!r}: {[w.label for w in getattr(at, kind)]}"
    return matches[0]


def form_is_open(at) -> bool:
    [area] = [e for e in at.expander if e.label == FORM]
    return bool(area.proto.expanded)


def add(at, name: str, organisation: str, org_type: OrgType, sex: Sex) -> None:
    field(at, "Name (optional)").input(name)
    field(at, "Organisation").input(organisation)
    field(at, "Organisation type", "selectbox").set_value(org_type)
    field(at, "Sex", "selectbox").set_value(sex)
    run_as_a_browser(at, lambda at: button(at, "Add participant").click().run())


def test_the_form_is_ready_for_the_next_person_and_says_who_was_added(app, demo, ready_store):
    at = app(PAGE, demo)
    session = ready_store.session(demo.id, "ppcd-2020")
    before = len(ready_store.participants(session.id))
    add(at, "Oyunaa B.", "Хүний эрхийн төв", OrgType.ngo, Sex.woman)
    assert not at.exception
    assert "Added Oyunaa B. (Хүний эрхийн төв). The form is ready for the next person." in texts(at)
    assert form_is_open(at)
    assert field(at, "Name (optional)").value == "" and field(at, "Organisation").value == ""
    assert field(at, "Organisation type", "selectbox").value is None and field(at, "Sex", "selectbox").value is None
    add(at, "Bat-Erdene", "Darkhan youth centre", OrgType.ngo, Sex.man)
    assert "Added Bat-Erdene (Darkhan youth centre)." in texts(at) and form_is_open(at)
    people = ready_store.participants(session.id)
    assert len(people) == before + 2
    assert [(p.name, p.organisation, p.sex) for p in people[-2:]] == [
        ("Oyunaa B.", "Хүний эрхийн төв", Sex.woman), ("Bat-Erdene", "Darkhan youth centre", Sex.man)]


def test_a_refused_person_keeps_what_was_typed(app, demo, ready_store):
    at = app(PAGE, demo)
    field(at, "Name (optional)").input("Tsetseg")
    field(at, "Organisation").input("Somewhere")
    run_as_a_browser(at, lambda at: button(at, "Add participant").click().run())
    assert "organisation type" in texts(at)
    assert field(at, "Name (optional)").value == "Tsetseg" and field(at, "Organisation").value == "Somewhere"
    field(at, "Organisation type", "selectbox").set_value(OrgType.ngo)
    field(at, "Sex", "selectbox").set_value(Sex.woman)
    run_as_a_browser(at, lambda at: button(at, "Add participant").click().run())
    assert ready_store.participants(ready_store.session(demo.id, "ppcd-2020").id)[-1].name == "Tsetseg"

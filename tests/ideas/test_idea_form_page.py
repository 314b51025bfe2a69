"""Ideas typed by the facilitator on the idea board, through the real app (AppTest), as a
browser shows it: one after another, the form open and empty after each, naming what was
added; a refused idea keeps what was typed."""

from __future__ import annotations

from c4d.models import Campaign, Session, SessionKind
from tests.like_a_browser import run_as_a_browser
from tests.test_pages import button, texts

PAGE = "worksheets/ideas.py"
FORM = "Add ideas from the room"


def idea_box(at):
    [box] = [t for t in at.text_input if t.label == "Idea"]
    return box


def form_is_open(at) -> bool:
    [area] = [e for e in at.expander if e.label == FORM]
    return bool(area.proto.expanded)


def test_ideas_from_the_room_are_typed_one_after_another(app, ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe Journeys"))
    session = ready_store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD",
                                              start_date="2026-03-10", end_date="2026-03-11"))
    at = app(PAGE, campaign=campaign)
    for text in ("Young men working abroad", "Parents of girls aged 15–17"):
        idea_box(at).input(text)
        run_as_a_browser(at, lambda at: button(at, "Add the idea").click().run())
        assert not at.exception
        assert f"Added to the board: {text}. The form is ready for the next idea." in texts(at)
        assert form_is_open(at) and idea_box(at).value == ""
    assert sorted(i.text for i in ready_store.ideas(session.id)) == ["Parents of girls aged 15–17",
                                                                     "Young men working abroad"]

    idea_box(at).input("   ")
    run_as_a_browser(at, lambda at: button(at, "Add the idea").click().run())
    assert "type the idea first" in texts(at)
    assert len(ready_store.ideas(session.id)) == 2
    assert form_is_open(at)

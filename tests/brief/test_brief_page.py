"""The creative brief page, through the real app (AppTest): completeness, autosaved
fields, refused values kept in the box, versions and what changed, share links."""

from __future__ import annotations

import re

import pytest

from c4d import lan

from c4d.brief import model as brief
from c4d.brief.commands import save_version, update_fields
from c4d.brief.compose import load_fields
from c4d.brief.links import find, links
from c4d.models import Campaign
from tests.test_pages import button, texts

PAGE = "worksheets/creative_brief.py"


@pytest.fixture(autouse=True)
def fixed_network(monkeypatch):
    monkeypatch.setattr(lan, "candidate_addresses", lambda: ["192.168.137.1"])


@pytest.fixture
def fresh(ready_store):
    return ready_store.create_campaign(Campaign(name="Safe jobs", summary="Fake agencies recruit young people."))


def key(campaign, name: str) -> str:
    return f"brief-{campaign.id}-{name}"


def test_the_example_brief_is_complete(app, demo):
    at = app(PAGE, demo)
    assert [s.value for s in at.success][0] == "Complete: nothing missing or weak."
    assert at.text_input(key=key(demo, "slogan")).value == "Let's be aware of, discuss about and prevent TIP"
    shown = texts(at)
    assert "Fake agencies" not in shown and "Key promise" in shown


def test_a_new_brief_lists_its_gaps_and_a_field_saves_when_left(app, fresh, ready_store):
    at = app(PAGE, fresh)
    shown = texts(at)
    assert "Before export:" in shown and "There is no key promise" in shown
    at.text_area(key=key(fresh, "key_promise")).input("Checking an agency keeps your plans on track.").run()
    assert load_fields(ready_store, fresh.id).key_promise == "Checking an agency keeps your plans on track."
    assert "There is no key promise" not in texts(at)
    at.text_area(key=key(fresh, "key_messages")).input("A real agency has a licence.\n\nNever pay first.\n").run()
    assert load_fields(ready_store, fresh.id).key_messages == ["A real agency has a licence.", "Never pay first."]


def test_a_refused_value_is_explained_and_stays_in_the_box(app, fresh, ready_store):
    at = app(PAGE, fresh)
    too_many = "\n".join(f"Reason {n}" for n in range(31))
    at.text_area(key=key(fresh, "support_statements")).input(too_many).run()
    assert any("not saved" in e.value for e in at.error)
    assert at.text_area(key=key(fresh, "support_statements")).value == too_many
    assert load_fields(ready_store, fresh.id).support_statements == []


def test_the_deliverables_and_revision_notes_tables_show_what_is_saved(app, demo, ready_store):
    from datetime import date

    notes = [brief.RevisionNote(when=date(2021, 2, 22), what="Pre-test focus groups",
                                change="Slogan 'Let's protect our dream and own our destiny' removed")]
    update_fields(ready_store, demo.id, revisions=notes)
    at = app(PAGE, demo)
    frames = [f.value for f in at.dataframe]
    deliverables = next(f for f in frames if "Deliverable" in f.columns)
    assert "Chatbot conversation flow" in list(deliverables["Deliverable"])
    notes = next(f for f in frames if "What prompted it" in f.columns)
    assert "Let's protect our dream and own our destiny" in notes["What changed"].iloc[0]


def test_versions_and_what_changed(app, demo, ready_store):
    save_version(ready_store, demo, note="First")
    update_fields(ready_store, demo.id, key_promise="A new promise.")
    save_version(ready_store, demo, note="After the pre-test")
    at = app(PAGE, demo)
    shown = texts(at)
    assert "Key promise" in shown and "A new promise." in shown
    assert re.search(r"− :red\[Knowing how to check an offer", shown)
    assert re.search(r"\+ :green\[A new promise", shown)
    assert "After the pre-test" in " ".join(str(v) for v in at.dataframe[-1].value["For"])


def test_a_share_link_is_made_shown_once_and_withdrawn(app, demo, ready_store):
    at = app(PAGE, demo)
    at.text_input(key=key(demo, "link-label")).input("Creative agency")
    button(at, "Create a share link").click().run()
    assert not at.exception
    [link] = links(ready_store, demo.id)
    url = at.code[0].value
    assert re.fullmatch(r"http://192\.168\.137\.1:\d+/brief/[A-Za-z0-9_-]{32}", url)
    token = url.rsplit("/", 1)[1]
    assert find(ready_store, token).id == link.id
    assert "Creative agency" in texts(at) and f"…{link.hint}" in texts(at)
    at.button(key=f"revoke-{link.id}").click().run()
    assert find(ready_store, token) is None
    assert not at.code  # the withdrawn link is no longer offered
    assert "withdrawn on" in texts(at)


def test_projector_mode_shows_the_brief_only(app, demo):
    at = app(PAGE, demo)
    at.session_state["projector"] = True
    at.run()
    shown = texts(at)
    assert "Create a share link" not in [b.label for b in at.button]
    assert "Call to action" in shown and "Before you accept a job" in shown


def test_the_preview_tables_show_whole_sentences_as_typed(app, demo, ready_store):
    from c4d.strategy.commands import save_objective
    from c4d.strategy.model import AudienceRef, Objective

    save_objective(ready_store, demo.id, Objective(
        audience=AudienceRef(name="Young women aged 18–27"), behaviour="call **now** [here](http://x.example)",
        place="Darkhan-Uul"))
    at = app(PAGE, demo)
    at.session_state["projector"] = True
    at.run()
    tables = [t.value for t in at.table]  # static tables: long cells wrap instead of being cut
    objectives = next(t for t in tables if "Objective" in t.columns)
    cells = [str(c) for c in objectives["Objective"]]
    as_read = [re.sub(r"\\(.)", r"\1", c) for c in cells]
    assert any(c.startswith("By 30 Jun 2021") and c.endswith("— met.") for c in as_read)
    typed = next(c for c in cells if "call" in c)
    assert r"call \*\*now\*\* \[here\]\(http\:" in typed  # escaped: no bold, no link

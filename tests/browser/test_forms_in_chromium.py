"""Forms that add records, in a real Chromium: after a save the form on screen is empty (the
browser keeps a field's value under its key, so emptying the page's state is not enough),
what was typed for one record never reaches the next, and a form for many entries stays
open with the cursor in its first field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.db.store import Store
from c4d.models import Campaign, Session, SessionKind
from c4d.strategy.worksheet import load_objectives
from tests.browser.conftest import PHONE, PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import DEADLINE, choose, click_button, type_in, wait_for_app

pytestmark = pytest.mark.browser

BEHAVIOUR = "What the audience will know, feel or do (one behaviour)"


@pytest.fixture
def workshop(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, "forms-2020", "forms-2020")
    campaign = store.create_campaign(Campaign(name="Safe Journeys", country="Mongolia"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date="2020-06-18", end_date="2020-06-19"))
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, campaign, session
    finally:
        stop_app(process)


def test_a_saved_objective_leaves_an_empty_builder_and_the_next_one_starts_clean(browser, workshop, artifacts):
    base, data, campaign, _ = workshop
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/smart_objectives?campaign={campaign.slug}")
    wait_for_app(page)
    type_in(page, BEHAVIOUR, "know where to report")
    type_in(page, "Baseline source", "KAP baseline 2024")
    click_button(page, "Save objective")
    expect(page.get_by_text("Objective 1 saved; the form is empty for the next one.")).to_be_visible(timeout=DEADLINE)
    wait_for_app(page)
    expect(page.get_by_label(BEHAVIOUR, exact=True)).to_have_value("")
    expect(page.get_by_label("Baseline source", exact=True)).to_have_value("")
    expect(page.get_by_text("[behaviour not set]", exact=False)).to_be_visible()
    page.screenshot(path=str(artifacts / "smart-after-save-1280.png"), full_page=True)

    type_in(page, BEHAVIOUR, "call the hotline before travelling")
    click_button(page, "Save objective")
    expect(page.get_by_text("Objective 2 saved", exact=False)).to_be_visible(timeout=DEADLINE)
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    first, second = load_objectives(store, campaign.id).objectives
    assert first.baseline_source == "KAP baseline 2024"
    assert (second.behaviour, second.baseline_source) == ("call the hotline before travelling", "")

    page.get_by_role("button", name="Edit").first.click()
    wait_for_app(page)
    expect(page.get_by_text("Editing objective 1: know where to report")).to_be_visible(timeout=DEADLINE)
    expect(page.get_by_label("Baseline source", exact=True)).to_have_value("KAP baseline 2024")
    click_button(page, "Stop editing")
    wait_for_app(page)
    expect(page.get_by_text("Add an objective", exact=True)).to_be_visible(timeout=DEADLINE)
    expect(page.get_by_label("Baseline source", exact=True)).to_have_count(1, timeout=DEADLINE)
    expect(page.get_by_label("Baseline source", exact=True)).to_have_value("")


@pytest.mark.parametrize("screen, name", [(PROJECTOR, "1280"), (PHONE, "360")])
def test_participants_are_added_one_after_another(browser, workshop, artifacts, screen, name):
    base, data, campaign, session = workshop
    page = browser.new_context(viewport=screen).new_page()
    page.goto(f"{base}/participants?campaign={campaign.slug}")
    wait_for_app(page)
    for person, organisation, sex in (("Oyunaa B.", "Хүний эрхийн төв", "Woman"),
                                      ("Bat-Erdene", "Darkhan youth centre", "Man")):
        name_box = page.get_by_label("Name (optional)", exact=True)
        if person == "Oyunaa B.":
            name_box.fill(person)
        else:  # the cursor is already in the name field: the facilitator just types
            page.keyboard.type(person)
        page.get_by_label("Organisation", exact=True).fill(organisation)
        choose(page, "Organisation type", "NGO / service provider")
        choose(page, "Sex", sex)
        click_button(page, "Add participant")
        expect(page.get_by_text(f"Added {person} ({organisation}). The form is ready for the next person.")
               ).to_be_visible(timeout=DEADLINE)
        wait_for_app(page)
        expect(page.get_by_label("Name (optional)", exact=True)).to_have_value("")
        expect(page.get_by_label("Organisation", exact=True)).to_have_value("")
        expect(page.get_by_label("Name (optional)", exact=True)).to_be_focused(timeout=DEADLINE)
    page.get_by_text("The form is ready for the next person.").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"participants-next-person-{name}.png"))
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    assert [p.name for p in store.participants(session.id)] == ["Oyunaa B.", "Bat-Erdene"]

"""Undo for removals in a real Chromium: on the example campaign the facilitator removes the
primary target group decision (the confirmation names it), finds it under 'Recently
removed today' at the top of the page and restores it — at 1280×720 and on a 360×740 phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.db.store import Store
from c4d.decisions.model import standing
from c4d.demo.example import load_demo
from c4d.models import DecisionTopic
from tests.browser.conftest import PHONE, PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import click_button, wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "umbrella-2020"
SLOW = 30_000  # ms: a deadline, not a pause


@pytest.fixture
def example(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = load_demo(store)
    shown = standing(store.decisions(campaign.id))  # one box each, in this order, on the page
    place, target = next((i, d) for i, d in enumerate(shown) if d.topic is DecisionTopic.primary_audience)
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, campaign, target, place
    finally:
        stop_app(process)


@pytest.mark.parametrize("screen", [PROJECTOR, PHONE], ids=["projector", "phone"])
def test_a_removed_decision_is_restored_from_the_page(browser, example, artifacts, screen):
    base, data, campaign, target, place = example
    name = f"Primary target group — {target.choice}"
    page = browser.new_page(viewport=screen)
    page.goto(f"{base}/decisions?campaign={campaign.slug}")
    wait_for_app(page)
    expect(page.get_by_text("Recently removed today")).to_have_count(0)
    page.get_by_role("button", name="Remove this decision").nth(place).click()
    question = page.get_by_text(f"Remove the decision '{name}'?")
    expect(question).to_be_visible(timeout=SLOW)
    page.screenshot(path=artifacts / f"undo-confirm-{screen['width']}.png")
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_text(f"Removed the decision '{name}'.")).to_be_visible(timeout=SLOW)
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    assert target.id not in {d.id for d in store.decisions(campaign.id)}

    wait_for_app(page)
    page.get_by_text("Recently removed today (1)").click()
    expect(page.get_by_text(f"Decision: {name}")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("button", name="Restore")).to_be_in_viewport(timeout=SLOW)  # the list is open
    page.screenshot(path=artifacts / f"undo-list-{screen['width']}.png")
    click_button(page, "Restore")
    expect(page.get_by_text(f"Restored: Decision: {name}")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Recently removed today")).to_have_count(0)
    assert target in store.decisions(campaign.id)
    store.engine.dispose()
    page.close()

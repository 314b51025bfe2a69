"""A participant's phone in a real Chromium at 360×740, JavaScript off: the join page asks
for the workshop code once, the thank-you page says what was chosen, and "Change my vote"
opens the ballot with that choice ticked. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import test_live_voting_in_chromium as live
from tests.browser.conftest import PHONE
from tests.browser.streamlit_page import ink_share
from tests.browser.test_live_voting_in_chromium import (
    CODE,
    QUESTION,
    THANKS,
    phone_context,
)

room = live.room  # the same laptop: the example's "area" ballot (up to two choices) on the phones

pytestmark = pytest.mark.browser

AREAS = ("Border towns", "Rural areas people migrate from")


def narrow_enough(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_a_phone_joins_votes_sees_its_vote_and_changes_it(browser, room, artifacts):
    base, _, _ = room
    page = phone_context(browser).new_page()

    page.goto(f"{base}/j")
    expect(page.get_by_role("heading", name="Join the workshop")).to_be_visible()
    expect(page.get_by_text("Workshop code", exact=True)).to_have_count(1)
    narrow_enough(page)
    page.screenshot(path=str(artifacts / "phone-join-360x740.png"))
    page.get_by_label("Workshop code").fill(CODE.lower())
    page.get_by_role("button", name="Join").tap()

    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    for area in AREAS:
        page.get_by_role("checkbox", name=area).tap()
    page.get_by_role("button", name="Send my vote").tap()
    expect(page.get_by_text(THANKS)).to_be_visible()
    expect(page.get_by_text("You voted for:", exact=True)).to_be_visible()
    for area in AREAS:
        expect(page.get_by_role("listitem").filter(has_text=area)).to_be_visible()
    narrow_enough(page)
    shot = page.screenshot(path=str(artifacts / "phone-thanks-echo-360x740.png"))
    assert ink_share(shot) > 0.02

    page.get_by_role("link", name="Change my vote").tap()
    expect(page.get_by_text("Your vote is filled in below.")).to_be_visible()
    for area in AREAS:
        expect(page.get_by_role("checkbox", name=area)).to_be_checked()
    ticked = page.get_by_role("checkbox", checked=True)
    expect(ticked).to_have_count(len(AREAS))
    narrow_enough(page)
    page.screenshot(path=str(artifacts / "phone-change-vote-360x740.png"), full_page=True)

    page.get_by_role("checkbox", name=AREAS[0]).tap()  # untick one, send again
    page.get_by_role("button", name="Send my vote").tap()
    expect(page.get_by_text("Your earlier vote was replaced by this one.")).to_be_visible()
    expect(page.get_by_text(f"You voted for: {AREAS[1]}")).to_be_visible()

"""Live voting in a real Chromium: participants vote on phone-sized screens, with
JavaScript off, while the projector's live screen counts the votes without a reload.

The data folder is set up before the server starts, as a facilitator leaves it: passcode
set, the Dream Umbrella example loaded, and the PPCD "area of dissemination" ballot
(multiple choice, up to two areas) open on the phones of the PPCD session, join code
DREAM. Everything is driven through what a person sees: labels, roles and texts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.voting.commands import show_ballot
from c4d.demo.example import load_demo
from c4d.db.store import Store
from c4d.voting.lifecycle import open_ballot
from c4d.voting.templates import ballot_from_template
from tests.browser.conftest import PHONE, PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import ink_share

pytestmark = pytest.mark.browser

PASSCODE = "ppcd-vote-2020"
CODE = "DREAM"
THANKS = "Thank you — your vote is counted."
REPLACED = "Your earlier vote was replaced by this one."
QUESTION = "Where should the campaign be rolled out?"
LIVE = 30_000  # ms: a deadline for the projector, whose live part refreshes every second


def database(data_dir) -> str:
    return f"sqlite:///{data_dir / 'c4d.sqlite3'}"


@pytest.fixture
def room(tmp_path):
    """The laptop's data folder with the area ballot on the phones, and the app running."""
    data = tmp_path / "data"
    data.mkdir()
    store = Store(database(data))
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = load_demo(store)
    ppcd = store.session(campaign.id, "ppcd-2020")
    ballot = store.save_ballot(open_ballot(ballot_from_template("area", campaign.id, ppcd.id)))
    state, _ = show_ballot(store, ballot)
    assert state.join_code == CODE
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, ballot
    finally:
        stop_app(process)


def phone_context(browser):
    """A phone: 360×740, touch, and JavaScript off, since the ballot must work without it."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)


def vote(page, *areas: str, expected: str) -> None:
    """Tick the areas and send the form, by touch, as a participant does."""
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    for area in areas:
        box = page.get_by_role("checkbox", name=area)
        box.tap()
        expect(box).to_be_checked()
    page.get_by_role("button", name="Send my vote").tap()
    expect(page.get_by_text(expected)).to_be_visible()


def bar(projector, votes: int, option: str):
    """A bar of the projector's results chart, by the label the chart gives screen readers."""
    return projector.locator(f'[aria-roledescription="bar"][aria-label="Option: {option}; Votes: {votes}"]')


def test_phones_vote_while_the_projector_counts(browser, room, artifacts):
    base, data, ballot = room

    # The projector: the live screen of the campaign, in projector mode, on this laptop.
    projector = browser.new_context(viewport=PROJECTOR).new_page()
    projector.goto(f"{base}/live_screen?campaign=dream-umbrella&projector=1")
    expect(projector.get_by_role("heading", name=QUESTION)).to_be_visible(timeout=LIVE)
    expect(projector.get_by_text("0 of 39 voted")).to_be_visible(timeout=LIVE)
    projector.evaluate("window.__sameDocument = 'still here'")  # gone if the page reloads

    # A participant opens the join address on a phone and votes for two areas.
    phone = phone_context(browser)
    page = phone.new_page()
    answer = page.goto(f"{base}/j/{CODE}")
    assert answer is not None and answer.ok
    assert "<script" not in answer.text().lower()
    assert page.locator("script").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the ballot is {width}px wide on a {PHONE['width']}px phone"
    vote(page, "Border towns", "Rural areas people migrate from", expected=THANKS)
    assert page.url.startswith(f"{base}/j/{CODE}?sent=")

    # The projector counts the vote by itself, without a reload.
    expect(projector.get_by_text("1 of 39 voted")).to_be_visible(timeout=LIVE)
    assert projector.evaluate("window.__sameDocument") == "still here"

    phone_shot = page.screenshot(path=str(artifacts / "live-vote-phone-360x740.png"))
    assert ink_share(phone_shot) > 0.02
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the thank-you page is {width}px wide on a {PHONE['width']}px phone"

    # The same phone changes its mind: the page says the vote was replaced, and once the
    # projector's chart shows the new choice its count is still 1.
    page.get_by_role("link", name="Change my vote").tap()
    for earlier in ("Border towns", "Rural areas people migrate from"):  # the form opens with the vote in it
        box = page.get_by_role("checkbox", name=earlier)
        expect(box).to_be_checked()
        box.tap()
    vote(page, "The capital city", expected=REPLACED)
    expect(page.get_by_text(THANKS)).to_have_count(0)
    expect(bar(projector, 1, "The capital city")).to_be_visible(timeout=LIVE)
    expect(bar(projector, 0, "Border towns")).to_have_count(1)  # a bar of length 0
    expect(projector.get_by_text("1 of 39 voted")).to_be_visible()

    # A second phone votes, and the projector counts two.
    other = phone_context(browser)
    other_page = other.new_page()
    other_page.goto(f"{base}/j/{CODE}")
    vote(other_page, "Transit points (bus and train stations, border crossings)", expected=THANKS)
    expect(projector.get_by_text("2 of 39 voted")).to_be_visible(timeout=LIVE)
    assert projector.evaluate("window.__sameDocument") == "still here"

    projector_shot = projector.screenshot(path=str(artifacts / "live-vote-projector-1280x720.png"))
    assert ink_share(projector_shot) > 0.02
    other.close()
    phone.close()
    projector.context.close()

    # What was stored: two votes, the first phone's being the one it sent last.
    store = Store(database(data))
    try:
        labels = {option.id: option.label for option in ballot.options}
        votes = store.votes(ballot.id)
        assert sorted(sorted(labels[o] for o in v.selections) for v in votes) == [
            ["The capital city"], ["Transit points (bus and train stations, border crossings)"]]
    finally:
        store.engine.dispose()


def test_a_long_web_address_or_word_wraps_on_a_phone(browser, room):
    """Option labels are typed by people: a web address or a long compound word must wrap
    on a 360 px phone instead of widening the page and hiding the rest of the label."""
    from c4d.voting.lifecycle import edit_ballot

    base, data, ballot = room
    address = "https://www.facebook.com/groups/safe-migration-mongolia-returnees-network-2020"
    compound = "Улаанбаатархотынгэрхорооллынзалуучуудынсүлжээнийгишүүд"
    store = Store(database(data))
    try:
        labels = [address, compound] + [o.label for o in ballot.options[2:]]
        store.save_ballot(edit_ballot(ballot, question=QUESTION + " " + compound, options=[
            o.model_copy(update={"label": label}) for o, label in zip(ballot.options, labels)]))
    finally:
        store.engine.dispose()
    phone = phone_context(browser)
    page = phone.new_page()
    page.goto(f"{base}/j/{CODE}")
    expect(page.get_by_role("checkbox", name=address)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the ballot is {width}px wide on a {PHONE['width']}px phone"
    for name in (address, compound):
        box = page.get_by_text(name, exact=True).bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], name
    phone.close()

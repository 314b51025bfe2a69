"""The projector's own window in a real Chromium: the facilitator opens the live screen from
the voting page into a new window (their own tab stays where it was), then puts a ballot, a
pre-test material and the idea board on the phones, and closes the board; the projector
window follows each by itself, with no click, within a deadline.

The data folder is set up before the server starts: passcode set, a campaign with one
workshop session and a draft ballot ready to open. The facilitator uses the laptop's own
browser (loopback: trusted), at projector size."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.db.store import Store
from c4d.models import Campaign, Session, SessionKind
from c4d.pretest import commands as pretest
from c4d.pretest.model import Material, MaterialType
from c4d.voting.model import Ballot, BallotOption
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import click_button, ink_share, wait_for_app

pytestmark = pytest.mark.browser

QUESTION = "Who should the campaign reach first?"
PROMPT = "Which groups are most at risk?"
SLOGAN = "Let's be aware of, discuss about and prevent TIP"
WAITING = "The next question will appear here."
FOLLOWS = 15_000  # ms: a deadline for the projector, whose live part re-reads the phones every second


@pytest.fixture
def workshop(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, "projector-2020", "projector-2020")
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    store.save_ballot(Ballot(campaign_id=campaign.id, session_id=session.id, question=QUESTION,
                             options=[BallotOption(label="Young women 18–27 planning to work abroad"),
                                      BallotOption(label="Parents of teenagers"),
                                      BallotOption(label="Students")]))
    slogan = pretest.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Slogan",
                                                                    text=SLOGAN))
    process, base = start_app(data)
    try:
        yield base, store, campaign, session, slogan
    finally:
        stop_app(process)
        store.engine.dispose()


def test_the_projector_window_follows_the_phones_while_the_facilitator_stays_put(browser, workshop, artifacts):
    base, store, campaign, session, slogan = workshop
    context = browser.new_context(viewport=PROJECTOR)
    try:
        facilitator = context.new_page()
        facilitator.goto(f"{base}/voting?campaign={campaign.slug}")
        wait_for_app(facilitator)
        expect(facilitator.get_by_role("heading", name=QUESTION)).to_be_visible()
        where = facilitator.url

        with context.expect_page() as opened:
            facilitator.get_by_role("link", name="Open the live screen for the projector").click()
        projector = opened.value
        expect(projector.get_by_text(WAITING)).to_be_visible(timeout=FOLLOWS)
        assert f"/live_screen?session={session.id}" in projector.url and "projector=1" in projector.url
        expect(projector.get_by_text("Open a campaign on the home page first.")).to_have_count(0)
        expect(projector.locator("[data-testid='stSidebar']")).to_be_hidden()  # projector mode, from the address

        # The facilitator's own tab stayed where it was.
        wait_for_app(facilitator)
        assert facilitator.url == where
        expect(facilitator.get_by_role("button", name="Open on phones")).to_be_visible()

        # A ballot on the phones: the projector shows it by itself.
        click_button(facilitator, "Open on phones")
        expect(projector.get_by_role("heading", name=QUESTION)).to_be_visible(timeout=FOLLOWS)
        expect(projector.get_by_text("0 voted")).to_be_visible()
        wait_for_app(projector)  # between two runs of its live part: what the room sees
        expect(projector.get_by_role("img", name="QR code that opens the voting page")).to_have_count(1)
        projector.screenshot(path=str(artifacts / "projector-window-ballot.png"))

        # The pre-test puts a material on the same phones (as the pre-test page does).
        pretest.show_material(store, campaign.id, session.id, slogan.id)
        expect(projector.get_by_text(SLOGAN).first).to_be_visible(timeout=FOLLOWS)
        expect(projector.get_by_role("heading", name=QUESTION)).to_have_count(0)

        # The idea board.
        facilitator.goto(f"{base}/ideas?campaign={campaign.slug}")
        wait_for_app(facilitator)
        facilitator.get_by_label("Question for the room", exact=True).fill(PROMPT)
        click_button(facilitator, "Open the board on phones")
        expect(projector.get_by_role("heading", name=PROMPT)).to_be_visible(timeout=FOLLOWS)
        expect(projector.get_by_text(SLOGAN)).to_have_count(0)
        wait_for_app(projector)
        png = projector.screenshot(path=str(artifacts / "projector-window-ideas.png"))
        assert ink_share(png) > 0.02  # something drawn, not a blank window

        # Closed: the projector goes back to the invitation to join.
        click_button(facilitator, "Close the board")
        expect(projector.get_by_text(WAITING)).to_be_visible(timeout=FOLLOWS)
        expect(projector.get_by_role("heading", name=PROMPT)).to_have_count(0)
        wait_for_app(projector)
        projector.screenshot(path=str(artifacts / "projector-window-waiting.png"))
        assert len(context.pages) == 2
    finally:
        context.close()

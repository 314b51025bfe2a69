"""The facilitator's counts follow the room by themselves, in a real Chromium at 1280×720:
votes and ideas are saved by another process after the page has rendered (as phones
send them), and the PPCD voting page and the idea board show them within a deadline,
without a click and without reloading the page.

The data folder is set up before the server starts: passcode set, the Dream Umbrella
example loaded, and in its PPCD session (39 registered) the "area of dissemination" ballot
(multiple choice) open on the phones, or the idea board open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.db.store import Store
from c4d.demo.example import load_demo
from c4d.ideas.commands import show_ideas
from c4d.ideas.model import Idea, on_board_count
from c4d.voting.commands import close_voting, show_ballot
from c4d.voting.counting import describe_result
from c4d.voting.lifecycle import open_ballot
from c4d.voting.model import Vote
from c4d.voting.results import tally
from c4d.voting.templates import ballot_from_template
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import DEADLINE, wait_for_app

pytestmark = pytest.mark.browser

LIVE = 15_000  # ms: a deadline for a count that re-reads every second


def database(data_dir) -> str:
    return f"sqlite:///{data_dir / 'c4d.sqlite3'}"


@pytest.fixture
def laptop(tmp_path):
    """The data folder, prepared by `prepare(store, campaign, ppcd)`, and the app running on it."""
    started = []

    def start(prepare):
        data = tmp_path / "data"
        data.mkdir()
        store = Store(database(data))
        access.set_passcode(store, "ppcd-vote-2020", "ppcd-vote-2020")
        campaign = load_demo(store)
        ppcd = store.session(campaign.id, "ppcd-2020")
        made = prepare(store, campaign, ppcd)
        store.engine.dispose()
        process, base = start_app(data)
        started.append(process)
        return base, data, made

    yield start
    for process in started:
        stop_app(process)


def another_process(data):
    """The store as the phone routes (or the command line) write to it: its own connection."""
    return Store(database(data))


def same_document(page) -> None:
    page.evaluate("window.__sameDocument = 'still here'")  # gone if the page reloads


def test_the_voting_page_counts_the_votes_without_a_click(browser, laptop, artifacts):
    def open_area_ballot(store, campaign, ppcd):
        ballot = store.save_ballot(open_ballot(ballot_from_template("area", campaign.id, ppcd.id)))
        show_ballot(store, ballot)
        return ballot

    base, data, ballot = laptop(open_area_ballot)
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/voting?campaign=dream-umbrella")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=ballot.question)).to_be_visible(timeout=DEADLINE)
    turnout = page.get_by_test_id("stMetricValue")
    expect(turnout).to_have_text("0 of 39 voted", timeout=DEADLINE)
    expect(page.get_by_text("No votes yet.")).to_be_visible()
    same_document(page)

    store = another_process(data)
    try:
        ids = ballot.option_ids
        for n, picks in enumerate([[ids[0], ids[1]], [ids[0]], [ids[2]]]):
            store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{n}", selections=picks))
        expected = describe_result(tally(store, ballot).result)
    finally:
        store.engine.dispose()

    expect(turnout).to_have_text("3 of 39 voted", timeout=LIVE)  # the turnout, and the live result:
    expect(page.get_by_text(expected)).to_be_visible(timeout=LIVE)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(1, timeout=LIVE)  # its chart
    assert page.evaluate("window.__sameDocument") == "still here"
    page.screenshot(path=str(artifacts / "voting-page-counts-follow-1280x720.png"))

    # Closed elsewhere (another tab, the command line): the page's buttons follow too.
    store = another_process(data)
    try:
        close_voting(store, ballot.id)
    finally:
        store.engine.dispose()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("button", name="Close voting")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") == "still here"
    page.context.close()


def test_the_idea_board_counts_the_ideas_without_a_click(browser, laptop):
    def open_board(store, campaign, ppcd):
        show_ideas(store, ppcd.id, "Who is most at risk?")
        return campaign, ppcd, on_board_count(store.ideas(ppcd.id))  # the example's ideas

    base, data, (campaign, ppcd, before) = laptop(open_board)
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/ideas?campaign=dream-umbrella")
    wait_for_app(page)
    on_board = page.get_by_test_id("stMetric").filter(has_text="On the board").get_by_test_id("stMetricValue")
    expect(on_board).to_have_text(str(before), timeout=DEADLINE)
    same_document(page)

    store = another_process(data)
    try:
        for n, text in enumerate(["Young women going abroad for work", "Students with part-time jobs"]):
            store.save_idea(Idea(campaign_id=campaign.id, session_id=ppcd.id, text=text, voter_key=f"device:{n}"))
    finally:
        store.engine.dispose()

    expect(on_board).to_have_text(str(before + 2), timeout=LIVE)
    assert page.evaluate("window.__sameDocument") == "still here"
    page.context.close()

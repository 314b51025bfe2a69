"""The PPCD voting page and its results on the projector, in a real Chromium at 1280×720.

The data folder is set up before the server starts, as a facilitator leaves it: passcode
set, the Dream Umbrella example loaded, and in its PPCD session a closed runoff of two
options and a closed six-option ballot with a two-line question, both with results
revealed. Bars are found by the label the chart gives screen readers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.voting.commands import show_ballot
from c4d.demo.example import load_demo
from c4d.db.store import Store
from c4d.voting.lifecycle import close_ballot, open_ballot, reveal_results
from c4d.voting.model import Ballot, BallotOption, Vote
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import DEADLINE, choose, click_button, wait_for_app

pytestmark = pytest.mark.browser

RUNOFF = "Runoff: whose behaviour should the campaign change or protect first?"
SIX = "Which form of trafficking should the campaign focus on first?"
SIX_OPTIONS = ["Facebook videos", "Radio talk shows", "TV drama series", "Posters at bus stops",
               "University events", "Text messages"]


def database(data_dir) -> str:
    return f"sqlite:///{data_dir / 'c4d.sqlite3'}"


def closed_ballot(store, campaign, session, question, labels, tallies) -> Ballot:
    ballot = store.save_ballot(open_ballot(Ballot(campaign_id=campaign.id, session_id=session.id, question=question,
                                                  options=[BallotOption(label=label) for label in labels])))
    for option_id, times in zip(ballot.option_ids, tallies):
        for n in range(times):
            store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{option_id}:{n}", selections=[option_id]))
    return store.save_ballot(reveal_results(close_ballot(store.ballot(ballot.id))))


@pytest.fixture
def workshop(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(database(data))
    access.set_passcode(store, "ppcd-vote-2020", "ppcd-vote-2020")
    campaign = load_demo(store)
    ppcd = store.session(campaign.id, "ppcd-2020")
    runoff = closed_ballot(store, campaign, ppcd, RUNOFF, ["Young women 18–27", "Students with part-time jobs"],
                           [12, 9])
    six = closed_ballot(store, campaign, ppcd, SIX, SIX_OPTIONS, [9, 7, 6, 4, 3, 1])
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, {"runoff": runoff, "six": six}
    finally:
        stop_app(process)


def put_on_phones(data, ballot) -> None:
    store = Store(database(data))
    try:
        show_ballot(store, store.ballot(ballot.id))
    finally:
        store.engine.dispose()


BOXES = """options => options.map(option => {
  const bar = [...document.querySelectorAll('[aria-roledescription="bar"]')]
    .find(b => (b.getAttribute('aria-label') || '').startsWith(`Option: ${option}; Votes: `));
  const r = bar.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height};
})"""


def bars_on_screen(page, options: list[str]) -> list[dict]:
    """Each option's bar, waited for, with where it is drawn: all read at one moment, since
    the page may still move (a count above the chart growing) between two readings."""
    for option in options:
        bar = page.locator(f'[aria-roledescription="bar"][aria-label^="Option: {option}; Votes: "]')
        expect(bar).to_have_count(1, timeout=DEADLINE)
    return page.evaluate(BOXES, options)


@pytest.mark.parametrize("which,options", [("runoff", ["Young women 18–27", "Students with part-time jobs"]),
                                           ("six", SIX_OPTIONS)])
def test_every_bar_and_the_axis_fit_the_projector_without_overlapping(browser, workshop, artifacts, which, options):
    base, data, ballots = workshop
    put_on_phones(data, ballots[which])
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/live_screen?campaign=dream-umbrella&projector=1")
    expect(page.get_by_role("heading", name=ballots[which].question)).to_be_visible(timeout=DEADLINE)
    boxes = bars_on_screen(page, options)
    for above, below in zip(boxes, boxes[1:]):
        assert above["y"] + above["height"] + 4 <= below["y"], f"bars overlap: {above} / {below}"
    assert min(b["height"] for b in boxes) >= 20
    chart = page.locator("[data-testid='stVegaLiteChart']").bounding_box()
    assert chart["y"] + chart["height"] <= PROJECTOR["height"], (
        f"the chart ends at {chart['y'] + chart['height']:.0f}px on a {PROJECTOR['height']}px screen")
    expect(page.get_by_text("Votes", exact=True)).to_be_in_viewport()  # the axis title, in view
    page.screenshot(path=str(artifacts / f"projector-result-{which}-1280x720.png"))
    page.context.close()


def test_the_ballot_picker_shows_the_status_after_closing_and_reopening(browser, workshop, artifacts):
    base, data, ballots = workshop
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/voting?campaign=dream-umbrella")
    wait_for_app(page)
    picker = page.get_by_role("combobox", name="Ballot", exact=True)
    choose(page, "Ballot", f"5. {RUNOFF} (closed)")
    click_button(page, "Reopen")
    expect(page.get_by_role("button", name="Close voting")).to_be_visible(timeout=DEADLINE)  # the page says: open
    expect(picker).to_have_value(f"5. {RUNOFF} (open for voting)", timeout=DEADLINE)
    click_button(page, "Close voting")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible(timeout=DEADLINE)  # the page says: closed
    expect(picker).to_have_value(f"5. {RUNOFF} (closed)", timeout=DEADLINE)

    # The result on the facilitator's page: two separate bars.
    boxes = bars_on_screen(page, ["Young women 18–27", "Students with part-time jobs"])
    assert boxes[0]["y"] + boxes[0]["height"] + 4 <= boxes[1]["y"], f"bars overlap: {boxes}"
    page.locator("[data-testid='stVegaLiteChart']").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "voting-page-runoff-1280x720.png"))

    # The show of hands: each box is named with its option as typed.
    page.get_by_text("Show of hands (when phones are not an option)").click()
    expect(page.get_by_role("spinbutton", name="Students with part-time jobs", exact=True)).to_be_visible()
    page.context.close()

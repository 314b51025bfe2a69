"""Every result chart, read where the room reads it: in Chromium at 1280×720, on the
facilitator's page and in projector mode, for the key decisions page and the PPCD voting
page with a three-option and an eight-option ballot.

The charts are drawn as SVG (the chart asks Vega for it), so the test reads what is on
screen: each bar (`aria-roledescription="bar"`) and each option name on the band axis.
A room reads the winner from the name beside the longest bar, so every bar has exactly
one visible name, centred on it; no name is cut short; the vote axis counts in whole
votes; and on the projector the names and numbers are at least 24 px.

The data folder is set up before the server starts: passcode set, the Dream Umbrella
example loaded (its decisions have three and four options), an eight-option decision with
small counts (an axis up to 2 votes is where fractional ticks appeared), and in the PPCD
session a closed three-option and a closed eight-option ballot with results revealed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.db.store import Store
from c4d.demo.example import load_demo
from c4d.models import Decision, DecisionTopic, TallyRow
from c4d.voting.commands import show_ballot
from c4d.voting.lifecycle import close_ballot, open_ballot, reveal_results
from c4d.voting.model import Ballot, BallotOption, Vote
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import DEADLINE, wait_for_app

pytestmark = pytest.mark.browser

THREE = "Which form of trafficking should the campaign focus on first?"
THREE_OPTIONS = ["Trafficking for sexual exploitation", "Trafficking for labour exploitation",
                 "Forced or arranged marriage abroad"]
EIGHT = "Who should the campaign speak to first?"
EIGHT_OPTIONS = ["Young women aged 18–27", "Young men 18–30 planning to work in construction abroad",
                 "High-school girls", "Job seekers going abroad", "Herder families moving to the city",
                 "Parents", "Teachers", "Bus drivers"]
SMALL_DECISION = "Who hands out the leaflets"
SMALL_OPTIONS = ["Volunteers from the university", "Youth club", "Police officers", "Bus drivers",
                 "Shop owners at the market", "Nurses", "Librarians", "Taxi drivers"]
CENTRED_PX = 4  # a name's middle and its bar's middle, at most this far apart
PROJECTOR_TYPE_PX = 24

# What one chart shows, read from its SVG: the bars, the names on the band axis (the axis
# whose labels are not side by side), the numbers on the value axis, and the words drawn
# at the bars' ends. Hidden labels (Vega hides overlapping ones with opacity 0) do not count.
READ_CHARTS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(chart => {
  const svg = chart.querySelector('svg');
  if (!svg) return {svg: false};
  const box = e => { const b = e.getBoundingClientRect();
                     return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; };
  const visible = t => t.getAttribute('opacity') !== '0' && getComputedStyle(t).opacity !== '0'
                       && getComputedStyle(t).visibility !== 'hidden' && t.textContent.trim() !== '';
  const words = t => { const spans = [...t.querySelectorAll('tspan')];
                       return (spans.length ? spans.map(s => s.textContent).join(' ') : t.textContent)
                              .replace(/\\s+/g, ' ').trim(); };
  const text = t => ({...box(t), text: words(t), size: parseFloat(getComputedStyle(t).fontSize)});
  const axes = [...svg.querySelectorAll('g.role-axis')].map(a =>
      [...a.querySelectorAll('.role-axis-label text')].filter(visible).map(text)).filter(l => l.length);
  const spread = (labels, side) => Math.max(...labels.map(l => l[side])) - Math.min(...labels.map(l => l[side]));
  const inLine = l => l.length > 1 && spread(l, 'top') <= 2;  // the value axis: its numbers side by side
  const band = axes.filter(l => !inLine(l));
  const value = axes.filter(inLine);
  return {
    svg: true,
    right: Math.min(svg.getBoundingClientRect().right, chart.getBoundingClientRect().right),
    bars: [...svg.querySelectorAll('[aria-roledescription="bar"]')].map(b => ({...box(b), aria: b.getAttribute('aria-label') || ''})),
    names: band.flat(),
    ticks: value.flat().map(t => t.text),
    ends: [...svg.querySelectorAll('.role-mark text')].filter(visible).map(text),
  };
})"""


def database(data_dir) -> str:
    return f"sqlite:///{data_dir / 'c4d.sqlite3'}"


def closed_ballot(store, campaign, session, question, labels, tallies) -> Ballot:
    ballot = store.save_ballot(open_ballot(Ballot(campaign_id=campaign.id, session_id=session.id, question=question,
                                                  options=[BallotOption(label=label) for label in labels])))
    for option_id, times in zip(ballot.option_ids, tallies):
        for n in range(times):
            store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{option_id}:{n}", selections=[option_id]))
    return store.save_ballot(reveal_results(close_ballot(store.ballot(ballot.id))))


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    data = tmp_path_factory.mktemp("charts") / "data"
    data.mkdir()
    store = Store(database(data))
    access.set_passcode(store, "ppcd-vote-2020", "ppcd-vote-2020")
    campaign = load_demo(store)
    ppcd = store.session(campaign.id, "ppcd-2020")
    ballots = {3: closed_ballot(store, campaign, ppcd, THREE, THREE_OPTIONS, [11, 7, 3]),
               8: closed_ballot(store, campaign, ppcd, EIGHT, EIGHT_OPTIONS, [9, 8, 6, 4, 3, 2, 1, 1])}
    store.add_decision(Decision(
        campaign_id=campaign.id, session_id=ppcd.id, topic=DecisionTopic.other, choice=SMALL_OPTIONS[0],
        method="Vote (single choice)", turnout=4,
        breakdown=[TallyRow(option=o, votes=v) for o, v in zip(SMALL_OPTIONS, [2, 1, 1, 0, 0, 0, 0, 0])]))
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, ballots
    finally:
        stop_app(process)


def put_on_phones(data, ballot) -> None:
    """The voting page opens on the ballot that is on the phones."""
    store = Store(database(data))
    try:
        show_ballot(store, store.ballot(ballot.id))
    finally:
        store.engine.dispose()


def read_charts(page, bars: int) -> list[dict]:
    """The page's charts, once `bars` bars are drawn in all of them together."""
    expect(page.locator("[data-testid='stVegaLiteChart'] [aria-roledescription='bar']")).to_have_count(
        bars, timeout=DEADLINE)
    wait_for_app(page)
    charts = page.evaluate(READ_CHARTS)
    assert charts and all(c["svg"] for c in charts), "every result chart is drawn as SVG"
    return charts


def check_chart(chart: dict, options: list[str], *, projector: bool) -> None:
    """One chart: a visible name per bar, centred on it, in full; the bars' numbers not cut;
    whole numbers on the axis; on the projector, type for the back of the room."""
    bars = sorted(chart["bars"], key=lambda b: b["top"])
    names = sorted(chart["names"], key=lambda n: n["top"])
    assert len(names) == len(bars) == len(options), (
        f"{len(bars)} bars, {len(names)} names on screen: {[n['text'] for n in names]}")
    for bar, name in zip(bars, names):
        middle_bar = (bar["top"] + bar["bottom"]) / 2
        middle_name = (name["top"] + name["bottom"]) / 2
        assert abs(middle_bar - middle_name) <= CENTRED_PX, (
            f"{name['text']!r} is drawn {middle_name - middle_bar:+.0f}px from its bar ({bar['aria']})")
        assert not name["text"].endswith("…"), f"{name['text']!r} is cut, though the screen has room for it"
        assert name["text"] in options, f"{name['text']!r} is not an option as typed"
        assert name["text"] in bar["aria"], f"the bar beside {name['text']!r} is another option's: {bar['aria']}"
    assert sorted(n["text"] for n in names) == sorted(options)
    for words in chart["ends"]:  # the number at a bar's end, whole on screen
        assert words["right"] <= chart["right"] + 1, f"{words['text']!r} runs past the chart's edge"
    for tick in chart["ticks"]:
        assert re.fullmatch(r"\d+", tick.replace(",", "")), f"the vote axis shows {tick!r}: votes are whole"
    if projector:
        small = [(n["text"], n["size"]) for n in names + chart["ends"] if n["size"] < PROJECTOR_TYPE_PX]
        assert not small, f"too small for the back of the room: {small}"
    else:
        assert len(chart["ticks"]) >= 2, "the facilitator's page shows the vote axis with its numbers"


@pytest.mark.parametrize("projector", [False, True], ids=["page", "projector"])
def test_key_decisions_charts_name_every_bar_beside_it(browser, workshop, artifacts, projector):
    base, _, _ = workshop
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/decisions?campaign=dream-umbrella" + ("&projector=1" if projector else ""))
    expected = {  # each decision of the example with a breakdown, and the one added here
        "Trafficking for sexual exploitation": THREE_OPTIONS,
        "Young women aged 18–27": ["Young women aged 18–27", "High-school girls", "Job seekers going abroad",
                                   "Herder families moving to the city"],
        "Ulaanbaatar and Darkhan-Uul": ["Ulaanbaatar and Darkhan-Uul", "Ulaanbaatar only",
                                        "Border towns (e.g. Zamiin-Uud)"],
        "Social media, with a chatbot and outdoor media at transit points": [
            "Social media, with a chatbot and outdoor media at transit points", "Television", "Radio",
            "Events in universities and dormitories"],
        SMALL_OPTIONS[0]: SMALL_OPTIONS,
    }
    charts = read_charts(page, sum(len(o) for o in expected.values()))
    assert len(charts) == len(expected)
    for chart in charts:
        first = min(chart["bars"], key=lambda b: b["top"])["aria"]
        [options] = [o for choice, o in expected.items() if f"Option: {choice};" in first + ";"]
        check_chart(chart, options, projector=projector)
    page.locator("[data-testid='stVegaLiteChart']").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"decisions-{'projector' if projector else 'page'}-1280x720.png"))
    page.context.close()


@pytest.mark.parametrize("projector", [False, True], ids=["page", "projector"])
@pytest.mark.parametrize("n", [3, 8])
def test_voting_results_name_every_bar_beside_it(browser, workshop, artifacts, n, projector):
    base, data, ballots = workshop
    put_on_phones(data, ballots[n])
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{base}/voting?campaign=dream-umbrella" + ("&projector=1" if projector else ""))
    [chart] = read_charts(page, n)
    check_chart(chart, THREE_OPTIONS if n == 3 else EIGHT_OPTIONS, projector=projector)
    page.locator("[data-testid='stVegaLiteChart']").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"voting-result-{n}-{'projector' if projector else 'page'}-1280x720.png"))
    page.context.close()

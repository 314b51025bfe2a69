"""Details the back of the room reads, measured in a real Chromium at 1280×720 in projector
mode (issue 17): the winning option on the live screen in full, the join address never
broken inside its "host:port", the Social Ecological Model's chips in type of at least 24 px
with the example's 12 influences, and the stakeholder key whole inside its picture.

The SEM drawing is an SVG shown as an image: its text is measured as the room sees it, each
text element's font size times the scale at which the image is displayed.

The data folder is set up before the server starts: passcode set, the Dream Umbrella example
(12 influences, 8 stakeholders), a typed network address with a long host and a port (so the
big join address needs most of its column), and in the PPCD session a closed ballot whose
winner has a long name, its results revealed and on the phones."""

from __future__ import annotations

import time

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from c4d import access, lan
from c4d.db.store import Store
from c4d.demo.example import load_demo
from c4d.voting.commands import show_ballot
from c4d.voting.lifecycle import close_ballot, open_ballot, reveal_results
from c4d.voting.model import Ballot, BallotOption, Vote
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import DEADLINE, wait_for_app

pytestmark = pytest.mark.browser

QUESTION = "Who should the campaign speak to first?"
WINNER = "Young men 18–30 planning to work in construction abroad"
OPTIONS = [WINNER, "Young women aged 18–27", "Parents of teenagers"]
ADDRESS = "c4d-workshop-laptop.local:8501"  # typed in Settings: what the join address starts with
ROOM_PX = 24


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    data = tmp_path_factory.mktemp("projector-details") / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, "projector-2020", "projector-2020")
    campaign = load_demo(store)
    store.set_setting(lan.SETTING, ADDRESS)
    ppcd = store.session(campaign.id, "ppcd-2020")
    ballot = store.save_ballot(open_ballot(Ballot(campaign_id=campaign.id, session_id=ppcd.id, question=QUESTION,
                                                  options=[BallotOption(label=label) for label in OPTIONS])))
    for option_id, times in zip(ballot.option_ids, [9, 5, 2]):
        for n in range(times):
            store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"device:{option_id}:{n}", selections=[option_id]))
    ballot = store.save_ballot(reveal_results(close_ballot(store.ballot(ballot.id))))
    show_ballot(store, ballot)
    waiting = next(s for s in store.sessions(campaign.id) if s.id != ppcd.id)
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, ppcd, waiting
    finally:
        stop_app(process)


def projector_page(browser, url: str):
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(url)
    wait_for_app(page)
    return page


# Every element whose own text holds `text` (or a cut start of it), with how it is drawn: its
# text as rendered, whether its content is wider than its box, whether the browser draws an
# ellipsis, and its box against the window. Chart names drawn in SVG count too.
READ_TEXT = """(text) => {
  const start = text.slice(0, 20);
  const out = [];
  for (const e of document.querySelectorAll("[data-testid='stMain'] *")) {
    if (e.closest("[data-testid='stVegaLiteChart']") && e.tagName !== 'text') continue;
    const own = e.tagName === 'text' ? e.textContent
              : [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    if (!own.includes(start)) continue;
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    const shown = e.tagName === 'text'
        ? ([...e.querySelectorAll('tspan')].map(s => s.textContent).join(' ') || e.textContent) : own;
    out.push({tag: e.tagName, text: shown.replace(/\\s+/g, ' ').trim(),
              overflowing: e.tagName !== 'text' && e.scrollWidth > e.clientWidth + 1,
              ellipsis: style.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1,
              left: box.left, right: box.right, width: window.innerWidth,
              size: parseFloat(style.fontSize)});
  }
  return out;
}"""


def test_the_winning_option_is_shown_in_full_on_the_live_screen(browser, workshop, artifacts):
    base, ppcd, _ = workshop
    page = projector_page(browser, f"{base}/live_screen?session={ppcd.id}&projector=1")
    expect(page.locator("[data-testid='stVegaLiteChart'] [aria-roledescription='bar']")).to_have_count(
        len(OPTIONS), timeout=DEADLINE)
    wait_for_app(page)
    page.screenshot(path=str(artifacts / "projector-details-winner-1280x720.png"))
    found = page.evaluate(READ_TEXT, WINNER)
    assert found, "the winning option is named on the live screen"
    for element in found:
        assert WINNER in element["text"], f"the winner is cut on the live screen: {element['text']!r}"
        assert not element["overflowing"] and not element["ellipsis"], f"runs out of its box: {element}"
        assert element["left"] >= 0 and element["right"] <= element["width"] + 1, f"off the screen: {element}"
        assert element["size"] >= ROOM_PX, f"too small for the back of the room: {element}"
    page.context.close()


# Each join address on the page, read as the browser laid it out: the "host:port" part's
# characters, with the line (top of its glyphs' box) each one is drawn on.
READ_JOIN = """(hostPort) => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector("[data-testid='stMain']"), NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
  for (const node of texts) {
    const at = node.textContent.indexOf(hostPort);
    if (at < 0) continue;
    const tops = [];
    for (let i = at; i < at + hostPort.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const b = r.getBoundingClientRect();
      tops.push(Math.round(b.top));
    }
    const holder = node.parentElement;
    const box = holder.getBoundingClientRect();
    out.push({tops, right: box.right, width: window.innerWidth, text: holder.textContent,
              size: parseFloat(getComputedStyle(holder).fontSize),
              overflowing: holder.scrollWidth > holder.clientWidth + 1});
  }
  return out;
}"""


@pytest.mark.parametrize("which", ["waiting", "ballot"])
def test_the_join_address_never_breaks_inside_host_and_port(browser, workshop, artifacts, which):
    base, ppcd, waiting = workshop
    session = waiting if which == "waiting" else ppcd
    page = projector_page(browser, f"{base}/live_screen?session={session.id}&projector=1")
    expect(page.get_by_text(re.compile(re.escape(ADDRESS))).first).to_be_visible(timeout=DEADLINE)
    wait_for_app(page)
    page.screenshot(path=str(artifacts / f"projector-details-join-{which}-1280x720.png"))
    found = page.evaluate(READ_JOIN, ADDRESS)
    assert found, f"the join address {ADDRESS} is written whole in one piece of text"
    for address in found:
        assert len(set(address["tops"])) == 1, (
            f"the join address is broken inside {ADDRESS!r}: lines at {sorted(set(address['tops']))}")
        assert not address["overflowing"] and address["right"] <= address["width"] + 1, address
        assert address["size"] >= ROOM_PX, f"the join address is too small for the room: {address}"
    if which == "waiting":  # the invitation: the code to type, in the largest type on the screen
        code = page.locator(".c4d-code")
        assert float(code.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 96
    page.context.close()


def displayed_svg_text(page, container: str) -> tuple[float, list[tuple[str, float]]]:
    """The scale at which the page's SVG picture is displayed, and each of its text elements
    with its size on screen (font size × scale)."""
    image = page.locator(f"{container} img").first
    expect(image).to_be_visible(timeout=DEADLINE)
    src = image.get_attribute("src")
    svg = page.evaluate("async (src) => await (await fetch(src)).text()", src)
    root = ET.fromstring(svg)
    shown = image.bounding_box()
    scale = shown["width"] / float(root.get("width"))
    texts = []
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        words = " ".join(t.strip() for t in element.itertext() if t.strip())
        texts.append((words, float(element.get("font-size")) * scale))
    return scale, texts


def test_the_sem_chips_are_read_from_the_back_of_the_room(browser, workshop, artifacts):
    """The projector opens one level at a time (buttons step through the rings): every one of
    the example's 12 influences is shown on one of them, its chip's words at least 24 px, the
    drawing whole on the screen."""
    base, _, _ = workshop
    page = projector_page(browser, f"{base}/sem?campaign=dream-umbrella&projector=1")
    seen = []
    picture = page.locator(".st-key-c4d-picture img").first
    for n, level in enumerate(("Societal", "Community", "Interpersonal", "Individual")):
        before = picture.get_attribute("src")
        buttons = page.locator("[data-testid='stButtonGroup']")
        buttons.get_by_text(level, exact=True).click()
        wait_for_app(page)
        # The drawing is replaced once the level's run has ended (the first level may already show).
        end = time.monotonic() + 15
        while picture.get_attribute("src") == before and n and time.monotonic() < end:
            time.sleep(0.1)
        assert n == 0 or picture.get_attribute("src") != before, f"{level}: the drawing did not change"
        wait_for_app(page)
        scale, texts = displayed_svg_text(page, ".st-key-c4d-picture")
        page.screenshot(path=str(artifacts / f"projector-details-sem-{level.lower()}-1280x720.png"))
        chips = [(words, size) for words, size in texts if words[:1] in "+−" or words.startswith("by ")
                 or words.startswith("nothing addresses")]
        seen += [words for words, _ in chips if words[:1] in "+−"]
        small = [(words, round(size, 1)) for words, size in chips if size < ROOM_PX]
        assert not small, f"{level}: chip text under {ROOM_PX} px on the projector (image at {scale:.2f}×): {small}"
        assert not any(words.endswith("…") for words, _ in chips), chips
        box = page.locator(".st-key-c4d-picture img").first.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], f"{level}: the drawing is cut: {box}"
    assert len(set(seen)) == 12, f"the example's 12 influences are shown: {seen}"
    page.context.close()


READ_KEY = """() => {
  const chart = document.querySelector("[data-testid='stVegaLiteChart']");
  const svg = chart.querySelector('svg');
  const frame = chart.getBoundingClientRect();
  const picture = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('.role-mark text')].filter(t => t.textContent.trim() !== '');
  return {frame: {left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom},
          picture: {left: picture.left, right: picture.right, top: picture.top, bottom: picture.bottom},
          window: window.innerWidth,
          texts: texts.map(t => { const b = t.getBoundingClientRect();
            return {text: [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') || t.textContent,
                    left: b.left, right: b.right, top: b.top, bottom: b.bottom,
                    size: parseFloat(getComputedStyle(t).fontSize)}; })};
}"""


def test_the_stakeholder_key_is_whole_inside_its_picture(browser, workshop, artifacts):
    base, _, _ = workshop
    page = projector_page(browser, f"{base}/stakeholders?campaign=dream-umbrella&projector=1")
    expect(page.locator("[data-testid='stVegaLiteChart'] svg")).to_be_visible(timeout=DEADLINE)
    wait_for_app(page)
    page.screenshot(path=str(artifacts / "projector-details-stakeholders-1280x720.png"))
    drawn = page.evaluate(READ_KEY)
    names = ["Police anti-trafficking unit (example)", "Employers in entertainment and hospitality (example)",
             "Universities and dormitory managers (example)", "Coordination Council of Crimes Prevention"]
    key = " ".join(t["text"] for t in drawn["texts"])
    key = re.sub(r"\s+", " ", key)
    for name in names:
        assert name in key, f"{name!r} is not in the key in full: {key!r}"
    assert "…" not in key
    inside = {side: max(drawn["frame"][side], drawn["picture"][side]) if side in ("left", "top")
              else min(drawn["frame"][side], drawn["picture"][side], drawn["window"] if side == "right" else 1e9)
              for side in ("left", "right", "top", "bottom")}
    entries = [text for text in drawn["texts"] if re.match(r"\d+ +\D", text["text"])]  # "1  Police …"
    assert len(entries) == 8, [t["text"] for t in drawn["texts"]]
    for text in entries:
        assert (text["left"] >= inside["left"] - 1 and text["right"] <= inside["right"] + 1
                and text["top"] >= inside["top"] - 1 and text["bottom"] <= inside["bottom"] + 1), (
            f"{text['text']!r} is cut by the picture's edge: {text} in {inside}")
        assert text["size"] >= 18, f"{text['text']!r} at {text['size']} px"
    page.context.close()

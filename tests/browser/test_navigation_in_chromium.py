"""The facilitator's navigation in a real Chromium at the projector's size (1280×720): every
page is a link in the sidebar, grouped by P-Process step, with no "View N more" to find
it; no label is cut; the step in use is the one open; "Create campaign" is on screen
without scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d.worksheet import PStep, registered
from tests.browser.conftest import PHONE, PROJECTOR
from tests.browser.streamlit_page import click_button, wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "navigation-2026"

# Every element of the sidebar's links and fold titles whose text is wider than its box
# (a label cut, with or without an ellipsis).
CUT_LABELS = """() => {
  const sidebar = document.querySelector("[data-testid='stSidebar']");
  const cut = [];
  for (const el of sidebar.querySelectorAll("[data-testid='stPageLink'] *, [data-testid='stExpander'] summary *")) {
    if (!el.clientWidth || !el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1) cut.push(el.textContent.trim());
  }
  return cut;
}"""


# The sidebar stands fully on the screen (it slides in when opened on a phone).
SIDEBAR_OPEN = """() => {
  const box = document.querySelector("[data-testid='stSidebar']").getBoundingClientRect();
  return box.x >= 0 && box.width >= 250;
}"""

# The titles of the sidebar's open folds (a fold closes at the end of its animation).
OPEN_FOLDS = """[...document.querySelectorAll("[data-testid='stSidebar'] [data-testid='stExpander'] details[open] summary")]
  .map(s => s.textContent.replace(/keyboard_arrow_(down|right)/g, "").trim()).join("|")"""


def sidebar_link(page, title: str):
    return page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=False).filter(
        has_text=title).first


def fold(page, step: PStep):
    return page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text=step.short_label).first


def is_open(page, step: PStep) -> bool:
    return fold(page, step).locator("details").first.evaluate("d => d.open")


def test_every_page_is_reachable_from_the_sidebar_and_no_label_is_cut(browser, running_app, artifacts):
    base, _ = running_app
    laptop = browser.new_context(viewport=PROJECTOR)
    page = laptop.new_page()
    page.goto(base)
    expect(page.get_by_role("heading", name="Welcome to the C4D workshop toolkit")).to_be_visible(timeout=30_000)
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    click_button(page, "Set passcode")
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible(timeout=30_000)
    wait_for_app(page)

    # The home page: a new campaign starts without scrolling.
    expect(page.get_by_role("button", name="Create campaign")).to_be_in_viewport(ratio=1, timeout=10_000)
    page.screenshot(path=str(artifacts / "home-1280x720.png"))

    click_button(page, "Load the Dream Umbrella example")
    expect(page.get_by_role("heading", name="Dream Umbrella — Мөрөөдлийн шүхэр")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    page.screenshot(path=str(artifacts / "navigation-overview-1280x720.png"))

    # No "View N more": every page is listed, the worksheets in one fold per step.
    assert page.get_by_test_id("stSidebarNavViewButton").count() == 0
    for title in ("Campaigns", "Overview", "Workshop sessions", "Participants", "Live screen", "Workshop report",
                  "Settings and backup"):
        expect(sidebar_link(page, title)).to_be_visible()
    worksheets = registered()
    steps = sorted({w.p_step for w in worksheets}, key=lambda s: s.value)
    for step in steps:
        if not is_open(page, step):
            fold(page, step).locator("summary").first.click()
        for w in (w for w in worksheets if w.p_step is step):
            link = sidebar_link(page, w.title)
            expect(link).to_be_visible(timeout=10_000)
            assert " · " not in link.inner_text()  # the Roadshow step is the tooltip, not part of the title
    assert page.evaluate(CUT_LABELS) == []

    # Opening a worksheet opens its step's fold and folds the others.
    brief = next(w for w in worksheets if w.key == "creative_brief")
    sidebar_link(page, brief.title).click()
    expect(page.get_by_role("heading", name="Creative brief").first).to_be_visible(timeout=30_000)
    wait_for_app(page)
    page.screenshot(path=str(artifacts / "navigation-brief-1280x720.png"))
    page.wait_for_function(OPEN_FOLDS + f" === {brief.p_step.short_label!r}", timeout=10_000, polling=100)
    expect(sidebar_link(page, "SMART objectives")).to_be_visible()
    assert page.evaluate(CUT_LABELS) == []
    laptop.close()

    # On a phone the same links, in the sidebar opened from its button.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/overview?campaign=dream-umbrella")
    expect(page.get_by_role("heading", name="Dream Umbrella — Мөрөөдлийн шүхэр")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar_link(page, "Workshop sessions")).to_be_visible(timeout=10_000)
    wait_for_app(page)
    page.wait_for_function(SIDEBAR_OPEN, timeout=10_000, polling=100)  # its opening slide has ended
    page.screenshot(path=str(artifacts / "navigation-sidebar-360x740.png"))
    assert page.evaluate(CUT_LABELS) == []
    phone.close()

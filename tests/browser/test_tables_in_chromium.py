"""Editable tables in a real Chromium, as a facilitator uses them: a deliverable added to the
creative brief is saved, is still there after another page and back, and the gap box says
what the exported Word file says; a row started in its second column is kept; empty cells
are empty; an edit leaves the same tab showing."""

from __future__ import annotations

import time

import docx
import pytest
from playwright.sync_api import expect

from c4d import access

from c4d.brief.compose import load_fields
from c4d.db.store import Store
from c4d.models import Campaign
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import DEADLINE, click_button, wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "tables-2026"
SLUG = "safe-journeys"
ROW_PX = 35  # the data editor's row height


@pytest.fixture
def app_with_campaign(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    store.create_campaign(Campaign(name="Safe journeys", slug=SLUG, summary="Fake agencies recruit young people."))
    store.engine.dispose()
    process, base = start_app(data)
    yield base, data
    stop_app(process)


def deliverables(data, done, deadline_s: float = 30.0):
    """The saved deliverables once `done(items)` holds, or the last read at the deadline."""
    end = time.monotonic() + deadline_s
    while True:
        store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
        try:
            items = load_fields(store, store.campaign(SLUG).id).deliverables
        finally:
            store.engine.dispose()
        if done(items) or time.monotonic() > end:
            return items
        time.sleep(0.2)


def grid(page, name: str):
    return page.locator(f"[class*='st-key-brief-'][class*='-{name}-']").first


def add_row(page, table, *, row: int, column: int, text: str) -> None:
    """Add a row with the table's own button, click its first cell, move to the column, open
    the cell, type and leave it (Enter), as a person does."""
    wait_for_app(page)
    table.scroll_into_view_if_needed()
    height = table.bounding_box()["height"]
    table.hover()
    table.get_by_role("button", name="Add row").click()
    end = time.monotonic() + 30
    while table.bounding_box()["height"] <= height and time.monotonic() < end:  # the new row is drawn
        time.sleep(0.1)
    wait_for_app(page)
    select_cell(page, table, row=row, column=column)
    page.keyboard.press("Enter")
    box = page.locator("textarea.gdg-input")  # the cell's editor, once open
    expect(box).to_be_focused(timeout=DEADLINE)
    box.press_sequentially(text)
    box.press("Enter")


SELECTED_COLUMN = """table => {
  const cell = table.querySelector("td[role='gridcell'][aria-selected='true']");
  return cell ? Number(cell.getAttribute('aria-colindex')) : null;
}"""


def _poll(read, good, deadline_s: float = 3.0):
    """What `read()` gives once `good` accepts it, or its last answer at the deadline."""
    end = time.monotonic() + deadline_s
    found = read()
    while not good(found) and time.monotonic() < end:
        time.sleep(0.05)
        found = read()
    return found


def select_cell(page, table, *, row: int, column: int) -> None:
    """Click the row's first cell and move `column` cells right with the arrow key, as a
    person does; the grid's own accessible cells say which one is selected, so a page run
    that redraws the grid in between (and loses the selection) is noticed and the move made
    again, within a deadline."""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        wait_for_app(page)
        box = table.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2)  # under the header row
        first = _poll(lambda: table.evaluate(SELECTED_COLUMN), lambda found: found is not None)
        if first is None:
            page.keyboard.press("Escape")  # nothing selected: start again from a quiet grid
            continue
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        if _poll(lambda: table.evaluate(SELECTED_COLUMN), lambda found: found == first + column) == first + column:
            return
    raise AssertionError(f"could not select column {column} of row {row} in the table")


def cells(page, table, deadline_s: float = 30.0) -> list[str]:
    """The text of the table's cells in its accessibility tree (the grid itself draws on a
    canvas), once the table on screen has drawn them, within a deadline."""
    table.scroll_into_view_if_needed()
    end = time.monotonic() + deadline_s
    while True:
        texts = table.locator("[id^='glide-cell-']").evaluate_all("els => els.map(e => e.textContent)")
        if any(texts) or time.monotonic() > end:
            return texts
        time.sleep(0.2)


def test_a_deliverable_stays_after_another_page_and_the_export_agrees(browser, app_with_campaign, artifacts):
    base, data = app_with_campaign
    laptop = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    page = laptop.new_page()
    page.goto(f"{base}/creative_brief?campaign={SLUG}")
    expect(page.get_by_role("heading", name="Creative brief")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_text("No deliverables").first).to_be_attached()

    add_row(page, grid(page, "deliverables"), row=0, column=0, text="Radio spot")
    expect(page.get_by_text("Saved: deliverables")).to_be_visible(timeout=30_000)
    assert [d.item for d in deliverables(data, lambda items: items)] == ["Radio spot"]
    wait_for_app(page)
    page.screenshot(path=artifacts / "tables-brief-deliverable-added.png")

    page.goto(f"{base}/settings?campaign={SLUG}")
    wait_for_app(page)
    page.goto(f"{base}/creative_brief?campaign={SLUG}")
    expect(page.get_by_role("heading", name="Creative brief")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert "Radio spot" in cells(page, grid(page, "deliverables"))
    assert [d.item for d in deliverables(data, lambda items: False, deadline_s=1.0)] == ["Radio spot"]
    expect(page.get_by_text("No deliverables")).to_have_count(0)

    # A row started in its second column is kept; the gap box names what is missing.
    add_row(page, grid(page, "deliverables"), row=1, column=1, text="A2 poster, Khmer")
    saved = deliverables(data, lambda items: len(items) == 2)
    assert [(d.item, d.format) for d in saved] == [("Radio spot", ""), ("", "A2 poster, Khmer")]
    expect(page.get_by_text("Deliverable 2 has no name").first).to_be_attached(timeout=30_000)
    page.screenshot(path=artifacts / "tables-brief-second-column.png")

    # An edit in a later tab leaves that tab showing.
    page.get_by_role("tab", name="Versions and export").click()
    with page.expect_download(timeout=60_000) as download_info:
        click_button(page, "Export and download the brief (.docx)")
    text = "\n".join(p.text for p in docx.Document(download_info.value.path()).paragraphs)
    assert "Deliverable 2 has no name" in text and "No deliverables" not in text
    page.get_by_label("What this version is for (optional)").fill("For the agency")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("tab", name="Versions and export")).to_have_attribute("aria-selected", "true")
    laptop.close()


def agenda(data) -> list:
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    try:
        return store.sessions(store.campaign(SLUG).id)[0].agenda
    finally:
        store.engine.dispose()


def test_an_agenda_row_started_in_its_time_column_keeps_the_agenda_tab_and_waits_for_its_title(
        browser, app_with_campaign, artifacts):
    from datetime import date

    from c4d.models import SessionKind
    from c4d.workspace.commands import add_session

    base, data = app_with_campaign
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    add_session(store, store.campaign(SLUG).id, kind=SessionKind.ppcd, title="PPCD Battambang",
                start_date=date(2026, 3, 2), end_date=date(2026, 3, 3))
    store.engine.dispose()
    laptop = browser.new_context(viewport=PROJECTOR)
    page = laptop.new_page()
    page.goto(f"{base}/sessions?campaign={SLUG}")
    wait_for_app(page)
    page.get_by_role("tab", name="Agenda").click()
    table = page.locator("[class*='st-key-agenda-']").first
    add_row(page, table, row=0, column=1, text="16:00")
    wait_for_app(page)
    expect(page.get_by_text("needs an item title")).to_be_visible(timeout=DEADLINE)
    expect(page.get_by_role("tab", name="Agenda")).to_have_attribute("aria-selected", "true")
    assert agenda(data) == []
    page.mouse.click(table.bounding_box()["x"] + 60, table.bounding_box()["y"] + ROW_PX * 1.5)
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    box = page.locator("textarea.gdg-input")
    expect(box).to_be_focused(timeout=DEADLINE)
    box.press_sequentially("Closing circle")
    box.press("Enter")
    end = time.monotonic() + 30
    while not agenda(data) and time.monotonic() < end:
        time.sleep(0.2)
    assert [(i.time, i.title) for i in agenda(data)] == [("16:00", "Closing circle")]
    wait_for_app(page)
    expect(page.get_by_role("tab", name="Agenda")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("needs an item title")).to_have_count(0)
    page.screenshot(path=artifacts / "tables-agenda.png")
    laptop.close()

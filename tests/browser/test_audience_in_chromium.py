"""Audience analysis in a real Chromium: for a new campaign, the facilitator fills the
audience framework and the Social Ecological Model as the room talks, projects both at
1280×720, and downloads the PPCD's workshop report with both pictures in it.

The data folder is set up as a facilitator leaves it before the workshop: passcode set, a
new campaign with its PPCD session and nothing else. Everything after that is driven
through what a person sees: labels, roles and texts."""

from __future__ import annotations

import docx
import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.audience.model import Level, SEMLevel, Side
from c4d.audience.reading import load_part
from c4d.models import Campaign, Session, SessionKind
from c4d.db.store import Store
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import choose, click_button, ink_share

pytestmark = pytest.mark.browser

PASSCODE = "audience-2020"
SLOW = 30_000  # ms: a deadline, not a pause
BOARD_ALT = "The audience framework as a board of four quadrants with the room's audiences and activity ideas."
RINGS_ALT = "The Social Ecological Model as nested rings, with the influences at each level."
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def workshop(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = store.create_campaign(Campaign(name="Safe Journeys", country="Mongolia"))
    store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                              start_date="2020-06-18", end_date="2020-06-19"))
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, campaign
    finally:
        stop_app(process)


def field(page, label: str):
    """The first field with this label: the 'add' form, above the edit form of the same page."""
    return page.get_by_label(label, exact=True).first


def add_to_board(page, cell: str, who: str, activity: bool = False) -> None:
    choose(page, "Cell", cell, first=True)
    if activity:
        page.get_by_text("Activity idea", exact=True).first.click()
    field(page, "Who (the audience) or the activity").fill(who)
    click_button(page, "Add to the board")
    expect(page.get_by_text(f"Added to {cell}: {who}")).to_be_visible(timeout=SLOW)
    expect(field(page, "Who (the audience) or the activity")).to_have_value("", timeout=SLOW)


def add_influence(page, level: str, who: str, addressed_by: str) -> None:
    choose(page, "Level", level, first=True)
    field(page, "Who or what").fill(who)
    field(page, "Addressed by (activity or partner)").fill(addressed_by)
    click_button(page, "Add the influence")
    expect(page.get_by_text(f"Added at the {level.lower()} level: {who}")).to_be_visible(timeout=SLOW)


def picture_loaded(page, alt: str):
    """The drawing on screen, once the browser has decoded it."""
    picture = page.get_by_role("img", name=alt)
    expect(picture).to_be_visible(timeout=SLOW)
    page.wait_for_function("alt => [...document.images].some(i => i.alt === alt && i.complete && i.naturalWidth > 0)",
                           arg=alt, timeout=SLOW)
    return picture


def test_fill_framework_and_sem_project_them_and_export_the_report(browser, workshop, artifacts):
    base, data, campaign = workshop
    laptop = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    page = laptop.new_page()

    # ---- the audience framework, captured live ----------------------------------------------------
    page.goto(f"{base}/audience_framework?campaign=safe-journeys")
    expect(page.get_by_role("heading", name="Audience framework")).to_be_visible(timeout=SLOW)
    add_to_board(page, "Origin · individual level", "Young women 18–27 moving to the city")
    expect(page.get_by_text("Nothing on the destination / demand side")).to_be_visible(timeout=SLOW)
    add_to_board(page, "Origin · community level", "Parents of girls and young women")
    add_to_board(page, "Destination · community level", "Employers in entertainment and hospitality")
    add_to_board(page, "Destination · individual level", "Clients who buy sexual services")
    add_to_board(page, "Destination · community level", "Murals at transit points", activity=True)
    expect(page.get_by_text("Nothing on the destination / demand side")).to_have_count(0, timeout=SLOW)

    # ---- the Social Ecological Model ------------------------------------------------------------------
    page.goto(f"{base}/sem?campaign=safe-journeys")
    expect(page.get_by_role("heading", name="Social Ecological Model")).to_be_visible(timeout=SLOW)
    add_influence(page, "Individual", "Little awareness of how exploitation starts", "Chatbot")
    expect(page.get_by_text("Community level: nothing mapped")).to_be_visible(timeout=SLOW)
    add_influence(page, "Interpersonal", "Friends who pass on job offers", "Peer videos")
    add_influence(page, "Community", "Informal recruiters", "Police anti-trafficking unit")
    add_influence(page, "Societal", "Stigma against victims", "Journalists trained")
    expect(page.get_by_text("Community level: nothing mapped")).to_have_count(0, timeout=SLOW)

    # What the page confirmed is on disk.
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    framework = load_part(store, campaign.id, "audience_framework")
    assert {(e.side, e.level) for e in framework.entries} == {(s, lvl) for s in Side for lvl in Level}
    sem = load_part(store, campaign.id, "sem")
    assert [i.level for i in sem.influences] == list(SEMLevel)

    # ---- projector mode at 1280×720 -----------------------------------------------------------------------
    page.get_by_text("Projector mode").click()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=SLOW)
    rings = picture_loaded(page, RINGS_ALT)
    box = rings.bounding_box()
    assert box["height"] <= PROJECTOR["height"] and box["width"] > 600, box  # the whole picture fits the screen
    sem_shot = page.screenshot(path=str(artifacts / "sem-projector-1280x720.png"))
    assert ink_share(sem_shot) > 0.05

    page.goto(f"{base}/audience_framework?campaign=safe-journeys&projector=1")
    board = picture_loaded(page, BOARD_ALT)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=SLOW)
    box = board.bounding_box()
    assert box["y"] + box["height"] <= PROJECTOR["height"] + 1 and box["width"] > 900, box
    board_shot = page.screenshot(path=str(artifacts / "framework-projector-1280x720.png"))
    assert ink_share(board_shot) > 0.05
    # the board is drawn, not blank: the picture region itself holds ink
    assert ink_share(board.screenshot()) > 0.05

    # The room's capture form stays under the board; an entry typed there joins the board.
    field(page, "Who (the audience) or the activity").fill("Herder families")
    choose(page, "Cell", "Origin · community level", first=True)
    click_button(page, "Add to the board")
    expect(page.get_by_text("Added to Origin · community level: Herder families")).to_be_visible(timeout=SLOW)
    assert any(e.who == "Herder families" for e in load_part(store, campaign.id, "audience_framework").entries)
    click_button(page, "Leave projector mode")
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=SLOW)

    # ---- the workshop report, downloaded as a person would -------------------------------------------------
    page.get_by_role("link", name="Workshop report").click()
    expect(page.get_by_role("heading", name="Workshop report", exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Audience framework (PPCD)")).to_be_visible(timeout=SLOW)
    with page.expect_download(timeout=SLOW) as download_info:
        click_button(page, "Download the workshop report (.docx)")
    document = docx.Document(download_info.value.path())
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Audience framework" in headings and "Social Ecological Model" in headings
    assert len(document.inline_shapes) == 2  # the board and the rings; no other worksheet has a picture here
    pictures = [part.blob for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(pictures) == 2 and all(p.startswith(PNG) and len(p) > 20_000 for p in pictures)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Employers in entertainment and hospitality" in cells and "Stigma against victims" in cells
    store.engine.dispose()
    laptop.close()

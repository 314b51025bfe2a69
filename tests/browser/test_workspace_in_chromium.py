"""A facilitator's first workshop day, in a real Chromium: set up, load the example,
project the overview, check the register on a phone, download the workshop report."""

from __future__ import annotations

import re

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PROJECTOR
from tests.browser.streamlit_page import choose, click_button, ink_share, wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "first-day-2020"


def test_first_workshop_day(browser, running_app, artifacts):
    base, data_dir = running_app
    laptop = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    page = laptop.new_page()
    page.goto(base)

    # First run on this laptop: a passcode for other devices.
    expect(page.get_by_role("heading", name="Welcome to the C4D workshop toolkit")).to_be_visible(timeout=30_000)
    page.get_by_label("New passcode").fill(PASSCODE)
    page.get_by_label("Type it again").fill(PASSCODE)
    click_button(page, "Set passcode")
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible(timeout=30_000)

    # The example campaign opens on its overview.
    click_button(page, "Load the Dream Umbrella example")
    expect(page.get_by_role("heading", name="Dream Umbrella — Мөрөөдлийн шүхэр")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Young women aged 18–27").first).to_be_visible()

    # Projector mode: no sidebar, large type, the journey readable from the back.
    page.get_by_text("Projector mode").click()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=15_000)
    wait_for_app(page)
    heading_size = page.get_by_role("heading", name="Dream Umbrella — Мөрөөдлийн шүхэр").get_by_text(
        "Dream Umbrella — Мөрөөдлийн шүхэр").evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)")
    body_size = page.get_by_text("Ulaanbaatar and Darkhan-Uul").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)")
    assert heading_size >= 48 and body_size >= 24, (heading_size, body_size)
    shot = page.screenshot(path=str(artifacts / "overview-projector-1280x720.png"))
    assert ink_share(shot) > 0.02
    expect(page.get_by_text("Ulaanbaatar and Darkhan-Uul").first).to_be_visible()
    click_button(page, "Leave projector mode")
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=15_000)

    # The workshop report, downloaded as a person would.
    page.get_by_role("link", name="Workshop report").click()
    expect(page.get_by_role("heading", name="Workshop report", exact=True)).to_be_visible(timeout=30_000)
    with page.expect_download(timeout=30_000) as download_info:
        click_button(page, "Download the workshop report (.docx)")
    path = download_info.value.path()
    assert download_info.value.suggested_filename.endswith(".docx")
    document = docx.Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Dream Umbrella — Мөрөөдлийн шүхэр" in text
    assert "Participatory Planning and Capacity Development workshop" in text
    assert "Decisions taken" in text
    assert "Young women aged 18–27" in cells
    assert re.search(r"\b39\b", cells) and re.search(r"\b29\b", cells)
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
    laptop.close()

    # On a phone-sized screen (this laptop's browser, so no passcode): the register's counts.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/participants?campaign=dream-umbrella")
    expect(page.get_by_role("heading", name="Participants", exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("39 participants: 29 women, 10 men")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("29", timeout=30_000)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=30_000)
    wait_for_app(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the page is {width}px wide on a {PHONE['width']}px phone"
    shot = page.screenshot(path=str(artifacts / "participants-phone-360x740.png"))
    assert ink_share(shot) > 0.02
    phone.close()


def test_the_laptops_first_start_asks_for_a_passcode_and_keeps_data_in_its_folder(browser, running_app):
    """The laptop's own browser, on a new data folder, is asked to set the passcode, and the
    database is created in C4D_DATA_DIR. (Tests may only reach this machine through
    loopback, so another device's sign-in is covered by tests/test_access.py and the page
    tests in tests/test_pages.py.)"""
    base, data_dir = running_app
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.goto(base)
    expect(page.get_by_role("heading", name="Welcome to the C4D workshop toolkit")).to_be_visible(timeout=30_000)
    context.close()
    assert (data_dir / "c4d.sqlite3").exists()


def test_a_killed_server_loses_nothing_confirmed_on_screen(browser, tmp_path):
    """Add a participant, see the confirmation, kill the server without warning (a laptop
    running out of battery), start it again: the participant is there."""
    import os
    import signal

    from c4d import access
    from c4d.demo.example import load_demo
    from c4d.db.store import Store
    from tests.browser.conftest import start_app, stop_app

    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    load_demo(store)
    store.engine.dispose()

    process, base = start_app(data)
    try:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(f"{base}/participants?campaign=dream-umbrella")
        expect(page.get_by_text("39 participants: 29 women, 10 men")).to_be_visible(timeout=30_000)
        page.get_by_text("Add one participant").click()
        page.get_by_label("Organisation", exact=True).fill("Darkhan-Uul police department")
        page.get_by_label("Name (optional)").fill("Nomin Example-40")
        choose(page, "Organisation type", "Law enforcement")
        choose(page, "Sex", "Woman")
        click_button(page, "Add participant")
        expect(page.get_by_text("40 participants: 30 women, 10 men")).to_be_visible(timeout=30_000)
        page.close()
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    process, base = start_app(data)
    try:
        page = browser.new_page(viewport=PROJECTOR)
        page.goto(f"{base}/participants?campaign=dream-umbrella")
        expect(page.get_by_text("40 participants: 30 women, 10 men")).to_be_visible(timeout=30_000)
        page.close()
    finally:
        stop_app(process)
    reopened = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    ppcd = reopened.session(reopened.campaign("dream-umbrella").id, "ppcd-2020")
    assert [p.organisation for p in reopened.participants(ppcd.id)][-1] == "Darkhan-Uul police department"


def test_typed_text_never_becomes_a_link_or_an_icon(browser, tmp_path):
    """A campaign name with web addresses, an e-mail address and an icon code shows on the
    home page, the overview and the sidebar as typed: no link, no icon."""
    from c4d import access
    from c4d.models import Campaign
    from c4d.db.store import Store
    from tests.browser.conftest import start_app, stop_app

    typed = "Go www.example.org or https://example.org/a :material/home: me@example.org"
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = store.create_campaign(Campaign(name=typed, country="Mongolia"))
    store.engine.dispose()
    process, base = start_app(data)
    try:
        page = browser.new_page(viewport=PROJECTOR)
        for path in ("/", f"/overview?campaign={campaign.slug}"):
            page.goto(base + path)
            wait_for_app(page)
            shown = page.get_by_text("Go www").first
            expect(shown).to_be_visible(timeout=30_000)
            assert shown.inner_text().replace("\u2060", "").strip().startswith(typed), path
            assert page.locator("a[href*='example.org']").count() == 0, path
            # (the sidebar's own page links carry icons, "Campaigns" the home icon: not typed text)
            icons = page.locator("[data-testid='stMain'] [data-testid='stIconMaterial'], "
                                 "[data-testid='stSidebarUserContent'] [data-testid='stIconMaterial']"
                                 ":not([data-testid='stPageLink'] *)")
            assert icons.filter(has_text="home").count() == 0, path
        page.close()
    finally:
        stop_app(process)

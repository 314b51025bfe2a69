"""The sign-in sheet upload in a real Chromium at 1280×720: the uploader states the sheet's
own limit, the preview stays open while the facilitator does other things on the page,
and adding says what was left out. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from c4d import access
from c4d.db.store import Store
from c4d.demo.example import load_demo
from tests.browser.conftest import PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import click_button, wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "sign-in-2020"
SHEET = ("Name,Agency,Type,Gender,Day 1\n"
         "Oyun Test,Ministry of Labour,ministry,F,x\n"
         "Bat Test,Police HQ,police,m,x\n"
         "Tuya Test,Radio FM,broadcaster for the ministry,q,x\n")
BOX = "Add many at once: a sign-in sheet (Excel or CSV)"


@pytest.fixture
def laptop_app(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    load_demo(store)
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base
    finally:
        stop_app(process)


def test_the_sign_in_preview_stays_open_and_says_what_was_left_out(browser, laptop_app, artifacts, tmp_path):
    sheet = tmp_path / "sign-in.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page = browser.new_context(viewport=PROJECTOR, accept_downloads=True).new_page()
    page.goto(f"{laptop_app}/participants?campaign=dream-umbrella")
    expect(page.get_by_role("heading", name="Participants", exact=True)).to_be_visible(timeout=30_000)
    wait_for_app(page)
    page.get_by_text(BOX).click()
    box = page.get_by_test_id("stExpander").filter(has_text=BOX)
    uploader = box.get_by_test_id("stFileUploader")
    expect(uploader).to_contain_text("Sign-in sheet (at most 5 MB)")
    expect(uploader).to_contain_text("5MB")
    expect(uploader).not_to_contain_text("210")

    uploader.locator("input[type=file]").set_input_files(str(sheet))
    wait_for_app(page)
    expect(box.get_by_text("2 rows ready to add, 1 row with errors")).to_be_visible(timeout=30_000)
    expect(box.get_by_text("row 4: sex 'q' is not one of")).to_be_visible()

    # Other things on the page: a blank sheet downloaded, one person added by hand.
    with page.expect_download(timeout=30_000):
        box.get_by_role("button", name="Blank sign-in sheet (CSV)").click()
    wait_for_app(page)
    page.get_by_text("Add one participant").click()
    page.get_by_label("Organisation", exact=True).fill("Hotline NGO")
    click_button(page, "Add participant")
    wait_for_app(page)
    expect(box.get_by_text("2 rows ready to add, 1 row with errors")).to_be_visible(timeout=30_000)
    box.screenshot(path=str(artifacts / "signin-preview-1280x720.png"))  # the box, scrolled through

    click_button(page, "Add the 2 ready rows (rows with problems are left out)")
    wait_for_app(page)
    expect(box.get_by_text("Added 2 participants from sign-in.csv.")).to_be_visible(timeout=30_000)
    expect(box.get_by_text("1 row was left out:")).to_be_visible()
    box.screenshot(path=str(artifacts / "signin-added-1280x720.png"))

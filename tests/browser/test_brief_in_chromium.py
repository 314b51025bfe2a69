"""A facilitator builds a creative brief for a new campaign in a real Chromium, exports it,
and shares it: the DOCX has every section with its content, and the share link opens in a
fresh browser (no facilitator session) and downloads the same brief."""

from __future__ import annotations

import re

import docx
import pytest
from playwright.sync_api import expect

from c4d import access

from c4d.brief import model as brief
from c4d.brief.compose import load_fields
from c4d.db.store import Store
from tests.browser.conftest import PHONE, PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import choose, click_button, type_in, wait_for_app

pytestmark = pytest.mark.browser

PASSCODE = "brief-day-2021"
NAME = "Safe Journeys — ដំណើរសុវត្ថិភាព"
SLUG = "safe-journeys"


def section_texts(document) -> dict[str, str]:
    """Each Heading 1 with the text that follows it until the next one (paragraphs and tables)."""
    body = document.element.body
    sections: dict[str, list[str]] = {}
    current = None
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child in paragraphs:
            p = paragraphs[child]
            if p.style.name == "Heading 1":
                current = p.text
                sections[current] = []
            elif current is not None:
                sections[current].append(p.text)
        elif child in tables and current is not None:
            sections[current] += [" | ".join(c.text for c in row.cells) for row in tables[child].rows]
    return {title: "\n".join(lines) for title, lines in sections.items()}


def poll_fields(data, done, deadline_s: float = 30.0) -> brief.BriefFields:
    """The brief's saved fields once `done(fields)` holds (each box saves when it is left,
    in its own run of the page), or the last fields read when the deadline passes."""
    import time

    end = time.monotonic() + deadline_s
    while True:
        store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
        try:
            fields = load_fields(store, store.campaign(SLUG).id)
        finally:
            store.engine.dispose()
        if done(fields) or time.monotonic() > end:
            return fields
        time.sleep(0.2)


@pytest.fixture
def app_with_passcode(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'c4d.sqlite3'}")
    access.set_passcode(store, PASSCODE, PASSCODE)
    store.engine.dispose()
    process, base = start_app(data)
    yield base, data
    stop_app(process)


def test_build_export_and_share_a_brief(browser, app_with_passcode, artifacts):
    base, data = app_with_passcode
    laptop = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    page = laptop.new_page()
    page.goto(base)

    # A new campaign, with its background.
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible(timeout=30_000)
    page.get_by_label("Campaign name").fill(NAME)
    page.get_by_label("Country or area").fill("Cambodia")
    click_button(page, "Create campaign")
    expect(page.get_by_role("heading", name=NAME)).to_be_visible(timeout=30_000)
    page.goto(f"{base}/settings?campaign={SLUG}")
    page.get_by_label("Background and problem, in a few sentences").fill(
        "Young people from Battambang are recruited by unlicensed agencies for jobs across the border.")
    click_button(page, "Save campaign details")
    expect(page.get_by_text("Campaign details saved.")).to_be_visible(timeout=30_000)

    # The PPCD's decision on the primary target group gives the brief its audience.
    page.goto(f"{base}/decisions?campaign={SLUG}")
    expect(page.get_by_role("heading", name="Key decisions")).to_be_visible(timeout=30_000)
    choose(page, "Decision on", "Primary target group")
    page.get_by_label("What was decided").fill("Young jobseekers aged 18–25")
    click_button(page, "Save decision")
    expect(page.get_by_text("Decision saved")).to_be_visible(timeout=30_000)

    # One SMART objective, built field by field.
    page.goto(f"{base}/smart_objectives?campaign={SLUG}")
    expect(page.get_by_role("heading", name="SMART objectives")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    type_in(page, "What the audience will know, feel or do (one behaviour)",
            "check an agency's licence before paying any fee")
    type_in(page, "Indicator: what is counted", "the share who checked the licence of their last agency")
    type_in(page, "Baseline value", "20")
    type_in(page, "Baseline source", "KAP baseline survey, 2024 (n=400)")
    type_in(page, "Target value", "35")
    type_in(page, "Place", "Battambang")
    choose(page, "KAP element", "Practice — what they do or intend to do")
    choose(page, "Means of verification", "Endline KAP survey (n≈500), compared with the baseline")
    wait_for_app(page)
    click_button(page, "Save objective")
    # Saved as objective 1, and the builder is empty again for the next one.
    expect(page.get_by_text("Objective 1 saved; the form is empty for the next one.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("young jobseekers aged 18–25 in Battambang check an agency's licence").first
           ).to_be_visible()

    # One channel for the primary audience.
    page.goto(f"{base}/channels?campaign={SLUG}")
    expect(page.get_by_role("heading", name="Channels and distribution")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("has no channel").first).to_be_visible(timeout=30_000)
    choose(page, "Channel", "Radio")
    type_in(page, "Detail", "Community radio call-in show")
    choose(page, "Audiences it reaches", "Young jobseekers aged 18–25")
    page.keyboard.press("Escape")
    type_in(page, "Why this channel: evidence that the audience uses it",
            "Baseline: radio is the first source of job news in the villages.", area=True)
    click_button(page, "Save channel")
    expect(page.get_by_text("Channel saved: Radio — Community radio call-in show.")).to_be_visible(timeout=30_000)

    # The brief's own fields, each saved when left.
    page.goto(f"{base}/creative_brief?campaign={SLUG}")
    expect(page.get_by_role("heading", name="Creative brief")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    written = {
        "Key promise (one benefit)": "Checking the agency keeps your journey safe.",
        "Support statements / reasons to believe (one per line)": "Licensed agencies are listed by the ministry.",
        "Call to action": "Call the hotline to check an agency before you pay.",
        "Key messages (one per line)": "A real agency has a licence.\nNever pay before you see a contract.",
        "Tone and personality": "Warm, confident, peer to peer; no fear.",
        "Languages and dubbing": "Khmer, dubbed: ភាសាខ្មែរ.",
        "Creative considerations": "Real young people from Battambang; no identifiable survivors.",
        "Mandatory elements": "Logos and the hotline number.",
        "Timeline": "Drafts in March, launch in May.",
        "Pre-test plan": "Two focus groups with young people who were not in the workshops.",
    }
    for label, text in written.items():
        type_in(page, label, text, area=True)
    type_in(page, "The service behind the call to action", "Labour ministry licence hotline")
    type_in(page, "Its contact (number, page or address)", "hotline 1297")
    type_in(page, "Slogan", "Check first, travel safe")
    wait_for_app(page)
    want = ("Labour ministry licence hotline", "hotline 1297", "Check first, travel safe")
    saved = poll_fields(data, lambda f: (f.cta_service, f.cta_contact, f.slogan) == want)
    assert saved.key_promise == written["Key promise (one benefit)"]
    assert saved.key_messages == ["A real agency has a licence.", "Never pay before you see a contract."]

    # Export: version 1, downloaded as a person would.
    page.get_by_role("tab", name="Versions and export").click()
    with page.expect_download(timeout=60_000) as download_info:
        click_button(page, "Export and download the brief (.docx)")
    download = download_info.value
    assert download.suggested_filename == "safe-journeys_creative-brief_v1.docx"
    document = docx.Document(download.path())
    sections = section_texts(document)
    assert NAME in [p.text for p in document.paragraphs]
    assert list(sections) == [brief.GAPS_TITLE, *brief.SECTION_TITLES.values()]
    expected = {
        "Background and problem": "recruited by unlicensed agencies",
        "Audiences": "Young jobseekers aged 18–25",
        "Communication objectives": "from 20% to at least 35%",
        "Obstacles and barriers": "MISSING — No barriers",
        "Key promise": "Checking the agency keeps your journey safe.",
        "Support statements and reasons to believe": "Licensed agencies are listed by the ministry.",
        "Call to action": "Service: Labour ministry licence hotline",
        "Key messages and slogan": "Slogan: Check first, travel safe",
        "Tone and personality": "Warm, confident, peer to peer; no fear.",
        "Media and channels": "Radio — Community radio call-in show",
        "Languages and dubbing": "ភាសាខ្មែរ",
        "Creative considerations": "no identifiable survivors",
        "Mandatory elements": "Logos and the hotline number.",
        "Deliverables and formats": "MISSING — No deliverables",
        "Timeline, budget and approvals": "Drafts in March, launch in May.",
        "Pre-test plan": "Two focus groups",
        "Pre-test history and revisions": "No pre-test has been recorded yet.",
    }
    for title, content in expected.items():
        assert content in sections[title], (title, sections[title])
    assert "MISSING — Not yet written: budget, approvals." in sections["Timeline, budget and approvals"]
    assert "TO STRENGTHEN — No sector-lens notes" in sections["Creative considerations"]
    expect(page.get_by_text("Nothing changed since version 1")).to_be_visible(timeout=30_000)

    # A share link, opened in a fresh browser with no facilitator session.
    page.get_by_role("tab", name="Share with the creative partner").click()
    page.get_by_label("Who the link is for (optional)").fill("Agency")
    click_button(page, "Create a share link")
    code = page.get_by_test_id("stCode")
    expect(code).to_contain_text("/brief/", timeout=30_000)
    link = re.search(r"/brief/[A-Za-z0-9_-]{32}", code.inner_text()).group(0)
    page.screenshot(path=str(artifacts / "brief-share-tab-1280x720.png"))
    laptop.close()

    partner = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = partner.new_page()
    page.goto(base + link)
    expect(page.get_by_role("heading", name=NAME)).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"^Version 1 · "))).to_be_visible()
    expect(page.get_by_role("heading", name="Call to action")).to_be_visible()
    expect(page.get_by_text("Call the hotline to check an agency before you pay.")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the share page is {width}px wide on a {PHONE['width']}px phone"
    page.screenshot(path=str(artifacts / "brief-share-page-360x740.png"), full_page=True)
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Download the brief (Word)").click()
    shared = docx.Document(download_info.value.path())
    assert section_texts(shared) == sections
    # nothing else is reachable from the link, and a wrong token is refused
    page.goto(base + link[:-1] + ("A" if link[-1] != "A" else "B"))
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible(timeout=30_000)
    partner.close()

"""A pre-test in a real Chromium: two participants score two versions of a slogan on
phone-sized screens with JavaScript off, the facilitator moves the phones from v1 to v2
on the laptop, the phones follow by themselves, and the projector shows the verdicts.

The data folder is set up before the server starts, as a facilitator leaves it: passcode
set, a campaign with one pre-test focus group, the slogan's v1 and v2 in the group's
order, and v1 on the phones. Everything is then driven through what people see."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from c4d import access

from c4d.pretest import commands, record
from c4d.pretest.scoring import result_of
from c4d.models import Campaign, Session, SessionKind
from c4d.pretest.model import Material, MaterialType, PretestGroup, Verdict
from c4d.db.store import Store
from tests.browser.conftest import PHONE, PROJECTOR, start_app, stop_app
from tests.browser.streamlit_page import click_button, ink_share

pytestmark = pytest.mark.browser

PASSCODE = "pretest-2021"
V1 = "Let's protect our dream and own our destiny"
V2 = "Protect your dream: check a job offer before you go"
SAVED = "Thank you — your answers are saved."
DEADLINE = 30_000  # ms


def database(data_dir) -> str:
    return f"sqlite:///{data_dir / 'c4d.sqlite3'}"


@pytest.fixture
def focus_group(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(database(data))
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = store.create_campaign(Campaign(name="Slogan check", country="Mongolia"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.pretest_fgd,
                                        title="Pre-test focus group, Darkhan-Uul", place="Darkhan-Uul",
                                        start_date=date(2021, 2, 20), end_date=date(2021, 2, 20)))
    v1 = commands.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Slogan", text=V1,
                                                                 purpose="Campaign slogan"))
    v2 = commands.add_version(store, campaign.id, v1.id, "Says what to do, in plain words", text=V2)
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, material_order=[v1.id, v2.id]))
    commands.show_material(store, campaign.id, session.id, v1.id)
    code = store.live_state(session.id).join_code
    store.engine.dispose()
    process, base = start_app(data)
    try:
        yield base, data, campaign, code, (v1, v2)
    finally:
        stop_app(process)


def phone(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False).new_page()


QUESTIONS = ["2. How well did you understand it?", "3. How much do you like it?",
             "4. Does anything in it bother, offend or embarrass you?", "5. Is it meant for people like you?",
             "6. Does it make you want to do what it asks?"]


def answer(page, text: str, words: str, scores: list[int]) -> None:
    """Read the slogan, say its message, tap a score for each question and send."""
    expect(page.get_by_text(text)).to_be_visible(timeout=DEADLINE)
    assert page.locator("script").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 2, f"the scoring form is {width}px wide on a {PHONE['width']}px phone"
    page.get_by_role("textbox", name="In your own words, what is the main message?").fill(words)
    for question, score in zip(QUESTIONS, scores):
        radio = page.locator("fieldset", has_text=question).get_by_role("radio").nth(score - 1)
        radio.tap()
        expect(radio).to_be_checked()
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_text(SAVED)).to_be_visible()


def test_two_phones_score_two_versions_and_the_projector_shows_the_verdicts(browser, focus_group, artifacts):
    base, data, campaign, code, (v1, v2) = focus_group

    # The laptop: the scoring page, phones tab.
    laptop = browser.new_context(viewport=PROJECTOR).new_page()
    laptop.goto(f"{base}/pretest?campaign={campaign.slug}")
    laptop.get_by_role("tab", name="Scoring on phones").click()
    expect(laptop.get_by_text("Phones now show: Slogan (v1)")).to_be_visible(timeout=DEADLINE)

    # Two participants score v1: it confuses them.
    first, second = phone(browser), phone(browser)
    for page in (first, second):
        reply = page.goto(f"{base}/j/{code}")
        assert reply is not None and reply.ok and "<script" not in reply.text().lower()
    answer(first, V1, "Follow your dreams", [2, 4, 5, 2, 2])
    answer(second, V1, "Not sure, something about the future", [1, 4, 4, 3, 2])
    shot = first.screenshot(path=str(artifacts / "pretest-phone-360x740.png"))
    assert ink_share(shot) > 0.02
    expect(first.get_by_text("You have answered for this material.")).to_be_visible()

    # A half-filled form is not sent: the browser asks for the missing answers first.
    third = phone(browser)
    third.goto(f"{base}/j/{code}")
    third.get_by_role("textbox", name="In your own words, what is the main message?").fill("Dreams")
    third.get_by_role("button", name="Send my answers").tap()
    expect(third.get_by_role("button", name="Send my answers")).to_be_visible()
    assert "sent=" not in third.url

    # The facilitator moves the phones on to v2; the waiting phones follow without a tap.
    laptop.get_by_role("button", name="Show next: Slogan (v2)").click()
    expect(laptop.get_by_text("Phones now show: Slogan (v2)")).to_be_visible(timeout=DEADLINE)
    answer(first, V2, "Check a job offer before you go", [5, 4, 5, 4, 5])
    answer(second, V2, "Check the job first", [4, 4, 5, 5, 4])

    # The projector shows the verdicts, large.
    projector = browser.new_context(viewport=PROJECTOR).new_page()
    projector.goto(f"{base}/pretest_results?campaign={campaign.slug}&projector=1")
    expect(projector.get_by_role("heading", name="Pre-test results")).to_be_visible(timeout=DEADLINE)
    expect(projector.get_by_text("✗ Revise")).to_be_visible(timeout=DEADLINE)
    expect(projector.get_by_text("✓ Ready")).to_be_visible()
    expect(projector.get_by_text("Slogan (v1)").first).to_be_visible()
    expect(projector.get_by_text("Slogan (v2)").first).to_be_visible()
    shot = projector.screenshot(path=str(artifacts / "pretest-verdicts-projector-1280x720.png"))
    assert ink_share(shot) > 0.02
    for context in {p.context for p in (laptop, first, second, third, projector)}:
        context.close()

    # What was stored: one answer per phone and version, from phones, with the verdicts shown.
    store = Store(database(data))
    try:
        doc = record.load(store, campaign.id)
        assert len(doc.respondents) == 2 and len(doc.responses) == 4
        assert {r.source for r in doc.responses} == {"phone"}
        assert result_of(doc, v1).verdict is Verdict.revise
        assert result_of(doc, v2).verdict is Verdict.ready
    finally:
        store.engine.dispose()


def test_a_file_is_checked_before_it_is_stored_and_a_picture_shows_inline(browser, tmp_path, artifacts):
    import io

    from PIL import Image

    data = tmp_path / "data"
    data.mkdir()
    store = Store(database(data))
    access.set_passcode(store, PASSCODE, PASSCODE)
    campaign = store.create_campaign(Campaign(name="Poster check"))
    store.engine.dispose()
    process, base = start_app(data)
    try:
        page = browser.new_context(viewport=PROJECTOR).new_page()
        page.goto(f"{base}/materials?campaign={campaign.slug}")
        expect(page.get_by_role("heading", name="Draft materials")).to_be_visible(timeout=DEADLINE)
        page.get_by_label("Title").fill("Transit-point poster")
        # A text file renamed to .png: refused with the reason, nothing stored.
        page.locator("input[type=file]").first.set_input_files(
            {"name": "poster.png", "mimeType": "image/png", "buffer": b"this is not a picture"})
        expect(page.get_by_text("poster.png", exact=True).first).to_be_visible(timeout=DEADLINE)
        click_button(page, "Register the material")
        expect(page.get_by_text("is named like a PNG picture but its content is not one")).to_be_visible(
            timeout=DEADLINE)
        check = Store(database(data))
        try:
            assert record.load(check, campaign.id).materials == [] and check.attachments(campaign.id) == []
        finally:
            check.engine.dispose()

        # A real picture: registered, and shown in the page.
        picture = io.BytesIO()
        Image.new("RGB", (240, 320), "#0b5cad").save(picture, format="PNG")
        page.locator("input[type=file]").first.set_input_files(
            {"name": "poster-v1.png", "mimeType": "image/png", "buffer": picture.getvalue()})
        expect(page.get_by_text("poster-v1.png", exact=True).first).to_be_visible(timeout=DEADLINE)
        click_button(page, "Register the material")
        expect(page.get_by_text("Registered Transit-point poster (v1).")).to_be_visible(timeout=DEADLINE)
        expect(page.get_by_role("img", name="poster-v1.png").or_(page.locator("[data-testid='stImage'] img"))
               .first).to_be_visible(timeout=DEADLINE)
        page.screenshot(path=str(artifacts / "pretest-material-1280x720.png"))
        page.context.close()
    finally:
        stop_app(process)
    check = Store(database(data))
    try:
        [material] = record.load(check, campaign.id).materials
        assert material.file is not None and material.file.kind == "image"
        assert check.attachment(material.file.attachment_id)[2] == picture.getvalue()
    finally:
        check.engine.dispose()

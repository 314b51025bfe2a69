"""The creative brief: composition, the completeness check, versions and their diff, the
pre-test history read, the Word documents (full and one page), the command line."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from c4d import cli

from c4d.brief import model as brief
from c4d.brief.checks import Gap, check
from c4d.brief.commands import save_version, set_revision_notes, update_fields
from c4d.brief.compose import compose, load_fields, pretest_history
from c4d.brief.outline import GapMark, block_lines, outline, short_text
from c4d.brief.versions import diff, latest_version, version, versions
from c4d.brief.worksheet import CreativeBriefWorksheet
from c4d.pretest.commands import add_version, record_decision, register_material
from c4d.pretest.model import KIND as PRETEST_KIND
from c4d.pretest.model import Material, MaterialType
from c4d.strategy.commands import save_channel, save_objective, set_currency
from c4d.strategy.model import ChannelEntry, ChannelKind, Objective
from c4d.strategy.worksheet import load_plan
from c4d.export import brief_docx
from c4d.export.workshop_report import build_workshop_report
from c4d.models import Campaign, Session, SessionKind
from c4d.worksheet import Status
from tests.rendering import render

OLD_SLOGAN = "Let's protect our dream and own our destiny"
FINAL_SLOGAN = "Let's be aware of, discuss about and prevent TIP"


@pytest.fixture
def campaign(store):
    return store.create_campaign(Campaign(name="Safe jobs", summary="Young people are recruited by fake agencies."))


def fill(store, campaign, **fields):
    """A brief whose own fields are all written (and good), changed by `fields`."""
    values = dict(
        problem="Fake agencies recruit young people for jobs that do not exist.",
        key_promise="Checking an agency keeps your plans on track.",
        support_statements=["Licensed agencies are listed online.", "Peers who checked tell their story."],
        call_to_action="Check the agency's licence before you pay anything.",
        cta_service="Labour ministry licence check", cta_contact="hotline 1234",
        key_messages=["A real agency has a licence.", "Never pay before you see a contract."],
        slogan="Check first", tone="Confident and friendly, peer to peer; no fear.",
        languages="Khmer, dubbed.", creative_considerations="Real people from the audience; no identifiable "
                                                            "survivors; consent from everyone shown.",
        mandatory_elements="Logos; the hotline number.", deliverables=[brief.Deliverable(item="60 s video")],
        timeline="March to May.", budget="10,000 USD.", approvals="Ministry and IOM.",
        pretest_plan="Two focus groups with young people from outside the workshops.",
    )
    values.update(fields)
    update_fields(store, campaign.id, **values)


def gaps_of(store, campaign) -> list[Gap]:
    return check(compose(store, campaign))


def messages(gaps, section=None, level=None) -> list[str]:
    return [g.message for g in gaps
            if (section is None or g.section == section) and (level is None or g.level == level)]


# ---- composition and completeness -------------------------------------------------------------
def test_a_new_campaign_lists_every_missing_part(store, campaign):
    gaps = gaps_of(store, campaign)
    missing = {g.section for g in gaps if g.level == "missing"}
    assert {"audiences", "objectives", "barriers", "promise", "support", "cta", "messages", "tone", "channels",
            "languages", "considerations", "mandatory", "deliverables", "logistics", "pretest_plan"} <= missing
    assert "background" not in missing  # the campaign's summary is the background
    assert all(g.message for g in gaps)


def test_the_background_comes_from_the_campaign(store):
    bare = store.create_campaign(Campaign(name="No summary"))
    assert "background" in {g.section for g in gaps_of(store, bare) if g.level == "missing"}
    composed = compose(store, store.campaign(bare.id).model_copy(update={"summary": "Why we act."}))
    assert composed.background == "Why we act."


def test_filled_brief_fields_clear_their_gaps(store, campaign):
    fill(store, campaign)
    left = {g.section for g in gaps_of(store, campaign) if g.fix_on == "brief"}
    assert not left & {"promise", "support", "cta", "messages", "tone", "languages", "considerations", "mandatory",
                       "deliverables", "logistics", "pretest_plan"}


def test_the_sector_lens_notes_reach_the_creative_considerations(store, campaign):
    from c4d.audience.commands import save_part
    from c4d.audience.model import SectorLens

    fill(store, campaign)
    assert [g.fix_on for g in gaps_of(store, campaign) if g.section == "considerations"] == ["sector"]
    save_part(store, campaign.id, SectorLens(
        sector="Sexual exploitation of young women", recruitment="Through friends and fake job adverts online."))
    assert not [g for g in gaps_of(store, campaign) if g.section == "considerations"]
    sections = {s.key: s for s in outline(compose(store, store.campaign(campaign.id)))}
    assert "sector" not in sections
    shown = str(sections["considerations"].blocks)
    assert "Sexual exploitation of young women" in shown
    assert "Sector lens: recruitment" in shown and "fake job adverts online" in shown


@pytest.mark.parametrize("changes, section, words", [
    ({"tone": "Shocking images of victims to scare them"}, "tone", "Shocking"),
    ({"cta_service": ""}, "cta", "the service"),
    ({"cta_contact": ""}, "cta", "its contact"),
    ({"call_to_action": "Be aware of the risks of migration."}, "cta", "Be aware"),
    ({"key_promise": " ".join(["benefit"] * 40)}, "promise", "40 words"),
    ({"creative_considerations": "Bright colours, local music."}, "considerations", "survivors"),
    ({"mandatory_elements": "The logos."}, "mandatory", "contact"),
    ({"slogan": ""}, "messages", "slogan"),
    ({"key_messages": [f"Message {i}" for i in range(8)]}, "messages", "8 key messages"),
])
def test_weak_parts_are_named(store, campaign, changes, section, words):
    fill(store, campaign, **changes)
    weak = messages(gaps_of(store, campaign), section, "weak")
    assert any(words in m for m in weak), weak


def test_a_tone_that_rejects_fear_is_not_weak(store, campaign):
    fill(store, campaign, tone="Warm and hopeful. No fear, avoid shocking images, never graphic.")
    assert messages(gaps_of(store, campaign), "tone") == []


def test_flagged_objectives_and_channels_without_evidence_weaken_the_brief(store, campaign):
    save_objective(store, campaign.id, Objective(behaviour="raise awareness"))
    save_channel(store, campaign.id, ChannelEntry(kind=ChannelKind.radio))
    gaps = gaps_of(store, campaign)
    assert any("open checks" in m for m in messages(gaps, "objectives", "weak"))
    assert any("no evidence" in m for m in messages(gaps, "channels", "weak"))


def test_the_example_brief_is_complete_and_reflects_the_final_campaign(demo, ready_store):
    composed = compose(ready_store, demo)
    assert check(composed) == []
    fields = composed.fields
    assert fields.slogan == FINAL_SLOGAN
    assert "chatbot" in fields.call_to_action.lower() and fields.cta_service and fields.cta_contact
    assert len(composed.objectives) >= 5 and all(o.status == "met" for o in composed.objectives)
    sections = {s.key: s for s in outline(composed)}
    holding_old = [key for key, section in sections.items()
                   if any(OLD_SLOGAN in line for block in section.blocks for line in block_lines(block))]
    assert holding_old == ["history"]
    assert CreativeBriefWorksheet().progress(ready_store, demo).status is Status.done
    [production] = versions(ready_store, demo.id)
    assert (production.number, production.date_label) == (1, "26 Feb 2021")
    assert save_version(ready_store, demo) == (production, False)  # nothing changed since


def test_the_outline_has_every_section_in_order_and_marks_gaps_in_place(store, campaign):
    composed = compose(store, campaign)
    sections = outline(composed)
    assert [s.key for s in sections] == ["gaps", *brief.SECTION_TITLES]
    promise = next(s for s in sections if s.key == "promise")
    assert isinstance(promise.blocks[0], GapMark) and promise.blocks[0].level == "missing"
    history = next(s for s in sections if s.key == "history")
    assert block_lines(history.blocks[-1]) == ["No pre-test has been recorded yet."]


# ---- versions and what changed ---------------------------------------------------------------------
def test_each_export_is_a_numbered_version_and_an_unchanged_brief_reuses_the_latest(store, campaign):
    fill(store, campaign)
    first, made = save_version(store, campaign, note="For the agency")
    assert (first.number, made, first.note) == (1, True, "For the agency")
    again, made_again = save_version(store, campaign)
    assert (again.number, made_again) == (1, False)
    update_fields(store, campaign.id, key_promise="Checking first protects your savings.")
    second, made = save_version(store, campaign, now=datetime(2021, 2, 21, 9, 0, tzinfo=timezone.utc))
    assert (second.number, made) == (2, True)
    assert [v.number for v in versions(store, campaign.id)] == [1, 2]
    assert "21 Feb 2021" in second.label
    # the first version keeps what it said
    first_again = version(store, campaign.id, 1)
    assert first_again.brief.fields.key_promise == "Checking an agency keeps your plans on track."


def test_the_diff_names_the_section_and_the_lines_that_changed(store, campaign):
    fill(store, campaign, slogan=OLD_SLOGAN)
    first, _ = save_version(store, campaign)
    update_fields(store, campaign.id, slogan=FINAL_SLOGAN, key_messages=["A real agency has a licence.",
                                                                              "Ask the hotline."])
    second, _ = save_version(store, campaign)
    changes = {c.title: c for c in diff(first.brief, second.brief)}
    assert set(changes) == {"Key messages and slogan"}
    change = changes["Key messages and slogan"]
    assert f"Slogan: {OLD_SLOGAN}" in change.removed and f"Slogan: {FINAL_SLOGAN}" in change.added
    assert "• Never pay before you see a contract." in change.removed and "• Ask the hotline." in change.added
    assert "• A real agency has a licence." not in change.added + change.removed
    assert diff(second.brief, second.brief) == []


def test_a_version_saved_by_an_older_toolkit_still_opens(store, campaign):
    fill(store, campaign)
    version, _ = save_version(store, campaign)
    data = store.worksheet(campaign.id, brief.VERSIONS_KIND)
    data["versions"][0]["brief"]["something_new"] = 1
    data["versions"][0]["brief"]["brief"]["a_field_that_was_removed"] = "x"
    store.save_worksheet(campaign.id, brief.VERSIONS_KIND, data)
    reread = latest_version(store, campaign.id)
    assert reread.brief.fields.key_promise == version.brief.fields.key_promise


# ---- the pre-test history: the typed contract with the pre-test tool -------------------------------
SLOGAN_A = "Let's protect our dream and own our destiny"


def slogan_a(store, campaign) -> Material:
    return register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Slogan A", text=SLOGAN_A))


def test_no_pretest_gives_an_empty_history(store, campaign):
    assert pretest_history(store, campaign.id) == []
    assert compose(store, campaign).pretest_history == []


def test_a_recorded_pretest_decision_is_a_line_of_the_history(store, campaign):
    material = slogan_a(store, campaign)
    record_decision(store, campaign.id, material.id, "drop", "Both groups found it confusing.", on=date(2021, 2, 20))
    [line] = pretest_history(store, campaign.id)
    assert line == brief.HistoryLine(when="20 Feb 2021", what=f"Slogan: Slogan A (v1) “{SLOGAN_A}”",
                                     change="Drop — Both groups found it confusing.", source="pre-test")


def test_the_history_keeps_the_pretests_order_and_every_revision(store, campaign):
    material = slogan_a(store, campaign)
    add_version(store, campaign.id, material.id, "Plainer words", created_on=date(2021, 2, 24))
    record_decision(store, campaign.id, material.id, "revise", "Too long for a poster.", on=date(2021, 2, 20))
    lines = pretest_history(store, campaign.id)
    assert [(h.when, h.change, h.source) for h in lines] == [
        ("20 Feb 2021", "Revise — Too long for a poster.", "pre-test"),
        ("24 Feb 2021", "New version — Plainer words", "pre-test"),
    ]
    assert lines[1].what == f"Slogan: Slogan A (v2) “{SLOGAN_A}”"


def test_the_pretest_history_comes_before_the_briefs_own_notes(store, campaign):
    material = slogan_a(store, campaign)
    record_decision(store, campaign.id, material.id, "drop", "Confusing.", on=date(2021, 2, 20))
    update_fields(store, campaign.id, revisions=[
        brief.RevisionNote(when=date(2021, 2, 19), what="Agency review", change="Shorter script")])
    history = compose(store, campaign).pretest_history
    assert [(h.source, h.when) for h in history] == [("pre-test", "20 Feb 2021"), ("brief", "19 Feb 2021")]


def test_an_unreadable_pretest_record_gives_no_history_and_the_brief_still_composes(store, campaign, caplog):
    # a document in a shape the pre-test tool does not keep: nothing is guessed from it
    store.save_worksheet(campaign.id, PRETEST_KIND, {"revisions": [
        {"date": "2021-02-20", "material": "Slogan", "change": "Removed the confusing slogan"}]})
    assert pretest_history(store, campaign.id) == []
    assert "cannot be read" in caplog.text
    composed = compose(store, campaign)
    assert composed.pretest_history == []
    history = next(s for s in outline(composed) if s.key == "history")
    assert block_lines(history.blocks[-1]) == ["No pre-test has been recorded yet."]


def test_revision_notes_join_the_history_in_date_order(store, campaign):
    update_fields(store, campaign.id, revisions=[
        brief.RevisionNote(when=date(2021, 3, 1), what="Launch review", change="Shorter video"),
        brief.RevisionNote(when=date(2021, 2, 20), what="Pre-test", change="Slogan removed")])
    history = compose(store, campaign).pretest_history
    assert [h.what for h in history] == ["Pre-test", "Launch review"]


def test_revision_notes_from_the_pages_table_keep_their_ids_and_skip_empty_rows(store, campaign):
    saved = set_revision_notes(store, campaign.id, [(date(2021, 2, 20), "Pre-test", "Slogan removed"),
                                                    (None, "", ""),
                                                    (None, "Agency review", "")])
    assert [(r.when, r.what, r.change) for r in saved.revisions] == [
        (date(2021, 2, 20), "Pre-test", "Slogan removed"), (None, "Agency review", "")]
    first_id = saved.revisions[0].id
    assert set_revision_notes(store, campaign.id, [(date(2021, 2, 20), "Pre-test", "Slogan removed"),
                                                   (None, "Agency review", "")]) is None  # nothing changed
    changed = set_revision_notes(store, campaign.id, [(date(2021, 2, 20), "Pre-test", "Slogan and logo changed")])
    assert [r.id for r in changed.revisions] == [first_id]
    assert load_fields(store, campaign.id) == changed


def test_a_refused_revision_note_leaves_the_saved_notes_as_they_were(store, campaign):
    set_revision_notes(store, campaign.id, [(date(2021, 2, 20), "Pre-test", "Slogan removed")])
    before = load_fields(store, campaign.id)
    with pytest.raises(ValueError):
        set_revision_notes(store, campaign.id, [(date(2021, 2, 20), "x" * 201, "Too long a prompt")])
    with pytest.raises(ValueError):
        set_revision_notes(store, campaign.id, [(None, f"Note {n}", "") for n in range(101)])
    assert load_fields(store, campaign.id) == before


# ---- the Word documents --------------------------------------------------------------------------
def png(width=120, height=60) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (11, 92, 173)).save(out, format="PNG")
    return out.getvalue()


def export(store, campaign, summary=False) -> docx.Document:
    _version, _made, data, _name = brief_docx.export_brief(store, campaign.id, summary=summary)
    return docx.Document(io.BytesIO(data))


def headings(document, level=1) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def all_text(document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_full_brief_has_a_cover_word_headings_tables_and_page_numbers(demo, ready_store):
    attachment = ready_store.add_attachment(None, "logo.png", "image/png", png())
    ready_store.set_setting("logo_attachment_id", attachment)
    document = export(ready_store, demo)
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[1] == "CREATIVE BRIEF" and demo.name in paragraphs  # logo first, then the cover
    assert any(p.startswith("Version 1 · ") for p in paragraphs)
    assert headings(document) == list(brief.SECTION_TITLES.values())  # complete: no gaps section
    assert document.inline_shapes and document.inline_shapes[0].width > 0  # the organisation's logo
    assert all(t.style.name == "Light Grid Accent 1" for t in document.tables[1:])
    table_headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["Role", "Audience", "Approach", "Who they are"] in table_headers
    assert ["#", "Objective", "Element", "Checks"] in table_headers
    assert ["Channel", "Audiences", "Why (evidence)", "Timing", "Reach", "Cost (USD)"] in table_headers
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    text = all_text(document)
    assert FINAL_SLOGAN in text and "Мөрөөдлийн шүхэр" in text
    history = document.tables[-1]
    history_text = "\n".join(cell.text for row in history.rows for cell in row.cells)
    assert OLD_SLOGAN in history_text
    assert text.count(OLD_SLOGAN) == history_text.count(OLD_SLOGAN)  # in the pre-test history table only


def test_gaps_are_marked_visibly_in_the_document(store, campaign):
    document = export(store, campaign)
    assert headings(document)[0] == brief.GAPS_TITLE
    marks = [p for p in document.paragraphs if p.text.startswith("MISSING — ")]
    assert any("no key promise" in p.text for p in marks)
    shading = marks[0]._p.pPr.find(qn("w:shd"))
    assert shading is not None and shading.get(qn("w:fill")) == brief_docx.MISSING_FILL
    assert any(p.text.startswith("TO STRENGTHEN — ") for p in document.paragraphs)


def test_any_script_and_any_markup_is_kept_as_typed(store, campaign):
    typed = "Хүүхэд <b>bold</b> & ខ្មែរ မြန်မာ বাংলা ไทย \x07"
    fill(store, campaign, key_promise=typed, slogan="<script>alert(1)</script>")
    text = all_text(export(store, campaign))
    assert "Хүүхэд <b>bold</b> & ខ្មែរ မြန်မာ বাংলা ไทย" in text  # the bell character cannot be stored: dropped
    assert "<script>alert(1)</script>" in text


def test_the_summary_is_short_and_keeps_the_essentials(demo, ready_store):
    document = export(ready_store, demo, summary=True)
    assert headings(document) == []
    assert headings(document, 2) == ["Who we speak to", "Key promise", "Objectives", "Call to action",
                                     "Key messages", "For production"]
    text = all_text(document)
    assert FINAL_SLOGAN in text and OLD_SLOGAN not in text
    assert "And 2 more in the full brief." in text


def test_the_summary_keeps_the_service_contact_and_production_notes_whole(demo, ready_store):
    fields = load_fields(ready_store, demo.id)
    text = all_text(export(ready_store, demo, summary=True))
    # what the partner must get right is never cut short on a brief of ordinary length
    assert f"Service: {fields.cta_service}" in text and f"Contact: {fields.cta_contact}" in text
    assert f"Tone: {fields.tone}" in text
    assert f"Mandatory elements: {fields.mandatory_elements}" in text
    assert "; ".join(d.item for d in fields.deliverables) in text
    # each objective keeps its target and deadline, however long its behaviour
    bullets = [p.text for p in export(ready_store, demo, summary=True).paragraphs if p.style.name == "List Bullet"]
    assert any(b.startswith("Attitude: ") and b.endswith("up by at least 5% on the baseline by 30 Jun 2021")
               for b in bullets), bullets


def test_a_shortened_text_is_cut_at_a_word():
    assert short_text("Logos of IOM and the helpline number", 24) == "Logos of IOM and the…"
    assert short_text("Short enough", 24) == "Short enough"
    assert short_text("Averyveryverylongwordwithoutspaces", 10) == "Averyvery…"


def test_a_change_of_currency_shows_in_what_changed(demo, ready_store):
    first = latest_version(ready_store, demo.id)
    save_channel(ready_store, demo.id, load_plan(ready_store, demo.id).entries[0].model_copy(
        update={"cost": 1200.0}))
    set_currency(ready_store, demo.id, "MNT")
    second, made = save_version(ready_store, demo)
    assert made
    [change] = diff(first.brief, second.brief)
    assert change.title == "Media and channels"
    assert any(line.endswith("Cost (USD)") for line in change.removed)
    assert any(line.endswith("Cost (MNT)") for line in change.added)
    assert any(line.endswith("| 1,200") for line in change.added)


def test_the_summary_fits_one_page_even_at_the_longest(tmp_path):
    words = "Мөрөөдлийн шүхэр words and longer sentences " * 120
    fields = brief.BriefFields(
        key_promise=words[:5000], call_to_action=words[:5000], cta_service=words[:200], cta_contact=words[:200],
        key_messages=[words[:5000]] * 30, slogan=words[:200], tone=words[:5000], mandatory_elements=words[:5000],
        deliverables=[brief.Deliverable(item=words[:200])] * 60)
    composed = brief.ComposedBrief(
        campaign_name=words[:200], has_primary=True,
        audiences=[brief.AudienceLine(role="Primary audience", name=words[:200])]
        + [brief.AudienceLine(role="Secondary audience", name=words[:200])] * 50,
        primary=brief.ProfileSnap(name=words[:200], facts=[("Where they live", words[:200]),
                                                           ("Occupation or situation", words[:200])]),
        objectives=[brief.ObjectiveLine(sentence=words[:3000], short=words[:3000])] * 60,
        channels=[brief.ChannelLine(channel="Other", detail=words[:200])] * 100, brief=fields.model_dump(mode="json"))
    version = brief.BriefVersion(number=12, created_at=datetime.now(timezone.utc), brief=composed)
    rendered = render({"summary": brief_docx.build_brief_docx(version, summary=True)}, tmp_path)
    assert rendered["summary"].pages == 1


# ---- the worksheet in the workshop report, and the command line --------------------------------------
def test_the_media_camp_report_carries_the_strategy(demo, ready_store):
    camp = ready_store.add_session(Session(campaign_id=demo.id, kind=SessionKind.media_camp_1, title="Media Camp 1",
                                           start_date=date(2020, 11, 10), end_date=date(2020, 11, 11)))
    document = docx.Document(io.BytesIO(build_workshop_report(ready_store, demo.id, camp.id)))
    assert {"SMART objectives", "Channels and distribution", "Creative brief"} <= set(headings(document))
    ppcd = docx.Document(io.BytesIO(build_workshop_report(ready_store, demo.id, "ppcd-2020")))
    assert "Creative brief" not in headings(ppcd)


def test_c4d_export_brief(demo, ready_store, tmp_path, capsys):
    out = tmp_path / "brief.docx"
    assert cli.main(["export", "brief", "dream-umbrella", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "version 1 (nothing changed since it was saved on 26 Feb 2021)" in said and "Complete" in said
    assert headings(docx.Document(str(out)))[0] == "Background and problem"
    assert cli.main(["export", "brief", "dream-umbrella", "--summary", "-o", str(tmp_path)]) == 0
    assert "version 1 (nothing changed" in capsys.readouterr().out
    assert (tmp_path / "dream-umbrella_creative-brief_v1_summary.docx").is_file()
    update_fields(ready_store, demo.id, budget="Example budget line.")
    assert cli.main(["export", "brief", "dream-umbrella", "--note", "After Media Camp 2", "-o", str(out)]) == 0
    assert "version 2 (a new version)" in capsys.readouterr().out
    assert latest_version(ready_store, demo.id).note == "After Media Camp 2"


def test_c4d_export_brief_explains_a_mistake(ready_store, tmp_path, capsys):
    assert cli.main(["export", "brief", "no-such-campaign", "-o", str(tmp_path / "x.docx")]) == 1
    assert "No campaign called 'no-such-campaign'" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()

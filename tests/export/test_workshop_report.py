"""The workshop report (DOCX): content, consent, escaping, scripts and the Word plumbing."""

from __future__ import annotations

import io
import re
import zipfile
from collections import OrderedDict
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image
from pydantic import ValidationError

from c4d import worksheet as worksheet_module
from c4d.text import short_date
from c4d.demo.example import load_demo
from c4d.report_writer import COMPLEX_SCRIPT_FONT, TABLE_STYLE, ReportWriter, xml_safe
from c4d.export.workshop_report import build_workshop_report, report_filename
from c4d.models import AgendaItem, Campaign, OrgType, Participant, Session, Sex
from c4d.db.errors import NotFound
from c4d.db.store import Store
from c4d.worksheet import PStep, RoadshowStep

NAME = "Dream Umbrella — Мөрөөдлийн шүхэр"
HOSTILE_NAME = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
KHMER, MYANMAR, BENGALI, THAI = "ការពារ", "မြန်မာ", "বাংলা", "ไทย"


# ---- helpers ----------------------------------------------------------------------------
def open_report(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    """Every paragraph's text: body, table cells, headers and footers."""
    roots = [document.element.body]
    for section in document.sections:
        roots += [section.header._element, section.footer._element]
    return [Paragraph(p, document).text for root in roots for p in root.iter(qn("w:p"))]


def raw_xml(data: bytes) -> str:
    """All XML parts of the file (document, headers, footers, core properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(document, first_header: str):
    matches = [t for t in document.tables if t.rows[0].cells[0].text == first_header]
    assert len(matches) == 1, f"expected one table headed '{first_header}', found {len(matches)}"
    return matches[0]


def png(width: int = 40, height: int = 20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 60, 100)).save(out, "PNG")
    return out.getvalue()


# ---- the demo report ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo():
    store = Store("sqlite://")
    campaign = load_demo(store)
    session = store.session(campaign.id, "ppcd-2020")
    # The demo register has no contacts; give everyone one so we can check none leaks.
    for n, person in enumerate(store.participants(session.id)):
        store.update_participant(person.model_copy(update={"contact": f"+976 9911 {n:04d} / p{n}@example.org"}))
    data = build_workshop_report(store, "dream-umbrella", "ppcd-2020", prepared_on=date(2020, 6, 19))
    return store, campaign, session, data, open_report(data)


def test_sections_use_word_heading_styles(demo):
    *_, document = demo
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    for title in ("Overview", "Agenda", "Participants", "Decisions taken"):
        assert headings.get(title) == "Heading 1", title
    assert headings.get("Attendance by day") == "Heading 2"
    assert headings.get("Day 1 · Thursday 18 June 2020") == "Heading 2"
    assert headings.get("Day 2 · Friday 19 June 2020") == "Heading 2"
    # The outline order follows the report: agenda, participants, then the worksheets.
    order = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert order.index("Agenda") < order.index("Participants") < order.index("Decisions taken")


def test_the_outline_never_skips_a_level_in_any_session_of_the_example(demo):
    from c4d.audience.commands import save_part
    from c4d.audience.reading import load_part

    store, campaign, *_ = demo
    # open points and notes, so every kind of sub-heading is in the reports
    sem = load_part(store, campaign.id, "sem")
    save_part(store, campaign.id, sem.model_copy(update={"influences": [
        i.model_copy(update={"addressed_by": ""}) for i in sem.influences]}))
    stakeholders = load_part(store, campaign.id, "stakeholders")
    save_part(store, campaign.id, stakeholders.model_copy(update={"stakeholders": [
        s.model_copy(update={"notes": "Reviews the content before launch."}) for s in stakeholders.stakeholders]}))
    headings = set()
    for session in store.sessions(campaign.id):
        document = open_report(build_workshop_report(store, campaign.id, session.slug))
        levels = [(int(p.style.name.split()[-1]), p.text) for p in document.paragraphs
                  if re.fullmatch(r"Heading \d", p.style.name)]
        for (before, _), (level, text) in zip([(0, "")] + levels, levels):
            assert level <= before + 1, (session.slug, text, before, level)
        headings |= {text for _, text in levels}
    assert {"Still open", "Notes"} <= headings


def test_cover_names_campaign_session_and_people(demo):
    _store, _campaign, _session, data, document = demo
    title = [p for p in document.paragraphs if p.style.name == "Title"]
    assert [p.text for p in title] == [NAME]
    cover = {row[0]: row[1] for row in table_rows(document.tables[0])}
    assert cover["Session"] == "PPCD workshop"
    assert cover["Dates"] == "18–19 Jun 2020"
    assert cover["Place"] == "Ulaanbaatar"
    assert cover["Organisers"].split("\n") == [
        "IOM Mongolia", "Coordination Council of Crimes Prevention", "Ministry of Justice and Home Affairs"]
    assert cover["Facilitators"].split("\n") == ["Facilitator A (example)", "Facilitator B (example)"]
    assert "Prepared with the C4D workshop toolkit on 19 June 2020." in texts(document)
    props = document.core_properties
    assert props.title == f"{NAME} — Participatory Planning and Capacity Development workshop"
    assert props.author.startswith("IOM Mongolia; Coordination Council")
    assert "PPCD workshop" in props.subject


def test_agenda_is_grouped_by_day_with_times(demo):
    *_, document = demo
    agenda = [t for t in document.tables if [c.text for c in t.rows[0].cells] == ["Time", "Item"]]
    assert len(agenda) == 2  # one table per day; no Notes column when no item has notes
    assert table_rows(agenda[0])[1] == ["09:00", "Welcome, objectives and C4D self-assessment (pre)"]
    assert len(agenda[0].rows) == 1 + 5 and len(agenda[1].rows) == 1 + 4
    assert table_rows(agenda[1])[1] == ["09:00", "Vote: the primary target group"]


def test_breakdown_by_organisation_type_and_sex_has_totals(demo):
    *_, document = demo
    rows = table_rows(find_table(document, "Type of organisation"))
    assert rows[0] == ["Type of organisation"] + [s.label for s in Sex] + ["Total"]
    assert [r[0] for r in rows[1:-1]] == [o.label for o in OrgType]  # every type, zeros included
    assert rows[-1] == ["Total", "29", "10", "0", "0", "39"]
    by_label = {r[0]: r[1:] for r in rows[1:-1]}
    assert by_label["Law enforcement"] == ["4", "3", "0", "0", "7"]
    assert by_label["Academia"] == ["0", "0", "0", "0", "0"]
    for row in rows[1:]:
        assert sum(int(v) for v in row[1:-1]) == int(row[-1]), row


def test_attendance_per_day(demo):
    *_, document = demo
    rows = table_rows(find_table(document, "Day"))
    assert rows[1] == ["Day 1", "Thu 18 Jun 2020", "29", "9", "0", "0", "38"]
    assert rows[2] == ["Day 2", "Fri 19 Jun 2020", "28", "9", "0", "0", "37"]
    assert "39 participants: 29 women, 10 men." in texts(document)


def test_only_consenting_participants_are_named_and_no_contact_is_printed(demo):
    store, _campaign, session, data, document = demo
    people = store.participants(session.id)
    consenting = [p for p in people if p.consent_to_list]
    refusing = [p for p in people if not p.consent_to_list]
    assert len(consenting) == 26 and len(refusing) == 13
    everything = raw_xml(data)
    for person in refusing:
        assert person.name not in everything
    listed = table_rows(find_table(document, "Name"))[1:]
    assert sorted(r[0] for r in listed) == sorted(p.name for p in consenting)
    assert all(r[2] in {o.label for o in OrgType} for r in listed)
    assert "13 more participants did not consent to be listed." in texts(document)
    for person in people:
        assert person.contact and person.contact not in everything
    assert "example.org" not in everything and "+976" not in everything


def test_decisions_section_comes_from_the_worksheet(demo):
    *_, document = demo
    all_text = "\n".join(texts(document))
    assert "Decisions taken" in all_text
    decisions = find_table(document, "Decision")
    choices = [r[1] for r in table_rows(decisions)[1:]]
    assert "Young women aged 18–27" in choices
    assert "Primary target group: Young women aged 18–27" in [
        p.text for p in document.paragraphs if p.style.name == "Heading 2"]


# ---- decisions: which one stands, and what the numbers count ---------------------------------
def tables_headed(document, *headers: str) -> list:
    return [t for t in document.tables if [c.text for c in t.rows[0].cells] == list(headers)]


@pytest.fixture(scope="module")
def revised():
    """The example where the PPCD re-decided the trend by criteria scoring, changed the
    primary target group the same day, and the launch changed it again."""
    from datetime import timedelta

    from c4d.voting.counting import count
    from c4d.voting.lifecycle import close_ballot, open_ballot
    from c4d.voting.model import Vote
    from c4d.voting.results import decision_from_result
    from c4d.voting.templates import ballot_from_template
    from c4d.models import Decision, DecisionTopic

    store = Store("sqlite://")
    campaign = load_demo(store)
    ppcd = store.session(campaign.id, "ppcd-2020")
    launch = store.session(campaign.id, "launch-2021")
    current = {d.topic: d for d in store.decisions(campaign.id)}
    trend, audience = current[DecisionTopic.trend], current[DecisionTopic.primary_audience]

    ballot = open_ballot(ballot_from_template("trend", campaign.id, ppcd.id))
    store.save_ballot(ballot)
    for n, first in enumerate((5, 4, 5, 3)):
        scores = {o.id: {c.id: (first if i == 0 else 1 + (i + n) % 3) for c in ballot.criteria}
                  for i, o in enumerate(ballot.options)}
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=f"v{n}", scores=scores))
    ballot = store.save_ballot(close_ballot(ballot))
    result = count(ballot, store.votes(ballot.id))
    store.add_decision(decision_from_result(ballot, result, decided_at=trend.decided_at + timedelta(hours=1)))

    store.add_decision(Decision(campaign_id=campaign.id, session_id=ppcd.id, topic=DecisionTopic.primary_audience,
                                choice="High-school girls", method="Ranking vote (Borda count)",
                                breakdown=[], decided_at=audience.decided_at + timedelta(hours=2)))
    store.add_decision(Decision(campaign_id=campaign.id, session_id=launch.id, topic=DecisionTopic.primary_audience,
                                choice="Job seekers going abroad", method="Discussion (consensus)",
                                decided_at=audience.decided_at + timedelta(days=300)))
    return store, campaign, result


def test_report_lists_only_standing_decisions_in_the_main_table(revised):
    store, campaign, result = revised
    document = open_report(build_workshop_report(store, campaign.id, "ppcd-2020"))
    [main] = tables_headed(document, "Decision", "Choice", "How it was decided", "Turnout")
    rows = table_rows(main)[1:]
    topics = [r[0] for r in rows]
    assert len(topics) == len(set(topics))  # one decision per topic, as on the Key decisions page
    assert ["Trafficking trend / type of exploitation", result.winner_labels[0], "Criteria scoring (weighted)"] in [
        r[:3] for r in rows]
    assert "Primary target group" not in topics  # the launch's decision stands now, not this workshop's
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert f"Trafficking trend / type of exploitation: {result.winner_labels[0]}" in headings
    assert "Primary target group: Young women aged 18–27" not in headings
    assert "Trafficking trend / type of exploitation: Trafficking for sexual exploitation" not in headings


def test_report_keeps_superseded_decisions_and_says_what_replaced_them(revised):
    store, campaign, result = revised
    document = open_report(build_workshop_report(store, campaign.id, "ppcd-2020"))
    assert "Superseded decisions" in [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    [earlier] = tables_headed(document, "Decision", "Choice", "Decided on", "Status")
    rows = {r[1]: r for r in table_rows(earlier)[1:]}
    assert set(rows) == {"Trafficking for sexual exploitation", "Young women aged 18–27", "High-school girls"}
    assert rows["Trafficking for sexual exploitation"][3].startswith("Superseded on ")
    assert rows["Trafficking for sexual exploitation"][3].endswith(f"by “{result.winner_labels[0]}”")
    assert rows["Young women aged 18–27"][3].endswith("by “High-school girls”")
    launch_day = short_date(store.decisions(campaign.id)[-1].decided_at)
    assert rows["High-school girls"][3] == f"Superseded on {launch_day} by “Job seekers going abroad” (Campaign launch)"


def test_report_of_the_later_workshop_says_which_decision_it_replaced(revised):
    store, campaign, _ = revised
    document = open_report(build_workshop_report(store, campaign.id, "launch-2021"))
    replaced = [d for d in store.decisions(campaign.id) if d.choice == "High-school girls"][0]
    [main] = tables_headed(document, "Decision", "Choice", "How it was decided", "Turnout")
    assert table_rows(main)[1:] == [["Primary target group", "Job seekers going abroad", "Discussion (consensus)", "–"]]
    assert any(line.startswith(f"Replaces the decision of {short_date(replaced.decided_at)} (Participatory") and line.endswith("“High-school girls”.")
               for line in texts(document))
    assert not tables_headed(document, "Decision", "Choice", "Decided on", "Status")


def test_report_names_a_criteria_score_as_a_score_not_votes(revised):
    store, campaign, result = revised
    document = open_report(build_workshop_report(store, campaign.id, "ppcd-2020"))
    [scores] = tables_headed(document, "Option", "Score out of 100")
    expected = [[r.label, f"{r.normalised:.1f}"] for r in result.rows]
    assert table_rows(scores)[1:] == expected
    assert any(not value.endswith(".0") for _label, value in expected)  # a real fraction, written once
    # the single-choice decisions still count votes, as whole numbers
    votes = tables_headed(document, "Option", "Votes", "Share of votes")
    assert votes and all(re.fullmatch(r"\d+", row[1]) for t in votes for row in table_rows(t)[1:])


def test_footer_numbers_pages_and_cover_has_none(demo):
    *_, data, document = demo
    section = document.sections[0]
    instructions = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Page 1 of 1" in texts(document)  # the cached value shown before Word updates it
    assert section.different_first_page_header_footer
    assert abs(section.page_width.cm - 21.0) < 0.01  # A4


def test_tables_use_a_real_style_with_a_bold_repeating_header(demo):
    *_, document = demo
    table = find_table(document, "Type of organisation")
    assert table.style.name == TABLE_STYLE
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    # the numbers are right-aligned, the labels are not
    assert table.rows[1].cells[1].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[0].paragraphs[0].alignment is None


def test_document_fonts_cover_complex_scripts(demo):
    *_, document = demo
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == COMPLEX_SCRIPT_FONT
    assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:eastAsia"))
    # theme fonts would override the named ones: none is left in any style
    assert not any(f.get(qn("w:asciiTheme")) or f.get(qn("w:cstheme"))
                   for f in document.styles.element.iter(qn("w:rFonts")))


def test_filename_is_made_of_the_slugs(demo):
    store, campaign, session, *_ = demo
    assert report_filename(campaign, session) == "dream-umbrella_ppcd-2020_workshop-report.docx"
    odd = Campaign(name=KHMER, slug="")
    odd_session = Session(campaign_id=odd.id, kind="ppcd", title=THAI,
                          start_date=date(2021, 1, 1), end_date=date(2021, 1, 1))
    name = report_filename(odd, odd_session)
    assert name.endswith("_workshop-report.docx")
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name)


# ---- other sessions -----------------------------------------------------------------------
def test_session_without_participants_or_agenda(demo):
    store, campaign, *_ = demo
    document = open_report(build_workshop_report(store, campaign.id, "launch-2021"))
    lines = texts(document)
    assert "No participants were registered for this session." in lines
    assert not [t for t in document.tables if t.rows[0].cells[0].text in ("Type of organisation", "Name")]
    assert "Decisions taken" not in lines  # no decision was taken at the launch
    bare = store.add_session(Session(campaign_id=campaign.id, kind="media_camp_1", title="Media Camp 1 (planned)",
                                     start_date=date(2020, 9, 1), end_date=date(2020, 9, 2)))
    lines = texts(open_report(build_workshop_report(store, campaign.slug, bare.id)))
    assert "No agenda was recorded for this session." in lines
    assert "No participants were registered for this session." in lines


def test_unknown_campaign_or_session_is_not_found(demo):
    store, campaign, *_ = demo
    with pytest.raises(NotFound, match="No campaign called 'no-such-campaign'"):
        build_workshop_report(store, "no-such-campaign", "ppcd-2020")
    with pytest.raises(NotFound, match="No session called 'no-such-session'"):
        build_workshop_report(store, campaign.slug, "no-such-session")


def test_a_session_of_another_campaign_is_not_found():
    store = Store("sqlite://")
    load_demo(store)
    other = store.create_campaign(Campaign(name="Another campaign"))
    with pytest.raises(NotFound):
        build_workshop_report(store, other.id, "ppcd-2020")


def test_a_failing_worksheet_section_does_not_sink_the_report(demo, monkeypatch):
    store, campaign, session, *_ = demo

    class Broken:
        key, title = "broken", "Broken worksheet"
        p_step, roadshow_step, page = PStep.evaluation, RoadshowStep.impact, "worksheets/broken.py"

        def progress(self, store, campaign):  # pragma: no cover - not used here
            raise NotImplementedError

        def report_section(self, store, campaign, session, writer):
            writer.heading("Half-written section", 1)
            writer.table(["A"], [["partial row"]])
            raise RuntimeError("boom")

    monkeypatch.setitem(worksheet_module._REGISTRY, "broken", Broken())
    lines = texts(open_report(build_workshop_report(store, campaign.id, session.id)))
    assert "Half-written section" not in lines and "partial row" not in lines
    assert "Broken worksheet" in lines
    assert any("could not be written" in line for line in lines)
    assert "Decisions taken" in lines  # the sections before it are intact


def test_pictures_are_drawn_without_the_vega_engine_and_show_the_pages_bars(demo, monkeypatch):
    """Every picture goes through the SVG renderer; vl-convert's JavaScript engine (slow
    to start in every new process) is never used for a report."""
    import vl_convert

    from c4d import pictures as charts

    store, campaign, session, *_ = demo

    def no_engine(*args, **kwargs):
        raise AssertionError("the report started vl-convert's Vega engine")

    for name in ("vegalite_to_png", "vegalite_to_svg", "vega_to_png", "vega_to_svg"):
        monkeypatch.setattr(vl_convert, name, no_engine)
    drawn: list[str] = []
    real = vl_convert.svg_to_png
    monkeypatch.setattr(vl_convert, "svg_to_png", lambda svg, scale=1.0: drawn.append(svg) or real(svg, scale=scale))
    monkeypatch.setattr(charts, "_CACHE", OrderedDict())  # draw everything, as the first export in a process
    document = open_report(build_workshop_report(store, campaign.id, session.id))
    # four ballot results, the audience framework, the influencers, the SEM rings, the stakeholder grid
    assert len(document.inline_shapes) == len(drawn) == 8
    rollout = next(svg for svg in drawn if "Border towns (e.g. Zamiin-Uud)" in svg)
    assert re.search(r'fill="#0b5cad"/>.*>25</tspan>', rollout)  # the leading option, in the page's colour
    assert rollout.count('fill="#8fb3d9"/>') == 2 and "Votes" in rollout
    grid = next(svg for svg in drawn if "Interest in the campaign" in svg)
    assert grid.count("<circle") == 2 * 8 + 4  # a numbered dot per stakeholder in the grid and in the key; the legend
    assert "Police anti-trafficking unit (example)" in grid


# ---- hostile and multilingual text -------------------------------------------------------
def hostile_store(logo: bytes | None = None) -> tuple[Store, Campaign, Session]:
    store = Store("sqlite://")
    if logo is not None:
        store.set_setting("logo_attachment_id", store.add_attachment(None, "logo.png", "image/png", logo))
    campaign = store.create_campaign(Campaign(
        name=f"{HOSTILE_NAME} {KHMER}", organisers=[FORMULA, f"Org\x00\x07 {MYANMAR}"],
        summary=f"{BENGALI} {THAI}\n\nA second paragraph & more", participant_language="km"))
    session = store.add_session(Session(
        campaign_id=campaign.id, kind="media_camp_1", title=f"Camp {THAI}\x0b",
        start_date=date(2021, 1, 4), end_date=date(2021, 1, 4), place=f"{MYANMAR} <b>",
        facilitators=[f"{BENGALI} facilitator"],
        agenda=[AgendaItem(title=f"<b>bold?</b> & {KHMER}", notes="line one\nline two\x00")]))
    store.add_participants([
        Participant(session_id=session.id, name=HOSTILE_NAME, organisation=f"{BENGALI}\x00",
                    org_type="ngo", sex="another", consent_to_list=True, attendance=[1]),
        Participant(session_id=session.id, name="Hidden Person", organisation="Secret shelter",
                    org_type="media", sex="undisclosed", contact="+976 9900 0000"),
    ])
    return store, campaign, session


def test_hostile_and_multilingual_text_comes_out_as_typed():
    store, campaign, session = hostile_store(logo=png())
    data = build_workshop_report(store, campaign.slug, session.slug)
    document = open_report(data)
    lines = texts(document)
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [f"{HOSTILE_NAME} {KHMER}"]
    cover = {row[0]: row[1] for row in table_rows(document.tables[0])}
    assert cover["Organisers"] == f"{FORMULA}\nOrg {MYANMAR}"      # control characters dropped
    assert cover["Place"] == f"{MYANMAR} <b>"
    assert f"Camp {THAI}" in lines
    assert f"{BENGALI} {THAI}" in lines and "A second paragraph & more" in lines
    agenda = find_table(document, "Time")
    assert table_rows(agenda)[1] == ["–", f"<b>bold?</b> & {KHMER}", "line one\nline two"]
    assert table_rows(find_table(document, "Name"))[1] == [HOSTILE_NAME, BENGALI, "NGO / service provider"]
    everything = raw_xml(data)
    assert "<script>" not in everything and "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    assert "Hidden Person" not in everything and "Secret shelter" not in everything
    assert "+976" not in everything
    assert "1 more participant did not consent to be listed." in lines
    assert len(document.inline_shapes) == 1  # the organisation logo
    assert "\x00" not in document.core_properties.author
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:bidi")) == "km-KH"


@pytest.mark.parametrize("logo", [b"not a picture", b""])
def test_an_unreadable_logo_is_left_out(logo):
    store, campaign, session = hostile_store()
    attachment = store.add_attachment(None, "logo.png", "image/png", logo) if logo else "missing-id"
    store.set_setting("logo_attachment_id", attachment)
    document = open_report(build_workshop_report(store, campaign.id, session.id))
    assert len(document.inline_shapes) == 0
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [f"{HOSTILE_NAME} {KHMER}"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisation=st.text(max_size=80), title=st.text(max_size=80))
def test_any_text_in_the_register_or_agenda_exports(organisation, title):
    try:
        item = AgendaItem(title=title)
        person = Participant(session_id="x", name="Listed Person", organisation=organisation,
                             org_type="community", sex="woman", consent_to_list=True, attendance=[1])
    except ValidationError:
        assume(False)
    store = Store("sqlite://")
    campaign = store.create_campaign(Campaign(name="Property campaign"))
    session = store.add_session(Session(campaign_id=campaign.id, kind="ppcd", title="Property session",
                                        start_date=date(2021, 5, 1), end_date=date(2021, 5, 1), agenda=[item]))
    store.add_participant(person.model_copy(update={"session_id": session.id}))
    document = open_report(build_workshop_report(store, campaign.id, session.id))
    assert table_rows(find_table(document, "Name"))[1][1] == xml_safe(person.organisation)
    assert table_rows(find_table(document, "Time"))[1][1] == xml_safe(item.title)


# ---- the writer on its own ----------------------------------------------------------------
def test_xml_safe_drops_only_what_xml_cannot_hold():
    assert xml_safe("a\x00b\x07c\x08\x0b\x0c\x0e\x1fd") == "abcd"
    assert xml_safe("lone \ud800 surrogate \ufffe\uffff") == "lone  surrogate "
    assert xml_safe("tab\tline\nwin\r\nmac\rend") == "tab\tline\nwin\nmac\nend"
    for text in (NAME, KHMER, MYANMAR, BENGALI, THAI, "emoji 🙂", "\x7f\x85 kept", HOSTILE_NAME, FORMULA):
        assert xml_safe(text) == text
    assert xml_safe(None) == "" and xml_safe(39) == "39"


@settings(max_examples=30, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=()), max_size=60))
def test_writer_takes_any_python_string(text):
    writer = ReportWriter(title=text, subject=text, author=text, header_text=text)
    writer.heading(text, 2)
    writer.paragraph(text)
    writer.bullets([text])
    writer.note(text)
    writer.table([text, "n"], [[text, "1"]])
    document = open_report(writer.to_bytes())
    assert document.tables[0].rows[1].cells[0].text == xml_safe(text)


def test_writer_building_blocks():
    writer = ReportWriter(title="T", subject="S", author="A; B")
    writer.heading("One", 1)
    writer.paragraph("First block\n\nSecond block\nsame paragraph", italic=True)
    writer.bullets(["alpha", "beta"])
    writer.table(["Option", "Votes", "Share"], [["Yes", "3", "75%"], ["No", "1"]])  # a short row is padded
    writer.table(["Other"], [["x"]])
    writer.image(png(400, 400), width_cm=30, max_height_cm=4, alt="A square <of> colour")
    writer.page_break()
    writer.note("A caveat")
    with pytest.raises(ValueError, match="not a picture"):
        writer.image(b"\x89PNG broken", alt="nothing")
    document = open_report(writer.to_bytes())
    paragraphs = [(p.text, p.style.name) for p in document.paragraphs]
    assert ("First block", "Normal") in paragraphs
    assert ("Second block\nsame paragraph", "Normal") in paragraphs
    assert ("alpha", "List Bullet") in paragraphs and ("beta", "List Bullet") in paragraphs
    first = document.tables[0]
    assert table_rows(first) == [["Option", "Votes", "Share"], ["Yes", "3", "75%"], ["No", "1", ""]]
    assert first.rows[1].cells[1].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    body = list(document.element.body)
    tables = [i for i, child in enumerate(body) if child.tag == qn("w:tbl")]
    assert tables[1] - tables[0] > 1  # never two touching tables (Word would merge them)
    picture = document.inline_shapes[0]
    assert abs(picture.height.cm - 4.0) < 0.05 and abs(picture.width.cm - 4.0) < 0.05
    assert picture._inline.docPr.get("descr") == "A square <of> colour"  # alt text, escaped by the XML writer
    note = [p for p in document.paragraphs if p.text == "A caveat"][0]
    assert note.runs[0].font.size.pt == 9 and note.runs[0].italic
    assert document.core_properties.author == "A; B" and document.core_properties.title == "T"


def test_writer_rollback_removes_a_half_written_section():
    writer = ReportWriter()
    writer.heading("Kept", 1)
    mark = writer.mark()
    writer.heading("Dropped", 1)
    writer.table(["x"], [["dropped cell"]])
    writer.rollback(mark)
    writer.paragraph("After")
    document = open_report(writer.to_bytes())
    assert [p.text for p in document.paragraphs] == ["Kept", "After"]
    assert not document.tables
    assert document.sections[0].page_width is not None  # the section properties survive


def test_long_core_properties_are_shortened_not_refused():
    writer = ReportWriter(title="x" * 400, author="; ".join(["Organisation"] * 60))
    document = open_report(writer.to_bytes())
    assert len(document.core_properties.title) == 255 and document.core_properties.title.endswith("…")
    assert len(document.core_properties.author) <= 255

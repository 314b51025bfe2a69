"""Pre-testing draft materials (c4d.pretest: the record, its commands, scoring, the grid and
the worksheets): scoring, thresholds and verdicts, comparisons of versions and
alternatives, disaggregation, files checked before they are stored, the grid of paper
forms, phone answers, the decision log, the example campaign, backups, and what reaches
the Word reports and spreadsheets."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from c4d import backup
from c4d.brief.compose import compose as compose_brief, pretest_history
from c4d.demo.example import load_demo
from c4d.demo.pretest import load_pretest_demo
from c4d.export.pretest_report import build_pretest_report, scores_csv, scores_xlsx
from c4d.export.workshop_report import build_workshop_report
from c4d.models import SessionKind, Sex
from c4d.phones.model import Showing
from c4d.pretest import commands, record
from c4d.pretest import model as pretest
from c4d.pretest.files import Upload, check_file
from c4d.pretest.grid import grid_rows, paper_form_html
from c4d.pretest.model import (
    CORE_CRITERIA,
    Choice,
    Coding,
    Criterion,
    Material,
    MaterialType,
    PretestDoc,
    PretestError,
    PretestGroup,
    Respondent,
    Response,
    Verdict,
)
from c4d.pretest.results import breakdown_table, comparison_rows, verdict_line
from c4d.pretest.revisions import Revision, revision_history
from c4d.pretest.scoring import breakdown, compare, criterion_result, meets, result_of
from c4d.pretest.showing import next_in_order, on_phones
from c4d.pretest.worksheet import MaterialsWorksheet, PretestResultsWorksheet, PretestWorksheet
from c4d.worksheet import Status, registered
from tests.fixtures_store import add_campaign, add_session, row_counts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
SCRIPT = "<script>alert(1)</script>"


# ---- helpers ------------------------------------------------------------------------------------------

def slogan(title: str = "Slogan A", **extra) -> Material:
    return Material(type=MaterialType.slogan, title=title, text=extra.pop("text", f"{title} text"), **extra)


def doc_with(answers: dict[str, list[dict]], *, threshold: int = 70, believability: bool = False,
             materials: list[Material] | None = None) -> tuple[PretestDoc, list[Material]]:
    """A record with one group and, per material title, one answer per row:
    {"scores": {criterion: score}, "sex": Sex | None, "coding": Coding | None}."""
    materials = materials or [slogan(title) for title in answers]
    doc = PretestDoc(threshold=threshold, believability=believability, materials=materials,
                     groups=[PretestGroup(session_id="s1")])
    by_title = {m.title: m for m in materials}
    people: dict[int, Respondent] = {}
    for title, rows in answers.items():
        for i, row in enumerate(rows):
            person = people.get(i)
            if person is None:
                person = people[i] = Respondent(session_id=row.get("session", "s1"), label=f"P{i + 1}",
                                                sex=row.get("sex"), age_band=row.get("age"))
                doc.respondents.append(person)
            doc.responses.append(Response(session_id=person.session_id, material_id=by_title[title].id,
                                          respondent_id=person.id, scores=row.get("scores", {}),
                                          own_words=row.get("words", ""), coding=row.get("coding"),
                                          comments=row.get("comments", {})))
    return record.checked_doc(doc), materials


def all_scores(value: int) -> dict[Criterion, int]:
    return {c: value for c in CORE_CRITERIA}


@pytest.fixture
def pt(store):
    """A campaign with one pre-test session (kind pretest_fgd) and its group."""
    campaign = add_campaign(store, "Safe Journeys")
    session = add_session(store, campaign, "Pre-test Darkhan", kind=SessionKind.pretest_fgd,
                          start=date(2021, 2, 20), place="Darkhan-Uul")
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id))
    return store, campaign, session


# ---- scoring and thresholds -----------------------------------------------------------------------------

def test_a_criterion_counts_favourable_answers_mean_and_n():
    result = criterion_result([5, 4, 4, 3, 1, 5, 4, 2, 4, 5], Criterion.appeal, 70)
    assert (result.n, result.favourable, result.counts) == (10, 7, (1, 1, 1, 4, 3))
    assert result.share == pytest.approx(0.7) and result.mean == pytest.approx(3.7)
    assert result.verdict is Verdict.ready  # exactly 70% reaches 70%
    assert criterion_result([5, 4, 4, 3, 1, 5, 4, 2, 3, 5], Criterion.appeal, 70).verdict is Verdict.revise
    empty = criterion_result([], Criterion.appeal, 70)
    assert (empty.n, empty.share, empty.mean, empty.verdict) == (0, None, None, Verdict.no_data)


def test_the_threshold_is_compared_in_whole_numbers():
    assert meets(7, 10, 70) is Verdict.ready
    assert meets(2, 3, 67) is Verdict.revise  # 66.67% is below 67%
    assert meets(2, 3, 66) is Verdict.ready
    assert meets(17, 17, 100) is Verdict.ready and meets(16, 17, 100) is Verdict.revise
    assert meets(0, 0, 70) is Verdict.no_data


@pytest.mark.parametrize("bad", [0, 6, -1, 3.5, True, "4", None])
def test_out_of_range_scores_are_refused_everywhere(bad):
    with pytest.raises(PretestError, match="whole number from 1 to 5"):
        criterion_result([4, bad], Criterion.appeal)
    with pytest.raises(ValueError):
        Response(session_id="s", material_id="m", respondent_id="r", scores={"appeal": bad})


@settings(max_examples=200, deadline=None)
@given(scores=st.lists(st.integers(1, 5), max_size=60), threshold=st.integers(50, 100), data=st.data())
def test_scoring_invariants(scores, threshold, data):
    result = criterion_result(scores, Criterion.relevance, threshold)
    assert result.n == len(scores) and 0 <= result.favourable <= result.n
    assert result.favourable == sum(1 for s in scores if s >= 4)
    if scores:
        assert 0 <= result.share <= 1 and 1 <= result.mean <= 5
        # the verdict is exactly the rule: favourable / n ≥ threshold
        assert (result.verdict is Verdict.ready) == (result.favourable * 100 >= threshold * result.n)
        # the order of the answers does not matter
        shuffled = data.draw(st.permutations(scores))
        assert criterion_result(shuffled, Criterion.relevance, threshold) == result
        # raising one answer never makes a ready criterion need revising
        i = data.draw(st.integers(0, len(scores) - 1))
        raised = list(scores)
        raised[i] = min(5, raised[i] + data.draw(st.integers(0, 4)))
        better = criterion_result(raised, Criterion.relevance, threshold)
        assert better.favourable >= result.favourable
        assert not (result.verdict is Verdict.ready and better.verdict is Verdict.revise)
        # a lower threshold never turns ready into revise
        lower = criterion_result(scores, Criterion.relevance, data.draw(st.integers(50, threshold)))
        assert not (result.verdict is Verdict.ready and lower.verdict is Verdict.revise)


def test_a_material_is_ready_only_when_every_criterion_with_answers_is():
    ready_rows = [{"scores": all_scores(4)}] * 7 + [{"scores": all_scores(2)}] * 3
    doc, [m] = doc_with({"Slogan A": ready_rows})
    result = result_of(doc, m)
    assert result.verdict is Verdict.ready and result.answers == 10
    assert verdict_line(result).startswith("Ready — every criterion reaches 70%")

    weak = [dict(r, scores=all_scores(4) | {Criterion.relevance: 3}) if i < 2 else r
            for i, r in enumerate(ready_rows)]
    doc, [m] = doc_with({"Slogan A": weak})
    result = result_of(doc, m)
    assert result.verdict is Verdict.revise
    assert result.weakest.criterion is Criterion.relevance
    assert result.shortfalls() == ["Relevance: 50% favourable (5 of 10)"]

    nobody = result_of(doc, doc.materials[0], [])
    assert nobody.verdict is Verdict.no_data and nobody.weakest is None


def test_the_coded_main_message_counts_in_the_verdict():
    rows = [{"scores": all_scores(5), "words": "Learn the signs", "coding": Coding.correct}] * 3 + [
        {"scores": all_scores(5), "words": "Follow your dreams", "coding": Coding.incorrect}] * 2 + [
        {"scores": all_scores(5), "words": "Not coded yet"}]
    doc, [m] = doc_with({"Slogan A": rows})
    result = result_of(doc, m)
    u = result.understanding
    assert (u.correct, u.partly, u.incorrect, u.uncoded, u.n) == (3, 0, 2, 1, 5)
    assert all(c.verdict is Verdict.ready for c in result.criteria)
    assert result.verdict is Verdict.revise  # they feel they understood; their words say otherwise
    assert "Main message in their own words: 60% correct (3 of 5)" in result.shortfalls()


def test_a_half_filled_paper_form_counts_only_where_answered():
    rows = [{"scores": all_scores(4)}] * 4 + [{"scores": {Criterion.comprehension: 5}}]
    doc, [m] = doc_with({"Slogan A": rows})
    result = result_of(doc, m)
    assert result.get(Criterion.comprehension).n == 5 and result.get(Criterion.appeal).n == 4
    assert result.answers == 5


def test_believability_is_asked_only_when_the_campaign_wants_it():
    doc, [m] = doc_with({"Slogan A": [{"scores": all_scores(4) | {Criterion.believability: 2}}]}, believability=True)
    assert doc.criteria()[-1] is Criterion.believability
    assert result_of(doc, m).get(Criterion.believability).verdict is Verdict.revise
    off = doc.model_copy(update={"believability": False})
    assert Criterion.believability not in off.criteria()
    assert result_of(off, m).get(Criterion.believability) is None


def test_few_answers_are_flagged_not_hidden():
    doc, [m] = doc_with({"Slogan A": [{"scores": all_scores(5)}] * 3})
    result = result_of(doc, m)
    assert result.small and result.get(Criterion.appeal).small and result.get(Criterion.appeal).step == pytest.approx(
        100 / 3)
    assert result.verdict is Verdict.ready  # a caution, not a different verdict


# ---- comparisons ------------------------------------------------------------------------------------------

def test_two_slogans_side_by_side():
    a_rows = [{"scores": all_scores(2)}] * 6 + [{"scores": all_scores(4)}] * 4
    b_rows = [{"scores": all_scores(5)}] * 8 + [{"scores": all_scores(3)}] * 2
    doc, (a, b) = doc_with({"Slogan A": a_rows, "Slogan B": b_rows})
    comparison = compare(doc, [a.id, b.id])
    assert comparison.names == ["Slogan A (v1)", "Slogan B (v1)"]
    row = comparison.rows[0]
    assert row.shares == (pytest.approx(0.4), pytest.approx(0.8)) and row.leader == 1
    assert row.difference() == pytest.approx(40) and row.difference(1, 0) == pytest.approx(-40)
    assert comparison.ahead_on(1) == len(CORE_CRITERIA) and comparison.ahead_on(0) == 0
    headers, rows = comparison_rows(comparison)
    assert headers[-2] == "Difference (Slogan B (v1) − Slogan A (v1))"
    assert rows[0][-2:] == ["+40 points", "Slogan B (v1)"]
    assert rows[0][1] == "40% (n = 10) · Revise" and rows[0][2] == "80% (n = 10) · Ready"
    assert "one person changes a share by about 10 points" in " ".join(comparison.notes())


def test_a_tie_has_no_leader_and_comparisons_need_two_distinct_materials():
    rows = [{"scores": all_scores(4)}] * 3
    doc, (a, b) = doc_with({"Slogan A": rows, "Slogan B": rows})
    comparison = compare(doc, [a.id, b.id])
    assert all(row.leader is None for row in comparison.rows)
    assert "Few answers for Slogan A (v1), Slogan B (v1)" in comparison.notes()[0]
    with pytest.raises(PretestError, match="at least two"):
        compare(doc, [a.id])
    with pytest.raises(PretestError, match="chosen twice"):
        compare(doc, [a.id, a.id])


@settings(max_examples=100, deadline=None)
@given(a=st.lists(st.integers(1, 5), min_size=1, max_size=20), b=st.lists(st.integers(1, 5), min_size=1, max_size=20))
def test_differences_are_antisymmetric_and_the_leader_has_the_higher_share(a, b):
    rows_a = [{"scores": {c: s for c in CORE_CRITERIA}} for s in a]
    rows_b = [{"scores": {c: s for c in CORE_CRITERIA}} for s in b]
    doc, (ma, mb) = doc_with({"A": rows_a, "B": rows_b})
    forward = compare(doc, [ma.id, mb.id]).rows[0]
    backward = compare(doc, [mb.id, ma.id]).rows[0]
    assert forward.difference() == pytest.approx(-backward.difference())
    if forward.leader is not None:
        assert forward.shares[forward.leader] > forward.shares[1 - forward.leader]
        assert backward.leader == 1 - forward.leader
    else:
        assert forward.shares[0] == pytest.approx(forward.shares[1])


# ---- disaggregation ------------------------------------------------------------------------------------------

def test_results_split_by_sex_keep_unknowns_and_flag_small_groups():
    rows = ([{"scores": all_scores(5), "sex": Sex.woman}] * 6 + [{"scores": all_scores(2), "sex": Sex.man}] * 2
            + [{"scores": all_scores(4)}])
    doc, [m] = doc_with({"Slogan A": rows})
    split = breakdown(doc, m.id, "sex")
    assert [(name, r.answers) for name, r in split] == [("Woman", 6), ("Man", 2), ("Not recorded", 1)]
    assert split[0][1].verdict is Verdict.ready and split[1][1].verdict is Verdict.revise
    headers, table, small = breakdown_table(doc, m.id, "sex", {})
    assert headers == ["Criterion", "Woman (n = 6)", "Man (n = 2)", "Not recorded (n = 1)"]
    assert table[0] == ["Comprehension", "100% (6/6)", "0% (0/2)", "100% (1/1)"]
    assert small == ["Man (n = 2)", "Not recorded (n = 1)"]
    with pytest.raises(PretestError):
        breakdown(doc, m.id, "shoe size")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(st.tuples(st.sampled_from([None, *Sex]), st.sampled_from([None, *pretest.AGE_BANDS]),
                                 st.integers(1, 5)), min_size=1, max_size=25),
       by=st.sampled_from(["sex", "age", "role", "group"]))
def test_every_answer_falls_in_exactly_one_group(people, by):
    rows = [{"scores": {c: score for c in CORE_CRITERIA}, "sex": sex, "age": age} for sex, age, score in people]
    doc, [m] = doc_with({"A": rows})
    split = breakdown(doc, m.id, by, {"s1": "Darkhan-Uul"})
    assert sum(r.answers for _, r in split) == len(people)
    assert sum(r.get(Criterion.appeal).favourable for _, r in split) == result_of(doc, m).get(
        Criterion.appeal).favourable
    assert len({name for name, _ in split}) == len(split)


# ---- files ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, kind", [
    ("poster.png", PNG, "image"),
    ("poster.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image"),
    ("storyboard.pdf", PDF, "pdf"),
    ("spot.mp3", b"ID3\x03\x00" + b"\x00" * 40, "audio"),
    ("spot.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 20, "audio"),
    ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40, "video"),
    ("clip.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 40, "video"),
    ("script.txt", "Сценарий: Сараа".encode(), "document"),
])
def test_known_files_are_accepted_with_their_kind(name, content, kind):
    checked = check_file(name, content)
    assert checked.kind == kind and checked.content == content


def test_a_word_script_is_accepted_only_when_it_is_one():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert check_file("script.docx", out.getvalue()).kind == "document"
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("something.txt", "x")
    with pytest.raises(PretestError, match="named like a Word document"):
        check_file("script.docx", other.getvalue())


@pytest.mark.parametrize("name, content, message", [
    ("tool.exe", b"MZ\x90\x00", "'.exe' files are not accepted. Use pictures (PNG, JPEG, GIF, WebP), PDF"),
    ("README", b"hello", "Files without an extension are not accepted"),
    ("poster.png", b"GIF89a" + b"\x00" * 10, "'poster.png' is named like a PNG picture but its content is not one"),
    ("empty.pdf", b"", "'empty.pdf' is empty."),
    ("../../etc/poster.png", b"not a png", "'poster.png' is named like a PNG picture"),
])
def test_unsupported_or_damaged_files_are_refused_with_the_reason(name, content, message):
    with pytest.raises(PretestError) as refused:
        check_file(name, content)
    assert message in str(refused.value)


def test_a_huge_file_is_refused_before_anything_is_stored(pt):
    store, campaign, _ = pt
    before = row_counts(store)
    huge = Upload("launch-video.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(pretest.MAX_FILE_BYTES))
    with pytest.raises(PretestError, match=r"'launch-video.mp4' is 25.0 MB; a draft material can be at most 25 MB"):
        commands.register_material(store, campaign.id, Material(type=MaterialType.animation, title="Launch"), huge)
    assert row_counts(store) == before
    assert record.load(store, campaign.id).materials == []


def test_a_refused_save_leaves_no_orphan_file(pt, monkeypatch):
    store, campaign, _ = pt
    before = row_counts(store)

    def broken(*args, **kwargs):
        raise PretestError("the record could not be saved")

    monkeypatch.setattr(record, "save", broken)
    with pytest.raises(PretestError):
        commands.register_material(store, campaign.id, slogan(), Upload("poster.png", PNG))
    assert row_counts(store) == before  # the attachment went back with the transaction


def test_files_are_replaced_shared_by_versions_and_released_with_the_last_user(pt):
    store, campaign, _ = pt
    first = commands.register_material(store, campaign.id, Material(type=MaterialType.poster, title="Poster"),
                                       Upload("poster.png", PNG))
    old_id = first.file.attachment_id
    second = commands.add_version(store, campaign.id, first.id, "Bigger helpline number")
    assert second.file.attachment_id == old_id  # carried over, stored once
    assert len(store.attachments(campaign.id)) == 1
    commands.attach_file(store, campaign.id, second.id, Upload("poster-v2.pdf", PDF))
    assert store.attachment(old_id) is not None  # v1 still uses it
    commands.delete_material(store, campaign.id, first.id)
    assert store.attachment(old_id) is None
    [left] = store.attachments(campaign.id)
    assert left["filename"] == "poster-v2.pdf" and left["media_type"] == "application/pdf"
    commands.remove_file(store, campaign.id, second.id)
    assert store.attachments(campaign.id) == []


def test_the_campaign_keeps_its_files_under_what_a_backup_can_carry(pt, monkeypatch):
    store, campaign, _ = pt
    monkeypatch.setattr(commands, "MAX_CAMPAIGN_FILE_BYTES", 100)
    commands.register_material(store, campaign.id, slogan(), Upload("a.png", PNG))
    with pytest.raises(PretestError, match="more than a backup can carry"):
        commands.register_material(store, campaign.id, slogan("Slogan B"), Upload("b.png", PNG))
    assert [m.title for m in record.load(store, campaign.id).materials] == ["Slogan A"]


# ---- the register and versions -------------------------------------------------------------------------------

def test_versions_count_up_say_what_changed_and_share_the_title(pt):
    store, campaign, _ = pt
    v1 = commands.register_material(store, campaign.id, slogan(purpose="Campaign slogan"))
    with pytest.raises(PretestError, match="what changed"):
        commands.add_version(store, campaign.id, v1.id, "  ")
    v2 = commands.add_version(store, campaign.id, v1.id, "Shorter", text="Shorter slogan")
    v3 = commands.add_version(store, campaign.id, v1.id, "Even shorter")  # from an older one: still the next number
    assert (v2.version, v3.version) == (2, 3) and v3.text == "Shorter slogan"
    assert v2.family_id == v1.id == v3.family_id and v2.purpose == "Campaign slogan"
    commands.update_material(store, campaign.id, v2.id, title="Main slogan")
    doc = record.load(store, campaign.id)
    assert [m.name for m in doc.family(v1.id)] == ["Main slogan (v1)", "Main slogan (v2)", "Main slogan (v3)"]
    with pytest.raises(PretestError, match="cannot be changed here: version"):
        commands.update_material(store, campaign.id, v2.id, version=9)
    with pytest.raises(ValueError, match="say what changed"):
        Material(type=MaterialType.slogan, title="X", version=2)


def test_two_versions_with_one_number_are_refused():
    a = slogan()
    b = a.model_copy(update={"id": "other", "changes": "x"})
    with pytest.raises(ValueError, match="'Slogan A' has two versions numbered v1"):
        PretestDoc(materials=[a, b])


def test_alternatives_are_the_latest_versions_sharing_a_purpose(pt):
    store, campaign, _ = pt
    a = commands.register_material(store, campaign.id, slogan("Slogan A", purpose="Campaign slogan"))
    b = commands.register_material(store, campaign.id, slogan("Slogan B", purpose="campaign  SLOGAN"))
    commands.register_material(store, campaign.id, slogan("Poster text", purpose="Poster"))
    b2 = commands.add_version(store, campaign.id, b.id, "Clearer ending")
    assert {k: [m.id for m in v] for k, v in record.load(store, campaign.id).alternatives().items()} == {
        "Campaign slogan": [a.id, b2.id]}


# ---- pre-test sessions ---------------------------------------------------------------------------------------------

def test_a_new_pretest_session_comes_with_its_group(store):
    campaign = add_campaign(store, "Safe Journeys")
    session = commands.add_pretest_session(store, campaign.id, place=" Darkhan-Uul ", title="",
                                           held_on=date(2021, 2, 20), facilitators=["Saran", " ", " Bat "])
    assert (session.kind, session.title, session.place, session.facilitators) == (
        SessionKind.pretest_fgd, "Pre-test focus group, Darkhan-Uul", "Darkhan-Uul", ["Saran", "Bat"])
    assert (session.start_date, session.end_date) == (date(2021, 2, 20), date(2021, 2, 20))
    assert record.load(store, campaign.id).group(session.id) == PretestGroup(session_id=session.id)
    with pytest.raises(PretestError, match="give at least the place"):
        commands.add_pretest_session(store, campaign.id, place=" ", title="", held_on=date(2021, 2, 21),
                                     facilitators=[])


def test_a_new_pretest_session_is_not_left_without_its_group(store, monkeypatch):
    """The session and its group are one change: when the group cannot be saved, the
    session is not added either."""
    campaign = add_campaign(store, "Safe Journeys")

    def broken(*args, **kwargs):
        raise PretestError("the record could not be saved")

    monkeypatch.setattr(commands, "save_group", broken)
    with pytest.raises(PretestError):
        commands.add_pretest_session(store, campaign.id, place="Darkhan-Uul", title="", held_on=date(2021, 2, 20),
                                     facilitators=[])
    assert store.sessions(campaign.id) == []
    assert record.load(store, campaign.id).groups == []


# ---- the grid of paper forms ------------------------------------------------------------------------------------

def test_grid_rows_are_saved_one_by_one_and_bad_cells_are_named(pt):
    store, campaign, session = pt
    m = commands.register_material(store, campaign.id, slogan())
    changes = {"added_rows": [
        {"Participant": "P1", "Sex": "Woman", "Age band": "18-24", "Comprehension": 4, "Appeal": 5,
         "Acceptability": 5, "Relevance": 4, "Persuasion": 4, "Main message in their words": "Learn the signs",
         "Coded": "Correct", "Why (appeal)": "Bright colours"},
        {"Participant": "P2", "Sex": "Man", "Comprehension": 7, "Appeal": 2},
        {"Participant": "P3", "Comprehension": "3", "Appeal": 2.0},
        {"Participant": "P4", "Age band": "twenty", "Appeal": 2},
        {"Participant": "P5", "Appeal": "high"},
        {},
    ]}
    new_ids: dict[int, str] = {}
    outcome = commands.apply_grid_edits(store, campaign.id, session.id, m.id, [], changes, new_ids)
    assert outcome.saved == 2
    assert outcome.errors == [
        "New row 2: Comprehension must be a whole number from 1 to 5, got 7. Nothing in this row was saved.",
        "New row 4: age band must be one of Under 18, 18–24, 25–29, 30–39, 40–49, 50 and over "
        "(got 'twenty'). Nothing in this row was saved.",
        "New row 5: Appeal must be a whole number from 1 to 5, got 'high'. Nothing in this row was saved.",
    ]
    assert outcome.notes == ["New row 3 (P3): no score yet for acceptability, relevance, persuasion "
                             "(counted as no answer)."]
    doc = record.load(store, campaign.id)
    first = next(r for r in doc.respondents if r.label == "P1")
    assert (first.sex, first.age_band) == (Sex.woman, "18–24")
    [answer] = [r for r in doc.responses if r.respondent_id == first.id]
    assert answer.coding is Coding.correct and answer.comments == {"appeal": "Bright colours"}
    assert answer.source == "paper"

    # The same new row edited again updates the person it created instead of adding another.
    changes["added_rows"][0]["Appeal"] = 1
    again = commands.apply_grid_edits(store, campaign.id, session.id, m.id, [],
                                      {"added_rows": changes["added_rows"][:1]},
                                      new_ids)
    assert again.saved == 1
    doc = record.load(store, campaign.id)
    assert [r.label for r in doc.respondents] == ["P1", "P3"]
    assert next(r for r in doc.responses if r.respondent_id == first.id).scores[Criterion.appeal] == 1


def test_grid_edits_and_deletions_of_existing_rows(pt):
    store, campaign, session = pt
    m = commands.register_material(store, campaign.id, slogan())
    other = commands.register_material(store, campaign.id, slogan("Slogan B"))
    commands.apply_grid_edits(store, campaign.id, session.id, m.id, [], {"added_rows": [
        {"Participant": "P1", "Appeal": 4}, {"Participant": "P2", "Appeal": 3}]})
    commands.apply_grid_edits(store, campaign.id, session.id, other.id, [], {"added_rows": []})
    doc = record.load(store, campaign.id)
    base = grid_rows(doc, session.id, m.id)
    assert [(r["Participant"], r["Appeal"], r["From"]) for r in base] == [("P1", 4, "paper"), ("P2", 3, "paper")]
    outcome = commands.apply_grid_edits(store, campaign.id, session.id, m.id, base, {
        "edited_rows": {0: {"Appeal": 5, "Participant": "P2"}, 1: {"Appeal": None, "Relevance": 9}},
        "deleted_rows": []})
    assert outcome.saved == 0 and len(outcome.errors) == 2
    assert "another row is already called 'P2'" in outcome.errors[0]
    outcome = commands.apply_grid_edits(store, campaign.id, session.id, m.id, base, {
        "edited_rows": {0: {"Appeal": 5}}, "deleted_rows": [1]})
    assert (outcome.saved, outcome.deleted, outcome.errors) == (1, 1, [])
    doc = record.load(store, campaign.id)
    assert [(r["Participant"], r["Appeal"]) for r in grid_rows(doc, session.id, m.id)] == [("P1", 5)]
    # Clearing every answer of a row removes the answer but keeps the person (a row of the grid).
    commands.apply_grid_edits(store, campaign.id, session.id, m.id, grid_rows(doc, session.id, m.id),
                              {"edited_rows": {0: {"Appeal": None}}})
    doc = record.load(store, campaign.id)
    assert doc.responses_to(m.id) == [] and [r.label for r in doc.respondents] == ["P1"]


def test_an_edit_from_an_old_grid_does_not_undo_answers_saved_since(pt):
    store, campaign, session = pt
    m = commands.register_material(store, campaign.id, slogan())
    commands.apply_grid_edits(store, campaign.id, session.id, m.id, [], {"added_rows": [
        {"Participant": "P1", "Appeal": 4, "Relevance": 2}]})
    drawn = grid_rows(record.load(store, campaign.id), session.id, m.id)  # one tab draws the grid
    commands.apply_grid_edits(store, campaign.id, session.id, m.id, drawn,  # another tab corrects relevance
                              {"edited_rows": {0: {"Relevance": 5}}})
    commands.apply_grid_edits(store, campaign.id, session.id, m.id, drawn,  # the first tab changes appeal only
                              {"edited_rows": {0: {"Appeal": 3}}})
    [answer] = record.load(store, campaign.id).responses
    assert answer.scores[Criterion.appeal] == 3 and answer.scores[Criterion.relevance] == 5


CELLS = st.one_of(st.none(), st.integers(-3, 9), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                  st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries({}, optional={
    "Participant": CELLS, "Sex": CELLS, "Age band": CELLS, "Role": CELLS, "Comprehension": CELLS, "Appeal": CELLS,
    "Coded": CELLS, "Main message in their words": CELLS, "Why (appeal)": CELLS}), max_size=5))
def test_no_grid_input_crashes_and_only_valid_scores_are_kept(pt, rows):
    store, campaign, session = pt
    doc = record.load(store, campaign.id)
    material = doc.materials[0] if doc.materials else commands.register_material(store, campaign.id, slogan())
    outcome = commands.apply_grid_edits(store, campaign.id, session.id, material.id, [], {"added_rows": rows})
    assert outcome.saved + len(outcome.errors) <= len(rows)
    for response in record.load(store, campaign.id).responses:
        assert all(type(v) is int and 1 <= v <= 5 for v in response.scores.values())


def test_rows_for_the_composition_come_with_sex_and_age(pt):
    store, campaign, session = pt
    with pytest.raises(PretestError, match="composition"):
        commands.add_respondents_from_counts(store, campaign.id, session.id)
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, counts=[
        pretest.CountRow(sex=Sex.woman, age_band="18–24", count=2), pretest.CountRow(sex=Sex.man, age_band="50+",
                                                                                     count=1)]))
    made = commands.add_respondents_from_counts(store, campaign.id, session.id)
    assert [(r.label, r.sex, r.age_band) for r in made] == [
        ("P1", Sex.woman, "18–24"), ("P2", Sex.woman, "18–24"), ("P3", Sex.man, "50 and over")]
    with pytest.raises(PretestError, match="already has 3 rows for 3 people"):
        commands.add_respondents_from_counts(store, campaign.id, session.id)


# ---- phones ------------------------------------------------------------------------------------------------------

def test_one_standing_answer_per_phone_and_material(pt):
    store, campaign, session = pt
    m = commands.register_material(store, campaign.id, slogan())
    kwargs = dict(scores=all_scores(4), own_words="Learn the signs", comments={"appeal": "Nice"})
    assert commands.submit_from_phone(store, campaign.id, session.id, m.id, "device:a", sex=Sex.woman, **kwargs) is False
    commands.code_answers(store, campaign.id, {record.load(store, campaign.id).responses[0].id: Coding.correct})
    assert commands.submit_from_phone(store, campaign.id, session.id, m.id, "device:a", **kwargs) is True
    doc = record.load(store, campaign.id)
    [answer] = doc.responses
    assert answer.coding is Coding.correct  # same words: the coding stays
    assert commands.submit_from_phone(store, campaign.id, session.id, m.id, "device:a",
                                      **(kwargs | {"own_words": "Something else"})) is True
    assert record.load(store, campaign.id).responses[0].coding is None  # new words: to code again
    commands.submit_from_phone(store, campaign.id, session.id, m.id, "device:b", **kwargs)
    doc = record.load(store, campaign.id)
    assert [(r.label, r.sex) for r in doc.respondents] == [("Phone 1", Sex.woman), ("Phone 2", None)]
    with pytest.raises(PretestError, match="No score for persuasion"):
        commands.submit_from_phone(store, campaign.id, session.id, m.id, "device:c",
                                   scores={c: 4 for c in CORE_CRITERIA[:4]}, own_words="x")


def test_showing_a_material_puts_it_on_the_phones_in_order(pt):
    store, campaign, session = pt
    a = commands.register_material(store, campaign.id, slogan())
    b = commands.register_material(store, campaign.id, slogan("Slogan B"))
    doc = record.load(store, campaign.id)
    assert next_in_order(doc, session.id, None) is None
    state = commands.show_material(store, campaign.id, session.id, b.id)
    assert (state.showing, state.material_id) == (Showing.pretest, b.id)
    commands.show_material(store, campaign.id, session.id, a.id)
    doc = record.load(store, campaign.id)
    assert doc.group(session.id).material_order == [b.id, a.id]
    assert next_in_order(doc, session.id, b.id) == a.id
    assert next_in_order(doc, session.id, a.id) is None
    assert on_phones(store.live_state(session.id)) == a.id
    assert commands.stop_showing(store, session.id).showing is Showing.wait
    other = add_campaign(store, "Other campaign")
    with pytest.raises(PretestError):
        commands.show_material(store, other.id, session.id, a.id)


# ---- decisions, history and progress ------------------------------------------------------------------------------

def test_the_decision_log_feeds_the_briefs_revision_history(pt):
    store, campaign, session = pt
    a = commands.register_material(store, campaign.id, slogan(text="Let's protect our dream and own our destiny"))
    with pytest.raises(PretestError, match="give the reason"):
        commands.record_decision(store, campaign.id, a.id, Choice.drop, "  ", date(2021, 2, 20))
    commands.record_decision(store, campaign.id, a.id, "drop", "Confusing in both groups", date(2021, 2, 20),
                             session.id)
    v2 = commands.add_version(store, campaign.id, a.id, "Plainer words", created_on=date(2021, 2, 24))
    history = revision_history(store, campaign.id)
    quoted = "Slogan: Slogan A (v1) “Let's protect our dream and own our destiny”"
    assert history == [
        Revision(date=date(2021, 2, 20), material=quoted, change="Drop — Confusing in both groups"),
        Revision(date=date(2021, 2, 24), material="Slogan: Slogan A (v2) “Let's protect our dream and own our destiny”",
                 change="New version — Plainer words"),
    ]
    lines = pretest_history(store, campaign.id)
    assert [(h.when, h.what, h.change, h.source) for h in lines][0] == (
        "20 Feb 2021", quoted, "Drop — Confusing in both groups", "pre-test")
    assert lines[1].when == "24 Feb 2021"
    doc = record.load(store, campaign.id)
    assert pretest.status_of(doc, a) == "dropped" and pretest.status_of(doc, v2) == "not tested yet"
    entry = doc.decisions[0]
    assert (entry.material, entry.version, entry.decision, entry.session_id) == ("Slogan A (v1)", 1, Choice.drop,
                                                                                 session.id)


def test_a_decision_in_the_briefs_history_carries_the_results_it_rested_on(pt):
    store, campaign, first = pt
    later = add_session(store, campaign, "Pre-test Ulaanbaatar", kind=SessionKind.pretest_fgd,
                        start=date(2021, 3, 5), place="Ulaanbaatar")
    a = commands.register_material(store, campaign.id, slogan(text="Let's protect our dream and own our destiny"))
    b = commands.register_material(store, campaign.id, slogan("Slogan B", text="Let's be aware of, discuss "
                                                                              "about and prevent TIP"))
    for n, scores in enumerate([2, 2, 4, 5]):
        commands.submit_from_phone(store, campaign.id, first.id, a.id, f"a{n}", scores=all_scores(scores),
                                   own_words="x")
        commands.submit_from_phone(store, campaign.id, first.id, b.id, f"a{n}", scores=all_scores(4),
                                   own_words="x")
    commands.ensure_group(store, campaign.id, later.id)
    for n in range(6):  # a group held after the decision: not what the decision rested on
        commands.submit_from_phone(store, campaign.id, later.id, a.id, f"b{n}", scores=all_scores(5), own_words="x")
    commands.record_decision(store, campaign.id, a.id, "drop", "Confusing", date(2021, 2, 20), first.id)
    commands.record_decision(store, campaign.id, b.id, "keep", "Understood", date(2021, 2, 20), first.id)
    dropped, kept = revision_history(store, campaign.id)
    assert dropped.change == (
        "Drop — Confusing. Pre-test, 4 answers (few): revise — Comprehension: 50% favourable (2 of 4); Appeal: 50% "
        "favourable (2 of 4); Acceptability: 50% favourable (2 of 4); Relevance: 50% favourable (2 of 4); "
        "Persuasion: 50% favourable (2 of 4).")
    assert kept.change == ("Keep — Understood. Pre-test, 4 answers (few): ready — every criterion at least 70% "
                           "favourable.")
    [line, _] = compose_brief(store, campaign).pretest_history
    assert "Comprehension: 50% favourable (2 of 4)" in line.change
    # every answer counts once the later group is the one where it was decided
    commands.record_decision(store, campaign.id, a.id, "keep", "Clear after all", date(2021, 3, 5), later.id)
    assert revision_history(store, campaign.id)[-1].change == (
        "Keep — Clear after all. Pre-test, 10 answers: ready — every criterion at least 70% favourable.")


def test_the_worksheets_follow_the_work(pt):
    store, campaign, session = pt
    materials, scoring, results = MaterialsWorksheet(), PretestWorksheet(), PretestResultsWorksheet()
    assert [w.progress(store, campaign).status for w in (materials, scoring, results)] == [Status.not_started] * 3
    a = commands.register_material(store, campaign.id, Material(type=MaterialType.poster, title="Poster"))
    p = materials.progress(store, campaign)
    assert p.status is Status.in_progress and "Add the text or the file of 'Poster (v1)'" in p.next_action
    commands.update_material(store, campaign.id, a.id, text="A young woman at a bus station")
    assert materials.progress(store, campaign).status is Status.done
    assert scoring.progress(store, campaign).status is Status.not_started
    for device in ("d1", "d2"):
        commands.submit_from_phone(store, campaign.id, session.id, a.id, device, scores=all_scores(2), own_words="x")
    assert scoring.progress(store, campaign).status is Status.done
    p = results.progress(store, campaign)
    assert p.status is Status.in_progress and p.next_action.startswith("Decide on 'Poster (v1)'")
    commands.record_decision(store, campaign.id, a.id, Choice.revise, "Too small", date(2021, 2, 20))
    assert results.progress(store, campaign).status is Status.done
    commands.add_version(store, campaign.id, a.id, "Bigger")  # a revision of a tested draft needs no second round
    assert scoring.progress(store, campaign).status is Status.done
    b = commands.register_material(store, campaign.id, slogan())
    p = scoring.progress(store, campaign)
    assert p.status is Status.in_progress and p.next_action == f"Pre-test '{b.name}' with the audience."
    keys = [w.key for w in registered()]
    assert keys.index("creative_brief") < keys.index("materials") < keys.index("pretest") \
        < keys.index("pretest_results")


def test_a_damaged_record_is_reported_not_overwritten(pt):
    store, campaign, _ = pt
    store.save_worksheet(campaign.id, pretest.KIND, {"materials": [{"title": 3}]})
    with pytest.raises(PretestError, match="could not be read"):
        record.load(store, campaign.id)
    with pytest.raises(PretestError):
        commands.register_material(store, campaign.id, slogan())
    assert store.worksheet(campaign.id, pretest.KIND) == {"materials": [{"title": 3}]}
    assert MaterialsWorksheet().progress(store, campaign).detail == "The pre-test record could not be read."


# ---- the example campaign --------------------------------------------------------------------------------------------

def test_the_example_holds_the_two_focus_groups_and_the_slogan_decision(demo, ready_store):
    store = ready_store
    fgds = [s for s in store.sessions(demo.id) if s.kind is SessionKind.pretest_fgd]
    assert [(s.place, s.start_date) for s in fgds] == [("Ulaanbaatar", date(2021, 2, 19)),
                                                        ("Darkhan-Uul", date(2021, 2, 20))]
    doc = record.load(store, demo.id)
    assert "invented" in doc.illustrative and doc.threshold == 70
    by_text = {m.text: m for m in doc.materials if m.type is MaterialType.slogan}
    dropped = by_text["Let's protect our dream and own our destiny"]
    kept = by_text["Let's be aware of, discuss about and prevent TIP"]
    assert doc.latest_decision(dropped.id).decision is Choice.drop
    assert "Confusing in both groups" in doc.latest_decision(dropped.id).reason
    assert doc.latest_decision(kept.id).decision is Choice.keep
    assert result_of(doc, dropped).verdict is Verdict.revise
    assert result_of(doc, kept).verdict is Verdict.ready
    # Both groups found slogan A confusing: each group's own results say "revise".
    for fgd in fgds:
        assert result_of(doc, dropped, session_id=fgd.id).get(Criterion.comprehension).verdict is Verdict.revise
        assert result_of(doc, kept, session_id=fgd.id).answers == doc.group(fgd.id).people
    assert any(len(doc.family(m.family_id)) == 2 for m in doc.materials)  # versions
    assert all(w.progress(store, demo).status is Status.done
               for w in (MaterialsWorksheet(), PretestWorksheet(), PretestResultsWorksheet()))
    # Loading again changes nothing.
    assert load_pretest_demo(store, demo) is False
    assert load_demo(store).id == demo.id
    assert len([s for s in store.sessions(demo.id) if s.kind is SessionKind.pretest_fgd]) == 2


def test_the_example_pretest_is_reused_and_not_duplicated_when_sessions_exist(store):
    from c4d.models import Campaign

    campaign = store.create_campaign(Campaign(name="Fresh copy"))
    add_session(store, campaign, "Pre-test focus group, Ulaanbaatar", kind=SessionKind.pretest_fgd,
                start=date(2021, 2, 19))
    assert load_pretest_demo(store, campaign) is True
    assert len(store.sessions(campaign.id)) == 2


def test_a_backup_copy_carries_the_pretest_with_its_new_session_ids(demo, ready_store):
    store = ready_store
    commands.register_material(store, demo.id, slogan("With a file"), Upload("poster.png", PNG))
    name, data = backup.export_campaign(store, demo.id)
    assert name.endswith(".c4d.zip")
    copy = backup.import_campaign(store, data, mode=backup.ImportMode.copy)
    assert copy.id != demo.id
    doc = record.load(store, copy.id)
    sessions = {s.id for s in store.sessions(copy.id)}
    assert doc.groups and all(g.session_id in sessions for g in doc.groups)
    assert all(r.session_id in sessions for r in doc.responses)
    [file] = [m.file for m in doc.materials if m.file]
    assert store.attachment(file.attachment_id)[2] == PNG


# ---- reports and data -----------------------------------------------------------------------------------------

def paragraphs(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return lines


def test_the_pretest_report_has_verdicts_charts_groups_and_decisions(demo, ready_store):
    data = build_pretest_report(ready_store, demo.id, prepared_on=date(2021, 2, 22))
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for expected in ("Verdicts at a glance", "Decision log", "How the materials were tested", "The pre-test groups",
                     "Results by material", "Slogan A — v1", "By pre-test group", "By sex",
                     "Versions and alternatives side by side", "Alternatives for: Campaign slogan"):
        assert expected in headings, expected
    lines = paragraphs(data)
    text = "\n".join(lines)
    assert "Let's protect our dream and own our destiny" in text
    assert "Confusing in both groups" in text and "Drop" in lines
    assert "Illustrative example" in text
    assert "Caution, small groups (fewer than 5): Man (n = 1)" in text
    assert "How well did you understand it?" in text  # the anchored wording is printed
    pictures = [s for s in document.inline_shapes]
    assert len(pictures) >= 6  # one chart per scored material, and the comparisons


def test_the_pretest_report_keeps_each_material_with_its_chart_and_its_criteria_readable(demo, ready_store):
    document = docx.Document(io.BytesIO(build_pretest_report(ready_store, demo.id, prepared_on=date(2021, 2, 22))))
    paragraphs_ = document.paragraphs
    verdict = next(i for i, p in enumerate(paragraphs_) if p.text.startswith("Revise — Comprehension: 29%"))
    # the facts, the slogan and the verdict go to the next page with the chart rather than alone
    for p in paragraphs_[verdict - 2:verdict + 1]:
        assert p.paragraph_format.keep_with_next, p.text
    assert paragraphs_[verdict + 1]._p.xpath(".//pic:pic")  # the chart follows the verdict
    shown = next(i for i, p in enumerate(paragraphs_) if p.text == "Materials shown, in this order:")
    assert all(p.paragraph_format.keep_with_next for p in paragraphs_[shown:shown + 5])

    def first_column_cm(header: str) -> float:
        table = next(t for t in document.tables if t.rows[0].cells[-1].text == header
                     or any(c.text == header for c in t.rows[0].cells))
        return table.columns[0].width.cm

    assert first_column_cm("Ahead") == pytest.approx(3.2, abs=0.05)  # versions and alternatives side by side
    assert first_column_cm("Ulaanbaatar (n = 9)") == pytest.approx(3.8, abs=0.05)  # the split by group
    assert first_column_cm("Share favourable") == pytest.approx(3.8, abs=0.05)


def test_workshop_reports_carry_the_pretest_where_it_happened_and_was_discussed(demo, ready_store):
    store = ready_store
    ub = paragraphs(build_workshop_report(store, demo.id, "pretest-ulaanbaatar-2021"))
    assert "Pre-test of draft materials" in ub and "Pre-test results and decisions" not in ub
    assert "Focus group discussion · Target audience · 9 people." in ub
    dk = paragraphs(build_workshop_report(store, demo.id, "pretest-darkhan-uul-2021"))
    assert "Pre-test of draft materials" in dk and "Pre-test results and decisions" in dk
    assert any("Confusing in both groups" in line for line in dk)
    ppcd = paragraphs(build_workshop_report(store, demo.id, "ppcd-2020"))
    assert not any(line.startswith("Pre-test") for line in ppcd)


def test_scores_export_one_row_per_answer_with_formulas_neutralised(pt):
    store, campaign, session = pt
    m = commands.register_material(store, campaign.id, slogan("=HYPERLINK(\"x\")"))
    commands.submit_from_phone(store, campaign.id, session.id, m.id, "device:a", scores=all_scores(5),
                               own_words="+1 call the helpline", comments={"general": "@everyone"})
    rows = list(csv.reader(io.StringIO(scores_csv(store, campaign).decode("utf-8-sig"))))
    header, [row] = rows[0], rows[1:]
    assert header[:4] == ["Session", "Date", "Place", "Respondent"]
    values = dict(zip(header, row))
    assert values["Material"] == "'=HYPERLINK(\"x\")"
    assert values["Main message in their words"] == "'+1 call the helpline"
    assert values["General comment"] == "'@everyone" and values["Appeal"] == "5" and values["From"] == "phone"
    assert scores_xlsx(store, campaign)[:2] == b"PK"


def test_the_paper_form_uses_the_translated_anchors_and_escapes_everything():
    from c4d.phones import phrases

    words = phrases.phrases("mn", {"mn": {"pretest_appeal_5": "Маш их таалагдсан"}})
    material = slogan(SCRIPT, text=f"{SCRIPT} Мөрөөдлийн шүхэр")
    page = paper_form_html(SCRIPT, "Pre-test", [material], list(CORE_CRITERIA), words, "mn")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "Маш их таалагдсан" in page and "I did not understand it" in page
    assert page.count('class="box"') == 5 * len(CORE_CRITERIA)


def test_the_pretest_phrases_cover_every_criterion_and_score():
    from c4d.phones import phrases

    for criterion in Criterion:
        for part in ("q", "1", "2", "3", "4", "5"):
            assert phrases.ENGLISH[f"pretest_{criterion.value}_{part}"]
    assert {"materials", "pretest", "pretest_results"} <= {w.key for w in registered()}

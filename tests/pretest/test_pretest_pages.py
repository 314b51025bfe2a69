"""The pre-test pages driven through the real app (AppTest): draft materials, pre-test
scoring (sessions, composition, phones, paper-form grid, wording) and results
(verdicts, threshold, comparisons, decisions, projector)."""

from __future__ import annotations

from datetime import date

import pytest

from c4d import lan
from c4d.models import Campaign, SessionKind, Sex
from c4d.phones import phrases
from c4d.phones.model import Showing
from c4d.pretest import commands, record
from c4d.pretest import model as pretest
from c4d.pretest.files import Upload
from c4d.pretest.model import Choice, CountRow, Material, MaterialType, PretestGroup
from tests.fixtures_store import add_session
from tests.test_pages import button, texts

MATERIALS, SCORING, RESULTS = "worksheets/materials.py", "worksheets/pretest.py", "worksheets/pretest_results.py"


@pytest.fixture(autouse=True)
def fixed_network(monkeypatch):
    monkeypatch.setattr(lan, "candidate_addresses", lambda: ["192.168.137.1"])


@pytest.fixture
def fresh(ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Safe Journeys", participant_language="mn"))
    return ready_store, campaign


def by_label(elements, label):
    found = [e for e in elements if e.label == label]
    assert found, f"no element labelled {label!r}: {[e.label for e in elements]}"
    return found[0]


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def open_tab(at, label: str):
    """Open a tab of the scoring page (only the open tab's content runs)."""
    at.session_state["pretest-tabs"] = label
    return at.run()


# ---- draft materials ----------------------------------------------------------------------------------

def test_the_register_lists_the_example_with_versions_and_status(app, demo):
    at = app(MATERIALS, campaign=demo)
    register = frames(at)[0]
    assert len(register) == 7
    assert set(register["Version"]) == {"v1", "v2"}
    statuses = dict(zip(register["Material"] + " " + register["Version"], register["Status"]))
    assert statuses["Slogan A v1"] == "dropped" and statuses["Slogan B v1"] == "kept"
    assert statuses["Transit-point poster v1"] == "revised (v2)"
    body = texts(at)
    assert "Let's protect our dream and own our destiny" in body
    assert "Illustrative example" in body and "Decision, 20 Feb 2021: Drop" in body


def test_a_slogan_is_registered_by_typing_it(app, fresh):
    store, campaign = fresh
    at = app(MATERIALS, campaign=campaign)
    at.selectbox[0].set_value(MaterialType.slogan)
    by_label(at.text_input, "Title").input("Slogan A")
    by_label(at.text_input, "Language").input("Mongolian")
    by_label(at.text_input, "What it is for (optional)").input("Campaign slogan")
    by_label(at.text_area, "Text (a slogan, a script, a post — optional when you attach a file)").input(
        "Мөрөөдлөө хамгаалъя <b>")
    button(at, "Register the material").click().run()
    assert not at.exception
    [material] = record.load(store, campaign.id).materials
    assert (material.type, material.title, material.purpose, material.version) == (
        MaterialType.slogan, "Slogan A", "Campaign slogan", 1)
    assert material.text == "Мөрөөдлөө хамгаалъя <b>"
    assert "Registered Slogan A (v1)." in texts(at)
    assert "Мөрөөдлөө хамгаалъя <b>" in texts(at)  # shown as typed, never as markup


def test_a_material_with_nothing_to_show_is_refused(app, fresh):
    store, campaign = fresh
    at = app(MATERIALS, campaign=campaign)
    by_label(at.text_input, "Title").input("Poster")
    button(at, "Register the material").click().run()
    assert "type the text or attach the file" in at.error[0].value
    assert record.load(store, campaign.id).materials == []


def test_a_file_too_big_or_of_another_kind_is_refused_with_its_reason(app, fresh):
    store, campaign = fresh
    at = app(MATERIALS, campaign=campaign)
    by_label(at.text_input, "Title").input("Launch video")
    uploader = next(u for u in at.file_uploader if u.label.startswith("The file (optional, at most 25 MB)"))
    uploader.upload("launch.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (pretest.MAX_FILE_BYTES + 1), "video/mp4")
    button(at, "Register the material").click().run()
    assert not at.exception
    assert "'launch.mp4' is 25.0 MB; a draft material can be at most 25 MB" in texts(at)
    assert record.load(store, campaign.id).materials == [] and store.attachments(campaign.id) == []

    poster = commands.register_material(store, campaign.id, Material(type=MaterialType.poster, title="Poster",
                                                                     text="Draft poster, described"))
    at = app(MATERIALS, campaign=campaign)
    at.file_uploader(key=f"file-{poster.id}-0").upload("poster.psd", b"8BPS" + b"\x00" * 64,
                                                         "image/vnd.adobe.photoshop").run()
    assert not at.exception
    assert "Not saved: '.psd' files are not accepted. Use pictures (PNG, JPEG" in texts(at)
    assert "Save this file" not in [b.label for b in at.button]  # nothing to press: nothing half-saved
    assert record.load(store, campaign.id).material(poster.id).file is None
    at.file_uploader(key=f"file-{poster.id}-0").upload("poster.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                                                         "image/png").run()
    assert not at.error
    button(at, "Save this file").click().run()
    saved = record.load(store, campaign.id).material(poster.id).file
    assert saved is not None and saved.filename == "poster.png" and saved.kind == "image"


def test_a_new_version_says_what_changed(app, fresh):
    store, campaign = fresh
    v1 = commands.register_material(store, campaign.id, Material(type=MaterialType.poster, title="Poster",
                                                                 text="Small helpline number"))
    at = app(MATERIALS, campaign=campaign)
    button(at, "Create the new version").click().run()
    assert "Say what changed from the previous version and why." in texts(at)
    by_label(at.text_area, "What changed, and why").input("Helpline number three times larger")
    by_label(at.text_area, "Text of the new version").input("Big helpline number")
    button(at, "Create the new version").click().run()
    assert not at.exception
    family = record.load(store, campaign.id).family(v1.id)
    assert [(m.version, m.text, m.changes) for m in family] == [
        (1, "Small helpline number", ""), (2, "Big helpline number", "Helpline number three times larger")]
    assert at.selectbox(key="material-picker").value == family[1].id  # the new version is shown
    assert "What changed from v1: Helpline number three times larger" in texts(at)


def test_a_pdf_draft_shows_its_pages_in_the_page_and_on_the_projector(app, fresh):
    from tests.pretest.test_material_preview import pdf_with_pages

    store, campaign = fresh
    commands.register_material(store, campaign.id, Material(type=MaterialType.storyboard, title="Storyboard"),
                               Upload("storyboard.pdf", pdf_with_pages(3)))
    at = app(MATERIALS, campaign=campaign)
    assert not at.exception
    captions = [c.caption for image in at.get("image") for c in image.proto.imgs]
    assert captions == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert "This browser page cannot show" not in texts(at)
    at.session_state["projector"] = True
    at.run()
    assert not at.exception and len(at.get("image")) == 3


def test_projector_mode_shows_the_material_without_the_forms(app, demo):
    at = app(MATERIALS, campaign=demo)
    at.session_state["projector"] = True
    at.run()
    assert not at.exception
    assert "Let's protect our dream and own our destiny" in texts(at)
    assert not [b for b in at.button if b.label in ("Register the material", "Create the new version")]


# ---- pre-test scoring ------------------------------------------------------------------------------------

def test_a_pretest_session_is_added_with_its_group(app, fresh):
    store, campaign = fresh
    at = app(SCORING, campaign=campaign)
    assert "Add the session" in [b.label for b in at.button]
    by_label(at.text_input, "Place").input("Darkhan-Uul")
    by_label(at.text_input, "Facilitator(s), separated by commas").input("Facilitator A, Researcher B")
    button(at, "Add the session").click().run()
    assert not at.exception
    [session] = store.sessions(campaign.id)
    assert (session.kind, session.title, session.place) == (SessionKind.pretest_fgd,
                                                           "Pre-test focus group, Darkhan-Uul",
                                                           "Darkhan-Uul")
    assert session.facilitators == ["Facilitator A", "Researcher B"]
    assert record.load(store, campaign.id).group(session.id) is not None


@pytest.fixture
def planned(fresh):
    store, campaign = fresh
    session = add_session(store, campaign, "Pre-test focus group, Darkhan-Uul", kind=SessionKind.pretest_fgd,
                          start=date(2021, 2, 20), place="Darkhan-Uul")
    a = commands.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Slogan A", text="A"))
    b = commands.register_material(store, campaign.id, Material(type=MaterialType.slogan, title="Slogan B", text="B"))
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id))
    return store, campaign, session, a, b


def test_the_group_and_the_order_of_materials_are_saved(app, planned):
    store, campaign, session, a, b = planned
    at = app(SCORING, campaign=campaign)
    by_label(at.radio, "Who took part").set_value(pretest.Composition.mixed)
    by_label(at.multiselect, "Materials shown, in the order shown").set_value([b.id, a.id])
    button(at, "Save").click().run()
    assert not at.exception
    group = record.load(store, campaign.id).group(session.id)
    assert group.composition is pretest.Composition.mixed and group.material_order == [b.id, a.id]
    assert "Order: Slogan B (v1) → Slogan A (v1)" in texts(at)


def test_materials_go_on_the_phones_one_after_the_other(app, planned):
    store, campaign, session, a, b = planned
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, material_order=[a.id, b.id]))
    at = open_tab(app(SCORING, campaign=campaign), "Scoring on phones")
    assert "Phones now show a 'please wait' page." in texts(at)
    button(at, "Show next: Slogan A (v1)").click().run()
    state = store.live_state(session.id)
    assert (state.showing, state.material_id) == (Showing.pretest, a.id)
    assert "Phones now show: Slogan A (v1)" in texts(at)
    button(at, "Show next: Slogan B (v1)").click().run()
    assert store.live_state(session.id).material_id == b.id
    counts = next(f for f in frames(at) if "On phones now" in f.columns)
    assert list(counts["On phones now"]) == ["", "yes"]
    button(at, "Take off the phones").click().run()
    assert store.live_state(session.id).showing is Showing.wait


def test_grid_rows_come_from_the_composition(app, planned):
    store, campaign, session, a, b = planned
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, material_order=[a.id], counts=[
        CountRow(sex=Sex.woman, age_band="18–24", count=2), CountRow(sex=Sex.man, age_band="25–29", count=1)]))
    at = open_tab(app(SCORING, campaign=campaign), "Paper forms (grid)")
    button(at, "Add rows for the 3 people of the composition").click().run()
    assert not at.exception
    doc = record.load(store, campaign.id)
    assert [(r.label, r.sex) for r in doc.respondents] == [("P1", Sex.woman), ("P2", Sex.woman), ("P3", Sex.man)]
    assert not [b for b in at.button if b.label.startswith("Add rows for")]
    from tests.tables import editor

    grid = editor(at, "Participant").value.to_dict("records")  # drawn again from what is saved
    assert [(r["Participant"], r["Sex"], r["From"]) for r in grid] == [
        ("P1", "Woman", "paper"), ("P2", "Woman", "paper"), ("P3", "Man", "paper")]


def test_the_projector_shows_the_material_on_the_phones_and_follows_it(app, planned):
    store, campaign, session, a, b = planned
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, material_order=[a.id, b.id],
                                                         counts=[CountRow(sex=Sex.woman, age_band="18–24", count=4)]))
    commands.update_material(store, campaign.id, a.id, text="Let's protect our dream and own our destiny")
    commands.show_material(store, campaign.id, session.id, a.id)
    commands.submit_from_phone(store, campaign.id, session.id, a.id, "phone-1",
                               scores={c: 4 for c in pretest.CORE_CRITERIA}, own_words="Dreams")
    at = app(SCORING, campaign=campaign)
    at.session_state["projector"] = True
    at.run()
    assert not at.exception
    body = texts(at)
    assert "Let's protect our dream and own our destiny" in body and "1 of 4 answered" in body
    assert not [b for b in at.button if b.label.startswith("Show")]  # the room sees no controls
    assert "Phones now show" not in body
    commands.show_material(store, campaign.id, session.id, b.id)  # moved on from the laptop
    at.run()
    body = texts(at)
    assert "Slogan B" in [h.value for h in at.header] and "0 of 4 answered" in body
    assert "Let's protect our dream" not in body


def test_the_grid_opens_on_the_material_the_phones_show(app, planned):
    store, campaign, session, a, b = planned
    commands.save_group(store, campaign.id, PretestGroup(session_id=session.id, material_order=[a.id, b.id]))
    commands.show_material(store, campaign.id, session.id, b.id)
    at = open_tab(app(SCORING, campaign=campaign), "Paper forms (grid)")
    assert not at.exception
    assert by_label(at.selectbox, "Material").value == b.id


def test_believability_and_the_wording_in_the_participants_language(app, planned):
    store, campaign, *_ = planned
    at = open_tab(app(SCORING, campaign=campaign), "Scoring on phones")
    at.toggle(key="pretest-believability").set_value(True).run()
    assert record.load(store, campaign.id).believability
    box = by_label(at.text_input, phrases.ENGLISH["pretest_appeal_5"])
    box.input("Маш их таалагдсан")
    button(at, "Save the wording").click().run()
    assert not at.exception
    assert phrases.load_translations(store)["mn"]["pretest_appeal_5"] == "Маш их таалагдсан"
    assert "Saved 1 phrase(s)." in texts(at)


def test_the_scoring_page_of_the_example_switches_between_its_two_groups(app, demo, ready_store):
    at = app(SCORING, campaign=demo)
    body = texts(at)
    assert "Order: Slogan B (v1) → Slogan A (v1)" in body  # Darkhan-Uul saw the slogans in the other order
    assert "Illustrative example" in body
    ub = ready_store.session(demo.id, "pretest-ulaanbaatar-2021")
    at.selectbox(key="pretest-session").set_value(ub.id).run()
    assert "Order: Slogan A (v1) → Slogan B (v1)" in texts(at)
    assert "19 Feb 2021 · Ulaanbaatar" in texts(at)


# ---- results and decisions -------------------------------------------------------------------------------------

def verdicts(at) -> dict[str, str]:
    table = frames(at)[0]
    return dict(zip(table["Material"], table["Verdict"]))


def test_the_results_show_verdicts_and_follow_the_threshold(app, demo, ready_store):
    at = app(RESULTS, campaign=demo)
    assert verdicts(at) == {"Slogan A (v1)": "Revise", "Slogan B (v1)": "Ready", "Transit-point poster (v1)": "Revise",
                            "The summer job offer (v1)": "Revise", "Check a job offer (v1)": "Ready"}
    assert "Revise — Comprehension: 29% favourable (5 of 17)" in texts(at)
    at.number_input(key="pretest-threshold").set_value(55).run()
    assert not at.exception
    assert record.load(ready_store, demo.id).threshold == 55
    assert verdicts(at)["Transit-point poster (v1)"] == "Ready"  # persuasion 59% passes 55%
    at.number_input(key="pretest-threshold").set_value(100).run()
    assert set(verdicts(at).values()) == {"Revise"}


def test_results_of_one_group(app, demo, ready_store):
    at = app(RESULTS, campaign=demo)
    assert set(frames(at)[0]["Answers"]) == {17}
    ub = ready_store.session(demo.id, "pretest-ulaanbaatar-2021")
    at.radio(key="pretest-scope").set_value(ub.id).run()
    assert not at.exception
    assert set(frames(at)[0]["Answers"]) == {9}
    assert verdicts(at)["The summer job offer (v1)"] == "Ready"  # relevance was low in Darkhan-Uul only


def test_a_decision_needs_a_reason_and_lands_in_the_log(app, demo, ready_store):
    at = app(RESULTS, campaign=demo)
    before = len(record.load(ready_store, demo.id).decisions)
    button(at, "Record the decision").click().run()
    assert "give the reason" in at.error[0].value
    assert len(record.load(ready_store, demo.id).decisions) == before
    by_label(at.text_area, "Reason (what the groups said)").input("Still confusing after a second look")
    button(at, "Record the decision").click().run()
    assert not at.exception
    entry = pretest.decision_log(record.load(ready_store, demo.id))[-1]
    assert (entry.material, entry.decision, entry.reason) == ("Slogan A (v1)", Choice.revise,
                                                             "Still confusing after a second look")
    assert "Register the revised draft as a new version" in texts(at)


def test_versions_and_alternatives_side_by_side(app, demo):
    at = app(RESULTS, campaign=demo)
    preset = at.selectbox(key="pretest-compare-preset")
    assert "Alternatives for: Campaign slogan" in preset.options
    preset.set_value("Alternatives for: Campaign slogan").run()
    table = frames(at)[-2]
    assert list(table.columns)[-2] == "Difference (Slogan B (v1) − Slogan A (v1))"
    assert table.iloc[0]["Ahead"] == "Slogan B (v1)"


def test_projector_shows_the_verdicts_large(app, demo):
    at = app(RESULTS, campaign=demo)
    at.session_state["projector"] = True
    at.run()
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert html.count("✓ Ready") == 2 and html.count("✗ Revise") == 3
    assert not [b for b in at.button if b.label == "Record the decision"]


def test_results_page_without_scores_says_where_they_come_from(app, fresh):
    _, campaign = fresh
    at = app(RESULTS, campaign=campaign)
    assert "No material has been scored yet." in texts(at)

"""The brief's tables through the real app, edited as the browser edits them: what is typed
stays saved after leaving the page, empty cells show empty, a row started in any column is
kept, and the gap box says what the exported version says."""

from __future__ import annotations

from datetime import date

import pytest

from c4d.brief import model as brief
from c4d.brief.checks import check
from c4d.brief.commands import update_fields
from c4d.brief.compose import compose, load_fields
from c4d.brief.outline import GapMark, outline
from c4d.models import Campaign
from tests.tables import edit_table, editor
from tests.test_pages import texts

PAGE = "worksheets/creative_brief.py"
NO_DELIVERABLES = "No deliverables"


@pytest.fixture
def fresh(ready_store):
    return ready_store.create_campaign(Campaign(name="Safe jobs", summary="Fake agencies recruit young people."))


def exported_gaps(store, campaign) -> str:
    """The gap marks of the version an export would write now (the DOCX is written from this outline)."""
    composed = compose(store, campaign)
    return "\n".join(b.text for s in outline(composed, check(composed)) for b in s.blocks if isinstance(b, GapMark))


def test_a_deliverable_added_stays_after_leaving_the_page_and_coming_back(app, fresh, ready_store):
    at = app(PAGE, fresh)
    assert NO_DELIVERABLES in texts(at)
    edit_table(at, editor(at, "Deliverable"), added=[{"Deliverable": "Radio spot", "Format": "30 s"}])
    assert [d.item for d in load_fields(ready_store, fresh.id).deliverables] == ["Radio spot"]
    assert any("Saved: deliverables" in t.value for t in at.toast)
    assert NO_DELIVERABLES not in texts(at)  # the gap box already reads what was saved

    at.switch_page("worksheets/settings.py").run()
    at.switch_page(PAGE).run()
    at.run()  # and a plain rerun saves nothing
    assert [d.item for d in load_fields(ready_store, fresh.id).deliverables] == ["Radio spot"]
    assert list(editor(at, "Deliverable").value["Deliverable"]) == ["Radio spot"]
    assert NO_DELIVERABLES not in texts(at)
    assert NO_DELIVERABLES not in exported_gaps(ready_store, fresh)


def test_the_gap_box_and_the_exported_version_agree_after_each_edit(app, fresh, ready_store):
    at = app(PAGE, fresh)
    edit_table(at, editor(at, "Deliverable"), added=[{"Deliverable": "Poster"}])
    edit_table(at, editor(at, "Deliverable"), deleted=[0])
    assert load_fields(ready_store, fresh.id).deliverables == []
    assert NO_DELIVERABLES in texts(at) and NO_DELIVERABLES in exported_gaps(ready_store, fresh)


def test_a_table_changed_elsewhere_is_shown_as_saved_and_not_overwritten(app, fresh, ready_store):
    at = app(PAGE, fresh)
    update_fields(ready_store, fresh.id, deliverables=[brief.Deliverable(item="Leaflet")])  # another laptop
    at.run()
    assert list(editor(at, "Deliverable").value["Deliverable"]) == ["Leaflet"]
    assert [d.item for d in load_fields(ready_store, fresh.id).deliverables] == ["Leaflet"]


def test_a_row_started_in_the_second_column_is_kept_and_named_as_missing(app, fresh, ready_store):
    at = app(PAGE, fresh)
    edit_table(at, editor(at, "Deliverable"), added=[{"Format": "A2 poster, Khmer"}])
    [kept] = load_fields(ready_store, fresh.id).deliverables
    assert kept.format == "A2 poster, Khmer" and kept.item == ""
    assert list(editor(at, "Format").value["Format"]) == ["A2 poster, Khmer"]
    shown = texts(at)
    assert "Deliverable 1 has no name" in shown
    assert "Deliverable 1 has no name" in exported_gaps(ready_store, fresh)
    edit_table(at, editor(at, "Deliverable"), edited={0: {"Deliverable": "Poster"}})
    assert [(d.item, d.format) for d in load_fields(ready_store, fresh.id).deliverables] == [
        ("Poster", "A2 poster, Khmer")]
    assert "has no name" not in texts(at)


def test_empty_cells_show_empty_never_none(app, fresh, ready_store):
    update_fields(ready_store, fresh.id, deliverables=[brief.Deliverable(item="Radio spot")],
                  revisions=[brief.RevisionNote(what="Pre-test")])
    at = app(PAGE, fresh)
    for table in at.data_editor:
        assert table.proto.HasField("placeholder") and table.proto.placeholder == ""  # drawn empty, not "None"
    frame = editor(at, "Deliverable").value
    assert "None" not in frame.astype(str).where(frame.notna(), "").to_numpy().ravel().tolist()


def test_revision_notes_are_saved_once_and_survive_a_visit_elsewhere(app, fresh, ready_store):
    at = app(PAGE, fresh)
    edit_table(at, editor(at, "What prompted it"),
               added=[{"When": "2021-02-22", "What prompted it": "Pre-test focus groups"}])
    [note] = load_fields(ready_store, fresh.id).revisions
    assert (note.when, note.what) == (date(2021, 2, 22), "Pre-test focus groups")
    update_fields(ready_store, fresh.id, revisions=[note, brief.RevisionNote(what="Partner's review")])  # elsewhere
    at.switch_page("worksheets/settings.py").run()
    at.switch_page(PAGE).run()
    assert [r.what for r in load_fields(ready_store, fresh.id).revisions] == ["Pre-test focus groups",
                                                                             "Partner's review"]

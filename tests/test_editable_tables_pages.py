"""Every page's editable table goes through `ui.editable_table`: edited as the browser does,
what is typed is saved once, stays after leaving the page, and a row started in a column
other than the first is kept or its missing part is named."""

from __future__ import annotations

from tests.tables import edit_table, editor
from tests.test_pages import button, texts

SESSIONS = "worksheets/sessions.py"
PARTICIPANTS = "worksheets/participants.py"
DECISIONS = "worksheets/decisions.py"


def leave_and_come_back(at, page):
    at.switch_page("worksheets/settings.py").run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]


def test_an_agenda_row_started_in_the_time_column_waits_for_its_title_then_stays(app, demo, ready_store):
    at = app(SESSIONS, demo)
    session = ready_store.sessions(demo.id)[0]
    before = len(session.agenda)
    edit_table(at, editor(at, "title"), added=[{"time": "16:00"}])
    assert len(ready_store.session(demo.id, session.id).agenda) == before
    assert f"Row {before + 1} needs an item title" in texts(at)
    edit_table(at, editor(at, "title"), added=[{"time": "16:00", "title": "Closing circle"}])
    assert ready_store.session(demo.id, session.id).agenda[-1].title == "Closing circle"
    assert "needs an item title" not in texts(at)
    leave_and_come_back(at, SESSIONS)
    assert list(editor(at, "title").value["title"])[-1] == "Closing circle"
    assert ready_store.session(demo.id, session.id).agenda[-1].title == "Closing circle"


def test_a_register_edit_is_saved_once_and_shown_after_coming_back(app, demo, ready_store):
    at = app(PARTICIPANTS, demo)
    table = editor(at, "Organisation")
    first = table.value.iloc[0]
    edit_table(at, table, edited={0: {"Contact": "+976 9911 2233"}})
    saved = next(p for p in ready_store.participants(ready_store.sessions(demo.id)[0].id) if p.id == first["id"])
    assert saved.contact == "+976 9911 2233"
    leave_and_come_back(at, PARTICIPANTS)
    assert editor(at, "Organisation").value.iloc[0]["Contact"] == "+976 9911 2233"
    assert not at.data_editor or all(t.proto.placeholder == "" for t in at.data_editor)


def test_votes_typed_without_an_option_are_named_not_dropped(app, demo, ready_store):
    at = app(DECISIONS, demo)
    before = len(ready_store.decisions(demo.id))
    at.text_input[0].input("Young women aged 18–27")
    button(at, "Save decision").click()
    edit_table(at, editor(at, "Votes"), added=[{"Option": "Young women"}, {"Votes": 5}])
    assert "row 2 has votes but no option" in texts(at)
    assert len(ready_store.decisions(demo.id)) == before

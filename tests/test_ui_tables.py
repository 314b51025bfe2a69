"""`ui.editable_table`, the one way a page draws a table the facilitator edits: a change is
saved once (never again on a rerun), the table always starts from what is stored, a row
started in any column is a row, empty cells show empty, and a refused or unfinished change
stays on screen."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from c4d import ui
from tests.tables import edit_table


def table_page():
    import streamlit as st

    from c4d import ui

    stored = st.session_state["stored"]

    def save(edit):
        st.session_state["saves"] = st.session_state.get("saves", 0) + 1
        rows = [r for r in edit.rows() if any(r.values())]
        if any(r["Note"] == "refuse" for r in rows):
            raise ValueError("that note is refused")
        stored[:] = [r for r in rows if r["Name"]]
        return len(stored) < len(rows)  # a row without a name waits in the table

    ui.editable_table("people", stored, ["Name", "Note"], save=save, what="People", num_rows="dynamic",
                      dtypes={"Name": "string", "Note": "string"})


@pytest.fixture
def page():
    def make(rows):
        at = AppTest.from_function(table_page, default_timeout=30)
        at.session_state["stored"] = rows
        return at.run()
    return make


def test_a_rerun_saves_nothing(page):
    at = page([{"Name": "Ana", "Note": None}])
    at.run().run()
    assert "saves" not in at.session_state


def test_a_change_is_saved_once_and_the_table_starts_again_from_what_is_stored(page):
    at = page([{"Name": "Ana", "Note": None}])
    first_key = at.data_editor[0].key
    edit_table(at, at.data_editor[0], edited={0: {"Note": "  speaks first "}}, added=[{"Name": "Bat"}])
    assert at.session_state["stored"] == [{"Name": "Ana", "Note": "speaks first"}, {"Name": "Bat", "Note": None}]
    assert at.session_state["saves"] == 1
    assert at.data_editor[0].key != first_key  # a fresh table of the saved rows, no old edits applied again
    assert list(at.data_editor[0].value["Name"]) == ["Ana", "Bat"]
    at.run()
    assert at.session_state["saves"] == 1


def test_rows_changed_elsewhere_replace_the_table_and_old_edits_are_not_applied_to_them(page):
    at = page([{"Name": "Ana", "Note": None}, {"Name": "Bat", "Note": None}])
    at.session_state["stored"] = [{"Name": "Chuluun", "Note": "new"}]  # another laptop saved this
    at.run()
    assert list(at.data_editor[0].value["Name"]) == ["Chuluun"]
    assert "saves" not in at.session_state


def test_a_row_started_in_the_second_column_waits_in_the_table_until_it_has_a_name(page):
    at = page([{"Name": "Ana", "Note": None}])
    table = at.data_editor[0]
    edit_table(at, table, added=[{"Note": "from the district office"}])
    assert at.data_editor[0].key == table.key  # still being typed: the table stays as it is on screen
    assert at.session_state["stored"] == [{"Name": "Ana", "Note": None}]
    edit_table(at, at.data_editor[0], added=[{"Note": "from the district office", "Name": "Dulam"}])
    assert at.session_state["stored"][-1] == {"Name": "Dulam", "Note": "from the district office"}
    assert at.data_editor[0].key != table.key


def test_a_refused_change_is_explained_and_kept_in_the_table(page):
    at = page([{"Name": "Ana", "Note": None}])
    table = at.data_editor[0]
    edit_table(at, table, edited={0: {"Note": "refuse"}})
    assert [e.value for e in at.error] == [r"People not saved\: that note is refused"]
    assert at.data_editor[0].key == table.key and at.session_state["stored"][0]["Note"] is None
    edit_table(at, at.data_editor[0], edited={0: {"Note": "fine"}})
    assert not at.error and at.session_state["stored"][0]["Note"] == "fine"


def test_empty_cells_are_drawn_empty(page):
    at = page([{"Name": "Ana", "Note": None}])
    assert at.data_editor[0].proto.HasField("placeholder") and at.data_editor[0].proto.placeholder == ""


def test_the_rows_of_an_edit_read_as_the_table_does():
    edit = ui.TableEdit(("Name", "Votes"), [{"Name": "A", "Votes": 1.0}, {"Name": "B", "Votes": float("nan")},
                                            {"Name": "C", "Votes": 3.0}],
                        {"edited_rows": {"0": {"Name": " Ann "}}, "deleted_rows": [2],
                         "added_rows": [{}, {"Votes": 4}, {"Name": "  "}]}, {})
    rows = edit.rows()
    assert rows[0] == {"Name": "Ann", "Votes": 1.0}
    assert rows[1]["Name"] == "B" and rows[1]["Votes"] is None
    assert rows[2] == {"Name": None, "Votes": 4}  # started in the second column: still a row
    assert len(rows) == 3 and not any(isinstance(v, float) and math.isnan(v) for r in rows for v in r.values())


def test_the_key_follows_the_stored_content():
    assert ui.table_key("t", [{"a": 1}]) == ui.table_key("t", [{"a": 1}])
    assert ui.table_key("t", [{"a": 1}]) != ui.table_key("t", [{"a": 2}])


def test_a_waiting_table_starts_again_when_what_is_stored_changes_elsewhere(page):
    at = page([{"Name": "Ana", "Note": None}])
    edit_table(at, at.data_editor[0], added=[{"Note": "no name yet"}])
    waiting = at.data_editor[0].key
    at.run()
    assert at.data_editor[0].key == waiting  # a rerun keeps the unfinished row on screen
    at.session_state["stored"] = [{"Name": "Bat", "Note": None}]  # another laptop
    at.run()
    assert at.data_editor[0].key != waiting and list(at.data_editor[0].value["Name"]) == ["Bat"]

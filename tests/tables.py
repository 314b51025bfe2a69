"""Editing a table in an AppTest as the browser does: the table's change is sent as the
editor's widget state, so its callback runs before the page, as in a real session."""

from __future__ import annotations

import json

from streamlit.proto.WidgetStates_pb2 import WidgetState


def editor(at, column: str):
    """The editable table that has this column."""
    found = [e for e in at.data_editor if column in e.value.columns]
    assert found, f"no editable table with a {column!r} column"
    return found[0]


def edit_table(at, table, *, edited=None, added=None, deleted=None):
    """Send one change to `table` (an `at.data_editor` element) and run the page."""
    states = at._tree.get_widget_states()
    state = WidgetState(id=table.proto.id)
    state.string_value = json.dumps({"edited_rows": {str(k): v for k, v in (edited or {}).items()},
                                     "added_rows": added or [], "deleted_rows": deleted or []})
    states.widgets.append(state)
    at._run(widget_state=states)
    assert not at.exception, [e.value for e in at.exception]
    return at

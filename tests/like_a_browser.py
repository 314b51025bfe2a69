"""What a browser does with a page's fields that AppTest does not.

Streamlit's browser side keeps what each field holds under the field's id (for a keyed
field, its key) and sends it back with every later run. A new value from the server replaces
it only when the page's script set that value (the element then carries `set_value`), or
when the field is new (another id). So a page that empties a field by deleting its session
state shows an empty field in AppTest and the old text in a real browser, which then sends
it back into the next record (checked in Chromium: tests/browser/test_forms_in_chromium.py).

`run_as_a_browser(at, action)` notes what the fields hold when the page runs and puts it back
after the run wherever a browser would keep it, so the next run sends what a browser sends.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from streamlit.testing.v1.element_tree import ElementTree, Widget

FIELDS = ("text_input", "text_area", "number_input", "selectbox", "multiselect", "radio", "date_input",
          "checkbox", "toggle", "slider", "select_slider", "time_input", "color_picker")


def _fields(at):
    for kind in FIELDS:
        yield from getattr(at, kind)


def as_a_browser_keeps_it(at, before: dict[str, Any]) -> None:
    """After a run: each field with the same id as before, whose value the script did not
    set, holds what it held before (the browser kept it)."""
    for w in _fields(at):
        if w.id in before and not getattr(w.proto, "set_value", False) and not getattr(w.proto, "disabled", False):
            if w.value != before[w.id]:
                w.set_value(before[w.id])


def run_as_a_browser(at, action) -> None:
    """`action(at)` (typing, a click, a run), then the fields as a browser shows them: what
    each field held when the page last ran, where the browser keeps it."""
    held: dict[str, Any] = {}
    send = ElementTree.get_widget_states

    def noting(tree):
        held.clear()
        held.update({w.id: w.value for w in tree if isinstance(w, Widget) and w.type in FIELDS
                     and not getattr(w.proto, "disabled", False)})
        return send(tree)

    with patch.object(ElementTree, "get_widget_states", noting):
        action(at)
    as_a_browser_keeps_it(at, held)

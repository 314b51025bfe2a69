"""Small pieces shared by the five audience-analysis pages (not a page itself).

Every piece of user text shown through a markdown element goes through `ui.plain`;
refusals name the field and the problem, and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from pydantic import ValidationError

from c4d import ui
from c4d.audience.checks import Finding, Severity
from c4d.db.errors import Conflict, NotFound
from c4d.models import Campaign
from c4d.worksheet import Progress, Worksheet
from c4d.text import clip

T = TypeVar("T")

PICTURE_CSS = """
<style>
.st-key-c4d-picture img { max-height: calc(100vh - 10.5rem); width: auto !important; max-width: 100%;
  object-fit: contain; display: block; margin: 0 auto; }
</style>
"""


@contextmanager
def saving(what: str) -> Iterator[None]:
    """A refused change is shown as one clear message, escaped; nothing is saved."""
    try:
        yield
    except (ValidationError, ValueError, Conflict, NotFound) as exc:
        st.error(ui.plain(f"{what} not saved: " + "; ".join(ui.explain(exc))), icon=":material/block:")


def fresh(name: str) -> str:
    """A widget key that changes after each successful save, so the field starts empty."""
    return f"{name}-{st.session_state.setdefault('_v_' + name, 0)}"


def clear(*names: str) -> None:
    for name in names:
        st.session_state["_v_" + name] = st.session_state.get("_v_" + name, 0) + 1


def pick(label: str, items: dict[str, T], key: str, name: Callable[[T], str]) -> T:
    """The item to edit, chosen by its name; a choice removed meanwhile (e.g. on another
    screen) falls back to the first item."""
    if st.session_state.get(key) not in items:
        st.session_state.pop(key, None)
    return items[st.selectbox(label, list(items), key=key, format_func=lambda i: name(items[i]))]


def save_changes(what: str, save: Callable[[], Any], message: str) -> None:
    """An edit form's 'Save changes' button: saves, says `message` and shows the page
    again; a refusal is shown instead and nothing is saved."""
    if st.form_submit_button("Save changes"):
        with saving(what):
            save()
            ui.flash(message)
            st.rerun()


def remove_button(what: str, key: str, remove: Callable[[], Any], name: str, note: str = "") -> None:
    """'Remove this <what>' behind a popover, with a `note` on what else changes."""
    with st.popover(f"Remove this {what}"):
        if note:
            st.write(note)
        if st.button("Remove", key=key):
            with saving(what.capitalize()):
                remove()
                ui.flash(f"Removed: {ui.plain(short(name))}")
                st.rerun()


def page_top(worksheet: Worksheet, campaign: Campaign, about: str) -> None:
    """The page's title; for the facilitator (not on the projector) what the page is for
    and the worksheet's status; then the messages of the last save."""
    st.title(worksheet.title)
    if not ui.projector_on():
        st.caption(about)
        status(worksheet.progress(ui.store(), campaign))
    ui.show_flash()


def status(progress: Progress) -> None:
    st.caption(ui.plain(f"Status: {progress.status.value}. {progress.detail}"))


def findings(found: list[Finding], *, prompts: bool = True) -> None:
    """Warnings in full; questions still open folded away (they are many early on)."""
    for f in found:
        if f.severity is Severity.warning:
            st.warning(ui.plain(f.message), icon=":material/warning:")
    open_questions = [f for f in found if f.severity is Severity.prompt]
    if prompts and open_questions:
        with st.expander(f"Questions still open ({len(open_questions)})"):
            st.markdown("\n".join(f"- {ui.plain(f.message)}" for f in open_questions))


def picture(svg: str, alt: str) -> None:
    """A drawing (SVG) that fills the width and, on the projector, the screen's height."""
    if ui.projector_on():
        st.markdown(PICTURE_CSS, unsafe_allow_html=True)
    with st.container(key="c4d-picture"):
        st.image(svg, width="stretch", alt=alt)


def short(text: str, limit: int = 70) -> str:
    """A name or note clipped for a list, a choice or a message on these pages."""
    return clip(text, limit)


# On the projector a note is read from the back of the room: a long one is cut (with '…');
# the facilitator's screen and the report keep it whole.
ROOM_NOTE = 420
ROOM_QUOTE = 240


def for_room(text: str, limit: int = ROOM_NOTE) -> str:
    """User text for the projector: escaped, and cut to what a room can read."""
    return ui.plain(short(text, limit))

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
from c4d.models import Campaign, Decision
from c4d.removed.model import RemovedKind
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


def remove_button(item: Any, key: str, remove: Callable[[], Any], note: str = "") -> None:
    """'Remove this <entry, audience, ...>' behind a popover naming the item, with a `note` on
    what else changes; restorable today from 'Recently removed' at the top of the page."""
    ui.remove_button(item, remove, key=key, note=note)


# What each page removes, listed under 'Recently removed' at its top.
_REMOVES = {"audience_framework": RemovedKind.entry, "audiences": RemovedKind.audience, "sem": RemovedKind.influence,
            "stakeholders": RemovedKind.stakeholder}


def page_top(worksheet: Worksheet, campaign: Campaign, about: str) -> None:
    """The page's title; for the facilitator (not on the projector) what the page is for
    and the worksheet's status; then the messages of the last save."""
    st.title(worksheet.title)
    if not ui.projector_on():
        st.caption(about)
        status(worksheet.progress(ui.store(), campaign))
    ui.show_flash()
    if worksheet.key in _REMOVES:
        ui.recently_removed(campaign, _REMOVES[worksheet.key])


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


def offer_as_audience(decision: Decision, campaign: Campaign) -> None:
    """Where a PPCD decision on the primary (or secondary) target group is shown: one button
    makes it that audience, while the audiences do not reflect it yet (asked once)."""
    from c4d.audience.commands import adopt_decision
    from c4d.audience.model import ADOPTABLE
    from c4d.audience.reading import decisions_to_adopt

    db = ui.store()
    if decision.topic not in ADOPTABLE or decision.id not in {d.id for d in decisions_to_adopt(db, campaign.id)}:
        return
    role = ADOPTABLE[decision.topic].value
    if st.button(f"Use it as the {role} audience", key=f"adopt-{decision.id}", type="primary",
                 help=f"Makes '{decision.choice}' the campaign's {role} audience on the Audiences page, "
                      "linked to this decision."):
        with saving("Audience"):
            ui.flash(ui.plain(adopt_decision(db, campaign.id, decision)))
            st.rerun()

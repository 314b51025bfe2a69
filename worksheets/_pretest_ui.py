"""What the three pre-test pages (draft materials, scoring, results) share: how each one
opens, and the draft material on the phones drawn for the room (shown by the scoring
page's projector view and by the live screen)."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from c4d import ui
from c4d.db.store import Store
from c4d.models import Campaign
from c4d.pretest import record
from c4d.pretest.model import PretestDoc, PretestError
from c4d.removed.model import RemovedKind
from c4d.text import plural

ROOM_CSS = ("<style>.st-key-projector-material p{font-size:2.4rem !important;line-height:1.3}"
            ".st-key-projector-material h2{font-size:3rem !important}"
            ".st-key-projector-material-text p{font-weight:700}</style>")


class PretestPage(NamedTuple):
    campaign: Campaign
    db: Store
    projector: bool
    doc: PretestDoc


def open_pretest_page(title: str, introduction: str, *, illustrative_on_projector: bool = False,
                      removes: tuple[RemovedKind, ...] = ()) -> PretestPage:
    """The start of a pre-test page: the open campaign, the store and whether the projector
    is on; the title, its introduction (not on the projector) and the last save's messages;
    then the campaign's pre-test record — when it cannot be read the page says why and
    stops; what the page `removes` is listed under 'Recently removed'. A record marked illustrative ('Scores are invented ...') says so under the title
    (on the projector too where the room sees results)."""
    campaign = ui.require_campaign()
    db = ui.store()
    projector = ui.projector_on()
    st.title(title)
    if not projector:
        st.caption(introduction)
    ui.show_flash()
    ui.recently_removed(campaign, *removes)
    try:
        doc = record.load(db, campaign.id)
    except PretestError as problem:
        st.error(ui.plain(str(problem)))
        st.stop()
    if doc.illustrative and (illustrative_on_projector or not projector):
        st.info(ui.plain(doc.illustrative))
    return PretestPage(campaign, db, projector, doc)


def material_for_room(db: Store, doc: PretestDoc, material_id: str | None, session_id: str) -> None:
    """The material being scored, large: its title, its text or its picture (a PDF's pages),
    and how many of the group have answered."""
    material = doc.find_material(material_id)
    if material is None:
        st.markdown("The next material will appear here.")
        return
    answers = len(doc.responses_to(material.id, session_id))
    group = doc.group(session_id)
    people = group.people if group is not None else 0
    with st.container(key="projector-material"):
        st.markdown(ROOM_CSS, unsafe_allow_html=True)
        st.header(ui.plain(material.title), anchor=False)
        if material.text.strip():
            with st.container(border=True, key="projector-material-text"):
                st.markdown(ui.plain(material.text))
        elif material.file is not None and material.file.kind in ("image", "pdf"):
            found = db.attachment(material.file.attachment_id)
            if found is not None and material.file.kind == "image":
                st.image(found[2], width="stretch")
            elif found is not None:
                ui.show_pdf(found[2], projector=True)
        st.markdown(f"{answers} of {people} answered" if people else
                    f"{plural(answers, 'answer')} so far")

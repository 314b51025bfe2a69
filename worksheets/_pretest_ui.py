"""The draft material on the phones, drawn for the room: shared by the pre-test scoring
page's projector view and the live screen."""

from __future__ import annotations

import streamlit as st

from c4d import ui

from c4d.pretest import model as pretest
from c4d.db.store import Store

ROOM_CSS = ("<style>.st-key-projector-material p{font-size:2.4rem !important;line-height:1.3}"
            ".st-key-projector-material h2{font-size:3rem !important}"
            ".st-key-projector-material-text p{font-weight:700}</style>")


def material_for_room(db: Store, doc: pretest.PretestDoc, material_id: str | None, session_id: str) -> None:
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
                    f"{answers} answer{'s' if answers != 1 else ''} so far")

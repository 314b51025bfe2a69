"""Social Ecological Model: what helps or harms the primary audience at each level —
individual, interpersonal, community, societal — and the activity or partner that will
address it."""

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.audience.checks import SEM_QUESTIONS, sem_findings
from c4d.audience.commands import add_influence, remove_influence, update_influence
from c4d.audience.model import Direction, EntryKind, SEMLevel
from c4d.audience.pictures import OUTSIDE_IN, sem_room_svg, sem_svg
from c4d.audience.reading import load_part
from c4d.audience.worksheet import SEM
from worksheets._audience_ui import (
    findings, page_top, pick, picture, remove_button, save_changes, saving, short,
)

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
sem = load_part(db, campaign.id, "sem")
stakeholders = load_part(db, campaign.id, "stakeholders").stakeholders
framework = load_part(db, campaign.id, "audience_framework")

STRENGTH = {1: "1 · weak", 2: "2 · moderate", 3: "3 · strong"}
DIRECTION = {Direction.helps: "Helps", Direction.harms: "Harms"}
ALT = "The Social Ecological Model as nested rings, with the influences at each level."

page_top(SEM, campaign,
         "Map the influences on the primary audience, from the person outwards. Each level needs an "
         "activity or a partner that addresses it. Entries are saved as soon as you add them.")

if projector:
    # One level open at a time, its chips in type for the back of the room; the buttons step
    # through the rings from the outside in. The drawing fills the screen under them, about 1:1.
    st.markdown("<style>.stApp .st-key-c4d-picture img { max-height: calc(100vh - 14rem); }</style>",
                unsafe_allow_html=True)
    shown = st.segmented_control("Level on the screen", list(OUTSIDE_IN), format_func=lambda lvl: lvl.label,
                                 default=OUTSIDE_IN[0], key="sem-room-level", label_visibility="collapsed")
    picture(sem_room_svg(sem, shown or OUTSIDE_IN[0]), ALT)
else:
    picture(sem_svg(sem), ALT)
findings(sem_findings(sem, stakeholders), prompts=not projector)

def facilitator_tools() -> None:
    """Adding, listing and editing influences: not for the projector."""
    # ---- add an influence -------------------------------------------------------------------------------
    known = sorted({s.organisation for s in stakeholders}
                   | {e.who for e in framework.entries if e.kind is EntryKind.activity}, key=str.casefold)
    st.subheader("Add an influence", anchor=False)
    add = ui.form_key("sem-add")  # new, empty fields after each influence; the level stays where the room is
    with st.form(add):
        c1, c2, c3 = st.columns([2, 1, 1])
        level = c1.selectbox("Level", list(SEMLevel), format_func=lambda lvl: lvl.label, key="sem-level")
        direction = c2.radio("Direction", list(Direction), format_func=DIRECTION.__getitem__, key=f"{add}-direction",
                             horizontal=True)
        strength = c3.select_slider("Strength", options=[1, 2, 3], value=2, format_func=STRENGTH.__getitem__,
                                    key=f"{add}-strength")
        st.caption(ui.plain(" · ".join(f"{lvl.label}: {q}" for lvl, q in SEM_QUESTIONS.items())))
        who = st.text_input("Who or what", key=f"{add}-who",
                            placeholder="e.g. Friends who pass on job offers")
        addressed_by = st.text_input("Addressed by (activity or partner)", key=f"{add}-by",
                                     placeholder="e.g. Peer content voiced by young women from the audience")
        if known:
            st.caption(ui.plain("Stakeholders and activities so far: " + "; ".join(short(k, 50) for k in known[:12])))
        evidence = st.text_area("Evidence", key=f"{add}-evidence", height=68)
        if st.form_submit_button("Add the influence", type="primary"):
            with saving("Influence"):
                added = add_influence(db, campaign.id, level=level, who_or_what=who, direction=direction,
                                      strength=strength, evidence=evidence, addressed_by=addressed_by)
                ui.flash(f"Added at the {level.label.lower()} level: {ui.plain(short(added.who_or_what))}")
                ui.form_saved("sem-add")
                st.rerun()

    # ---- the influences, and editing --------------------------------------------------------------------
    if not sem.influences:
        return
    st.subheader("Influences", anchor=False)
    ordered = [i for lvl in SEMLevel for i in sem.at(lvl)]
    ui.dataframe(pd.DataFrame([{"Level": i.level.label, "Who or what": i.who_or_what, "Direction": DIRECTION[i.direction],
                                "Strength": STRENGTH[i.strength], "Addressed by": i.addressed_by, "Evidence": i.evidence}
                               for i in ordered]), hide_index=True, width="stretch")

    st.subheader("Edit or remove an influence", anchor=False)
    inf = pick("Influence", {i.id: i for i in ordered}, "sem-edit-pick",
               lambda i: f"{i.level.label} · {short(i.who_or_what)}")
    edit = ui.form_key("sem-edit", inf)  # the influence as it is stored now
    with st.form(edit):
        st.markdown(f"**Editing: {ui.plain(inf.level.label)} · {ui.plain(short(inf.who_or_what))}**")
        c1, c2, c3 = st.columns([2, 1, 1])
        new_level = c1.selectbox("Level", list(SEMLevel), index=list(SEMLevel).index(inf.level),
                                 format_func=lambda lvl: lvl.label, key=f"{edit}-level")
        new_direction = c2.radio("Direction", list(Direction), index=list(Direction).index(inf.direction),
                                 format_func=DIRECTION.__getitem__, horizontal=True, key=f"{edit}-direction")
        new_strength = c3.select_slider("Strength", options=[1, 2, 3], value=inf.strength,
                                        format_func=STRENGTH.__getitem__, key=f"{edit}-strength")
        new_who = st.text_input("Who or what", value=inf.who_or_what, key=f"{edit}-who")
        new_by = st.text_input("Addressed by (activity or partner)", value=inf.addressed_by,
                               key=f"{edit}-by")
        new_evidence = st.text_area("Evidence", value=inf.evidence, key=f"{edit}-evidence")
        save_changes("Influence", lambda: update_influence(db, campaign.id, inf.id, level=new_level,
                                                           direction=new_direction, strength=new_strength,
                                                           who_or_what=new_who, addressed_by=new_by,
                                                           evidence=new_evidence),
                     f"Influence saved: {ui.plain(short(new_who))}")
    remove_button(inf, f"sem-remove-{inf.id}", lambda: remove_influence(db, campaign.id, inf.id))


if not projector:
    facilitator_tools()

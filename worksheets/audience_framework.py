"""Audience framework: the IOM X 2×2 — where people come from and where they end up, the
community around them and the individuals themselves — filled live with the room."""

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.audience.checks import framework_findings
from c4d.audience.commands import add_entry, ask_phones, ideas_to_framework, remove_entry, update_entry
from c4d.audience.model import FRAMEWORK_QUESTIONS, EntryKind, Level, Side, cell_label
from c4d.audience.pictures import framework_svg
from c4d.audience.reading import asked_cell, ideas_to_offer, load_part
from c4d.audience.worksheet import FRAMEWORK
from c4d.ideas.model import support, visible
from worksheets._audience_ui import (
    findings, page_top, pick, picture, remove_button, save_changes, saving, short,
)
from c4d.text import plural

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()

# Reading order of the board: top left, top right, bottom left, bottom right.
CELLS = [(side, level) for level in Level for side in Side]
KIND_LABEL = {EntryKind.audience: "Audience", EntryKind.activity: "Activity idea"}
ALT = "The audience framework as a board of four quadrants with the room's audiences and activity ideas."


def cell_name(cell: tuple[Side, Level]) -> str:
    return cell_label(*cell)


page_top(FRAMEWORK, campaign,
         "Who matters where people come from (origin, source) and where they end up (destination, demand),"
         " at the community level and the individual level. Type what the room says: each entry is saved "
         "as soon as you add it.")


def board() -> None:
    framework = load_part(db, campaign.id, "audience_framework")
    picture(framework_svg(framework), ALT)
    findings(framework_findings(framework), prompts=not projector)


if projector:
    st.fragment(run_every=2)(board)()  # entries added on another screen appear without a reload
else:
    board()

# ---- live capture --------------------------------------------------------------------------------
add = ui.form_key("fw-add")  # new, empty fields after each entry; the cell stays where the room is
with st.form(add):
    c1, c2 = st.columns([3, 2])
    cell = c1.selectbox("Cell", CELLS, format_func=cell_name, key="fw-cell")
    kind = c2.radio("Kind", list(EntryKind), format_func=KIND_LABEL.__getitem__, key=f"{add}-kind", horizontal=True)
    who = st.text_input("Who (the audience) or the activity", key=f"{add}-who",
                        placeholder="e.g. Employers in entertainment and hospitality")
    why = evidence = ""
    if not projector:
        why = st.text_area("Why they matter, or what the activity does", key=f"{add}-why",
                           height=80)
        evidence = st.text_area("Evidence (case data, research, the room's experience)", key=f"{add}-evidence",
                                height=68)
    if st.form_submit_button("Add to the board", type="primary"):
        with saving("Entry"):
            entry = add_entry(db, campaign.id, side=cell[0], level=cell[1], kind=kind, who=who, why=why,
                              evidence=evidence)
            ui.flash(f"Added to {ui.plain(cell_name(cell))}: {ui.plain(short(entry.who))}")
            ui.form_saved("fw-add")
            st.rerun()


def facilitator_tools() -> None:
    """Phones, the table of entries and editing: not for the projector."""
    framework = load_part(db, campaign.id, "audience_framework")
    entries = framework.entries
    by_id = {e.id: e for e in entries}

    # ---- entries from phones (the idea board) -----------------------------------------------------------
    with st.expander("Entries from phones (through the idea board)"):
        sessions = db.sessions(campaign.id)
        if not sessions:
            st.caption("Add a workshop session first: participants join a session's idea board from their phones.")
        else:
            session = ui.choose_session(campaign)
            st.markdown("**1. Ask the room about one cell.** The phones of the session show the question; "
                        "answers arrive on the idea board.")
            ask_cell = st.selectbox("Cell to ask about", CELLS, format_func=cell_name, key="fw-ask-cell")
            st.caption(ui.plain("Question: " + FRAMEWORK_QUESTIONS[ask_cell]))
            if st.button("Open the idea board on phones with this question", key="fw-ask"):
                with saving("Idea board"):
                    ask_phones(db, session.id, *ask_cell)
                    ui.flash(ui.plain("The phones now ask: " + FRAMEWORK_QUESTIONS[ask_cell]))
                    st.rerun()
            st.page_link("worksheets/ideas.py", label="Idea board: merge duplicates, correct wording",
                         icon=":material/lightbulb:")
            st.markdown("**2. Put ideas on the board.**")
            ideas = visible(db.ideas(session.id))
            counts = support(db.ideas(session.id))
            fresh_ideas = ideas_to_offer(framework, ideas)
            if not fresh_ideas:
                st.caption("No new idea on this session's board." if not ideas else
                           "Every idea on this session's board is already on the framework.")
            else:
                by_idea = {i.id: i for i in fresh_ideas}
                picked = st.multiselect("Ideas to add", list(by_idea), key=f"fw-ideas-{session.id}",
                                        format_func=lambda i: f"{short(by_idea[i].text)} (×{counts.get(i, 1)})")
                asked = asked_cell(db, session.id)  # answers go, by default, into the cell they answer
                d1, d2 = st.columns([3, 2])
                target = d1.selectbox("Into the cell", CELLS, index=CELLS.index(asked) if asked else 0,
                                      format_func=cell_name,
                                      key="fw-ideas-cell" + (f"-{asked[0].value}-{asked[1].value}" if asked else ""))
                as_kind = d2.radio("As", list(EntryKind), format_func=KIND_LABEL.__getitem__, key="fw-ideas-kind",
                                   horizontal=True)
                if st.button("Add the selected ideas to the framework", disabled=not picked, key="fw-ideas-add"):
                    with saving("Ideas"):
                        added, skipped = ideas_to_framework(db, campaign.id, [by_idea[i] for i in picked],
                                                            side=target[0], level=target[1], kind=as_kind)
                        ui.flash(f"{plural(added, 'idea')} added to {ui.plain(cell_name(target))}"
                                 + (f"; {skipped} already on the board." if skipped else "."))
                        st.rerun()

    # ---- the entries as a table, and editing -------------------------------------------------------------
    st.subheader("Entries", anchor=False)
    if not entries:
        st.caption("Nothing on the board yet.")
        return
    ui.dataframe(pd.DataFrame([{"Cell": cell_name((e.side, e.level)), "Kind": KIND_LABEL[e.kind], "Who / activity": e.who,
                                "Why it matters": e.why, "Evidence": e.evidence,
                                "From": "Phone" if e.source == "phone" else "Facilitator"} for e in entries]),
                 hide_index=True, width="stretch")

    st.subheader("Edit or remove an entry", anchor=False)
    entry = pick("Entry", by_id, "fw-edit-pick", lambda e: f"{cell_name((e.side, e.level))} · {short(e.who)}")
    edit = ui.form_key("fw-edit", entry)  # the entry as it is stored now
    with st.form(edit):
        st.markdown(f"**Editing: {ui.plain(cell_name((entry.side, entry.level)))} · {ui.plain(short(entry.who))}**")
        c1, c2 = st.columns([3, 2])
        new_cell = c1.selectbox("Cell", CELLS, index=CELLS.index((entry.side, entry.level)), format_func=cell_name,
                                key=f"{edit}-cell")
        new_kind = c2.radio("Kind", list(EntryKind), index=list(EntryKind).index(entry.kind),
                            format_func=KIND_LABEL.__getitem__, horizontal=True, key=f"{edit}-kind")
        new_who = st.text_input("Who (the audience) or the activity", value=entry.who,
                                key=f"{edit}-who")
        new_why = st.text_area("Why they matter, or what the activity does", value=entry.why,
                               key=f"{edit}-why")
        new_evidence = st.text_area("Evidence", value=entry.evidence, key=f"{edit}-evidence")
        save_changes("Entry", lambda: update_entry(db, campaign.id, entry.id, side=new_cell[0], level=new_cell[1],
                                                   kind=new_kind, who=new_who, why=new_why, evidence=new_evidence),
                     f"Entry saved: {ui.plain(short(new_who))}")
    remove_button(entry, f"fw-remove-{entry.id}", lambda: remove_entry(db, campaign.id, entry.id),
                  "The entry leaves the board and the audiences linked to it lose the link.")


if not projector:
    facilitator_tools()

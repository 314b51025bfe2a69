"""Idea board: short ideas from phones, tidied by the facilitator and put on a ballot."""

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.ideas import commands
from c4d.ideas.model import (
    IDEA_MAX,
    PROMPT_EXAMPLES,
    IdeaStatus,
    board_rows,
    likely_duplicates,
    on_board_count,
    shortened,
    support,
    too_long_for_ballot,
    visible,
)
from c4d.phones.model import Showing
from c4d.voting.model import BallotStatus, VotingMethod

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()

st.title("Idea board")
st.caption("Participants send short ideas from their phones — candidate target groups, places, channels. "
           "Merge duplicates, correct the wording, then put the strongest ideas on a ballot in one step.")
ui.show_flash()

session = ui.choose_session(campaign)
state = db.live_state(session.id)
ideas = db.ideas(session.id)
ballots = {b.id: b for b in db.ballots(session.id)}
counts = support(ideas)
on_board = visible(ideas)
board_open = state.showing is Showing.ideas


def shorten_form(idea, where: str) -> None:
    """Ask for a wording that fits on a ballot, for an idea sent when phones allowed more."""
    st.warning(f"This idea is {len(idea.text)} characters long; an option on a ballot can have at most "
               f"{IDEA_MAX}. Shorten it before putting it on a ballot. It reads in full: {ui.plain(idea.text)}")
    with st.form(f"shorten-{where}-{idea.id}"):
        text = st.text_input("Shorter wording", value=shortened(idea.text), max_chars=IDEA_MAX,
                             help="The box starts with the idea cut to fit; correct it before saving.")
        if st.form_submit_button("Save the shorter wording"):
            with ui.saving("Idea"):
                commands.reword(db, idea, text)
                ui.flash("Shorter wording saved; the idea can now go on a ballot.")
                st.rerun()


# ---- the prompt and the board on the phones -----------------------------------------------
if not projector:
    with st.form(f"prompt-{session.id}"):
        prompt = st.text_input("Question for the room", value=state.idea_prompt, max_chars=300,
                               placeholder=PROMPT_EXAMPLES[0])
        st.caption("Examples: " + ui.plain(" · ".join(PROMPT_EXAMPLES)))
        c1, c2 = st.columns(2)
        save_prompt = c1.form_submit_button("Save the question")
        open_board = c2.form_submit_button("Open the board on phones" if not board_open else "Update the question",
                                           type="primary")
        if save_prompt or open_board:
            with ui.saving("Idea board"):
                if open_board:
                    commands.show_ideas(db, session.id, prompt)
                    ui.flash("The phones now show the idea board." if not board_open else "Question updated.")
                else:
                    commands.set_prompt(db, session.id, prompt)
                    ui.flash("Question saved.")
                st.rerun()
    if board_open:
        st.success("The idea board is open on the phones.")
        if st.button("Close the board", key="close-board"):
            commands.close_board(db, session.id)
            ui.flash("Board closed: the phones show a 'please wait' page.")
            st.rerun()
    ui.projector_window_button(session, "Show the ideas arriving on the live screen")
    # ideas said aloud or written on cards, typed one after another
    room_form = f"add-idea-{session.id}"
    with ui.entry_form(room_form, "Add ideas from the room", expanded=not on_board, icon=":material/edit_note:"):
        typed_idea = st.text_input("Idea", max_chars=IDEA_MAX, placeholder="e.g. Young men working abroad",
                                   help="An idea said aloud or written on a card; it joins the board like one "
                                        "sent from a phone. Press Enter to add it.")
        if st.form_submit_button("Add the idea", type="primary"):
            with ui.saving("Idea"):
                added_idea = commands.add_idea(db, campaign.id, session.id, typed_idea)
                ui.form_saved(room_form, added=f"Added to the board: {ui.plain(added_idea.text)}. "
                                               "The form is ready for the next idea.")
                st.rerun()
elif state.idea_prompt:
    st.header(ui.plain(state.idea_prompt), anchor=False)

# ---- the board ---------------------------------------------------------------------------------
@ui.live(board_open)
def board() -> None:
    """The counts and the board; while it is open on the phones, read anew every second. The
    first idea on an empty board reruns the page, to offer the tidying below."""
    now = db.ideas(session.id) if board_open else ideas
    if bool(visible(now)) != bool(on_board):
        st.rerun()
    c1, c2 = st.columns(2)
    c1.metric("Ideas received", len(now))
    c2.metric("On the board", on_board_count(now))  # the live screen's count
    if not on_board:
        st.info("No ideas yet." + ("" if board_open else " Open the board on the phones to collect them."))
        return
    rows = board_rows(now, ballots)
    ui.dataframe(pd.DataFrame(rows, columns=["Idea", "Support", "Status"]), hide_index=True, width="stretch")


board()
if not on_board or projector:
    st.stop()

labels = {i.id: f"{i.text} (×{counts.get(i.id, 1)})" for i in on_board}
ideas_by_id = {i.id: i for i in ideas}

# ---- likely duplicates: one click each --------------------------------------------------------
groups = likely_duplicates(ideas)
if groups:
    st.subheader("Likely duplicates", anchor=False)
    for group in groups:
        keep = max(group, key=lambda i: (counts.get(i.id, 1), -i.created_at.timestamp()))
        others = [i for i in group if i.id != keep.id]
        col, button_col = st.columns([4, 1])
        col.markdown(f"Keep **{ui.plain(keep.text)}** (×{counts.get(keep.id, 1)}), merge: "
                     + " · ".join(ui.plain(i.text) for i in others))
        if button_col.button("Merge them", key=f"merge-group-{keep.id}"):
            merged = commands.merge_ideas(db, keep, others)
            ui.flash(f"{merged} duplicate(s) merged into '{ui.plain(keep.text)}'.")
            st.rerun()

# ---- tidy one idea -------------------------------------------------------------------------------
st.subheader("Tidy an idea", anchor=False)
idea_id = st.selectbox("Idea", list(labels), format_func=labels.__getitem__, key=f"tidy-{session.id}")
idea = ideas_by_id[idea_id]

if too_long_for_ballot(idea):
    shorten_form(idea, "tidy")
else:
    with st.form(f"reword-{idea.id}"):
        text = st.text_input("Wording", value=idea.text, max_chars=IDEA_MAX,
                             help=f"At most {IDEA_MAX} characters, the longest a ballot option can be.")
        if st.form_submit_button("Save wording"):
            with ui.saving("Idea"):
                commands.reword(db, idea, text)
                ui.flash("Wording saved.")
                st.rerun()
others = st.multiselect("Merge these ideas into it", [i for i in labels if i != idea.id],
                        format_func=labels.__getitem__, key=f"merge-{idea.id}")
m1, m2 = st.columns(2)
if m1.button("Merge", disabled=not others, key="merge-selected"):
    merged = commands.merge_ideas(db, idea, [ideas_by_id[i] for i in others])
    ui.flash(f"{merged} idea(s) merged into '{ui.plain(idea.text)}'.")
    st.rerun()
if m2.button("Hide this idea (off-topic)", key="hide-idea"):
    commands.hide(db, idea)
    ui.flash("Idea hidden; it stays in the record.")
    st.rerun()

# ---- onto a ballot ---------------------------------------------------------------------------------
st.subheader("Put ideas on a ballot", anchor=False)
drafts = [b for b in ballots.values() if b.status is BallotStatus.draft]
picked = st.multiselect("Ideas", [i.id for i in on_board if i.status is IdeaStatus.new] +
                        [i.id for i in on_board if i.status is IdeaStatus.promoted],
                        format_func=labels.__getitem__, key=f"promote-{session.id}",
                        help="Ideas already on a ballot can go on another one too.")
NEW = "new"
target = st.selectbox("Ballot", [NEW, *[b.id for b in drafts]], key=f"promote-target-{session.id}",
                      format_func=lambda b: "A new ballot" if b == NEW else f"{ballots[b].question} (draft)")
question, method = "", VotingMethod.single
if target == NEW:
    question = st.text_input("Question of the new ballot", value=state.idea_prompt[:200], max_chars=200,
                             key=f"promote-question-{session.id}")
    methods = list(VotingMethod)
    method = st.selectbox("Counting method", methods, format_func=lambda m: m.label, key=f"promote-method-{session.id}")
    st.caption(ui.plain(method.explanation))
too_long = [ideas_by_id[i] for i in picked if too_long_for_ballot(ideas_by_id[i])]
for long_idea in too_long:  # asked before, so putting them on the ballot cannot fail on length
    shorten_form(long_idea, "promote")
if st.button("Put on the ballot", type="primary", disabled=not picked or bool(too_long), key="promote"):
    with ui.saving("Ballot"):
        ballot = commands.ideas_to_ballot(db, [ideas_by_id[i] for i in picked],
                                 None if target == NEW else ballots[target],
                                 campaign_id=campaign.id, session_id=session.id, question=question, method=method)
        st.session_state["voting_ballot"] = st.session_state["voting_ballot_pending"] = ballot.id
        ui.flash(f"{len(picked)} idea(s) put on the ballot '{ui.plain(ballot.question)}'. "
                 "Open it from the 'PPCD voting' page.")
        st.rerun()
st.page_link("worksheets/voting.py", label="Go to PPCD voting", icon=":material/how_to_vote:")

# ---- hidden ideas ------------------------------------------------------------------------------------
hidden = [i for i in ideas if i.status is IdeaStatus.hidden]
if hidden:
    with st.expander(f"Hidden ideas ({len(hidden)})"):
        for i in hidden:
            h1, h2 = st.columns([4, 1])
            h1.markdown(ui.plain(i.text))
            if h2.button("Show again", key=f"restore-{i.id}"):
                commands.restore(db, i)
                st.rerun()

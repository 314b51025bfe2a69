"""Workshop sessions: the Roadshow's workshops with their dates, place, facilitators and agenda."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.models import FIRST_DATE, LAST_DATE, Session, SessionKind
from c4d.workspace import commands

campaign = ui.require_campaign()
db = ui.store()

st.title("Workshop sessions")
st.caption("The Roadshow's workshops: PPCD, Media Camp 1, pre-test focus groups, Media Camp 2 and the showcase.")
ui.show_flash()
sessions = db.sessions(campaign.id)


def session_form(key: str, session: Session | None) -> dict | None:
    """The fields of a session; returns the values when the form is submitted."""
    with st.form(key):
        kind = st.selectbox("Kind of workshop", list(SessionKind), format_func=lambda k: k.label,
                            index=list(SessionKind).index(session.kind) if session else 0)
        title = st.text_input("Title", value=session.title if session else "", max_chars=200)
        c1, c2 = st.columns(2)
        start = c1.date_input("First day", value=session.start_date if session else date.today(),
                              min_value=FIRST_DATE, max_value=LAST_DATE, format="YYYY-MM-DD")
        end = c2.date_input("Last day", value=session.end_date if session else date.today() + timedelta(days=1),
                            min_value=FIRST_DATE, max_value=LAST_DATE, format="YYYY-MM-DD")
        place = st.text_input("Place", value=session.place if session else "", max_chars=200)
        facilitators = st.text_area("Facilitators (one per line)",
                                    value="\n".join(session.facilitators) if session else "", height=80)
        notes = st.text_area("Notes", value=session.notes if session else "", max_chars=5000, height=80)
        if st.form_submit_button("Save session" if session else "Add session", type="primary"):
            return {"kind": kind, "title": title, "start_date": start, "end_date": end, "place": place,
                    "facilitators": facilitators.splitlines(), "notes": notes}
    return None


with st.expander("Add a workshop session", expanded=not sessions):
    values = session_form("add-session", None)
    if values is not None:
        with ui.saving("Session"):
            added = commands.add_session(db, campaign.id, **values)
            st.session_state["sessions_selected"] = added.id
            ui.flash(f"Session '{ui.plain(added.title)}' added. Now write its agenda.")
            st.rerun()

if not sessions:
    st.stop()

by_id = {s.id: s for s in sessions}
selected = st.session_state.get("sessions_selected")
session_id = st.selectbox(
    "Session", list(by_id), index=list(by_id).index(selected) if selected in by_id else 0,
    format_func=lambda sid: f"{by_id[sid].kind.label}: {by_id[sid].title}",
)
st.session_state["sessions_selected"] = session_id
session = by_id[session_id]

st.header(ui.plain(session.title), anchor=False)
st.caption(ui.plain(" · ".join(x for x in [session.kind.label, session.dates_label(), session.place,
                                            ", ".join(session.facilitators)] if x)))

details, agenda_tab, remove = st.tabs(["Details", "Agenda", "Delete"])

with details:
    values = session_form(f"edit-{session.id}", session)
    if values is not None:
        with ui.saving("Session"):
            commands.update_session(db, session, **values)
            ui.flash("Session saved.")
            st.rerun()

with agenda_tab:
    st.caption("One row per agenda item. Changes are saved as you make them; a row needs a title.")
    version = st.session_state.setdefault(f"agenda-version-{session.id}", 0)
    editor_key = f"agenda-{session.id}-{version}"
    base = pd.DataFrame([item.model_dump() for item in session.agenda], columns=["day", "time", "title", "notes"])

    def save_agenda() -> None:
        table = st.session_state[editor_key]
        rows = base.to_dict("records")
        for index, edits in table["edited_rows"].items():
            rows[int(index)] |= edits
        rows = [r for i, r in enumerate(rows) if i not in set(table["deleted_rows"])]
        rows += table["added_rows"]
        try:
            saved = commands.save_agenda(db, session, rows)
        except ValueError as exc:
            st.session_state["agenda_error"] = "; ".join(ui.explain(exc))
        else:
            st.session_state.pop("agenda_error", None)
            if len(saved.agenda) == len(rows):  # no row left waiting for its title
                st.session_state[f"agenda-version-{session.id}"] = version + 1

    st.data_editor(
        base, key=editor_key, on_change=save_agenda, num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "day": st.column_config.NumberColumn("Day", min_value=1, max_value=session.days, step=1, default=1),
            "time": st.column_config.TextColumn("Time", max_chars=20),
            "title": st.column_config.TextColumn("Item", max_chars=200, required=True),
            "notes": st.column_config.TextColumn("Notes", max_chars=5000),
        },
    )
    if st.session_state.get("agenda_error"):
        st.error("Agenda not saved: " + ui.plain(st.session_state["agenda_error"]))

with remove:
    n = len(db.participants(session.id))
    st.write(f"Deleting removes the session, its agenda and its {n} registered participant(s). "
             "Back up the campaign first if you may need them.")
    confirm = st.text_input("Type the session title to confirm", key=f"confirm-delete-{session.id}")
    if st.button("Delete this session", disabled=confirm.strip() != session.title):
        commands.delete_session(db, session.id)
        st.session_state.pop("sessions_selected", None)
        ui.flash(f"Session '{ui.plain(session.title)}' deleted.")
        st.rerun()

"""Workshop sessions: the Roadshow's workshops with their dates, place, facilitators and agenda."""

from datetime import date, timedelta

import streamlit as st

from c4d import ui
from c4d.text import DATE_INPUT
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
                              min_value=FIRST_DATE, max_value=LAST_DATE, format=DATE_INPUT)
        end = c2.date_input("Last day", value=session.end_date if session else date.today() + timedelta(days=1),
                            min_value=FIRST_DATE, max_value=LAST_DATE, format=DATE_INPUT)
        place = st.text_input("Place", value=session.place if session else "", max_chars=200)
        facilitators = st.text_area("Facilitators (one per line)",
                                    value="\n".join(session.facilitators) if session else "", height=80)
        notes = st.text_area("Notes", value=session.notes if session else "", max_chars=5000, height=80)
        if st.form_submit_button("Save session" if session else "Add session", type="primary"):
            return {"kind": kind, "title": title, "start_date": start, "end_date": end, "place": place,
                    "facilitators": facilitators.splitlines(), "notes": notes}
    return None


with st.expander("Add a workshop session", expanded=not sessions):
    values = session_form(ui.form_key("add-session"), None)  # empty again after each session
    if values is not None:
        with ui.saving("Session"):
            added = commands.add_session(db, campaign.id, **values)
            st.session_state["sessions_selected"] = added.id
            ui.form_saved("add-session")
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

    def save_agenda(edit: ui.TableEdit) -> str:
        rows = [r for r in edit.rows() if any(v is not None for v in r.values())]
        commands.save_agenda(db, session, rows)
        untitled = [str(n) for n, r in enumerate(rows, start=1) if not r["title"]]
        return (f"Row {', '.join(untitled)} needs an item title to be saved; what you typed stays here until "
                f"then.") if untitled else ""

    ui.editable_table(
        f"agenda-{session.id}", [item.model_dump() for item in session.agenda], ["day", "time", "title", "notes"],
        save=save_agenda, what="Agenda", num_rows="dynamic",
        column_config={
            "day": st.column_config.NumberColumn("Day", min_value=1, max_value=session.days, step=1, default=1),
            "time": st.column_config.TextColumn("Time", max_chars=20),
            "title": st.column_config.TextColumn("Item", max_chars=200),
            "notes": st.column_config.TextColumn("Notes", max_chars=5000),
        },
    )

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

"""Participants: each workshop session's register, with counts by sex and organisation type."""

import pandas as pd
import streamlit as st

from c4d import ui

from c4d.models import ORG_TYPE_LABELS, SEX_LABELS, OrgType, Sex
from c4d.people import commands, register
from c4d.people.model import MAX_SHEET_BYTES, SigninError
from c4d.people.signin import parse_signin_sheet, parse_signin_text
from c4d.people.template import template_csv, template_xlsx
from c4d.text import day_month, size_label

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()

st.title("Participants")
session = ui.choose_session(campaign)
participants = db.participants(session.id)
counts = register.count_register(participants, session.days)

# ---- counts: always visible -----------------------------------------------------------
st.subheader(ui.plain(counts.sex_summary()), anchor=False)
metric_cols = st.columns(len(Sex) + session.days)
for col, sex in zip(metric_cols, Sex):
    col.metric(sex.label, counts.by_sex[sex])
for day in range(1, session.days + 1):
    metric_cols[len(Sex) + day - 1].metric(
        f"Present day {day} ({day_month(session.day_dates()[day - 1])})", counts.present_on(day))
org_table = pd.DataFrame(
    [[org.label, *[counts.cross[org][s] for s in Sex], counts.by_org_type[org]] for org in OrgType],
    columns=["Organisation type", *[s.label for s in Sex], "Total"],
)
st.dataframe(org_table, hide_index=True, width="stretch")

if projector:
    st.caption("Names and contacts are hidden in projector mode.")
    st.stop()

ui.show_flash()

# ---- the register ---------------------------------------------------------------------
st.subheader("Register", anchor=False)
st.caption("Edit cells directly: each change is saved as soon as you leave the cell. Names and contacts are "
           "optional; a name appears in reports only when 'May be listed' is ticked.")
version_key = f"register-version-{session.id}"
version = st.session_state.setdefault(version_key, 0)
editor_key = f"register-{session.id}-{version}"
base_key = f"{editor_key}-base"
ids_key = f"{editor_key}-new-ids"
if base_key not in st.session_state:
    st.session_state[base_key] = register.table_rows(participants, session.days)
    st.session_state[ids_key] = {}
base = st.session_state[base_key]


def save_table_edits() -> None:
    outcome = commands.apply_table_edits(db, session, base, st.session_state[editor_key], st.session_state[ids_key])
    st.session_state["register_errors"] = outcome.errors
    if outcome.pending_new_rows == 0:
        st.session_state[version_key] = version + 1  # fresh table from what is saved


columns = ["id", register.NAME, register.ORGANISATION, register.ORG_TYPE, register.SEX, register.CONTACT,
           register.LISTED, *[register.day_column(d) for d in range(1, session.days + 1)]]
st.data_editor(
    pd.DataFrame(base, columns=columns),
    key=editor_key, on_change=save_table_edits, num_rows="dynamic", hide_index=True, width="stretch",
    column_order=columns[1:],
    column_config={
        register.NAME: st.column_config.TextColumn(max_chars=200),
        register.ORGANISATION: st.column_config.TextColumn(max_chars=200, required=True),
        register.ORG_TYPE: st.column_config.SelectboxColumn(options=list(ORG_TYPE_LABELS.values()), required=True),
        register.SEX: st.column_config.SelectboxColumn(options=list(SEX_LABELS.values()), required=True),
        register.CONTACT: st.column_config.TextColumn(max_chars=200),
        register.LISTED: st.column_config.CheckboxColumn(default=False),
        **{register.day_column(d): st.column_config.CheckboxColumn(
            f"Day {d} ({day_month(session.day_dates()[d - 1])})", default=True) for d in range(1, session.days + 1)},
    },
)
for message in st.session_state.get("register_errors", []):
    st.error(ui.plain(message))

# ---- one participant at a time (phone-friendly) ---------------------------------------
with st.expander("Add one participant", expanded=not participants):
    with st.form("add-participant", clear_on_submit=True):
        name = st.text_input("Name (optional)", max_chars=200)
        organisation = st.text_input("Organisation", max_chars=200)
        org_type = st.selectbox("Organisation type", list(OrgType), format_func=lambda o: o.label, index=None)
        sex = st.selectbox("Sex", list(Sex), format_func=lambda s: s.label, index=None)
        contact = st.text_input("Contact (optional)", max_chars=200)
        consent = st.checkbox("Agrees to be listed by name in the report")
        days = st.multiselect("Present on", list(range(1, session.days + 1)), default=list(range(1, session.days + 1)),
                              format_func=lambda d: f"Day {d} ({day_month(session.day_dates()[d - 1])})")
        if st.form_submit_button("Add participant", type="primary"):
            with ui.saving("Participant"):
                commands.add_participant(db, session, name=name, organisation=organisation, org_type=org_type,
                                         sex=sex, contact=contact, consent_to_list=consent, attendance=days)
                st.session_state[version_key] = version + 1
                ui.flash(f"Added {ui.plain(name or organisation)}.")
                st.rerun()

# ---- a whole sign-in sheet ------------------------------------------------------------
def preview_and_add(read) -> None:
    """Show a sign-in sheet's rows with their problems; add the ready ones on request."""
    try:
        preview = read()
    except SigninError as exc:
        st.error(ui.plain(str(exc)))
        return
    st.markdown(f"**{ui.plain(preview.summary())}**")
    for note in preview.notes:
        st.caption(ui.plain(note))
    st.dataframe(
        pd.DataFrame([{"Row": r.line, "Status": "error" if r.errors else "ready",
                       "Problems": "; ".join(r.errors), **r.values} for r in preview.rows]),
        hide_index=True, width="stretch",
    )
    if preview.ignored_columns:
        st.caption("Columns not used: " + ui.plain(", ".join(preview.ignored_columns)))
    label = f"Add the {len(preview.valid)} ready rows" + (" (rows with errors are left out)" if preview.invalid else "")
    if st.button(label, type="primary", disabled=not preview.valid, key=f"add-sheet-{session.id}"):
        with ui.saving("Sign-in sheet"):
            commands.add_from_signin_sheet(db, preview.valid)
            st.session_state[version_key] = version + 1
            ui.flash(f"Added {len(preview.valid)} participants from the sign-in sheet.")
            st.rerun()


with st.expander("Add many at once: a sign-in sheet (Excel or CSV)"):
    st.write("Columns: Name, Organisation, Organisation type, Sex, Contact, Consent, and one column per day. "
             "You see every row, with its problems, before anything is saved.")
    t1, t2 = st.columns(2)
    t1.download_button("Blank sign-in sheet (Excel)", template_xlsx(session),
                       file_name=f"sign-in-{session.slug}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    t2.download_button("Blank sign-in sheet (CSV)", template_csv(session), file_name=f"sign-in-{session.slug}.csv",
                       mime="text/csv")
    upload_tab, paste_tab = st.tabs(["Upload the file", "Paste from a spreadsheet"])
    with upload_tab:
        upload = st.file_uploader(f"Sign-in sheet (at most {size_label(MAX_SHEET_BYTES)})",
                                  type=["csv", "txt", "xlsx", "xls"], key=f"sheet-{session.id}-{version}")
        if upload is not None:
            if upload.size > MAX_SHEET_BYTES:
                st.error(f"The file is {size_label(upload.size)}; a sign-in sheet can be at most "
                         f"{size_label(MAX_SHEET_BYTES)}. Remove other sheets or pictures from it, or save it as CSV.")
            else:
                preview_and_add(lambda: parse_signin_sheet(upload.name, upload.getvalue(), session, participants))
    with paste_tab:
        pasted = st.text_area("Copy the rows with their headings from Excel or Google Sheets and paste them here",
                              key=f"paste-{session.id}-{version}", height=160)
        if pasted.strip():
            preview_and_add(lambda: parse_signin_text(pasted, session, participants))

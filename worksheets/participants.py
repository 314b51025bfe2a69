"""Participants: each workshop session's register, with counts by sex and organisation type."""

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.models import ORG_TYPE_LABELS, SEX_LABELS, OrgType, Sex
from c4d.people import commands, register
from c4d.people.model import MAX_SHEET_BYTES, SigninError
from c4d.people.signin import (
    headings_read,
    parse_signin_sheet,
    parse_signin_text,
    preview_table,
)
from c4d.people.template import template_csv, template_xlsx
from c4d.removed.model import RemovedKind
from c4d.text import day_month, plural, size_label

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
ui.dataframe(org_table, hide_index=True, width="stretch")

if projector:
    st.caption("Names and contacts are hidden in projector mode.")
    st.stop()

ui.show_flash()
version_key = f"register-version-{session.id}"
ui.recently_removed(campaign, RemovedKind.participant,  # a restored row shows in a fresh table
                    on_restore=lambda: st.session_state.update({version_key: st.session_state.get(version_key, 0) + 1}))

# ---- the register ---------------------------------------------------------------------
st.subheader("Register", anchor=False)
st.caption("Edit cells directly: each change is saved as soon as you leave the cell. Names and contacts are "
           "optional; a name appears in reports only when 'May be listed' is ticked.")
version = st.session_state.setdefault(version_key, 0)


def save_table_edits(edit: ui.TableEdit) -> bool:
    """Saved row by row; a new row stays in the table (waiting) until it is complete."""
    outcome = commands.apply_table_edits(db, session, edit.base, edit.changes, edit.memo)
    st.session_state["register_errors"] = outcome.errors
    for note in outcome.removed:
        ui.flash(ui.plain(note))
    return outcome.pending_new_rows > 0


columns = ["id", register.NAME, register.ORGANISATION, register.ORG_TYPE, register.SEX, register.CONTACT,
           register.LISTED, *[register.day_column(d) for d in range(1, session.days + 1)]]
ui.editable_table(
    f"register-{session.id}-{version}", register.table_rows(participants, session.days), columns,
    save=save_table_edits, what="Register", num_rows="dynamic", column_order=columns[1:],
    column_config={
        register.NAME: st.column_config.TextColumn(max_chars=200),
        register.ORGANISATION: st.column_config.TextColumn(max_chars=200),
        register.ORG_TYPE: st.column_config.SelectboxColumn(options=list(ORG_TYPE_LABELS.values())),
        register.SEX: st.column_config.SelectboxColumn(options=list(SEX_LABELS.values())),
        register.CONTACT: st.column_config.TextColumn(max_chars=200),
        register.LISTED: st.column_config.CheckboxColumn(default=False),
        **{register.day_column(d): st.column_config.CheckboxColumn(
            f"Day {d} ({day_month(session.day_dates()[d - 1])})", default=True) for d in range(1, session.days + 1)},
    },
)
for message in st.session_state.get("register_errors", []):
    st.error(ui.plain(message))

# ---- one participant at a time (phone-friendly) ---------------------------------------
add_form = f"add-participant-{session.id}"
with ui.entry_form(add_form, "Add one participant", expanded=not participants):
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
            who = " ".join(name.split())
            where = " ".join(organisation.split())
            ui.form_saved(add_form, added=(f"Added {ui.plain(who)} ({ui.plain(where)})." if who else
                                           f"Added a participant from {ui.plain(where)}.")
                          + " The form is ready for the next person.")
            st.rerun()

# ---- a whole sign-in sheet ------------------------------------------------------------
# The box stays open, and the sheet in it, whatever else the facilitator does on the page
# (its state is kept under its own keys, not the register table's); once the ready rows
# are added it says what was added and what was left out, and is empty for the next sheet.
signin = f"signin-{session.id}"
sheet_round = st.session_state.get(f"{signin}-round", 0)


def preview_and_add(read, source: str, token: object) -> None:
    """Show a sign-in sheet's rows as the register will hold them, with every problem in
    full; add the ready ones on request. The sheet is read once per `token` (the file or
    text, and the register it is checked against)."""
    memo = st.session_state.get(f"{signin}-read")
    if memo is None or memo[0] != token:
        try:
            memo = (token, read(), None)
        except SigninError as exc:
            memo = (token, None, str(exc))
        st.session_state[f"{signin}-read"] = memo
    _, preview, problem = memo
    if preview is None:
        st.error(ui.plain(problem))
        return
    st.markdown(f"**{ui.plain(preview.summary())}**")
    read_as = headings_read(preview)
    if read_as:
        st.caption("Read from your headings: " + ui.plain("; ".join(read_as)))
    if preview.ignored_columns:
        st.caption("Columns not used: " + ui.plain(", ".join(preview.ignored_columns)))
    for note in preview.notes:
        st.caption(ui.plain(note))
    ui.dataframe(pd.DataFrame(preview_table(preview, session)), hide_index=True, width="stretch")
    problems = [problem for row in preview.invalid for problem in row.errors]
    if problems:
        st.warning(f"**{ui.plain(plural(len(preview.invalid), 'row is', 'rows are'))} not ready and will be "
                   "left out:**\n\n" + "\n".join(f"- {ui.plain(problem)}" for problem in problems))
    label = (f"Add the {plural(len(preview.valid), 'ready row')}"
             + (" (rows with problems are left out)" if preview.invalid else ""))
    if st.button(label, type="primary", disabled=not preview.valid, key=f"{signin}-add-{sheet_round}"):
        with ui.saving("Sign-in sheet"):
            commands.add_from_signin_sheet(db, preview.valid)
            st.session_state[version_key] = version + 1
            st.session_state[f"{signin}-round"] = sheet_round + 1  # an empty box for the next sheet
            st.session_state[f"{signin}-done"] = preview.outcome(len(preview.valid), source)
            st.session_state.pop(f"{signin}-read", None)
            st.rerun()


def register_token() -> tuple:
    return tuple((p.name, p.organisation) for p in participants)


done = st.session_state.get(f"{signin}-done")
if done is not None and st.session_state.get(f"{signin}-said") != sheet_round:
    st.session_state[f"{signin}-said"] = sheet_round  # open once with the outcome; then as the facilitator leaves it
    st.session_state[f"{signin}-open"] = True
with st.expander("Add many at once: a sign-in sheet (Excel or CSV)", key=f"{signin}-open", on_change="rerun"):
    if done is not None:
        added, left_out = done
        st.success(ui.plain(added), icon=":material/check:")
        if left_out:
            st.warning("\n".join(f"- {ui.plain(line)}" if line.startswith("row ") else ui.plain(line) + "\n"
                                 for line in left_out))
    st.write("Columns: Name, Organisation, Organisation type, Sex, Contact, Consent, and one column per day. "
             "You see every row, with its problems, before anything is saved.")
    t1, t2 = st.columns(2)
    t1.download_button("Blank sign-in sheet (Excel)", template_xlsx(session), on_click="ignore",
                       file_name=f"sign-in-{session.slug}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    t2.download_button("Blank sign-in sheet (CSV)", template_csv(session), file_name=f"sign-in-{session.slug}.csv",
                       mime="text/csv", on_click="ignore")
    upload_tab, paste_tab = st.tabs(["Upload the file", "Paste from a spreadsheet"], key=f"{signin}-tab")
    with upload_tab:
        upload = st.file_uploader(f"Sign-in sheet (at most {size_label(MAX_SHEET_BYTES)})",
                                  type=["csv", "txt", "xlsx", "xls"], key=f"{signin}-file-{sheet_round}",
                                  max_upload_size=ui.upload_limit_mb(MAX_SHEET_BYTES))
        if upload is not None:
            st.session_state.pop(f"{signin}-done", None)
            if upload.size > MAX_SHEET_BYTES:
                st.error(f"The file is {size_label(upload.size)}; a sign-in sheet can be at most "
                         f"{size_label(MAX_SHEET_BYTES)}. Remove other sheets or pictures from it, or save it as CSV.")
            else:
                preview_and_add(lambda: parse_signin_sheet(upload.name, upload.getvalue(), session, participants),
                                upload.name, (upload.file_id, register_token()))
    with paste_tab:
        pasted = st.text_area("Copy the rows with their headings from Excel or Google Sheets and paste them here",
                              key=f"{signin}-paste-{sheet_round}", height=160)
        if pasted.strip():
            st.session_state.pop(f"{signin}-done", None)
            preview_and_add(lambda: parse_signin_text(pasted, session, participants), "the pasted rows",
                            (pasted, register_token()))

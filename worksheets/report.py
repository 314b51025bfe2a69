"""Workshop report: a session's report as a Word document, ready for partners and donors."""

import streamlit as st

from c4d import ui
from c4d.report_writer import ReportWriter
from c4d.export.workshop_report import build_workshop_report, report_filename
from c4d.people.register import count_register
from c4d.worksheet import registered
from c4d.text import plural

campaign = ui.require_campaign()
db = ui.store()

st.title("Workshop report")
st.caption("A Word document per workshop session: cover, agenda, participants with the breakdown by sex and "
           "organisation type, and a section from every worksheet that has content for the session.")
session = ui.choose_session(campaign)
participants = db.participants(session.id)
counts = count_register(participants, session.days)
listed = sum(1 for p in participants if p.name and p.consent_to_list)

st.subheader("What the report contains", anchor=False)
contents = [
    f"Cover: {ui.plain(campaign.name)}, {ui.plain(session.title)}, {ui.plain(session.dates_label())}"
    + (f", {ui.plain(session.place)}" if session.place else ""),
    f"Agenda: {plural(len(session.agenda), 'item')}" if session.agenda else "Agenda: none recorded yet",
    f"Participants: {ui.plain(counts.sex_summary())}; {listed} listed by name (with their consent)",
]
scratch = ReportWriter()
sections = [w for w in registered() if w.report_section(db, campaign, session, scratch)]
for worksheet in sections:
    contents.append(f"{ui.plain(worksheet.title)} ({worksheet.roadshow_step.value})")
st.markdown("\n".join(f"- {line}" for line in contents))
st.caption("Contacts are never printed, and names only of participants who agreed to be listed. "
           "Worksheets without content for this session are left out.")

st.download_button(
    "Download the workshop report (.docx)",
    data=lambda: build_workshop_report(db, campaign.id, session.id),
    file_name=report_filename(campaign, session),
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    type="primary", icon=":material/download:",
)

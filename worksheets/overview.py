"""Overview: the campaign's journey through the P-Process and the Roadshow at a glance."""

import streamlit as st

from c4d import ui
from c4d.journey import journey
from c4d.worksheet import PStep, Status
from c4d.text import plural

campaign = ui.require_campaign()
db = ui.store()
trip = journey(db, campaign)
projector = ui.projector_on()

STATUS_ICON = {Status.not_started: "○", Status.in_progress: "◐", Status.done: "●"}

st.title(ui.plain(campaign.name))
facts = [campaign.country, ", ".join(campaign.organisers)]
st.caption(ui.plain(" · ".join(f for f in facts if f)))
ui.show_flash()

with st.container(border=True):
    st.markdown("**Next suggested action**")
    st.markdown(ui.plain(trip.next_action))

col_journey, col_decisions = st.columns([3, 2], gap="large")
with col_journey:
    st.header("Journey", anchor=False)
    for step in PStep:
        stops = [s for s in trip.stops if s.worksheet.p_step is step]
        if not stops:
            continue
        st.subheader(step.label, anchor=False)
        for stop in stops:
            w, p = stop.worksheet, stop.progress
            line = f"{STATUS_ICON[p.status]} **{ui.plain(w.title)}** · {w.roadshow_step.value} — *{p.status.value}*"
            st.markdown(line + (f"  \n{ui.plain(p.detail)}" if p.detail else ""))
            if not projector:
                st.page_link(w.page, label=f"Open {w.title}", icon=":material/arrow_forward:")
    st.subheader("Workshop sessions", anchor=False)
    if not trip.sessions:
        st.write("No workshop session yet.")
    for session in trip.sessions:
        n = trip.participant_counts[session.id]
        st.markdown(
            f"**{ui.plain(session.kind.label)}** — {ui.plain(session.title)}  \n"
            f"{ui.plain(session.dates_label())}{' · ' + ui.plain(session.place) if session.place else ''} · "
            f"{plural(n, 'participant')}"
        )

with col_decisions:
    st.header("Key decisions", anchor=False)
    if not trip.decisions:
        st.write("No decision taken yet. The PPCD decides the trend, the primary target group, "
                 "the area and the type of media.")
    for decision in trip.decisions:
        how = f"  \n*{ui.plain(decision.method)}*" if decision.method else ""
        st.markdown(f"**{ui.plain(decision.topic.label)}**  \n{ui.plain(decision.choice)}{how}")

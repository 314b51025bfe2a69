"""Key decisions: what the PPCD decided (trend, primary target group, area, media) and how."""

import streamlit as st

from c4d import ui
from c4d.decisions.commands import record_decision, remove_decision
from c4d.decisions.model import missing_topics, standing, superseded_by
from c4d.decisions.pictures import tally_chart
from c4d.decisions.worksheet import superseded_text, turnout_label
from c4d.models import DecisionTopic, TallyRow
from c4d.removed.model import RemovedKind
from c4d.text import short_date
from worksheets._audience_ui import offer_as_audience

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
decisions = db.decisions(campaign.id)
replaced = superseded_by(decisions)
sessions = {s.id: s for s in db.sessions(campaign.id)}

st.title("Key decisions")
st.caption("The PPCD decides, by vote, the trafficking trend, the primary target group, the area of "
           "dissemination and the type of media. Record each decision with how it was taken.")
ui.show_flash()
ui.recently_removed(campaign, RemovedKind.decision)

if missing := missing_topics(decisions):
    st.info("Still to decide: " + ", ".join(t.label.lower() for t in missing) + ".")


for decision in standing(decisions):
    topic = decision.topic
    earlier = [d for d in decisions if d.id in replaced and d.topic is topic]
    with st.container(border=True):
        st.markdown(f"**{ui.plain(topic.label)}**")
        st.subheader(ui.plain(decision.choice), anchor=False)
        facts = [decision.method, turnout_label(decision)]
        if decision.session_id in sessions:
            facts.append(sessions[decision.session_id].title)
        st.caption(ui.plain(" · ".join(f for f in facts if f)))
        if decision.rationale:
            st.markdown(ui.plain(decision.rationale))
        if not projector:
            offer_as_audience(decision, campaign)
        if decision.breakdown:
            st.altair_chart(tally_chart(decision, big=projector), width="stretch")
        if earlier and not projector:
            with st.expander(f"Earlier decisions on this topic ({len(earlier)}), since superseded"):
                for old in earlier:
                    st.markdown(ui.plain(f"{old.choice} — decided on {short_date(old.decided_at)}. "
                                         f"{superseded_text(old, replaced[old.id], sessions)}."))
        if not projector:
            ui.remove_button(decision, lambda d=decision: remove_decision(db, d.id), key=f"remove-{decision.id}",
                             note="" if topic is DecisionTopic.other else
                             "The earlier decision on the same topic, if any, applies again.")

if projector:
    st.stop()

st.header("Record a decision", anchor=False)
record_form = ui.form_key("record-decision")  # empty again after each decision; a refused one keeps the typing
with st.form(record_form):
    topic = st.selectbox("Decision on", list(DecisionTopic), format_func=lambda t: t.label)
    choice = st.text_input("What was decided", max_chars=200, placeholder="e.g. Young women aged 18–27")
    method = st.selectbox("How", ["Vote (single choice)", "Vote (ranking)", "Vote (dot voting)",
                                  "Show of hands", "Discussion (consensus)", "Criteria scoring"])
    session_id = st.selectbox("In which workshop", [None, *sessions],
                              format_func=lambda sid: "—" if sid is None else sessions[sid].title)
    c1, c2 = st.columns(2)
    turnout = c1.number_input("People who voted", min_value=0, max_value=10000, value=None, step=1)
    eligible = c2.number_input("People present", min_value=0, max_value=10000, value=None, step=1)
    st.caption("Votes per option (optional): one row per option.")
    tally = ui.editable_table(f"{record_form}-tally", [], ["Option", "Votes"], num_rows="dynamic",
                              dtypes={"Option": "string", "Votes": "float"})
    rationale = st.text_area("Why (the room's reasons, evidence)", max_chars=5000)
    if st.form_submit_button("Save decision", type="primary"):
        with ui.saving("Decision"):
            typed = ui.table_rows(tally)
            unnamed = [str(n) for n, r in enumerate(typed, start=1) if r["Option"] is None]
            if unnamed:
                raise ValueError(f"Votes per option: row {', '.join(unnamed)} has votes but no option; type the "
                                 f"option's name, or clear the row.")
            rows = [TallyRow(option=r["Option"], votes=float(r["Votes"] or 0)) for r in typed]
            record_decision(db, campaign_id=campaign.id, session_id=session_id, topic=topic, choice=choice,
                            method=method, rationale=rationale, breakdown=rows, turnout=turnout, eligible=eligible)
            ui.flash(f"Decision saved: {ui.plain(choice)}.")
            ui.form_saved("record-decision")
            st.rerun()

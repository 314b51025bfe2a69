"""Key decisions: what the PPCD decided (trend, primary target group, area, media) and how."""

import altair as alt
import pandas as pd
import streamlit as st

from c4d import ui
from c4d.decisions.commands import record_decision, remove_decision
from c4d.decisions.model import missing_topics, standing, superseded_by
from c4d.decisions.worksheet import measure, superseded_text, turnout_label
from c4d.models import Decision, DecisionTopic, TallyRow
from c4d.text import long_date

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

if missing := missing_topics(decisions):
    st.info("Still to decide: " + ", ".join(t.label.lower() for t in missing) + ".")


def tally_chart(decision: Decision) -> alt.Chart:
    """The breakdown as bars, on the scale of its counting method (votes, dots, Borda points,
    a score out of 100)."""
    unit = measure(decision)
    data = pd.DataFrame([{"Option": r.option, "Value": r.votes, "Shown": unit.show(r.votes)}
                         for r in decision.breakdown])
    scale = alt.Scale(domain=[0, unit.out_of]) if unit.out_of else alt.Scale(zero=True)
    return (
        alt.Chart(data)
        .mark_bar(color="#0b5cad")
        .encode(x=alt.X("Value:Q", title=unit.title, scale=scale),
                y=alt.Y("Option:N", sort="-x", title=None, axis=alt.Axis(labelLimit=400)),
                tooltip=[alt.Tooltip("Option:N"), alt.Tooltip("Shown:N", title=unit.title)])
        .properties(height=40 * len(decision.breakdown) + 20)
        .configure_axis(labelFontSize=22 if projector else 13, titleFontSize=20 if projector else 13)
    )


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
        if decision.breakdown:
            st.altair_chart(tally_chart(decision), width="stretch")
        if earlier and not projector:
            with st.expander(f"Earlier decisions on this topic ({len(earlier)}), since superseded"):
                for old in earlier:
                    st.markdown(ui.plain(f"{old.choice} — decided on {long_date(old.decided_at)}. "
                                         f"{superseded_text(old, replaced[old.id], sessions)}."))
        if not projector:
            with st.popover("Remove this decision"):
                if topic is DecisionTopic.other:
                    st.write("The decision is deleted.")
                else:
                    st.write("The decision is deleted; the earlier decision on the same topic, if any, "
                             "applies again.")
                if st.button("Remove", key=f"remove-{decision.id}"):
                    remove_decision(db, decision.id)
                    st.rerun()

if projector:
    st.stop()

st.header("Record a decision", anchor=False)
with st.form("record-decision", clear_on_submit=True):
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
    tally = st.data_editor(pd.DataFrame({"Option": pd.Series(dtype="str"), "Votes": pd.Series(dtype="float")}),
                           num_rows="dynamic", hide_index=True, width="stretch", key="tally")
    rationale = st.text_area("Why (the room's reasons, evidence)", max_chars=5000)
    if st.form_submit_button("Save decision", type="primary"):
        with ui.saving("Decision"):
            rows = [TallyRow(option=str(r["Option"]), votes=float(r["Votes"] or 0))
                    for r in tally.to_dict("records") if str(r.get("Option") or "").strip() not in ("", "None", "nan")]
            record_decision(db, campaign_id=campaign.id, session_id=session_id, topic=topic, choice=choice,
                            method=method, rationale=rationale, breakdown=rows, turnout=turnout, eligible=eligible)
            ui.flash(f"Decision saved: {ui.plain(choice)}.")
            st.rerun()

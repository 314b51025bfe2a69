"""Stakeholder map: each organisation's influence and interest on a grid, its level in the
Social Ecological Model and its role in the campaign."""

import pandas as pd
import streamlit as st

from c4d import ui
from c4d.audience.checks import quadrant, stakeholder_findings
from c4d.audience.commands import add_stakeholder, remove_stakeholder, update_stakeholder
from c4d.audience.model import SEMLevel, StakeholderRole
from c4d.audience.pictures import stakeholder_chart
from c4d.audience.reading import load_part
from c4d.audience.worksheet import STAKEHOLDERS
from c4d.models import OrgType
from worksheets._audience_ui import findings, page_top, pick, remove_button, save_changes, saving, short

campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()
stakeholders = load_part(db, campaign.id, "stakeholders").stakeholders

page_top(STAKEHOLDERS, campaign,
         "Who can make the campaign work: their influence and interest (1–5; 3 and above is high), their "
         "level in the Social Ecological Model and their role. Saved as soon as you add them.")

if stakeholders:
    st.altair_chart(stakeholder_chart(stakeholders, big=projector), width="stretch")
findings(stakeholder_findings(stakeholders), prompts=not projector)
if projector:
    st.caption("Contact persons are not shown on the projector.")


def facilitator_tools() -> None:
    """Adding, listing and editing stakeholders: not for the projector."""

    def fields(prefix: str, current=None) -> dict:
        """The stakeholder's fields, empty or filled with `current`."""
        c1, c2 = st.columns(2)
        organisation = c1.text_input("Organisation", value=current.organisation if current else "",
                                     key=f"{prefix}-org")
        org_type = c2.selectbox("Type", list(OrgType), format_func=lambda t: t.label, key=f"{prefix}-type",
                                index=list(OrgType).index(current.org_type) if current else 0)
        c3, c4, c5 = st.columns(3)
        sem_level = c3.selectbox("SEM level", list(SEMLevel), format_func=lambda lvl: lvl.label, key=f"{prefix}-sem",
                                 index=list(SEMLevel).index(current.sem_level) if current else 2)
        influence = c4.slider("Influence", 1, 5, current.influence if current else 3, key=f"{prefix}-influence")
        interest = c5.slider("Interest", 1, 5, current.interest if current else 3, key=f"{prefix}-interest")
        roles = st.multiselect("Role in the campaign", list(StakeholderRole), format_func=lambda r: r.label,
                               default=current.roles if current else [], key=f"{prefix}-roles")
        contact = st.text_input("Contact person (a role or a name; never printed in reports)",
                                value=current.contact_person if current else "", key=f"{prefix}-contact")
        notes = st.text_area("Notes", value=current.notes if current else "", height=68,
                             key=f"{prefix}-notes")
        return dict(organisation=organisation, org_type=org_type, sem_level=sem_level, influence=influence,
                    interest=interest, roles=roles, contact_person=contact, notes=notes)


    st.subheader("Add a stakeholder", anchor=False)
    add = ui.form_key("sh-add")  # new, empty fields after each stakeholder
    with st.form(add):
        values = fields(add)
        if st.form_submit_button("Add the stakeholder", type="primary"):
            with saving("Stakeholder"):
                added = add_stakeholder(db, campaign.id, **values)
                ui.flash(f"Added: {ui.plain(short(added.organisation))} ({quadrant(added).lower()}).")
                ui.form_saved("sh-add")
                st.rerun()

    if not stakeholders:
        return
    st.subheader("Stakeholders", anchor=False)
    ui.dataframe(pd.DataFrame([{"#": n, "Organisation": s.organisation, "Type": s.org_type.label,
                                "SEM level": s.sem_level.label, "Influence": s.influence, "Interest": s.interest,
                                "Where on the grid": quadrant(s), "Role": ", ".join(r.label for r in s.roles),
                                "Contact person": s.contact_person, "Notes": s.notes}
                               for n, s in enumerate(stakeholders, start=1)]), hide_index=True, width="stretch")

    st.subheader("Edit or remove a stakeholder", anchor=False)
    chosen = pick("Stakeholder", {s.id: s for s in stakeholders}, "sh-edit-pick", lambda s: short(s.organisation))
    edit = ui.form_key("sh-edit", chosen)  # the stakeholder as it is stored now
    with st.form(edit):
        st.markdown(f"**Editing: {ui.plain(short(chosen.organisation))}**")
        values = fields(edit, chosen)
        save_changes("Stakeholder", lambda: update_stakeholder(db, campaign.id, chosen.id, **values),
                     f"Stakeholder saved: {ui.plain(short(values['organisation']))}")
    remove_button(chosen, f"sh-remove-{chosen.id}", lambda: remove_stakeholder(db, campaign.id, chosen.id))


if not projector:
    facilitator_tools()

"""Campaigns: the list of this laptop's campaigns, and where a new one starts."""

import streamlit as st

from c4d import backup, ui
from c4d.demo.example import load_demo
from c4d.models import Campaign
from c4d.workspace import commands
from c4d.text import plural

db = ui.store()

st.title("Campaigns")
st.caption("Plan a Communication for Development campaign with the community it serves: "
           "the five steps of the P-Process, workshop by workshop, as in the IOM X Roadshow.")
ui.show_flash()


def open_campaign(campaign: Campaign) -> None:
    ui.set_campaign(campaign)
    st.switch_page("worksheets/overview.py")


left, right = st.columns([1, 1], gap="large")

with right:
    with st.container(border=True):
        st.subheader("New campaign")
        # Two fields a row, so "Create campaign" is on screen at a projector's 1280×720.
        with st.form("new-campaign", clear_on_submit=False):
            name = st.text_input("Campaign name", max_chars=200,
                                 placeholder="e.g. Dream Umbrella — Мөрөөдлийн шүхэр")
            c1, c2 = st.columns(2)
            country = c1.text_input("Country or area", max_chars=200)
            language = c2.text_input("Participants' language (code)", value="en", max_chars=16,
                                     help="Used for the words on participants' phones: en, mn, km, my, bn, th ...")
            organisers = st.text_area("Organisers (one per line)", height=68)
            if st.form_submit_button("Create campaign", type="primary"):
                with ui.saving("Campaign"):
                    campaign = commands.create_campaign(db, name=name, country=country,
                                                        organisers=organisers.splitlines(),
                                                        participant_language=language)
                    ui.flash(f"Campaign '{ui.plain(campaign.name)}' created.")
                    open_campaign(campaign)

with left:
    show_archived = st.toggle("Show archived campaigns", value=False)
    campaigns = db.campaigns(include_archived=show_archived)
    if not campaigns:
        st.info("No campaign yet. Create one, or load the Dream Umbrella example to see a filled-in campaign.")
    for campaign in campaigns:
        sessions = db.sessions(campaign.id)
        with st.container(border=True):
            st.subheader(ui.plain(campaign.name) + (" (archived)" if campaign.archived else ""), anchor=False)
            facts = [campaign.country or "No country set", plural(len(sessions), "workshop session")]
            if sessions:
                facts.append(f"latest: {sessions[-1].title}, {sessions[-1].dates_label()}")
            st.caption(ui.plain(" · ".join(facts)))
            b1, b2, b3 = st.columns(3)
            if b1.button("Open", key=f"open-{campaign.id}", type="primary"):
                open_campaign(campaign)
            with b2.popover("Duplicate"):
                copy_name = st.text_input("Name of the copy", value=f"{campaign.name} (copy)",
                                          key=f"copy-name-{campaign.id}", max_chars=200)
                st.caption("Sessions, agendas, decisions and worksheets are copied; participant registers are not.")
                if st.button("Make the copy", key=f"copy-{campaign.id}"):
                    with ui.saving("Copy"):
                        copy = backup.duplicate_campaign(db, campaign.id, copy_name)
                        ui.flash(f"Copied as '{ui.plain(copy.name)}'.")
                        st.rerun()
            if campaign.archived:
                if b3.button("Restore", key=f"restore-{campaign.id}"):
                    commands.unarchive_campaign(db, campaign.id)
                    st.rerun()
            elif b3.button("Archive", key=f"archive-{campaign.id}",
                           help="Hide it from this list; nothing is deleted and it can be restored."):
                commands.archive_campaign(db, campaign.id)
                ui.flash(f"'{ui.plain(campaign.name)}' archived. Turn on 'Show archived campaigns' to restore it.")
                if ui.current_campaign() and ui.current_campaign().id == campaign.id:
                    ui.set_campaign(None)
                st.rerun()
    with st.container(border=True):
        st.subheader("Learn from an example")
        st.write("The Dream Umbrella campaign (Mongolia, 2020–2021), filled in from public reports: "
                 "the PPCD workshop with its 39 participants and the decisions they voted on.")
        if st.button("Load the Dream Umbrella example"):
            open_campaign(load_demo(db))

"""The C4D workshop toolkit: the Streamlit entry point.

`streamlit run app.py` (or `c4d serve`) imports this module to build the ASGI app and
then runs it as the page script of every browser session, which builds the navigation.
No business logic lives here.
"""

from __future__ import annotations

import streamlit as st


def navigation() -> None:
    from c4d import ui
    from c4d.worksheet import registered

    st.set_page_config(page_title="C4D workshop toolkit", page_icon="assets/icon.png", layout="wide")
    ui.require_facilitator()
    campaign = ui.current_campaign()

    # Campaign pages always exist (so a campaign can be opened from anywhere) but are
    # listed only while a campaign is open.
    shown = "visible" if campaign is not None else "hidden"
    home = st.Page("worksheets/home.py", title="Campaigns", icon=":material/home:", default=True)
    pages: dict[str, list] = {"": [home]}
    pages["Campaign"] = [
        st.Page("worksheets/overview.py", title="Overview", icon=":material/route:", visibility=shown),
        st.Page("worksheets/sessions.py", title="Workshop sessions", icon=":material/event:", visibility=shown),
        st.Page("worksheets/participants.py", title="Participants", icon=":material/groups:", visibility=shown),
        st.Page("worksheets/live_screen.py", title="Live screen", icon=":material/cast:", visibility=shown),
        st.Page("worksheets/report.py", title="Workshop report", icon=":material/description:", visibility=shown),
    ]
    for worksheet in registered():
        pages.setdefault(worksheet.p_step.label, []).append(
            st.Page(worksheet.page, title=f"{worksheet.title} · {worksheet.roadshow_step.value}",
                    icon=worksheet.icon, url_path=worksheet.key, visibility=shown)
        )
    pages["Toolkit"] = [st.Page("worksheets/settings.py", title="Settings and backup", icon=":material/settings:")]
    page = st.navigation(pages)
    ui.open_page_asked_for([p for group in pages.values() for p in group])
    if campaign is not None:
        st.sidebar.caption(f"Open campaign: **{ui.plain(campaign.name)}**")
    ui.projector_controls()
    ui.projector_exit_button()
    page.run()


if __name__ == "__main__":
    navigation()
else:
    from c4d.serving import no_delay_on_accepted_connections

    no_delay_on_accepted_connections()
    from c4d.brief.share import brief_routes
    from c4d.export.brief_docx import shared_document
    from c4d.phones.routes import participant_routes

    app = st.App(__file__, routes=participant_routes() + brief_routes(document=shared_document))

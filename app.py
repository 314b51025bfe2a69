"""The C4D workshop toolkit: the Streamlit entry point.

`streamlit run app.py` (or `c4d serve`) imports this module to build the ASGI app and
then runs it as the page script of every browser session, which builds the navigation.
No business logic lives here.
"""

from __future__ import annotations

import streamlit as st


def sidebar(page: st.Page, pages: dict[str, list], steps: dict, campaign) -> None:
    """Every page a link in the sidebar: the campaigns, the open campaign's own pages, one
    fold per P-Process step (the current page's step open, or the step last used), and the
    settings. A worksheet's Roadshow step is its link's tooltip, so titles stay short."""
    from c4d import ui

    now = next((step for step, group in steps.items() if any(p.url_path == page.url_path for _, p in group)), None)
    if now is not None:
        st.session_state["nav_step"] = now.value
    open_step = now.value if now is not None else st.session_state.get("nav_step", min(s.value for s in steps))
    with st.sidebar:
        for p in pages[""]:
            st.page_link(p)
        if campaign is not None:
            st.caption(f"Open campaign: **{ui.plain(campaign.name)}**")
            for p in pages["Campaign"]:
                st.page_link(p)
            for step, group in steps.items():
                # Keyed by the page too: a fold opened by hand on one page is folded again on the next.
                with st.expander(step.short_label, expanded=step.value == open_step,
                                 key=f"nav-step-{step.value}-{page.url_path or 'home'}"):
                    for worksheet, p in group:
                        st.page_link(p, help=f"Roadshow: {worksheet.roadshow_step.value}")
        for p in pages["Toolkit"]:
            st.page_link(p)


def navigation() -> None:
    from c4d import ui
    from c4d.worksheet import PStep, Worksheet, registered

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
        st.Page("worksheets/live_screen.py", title="Live screen", icon=":material/cast:", visibility=shown,
                url_path=ui.LIVE_SCREEN_PATH),  # the projector's own address: ui.live_screen_address
        st.Page("worksheets/report.py", title="Workshop report", icon=":material/description:", visibility=shown),
    ]
    steps: dict[PStep, list[tuple[Worksheet, st.Page]]] = {}
    for worksheet in registered():
        steps.setdefault(worksheet.p_step, []).append((worksheet, st.Page(
            worksheet.page, title=worksheet.title, icon=worksheet.icon, url_path=worksheet.key, visibility=shown)))
        pages.setdefault(worksheet.p_step.label, []).append(steps[worksheet.p_step][-1][1])
    pages["Toolkit"] = [st.Page("worksheets/settings.py", title="Settings and backup", icon=":material/settings:")]
    # Streamlit's own menu folds a long list behind "View N more"; the sidebar below lists
    # every page instead, grouped by step, with the step in use open.
    page = st.navigation(pages, position="hidden")
    ui.open_page_asked_for([p for group in pages.values() for p in group])
    sidebar(page, pages, steps, campaign)
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

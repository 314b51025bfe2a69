"""The one Streamlit adapter: the shared store, the open campaign, facilitator sign-in,
projector mode and the way errors are shown. Pages call these; domain code never does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import re

import streamlit as st
from pydantic import ValidationError

from c4d import access, config, permissions

from c4d.pretest import preview as material_preview
from c4d.models import Campaign, Session, friendly_errors
from c4d.db.errors import Conflict, NotFound
from c4d.db.store import Store, shared_store

PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
footer, .projector-hide { display: none !important; }
.st-key-leave-projector { position: fixed; top: 0.4rem; right: 1rem; z-index: 1000; width: auto !important; }
.st-key-leave-projector button p { font-size: 1rem !important; color: #333 !important; white-space: nowrap; }
.stApp { background: #ffffff; }
.block-container { max-width: 100% !important; padding: 1.5rem 3rem !important; }
.stApp, .stApp p, .stApp li, .stApp td, .stApp th, .stApp label { color: #000000; font-size: 1.55rem; }
.stApp h1, .stApp h1 * { font-size: 3.2rem !important; font-weight: 800; color: #000 !important; }
.stApp h2, .stApp h2 * { font-size: 2.4rem !important; font-weight: 800; color: #000 !important; }
.stApp h3, .stApp h3 * { font-size: 2rem !important; font-weight: 700; color: #000 !important; }
[data-testid="stMetricValue"] { font-size: 4rem !important; font-weight: 800; color: #000 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.6rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #222 !important; font-size: 1.3rem !important; }
</style>
"""


def store() -> Store:
    return shared_store(config.database_url())


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")


# Streamlit turns bare addresses ("http://…", "www.…", "name@host") into links and
# ":material/…:" into icons even when every punctuation mark is escaped. An invisible word
# joiner (U+2060) inside each such pattern breaks it without changing what a reader sees;
# text without one is left as it is.
_WORD_JOINER = "\u2060"
_AUTOLINKED = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=\w@)(?=\w)|(?<=:)(?=[a-z_]+/)")
def plain(text: str) -> str:
    """User text made safe for Streamlit's markdown: every ASCII punctuation mark is
    backslash-escaped and addresses are broken up invisibly, so names show exactly as typed
    and never become links, HTML, formatting or icons."""
    text = _AUTOLINKED.sub(_WORD_JOINER, text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


# A widget's label is markdown, and also its accessible name (what a screen reader says) as
# it is given, escapes and all. So a label that markdown would leave as it is goes as typed
# ("Students with part-time jobs"); one that markdown could change is escaped like any user text.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_~\[\]<>!:$|\n]|&#?\w+;|\w@\w|www\.|^\s*(?:[#>+=-]|\d+[.)])",
                              re.IGNORECASE)


def widget_label(text: str) -> str:
    """User text as a widget's label: as typed when markdown would not change it, else plain()."""
    return plain(text) if _MARKDOWN_ACTIVE.search(text) else text


# ---- facilitator access --------------------------------------------------------------
def require_facilitator() -> None:
    """Stop the page unless the person may use facilitator pages."""
    db = store()
    remote_ip = st.context.ip_address
    passcode_hash = db.setting(access.SETTING)
    # A sign-in lasts until the passcode changes: it remembers the hash it was checked against.
    asking = permissions.who_is_asking(remote_ip if isinstance(remote_ip, str) else None,
                                       st.session_state.get("signed_in"), passcode_hash)
    decision = permissions.open_facilitator_pages(asking, passcode_set=bool(passcode_hash))
    if decision.allowed:
        return
    if decision.reason == permissions.NOT_READY:
        st.title("Not ready yet")
        st.write(decision.message)
        st.stop()
    if decision.reason == permissions.SET_PASSCODE:
        _first_run(db)
        st.stop()
    # The page that was asked for (e.g. a live screen's link), to open once signed in.
    st.session_state.setdefault(_ASKED_FOR, (_path_of(st.context.url), st.query_params.to_dict()))
    _sign_in(db)
    st.stop()


_ASKED_FOR = "asked_for_before_sign_in"


def _path_of(url: str | None) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url or "").path.strip("/").rsplit("/", 1)[-1]


def open_page_asked_for(pages: list[st.Page]) -> None:
    """After a sign-in on another device, open the page that device first asked for (with
    its campaign), rather than the campaigns list."""
    if not st.session_state.get("signed_in") or _ASKED_FOR not in st.session_state:
        return
    path, params = st.session_state.pop(_ASKED_FOR)
    wanted = next((p for p in pages if path and p.url_path == path), None)
    if wanted is not None:
        st.switch_page(wanted, query_params=params)


def _first_run(db: Store) -> None:
    st.title("Welcome to the C4D workshop toolkit")
    st.write(
        "Set a facilitator passcode. This laptop's own browser stays signed in; anyone opening the "
        "toolkit from another device (a co-facilitator's laptop, a phone on the Wi-Fi) must type it "
        "before they can see or change campaign data. Participants never need it."
    )
    with st.form("set-passcode"):
        first = st.text_input("New passcode", type="password")
        second = st.text_input("Type it again", type="password")
        if st.form_submit_button("Set passcode", type="primary"):
            try:
                access.set_passcode(db, first, second)
            except access.PasscodeError as exc:
                st.error(str(exc))
            else:
                st.rerun()


def _sign_in(db: Store) -> None:
    st.title("Facilitator sign-in")
    st.write("This page is for the workshop's facilitators. Participants: use the link or QR code on the projector.")
    with st.form("sign-in"):
        passcode = st.text_input("Passcode", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            address = st.context.ip_address
            result = access.try_sign_in(db, passcode, address if isinstance(address, str) else None)
            if result is access.SignIn.accepted:
                st.session_state["signed_in"] = db.setting(access.SETTING)
                st.rerun()
            elif result is access.SignIn.refused:
                st.error("That passcode is not right.")
            else:
                minutes = access.TRIES_WINDOW_S // 60
                st.error(f"Too many tries from this device. Wait {minutes} minutes, or use the laptop itself.")


# ---- the open campaign ----------------------------------------------------------------
def current_campaign() -> Campaign | None:
    ref = st.session_state.get("campaign_id") or st.query_params.get("campaign")
    if not ref:
        return None
    try:
        campaign = store().campaign(ref)
    except NotFound:
        st.session_state.pop("campaign_id", None)
        return None
    st.session_state["campaign_id"] = campaign.id
    return campaign


def set_campaign(campaign: Campaign | None) -> None:
    if campaign is None:
        st.session_state.pop("campaign_id", None)
        st.query_params.pop("campaign", None)
    else:
        st.session_state["campaign_id"] = campaign.id
        st.query_params["campaign"] = campaign.slug


def require_campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        st.info("Open a campaign on the home page first.")
        st.stop()
    st.query_params["campaign"] = campaign.slug
    return campaign


def choose_session(campaign: Campaign, *, missing: str = "Add a workshop session first, on the "
                   "'Workshop sessions' page.", default: str | None = None, show: bool = True) -> Session:
    """The workshop session the page is about. The choice follows the facilitator from page
    to page; a page without sessions explains what to do and stops."""
    sessions = store().sessions(campaign.id)
    if not sessions:
        st.info(missing)
        st.page_link("worksheets/sessions.py", label="Go to workshop sessions", icon=":material/event:")
        st.stop()
    by_id = {s.id: s for s in sessions}
    chosen = st.session_state.get("chosen_session")
    if chosen not in by_id:
        chosen = default if default in by_id else sessions[0].id
    if show:
        chosen = st.selectbox("Workshop session", list(by_id), index=list(by_id).index(chosen),
                              format_func=lambda sid: f"{by_id[sid].title} ({by_id[sid].dates_label()})")
    st.session_state["chosen_session"] = chosen
    return by_id[chosen]


# ---- projector mode ----------------------------------------------------------------------
def projector_on() -> bool:
    if "projector" not in st.session_state:
        st.session_state["projector"] = st.query_params.get("projector") == "1"
    return bool(st.session_state["projector"])


def _sync_projector_param() -> None:
    if st.session_state.get("projector"):
        st.query_params["projector"] = "1"
    else:
        st.query_params.pop("projector", None)


def projector_controls() -> None:
    """The switch in the sidebar, and in projector mode a small way back on the page."""
    on = projector_on()
    st.sidebar.toggle("Projector mode", key="projector", on_change=_sync_projector_param,
                      help="Large type and high contrast, with no sidebar: for the room to read.")
    if on:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)


def _leave_projector() -> None:
    st.session_state["projector"] = False
    st.query_params.pop("projector", None)


def projector_exit_button() -> None:
    """A small button in the top corner: the sidebar and its switch are hidden in projector
    mode, and a page may stop before its end, so the way out comes first."""
    if projector_on():
        st.button("Leave projector mode", key="leave-projector", on_click=_leave_projector, type="tertiary")


# ---- showing problems ----------------------------------------------------------------------
def explain(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return friendly_errors(exc)
    if isinstance(exc, (Conflict, NotFound, ValueError)):
        return [str(exc)]
    raise exc


@contextmanager
def saving(what: str = "") -> Iterator[None]:
    """Show a clear message instead of a traceback when a save is refused."""
    try:
        yield
    except (ValidationError, Conflict, NotFound, ValueError) as exc:
        lines = explain(exc)
        st.error(("Not saved: " if not what else f"{plain(what)} not saved: ") + "; ".join(plain(line) for line in lines))
        st.session_state["_save_failed"] = True


def flash(message: str) -> None:
    st.session_state.setdefault("_flash", []).append(message)


def show_flash() -> None:
    for message in st.session_state.pop("_flash", []):
        st.success(message)


# ---- draft materials shown in the page ---------------------------------------------------
@st.cache_data(max_entries=8, show_spinner="Drawing the pages…")
def _pdf_preview(content: bytes) -> "material_preview.PdfPreview":
    return material_preview.pdf_preview(content)


def show_pdf(content: bytes, *, projector: bool = False) -> None:
    """A PDF material's pages, one picture each, with how many there are."""
    preview = _pdf_preview(content)
    if preview.problem:
        st.warning(preview.problem)
        return
    for number, picture in enumerate(preview.pages, start=1):
        st.image(picture, width="stretch", caption=None if projector else f"Page {number} of {preview.page_count}")
    if not preview.shows_all and not projector:
        st.caption(f"The first {len(preview.pages)} of {preview.page_count} pages are shown; download the file "
                   f"for the rest.")

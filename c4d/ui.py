"""The one Streamlit adapter: the shared store, the open campaign, facilitator sign-in,
projector mode and the way errors are shown. Pages call these; domain code never does."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
import hashlib
import json
import re
from typing import Any

import streamlit as st
from pydantic import ValidationError

from c4d import access, config, permissions, projector_table

from c4d.pretest import preview as material_preview
from c4d.models import Campaign, Session, friendly_errors
from c4d.db.errors import Conflict, NotFound
from c4d.db.store import Store, shared_store
from c4d.removed import commands as removed_commands
from c4d.removed import model as removal

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
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { color: #222 !important; font-size: 1.5rem !important; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
.stApp [data-testid="stBaseButton-primary"] p { color: #fff; }
/* A floor for every piece of text on the page (inputs, tabs, buttons, widget labels, dates,
   file names...): at least 24 px, or its parent's size when that is larger. Headings, the
   metric number and the corner button keep their own (!important) sizes; drawings (SVG)
   size their own text. */
[data-testid="stMain"] *:not(svg, svg *) { font-size: max(1.5rem, 1em); }
[data-testid="stMetricValue"] *, [data-testid="stMetricValue"] { line-height: 1.1; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; overflow-wrap: anywhere; }
.c4d-projector-table { width: 100%; overflow: hidden; }
.c4d-projector-table table { width: 100%; border-collapse: collapse; table-layout: auto; }
.c4d-projector-table th, .c4d-projector-table td { font-size: 1.5rem !important; line-height: 1.25; padding: 0.25rem 0.6rem;
  text-align: left; vertical-align: top; border-bottom: 2px solid #888; color: #000; overflow-wrap: break-word; }
.c4d-projector-table th { font-weight: 800; border-bottom: 3px solid #000; }
.c4d-projector-table .number { text-align: right; white-space: nowrap; }
.c4d-projector-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(32rem, 1fr)); gap: 0.8rem; }
.c4d-projector-cards > div { border: 2px solid #888; border-radius: 0.5rem; padding: 0.5rem 0.8rem; min-width: 0; }
.c4d-projector-cards div { font-size: 1.5rem; line-height: 1.25; color: #000; overflow-wrap: break-word; }
.c4d-projector-cards .title { font-weight: 800; }
.c4d-projector-cards b { font-weight: 700; }
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
    # The projector's own window names its session in its address, in a browser session that
    # has chosen nothing: the session's campaign is the one open there.
    in_address = session_in_address()
    ref = ((in_address.campaign_id if in_address else None)
           or st.session_state.get("campaign_id") or st.query_params.get("campaign"))
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


def dataframe(frame: Any, **options: Any) -> Any:
    """A read-only table: Streamlit's grid normally (sortable, scrollable); in projector mode the
    same rows as large wrapped text that fits the screen (options such as column_config apply
    to the grid only)."""
    if projector_on():
        if len(frame.columns) == 0:
            return None
        return st.html(projector_table.html_table(frame))
    return st.dataframe(frame, **options)


# ---- the projector's own window ------------------------------------------------------------
LIVE_SCREEN_PATH = "live_screen"  # the live screen's address (its url_path in app.py)


def session_in_address() -> Session | None:
    """The workshop session named in the page's address (`?session=` its id, or its join
    code as typed); None when it names none or one that does not exist."""
    ref = st.query_params.get("session")
    if not ref:
        return None
    from c4d.phones.model import normalise_code

    db = store()
    try:
        return db.session_by_id(ref)
    except NotFound:
        code = normalise_code(ref)
    session_id = next((s.session_id for s in db.live_states() if s.join_code == code), None)
    return None if session_id is None else db.session_by_id(session_id)


def live_screen_address(session: Session) -> str:
    """The projector's own address for a session: the live screen of that session in projector
    mode. It opens in any browser window, where nothing has been chosen yet."""
    from urllib.parse import urlencode

    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return (f"/{base}" if base else "") + f"/{LIVE_SCREEN_PATH}?" + urlencode({"session": session.id,
                                                                             "projector": "1"})


def projector_window_button(session: Session, label: str = "Open the live screen for the projector") -> None:
    """A link that opens the session's live screen in a new window (this tab stays where it
    is), to move to the projector's screen; it follows the session's phones by itself. Not
    shown in projector mode: the room has no use for it."""
    if projector_on():
        return
    st.link_button(label, live_screen_address(session), icon=":material/cast:",
                   help="Opens in a new window; this page stays open here. Move that window to the projector's "
                        "screen: it shows what the phones of this session show (a ballot, the idea board, a "
                        "pre-test material), by itself.")


# ---- parts of a page that follow the room ----------------------------------------------------
LIVE_SECONDS = 1  # how often a live part re-reads what it shows (votes, ideas) from the database


def live(active: bool = True):
    """Decorator for the part of a page that shows what the room sends (counts, results):
    while `active` (a ballot open, the idea board on the phones) it is an `st.fragment` that
    re-runs on its own every LIVE_SECONDS, re-reading only what it shows, so it follows the
    phones within about a second without rerunning the page; otherwise it runs once with
    the page, as plain code."""
    if not active:
        return lambda part: part
    return st.fragment(run_every=LIVE_SECONDS)


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


def upload_limit_mb(limit_bytes: int) -> int:
    """`st.file_uploader(..., max_upload_size=upload_limit_mb(LIMIT))`: the widget then
    states and refuses the page's own limit (in whole MB of 1,024 × 1,024 bytes, rounded
    up), not the server's (210 MB, the largest upload of all, a backup). The browser does
    that check; the page still checks the size it receives."""
    return max(1, -(-limit_bytes // (1024 * 1024)))


def flash(message: str) -> None:
    st.session_state.setdefault("_flash", []).append(message)


def show_flash() -> None:
    for message in st.session_state.pop("_flash", []):
        st.success(message)


# ---- forms that add or edit stored records ---------------------------------------------------
# The browser keeps what each field holds under the field's id, which is its key: emptying a
# key's session state after a save leaves the old text on screen, and the browser sends it
# back with the next run, into the next record. So the fields of a form that adds or edits
# records live under `form_key`, which is new after each save (`form_saved`) and follows the
# record being edited: a form is either that stored record as it is now, or empty.
_FORM_ROUND = "_form_round:"
_FORM_NEXT = "_form_next:"


def form_key(name: str, editing: object = None) -> str:
    """The key of the form `name`, and the prefix of its fields' keys. For a new record
    (`editing` None) it changes after each save; for a stored record it also changes with
    what is stored, so a change saved elsewhere shows instead of earlier typing."""
    turn = st.session_state.get(_FORM_ROUND + name, 0)
    if editing is None:
        return f"{name}-new-{turn}"
    stored = editing.model_dump_json() if hasattr(editing, "model_dump_json") else repr(editing)
    return f"{name}-{hashlib.blake2s(stored.encode(), digest_size=6).hexdigest()}-{turn}"


def form_saved(name: str, *, added: str | None = None) -> None:
    """After a save (or 'Clear the form'): the form `name` starts again from empty fields.
    With `added` (an `entry_form`, where many records are added in a row) the form stays
    open, says `added` (markdown: escape user text) and its first field gets the cursor."""
    st.session_state[_FORM_ROUND + name] = st.session_state.get(_FORM_ROUND + name, 0) + 1
    if added is not None:
        st.session_state[_FORM_NEXT + name] = added


@contextmanager
def entry_form(name: str, label: str, *, expanded: bool, icon: str | None = None) -> Iterator[str]:
    """A form for adding many records one after another, in an expander: open at first when
    `expanded`; after each `form_saved(name, added=...)` open again with the form empty, what
    was added said above it and the cursor in its first field. Yields the form's key (the
    prefix for keyed fields)."""
    added = st.session_state.pop(_FORM_NEXT + name, None)
    if added is not None:
        st.session_state[f"{name}-open"] = True
    key = form_key(name)
    with st.expander(label, expanded=expanded, key=f"{name}-open", on_change="rerun", icon=icon):
        if added:
            st.success(added, icon=":material/check:")
        with st.form(key):
            yield key
    if added is not None:
        focus_first_field(f"{name}-open", key)


def focus_first_field(key: str, turn: str = "") -> None:
    """Put the cursor in the first field inside the keyed container or expander `key` (a
    small script that waits for it: Streamlit has no way to focus a field;
    a form itself carries no key on the page). `turn` tells one call from the next: the
    browser runs a script again only when its text changes."""
    # It waits until the page's run has finished and no element of the previous run is left,
    # so the field it focuses is the new, empty one (up to three seconds).
    st.html(f"<script>/* {json.dumps(turn)[1:-1].replace('*/', '')} */(function(){{let tries=60;(function go(){{"
            "const app=document.querySelector(\"[data-testid='stApp']\");"
            "const busy=!app||app.getAttribute('data-test-script-state')!=='notRunning'"
            "||document.querySelector(\"[data-stale='true']\");"
            f"const box=document.querySelector({json.dumps('.st-key-' + key)});"
            "const el=!busy&&box&&box.querySelector('input:not([type=hidden]),textarea');"
            "if(el){el.focus();}else if(tries-->0){setTimeout(go,50);}})();})();</script>",
            unsafe_allow_javascript=True)


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


# ---- editable tables ------------------------------------------------------------------------
# Every table a facilitator edits is drawn by `editable_table`. It is drawn from what is stored,
# under a key made from that content: when the stored rows change (this table's own save,
# another page, another laptop), the table starts again from them, so Streamlit's record of
# earlier edits (row positions in the old rows) is never applied to other rows, and a table
# left on another page is never brought back stale. A change is saved once, in the editor's
# callback, which runs before the page does: everything the page then shows (a gap box, a
# preview, a count) reads what was just saved. A plain rerun saves nothing.
@dataclass(frozen=True)
class TableEdit:
    """One change made in an editable table: the rows the table was drawn from (`base`),
    Streamlit's record of the change (`changes`: edited_rows, added_rows, deleted_rows, by
    position in `base`) and `memo`, a dict that lasts as long as this table stays on screen
    (e.g. the ids already saved for new rows that are still being typed)."""

    columns: tuple[str, ...]
    base: list[dict]
    changes: Mapping[str, Any]
    memo: dict

    def rows(self) -> list[dict]:
        """The table as it now reads, in order, each row with every column: an empty cell is
        None (never "None" or NaN) and text is trimmed. A new row typed in any column is a
        row; a new row with nothing typed in it is not."""
        deleted = {int(i) for i in self.changes.get("deleted_rows", [])}
        edited = {int(i): cells for i, cells in self.changes.get("edited_rows", {}).items()}
        out = []
        for index, row in enumerate(self.base):
            if index not in deleted:
                out.append(_table_row(self.columns, row | edited.get(index, {})))
        for row in self.changes.get("added_rows", []):
            cells = _table_row(self.columns, row)
            if any(value not in (None, False) for value in cells.values()):
                out.append(cells)
        return out


def _table_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if value is None:
        return None
    import pandas as pd

    try:
        return None if pd.isna(value) is True else value
    except (TypeError, ValueError):
        return value


def _table_row(columns: Sequence[str], row: Mapping[str, Any]) -> dict:
    return {column: _table_cell(row.get(column)) for column in columns}


def table_rows(frame: Any) -> list[dict]:
    """The rows of a table returned by `editable_table` (e.g. read when a form is sent), as
    `TableEdit.rows` gives them: empty cells None, text trimmed, rows with nothing typed left out."""
    rows = [_table_row(list(frame.columns), record) for record in frame.to_dict("records")]
    return [row for row in rows if any(value is not None for value in row.values())]


def table_key(name: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """The editor's key for these stored rows: a new key whenever they change."""
    text = json.dumps([dict(r) for r in rows], sort_keys=True, default=str)
    return f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def editable_table(name: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *,
                   save: Callable[[TableEdit], bool | str | None] | None = None, what: str = "",
                   dtypes: Mapping[str, str] | None = None, **editor: Any) -> Any:
    """An editable table of the stored `rows` (dicts; only `columns` are used, in order).

    `save(edit)` runs once for each change the person makes, before the page runs again; it
    returns True, or a sentence saying what is missing, when rows are still waiting in the
    table (e.g. a new row that is not complete yet): the table then stays as it is on screen,
    with that sentence under it, until they are done. A
    refused change (ValidationError, ValueError, Conflict, NotFound) keeps what was typed in
    the table, with the reason under it, prefixed by `what`. Inside a form, pass no `save`
    and read the returned table when the form is sent. Empty cells show empty; other
    arguments go to `st.data_editor` (hide_index and a full width by default). With `save`,
    mark no column `required`: Streamlit would then keep an unfinished new row in the browser
    only, unsaved and unexplained; `save` says what is missing instead."""
    import pandas as pd

    columns = tuple(columns)
    base = [_table_row(columns, r) for r in rows]
    stored_key = table_key(name, base)
    pin_key, problem_key = f"{name}:pinned", f"{name}:problem"
    pinned = st.session_state.get(pin_key)
    # Rows are still being typed in this table: it stays as it is on screen, unless what is
    # stored changes after its own save (another page, a phone, another laptop).
    if pinned and pinned[0] in st.session_state and pinned[3] in (None, stored_key):
        key, base, memo, _ = pinned
        st.session_state[pin_key] = (key, base, memo, stored_key)
    else:
        st.session_state.pop(pin_key, None)
        key, memo = stored_key, {}

    def on_change() -> None:
        edit = TableEdit(columns, base, st.session_state[key], memo)
        try:
            waiting = save(edit)
        except (ValidationError, Conflict, NotFound, ValueError) as exc:
            st.session_state[problem_key] = (key, (f"{what} not saved: " if what else "Not saved: ")
                                             + "; ".join(explain(exc)), st.error)
            waiting = True
        else:
            st.session_state.pop(problem_key, None)
            if isinstance(waiting, str) and waiting:
                st.session_state[problem_key] = (key, waiting, st.warning)
        if waiting:
            st.session_state[pin_key] = (key, base, memo, None)
        else:
            st.session_state.pop(pin_key, None)

    frame = pd.DataFrame(base, columns=list(columns))
    if dtypes:
        frame = frame.astype(dict(dtypes))
    options = {"hide_index": True, "width": "stretch", "placeholder": ""} | editor
    if save is not None:
        options["on_change"] = on_change
    edited = st.data_editor(frame, key=key, **options)
    problem = st.session_state.get(problem_key)
    if problem and problem[0] == key:
        problem[2](plain(problem[1]))
    return edited


# ---- removing, and putting back what was removed today -------------------------------------
def remove_button(item: "removal.Removable", remove: Callable[[], Any], *, key: str, note: str = "",
                  label: str | None = None, where: Any = None, after: Callable[[], Any] | None = None) -> None:
    """'Remove this <decision, objective, ...>' behind a popover that names what goes
    ("Remove the decision 'Primary target group — Young women 18–27'?") and, in `note`, what
    goes with it. Once removed, the page says so and where to restore it; `after` tidies the
    page's own state (a form that was editing the item)."""
    with (where or st).popover(label or f"Remove this {removal.kind_of(item).noun}", icon=":material/delete:"):
        confirm_removal(item, remove, key=key, note=note, after=after)


def confirm_removal(item: "removal.Removable", remove: Callable[[], Any], *, key: str, note: str = "",
                    after: Callable[[], Any] | None = None) -> None:
    """The inside of a removal's popover: the question naming the item, the `note`, the
    Remove button; see remove_button."""
    noun = removal.kind_of(item).noun
    st.markdown(plain(removal.question(item)))
    if note:
        st.caption(plain(note))
    if st.button("Remove", key=key, type="primary"):
        with saving(noun[0].upper() + noun[1:]):
            remove()
            if after is not None:
                after()
            flash(plain(removal.removed_note(item)))
            st.rerun()


def recently_removed(campaign: Campaign, *kinds: "removal.RemovedKind",
                     on_restore: Callable[[], Any] | None = None) -> None:
    """'Recently removed' on a page that removes things: what was removed there today, newest
    first, each with a Restore button. Nothing is shown on the projector, nor when nothing of
    these kinds was removed today. `on_restore` lets the page drop what it holds of the saved
    data (an editable table's rows) so it shows the restored item."""
    if projector_on() or not kinds:
        return
    items = removed_commands.removed_today(store(), campaign.id, kinds)
    if not items:
        return
    with st.expander(f"Recently removed today ({len(items)})", icon=":material/restore_from_trash:"):
        for item in items:
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(plain(item.label) + f"  \n:gray[removed at {item.removed_at.astimezone():%H:%M}]")
            if right.button("Restore", key=f"restore-{item.id}", icon=":material/undo:"):
                try:
                    removed_commands.restore(store(), campaign.id, item.id)
                except (ValidationError, Conflict, NotFound, ValueError) as exc:
                    st.error("Not restored: " + "; ".join(plain(line) for line in explain(exc)))
                else:
                    if on_restore is not None:
                        on_restore()
                    flash(f"Restored: {plain(item.label)}")
                    st.rerun()

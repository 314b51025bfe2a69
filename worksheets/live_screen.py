"""Live screen, for the projector: how to join, then the question and its results as votes
arrive. The live part re-runs on its own every second (st.fragment), without reloading
the page; the rest of the page stays still."""

import html
import io

import segno
import streamlit as st

from c4d import lan, ui

from c4d.pretest import record
from c4d.pretest.showing import on_phones
from c4d.voting.pictures import result_chart
from c4d.voting.results import eligible_for, tally
from c4d.voting.worksheet import projector_may_show_results
from c4d.ideas.model import on_board_count, support, visible
from c4d.phones.model import Showing
from c4d.db.errors import NotFound
from c4d.voting.counting import describe_result
from c4d.voting.model import BallotStatus, VotingMethod
from worksheets._pretest_ui import material_for_room
from c4d.text import plural

# The projector's own window opens from the address of a session (ui.live_screen_address), in a
# browser session where nothing has been chosen: the session in the address decides.
in_address = ui.session_in_address()
if st.query_params.get("session") and in_address is None:
    st.info("No workshop session matches this address: the session may have been deleted. Open the live screen "
            "again from the 'PPCD voting', 'Idea board' or 'Pre-test scoring' page.")
    st.stop()
campaign = ui.require_campaign()
db = ui.store()
projector = ui.projector_on()

# Large type for the parts the room reads; keyed containers get a CSS class. The join code and
# address keep their own sizes (!important) over the projector's floor for text (c4d.ui).
st.markdown("""
<style>
.c4d-code { font: 800 7.5rem/1 monospace !important; letter-spacing: .6rem; color: #000; margin: .4rem 0 1rem; }
.c4d-url { font: 700 2.4rem/1.2 monospace !important; color: #000; container-type: inline-size; }
.c4d-small-join { font: 700 1.6rem/1.3 monospace !important; color: #000; container-type: inline-size; }
.c4d-address { white-space: nowrap; }
.c4d-qr-code { font: 800 2rem/1 monospace !important; letter-spacing: .2rem; color: #000; text-align: center; }
.st-key-live-count p { font-size: 3.6rem !important; font-weight: 800; color: #000; margin: 0; }
.st-key-live-question h2, .st-key-live-question h2 * { font-size: 3rem !important; font-weight: 800; color: #000; }
.st-key-live-ideas p { font-size: 2rem !important; line-height: 1.25; color: #000; }
.st-key-live-note p { font-size: 1.8rem !important; color: #222; }
</style>
""", unsafe_allow_html=True)

# The session in the address; else, on a first visit, the session that has something on the phones.
if in_address is not None and in_address.campaign_id == campaign.id:
    st.session_state["chosen_session"] = in_address.id
live_now = [state.session_id for state in db.live_states() if state.showing is not Showing.wait]
session = ui.choose_session(campaign, default=live_now[0] if live_now else None, show=not projector)
st.query_params["session"] = session.id  # this page's address is the session's: a reload stays on it
if not projector:
    ui.projector_window_button(session)
    st.caption("Open it in a new window and move that to the projector's screen (or turn on 'Projector mode' in "
               "the sidebar here). It follows what the phones of this session show, as you open it on the "
               "'PPCD voting', 'Idea board' and 'Pre-test scoring' pages.")

address = lan.lan_address(db)
port = st.get_option("server.port") or lan.port_from_url(st.context.url)
code = db.live_state(session.id).join_code
join = lan.join_url(address, code, port)
if not projector and lan.loopback_only(st.get_option("server.address")):
    st.warning("The toolkit was started for this laptop only (--host 127.0.0.1), so phones cannot open the link "
               "below. Stop it and start it again with `make run` or `c4d serve`, which listen on the Wi-Fi.")
elif not address.reachable_by_phones and not projector:
    st.warning("This laptop is not on a network phones can reach. Connect it to the Wi-Fi or turn on its hotspot, "
               "or type its address in 'Settings and backup' → 'Network address for phones'.")


@st.cache_data(show_spinner=False, max_entries=20)
def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=16, border=2, dark="#000000", light="#ffffff")
    return out.getvalue()


MONO_EM = 0.62  # a monospace character's width in em, with a little to spare


def address_html(url: str, largest_rem: float) -> str:
    """The join address, escaped, for a box of any width: "http://host:port" in one piece that
    never breaks (its type smaller where the box is narrower than it at `largest_rem`), and a
    line break allowed only before a "/" of the path after it."""
    scheme, _, rest = url.partition("://")
    origin, slash, path = rest.partition("/")
    whole = f"{scheme}://{origin}"
    size = f"min({largest_rem}rem, calc(100cqi / {len(whole) * MONO_EM:.2f}))"
    tail = "".join(f"<wbr>/{html.escape(part)}" for part in path.split("/")) if slash else ""
    return f'<span class="c4d-address" style="font-size: {size}">{html.escape(whole)}</span>{tail}'


def join_screen() -> None:
    """The big invitation: QR code, join code, link."""
    qr_col, text_col = st.columns([2, 3], vertical_alignment="center")
    qr_col.image(qr_png(join), width="stretch", alt="QR code that opens the voting page")
    with text_col:
        st.markdown("Join with your phone: scan the code, or open")
        st.markdown(f'<div class="c4d-url">{address_html(join, 2.4)}</div>', unsafe_allow_html=True)
        st.markdown("and, if asked, type the code")
        st.markdown(f'<div class="c4d-code">{html.escape(code)}</div>', unsafe_allow_html=True)
        st.caption("Phones must be on the same Wi-Fi as this laptop. No app and no internet needed.")


def join_line() -> None:
    st.markdown(f'<div class="c4d-small-join">Join: {address_html(join, 1.6)} · code {html.escape(code)}</div>',
                unsafe_allow_html=True)


QR_CORNER_PX = 160  # scannable from the back of a room, small enough to leave the results their space


def heading_with_join(question: str, count: str) -> None:
    """The question and its count, with a compact QR code and the join code beside them, so
    people who arrive late can still scan in; the results below keep the full width."""
    text_col, qr_col = st.columns([5, 1], vertical_alignment="top")
    with text_col:
        join_line()
        with st.container(key="live-question"):
            st.header(ui.plain(question), anchor=False)
        with st.container(key="live-count"):
            st.markdown(count)
    with qr_col.container(key="live-join-qr"):
        st.image(qr_png(join), width=QR_CORNER_PX, alt="QR code that opens the voting page")
        st.markdown(f'<div class="c4d-qr-code" style="width: {QR_CORNER_PX}px">{html.escape(code)}</div>',
                    unsafe_allow_html=True)


def ballot_view(ballot) -> None:
    counted = tally(db, ballot)
    could = eligible_for(session, db.participants(session.id), ballot)
    heading_with_join(ballot.question, could.of(counted.turnout, who=False))
    result = counted.result
    show = result is not None and projector_may_show_results(ballot)
    with st.container(key="live-note"):
        if ballot.status is BallotStatus.open:
            st.markdown(ui.plain(ballot.instructions()))
        elif ballot.status is BallotStatus.closed:
            st.markdown("Voting is closed.")
        if show and (ballot.status is not BallotStatus.open or result.method is VotingMethod.ranking_irv):
            st.markdown(ui.plain(describe_result(result)))
        elif result is None and ballot.status is BallotStatus.open:
            st.markdown("No votes yet." if projector_may_show_results(ballot)
                        else "No votes yet. Results stay hidden while voting runs.")
        elif not show and ballot.status is BallotStatus.open:
            st.markdown("Results are hidden while voting runs.")
        elif not show and result is not None:
            st.markdown("The results will be shown in a moment.")
    if show:
        st.altair_chart(result_chart(ballot, result, big=True), width="stretch")


def ideas_view(prompt: str) -> None:
    ideas = db.ideas(session.id)
    counts = support(ideas)
    shown = sorted(visible(ideas), key=lambda i: (i.created_at, i.id), reverse=True)  # newest first
    n = on_board_count(ideas)  # what the board shows: duplicates merged away and hidden ideas left out
    heading_with_join(prompt or "Send your ideas", f"{plural(n, 'idea')}")
    with st.container(key="live-ideas"):
        columns = st.columns(3)
        for n, idea in enumerate(shown[:30]):
            with columns[n % 3].container(border=True):
                times = counts.get(idea.id, 1)
                st.markdown(ui.plain(idea.text) + (f" **×{times}**" if times > 1 else ""))
        if len(shown) > 30:
            st.markdown(f"… and {len(shown) - 30} more")


@ui.live()  # an st.fragment re-run every ui.LIVE_SECONDS
def live() -> None:
    state = db.live_state(session.id)
    ballot = None
    if state.showing is Showing.ballot and state.ballot_id:
        try:
            ballot = db.ballot(state.ballot_id)
        except NotFound:
            ballot = None
    if ballot is not None:
        ballot_view(ballot)
    elif state.showing is Showing.ideas:
        ideas_view(state.idea_prompt)
    elif state.showing is Showing.pretest:
        join_line()
        material_for_room(db, record.load(db, campaign.id), on_phones(state), session.id)
    else:
        st.title(ui.plain(session.title), anchor=False)
        join_screen()
        with st.container(key="live-note"):
            st.markdown("The next question will appear here.")


live()

"""The participant pages (c4d.phones.routes and the modules beside it) driven in-process: each ballot method from form to
count, replacing and double taps, late and stale votes, tampered tokens, bad and
oversized input, escaping, rate limiting, voter cards, translations, page weight, and
votes surviving a restart. One property test throws arbitrary form bodies at a ballot."""

from __future__ import annotations

import re
import sqlite3
import threading
import warnings
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what the project installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from c4d.phones import commands, forms, pages, responses, routes, tokens

from c4d.phones import phrases
from c4d.voting.commands import set_cards_required
from c4d.ideas.model import IDEA_MAX
from c4d.models import Sex
from c4d.phones.model import RateLimiter, Showing, VoterCard, normalise_code
from c4d.db.store import Store
from c4d.voting.counting import count
from c4d.voting.lifecycle import close_ballot, edit_ballot, open_ballot, reopen_ballot, reveal_results
from c4d.voting.model import Ballot, BallotOption, Criterion, VotingMethod
from c4d.voting.results import disaggregate
from c4d.voting.templates import TEMPLATES, ballot_from_template
from tests.fixtures_store import add_campaign, add_session

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --------------------------------------------------------------------------- helpers


class FormReader(HTMLParser):
    """The fields of the page's forms, as a browser would see them."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: dict | None = None
        self._textarea: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": a.get("method"), "action": a.get("action"), "inputs": [],
                               "selects": [], "textareas": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(a)
        elif tag == "select" and self.forms:
            self._select = {**a, "options": []}
            self.forms[-1]["selects"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a)
        elif tag == "textarea" and self.forms:
            self._textarea = a
            self.forms[-1]["textareas"].append(a)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    @property
    def form(self) -> dict:
        assert len(self.forms) == 1, self.forms
        return self.forms[0]

    def hidden(self) -> dict[str, str]:
        return {i["name"]: i["value"] for i in self.form["inputs"] if i.get("type") == "hidden"}

    def inputs(self, type_: str) -> list[dict]:
        return [i for i in self.form["inputs"] if i.get("type") == type_]


def make_client(**kwargs) -> TestClient:
    """A phone of its own (the test client's address is the same for all: they are not
    limited as new phones from one address, except where a test says so)."""
    site = routes.ParticipantSite(**{"new_phones": RateLimiter(limit=10**6, window=1.0), **kwargs})
    return TestClient(Starlette(routes=site.routes()), base_url="http://testserver")


def open_and_show(store: Store, ballot: Ballot, *, cards_required: bool = False) -> Ballot:
    ballot = open_ballot(ballot)
    store.save_ballot(ballot)
    state = store.live_state(ballot.session_id)
    store.save_live_state(state.model_copy(update={"showing": Showing.ballot, "ballot_id": ballot.id,
                                                   "cards_required": cards_required}))
    return ballot


def show(store: Store, session_id: str, showing: Showing, **changes) -> None:
    state = store.live_state(session_id)
    store.save_live_state(state.model_copy(update={"showing": showing, **changes}))


def ballot(w, labels, method=VotingMethod.single, **extra) -> Ballot:
    return Ballot(campaign_id=w.campaign.id, session_id=w.session.id, question=extra.pop("question", "Which one?"),
                  method=method, options=[BallotOption(label=label) for label in labels], **extra)


def post(client: TestClient, code: str, data, **kwargs):
    body = data if isinstance(data, (str, bytes)) else urlencode(data, doseq=True)
    return client.post(f"/j/{code}", content=body, headers={**FORM, **kwargs.pop("headers", {})},
                       follow_redirects=False, **kwargs)


def vote(client: TestClient, code: str, answer: dict):
    """Load the ballot page as a phone would and send `answer` with its hidden fields."""
    page = client.get(f"/j/{code}")
    assert page.status_code == 200, page.text
    return post(client, code, {**FormReader(page.text).hidden(), **answer})


def assert_plain_page(response) -> None:
    """What every participant page must be: safe headers, no script, no referrer, phone-sized.
    A 303 has no body: only where to go next (and perhaps the device cookie)."""
    if response.status_code == 303:
        assert response.content == b"" and response.headers["location"].startswith("/j/")
        assert set(response.headers) <= {"location", "content-length", "set-cookie"}
        return
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    assert "<script" not in text.lower()
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in text
    assert '<meta name="referrer" content="no-referrer">' in text
    assert "Traceback" not in text


@pytest.fixture
def w(store):
    """A campaign with one session and its join code; `client` is a phone."""
    campaign = add_campaign(store, "Safe Migration")
    session = add_session(store, campaign)
    code = store.live_state(session.id).join_code
    return SimpleNamespace(store=store, campaign=campaign, session=session, code=code, client=make_client())


# --------------------------------------------------------------------------- pages


def test_waiting_page_refreshes_itself_and_gives_the_phone_a_signed_token(w):
    response = w.client.get(f"/j/{w.code}")
    assert response.status_code == 200
    assert_plain_page(response)
    assert '<meta http-equiv="refresh" content="5">' in response.text
    assert "Please wait" in response.text and "Safe Migration" in response.text
    assert '<html lang="en">' in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{tokens.COOKIE}=")
    for part in ("HttpOnly", "Path=/j", "SameSite=lax", f"Max-Age={tokens.COOKIE_MAX_AGE}"):
        assert part in cookie
    # The phone keeps its token: the next page does not hand out another.
    assert "set-cookie" not in w.client.get(f"/j/{w.code}").headers
    # The secret that signs tokens is made once and kept.
    assert len(w.store.setting(tokens.SECRET_SETTING)) >= 32


def test_a_draft_ballot_on_show_still_means_wait(w):
    b = ballot(w, ["Radio", "TV"])
    w.store.save_ballot(b)
    show(w.store, w.session.id, Showing.ballot, ballot_id=b.id)
    response = w.client.get(f"/j/{w.code}")
    assert "Please wait" in response.text and "<form" not in response.text


def test_unknown_code_gives_a_404_page_with_a_box_to_type_the_code(w):
    response = w.client.get("/j/ABCDE" if w.code != "ABCDE" else "/j/ABCDF")
    assert response.status_code == 404
    assert_plain_page(response)
    assert "No workshop with the code ABCD" in response.text
    assert "check the code on the projector" in response.text
    form = FormReader(response.text).form
    assert form["method"] == "get" and form["action"] == "/j"
    assert [i["name"] for i in form["inputs"]] == ["code"]

    hostile = w.client.get("/j/" + SCRIPT)
    assert hostile.status_code == 404
    assert_plain_page(hostile)
    assert "<script>" not in hostile.text and "&lt;script&gt;" in hostile.text

    assert post(w.client, "ZZZZZZZZ", {"kind": "vote"}).status_code == 404


def test_typing_the_code_in_any_case_finds_the_workshop(w):
    typed = w.code.lower()[:2] + "-" + w.code.lower()[2:]
    response = w.client.get("/j", params={"code": typed}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/j/{w.code}"
    assert w.client.get("/j").status_code == 200
    assert w.client.get(f"/j/{w.code.lower()}").status_code == 200


def test_join_url_and_client_ip():
    assert routes.join_url("http://192.168.1.5:8501/", "ab-c d4") == "http://192.168.1.5:8501/j/ABCD4"
    request = SimpleNamespace(client=SimpleNamespace(host="10.0.0.7", port=5000))
    assert routes.client_ip(request) == "10.0.0.7"
    assert routes.client_ip(SimpleNamespace(client=None)) == "unknown"


# --------------------------------------------------------------------------- each method


def answer_for(method: VotingMethod, b: Ballot) -> tuple[dict, object]:
    """A form answer for the ballot, and a check of the count it must produce."""
    ids = b.option_ids
    if method is VotingMethod.single:
        return {"o": "2"}, lambda r: r.winner_ids == [ids[2]] and r.row(ids[2]).score == 1
    if method is VotingMethod.multiple:
        return {"o": ["0", "3"]}, lambda r: {x.option_id for x in r.rows if x.score == 1} == {ids[0], ids[3]}
    if method is VotingMethod.dots:
        return ({"d0": "", "d1": "2", "d2": "0", "d3": "1"},
                lambda r: r.row(ids[1]).score == 2 and r.row(ids[3]).score == 1 and r.total == 3)
    if method is VotingMethod.ranking_borda:
        return ({"r0": "3", "r1": "1", "r2": "4", "r3": "2"},
                lambda r: [x.option_id for x in r.rows] == [ids[1], ids[3], ids[0], ids[2]])
    if method is VotingMethod.ranking_irv:  # partial, with a gap in the places: the order is what counts
        return {"r0": "", "r1": "3", "r2": "1", "r3": ""}, lambda r: r.winner_ids == [ids[2]]
    scores = {f"s{i}_{j}": str(1 + (i + j) % 5) for i in range(4) for j in range(2)}
    return scores, lambda r: r.row(ids[3]).criterion_means == {b.criteria[0].id: 4.0, b.criteria[1].id: 5.0}


METHODS = [
    (VotingMethod.single, {}),
    (VotingMethod.multiple, {"max_choices": 2}),
    (VotingMethod.dots, {"dots": 3}),
    (VotingMethod.ranking_borda, {}),
    (VotingMethod.ranking_irv, {}),
    (VotingMethod.matrix, {"criteria": [Criterion(label="Severity"), Criterion(label="Gap", weight=2)]}),
]


@pytest.mark.parametrize("method,extra", METHODS, ids=[m.value for m, _ in METHODS])
def test_each_method_renders_its_form_and_counts_the_vote(w, method, extra):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Facebook", "Posters"], method, **extra))
    page = w.client.get(f"/j/{w.code}")
    assert page.status_code == 200
    assert_plain_page(page)
    assert "refresh" not in page.text  # only the waiting page reloads itself
    reader = FormReader(page.text)
    form = reader.form
    assert form["method"] == "post" and form["action"] == f"/j/{w.code}"
    assert reader.hidden()["ballot"] == b.id and reader.hidden()["kind"] == "vote"
    if method is VotingMethod.single:
        assert [i["value"] for i in reader.inputs("radio")] == ["0", "1", "2", "3"]
    elif method is VotingMethod.multiple:
        assert len(reader.inputs("checkbox")) == 4 and "Choose up to 2 options." in page.text
    elif method is VotingMethod.dots:
        numbers = reader.inputs("number")
        assert [i["name"] for i in numbers] == ["d0", "d1", "d2", "d3"] and numbers[0]["max"] == "3"
    elif method.is_ranking:
        selects = form["selects"]
        assert [s["name"] for s in selects] == ["r0", "r1", "r2", "r3"]
        assert [o.get("value") for o in selects[0]["options"]] == ["", None, None, None, None]  # –,1,2,3,4
        assert all(("required" in s) == (method is VotingMethod.ranking_borda) for s in selects)
    else:
        radios = reader.inputs("radio")
        assert len(radios) == 4 * 2 * 5
        assert {i["name"] for i in radios} == {f"s{i}_{j}" for i in range(4) for j in range(2)}

    answer, check = answer_for(method, b)
    sent = post(w.client, w.code, {**reader.hidden(), **answer})
    assert sent.status_code == 303, sent.text
    assert_plain_page(sent)
    assert sent.headers["location"].startswith(f"/j/{w.code}?sent=")
    thanks = w.client.get(sent.headers["location"])
    assert "Thank you — your vote is counted." in thanks.text
    assert "replaced" not in thanks.text
    assert "Change my vote" in thanks.text
    votes = w.store.votes(b.id)
    assert len(votes) == 1 and votes[0].voter_key.startswith("device:") and votes[0].participant_id is None
    assert check(count(b, votes))


def test_dots_without_stacking_are_ticks_one_dot_each(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters"], VotingMethod.dots, dots=2,
                                      allow_stacking=False))
    page = w.client.get(f"/j/{w.code}")
    assert "at most one on each option" in page.text
    assert [i["value"] for i in FormReader(page.text).inputs("checkbox")] == ["0", "1", "2"]
    over = vote(w.client, w.code, {"o": ["0", "1", "2"]})
    assert over.status_code == 422 and "You have 2 dots but placed 3." in over.text
    assert w.store.vote_count(b.id) == 0
    assert vote(w.client, w.code, {"o": ["0", "2"]}).status_code == 303
    result = count(b, w.store.votes(b.id))
    assert [result.row(i).score for i in b.option_ids] == [1, 0, 1]


def test_a_second_vote_replaces_the_first_and_says_so(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Facebook"]))
    first = vote(w.client, w.code, {"o": "0"})
    assert "counted" in w.client.get(first.headers["location"]).text
    second = vote(w.client, w.code, {"o": "2"})
    assert second.status_code == 303
    page = w.client.get(second.headers["location"]).text
    assert "Your earlier vote was replaced by this one." in page
    votes = w.store.votes(b.id)
    assert len(votes) == 1 and votes[0].selections == [b.option_ids[2]]
    assert count(b, votes).winner_ids == [b.option_ids[2]]


def test_a_double_tap_counts_once_and_both_answers_say_counted(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    one = post(w.client, w.code, {**hidden, "o": "1"})
    two = post(w.client, w.code, {**hidden, "o": "1"})
    assert one.status_code == two.status_code == 303
    assert w.store.vote_count(b.id) == 1
    for response in (one, two):
        page = w.client.get(response.headers["location"]).text
        assert "your vote is counted" in page and "replaced" not in page


def test_the_thank_you_flag_cannot_be_forged_or_reused_on_another_phone(w):
    open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    sent = vote(w.client, w.code, {"o": "1"})
    location = sent.headers["location"]
    forged = location[:-3] + ("aaa" if not location.endswith("aaa") else "bbb")
    assert "<form" in w.client.get(forged).text  # not a thank-you: the ballot again
    other_phone = make_client()
    assert "<form" in other_phone.get(location).text


# --------------------------------------------------------------------------- closed, stale, results


def test_a_vote_after_close_is_refused_and_changes_nothing(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    assert vote(w.client, w.code, {"o": "0"}).status_code == 303
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    w.store.save_ballot(close_ballot(b))
    before = w.store.votes(b.id)
    refused = post(w.client, w.code, {**hidden, "o": "1"})
    assert refused.status_code == 409
    assert_plain_page(refused)
    assert "Voting on this question is closed; your vote was not counted." in refused.text
    assert w.store.votes(b.id) == before

    closed = w.client.get(f"/j/{w.code}")
    assert "Voting on this question is closed." in closed.text and "<form" not in closed.text
    assert "Results" not in closed.text  # not revealed yet


def test_results_show_on_the_phone_only_once_revealed(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters"]))
    for answer in ("1", "1", "0"):
        assert vote(make_client(), w.code, {"o": answer}).status_code == 303
    sent = vote(w.client, w.code, {"o": "1"})
    assert "Results" not in w.client.get(sent.headers["location"]).text

    b = close_ballot(b)
    w.store.save_ballot(b)
    assert "Results" not in w.client.get(f"/j/{w.code}").text
    w.store.save_ballot(reveal_results(b))
    page = w.client.get(sent.headers["location"])
    assert page.status_code == 200
    assert_plain_page(page)
    assert "Results" in page.text and "your vote is counted" in page.text
    assert "<p>TV wins.</p>" in page.text  # in the participant's words; the numbers are in the rows
    assert re.search(r'class="v">3 · 75%</span>TV', page.text)
    assert 'style="width:75%"' in page.text


def test_a_form_for_a_ballot_no_longer_showing_is_refused(w):
    a = open_and_show(w.store, ballot(w, ["Radio", "TV"], question="First question"))
    hidden_a = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    b = open_and_show(w.store, ballot(w, ["Yes", "No"], question="Second question"))
    refused = post(w.client, w.code, {**hidden_a, "o": "0"})
    assert refused.status_code == 409
    assert "your vote was not counted" in refused.text
    assert w.store.vote_count(a.id) == w.store.vote_count(b.id) == 0
    # A's form relabelled as B's: the nonce was signed for A, so nothing is counted either.
    relabelled = post(w.client, w.code, {**hidden_a, "ballot": b.id, "o": "0"})
    assert relabelled.status_code == 400 and "reload this page" in relabelled.text
    assert w.store.vote_count(b.id) == 0


# --------------------------------------------------------------------------- kept pages follow every change


@pytest.fixture(params=["the same store", "another process"])
def facilitator(request, w):
    """Who changes the workshop while phones are connected: the facilitator's pages in the
    server's own process (the very Store the phone pages use), or another process such as
    the command line (a Store of its own on the same database file)."""
    if request.param == "the same store":
        w.client = make_client(store=w.store)
        return w.store
    return Store(w.store.url)


def test_a_kept_ballot_page_follows_closing_rewording_and_reopening(w, facilitator):
    b = open_and_show(facilitator, ballot(w, ["Radio", "TV"], question="Which channel first?"))
    first = w.client.get(f"/j/{w.code}")
    assert "Which channel first?" in first.text
    warm = FormReader(first.text).hidden()
    assert FormReader(w.client.get(f"/j/{w.code}").text).hidden()["nonce"] != warm["nonce"]  # one per load

    b = facilitator.save_ballot(close_ballot(b))
    closed = w.client.get(f"/j/{w.code}")
    assert "Voting on this question is closed." in closed.text and "<form" not in closed.text
    # The form loaded before the close is refused, although its page was kept warm.
    late = post(w.client, w.code, {**warm, "o": "0"})
    assert late.status_code == 409 and "your vote was not counted" in late.text
    assert facilitator.vote_count(b.id) == 0

    b = facilitator.save_ballot(edit_ballot(reopen_ballot(b), question="Which channel reaches farmers?",
                                            options=[o.model_copy(update={"label": label})
                                                     for o, label in zip(b.options, ["Radio", "Television"])]))
    reopened = w.client.get(f"/j/{w.code}")
    assert "Which channel reaches farmers?" in reopened.text and "Television" in reopened.text
    assert "Which channel first?" not in reopened.text
    sent = post(w.client, w.code, {**FormReader(reopened.text).hidden(), "o": "1"})
    assert sent.status_code == 303
    thanks = w.client.get(sent.headers["location"])
    assert "Which channel reaches farmers?" in thanks.text and "your vote is counted" in thanks.text
    assert [v.selections for v in facilitator.votes(b.id)] == [[b.option_ids[1]]]

    # Closed and revealed while the thank-you page was kept: the same link now shows results.
    facilitator.save_ballot(reveal_results(close_ballot(b)))
    again = w.client.get(sent.headers["location"])
    assert "Voting on this question is closed." in again.text and "Results" in again.text


def test_kept_pages_follow_the_campaign_name_language_cards_and_translations(w, facilitator):
    open_and_show(facilitator, ballot(w, ["Radio", "TV"]))
    page = w.client.get(f"/j/{w.code}").text
    assert "Safe Migration" in page and '<html lang="en">' in page and 'name=card' not in page

    facilitator.update_campaign(w.campaign.model_copy(update={"name": "Safe Journeys", "participant_language": "mn"}))
    commands.save_translation(facilitator, "mn", "submit_vote", "Санал илгээх")
    page = w.client.get(f"/j/{w.code}").text
    assert "Safe Journeys" in page and "Safe Migration" not in page
    assert '<html lang="mn">' in page and "Санал илгээх" in page

    facilitator.add_cards([VoterCard(session_id=w.session.id, code="AAAAAA")])
    assert "name=card" in w.client.get(f"/j/{w.code}").text

    commands.save_translation(facilitator, "mn", "submit_vote", "")  # back to English
    assert "Send my vote" in w.client.get(f"/j/{w.code}").text


def test_a_page_for_another_sessions_ballot_is_never_shown(w):
    other = add_session(w.store, w.campaign, "Audience workshop")
    stray = open_ballot(ballot(SimpleNamespace(campaign=w.campaign, session=other), ["Yes", "No"]))
    w.store.save_ballot(stray)
    show(w.store, w.session.id, Showing.ballot, ballot_id=stray.id)
    assert "Please wait" in w.client.get(f"/j/{w.code}").text


# --------------------------------------------------------------------------- answered on the event loop


def test_a_phone_walk_needs_no_worker_thread_when_the_database_is_free(w, monkeypatch):
    open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    handed_over = []

    async def worker_thread(work, *args):
        handed_over.append(work.__name__)
        return work(*args)

    monkeypatch.setattr(routes, "run_in_threadpool", worker_thread)
    sent = vote(w.client, w.code, {"o": "1"})
    assert "your vote is counted" in w.client.get(sent.headers["location"]).text
    assert handed_over == []


def test_a_vote_waits_in_a_worker_thread_while_another_program_writes(w, monkeypatch):
    """SQLite's write lock held by another program (here a bare connection): the event loop
    does not wait for it; the vote is handed to a worker thread, which waits as any
    database user does and is counted, and answered, once the other program commits."""
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    handed_over = threading.Event()
    original = routes.run_in_threadpool

    async def worker_thread(work, *args):
        handed_over.set()
        return await original(work, *args)

    monkeypatch.setattr(routes, "run_in_threadpool", worker_thread)
    other = sqlite3.connect(w.store.url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other program's write transaction
    answers = []
    sender = threading.Thread(target=lambda: answers.append(post(w.client, w.code, {**hidden, "o": "0"})))
    sender.start()
    try:
        assert handed_over.wait(30), "the vote was never handed to a worker thread"
        assert answers == [] and w.store.vote_count(b.id) == 0
    finally:
        other.execute("COMMIT")
        sender.join(60)
        other.close()
    assert [a.status_code for a in answers] == [303]
    assert w.store.vote_count(b.id) == 1


# --------------------------------------------------------------------------- votes sent in the same moment


def phones_vote_in_one_wave(store: Store, code: str, choices: list[int], *, again: int | None = None,
                            meanwhile=None):
    """Phones load the ballot one after another, then all send their votes in the same turn
    of the server's event loop, as a room of phones does under load (`again`: that phone
    sends its form a second time in the same wave, a double tap). Returns each phone's
    answer to its sends and the page its 303 leads to."""
    import asyncio

    import httpx

    async def wave():
        transport = httpx.ASGITransport(app=Starlette(routes=routes.ParticipantSite(store=store).routes()))
        phones = [httpx.AsyncClient(transport=transport, base_url="http://testserver") for _ in choices]
        try:
            forms = [FormReader((await phone.get(f"/j/{code}")).text).hidden() for phone in phones]
            sends = [(phone, urlencode({**form, "o": str(choice)})) for phone, form, choice in zip(phones, forms, choices)]
            if again is not None:
                sends.append(sends[again])
            if meanwhile is not None:
                meanwhile()
            answers = await asyncio.gather(*(phone.post(f"/j/{code}", content=body, headers=FORM)
                                             for phone, body in sends))
            pages = [(await phone.get(a.headers["location"])).text if a.status_code == 303 else a.text
                     for (phone, _), a in zip(sends, answers)]
            return answers, pages
        finally:
            for phone in phones:
                await phone.aclose()

    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, wave()).result(120)


def test_votes_sent_in_the_same_moment_are_saved_in_one_commit_and_each_is_thanked(w, monkeypatch):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters"]))
    commits = []
    original = Store.one_commit_for_all

    def one_commit_for_all(store):
        commits.append(w.store.vote_count(b.id))  # what was saved before this commit
        return original(store)

    monkeypatch.setattr(Store, "one_commit_for_all", one_commit_for_all)
    choices = [i % 3 for i in range(12)]
    answers, pages = phones_vote_in_one_wave(w.store, w.code, choices, again=0)
    assert [a.status_code for a in answers] == [303] * 13
    assert all("Thank you — your vote is counted." in page and "replaced" not in page for page in pages)
    assert commits == [0]  # twelve votes and a double tap, one commit
    votes = w.store.votes(b.id)
    assert len(votes) == 12 and len({v.voter_key for v in votes}) == 12
    assert sorted(b.option_ids.index(v.selections[0]) for v in votes) == sorted(choices)


def test_votes_that_cannot_be_saved_together_are_each_taken_on_their_own_and_counted_once(w):
    """Another program is writing when the wave arrives: nothing of it is saved together;
    each vote then goes the ordinary way (a worker thread that waits for the database),
    and is counted once, double tap included, when the other program has finished."""
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    other = sqlite3.connect(w.store.url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)

    def other_program_writes_for_a_moment():
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(0.3, lambda: other.execute("COMMIT")).start()

    try:
        answers, pages = phones_vote_in_one_wave(w.store, w.code, [0, 1, 1, 0, 1], again=2,
                                                 meanwhile=other_program_writes_for_a_moment)
    finally:
        other.close()
    assert [a.status_code for a in answers] == [303] * 6
    assert all("your vote is counted" in page and "replaced" not in page for page in pages)
    assert sorted(b.option_ids.index(v.selections[0]) for v in w.store.votes(b.id)) == [0, 0, 1, 1, 1]


def test_a_vote_that_fails_unexpectedly_costs_the_others_in_its_wave_nothing(w, monkeypatch):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters"]))
    original = Store.cast_vote

    def cast_vote(store, vote, **how):
        if vote.selections == [b.option_ids[2]]:
            raise RuntimeError("a fault in saving this one vote")
        return original(store, vote, **how)

    monkeypatch.setattr(Store, "cast_vote", cast_vote)
    answers, pages = phones_vote_in_one_wave(w.store, w.code, [0, 2, 1, 0])
    assert [a.status_code for a in answers] == [303, 500, 303, 303]
    assert "Traceback" not in pages[1] and "counted" not in pages[1]
    assert sorted(b.option_ids.index(v.selections[0]) for v in w.store.votes(b.id)) == [0, 0, 1]


# --------------------------------------------------------------------------- tokens and bad input


def test_a_tampered_or_missing_token_on_post_is_refused_and_counts_nothing(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    page = w.client.get(f"/j/{w.code}")
    hidden = FormReader(page.text).hidden()
    token = w.client.cookies[tokens.COOKIE]
    device, mac = token.split(".")
    for bad in (f"{device}.{'0' * len(mac)}", f"{device}x.{mac}", "garbage", None):
        phone = make_client()
        if bad is not None:
            phone.cookies.set(tokens.COOKIE, bad, path="/j")
        refused = post(phone, w.code, {**hidden, "o": "0"})
        assert refused.status_code == 400
        assert_plain_page(refused)
        assert "Please reload this page and try again; nothing was counted." in refused.text
        assert refused.headers["set-cookie"].startswith(f"{tokens.COOKIE}=")  # a fresh, genuine token
    assert w.store.vote_count(b.id) == 0
    # On a GET a tampered token is simply replaced.
    phone = make_client()
    phone.cookies.set(tokens.COOKIE, f"{device}.{'0' * len(mac)}", path="/j")
    again = phone.get(f"/j/{w.code}")
    assert again.status_code == 200 and tokens.COOKIE in again.headers["set-cookie"]


def test_oversized_bodies_get_413_and_count_nothing(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    big = urlencode({**hidden, "o": "0", "pad": "x" * (forms.BODY_LIMIT + 1)})
    response = post(w.client, w.code, big)
    assert response.status_code == 413
    assert_plain_page(response)
    assert "That was too much text" in response.text

    def chunks():  # no Content-Length: the limit holds while reading
        yield urlencode({**hidden, "o": "0"}).encode() + b"&pad="
        for _ in range(40):
            yield b"x" * 1024

    streamed = w.client.post(f"/j/{w.code}", content=chunks(), headers=FORM, follow_redirects=False)
    assert streamed.status_code == 413
    assert w.store.vote_count(b.id) == 0


def test_damaged_forms_are_refused_without_a_traceback(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    good = urlencode({**hidden, "o": "0"})
    cases = [
        (good + "&o=%ff%fe", 400),  # not UTF-8
        ("kind=vote&ballot=" + b.id, 400),  # no nonce
        (urlencode({**hidden, "kind": "dance", "o": "0"}), 400),
        (urlencode({**hidden, "nonce": "1.2.3", "o": "0"}), 400),
        (urlencode({**hidden, "o": "0", "card": ["A", "B"]}), 422),
        ("&".join(["x=1"] * (forms.MAX_FIELDS + 5)), 400),
    ]
    for body, status in cases:
        response = post(w.client, w.code, body)
        assert response.status_code == status, (body[:80], response.text)
        assert_plain_page(response)
    as_json = w.client.post(f"/j/{w.code}", json={"o": "0", **hidden}, follow_redirects=False)
    assert as_json.status_code == 415
    assert w.store.vote_count(b.id) == 0


def test_an_option_from_another_ballot_is_refused(w):
    other = ballot(w, ["Elsewhere", "Somewhere"])
    w.store.save_ballot(other)
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    for foreign in (other.option_ids[0], b.option_ids[0], "2", "-1", "1 "):
        refused = vote(w.client, w.code, {"o": foreign})
        assert refused.status_code == 422
        assert "The vote names an option that is not on this ballot." in refused.text
        assert "<form" in refused.text  # the ballot comes back, to try again
    assert w.store.vote_count(b.id) == 0


def test_rule_breaking_votes_come_back_with_the_answers_kept(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters"], VotingMethod.ranking_borda))
    refused = vote(w.client, w.code, {"r0": "1", "r1": "1", "r2": "2"})
    assert refused.status_code == 422
    assert "Two options have place 1; give each place only once." in refused.text
    selects = FormReader(refused.text).form["selects"]
    assert [["selected" in o for o in s["options"]].index(True) for s in selects] == [1, 1, 2]
    missing = vote(w.client, w.code, {"r0": "1", "r1": "", "r2": "2"})
    assert missing.status_code == 422 and "Give every option a place, from 1 to 3." in missing.text
    assert w.store.vote_count(b.id) == 0

    dots = open_and_show(w.store, ballot(w, ["Radio", "TV"], VotingMethod.dots, dots=2))
    over = vote(w.client, w.code, {"d0": "2", "d1": "1"})
    assert over.status_code == 422 and "You have 2 dots but placed 3." in over.text
    assert 'name=d0 min=0 max=2 value="2"' in over.text
    assert vote(w.client, w.code, {"d0": "two", "d1": "0"}).status_code == 422
    assert w.store.vote_count(dots.id) == 0


def test_too_many_sends_from_one_phone_get_429(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    client = make_client(limiter=RateLimiter(limit=3, window=3600))
    hidden = FormReader(client.get(f"/j/{w.code}").text).hidden()
    for _ in range(3):
        assert post(client, w.code, {**hidden, "o": "0"}).status_code == 303
    refused = post(client, w.code, {**hidden, "o": "1"})
    assert refused.status_code == 429
    assert_plain_page(refused)
    assert "Too many tries; wait a few seconds" in refused.text
    votes = w.store.votes(b.id)
    assert len(votes) == 1 and votes[0].selections == [b.option_ids[0]]
    # Another phone on the same address is not held back by the first one.
    other = TestClient(client.app)
    assert vote(other, w.code, {"o": "1"}).status_code == 303


def test_an_unexpected_failure_gives_a_plain_500_page(w, monkeypatch, caplog):
    open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(routes, "showing_ballot", broken)
    for response in (w.client.get(f"/j/{w.code}"), post(w.client, w.code, {**hidden, "o": "0"})):
        assert response.status_code == 500
        assert_plain_page(response)
        assert "Something went wrong; please tell the facilitator." in response.text
        assert "disk on fire" not in response.text
    assert "disk on fire" in caplog.text


# --------------------------------------------------------------------------- escaping


def test_every_piece_of_user_text_is_escaped(store):
    campaign = add_campaign(store, "Safe " + SCRIPT)
    session = add_session(store, campaign)
    code = store.live_state(session.id).join_code
    client = make_client()
    w = SimpleNamespace(campaign=campaign, session=session)
    b = open_and_show(store, ballot(w, [SCRIPT, 'Quote " and <b>bold</b>'], question="Why " + SCRIPT))
    page = client.get(f"/j/{code}")
    assert_plain_page(page)
    assert "<script>" not in page.text and "<b>bold" not in page.text
    assert page.text.count(ESCAPED) == 4  # title, campaign name, question, option
    assert "Quote &quot; and &lt;b&gt;bold&lt;/b&gt;" in page.text
    assert vote(client, code, {"o": "0"}).status_code == 303
    store.save_ballot(reveal_results(close_ballot(b)))
    results = client.get(f"/j/{code}")
    assert "Results" in results.text and "<script>" not in results.text and ESCAPED in results.text

    show(store, session.id, Showing.ideas, idea_prompt="Who is most at risk? " + SCRIPT)
    board = client.get(f"/j/{code}")
    assert "<script>" not in board.text and ESCAPED in board.text
    hidden = FormReader(board.text).hidden()
    long_idea = SCRIPT + "x" * 500
    refused = post(client, code, {**hidden, "idea": long_idea})
    assert refused.status_code == 422
    assert "<script>" not in refused.text and ESCAPED in refused.text  # kept for editing, escaped
    sent = post(client, code, {**hidden, "idea": SCRIPT})
    assert sent.status_code == 303
    assert [i.text for i in store.ideas(session.id)] == [SCRIPT]  # stored as typed; escaped when shown


# --------------------------------------------------------------------------- ideas


def test_an_idea_is_saved_once_and_thanked(w):
    show(w.store, w.session.id, Showing.ideas, idea_prompt="Which groups are most at risk?")
    page = w.client.get(f"/j/{w.code}")
    assert_plain_page(page)
    assert "Which groups are most at risk?" in page.text
    reader = FormReader(page.text)
    textarea = reader.form["textareas"][0]
    assert textarea["name"] == "idea" and int(textarea["maxlength"]) <= IDEA_MAX
    body = {**reader.hidden(), "idea": "  Students with\nseasonal   jobs "}
    first, second = post(w.client, w.code, body), post(w.client, w.code, body)
    assert first.status_code == second.status_code == 303
    thanks = w.client.get(first.headers["location"])
    assert "Thank you — your idea was sent." in thanks.text and "Send another idea" in thanks.text
    ideas = w.store.ideas(w.session.id)
    assert [i.text for i in ideas] == ["Students with seasonal jobs"]
    assert ideas[0].voter_key.startswith("device:") and ideas[0].campaign_id == w.campaign.id
    # A new page is a new form: a second idea is kept too.
    assert post(w.client, w.code, {**FormReader(w.client.get(f"/j/{w.code}").text).hidden(),
                                   "idea": "Bus drivers"}).status_code == 303
    assert len(w.store.ideas(w.session.id)) == 2


def test_a_ten_thousand_character_idea_is_refused_and_nothing_kept(w):
    show(w.store, w.session.id, Showing.ideas)
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    refused = post(w.client, w.code, {**hidden, "idea": "y" * 10_000})
    assert refused.status_code == 422
    assert_plain_page(refused)
    assert f"Your idea is 10000 characters long; keep it to {forms.IDEA_LIMIT}. Nothing was saved." in refused.text
    assert len(refused.content) < pages.PAGE_BUDGET
    empty = post(w.client, w.code, {**hidden, "idea": "   \n "})
    assert empty.status_code == 422 and "Write your idea before sending it." in empty.text
    assert w.store.ideas(w.session.id) == []


def test_an_idea_after_the_board_closed_is_refused(w):
    show(w.store, w.session.id, Showing.ideas)
    hidden = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    show(w.store, w.session.id, Showing.wait)
    refused = post(w.client, w.code, {**hidden, "idea": "Bus drivers"})
    assert refused.status_code == 409 and "The idea board is closed; your idea was not saved." in refused.text
    assert w.store.ideas(w.session.id) == []


# --------------------------------------------------------------------------- voter cards


def ppcd(store, campaign):
    session = next(s for s in store.sessions(campaign.id) if s.kind.value == "ppcd")
    return session, store.participants(session.id)


def test_a_formal_vote_needs_a_card_and_records_its_participant(store, demo):
    session, people = ppcd(store, demo)
    woman = next(p for p in people if p.sex is Sex.woman)
    man = next(p for p in people if p.sex is Sex.man)
    store.add_cards([VoterCard(session_id=session.id, code="AAAAAA", participant_id=woman.id),
                     VoterCard(session_id=session.id, code="BBBBBB", participant_id=man.id)])
    code = store.live_state(session.id).join_code
    w = SimpleNamespace(campaign=demo, session=session)
    b = open_and_show(store, ballot(w, ["Radio", "TV"]), cards_required=True)
    phone = make_client()
    page = phone.get(f"/j/{code}")
    card_box = [i for i in FormReader(page.text).form["inputs"] if i.get("name") == "card"]
    assert card_box and "required" in card_box[0]
    assert "Type the code printed on your voter card." in page.text

    missing = vote(phone, code, {"o": "0"})
    assert missing.status_code == 422 and "this vote is only for card holders" in missing.text
    unknown = vote(phone, code, {"o": "0", "card": "CCCCCC"})
    assert unknown.status_code == 422 and "That card code is not known" in unknown.text
    assert 'name=card value="CCCCCC"' in unknown.text  # kept to correct
    assert store.vote_count(b.id) == 0

    assert vote(phone, code, {"o": "0", "card": "aaa-aaa"}).status_code == 303
    # The same phone votes with the second card: a second vote (one per card, not per phone).
    assert vote(phone, code, {"o": "1", "card": "BBBBBB"}).status_code == 303
    # The first card on another phone replaces that card's vote.
    other_phone = make_client()
    replaced = vote(other_phone, code, {"o": "1", "card": "AAAAAA"})
    assert "Your earlier vote was replaced" in other_phone.get(replaced.headers["location"]).text
    votes = {v.voter_key: v for v in store.votes(b.id)}
    assert set(votes) == {"card:AAAAAA", "card:BBBBBB"}
    assert votes["card:AAAAAA"].participant_id == woman.id and votes["card:BBBBBB"].participant_id == man.id
    assert votes["card:AAAAAA"].selections == [b.option_ids[1]]
    groups = disaggregate(b, store.votes(b.id), {p.id: (p.sex, p.org_type) for p in people})
    assert groups["Sex: Woman"].turnout == 1 and groups["Sex: Man"].turnout == 1


def test_an_optional_card_links_the_vote_but_the_phone_keeps_one_vote(store, demo):
    session, people = ppcd(store, demo)
    store.add_cards([VoterCard(session_id=session.id, code="AAAAAA", participant_id=people[0].id)])
    code = store.live_state(session.id).join_code
    b = open_and_show(store, ballot(SimpleNamespace(campaign=demo, session=session), ["Radio", "TV"]))
    phone = make_client()
    page = phone.get(f"/j/{code}")
    card_box = [i for i in FormReader(page.text).form["inputs"] if i.get("name") == "card"]
    assert card_box and "required" not in card_box[0]
    assert "Leave it empty to vote anonymously." in page.text
    assert vote(phone, code, {"o": "0", "card": ""}).status_code == 303
    assert store.votes(b.id)[0].participant_id is None  # anonymous by default
    assert vote(phone, code, {"o": "1", "card": "AAAAAA"}).status_code == 303
    votes = store.votes(b.id)
    assert len(votes) == 1 and votes[0].voter_key.startswith("device:")
    assert votes[0].participant_id == people[0].id


def test_one_card_counts_once_whichever_phone_types_it(store, demo):
    """Cards optional: a card already counted on one phone's vote is refused on another
    phone (the first phone keeps its vote); cards then required: the card's formal vote
    replaces the vote its holder sent from a phone with that card, so the person counts
    once, and the results split by sex count them once."""
    session, people = ppcd(store, demo)
    store.add_cards([VoterCard(session_id=session.id, code="AAAAAA", participant_id=people[0].id)])
    code = store.live_state(session.id).join_code
    b = open_and_show(store, ballot(SimpleNamespace(campaign=demo, session=session), ["Radio", "TV"]))
    own_phone, borrowed_phone = make_client(), make_client()
    assert vote(own_phone, code, {"o": "0", "card": "AAAAAA"}).status_code == 303
    refused = vote(borrowed_phone, code, {"o": "1", "card": "aaa aaa"})
    assert refused.status_code == 422
    assert "This card has already voted on this question from another phone." in refused.text
    assert [(v.participant_id, v.selections) for v in store.votes(b.id)] == [(people[0].id, [b.option_ids[0]])]
    assert vote(own_phone, code, {"o": "1", "card": "AAAAAA"}).status_code == 303  # its own phone may change it

    set_cards_required(store, session.id, True)  # the same ballot, now formal: its one vote carries a card
    formal = vote(borrowed_phone, code, {"o": "0", "card": "AAAAAA"})
    assert "Your earlier vote was replaced" in borrowed_phone.get(formal.headers["location"]).text
    (only,) = store.votes(b.id)
    assert (only.voter_key, only.participant_id, only.selections) == ("card:AAAAAA", people[0].id, [b.option_ids[0]])
    groups = disaggregate(b, store.votes(b.id), {p.id: (p.sex, p.org_type) for p in people})
    assert sum(g.turnout for name, g in groups.items() if name.startswith("Sex:")) == 1


# --------------------------------------------------------------------------- phones move on by themselves


def test_after_voting_the_phone_follows_the_facilitator_without_a_tap(w):
    """The thank-you and closed pages reload themselves like the waiting page, so a phone
    left on them shows the closing, the revealed results and then the next ballot."""
    first = open_and_show(w.store, ballot(w, ["Radio", "TV"], question="Which channel first?"))
    sent = vote(w.client, w.code, {"o": "1"})
    link = sent.headers["location"]
    thanks = w.client.get(link)
    assert "your vote is counted" in thanks.text and '<meta http-equiv="refresh" content="5">' in thanks.text

    w.store.save_ballot(reveal_results(close_ballot(first)))
    closed = w.client.get(link)  # what the reload shows
    assert "Voting on this question is closed." in closed.text and "your vote is counted" in closed.text
    assert "Results" in closed.text and '<meta http-equiv="refresh" content="5">' in closed.text

    open_and_show(w.store, ballot(w, ["Posters", "Radio"], question="Which format?"))
    moved_on = w.client.get(link)
    assert "Which format?" in moved_on.text and FormReader(moved_on.text).hidden()["kind"] == "vote"
    assert "refresh" not in moved_on.text  # a form being filled in is never reloaded


def test_an_idea_thanks_page_follows_the_facilitator_too(w):
    show(w.store, w.session.id, Showing.ideas)
    sent = post(w.client, w.code, {**FormReader(w.client.get(f"/j/{w.code}").text).hidden(), "idea": "Bus drivers"})
    assert '<meta http-equiv="refresh" content="5">' in w.client.get(sent.headers["location"]).text
    open_and_show(w.store, ballot(w, ["Radio", "TV"], question="Which channel first?"))
    assert "Which channel first?" in w.client.get(sent.headers["location"]).text


def test_a_thank_you_page_still_holds_hours_later(w, monkeypatch):
    open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    link = vote(w.client, w.code, {"o": "0"}).headers["location"]
    later = tokens.time.time() + 3 * 3600  # a long morning session
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    assert "your vote is counted" in w.client.get(link).text


def test_one_address_arriving_as_a_new_phone_again_and_again_is_held_back(w):
    """A browser that forgets the device cookie (or a participant clearing it to vote
    again) arrives as a new phone each time: the sixth time within minutes from one
    address, it is asked to wait, and gets no new cookie; the laptop itself is never held."""
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    site = routes.ParticipantSite(new_phones=RateLimiter(*routes.NEW_PHONES_PER_ADDRESS))
    wifi_phone = TestClient(Starlette(routes=site.routes()), base_url="http://testserver", client=("192.168.1.23", 5000))
    for _ in range(routes.NEW_PHONES_PER_ADDRESS[0]):
        wifi_phone.cookies.clear()
        assert vote(wifi_phone, w.code, {"o": "0"}).status_code == 303
    wifi_phone.cookies.clear()
    held = wifi_phone.get(f"/j/{w.code}")
    assert held.status_code == 429 and "Too many new phones from this address" in held.text
    assert "set-cookie" not in held.headers and "<form method=post" not in held.text
    assert w.store.vote_count(b.id) == routes.NEW_PHONES_PER_ADDRESS[0]
    other_phone = TestClient(Starlette(routes=site.routes()), base_url="http://testserver", client=("192.168.1.24", 5000))
    assert other_phone.get(f"/j/{w.code}").status_code == 200
    laptop = TestClient(Starlette(routes=site.routes()), base_url="http://testserver", client=("127.0.0.1", 5000))
    for _ in range(routes.NEW_PHONES_PER_ADDRESS[0] + 2):
        laptop.cookies.clear()
        assert laptop.get(f"/j/{w.code}").status_code == 200


def test_a_vote_for_a_question_taken_off_the_phones_says_so_and_the_earlier_vote_stands(w):
    first = open_and_show(w.store, ballot(w, ["Radio", "TV"], question="Which channel first?"))
    assert vote(w.client, w.code, {"o": "0"}).status_code == 303
    again = FormReader(w.client.get(f"/j/{w.code}").text).hidden()
    open_and_show(w.store, ballot(w, ["Posters", "Radio"], question="Which format?"))  # the first stays open
    late = post(w.client, w.code, {**again, "o": "1"})
    assert late.status_code == 409
    assert "This question is no longer on the phones; your vote was not counted." in late.text
    assert "If you voted on this question before, that vote still counts." in late.text
    assert [v.selections for v in w.store.votes(first.id)] == [[first.option_ids[0]]]


def test_results_shown_while_voting_include_the_phones_own_vote_at_once(w):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    w.store.save_ballot(reveal_results(b))
    for n, phone in enumerate([make_client() for _ in range(3)], start=1):
        thanks = phone.get(vote(phone, w.code, {"o": "1"}).headers["location"])
        assert "<p>TV leads.</p>" in thanks.text and f'class="v">{n} · 100%</span>TV' in thanks.text


def test_results_on_the_phones_are_worded_in_the_participant_language(store):
    campaign = add_campaign(store, "Аюулгүй шилжилт", participant_language="mn")
    session = add_session(store, campaign)
    code = store.live_state(session.id).join_code
    w = SimpleNamespace(store=store, campaign=campaign, session=session, code=code)
    for key, text in (("results_leads", "{label} тэргүүлж байна."), ("results_tie", "Тэнцүү: {labels}."),
                      ("results_none_final", "Санал өгөөгүй.")):
        commands.save_translation(store, "mn", key, text)
    b = open_and_show(store, ballot(w, ["Радио", "Зурагт <b>"]))
    store.save_ballot(reveal_results(b))
    first, second = make_client(), make_client()
    thanks = first.get(vote(first, code, {"o": "1"}).headers["location"]).text
    assert "<p>Зурагт &lt;b&gt; тэргүүлж байна.</p>" in thanks
    thanks = second.get(vote(second, code, {"o": "0"}).headers["location"]).text
    assert "<p>Тэнцүү: Радио, Зурагт &lt;b&gt;.</p>" in thanks
    empty = open_and_show(store, ballot(w, ["Радио", "Зурагт"]))
    store.save_ballot(reveal_results(close_ballot(empty)))
    assert "<p>Санал өгөөгүй.</p>" in first.get(f"/j/{code}").text


def test_a_join_link_with_a_trailing_slash_leads_to_the_workshop(w):
    for typed, expected in ((f"/j/{w.code}/", f"/j/{w.code}"), (f"/j/{w.code.lower()}//?sent=x", f"/j/{w.code}?sent=x")):
        answer = w.client.get(typed, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, expected)
    assert w.client.get(f"/j/{w.code}/").status_code == 200
    unknown = w.client.get("/j/NOPE/", follow_redirects=False)
    assert unknown.status_code == 404 and "No workshop with the code" in unknown.text


def test_a_score_off_the_scale_is_named_as_such(w):
    open_and_show(w.store, ballot(w, ["Radio", "TV"], VotingMethod.matrix, criteria=[Criterion(label="Severity")]))
    refused = vote(w.client, w.code, {"s0_0": "6", "s1_0": "3"})
    assert refused.status_code == 422 and "Each score is a whole number from 1 to 5." in refused.text


# --------------------------------------------------------------------------- languages


def test_pages_use_the_participant_language_with_english_fallback_escaped(store):
    campaign = add_campaign(store, "Аюулгүй шилжилт", participant_language="mn")
    session = add_session(store, campaign)
    code = store.live_state(session.id).join_code
    commands.save_translation(store, "mn", "submit_vote", "Санал илгээх <b>")
    commands.save_translation(store, "mn", "pick_one", "Нэгийг сонго {k} {oops")
    client = make_client()
    open_and_show(store, ballot(SimpleNamespace(campaign=campaign, session=session), ["Радио", "ТВ"]))
    page = client.get(f"/j/{code}")
    assert '<html lang="mn">' in page.text
    assert "Санал илгээх &lt;b&gt;" in page.text and "<b>" not in page.text
    assert "Нэгийг сонго {k} {oops" in page.text  # unknown placeholders shown as typed
    assert "You can send again while voting is open" in page.text  # not translated: English
    # A translation saved while phones are connected shows on the next page.
    commands.save_translation(store, "mn", "replace_note", "Дахин илгээж болно")
    assert "Дахин илгээж болно" in client.get(f"/j/{code}").text
    thanks = client.get(vote(client, code, {"o": "0"}).headers["location"])
    assert '<html lang="mn">' in thanks.text and "Thank you — your vote is counted." in thanks.text


def test_phrases_fall_back_per_phrase_and_by_base_language(store):
    stored = {"pt": {"submit_vote": "Enviar", "reload": "Recarregar"}, "pt-BR": {"reload": "Atualizar"},
              "xx": "damaged"}
    words = phrases.phrases("pt-BR", stored)
    assert words["submit_vote"] == "Enviar" and words["reload"] == "Atualizar"
    assert words["vote_counted"] == phrases.ENGLISH["vote_counted"]
    assert phrases.phrases("xx", stored) == phrases.ENGLISH
    assert set(phrases.ENGLISH) == set(phrases.PHRASE_KEYS)
    assert all(purpose for _, purpose in phrases.PHRASE_KEYS.values())
    assert phrases.fill("{n} of {max} {x}", n=3, max=5) == "3 of 5 {x}"

    commands.save_translation(store, "km", "reload", "ផ្ទុកឡើងវិញ")
    assert phrases.load_translations(store) == {"km": {"reload": "ផ្ទុកឡើងវិញ"}}
    commands.save_translation(store, "km", "reload", "  ")
    assert phrases.load_translations(store) == {}
    for language, key, text in (("Khmer", "reload", "x"), ("km", "no_such_phrase", "x"),
                                ("km", "reload", "x" * (phrases.TEXT_MAX + 1))):
        with pytest.raises(ValueError):
            commands.save_translation(store, language, key, text)


def test_the_phrases_of_a_settings_form_are_saved_together_or_not_at_all(store):
    typed = {"reload": "Дахин ачаалах", "submit_vote": "Санал илгээх", "join": ""}
    assert commands.save_translations(store, "mn", typed) == 2  # the empty box was empty before too
    saved = {"mn": {"reload": "Дахин ачаалах", "submit_vote": "Санал илгээх"}}
    assert phrases.load_translations(store) == saved
    # One phrase too long: nothing of the form is saved, not even the removal before it.
    with pytest.raises(ValueError, match=f"under {phrases.TEXT_MAX} characters"):
        commands.save_translations(store, "mn", {"reload": "", "submit_vote": "x" * (phrases.TEXT_MAX + 1)})
    with pytest.raises(ValueError, match="no participant phrase called 'nope'"):
        commands.save_translations(store, "mn", {"reload": "", "nope": "x"})
    with pytest.raises(ValueError, match="language code"):
        commands.save_translations(store, "Mongolian", {"reload": ""})
    assert phrases.load_translations(store) == saved
    # Text as typed (spaces around it) that equals the stored text is no change.
    assert commands.save_translations(store, "mn", {"reload": " Дахин ачаалах ", "submit_vote": ""}) == 1
    assert phrases.load_translations(store) == {"mn": {"reload": "Дахин ачаалах"}}
    assert commands.save_translations(store, "mn", {"reload": ""}) == 1
    assert phrases.load_translations(store) == {}  # a language with no phrase left is gone


# --------------------------------------------------------------------------- weight


def realistic(label: str, n: int) -> list[str]:
    return [f"{label} {i + 1}: a realistic, fairly long option label" for i in range(n)]


def test_ppcd_ballot_pages_weigh_under_20_kb(w):
    sizes = {}
    for key in TEMPLATES:
        open_and_show(w.store, ballot_from_template(key, w.campaign.id, w.session.id))
        sizes[key] = len(w.client.get(f"/j/{w.code}").content)
    open_and_show(w.store, ballot(w, realistic("Option", 12)))
    sizes["single, 12 options"] = len(w.client.get(f"/j/{w.code}").content)
    for method, extra in METHODS[1:5]:
        extra = {**extra, "dots": 10} if method is VotingMethod.dots else extra
        open_and_show(w.store, ballot(w, realistic("Option", 12), method, **extra))
        sizes[f"{method.value}, 12 options"] = len(w.client.get(f"/j/{w.code}").content)
    trend = TEMPLATES["trend"]
    open_and_show(w.store, ballot(w, realistic("Trend", 8), VotingMethod.matrix,
                                  criteria=[Criterion(label=label) for label, _ in trend.criteria]))
    sizes["matrix 8 × 4"] = len(w.client.get(f"/j/{w.code}").content)
    # The biggest result page: 12 options, revealed.
    b = open_and_show(w.store, ballot(w, realistic("Option", 12)))
    for i in range(12):
        assert vote(make_client(), w.code, {"o": str(i)}).status_code == 303
    w.store.save_ballot(reveal_results(close_ballot(b)))
    sizes["results, 12 options"] = len(w.client.get(f"/j/{w.code}").content)
    print(sizes)
    assert all(size <= pages.PAGE_BUDGET for size in sizes.values()), sizes


@pytest.mark.parametrize("head, part, tail", [
    ("<!doctype html><p>Thank you — your vote is counted.</p>" * 40, "", ""),
    ("<form>" + "é" * 5000, "1abc.Xy_-9.0f3a", "</form>" * 20),
    ("x", "", "ü" * 70_000),  # a tail longer than one stored block (65,535 bytes)
    ("", "", ""),
])
def test_a_kept_page_is_sent_as_valid_gzip_with_each_phones_own_part(head, part, tail):
    import gzip
    import zlib

    kept = responses.Kept(head, tail)
    sent = kept.gzipped(part)
    assert gzip.decompress(sent).decode() == head + part + tail
    assert kept.gzipped(part) == sent  # the same again (a page with no part of a phone's own is kept whole)
    assert gzip.decompress(kept.gzipped("<b>")).decode() == head + "<b>" + tail
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # one gzip member, nothing after it
    assert inflate.decompress(sent).decode() == head + part + tail and inflate.eof and not inflate.unused_data


def test_pages_go_gzipped_only_to_phones_that_accept_it(w):
    open_and_show(w.store, ballot(w, ["Radio", "TV"]))
    for accept in ("gzip, deflate", "identity"):
        phone = make_client()
        page = phone.get(f"/j/{w.code}", headers={"Accept-Encoding": accept})
        assert page.status_code == 200 and "<form" in page.text
        assert page.headers.get("content-encoding") == ("gzip" if accept.startswith("gzip") else None)
        assert_plain_page(page)
        thanks = phone.get(post(phone, w.code, {**FormReader(page.text).hidden(), "o": "0"}).headers["location"],
                           headers={"Accept-Encoding": accept})
        assert "your vote is counted" in thanks.text
        assert thanks.headers.get("content-encoding") == ("gzip" if accept.startswith("gzip") else None)


def test_the_biggest_possible_matrix_still_works(w):
    """30 options × 10 criteria is beyond the 20 KB budget (documented); it must still vote."""
    b = open_and_show(w.store, ballot(w, realistic("Option", 30), VotingMethod.matrix,
                                      criteria=[Criterion(label=f"Criterion {j}") for j in range(10)]))
    page = w.client.get(f"/j/{w.code}")
    assert page.status_code == 200 and len(page.content) > pages.PAGE_BUDGET
    answer = {f"s{i}_{j}": "3" for i in range(30) for j in range(10)}
    sent = post(w.client, w.code, {**FormReader(page.text).hidden(), **answer})
    assert sent.status_code == 303
    assert count(b, w.store.votes(b.id)).rows[0].normalised == 50


# --------------------------------------------------------------------------- durability


def test_acknowledged_votes_survive_a_restart(w, db_url):
    b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters"]))
    acknowledged = 0
    for i in range(5):
        response = vote(make_client(), w.code, {"o": str(i % 3)})
        assert response.status_code == 303
        acknowledged += 1
    # A fresh Store (a restarted server) and a bare SQLite connection both see every vote.
    assert Store(db_url).vote_count(b.id) == acknowledged
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM votes WHERE ballot_id = ?", (b.id,)).fetchone()[0] == acknowledged


# --------------------------------------------------------------------------- property


KEYS = ["kind", "ballot", "nonce", "o", "card", "x", "d0", "r0", "idea", ""]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_arbitrary_form_bodies_never_crash_and_count_only_valid_votes(w, data):
    if not hasattr(w, "fuzz"):
        b = open_and_show(w.store, ballot(w, ["Radio", "TV", "Posters", "Facebook"]))
        client = make_client(limiter=RateLimiter(limit=10**9))
        hidden = FormReader(client.get(f"/j/{w.code}").text).hidden()
        w.fuzz = SimpleNamespace(ballot=b, client=client, hidden=hidden, expected=None)
    f = w.fuzz
    values = st.one_of(
        st.sampled_from(["vote", "idea", f.ballot.id, f.hidden["nonce"], "0", "1", "3", "4", "-1", "01", "",
                         f.ballot.option_ids[0], "AAAAAA", " ", SCRIPT]),
        st.text(max_size=60),
    )
    keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=12))
    pairs = data.draw(st.lists(st.tuples(keys, values), max_size=12))
    if data.draw(st.booleans()):  # often start from the real form, so valid votes happen too
        pairs = [("kind", "vote"), ("ballot", f.ballot.id), ("nonce", f.hidden["nonce"])] + pairs
    body = urlencode(pairs)
    if data.draw(st.integers(0, 9)) == 0:
        body = data.draw(st.binary(max_size=2048))

    response = post(f.client, w.code, body)
    assert response.status_code < 500, response.text

    valid = None
    if isinstance(body, str):
        fields: dict[str, list[str]] = {}
        for k, v in pairs:
            fields.setdefault(k, []).append(v)
        card = fields.get("card", [""])
        positions = {str(i): option_id for i, option_id in enumerate(f.ballot.option_ids)}
        if (fields.get("kind") == ["vote"] and fields.get("ballot") == [f.ballot.id]
                and fields.get("nonce") == [f.hidden["nonce"]] and len(fields.get("o", [])) == 1
                and fields["o"][0] in positions and len(card) == 1 and normalise_code(card[0]) == ""):
            valid = positions[fields["o"][0]]
    if valid is not None:
        assert response.status_code == 303, response.text
        f.expected = valid
    else:
        assert 400 <= response.status_code < 500
    votes = w.store.votes(f.ballot.id)
    assert [v.selections for v in votes] == ([[f.expected]] if f.expected else [])

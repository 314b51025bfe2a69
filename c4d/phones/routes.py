"""The participant site: the Starlette routes that serve plain HTML pages to phones.

`participant_routes()` gives the routes that `app.py` hands to `st.App(routes=...)`, so
the phones talk to the same process as the facilitator's pages, without Streamlit's
JavaScript:

    GET  /j                 a box to type the workshop code (?code=... jumps to it)
    GET  /j/{code}          whatever the facilitator has open in that session: a ballot
                            form, the idea board, a pre-test scoring form for one draft
                            material, or a "please wait" page; the thank-you and closed
                            pages, with the results once they are revealed
    POST /j/{code}          a vote, an idea or pre-test answers, as an ordinary urlencoded form

The site in modules: this one routes a request and holds what the process keeps in
memory; `forms` reads what a phone posts; `pages` writes each page's HTML; `responses`
sends it (security headers, the device cookie, pages kept gzipped); `tokens` signs the
device cookie, each form's nonce and the thank-you flag; `batching` takes the votes of
one turn of the event loop together; `scoring` serves pre-test scoring;
`c4d.permissions` says what a phone may do.

The rules that shape the code:

- A vote is committed (`Store.cast_vote`, whose write itself requires the ballot to be
  still open) before the phone is answered; no other thread of the process uses the
  store between the checks and that commit. The votes that reach the server in the same
  turn of its event loop share that commit (`c4d.phones.batching`). The answer is a 303
  redirect to `GET /j/{code}?sent=...`, so a reload never sends the vote again
  (post/redirect/get). `sent` is signed and names whether the vote was new or replaced
  an earlier one; `v` is what the phone chose, as option positions
  (`forms.choice_code`, signed with `sent`), so the thank-you page says it and "Change my
  vote" (`?edit=1`) opens the form with it filled in, with no database read and with no
  voter card code in an address. The plain ballot page stays one kept page for every phone.
- One ballot per phone: a signed random device id in the `c4d_device` cookie; the vote
  is keyed by a hash of it. Formal votes (cards required) are keyed by the code on the
  participant's printed card instead, and carry the card's participant, so results can
  be split by sex and organisation type. A card typed on an ordinary ballot only links
  the vote to the register entry; the phone still holds one vote (`permissions.vote_with`).
- Every form carries the ballot id and a nonce signed for this phone, this ballot and
  its options. A form for a ballot that is no longer showing or open is refused
  ("your vote was not counted"); a nonce that does not check out asks for a reload. The
  nonce also recognises a double tap: the same form sent twice with the same answers is
  counted once and answered the same way both times.
- A request is answered on the server's event loop when the store can serve it without
  waiting (`Store.without_waiting`: a local SQLite file that no other thread is using and
  no other program is writing), else in a worker thread as any Starlette sync route.
- Bad input never reaches the count and never shows a traceback (see `responses`).

Kept in memory, per process: the device secret (read once), the phrases merged for each
language and the rendered ballot and thank-you pages (gzipped too), revealed results (a couple of
seconds), recent form nonces (for double taps) and the rate limiter. Every request
reads the join code's live state, ballot, campaign name and language, "has cards" and
translations as the database has them now (`Store.live_view`: one statement, or the
view last read if SQLite says nothing was saved since); the phrases and pages are kept
per version of exactly that content, so a change saved by the facilitator's pages or by
another process (the CLI) shows on the very next page.
Only the ballot page's nonce (and the device cookie) is made for each phone. Losing
any of them on a restart loses no vote.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from c4d import permissions
from c4d.db.errors import Busy
from c4d.db.phone_path import LiveView
from c4d.db.store import Store, shared_store
from c4d.ideas.model import Idea
from c4d.permissions import Actor
from c4d.phones import phrases as phrase_book
from c4d.phones.batching import Batches
from c4d.phones.forms import (
    BODY_LIMIT,
    CARD_CODE,
    IDEA_LIMIT,
    JOIN_CODE,
    Invalid,
    ECHO_LIMIT,
    ballot_subject,
    choice_code,
    choice_fields,
    collapse,
    ideas_subject,
    one,
    read_body,
    read_fields,
    read_vote,
)
from c4d.phones.model import (
    LiveState,
    RateLimiter,
    Showing,
    new_device,
    new_device_token,
    normalise_code,
    verify_device,
    voter_key_for_card,
    voter_key_for_device,
)
from c4d.phones.pages import (
    NONCE_SLOT,
    Context,
    ballot_page,
    closed_page,
    echo_part,
    entry_page,
    esc,
    idea_page,
    idea_thanks_page,
    results_section,
    thanks_page,
    unknown_page,
    wait_page,
)
from c4d.phones.responses import Kept, error, message, page, redirect
from c4d.phones.scoring import showing_material, take_answers
from c4d.phones.scoring import form_page as scoring_form
from c4d.phones.tokens import COOKIE, SECRET_SETTING, RecentForms, nonce, nonce_ok, sent_flag, sent_kind
from c4d.voting.counting import count
from c4d.voting.model import Ballot, BallotStatus, Vote, VotingError, validate_vote

log = logging.getLogger("c4d.phones.routes")

RESULT_TTL = 2.0
PAGES_KEPT = 64  # rendered pages (and merged phrases) kept, one per kind of page and version
# A phone is one device cookie; a browser that forgets it arrives as a new phone, with a
# new vote. Each address (a phone on the laptop's Wi-Fi) may arrive new this often; the
# laptop itself (loopback) is not limited (permissions.new_phones_limited).
NEW_PHONES_PER_ADDRESS = (6, 600.0)  # at most 6 in 10 minutes


def join_url(base_url: str, code: str) -> str:
    """The address participants open, e.g. join_url("http://192.168.1.5:8501", "abc-de")
    → "http://192.168.1.5:8501/j/ABCDE"."""
    return base_url.strip().rstrip("/") + "/j/" + quote(normalise_code(code), safe="")


def client_ip(request: Request) -> str:
    """The phone's address as the socket reports it. Forwarding headers are ignored: the
    toolkit is not behind a proxy, so they would only let a phone pretend to be another."""
    client = request.client
    return client.host if client and client.host else "unknown"


def sent_subject(ballot: Ballot, echo: str) -> str:
    """What a thank-you flag is signed over: the ballot and what this phone chose on it."""
    return f"{ballot.id}|{echo}"


def showing_ballot(view: LiveView) -> Ballot | None:
    """The ballot on the phones (of this session; Store.live_view reads no other)."""
    if view.state.showing is not Showing.ballot or view.ballot is None:
        return None
    return view.ballot


class ParticipantSite:
    """The participant pages of one process. `participant_routes()` builds one; tests and
    benchmarks may pass their own store and rate limiter."""

    def __init__(self, store: Store | None = None, limiter: RateLimiter | None = None,
                 new_phones: RateLimiter | None = None):
        self._fixed_store = store
        self.limiter = limiter or RateLimiter(limit=12, window=10.0)
        limit, window = NEW_PHONES_PER_ADDRESS
        self.new_phones = new_phones or RateLimiter(limit=limit, window=window)
        self._secret_lock = threading.Lock()
        self._secrets: dict[str, str] = {}
        # (stored translations, language) → merged phrases; (page, version, ...) → page.
        # Keyed by the content they are made from (LiveView.version), never by time.
        self._words_kept: dict[tuple[Any, str], dict[str, str]] = {}
        self._pages: dict[tuple[Any, ...], Any] = {}
        # (db, join code) → the language and phrases it was last seen with, for early errors
        self._languages: dict[tuple[str, str], tuple[str, Mapping[str, str]]] = {}
        # (db, ballot) → (counted at, (ballot, phrase), html): the count is redone every
        # RESULT_TTL seconds (new votes), and at once when the ballot itself changes.
        self._results: dict[tuple[str, str], tuple[float, tuple[Ballot, str], str]] = {}
        self._recent = RecentForms()  # the double-tap memory
        self._batches = Batches(self._take, self._recent.forget)

    # ---- routes

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/j", self._entry, methods=["GET"], name="c4d_join"),
            Route("/j/", self._entry, methods=["GET"], name="c4d_join_slash"),
            # `path`, so that anything under /j/ gets a participant page, even with a slash in it
            Route("/j/{code:path}", self._join, methods=["GET", "POST"], name="c4d_join_code"),
        ]

    def store(self) -> Store:
        """The store given, else the process's shared store (looked up on the first request:
        the database a process uses does not change while it runs)."""
        if self._fixed_store is None:
            self._fixed_store = shared_store()
        return self._fixed_store

    def forget_cached(self) -> None:
        """Drop the merged phrases, rendered pages, languages and results (not the device
        secret). Never needed for correctness: they are kept per version of their content."""
        self._words_kept.clear()
        self._pages.clear()
        self._languages.clear()
        self._results.clear()

    # ---- entry points (every path ends in a page; nothing unexpected leaks out)

    async def _entry(self, request: Request) -> Response:
        try:
            typed = request.query_params.get("code")
            if typed is None:
                return page(entry_page(phrase_book.ENGLISH, "en"))
            code = normalise_code(typed)
            if JOIN_CODE.fullmatch(code):
                return redirect("/j/" + code)
            return page(unknown_page(typed, phrase_book.ENGLISH), 404)
        except Exception:
            log.exception("participant page /j failed")
            return error()

    async def _join(self, request: Request) -> Response:
        try:
            if request.method == "POST":
                return await self._post(request)
            typed = request.path_params["code"]
            if typed.endswith("/") and JOIN_CODE.fullmatch(normalise_code(typed.rstrip("/"))):
                # /j/DREAM/ (a link copied with a slash): the page's own address, same query
                query = request.url.query
                return redirect(f"/j/{normalise_code(typed.rstrip('/'))}" + (f"?{query}" if query else ""))
            return await self._answer(self._get, request)
        except Exception:
            log.exception("participant page %s %s failed", request.method, request.url.path)
            return error()

    async def _answer(self, work: Callable[..., Any], *args: Any) -> Any:
        """`work(*args)`, which reads or writes the store: at once on the event loop when the
        store can serve it without waiting (see Store.without_waiting), else in a worker thread.
        Under load, worker threads spend longer waiting for Python's interpreter lock than
        a phone's page costs to make (see docs/ARCHITECTURE.md, "Live participation")."""
        try:
            with self.store().without_waiting() as now:
                if now:
                    return work(*args)
        except Busy:
            pass  # another program is writing to the database: wait for it in a worker thread
        return await run_in_threadpool(work, *args)

    # ---- the device secret and the caches

    def _secret(self, store: Store) -> str:
        """This laptop's secret for signing device tokens: made once, kept in the settings,
        read from the database only the first time."""
        secret = self._secrets.get(store.url)
        if secret is not None:
            return secret
        # The store first, then this lock (the order every thread takes them in).
        with store.transaction(), self._secret_lock:
            if store.url not in self._secrets:
                stored = store.setting(SECRET_SETTING)
                if not isinstance(stored, str) or len(stored) < 32:
                    stored = secrets.token_hex(32)
                    store.set_setting(SECRET_SETTING, stored)
                self._secrets[store.url] = stored
            return self._secrets[store.url]

    @staticmethod
    def _keep(kept: dict[Any, Any], key: Any, value: Any) -> Any:
        """Remember `value` under `key` in a bounded cache (emptied when full: its keys are
        versions of content, so an old entry is only ever a miss, never a wrong answer)."""
        if len(kept) >= PAGES_KEPT:
            kept.clear()
        kept[key] = value
        return value

    def _context(self, store: Store, view: LiveView) -> Context:
        """The campaign name, language and phrases around a join code, as read just now."""
        version = (view.phrases_version, view.language)
        words = self._words_kept.get(version)
        if words is None:
            words = self._keep(self._words_kept, version,
                               phrase_book.phrases(view.language, phrase_book.translations_from(view.phrases)))
        self._languages[(store.url, view.state.join_code)] = (view.language, words)
        return Context(campaign_id=view.campaign_id, campaign_name=view.campaign_name, language=view.language,
                       has_cards=view.has_cards, words=words)

    def _early_words(self, store: Store, code: str) -> tuple[Mapping[str, str], str]:
        """Words for a refusal made before the session is looked up (the language and
        phrases this code was last seen with, else English), without touching the database."""
        seen = self._languages.get((store.url, code))
        return (phrase_book.ENGLISH, "en") if seen is None else (seen[1], seen[0])

    def _may_arrive_new(self, request: Request) -> bool:
        """Whether this address may be given one more new device cookie now (see
        NEW_PHONES_PER_ADDRESS); always for the laptop itself."""
        address = client_ip(request)
        return not permissions.new_phones_limited(address) or self.new_phones.allow(address)

    # ---- GET

    def _get(self, request: Request) -> Response:
        store = self.store()
        secret = self._secret(store)
        code = normalise_code(request.path_params["code"])
        token = request.cookies.get(COOKIE)
        device_id = verify_device(secret, token)
        new_cookie = None
        if device_id is None:  # new phone, or a token this laptop did not sign: start afresh
            if not self._may_arrive_new(request):
                w, lang = self._early_words(store, code)
                return message(w, w["too_many_phones"], lang, 429, code=code, headers={"Retry-After": "120"})
            device_id, new_cookie = new_device(secret)
        if not JOIN_CODE.fullmatch(code):
            return page(unknown_page(request.path_params["code"], phrase_book.ENGLISH), 404, cookie=new_cookie)

        view = store.live_view(code)
        if view is None:
            return page(unknown_page(code, phrase_book.ENGLISH), 404, cookie=new_cookie)
        state = view.state
        context = self._context(store, view)
        ballot = showing_ballot(view)
        results = ""
        if ballot is not None and permissions.see_results(revealed=ballot.results_revealed,
                                                          draft=ballot.status is BallotStatus.draft).allowed:
            results = self._results_html(store, ballot, context.words)
        scoring = showing_material(store, state, context)

        flag = request.query_params.get("sent")
        w = context.words
        if ballot is not None and ballot.status is BallotStatus.open:
            echo = request.query_params.get("v", "")[:ECHO_LIMIT]
            sent = sent_kind(secret, flag, device_id, sent_subject(ballot, echo))
            fresh = nonce(secret, device_id, ballot_subject(ballot))
            if sent in ("counted", "replaced"):
                if request.query_params.get("edit") == "1":  # "Change my vote": the form with this vote in it
                    text = ballot_page(code, context, ballot, fresh, state.cards_required,
                                       posted=choice_fields(ballot, echo), filled=True)
                    return page(text, cookie=new_cookie)
                thanks = self._thanks_page(view, context, ballot, sent, results)
                mine = echo_part(code, ballot, flag or "", echo, w)
                if thanks is not None:
                    return thanks.response(request, mine, cookie=new_cookie)
                return page(thanks_page(context, ballot, sent, results, mine), cookie=new_cookie)
            form = self._fresh_ballot_page(code, view, context, ballot)
            if form is not None:
                return form.response(request, esc(fresh), cookie=new_cookie)
            text = ballot_page(code, context, ballot, fresh, state.cards_required)
        elif ballot is not None and ballot.status is BallotStatus.closed:
            echo = request.query_params.get("v", "")[:ECHO_LIMIT]
            sent = sent_kind(secret, flag, device_id, sent_subject(ballot, echo))
            text = closed_page(code, context, ballot, w["voting_closed"], results,
                               sent if sent in ("counted", "replaced") else None, echo)
        elif scoring is not None:
            text = scoring_form(secret, code, context, state, scoring, device_id, flag,
                                edit=request.query_params.get("edit") == "1")
        elif state.showing is Showing.ideas:
            subject = ideas_subject(state.session_id)
            if sent_kind(secret, flag, device_id, subject) == "idea":
                text = idea_thanks_page(code, context, state)
            else:
                text = idea_page(code, context, state, nonce(secret, device_id, subject))
        else:
            text = wait_page(code, context)
        return page(text, cookie=new_cookie)

    def _fresh_ballot_page(self, code: str, view: LiveView, context: Context, ballot: Ballot) -> Kept | None:
        """The ballot form as a phone first sees it, rendered once per version of what it
        shows (LiveView.version) around the place of the nonce, which each phone gets its
        own of (see Kept). None if the page cannot be kept."""
        key = ("ballot", view.version)
        kept = self._pages.get(key)
        if kept is None:
            parts = ballot_page(code, context, ballot, NONCE_SLOT, view.state.cards_required).split(NONCE_SLOT)
            if len(parts) != 2:  # the stand-in is random for each process; never guess if it showed up twice
                return None
            kept = self._keep(self._pages, key, Kept(*parts))
        return kept

    def _thanks_page(self, view: LiveView, context: Context, ballot: Ballot, sent: str, results: str) -> Kept | None:
        """The thank-you page around the place of each phone's own part (what it sent, see
        pages.echo_part), rendered once per version of what it shows. None if it cannot be kept."""
        key = ("thanks", view.version, sent, results)
        kept = self._pages.get(key)
        if kept is None:
            parts = thanks_page(context, ballot, sent, results, NONCE_SLOT).split(NONCE_SLOT)
            if len(parts) != 2:
                return None
            kept = self._keep(self._pages, key, Kept(*parts))
        return kept

    def _results_html(self, store: Store, ballot: Ballot, w: Mapping[str, str]) -> str:
        key = (store.url, ballot.id)
        now = time.monotonic()
        version = (ballot, w["results"])  # the ballot as read now: any change of it is a new version
        held = self._results.get(key)
        if held is not None and now - held[0] <= RESULT_TTL and held[1] == version:
            return held[2]
        try:
            result = count(ballot, store.votes(ballot.id), store.hand_count(ballot.id))
        except VotingError:
            log.warning("results of ballot %s could not be counted for the phones", ballot.id)
            return ""
        text = results_section(ballot, result, w)
        self._results[key] = (now, version, text)
        return text

    # ---- POST

    async def _post(self, request: Request) -> Response:
        store = self.store()
        secret = self._secrets.get(store.url) or await self._answer(self._secret, store)
        code = normalise_code(request.path_params["code"])
        device_id = verify_device(secret, request.cookies.get(COOKIE))
        w, lang = self._early_words(store, code)

        if not self.limiter.allow(f"{client_ip(request)}|{device_id or '-'}"):
            return message(w, w["too_many_tries"], lang, 429, code=code, headers={"Retry-After": "5"})
        body = await read_body(request, BODY_LIMIT)
        if body is None:
            return message(w, w["too_long"], lang, 413, code=code)
        if not JOIN_CODE.fullmatch(code):
            return page(unknown_page(request.path_params["code"], phrase_book.ENGLISH), 404)
        if device_id is None:
            if not self._may_arrive_new(request):
                return message(w, w["too_many_phones"], lang, 429, code=code, headers={"Retry-After": "120"})
            return message(w, w["reload_page"], lang, 400, code=code, cookie=new_device_token(secret))
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return message(w, w["bad_form"], lang, 415, code=code)
        fields = read_fields(body)
        if fields is None:
            return message(w, w["bad_form"], lang, 400, code=code)
        work = (store, secret, code, device_id, fields)
        if one(fields, "kind") == "vote":
            answer = await self._batches.answer(work)
            if answer is not None:
                return answer
        return await self._answer(self._take, *work)

    def _take(self, store: Store, secret: str, code: str, device_id: str,
              fields: dict[str, list[str]], remembered: list[str] | None = None) -> Response:
        """Check and save what a phone sent; its answer. `remembered` collects the nonces
        kept for double taps when the save is committed later, by the caller (batching)."""
        taken: list[str] = []  # the nonce remembered for a double tap, forgotten if the commit fails
        context: Context | None = None
        try:
            # The store is this thread's from the checks to the save, which is one transaction,
            # committed before answering and re-checking in the same statement what it
            # depends on (Store.cast_vote: the ballot is still open).
            with store.one_thread_at_a_time():
                view = store.live_view(code)
                if view is None:
                    return page(unknown_page(code, phrase_book.ENGLISH), 404)
                state = view.state
                context = self._context(store, view)
                kind = one(fields, "kind")
                if kind == "vote":
                    answer = self._take_vote(store, secret, code, device_id, fields, view, context, taken)
                elif kind == "idea":
                    answer = self._take_idea(store, secret, code, device_id, fields, state, context, taken)
                elif kind == "pretest":
                    answer = take_answers(store, secret, code, device_id, fields, state, context, taken, self._recent)
                else:
                    answer = message(context.words, context.words["bad_form"], context.language, 400,
                                     code=code, header=context.campaign_name)
                if remembered is not None:
                    remembered.extend(taken)
                return answer
        except VotingError as problem:
            # The store refused what our own checks let through (e.g. the ballot changed in
            # another process): nothing was saved; its reason is meant for the participant.
            for taken_nonce in taken:
                self._recent.forget(taken_nonce)
            w = context.words if context else phrase_book.ENGLISH
            return message(w, f'{w["not_counted"]} {problem}', context.language if context else "en", 409,
                           code=code, header=context.campaign_name if context else "",
                           note=w["earlier_vote_stands"] if one(fields, "kind") == "vote" else "")
        except BaseException:
            for taken_nonce in taken:
                self._recent.forget(taken_nonce)
            raise

    def _take_vote(self, store: Store, secret: str, code: str, device_id: str, fields: dict[str, list[str]],
                   view: LiveView, context: Context, taken: list[str]) -> Response:
        w = context.words
        state = view.state
        ballot_id, sent_nonce = one(fields, "ballot"), one(fields, "nonce")
        if not ballot_id or not sent_nonce:
            return message(w, w["bad_form"], context.language, 400, code=code, header=context.campaign_name)
        ballot = showing_ballot(view)
        decision = permissions.vote_on(ballot_id, ballot and ballot.id,
                                       ballot is not None and ballot.status is BallotStatus.open)
        if not decision.allowed:
            return message(w, w[decision.reason], context.language, 409,
                           code=code, header=context.campaign_name, note=w["earlier_vote_stands"])
        subject = ballot_subject(ballot)
        if not nonce_ok(secret, sent_nonce, device_id, subject):
            return message(w, w["reload_page"], context.language, 400, code=code, header=context.campaign_name)

        def again(reason: str) -> Response:
            fresh = nonce(secret, device_id, subject)
            return page(ballot_page(code, context, ballot, fresh, state.cards_required,
                                    posted=fields, error=reason), 422)

        try:
            content = read_vote(ballot, fields, w)
        except Invalid as problem:
            return again(str(problem))

        typed = one(fields, "card")
        if typed is None and "card" in fields:
            return again(w["bad_form"])
        card_code = normalise_code(typed or "")
        voter_key, participant_id = voter_key_for_device(device_id), None
        same_person: list[str] = []  # this person's standing votes under other keys (see below)
        if card_code:
            card = store.card(state.session_id, card_code) if CARD_CODE.fullmatch(card_code) else None
            if card is not None:
                participant_id = card.participant_id
                if state.cards_required:  # a formal vote: one per card, whichever phone sends it
                    voter_key = voter_key_for_card(card_code)
                if participant_id is not None:
                    # One vote per register entry: this person's votes under another key (another
                    # phone's, or this phone's before cards were required); a formal vote replaces them.
                    same_person = [key for key in store.voters_of(ballot.id, participant_id) if key != voter_key]
            decision = permissions.vote_with(Actor.card, cards_required=state.cards_required,
                                             card_known=card is not None, counted_on_another_phone=bool(same_person))
        else:
            decision = permissions.vote_with(Actor.phone, cards_required=state.cards_required)
        if not decision.allowed:
            return again(w[decision.reason])

        try:
            vote = validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key=voter_key,
                                              participant_id=participant_id, **content))
        except ValidationError:
            return again(w["bad_form"])
        except VotingError as problem:
            return again(str(problem))

        fingerprint = hashlib.sha256(
            repr((voter_key, participant_id, sorted(content.items(), key=lambda kv: kv[0]))).encode()
        ).hexdigest()
        held = self._recent.get(sent_nonce)
        if held is not None and held[0] == fingerprint:
            replaced = held[1]  # the same form sent twice: it was counted the first time
        else:
            replaced = store.cast_vote(vote, checked=ballot, instead_of=same_person)
            self._recent.remember(sent_nonce, fingerprint, replaced)
            taken.append(sent_nonce)
            self._results.pop((store.url, ballot.id), None)  # revealed results are counted again with it
        echo = choice_code(ballot, fields)  # what was chosen, for the thank-you page (signed with its flag)
        flag = sent_flag(secret, device_id, sent_subject(ballot, echo), "r" if replaced else "c")
        return redirect(f"/j/{code}?sent={flag}&v={echo}")

    def _take_idea(self, store: Store, secret: str, code: str, device_id: str, fields: dict[str, list[str]],
                   state: LiveState, context: Context, taken: list[str]) -> Response:
        w = context.words
        text, sent_nonce = one(fields, "idea"), one(fields, "nonce")
        if text is None or not sent_nonce:
            return message(w, w["bad_form"], context.language, 400, code=code, header=context.campaign_name)
        decision = permissions.send_idea(ideas_showing=state.showing is Showing.ideas)
        if not decision.allowed:
            return message(w, w[decision.reason], context.language, 409, code=code, header=context.campaign_name)
        subject = ideas_subject(state.session_id)
        if not nonce_ok(secret, sent_nonce, device_id, subject):
            return message(w, w["reload_page"], context.language, 400, code=code, header=context.campaign_name)

        def again(reason: str, keep: str) -> Response:
            fresh = nonce(secret, device_id, subject)
            return page(idea_page(code, context, state, fresh, typed=keep, error=reason), 422)

        collapsed = collapse(text)
        if not collapsed:
            return again(w["idea_empty"], "")
        if len(collapsed) > IDEA_LIMIT:
            return again(phrase_book.fill(w["idea_too_long"], n=len(collapsed), max=IDEA_LIMIT),
                         collapsed[:IDEA_LIMIT])
        try:
            idea = Idea(campaign_id=context.campaign_id, session_id=state.session_id, text=collapsed,
                        voter_key=voter_key_for_device(device_id))
        except ValidationError:
            return again(w["bad_form"], collapsed[:IDEA_LIMIT])
        fingerprint = hashlib.sha256(idea.text.encode()).hexdigest()
        held = self._recent.get(sent_nonce)
        if held is None or held[0] != fingerprint:
            store.save_idea(idea)
            self._recent.remember(sent_nonce, fingerprint, False)
            taken.append(sent_nonce)
        return redirect(f"/j/{code}?sent={sent_flag(secret, device_id, subject, 'i')}")



def participant_routes(store: Store | None = None, limiter: RateLimiter | None = None) -> list[BaseRoute]:
    """The phone pages, for `st.App(__file__, routes=participant_routes())`.

    By default the pages use the process's shared store (`C4D_DATABASE_URL`) and allow each
    phone 12 sends in 10 seconds."""
    return ParticipantSite(store=store, limiter=limiter).routes()

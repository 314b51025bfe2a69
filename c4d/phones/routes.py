"""The participant side of live participation: plain HTML pages for phones.

`participant_routes()` gives the Starlette routes that `app.py` hands to
`st.App(routes=...)`, so the phones talk to the same process as the facilitator's
pages, without Streamlit's JavaScript:

    GET  /j                 a box to type the workshop code (?code=... jumps to it)
    GET  /j/{code}          whatever the facilitator has open in that session: a ballot
                            form, the idea board, a pre-test scoring form for one draft
                            material, or a "please wait" page; the thank-you and closed
                            pages, with the results once they are revealed
    POST /j/{code}          a vote, an idea or pre-test answers, as an ordinary urlencoded form

The rules that shape the code:

- A vote is committed (`Store.cast_vote`, whose write itself requires the ballot to be
  still open) before the phone is answered; no other thread of the process uses the
  store between the checks and that commit. The votes that reach the server in the same
  turn of its event loop share that commit (`_together`): phones in a room send in
  waves, and the commit was most of a vote's cost. The answer is a 303 redirect to
  `GET /j/{code}?sent=...`, so a reload never sends the vote again (post/redirect/get).
  `sent` is signed and names whether the vote was new or replaced an earlier one.
- One ballot per phone: a signed random device id in the `c4d_device` cookie; the vote
  is keyed by a hash of it. Formal votes (cards required) are keyed by the code on the
  participant's printed card instead, and carry the card's participant, so results can
  be split by sex and organisation type. A card typed on an ordinary ballot only links
  the vote to the register entry; the phone still holds one vote.
- Every form carries the ballot id and a nonce signed for this phone, this ballot and
  its options. A form for a ballot that is no longer showing or open is refused
  ("your vote was not counted"); a nonce that does not check out asks for a reload. The
  nonce also recognises a double tap: the same form sent twice with the same answers is
  counted once and answered the same way both times.
- Form fields name options by their position on the ballot (`o`, `d3`, `r3`, `s3_1`):
  that keeps a big scoring matrix small, and it is safe because an open ballot's options
  cannot change and the nonce is signed over the option ids.
- A request is answered on the server's event loop when the store can serve it without
  waiting (`Store.at_once`: a local SQLite file that no other thread is using and no
  other program is writing), else in a worker thread as any Starlette sync route.
- Bad input never reaches the count and never shows a traceback: bodies over 16 KB
  (413), damaged forms (400), votes that break the ballot's rules (422, the form comes
  back with the answers kept and the reason on top), late votes (409), too many sends
  from one phone (429), anything unexpected (500, logged). Every piece of text from a
  person — question, options, criteria, prompt, campaign name, translations, the typed
  code — goes through `html.escape`.
- Pages are HTML5 with inline CSS and no JavaScript, readable at 360 px, 18 px type,
  48 px touch targets. The PPCD ballots (up to 12 options; a scoring matrix up to
  8 options × 4 criteria) stay under 20 KB; a scoring matrix near the model's maximum
  (30 options × 10 criteria) does not (about 110 KB) and still works.
- The paths are absolute (`/j/...`): the toolkit is served at the root of its address.
- Pre-test scoring (`c4d.pretest.model`): the form shows the material on show (its typed text,
  or "look at the material the facilitator is showing"), the open question on the main
  message, then each criterion as five radio buttons with their anchored wording, an
  optional "why" under each, and optional sex and age band. Every criterion and the
  main message must be answered (a half-filled form comes back with the answers kept
  and the missing question numbers named); a score outside 1–5 is refused. One
  standing answer per phone and material: sending again replaces it. After answering,
  the phone waits (refreshing itself) until the facilitator shows the next material.

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

import asyncio
import hashlib
import hmac
import html
import ipaddress
import logging
import re
import secrets
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from c4d.phones import phrases as phrase_book
from c4d.pretest import model as pretest
from c4d.ideas.model import IDEA_MAX, Idea
from c4d.phones.model import (
    CARD_CODE_LENGTH,
    CODE_ALPHABET,
    JOIN_CODE_LENGTH,
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
from c4d.db.store import Busy, LiveView, Store, shared_store
from c4d.voting.model import (
    SCORE_MAX,
    SCORE_MIN,
    Ballot,
    BallotStatus,
    Vote,
    VotingError,
    VotingMethod,
    Result,
    count,
    result_parts,
    validate_vote,
)

log = logging.getLogger("c4d.phones.site")

COOKIE = "c4d_device"
COOKIE_MAX_AGE = 180 * 24 * 3600  # half a year: the same phone at the next workshop day
SECRET_SETTING = "device_secret"
BODY_LIMIT = 16 * 1024
PAGE_BUDGET = 20 * 1024  # what a phone page should weigh at most (see the module notes)
NONCE_TTL = 12 * 3600  # a form stays valid for a workshop day
SENT_TTL = NONCE_TTL  # the "thank you" page (which reloads itself) holds for a workshop day
RESULT_TTL = 2.0
PAGES_KEPT = 64  # rendered pages (and merged phrases) kept, one per kind of page and version
MAX_FIELDS = 400  # a 30 × 10 scoring matrix has 300 score fields
RECENT_NONCES = 5000
# A phone is one device cookie; a browser that forgets it arrives as a new phone, with a
# new vote. Each address (a phone on the laptop's Wi-Fi) may arrive new this often; the
# laptop itself (loopback) is not limited.
NEW_PHONES_PER_ADDRESS = (6, 600.0)  # at most 6 in 10 minutes

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# No Referer leaves a participant page: said in the page itself (_document), where it costs a
# few compressed bytes of a page kept ready, rather than in one more header on every response.
# Each header cost the server about 2 µs per response in a trial (docs/ARCHITECTURE.md).
_SECURITY_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]

_JOIN_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}$")
_CARD_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CARD_CODE_LENGTH}}}$")
_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_LANGUAGE = phrase_book.LANGUAGE_PATTERN
_NONCE_SLOT = "nonce-" + secrets.token_hex(16)  # where a cached ballot page takes each phone's nonce


IDEA_LIMIT = IDEA_MAX


# --------------------------------------------------------------------------- small helpers


def join_url(base_url: str, code: str) -> str:
    """The address participants open, e.g. join_url("http://192.168.1.5:8501", "abc-de")
    → "http://192.168.1.5:8501/j/ABCDE"."""
    return base_url.strip().rstrip("/") + "/j/" + quote(normalise_code(code), safe="")


def client_ip(request: Request) -> str:
    """The phone's address as the socket reports it. Forwarding headers are ignored: the
    toolkit is not behind a proxy, so they would only let a phone pretend to be another."""
    client = request.client
    return client.host if client and client.host else "unknown"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _mac(secret: str, message: str, length: int = 22) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()[:length]


def _one(fields: Mapping[str, list[str]], name: str) -> str | None:
    """The field's value when it was sent exactly once, else None."""
    values = fields.get(name)
    return values[0] if values and len(values) == 1 else None


def _subject(ballot: Ballot) -> str:
    """What a ballot form is signed over: the ballot and the meaning of its positions."""
    return "|".join([ballot.id, ballot.method.value, ",".join(ballot.option_ids),
                     ",".join(c.id for c in ballot.criteria)])


def _ideas_subject(session_id: str) -> str:
    return "ideas:" + session_id


class _Invalid(Exception):
    """A vote or idea that cannot be taken; the message is already in the phone's language."""


# --------------------------------------------------------------------------- page shell

CSS = (
    "*{box-sizing:border-box}"
    "body{margin:0;font:18px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#fff;color:#111;"
    "overflow-wrap:anywhere}"  # a web address or a long compound word wraps instead of widening the page
    "main{max-width:36rem;margin:0 auto;padding:12px 16px 32px}"
    "h1{font-size:1.45rem;line-height:1.25;margin:.4em 0 .5em}"
    "h2{font-size:1.2rem;margin:1.2em 0 .4em}"
    ".w{color:#333;font-size:1rem;margin:0}"
    "p{margin:.6em 0}"
    "fieldset{border:0;padding:0;margin:0 0 14px;min-width:0}"
    "legend{font-weight:700;padding:0;margin:10px 0 4px}"
    "label{display:flex;align-items:center;gap:12px;min-height:48px;padding:8px 12px;margin:8px 0;"
    "border:2px solid #555;border-radius:8px;background:#fff}"
    "label:has(input:checked){background:#e3ecfb;border-color:#0b3d91}"
    "input[type=radio],input[type=checkbox]{width:26px;height:26px;margin:0;flex:none;accent-color:#0b3d91}"
    "input[type=number],input[type=text],select,textarea{font:inherit;min-height:48px;padding:6px 8px;"
    "border:2px solid #555;border-radius:6px;background:#fff;color:#111}"
    "input[type=number]{width:5.5em;margin-left:auto}select{min-width:4.5em}"
    "textarea{width:100%;display:block}"
    ".t{display:block;border:0;padding:0;margin:14px 0 4px;font-weight:700}"
    ".t input{display:block;width:100%;margin-top:4px;font-weight:400;letter-spacing:.1em;text-transform:uppercase}"
    ".r{margin:0 0 8px}.c{display:block;font-size:1rem}"
    ".s{display:flex;gap:6px}.s label{flex:1;justify-content:center;gap:6px;margin:2px 0;padding:4px;min-width:48px}"
    ".s input[type=radio]{width:20px;height:20px}"
    "button,.b{display:block;width:100%;min-height:52px;margin:18px 0 8px;padding:10px;font:inherit;font-weight:700;"
    "text-align:center;text-decoration:none;background:#0b3d91;color:#fff;border:0;border-radius:8px}"
    ".e,.k{padding:10px 12px;margin:12px 0;border-radius:6px;border-left:6px solid}"
    ".e{background:#fdecec;border-color:#b00020}.k{background:#e7f4ea;border-color:#137333}"
    ".m{font-size:1rem;color:#333}"
    "ol{padding:0;list-style:none}li{margin:10px 0}"
    ".v{float:right;margin-left:10px;font-weight:700}"
    ".g{height:14px;background:#e4e4e4;border-radius:7px;overflow:hidden;margin-top:4px}"
    ".g i{display:block;height:100%;background:#0b3d91}"
    ".q{margin:10px 0;padding:10px 14px;border-left:6px solid #0b3d91;background:#f1f4f9;font-size:1.15rem;"
    "white-space:pre-wrap}"
    ".x legend{color:#b00020}"
)


def _document(title: str, body: str, lang: str, *, refresh: bool = False, header: str = "") -> str:
    lang = lang if isinstance(lang, str) and _LANGUAGE.fullmatch(lang) else "en"
    return (
        f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<link rel="icon" href="data:,">'  # no favicon request: it would outweigh the page
        + ('<meta http-equiv="refresh" content="5">' if refresh else "")
        + f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>"
        + (f'<p class="w">{_e(header)}</p>' if header else "")
        + body
        + "</main></body></html>"
    )


def _with_cookie(response: Response, token: str | None) -> Response:
    """The device cookie set on `response`. The header is written out here rather than by
    Starlette's set_cookie (which builds it through http.cookies, a noticeable share of a
    phone's first page): the token is ours, made only of URL-safe characters and a dot."""
    if token is not None:
        response.raw_headers.append(
            (b"set-cookie", f"{COOKIE}={token}; HttpOnly; Max-Age={COOKIE_MAX_AGE}; Path=/j; SameSite=lax".encode()))
    return response


def _secured(response: Response, cookie: str | None = None) -> Response:
    """`response` with the security headers (encoded once, not for every page) and the
    device cookie if one is given."""
    response.raw_headers.extend(_SECURITY_RAW)
    return _with_cookie(response, cookie)


def _response(text: str, status: int = 200, *, cookie: str | None = None,
              headers: Mapping[str, str] | None = None) -> Response:
    return _secured(Response(text, status_code=status, media_type="text/html; charset=utf-8", headers=headers), cookie)


class _Kept:
    """A page kept for every phone, per version of what it shows, ready to send gzipped:
    `head`, then each phone's own part (the ballot form's nonce; none on the thank-you
    page), then `tail`. Streamlit's middleware would compress each such page anew for
    every phone that accepts gzip, and setting up a compressor costs more than all the
    rest of the page. Here `head` is compressed once, up to a byte boundary (a sync
    flush); each phone's copy goes on with its own part and `tail` as stored, i.e.
    uncompressed, deflate blocks (RFC 1951, 3.2.4) and the gzip trailer (RFC 1952): the
    few hundred bytes after the nonce travel uncompressed. A response whose
    Content-Encoding is set goes through the middleware untouched."""

    __slots__ = ("head", "tail", "_gzip_head", "_crc", "_size", "_whole")

    def __init__(self, head: str, tail: str = ""):
        self.head, self.tail = head, tail
        data = head.encode()
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip, as the middleware makes it
        self._gzip_head = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        self._crc, self._size = zlib.crc32(data), len(data)
        self._whole: bytes | None = None  # the page with no part of a phone's own (e.g. "thank you")

    def gzipped(self, part: str = "") -> bytes:
        if not part:
            if self._whole is None:
                self._whole = self._joined("")
            return self._whole
        return self._joined(part)

    def _joined(self, part: str) -> bytes:
        rest = (part + self.tail).encode()
        blocks = [self._gzip_head]
        for start in range(0, len(rest), 0xFFFF):
            chunk = rest[start:start + 0xFFFF]
            final = start + 0xFFFF >= len(rest)
            blocks.append(struct.pack("<BHH", final, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
        if not rest:
            blocks.append(struct.pack("<BHH", 1, 0, 0xFFFF))  # an empty final block ends the stream
        blocks.append(struct.pack("<II", zlib.crc32(rest, self._crc), (self._size + len(rest)) & 0xFFFFFFFF))
        return b"".join(blocks)

    def response(self, request: Request, part: str = "", *, cookie: str | None = None) -> Response:
        """The page with `part` (already escaped), gzipped for a phone that accepts it (by
        the rule of Starlette's GZipMiddleware)."""
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return _response(self.head + part + self.tail, cookie=cookie)
        response = Response(self.gzipped(part), media_type="text/html; charset=utf-8")
        # No "Vary: Accept-Encoding": it tells caches which copy to keep, and these pages
        # are never kept (Cache-Control: no-store); each header costs the server (see above).
        response.raw_headers.append((b"content-encoding", b"gzip"))
        return _secured(response, cookie)


def _redirect(location: str, *, cookie: str | None = None) -> Response:
    """A 303 to another participant page. It has no body, so the page headers (what may
    run in it, sniffing) have nothing to act on, and a 303 is never cached unless told to
    be; the referrer policy of the page that sent the form still holds."""
    return _with_cookie(Response(status_code=303, headers={"Location": location}), cookie)


# --------------------------------------------------------------------------- what a page needs


@dataclass(frozen=True)
class _Context:
    """The session around a join code, as far as the phone pages need it."""

    campaign_id: str
    campaign_name: str
    language: str
    has_cards: bool
    words: Mapping[str, str]


def _instructions(ballot: Ballot, w: Mapping[str, str]) -> str:
    f = phrase_book.fill
    method = ballot.method
    if method is VotingMethod.single:
        return w["pick_one"]
    if method is VotingMethod.multiple:
        k = ballot.choice_limit
        return w["pick_one"] if k == 1 else f(w["pick_up_to"], k=k)
    if method is VotingMethod.dots:
        return f(w["dots_stack" if ballot.allow_stacking else "dots_single"], n=ballot.dots or 0)
    if method is VotingMethod.ranking_borda:
        return f(w["rank_all"], n=len(ballot.options))
    if method is VotingMethod.ranking_irv:
        return w["rank_some"]
    return f(w["score_each"], min=SCORE_MIN, max=SCORE_MAX)


def _checked(values: list[str] | None, value: str) -> str:
    return " checked" if values and value in values else ""


def _ballot_fields(ballot: Ballot, posted: Mapping[str, list[str]] | None, w: Mapping[str, str]) -> str:
    """The inputs of a ballot form, with the answers already sent when the form comes back."""
    posted = posted or {}
    method = ballot.method
    parts: list[str] = []
    chosen = posted.get("o")
    if method in (VotingMethod.single, VotingMethod.multiple) or (
            method is VotingMethod.dots and not ballot.allow_stacking):
        kind = "radio" if method is VotingMethod.single else "checkbox"
        for i, option in enumerate(ballot.options):
            required = " required" if kind == "radio" and i == 0 else ""
            parts.append(f'<label><input type={kind} name=o value={i}{_checked(chosen, str(i))}{required}>'
                         f"{_e(option.label)}</label>")
    elif method is VotingMethod.dots:
        top = ballot.dots or 0
        parts.append(f'<p class="m">{_e(w["dots_label"])}</p>')
        for i, option in enumerate(ballot.options):
            value = (posted.get(f"d{i}") or ["0"])[0][:4]
            parts.append(f"<label>{_e(option.label)}<input type=number name=d{i} min=0 max={top} "
                         f'value="{_e(value)}" inputmode=numeric></label>')
    elif method.is_ranking:
        n = len(ballot.options)
        required = " required" if method is VotingMethod.ranking_borda else ""
        parts.append(f'<p class="m">{_e(w["place"])}</p>')
        for i, option in enumerate(ballot.options):
            held = (posted.get(f"r{i}") or [""])[0]
            choices = "".join(f"<option{' selected' if held == str(p) else ''}>{p}" for p in range(1, n + 1))
            parts.append(f'<label><select name=r{i}{required}><option value="">–{choices}</select>'
                         f"{_e(option.label)}</label>")
    else:
        scores = range(SCORE_MIN, SCORE_MAX + 1)
        for i, option in enumerate(ballot.options):
            parts.append(f"<fieldset><legend>{_e(option.label)}</legend>")
            for j, criterion in enumerate(ballot.criteria):
                name = f"s{i}_{j}"
                held = posted.get(name)
                radios = "".join(
                    f"<label><input type=radio name={name} value={v}{_checked(held, str(v))}"
                    f"{' required' if v == SCORE_MIN else ''}>{v}</label>" for v in scores)
                parts.append(f'<div class="r"><span class="c">{_e(criterion.label)}</span>'
                             f'<span class="s">{radios}</span></div>')
            parts.append("</fieldset>")
    return "".join(parts)


def _card_field(required: bool, posted: Mapping[str, list[str]] | None, w: Mapping[str, str]) -> str:
    typed = ((posted or {}).get("card") or [""])[0][:20]
    return (f'<label class="t">{_e(w["card_code"])}<input type=text name=card value="{_e(typed)}" '
            f'maxlength=20 autocomplete=off autocapitalize=characters spellcheck=false'
            f'{" required" if required else ""}></label>'
            f'<p class="m">{_e(w["card_required_help" if required else "card_optional_help"])}</p>')


# --------------------------------------------------------------------------- reading a vote


def _read_vote(ballot: Ballot, fields: Mapping[str, list[str]], w: Mapping[str, str]) -> dict[str, Any]:
    """The vote's content from the form, or _Invalid with the reason for the participant.
    The store checks it once more against the ballot before it is saved."""
    f = phrase_book.fill
    options = ballot.options
    method = ballot.method
    positions = {str(i): option.id for i, option in enumerate(options)}

    def number(raw: str, low: int, high: int, message: str) -> int:
        if not _NUMBER.match(raw):
            raise _Invalid(message)
        value = int(raw)
        if not low <= value <= high:
            raise _Invalid(message)
        return value

    if method in (VotingMethod.single, VotingMethod.multiple) or (
            method is VotingMethod.dots and not ballot.allow_stacking):
        picked = fields.get("o", [])
        if any(p not in positions for p in picked) or len(set(picked)) != len(picked):
            raise _Invalid(w["option_unknown"])
        if not picked:
            raise _Invalid(w["dots_none"] if method is VotingMethod.dots else w["choose_option"])
        ids = [positions[p] for p in picked]
        if method is VotingMethod.single:
            if len(ids) > 1:
                raise _Invalid(w["choose_only_one"])
            return {"selections": ids}
        if method is VotingMethod.multiple:
            if len(ids) > ballot.choice_limit:
                raise _Invalid(f(w["choose_at_most"], k=ballot.choice_limit))
            return {"selections": ids}
        if len(ids) > (ballot.dots or 0):
            raise _Invalid(f(w["dots_over"], n=ballot.dots or 0, placed=len(ids)))
        return {"dots": {option_id: 1 for option_id in ids}}

    if method is VotingMethod.dots:
        top = ballot.dots or 0
        dots: dict[str, int] = {}
        for i, option in enumerate(options):
            raw = fields.get(f"d{i}", [""])
            if len(raw) != 1:
                raise _Invalid(w["bad_form"])
            if raw[0].strip():
                n = number(raw[0], 0, top, f(w["dots_number"], n=top))
                if n:
                    dots[option.id] = n
        placed = sum(dots.values())
        if not placed:
            raise _Invalid(w["dots_none"])
        if placed > top:
            raise _Invalid(f(w["dots_over"], n=top, placed=placed))
        return {"dots": dots}

    if method.is_ranking:
        n = len(options)
        places: dict[int, str] = {}
        for i, option in enumerate(options):
            raw = fields.get(f"r{i}", [""])
            if len(raw) != 1:
                raise _Invalid(w["bad_form"])
            if not raw[0].strip():
                continue
            place = number(raw[0], 1, n, w["bad_form"])
            if place in places:
                raise _Invalid(f(w["rank_twice"], p=place))
            places[place] = option.id
        if not places:
            raise _Invalid(w["rank_none"])
        if method is VotingMethod.ranking_borda and len(places) != n:
            raise _Invalid(f(w["rank_missing"], n=n))
        return {"ranking": [places[p] for p in sorted(places)]}  # gaps in the places are harmless

    scores: dict[str, dict[str, int]] = {}
    for i, option in enumerate(options):
        row: dict[str, int] = {}
        for j, criterion in enumerate(ballot.criteria):
            raw = fields.get(f"s{i}_{j}", [])
            if not raw:
                raise _Invalid(w["score_missing"])
            if len(raw) != 1:
                raise _Invalid(w["bad_form"])
            row[criterion.id] = number(raw[0], SCORE_MIN, SCORE_MAX, f(w["score_range"], min=SCORE_MIN, max=SCORE_MAX))
        scores[option.id] = row
    return {"scores": scores}


def _result_sentence(result: Result, w: Mapping[str, str]) -> str:
    """Who leads, won or tied, in the participant's words (the numbers are in the rows below)."""
    parts = result_parts(result)
    if parts.outcome == "none":
        return w["results_none_final" if parts.final else "results_none"]
    if parts.outcome == "tie":
        return phrase_book.fill(w["results_tie"], labels=", ".join(parts.labels))
    return phrase_book.fill(w["results_wins" if parts.final else "results_leads"], label=parts.labels[0])


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- pre-test answers

_SEXES = ("woman", "man", "another", "undisclosed")


def _pretest_subject(session_id: str, material_id: str, criteria: list[pretest.Criterion]) -> str:
    """What a scoring form is signed over: the session, the material and the meaning of
    the positions s0, s1, ... (the criteria in use)."""
    return "pretest:" + "|".join([session_id, material_id, ",".join(c.value for c in criteria)])


def _read_pretest(criteria: list[pretest.Criterion], fields: Mapping[str, list[str]],
                  w: Mapping[str, str]) -> dict[str, Any]:
    """The answers on a scoring form, or _Invalid with the reason for the participant.
    Question 1 is the main message in their own words; questions 2, 3, ... the criteria."""
    f = phrase_book.fill
    missing: list[str] = []
    too_long = f(w["pretest_too_long"], max=pretest.WORDS_MAX)

    def text(name: str, limit: int) -> str:
        values = fields.get(name, [])
        if len(values) > 1:
            raise _Invalid(w["bad_form"])
        value = _collapse(values[0]) if values else ""
        if len(value) > limit:
            raise _Invalid(too_long)
        return value

    words = text("w", pretest.WORDS_MAX)
    if not words:
        missing.append("1")
    scores: dict[pretest.Criterion, int] = {}
    comments: dict[str, str] = {}
    for i, criterion in enumerate(criteria):
        raw = fields.get(f"s{i}", [])
        if len(raw) > 1:
            raise _Invalid(w["bad_form"])
        if not raw or not raw[0].strip():
            missing.append(str(i + 2))
        else:
            if not _NUMBER.match(raw[0]) or not pretest.SCORE_MIN <= int(raw[0]) <= pretest.SCORE_MAX:
                raise _Invalid(w["bad_form"])
            scores[criterion] = int(raw[0])
        if comment := text(f"c{i}", pretest.COMMENT_MAX):
            comments[criterion.value] = comment
    if general := text("g", pretest.COMMENT_MAX):
        comments[pretest.GENERAL] = general
    if missing:
        raise _Invalid(f(w["pretest_missing"], missing=", ".join(missing)))
    sex, age = text("sx", 20), text("ag", 4)
    if sex and sex not in _SEXES:
        raise _Invalid(w["bad_form"])
    if age and not (age.isdigit() and int(age) < len(pretest.AGE_BANDS)):
        raise _Invalid(w["bad_form"])
    return {"scores": scores, "own_words": words, "comments": comments,
            "sex": pretest.Sex(sex) if sex else None, "age": pretest.AGE_BANDS[int(age)] if age else None}


def _pretest_posted(response: pretest.Response | None, person: pretest.Respondent | None,
                    criteria: list[pretest.Criterion]) -> dict[str, list[str]]:
    """A saved answer as form fields, to fill the form in again ("change my answers")."""
    posted: dict[str, list[str]] = {}
    if response is not None:
        posted["w"] = [response.own_words]
        for i, criterion in enumerate(criteria):
            if criterion in response.scores:
                posted[f"s{i}"] = [str(response.scores[criterion])]
            if criterion.value in response.comments:
                posted[f"c{i}"] = [response.comments[criterion.value]]
        if pretest.GENERAL in response.comments:
            posted["g"] = [response.comments[pretest.GENERAL]]
    if person is not None:
        if person.sex is not None:
            posted["sx"] = [person.sex.value]
        if person.age_band in pretest.AGE_BANDS:
            posted["ag"] = [str(pretest.AGE_BANDS.index(person.age_band))]
    return posted


# --------------------------------------------------------------------------- the routes


class ParticipantSite:
    """The participant pages of one process. `participant_routes()` builds one; tests and
    benchmarks may pass their own store and rate limiter."""

    def __init__(self, store: Store | None = None, limiter: RateLimiter | None = None,
                 new_phones: RateLimiter | None = None):
        self._fixed_store = store
        self.limiter = limiter or RateLimiter(limit=12, window=10.0)
        limit, window = NEW_PHONES_PER_ADDRESS
        self.new_phones = new_phones or RateLimiter(limit=limit, window=window)
        self._lock = threading.Lock()  # the double-tap memory
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
        self._recent: OrderedDict[str, tuple[str, bool]] = OrderedDict()
        # event loop → the votes waiting for its next turn, to be taken together (_together);
        # one loop (the server's) in practice, but a test may drive the site from several
        self._arrived: dict[asyncio.AbstractEventLoop, list[tuple[tuple[Any, ...], asyncio.Future[Any]]]] = {}

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
                return _response(self._entry_page(phrase_book.ENGLISH, "en"))
            code = normalise_code(typed)
            if _JOIN_CODE.fullmatch(code):
                return _redirect("/j/" + code)
            return _response(self._unknown_page(typed, phrase_book.ENGLISH), 404)
        except Exception:
            log.exception("participant page /j failed")
            return self._error_page()

    async def _join(self, request: Request) -> Response:
        try:
            if request.method == "POST":
                return await self._post(request)
            typed = request.path_params["code"]
            if typed.endswith("/") and _JOIN_CODE.fullmatch(normalise_code(typed.rstrip("/"))):
                # /j/DREAM/ (a link copied with a slash): the page's own address, same query
                query = request.url.query
                return _redirect(f"/j/{normalise_code(typed.rstrip('/'))}" + (f"?{query}" if query else ""))
            return await self._answer(self._get, request)
        except Exception:
            log.exception("participant page %s %s failed", request.method, request.url.path)
            return self._error_page()

    async def _answer(self, work: Callable[..., Any], *args: Any) -> Any:
        """`work(*args)`, which reads or writes the store: at once on the event loop when the
        store can serve it without waiting (see Store.at_once), else in a worker thread.
        Under load, worker threads spend longer waiting for Python's interpreter lock than
        a phone's page costs to make (see docs/ARCHITECTURE.md, "Live participation")."""
        try:
            with self.store().at_once() as now:
                if now:
                    return work(*args)
        except Busy:
            pass  # another program is writing to the database: wait for it in a worker thread
        return await run_in_threadpool(work, *args)

    def _error_page(self) -> Response:
        w = phrase_book.ENGLISH
        return _response(_document(w["error"], f"<h1>{_e(w['error'])}</h1>", "en"), 500)

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

    def _context(self, store: Store, view: LiveView) -> _Context:
        """The campaign name, language and phrases around a join code, as read just now."""
        version = (view.phrases_version, view.language)
        words = self._words_kept.get(version)
        if words is None:
            words = self._keep(self._words_kept, version,
                               phrase_book.phrases(view.language, phrase_book.translations_from(view.phrases)))
        self._languages[(store.url, view.state.join_code)] = (view.language, words)
        return _Context(campaign_id=view.campaign_id, campaign_name=view.campaign_name, language=view.language,
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
        try:
            if ipaddress.ip_address(address).is_loopback:
                return True
        except ValueError:
            pass
        return self.new_phones.allow(address)

    # ---- nonces and thank-you flags

    def _nonce(self, secret: str, device_id: str, subject: str) -> str:
        t = _b36(int(time.time()))
        rand = secrets.token_urlsafe(6)
        return f"{t}.{rand}.{_mac(secret, f'form|{device_id}|{subject}|{t}|{rand}')}"

    def _nonce_ok(self, secret: str, nonce: str, device_id: str, subject: str) -> bool:
        parts = nonce.split(".")
        if len(parts) != 3 or len(nonce) > 80:
            return False
        t, rand, mac = parts
        try:
            issued = int(t, 36)
        except ValueError:
            return False
        if not 0 <= time.time() - issued <= NONCE_TTL:
            return False
        return hmac.compare_digest(mac, _mac(secret, f"form|{device_id}|{subject}|{t}|{rand}"))

    def _sent_flag(self, secret: str, device_id: str, subject: str, kind: str) -> str:
        t = _b36(int(time.time()))
        return f"{kind}{t}.{_mac(secret, f'sent|{device_id}|{subject}|{kind}|{t}', 16)}"

    def _sent_kind(self, secret: str, flag: str | None, device_id: str, subject: str) -> str | None:
        """'counted', 'replaced', 'idea', 'answers' or 'answers_replaced' when the flag is genuine,
        recent and about this subject."""
        if not flag or len(flag) > 40 or flag.count(".") != 1:
            return None
        head, mac = flag.split(".")
        kind, t = head[:1], head[1:]
        if kind not in ("c", "r", "i", "p", "q") or not t.isalnum():
            return None
        try:
            issued = int(t, 36)
        except ValueError:
            return None
        if not 0 <= time.time() - issued <= SENT_TTL:
            return None
        if not hmac.compare_digest(mac, _mac(secret, f"sent|{device_id}|{subject}|{kind}|{t}", 16)):
            return None
        return {"c": "counted", "r": "replaced", "i": "idea", "p": "answers", "q": "answers_replaced"}[kind]

    def _remember(self, nonce: str, fingerprint: str, replaced: bool) -> None:
        with self._lock:
            self._recent[nonce] = (fingerprint, replaced)
            self._recent.move_to_end(nonce)
            while len(self._recent) > RECENT_NONCES:
                self._recent.popitem(last=False)

    def _forget(self, nonce: str) -> None:
        with self._lock:
            self._recent.pop(nonce, None)

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
                return self._message(w, w["too_many_phones"], lang, 429, code=code, headers={"Retry-After": "120"})
            device_id, new_cookie = new_device(secret)
        if not _JOIN_CODE.fullmatch(code):
            return _response(self._unknown_page(request.path_params["code"], phrase_book.ENGLISH), 404,
                             cookie=new_cookie)

        view = store.live_view(code)
        if view is None:
            return _response(self._unknown_page(code, phrase_book.ENGLISH), 404, cookie=new_cookie)
        state = view.state
        context = self._context(store, view)
        ballot = self._showing_ballot(view)
        results = ""
        if ballot is not None and ballot.results_revealed and ballot.status is not BallotStatus.draft:
            results = self._results_html(store, ballot, context.words)
        scoring = self._showing_material(store, state, context)

        flag = request.query_params.get("sent")
        w = context.words
        if ballot is not None and ballot.status is BallotStatus.open:
            sent = self._sent_kind(secret, flag, device_id, ballot.id)
            if sent in ("counted", "replaced"):
                key = ("thanks", view.version, sent, results)
                kept = self._pages.get(key) or self._keep(
                    self._pages, key, _Kept(self._thanks_page(code, context, ballot, sent, results)))
                return kept.response(request, cookie=new_cookie)
            nonce = self._nonce(secret, device_id, _subject(ballot))
            form = self._fresh_ballot_page(code, view, context, ballot)
            if form is not None:
                return form.response(request, _e(nonce), cookie=new_cookie)
            page = self._ballot_page(code, context, ballot, nonce, state.cards_required)
        elif ballot is not None and ballot.status is BallotStatus.closed:
            sent = self._sent_kind(secret, flag, device_id, ballot.id)
            page = self._closed_page(code, context, ballot, w["voting_closed"], results,
                                     sent if sent in ("counted", "replaced") else None)
        elif scoring is not None:
            page = self._pretest_get(secret, code, context, state, scoring, device_id, flag,
                                     edit=request.query_params.get("edit") == "1")
        elif state.showing is Showing.ideas:
            subject = _ideas_subject(state.session_id)
            if self._sent_kind(secret, flag, device_id, subject) == "idea":
                page = self._idea_thanks_page(code, context, state)
            else:
                page = self._idea_page(code, context, state, self._nonce(secret, device_id, subject))
        else:
            page = self._wait_page(code, context)
        return _response(page, cookie=new_cookie)

    @staticmethod
    def _showing_material(store: Store, state: LiveState, context: _Context
                          ) -> tuple[pretest.PretestDoc, pretest.Material] | None:
        """The pre-test record and the material on show, when a pre-test is on the phones."""
        if state.showing is not Showing.pretest or not state.material_id:
            return None
        try:
            doc = pretest.load(store, context.campaign_id)
        except pretest.PretestError:
            log.exception("the pre-test record could not be read for the phones")
            return None
        material = doc.find_material(state.material_id)
        if material is None or doc.group(state.session_id) is None:
            return None
        return doc, material

    def _pretest_get(self, secret: str, code: str, context: _Context, state: LiveState,
                     scoring: tuple[pretest.PretestDoc, pretest.Material], device_id: str, flag: str | None,
                     *, edit: bool) -> str:
        doc, material = scoring
        criteria = doc.criteria()
        subject = _pretest_subject(state.session_id, material.id, criteria)
        sent = self._sent_kind(secret, flag, device_id, subject)
        key = voter_key_for_device(device_id)
        answered = pretest.phone_response(doc, state.session_id, material.id, key)
        w = context.words
        if sent in ("answers", "answers_replaced") and not edit:
            return self._pretest_done_page(code, context, material,
                                           w["pretest_replaced" if sent == "answers_replaced" else "pretest_saved"])
        if answered is not None and not edit:
            return self._pretest_done_page(code, context, material, "")
        person = pretest.phone_respondent(doc, state.session_id, key)
        posted = _pretest_posted(answered, person, criteria)
        return self._pretest_page(code, context, material, criteria, self._nonce(secret, device_id, subject),
                                  posted=posted)

    def _take_pretest(self, store: Store, secret: str, code: str, device_id: str, fields: dict[str, list[str]],
                      state: LiveState, context: _Context, taken: list[str]) -> Response:
        w = context.words
        material_id, nonce = _one(fields, "material"), _one(fields, "nonce")
        if not material_id or not nonce:
            return self._message(w, w["bad_form"], context.language, 400, code=code, header=context.campaign_name)
        scoring = self._showing_material(store, state, context)
        if scoring is None or scoring[1].id != material_id:
            return self._message(w, w["pretest_closed"], context.language, 409, code=code,
                                 header=context.campaign_name)
        doc, material = scoring
        criteria = doc.criteria()
        subject = _pretest_subject(state.session_id, material.id, criteria)
        if not self._nonce_ok(secret, nonce, device_id, subject):
            return self._message(w, w["reload_page"], context.language, 400, code=code,
                                 header=context.campaign_name)
        try:
            answers = _read_pretest(criteria, fields, w)
        except _Invalid as problem:
            fresh = self._nonce(secret, device_id, subject)
            return _response(self._pretest_page(code, context, material, criteria, fresh, posted=fields,
                                                error=str(problem)), 422)
        key = voter_key_for_device(device_id)
        fingerprint = hashlib.sha256(repr((key, material.id, sorted(answers["scores"].items()), answers["own_words"],
                                           sorted(answers["comments"].items()), answers["sex"], answers["age"])
                                          ).encode()).hexdigest()
        held = self._recent.get(nonce)
        if held is not None and held[0] == fingerprint:
            replaced = held[1]  # the same form sent twice: saved the first time
        else:
            try:
                replaced = pretest.submit_from_phone(store, context.campaign_id, state.session_id, material.id, key,
                                                     **answers)
            except pretest.PretestError:
                log.warning("pre-test answers refused by the record", exc_info=True)
                return self._message(w, w["pretest_closed"], context.language, 409, code=code,
                                     header=context.campaign_name)
            self._remember(nonce, fingerprint, replaced)
            taken.append(nonce)
        flag = self._sent_flag(secret, device_id, subject, "q" if replaced else "p")
        return _redirect(f"/j/{code}?sent={flag}")

    def _pretest_page(self, code: str, context: _Context, material: pretest.Material,
                      criteria: list[pretest.Criterion], nonce: str, *,
                      posted: Mapping[str, list[str]] | None = None, error: str = "") -> str:
        w = context.words
        posted = posted or {}

        def held(name: str) -> str:
            return (posted.get(name) or [""])[0]

        shown = (f'<div class="q">{_e(material.text)}</div>' if material.text.strip()
                 else f"<p>{_e(w['pretest_look'])}</p>")
        problem = f'<p class="e">{_e(error)}</p>' if error else ""
        unanswered = set()
        if error and posted:
            if not _collapse(held("w")):
                unanswered.add("w")
            unanswered |= {f"s{i}" for i in range(len(criteria)) if not held(f"s{i}").strip()}
        parts = [f'<fieldset{" class=x" if "w" in unanswered else ""}><legend>1. {_e(w["pretest_words"])}</legend>'
                 f'<textarea name=w rows=3 maxlength={pretest.WORDS_MAX} required '
                 f'aria-label="{_e(w["pretest_words"])}">{_e(held("w"))}</textarea></fieldset>']
        for i, criterion in enumerate(criteria):
            name = f"s{i}"
            key = f"pretest_{criterion.value}"
            radios = "".join(
                f"<label><input type=radio name={name} value={v}{_checked(posted.get(name), str(v))}"
                f"{' required' if v == 1 else ''}>{v} · {_e(w[f'{key}_{v}'])}</label>" for v in range(1, 6))
            parts.append(f'<fieldset{" class=x" if name in unanswered else ""}><legend>{i + 2}. '
                         f'{_e(w[f"{key}_q"])}</legend>{radios}'
                         f'<label class="t">{_e(w["pretest_why"])}<textarea name=c{i} rows=2 '
                         f'maxlength={pretest.COMMENT_MAX}>{_e(held(f"c{i}"))}</textarea></label></fieldset>')
        parts.append(f'<label class="t">{_e(w["pretest_comment"])}<textarea name=g rows=2 '
                     f'maxlength={pretest.COMMENT_MAX}>{_e(held("g"))}</textarea></label>')
        sex, age = held("sx"), held("ag")
        sexes = "".join(f'<option value={s}{" selected" if sex == s else ""}>{_e(w[f"pretest_sex_{s}"])}'
                        for s in _SEXES)
        ages = "".join(f'<option value={i}{" selected" if age == str(i) else ""}>{_e(band)}'
                       for i, band in enumerate(pretest.AGE_BANDS))
        parts.append(f'<fieldset><legend>{_e(w["pretest_about"])}</legend>'
                     f'<label class="t">{_e(w["pretest_sex"])} <select name=sx><option value="">'
                     f'{_e(w["pretest_not_said"])}{sexes}</select></label>'
                     f'<label class="t">{_e(w["pretest_age"])} <select name=ag><option value="">'
                     f'{_e(w["pretest_not_said"])}{ages}</select></label></fieldset>')
        body = (f"<h1>{_e(material.title)}</h1>{shown}{problem}<p class=m>{_e(w['pretest_intro'])}</p>"
                + self._form(code, {"kind": "pretest", "material": material.id, "nonce": nonce}, "".join(parts),
                             w["pretest_submit"]))
        return _document(material.title, body, context.language, header=context.campaign_name)

    def _pretest_done_page(self, code: str, context: _Context, material: pretest.Material, message: str) -> str:
        w = context.words
        thanks = f'<p class="k">{_e(message)}</p>' if message else ""
        body = (f"<h1>{_e(material.title)}</h1>{thanks}<p>{_e(w['pretest_answered'])}</p>"
                f'<a class="b" href="/j/{code}?edit=1">{_e(w["pretest_change"])}</a>')
        return _document(message or material.title, body, context.language, refresh=True,
                         header=context.campaign_name)

    @staticmethod
    def _showing_ballot(view: LiveView) -> Ballot | None:
        """The ballot on the phones (of this session; Store.live_view reads no other)."""
        if view.state.showing is not Showing.ballot or view.ballot is None:
            return None
        return view.ballot

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
        rows = []
        for row in result.rows:
            if ballot.method is VotingMethod.matrix:
                value = f"{row.normalised or 0:.0f}/100"
            else:
                score = f"{row.score:g}" if float(row.score).is_integer() else f"{row.score:.1f}"
                value = f"{score} · {row.share:.0%}"
            width = max(0.0, min(100.0, row.share * 100))
            rows.append(f'<li><span class="v">{_e(value)}</span>{_e(row.label)}'
                        f'<div class="g"><i style="width:{width:.0f}%"></i></div></li>')
        text = (f"<h2>{_e(w['results'])}</h2><p>{_e(_result_sentence(result, w))}</p>"
                f"<ol>{''.join(rows)}</ol>")
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
            return self._message(w, w["too_many_tries"], lang, 429, code=code, headers={"Retry-After": "5"})
        body = await _read_body(request, BODY_LIMIT)
        if body is None:
            return self._message(w, w["too_long"], lang, 413, code=code)
        if not _JOIN_CODE.fullmatch(code):
            return _response(self._unknown_page(request.path_params["code"], phrase_book.ENGLISH), 404)
        if device_id is None:
            if not self._may_arrive_new(request):
                return self._message(w, w["too_many_phones"], lang, 429, code=code, headers={"Retry-After": "120"})
            return self._message(w, w["reload_page"], lang, 400, code=code, cookie=new_device_token(secret))
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return self._message(w, w["bad_form"], lang, 415, code=code)
        try:
            pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                              errors="strict", max_num_fields=MAX_FIELDS)
        except (ValueError, UnicodeError):
            return self._message(w, w["bad_form"], lang, 400, code=code)
        fields: dict[str, list[str]] = {}
        for name, value in pairs:
            fields.setdefault(name, []).append(value)
        work = (store, secret, code, device_id, fields)
        if _one(fields, "kind") == "vote":
            answer = await self._together(work)
            if answer is not None:
                return answer
        return await self._answer(self._take, *work)

    async def _together(self, work: tuple[Any, ...]) -> Response | None:
        """The answer to a vote, taken with every other vote that arrived in the same turn
        of the event loop (phones in a room send in waves: dozens at a time under load), in
        one transaction committed once, before any of them is answered. None when they
        could not be taken at once (the store busy in another thread, another program
        writing, anything unexpected): then none of them was saved, and each goes the
        ordinary way (`_answer`)."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Response | None] = loop.create_future()
        waiting = self._arrived.setdefault(loop, [])
        waiting.append((work, answer))
        if len(waiting) == 1:
            loop.call_soon(self._take_together, loop)
        return await answer

    def _take_together(self, loop: asyncio.AbstractEventLoop) -> None:
        arrived = self._arrived.pop(loop)
        store = arrived[0][0][0]  # one site, one store
        remembered: list[str] = []  # double-tap memory of the votes taken, forgotten if they are not saved
        answers: list[Response] | None = None
        try:
            with store.at_once() as now:
                if now:
                    with store.together():
                        answers = [self._take(*work, remembered=remembered) for work, _ in arrived]
        except Busy:
            answers = None
        except Exception:
            log.exception("votes taken together failed; each is taken again on its own")
            answers = None
        if answers is None:
            for nonce in remembered:
                self._forget(nonce)
        for i, (_, answer) in enumerate(arrived):
            if not answer.done():
                answer.set_result(None if answers is None else answers[i])

    def _take(self, store: Store, secret: str, code: str, device_id: str,
              fields: dict[str, list[str]], remembered: list[str] | None = None) -> Response:
        """Check and save what a phone sent; its answer. `remembered` collects the nonces
        kept for double taps when the save is committed later, by the caller (_take_together)."""
        taken: list[str] = []  # the nonce remembered for a double tap, forgotten if the commit fails
        context: _Context | None = None
        try:
            # The store is this thread's from the checks to the save, which is one transaction,
            # committed before answering and re-checking in the same statement what it
            # depends on (Store.cast_vote: the ballot is still open).
            with store.held():
                view = store.live_view(code)
                if view is None:
                    return _response(self._unknown_page(code, phrase_book.ENGLISH), 404)
                state = view.state
                context = self._context(store, view)
                kind = _one(fields, "kind")
                if kind == "vote":
                    answer = self._take_vote(store, secret, code, device_id, fields, view, context, taken)
                elif kind == "idea":
                    answer = self._take_idea(store, secret, code, device_id, fields, state, context, taken)
                elif kind == "pretest":
                    answer = self._take_pretest(store, secret, code, device_id, fields, state, context, taken)
                else:
                    answer = self._message(context.words, context.words["bad_form"], context.language, 400,
                                           code=code, header=context.campaign_name)
                if remembered is not None:
                    remembered.extend(taken)
                return answer
        except VotingError as error:
            # The store refused what our own checks let through (e.g. the ballot changed in
            # another process): nothing was saved; its reason is meant for the participant.
            for nonce in taken:
                self._forget(nonce)
            w = context.words if context else phrase_book.ENGLISH
            return self._message(w, f'{w["not_counted"]} {error}', context.language if context else "en", 409,
                                 code=code, header=context.campaign_name if context else "",
                                 note=w["earlier_vote_stands"] if _one(fields, "kind") == "vote" else "")
        except BaseException:
            for nonce in taken:
                self._forget(nonce)
            raise

    def _take_vote(self, store: Store, secret: str, code: str, device_id: str, fields: dict[str, list[str]],
                   view: LiveView, context: _Context, taken: list[str]) -> Response:
        w = context.words
        state = view.state
        ballot_id, nonce = _one(fields, "ballot"), _one(fields, "nonce")
        if not ballot_id or not nonce:
            return self._message(w, w["bad_form"], context.language, 400, code=code, header=context.campaign_name)
        ballot = self._showing_ballot(view)
        if ballot is None or ballot.id != ballot_id or ballot.status is not BallotStatus.open:
            moved_on = ballot is None or ballot.id != ballot_id
            return self._message(w, w["vote_moved_on" if moved_on else "vote_not_counted"], context.language, 409,
                                 code=code, header=context.campaign_name, note=w["earlier_vote_stands"])
        if not self._nonce_ok(secret, nonce, device_id, _subject(ballot)):
            return self._message(w, w["reload_page"], context.language, 400, code=code,
                                 header=context.campaign_name)

        def again(reason: str) -> Response:
            fresh = self._nonce(secret, device_id, _subject(ballot))
            return _response(self._ballot_page(code, context, ballot, fresh, state.cards_required,
                                               posted=fields, error=reason), 422)

        try:
            content = _read_vote(ballot, fields, w)
        except _Invalid as problem:
            return again(str(problem))

        typed = _one(fields, "card")
        if typed is None and "card" in fields:
            return again(w["bad_form"])
        card_code = normalise_code(typed or "")
        voter_key, participant_id = voter_key_for_device(device_id), None
        if state.cards_required and not card_code:
            return again(w["card_missing"])
        same_person: list[str] = []  # this person's standing votes under other keys (see below)
        if card_code:
            card = store.card(state.session_id, card_code) if _CARD_CODE.fullmatch(card_code) else None
            if card is None:
                return again(w["card_unknown"])
            participant_id = card.participant_id
            if state.cards_required:  # a formal vote: one per card, whichever phone sends it
                voter_key = voter_key_for_card(card_code)
            if participant_id is not None:
                # One vote per register entry: a card already counted on another phone's vote is
                # refused; a formal vote replaces the vote this person sent from a phone, with this
                # card, before cards were required.
                same_person = [key for key in store.voters_of(ballot.id, participant_id) if key != voter_key]
                if same_person and not state.cards_required:
                    return again(w["card_used"])

        try:
            vote = validate_vote(ballot, Vote(ballot_id=ballot.id, voter_key=voter_key,
                                              participant_id=participant_id, **content))
        except ValidationError:
            return again(w["bad_form"])
        except VotingError as error:
            return again(str(error))

        fingerprint = hashlib.sha256(
            repr((voter_key, participant_id, sorted(content.items(), key=lambda kv: kv[0]))).encode()
        ).hexdigest()
        held = self._recent.get(nonce)
        if held is not None and held[0] == fingerprint:
            replaced = held[1]  # the same form sent twice: it was counted the first time
        else:
            replaced = store.cast_vote(vote, checked=ballot, instead_of=same_person)
            self._remember(nonce, fingerprint, replaced)
            taken.append(nonce)
            self._results.pop((store.url, ballot.id), None)  # revealed results are counted again with it
        flag = self._sent_flag(secret, device_id, ballot.id, "r" if replaced else "c")
        return _redirect(f"/j/{code}?sent={flag}")

    def _take_idea(self, store: Store, secret: str, code: str, device_id: str, fields: dict[str, list[str]],
                   state: LiveState, context: _Context, taken: list[str]) -> Response:
        w = context.words
        text, nonce = _one(fields, "idea"), _one(fields, "nonce")
        if text is None or not nonce:
            return self._message(w, w["bad_form"], context.language, 400, code=code, header=context.campaign_name)
        if state.showing is not Showing.ideas:
            return self._message(w, w["ideas_closed"], context.language, 409, code=code,
                                 header=context.campaign_name)
        subject = _ideas_subject(state.session_id)
        if not self._nonce_ok(secret, nonce, device_id, subject):
            return self._message(w, w["reload_page"], context.language, 400, code=code,
                                 header=context.campaign_name)

        def again(reason: str, keep: str) -> Response:
            fresh = self._nonce(secret, device_id, subject)
            return _response(self._idea_page(code, context, state, fresh, typed=keep, error=reason), 422)

        collapsed = _collapse(text)
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
        held = self._recent.get(nonce)
        if held is None or held[0] != fingerprint:
            store.save_idea(idea)
            self._remember(nonce, fingerprint, False)
            taken.append(nonce)
        return _redirect(f"/j/{code}?sent={self._sent_flag(secret, device_id, subject, 'i')}")

    # ---- pages

    @staticmethod
    def _message(w: Mapping[str, str], text: str, lang: str, status: int, *, code: str | None = None,
                 header: str = "", cookie: str | None = None,
                 headers: Mapping[str, str] | None = None, note: str = "") -> Response:
        """A short page saying what happened (and a `note` in small print), with a way back
        to the workshop page."""
        back = ""
        if code and _JOIN_CODE.fullmatch(code):
            back = f'<a class="b" href="/j/{code}">{_e(w["reload"])}</a>'
        small = f'<p class="m">{_e(note)}</p>' if note else ""
        body = f'<p class="e">{_e(text)}</p>{small}{back}'
        return _response(_document(text, body, lang, header=header), status, cookie=cookie, headers=headers)

    @staticmethod
    def _form(code: str, hidden: Mapping[str, str], inner: str, button: str) -> str:
        # The hidden fields come last, so the nonce is near the end of a kept page (see _Kept).
        fields = "".join(f'<input type=hidden name={name} value="{_e(value)}">' for name, value in hidden.items())
        return f'<form method=post action="/j/{code}">{inner}{fields}<button type=submit>{_e(button)}</button></form>'

    def _fresh_ballot_page(self, code: str, view: LiveView, context: _Context, ballot: Ballot) -> _Kept | None:
        """The ballot form as a phone first sees it, rendered once per version of what it
        shows (LiveView.version) around the place of the nonce, which each phone gets its
        own of (see _Kept). None if the page cannot be kept."""
        key = ("ballot", view.version)
        kept = self._pages.get(key)
        if kept is None:
            parts = self._ballot_page(code, context, ballot, _NONCE_SLOT, view.state.cards_required).split(_NONCE_SLOT)
            if len(parts) != 2:  # the stand-in is random for each process; never guess if it showed up twice
                return None
            kept = self._keep(self._pages, key, _Kept(*parts))
        return kept

    def _ballot_page(self, code: str, context: _Context, ballot: Ballot, nonce: str, cards_required: bool,
                     posted: Mapping[str, list[str]] | None = None, error: str = "") -> str:
        w = context.words
        inner = _ballot_fields(ballot, posted, w)
        if cards_required or context.has_cards:
            inner += _card_field(cards_required, posted, w)
        problem = (f'<p class="e">{_e(w["not_counted"])} {_e(error)}</p><p class="m">{_e(w["earlier_vote_stands"])}</p>'
                   if error else "")
        body = (f"<h1>{_e(ballot.question)}</h1>{problem}<p>{_e(_instructions(ballot, w))}</p>"
                + self._form(code, {"kind": "vote", "ballot": ballot.id, "nonce": nonce}, inner, w["submit_vote"])
                + f'<p class="m">{_e(w["replace_note"])}</p>')
        return _document(ballot.question, body, context.language, header=context.campaign_name)

    def _thanks_page(self, code: str, context: _Context, ballot: Ballot, sent: str, results: str) -> str:
        w = context.words
        message = w["vote_replaced"] if sent == "replaced" else w["vote_counted"]
        body = (f'<h1>{_e(ballot.question)}</h1><p class="k">{_e(message)}</p>'
                f'<a class="b" href="/j/{code}">{_e(w["change_vote"])}</a>{results}')
        return _document(message, body, context.language, refresh=True, header=context.campaign_name)

    def _closed_page(self, code: str, context: _Context, ballot: Ballot, text: str, results: str,
                     sent: str | None) -> str:
        w = context.words
        thanks = ""
        if sent is not None:
            thanks = f'<p class="k">{_e(w["vote_replaced" if sent == "replaced" else "vote_counted"])}</p>'
        body = (f"<h1>{_e(ballot.question)}</h1>{thanks}<p>{_e(text)}</p>{results}"
                f'<a class="b" href="/j/{code}">{_e(w["reload"])}</a>')
        return _document(text, body, context.language, refresh=True, header=context.campaign_name)

    def _idea_page(self, code: str, context: _Context, state: LiveState, nonce: str, *,
                   typed: str = "", error: str = "") -> str:
        w = context.words
        prompt = state.idea_prompt.strip() or w["idea_prompt"]
        problem = f'<p class="e">{_e(error)}</p>' if error else ""
        inner = (f'<textarea name=idea rows=4 maxlength={IDEA_LIMIT} required aria-label="{_e(w["idea_prompt"])}">'
                 f"{_e(typed)}</textarea>")
        body = (f"<h1>{_e(prompt)}</h1>{problem}"
                + self._form(code, {"kind": "idea", "nonce": nonce}, inner, w["submit_idea"]))
        return _document(w["idea_prompt"], body, context.language, header=context.campaign_name)

    def _idea_thanks_page(self, code: str, context: _Context, state: LiveState) -> str:
        w = context.words
        prompt = state.idea_prompt.strip() or w["idea_prompt"]
        body = (f'<h1>{_e(prompt)}</h1><p class="k">{_e(w["idea_sent"])}</p>'
                f'<a class="b" href="/j/{code}">{_e(w["another_idea"])}</a>')
        return _document(w["idea_sent"], body, context.language, refresh=True, header=context.campaign_name)

    def _wait_page(self, code: str, context: _Context) -> str:
        w = context.words
        body = (f'<h1>{_e(w["please_wait"])}</h1><p>{_e(w["wait_text"])}</p>'
                f'<a class="b" href="/j/{code}">{_e(w["reload"])}</a>')
        return _document(w["please_wait"], body, context.language, refresh=True, header=context.campaign_name)

    def _entry_page(self, w: Mapping[str, str], lang: str, problem: str = "") -> str:
        form = (f'<form method=get action="/j"><label class="t">{_e(w["join_code"])}'
                f"<input type=text name=code maxlength=20 autocomplete=off autocapitalize=characters "
                f"spellcheck=false required></label><button type=submit>{_e(w['join'])}</button></form>")
        body = (f'<p class="e">{_e(problem)}</p>' if problem else f"<h1>{_e(w['join_code'])}</h1>") + form
        return _document(problem or w["join_code"], body, lang)

    def _unknown_page(self, typed: str, w: Mapping[str, str]) -> str:
        shown = typed.strip()[:20] or "—"
        return self._entry_page(w, "en", phrase_book.fill(w["unknown_code"], code=shown))


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is bigger than `limit` (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                return None
        except ValueError:
            return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


def participant_routes(store: Store | None = None, limiter: RateLimiter | None = None) -> list[BaseRoute]:
    """The phone pages, for `st.App(__file__, routes=participant_routes())`.

    By default the pages use the process's shared store (`C4D_DATABASE_URL`) and allow each
    phone 12 sends in 10 seconds."""
    return ParticipantSite(store=store, limiter=limiter).routes()

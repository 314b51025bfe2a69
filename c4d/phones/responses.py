"""Sending a phone page: the security headers, the device cookie, redirects, and pages kept
ready gzipped (`Kept`) so that the phones' most frequent pages cost no compression each.

Bad input never shows a traceback: every refusal is a short page (`message`) with the
status that names it — bodies over the limit (413), damaged forms (400), votes that
break the ballot's rules (422), late votes (409), too many sends from one phone (429),
anything unexpected (500, logged by the caller).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from c4d.phones.pages import error_page, message_page
from c4d.phones.tokens import COOKIE, COOKIE_MAX_AGE

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# No Referer leaves a participant page: said in the page itself (c4d.phones.pages.document),
# where it costs a few compressed bytes of a page kept ready, rather than in one more header
# on every response.
# Each header cost the server about 2 µs per response in a trial (docs/ARCHITECTURE.md).
_SECURITY_RAW = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]


def with_cookie(response: Response, token: str | None) -> Response:
    """The device cookie set on `response`. The header is written out here rather than by
    Starlette's set_cookie (which builds it through http.cookies, a noticeable share of a
    phone's first page): the token is ours, made only of URL-safe characters and a dot."""
    if token is not None:
        response.raw_headers.append(
            (b"set-cookie", f"{COOKIE}={token}; HttpOnly; Max-Age={COOKIE_MAX_AGE}; Path=/j; SameSite=lax".encode()))
    return response


def secured(response: Response, cookie: str | None = None) -> Response:
    """`response` with the security headers (encoded once, not for every page) and the
    device cookie if one is given."""
    response.raw_headers.extend(_SECURITY_RAW)
    return with_cookie(response, cookie)


def page(text: str, status: int = 200, *, cookie: str | None = None,
         headers: Mapping[str, str] | None = None) -> Response:
    return secured(Response(text, status_code=status, media_type="text/html; charset=utf-8", headers=headers), cookie)


class Kept:
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
            return page(self.head + part + self.tail, cookie=cookie)
        response = Response(self.gzipped(part), media_type="text/html; charset=utf-8")
        # No "Vary: Accept-Encoding": it tells caches which copy to keep, and these pages
        # are never kept (Cache-Control: no-store); each header costs the server (see above).
        response.raw_headers.append((b"content-encoding", b"gzip"))
        return secured(response, cookie)


def redirect(location: str, *, cookie: str | None = None) -> Response:
    """A 303 to another participant page. It has no body, so the page headers (what may
    run in it, sniffing) have nothing to act on, and a 303 is never cached unless told to
    be; the referrer policy of the page that sent the form still holds."""
    return with_cookie(Response(status_code=303, headers={"Location": location}), cookie)


def message(w: Mapping[str, str], text: str, lang: str, status: int, *, code: str | None = None,
            header: str = "", cookie: str | None = None,
            headers: Mapping[str, str] | None = None, note: str = "") -> Response:
    """A short page saying what happened (and a `note` in small print), with a way back
    to the workshop page."""
    return page(message_page(w, text, lang, code=code, header=header, note=note), status,
                cookie=cookie, headers=headers)


def error() -> Response:
    """The plain 500 page."""
    return page(error_page(), 500)

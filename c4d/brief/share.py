"""Read-only share links for the creative brief: what a creative partner opens.

The facilitator makes a link for a campaign's brief; the partner opens it in any browser
that reaches the laptop and sees the latest exported version, with the Word file to
download. Served like the participants' phone pages: Starlette routes in the same
process (`brief_routes()`, added to `st.App(routes=...)` in app.py), plain HTML with
inline CSS, no JavaScript, a strict Content-Security-Policy, every value escaped.

    GET /brief/{token}           the latest version of the brief, as a page
    GET /brief/{token}/docx      the same version as a Word file
    GET /brief/{token}/summary   its one-page summary as a Word file

The rules:

- A token is 24 random bytes from `secrets` (32 URL-safe characters, 192 bits): it
  cannot be guessed or worked out from anything else. Only its SHA-256 digest is kept
  (machine-wide setting `brief_share_links`), with the campaign it opens, a label, the
  last four characters (so the facilitator can tell links apart), when it was made,
  whether it was withdrawn, and how often it was opened. The full link is shown to the
  facilitator once, when it is made; a lost link is withdrawn and replaced.
- A link opens one campaign's brief and nothing else: its latest exported version (not
  the draft being edited) and the organisation's logo inside the Word file. Facilitator
  pages, other campaigns and participant pages stay out of reach.
- Withdrawn, unknown or malformed tokens, a deleted campaign, or any other path under
  /brief get the same plain 404 page; nothing says whether a token ever existed.
- Links live with this laptop's settings, not with the campaign: a backup or a copy of
  the campaign carries no working link.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from c4d.brief import model as briefs
from c4d.models import Model, OptionalName, new_id, utcnow
from c4d.db.store import NotFound, Store, shared_store

log = logging.getLogger("c4d.brief.share")

SETTING = "brief_share_links"
TOKEN_BYTES = 24
TOKEN_LENGTH = 32   # len(secrets.token_urlsafe(24))
LINKS_MAX = 500
_TOKEN = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",      # the token never leaves in a Referer header
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


class ShareLink(Model):
    id: str = Field(default_factory=new_id)
    campaign_id: str
    token_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hint: str = Field(default="", max_length=8)   # the token's last characters
    label: OptionalName = ""
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    opened: int = Field(default=0, ge=0)
    last_opened_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _all(store: Store) -> list[ShareLink]:
    kept = []
    for item in store.setting(SETTING) or []:
        try:
            kept.append(ShareLink.model_validate(item))
        except ValidationError:
            log.warning("A damaged share link in the settings was ignored.")
    return kept


def _save(store: Store, links: list[ShareLink]) -> None:
    store.set_setting(SETTING, [link.model_dump(mode="json") for link in links])


def links(store: Store, campaign_id: str) -> list[ShareLink]:
    """The campaign's links, newest first (withdrawn ones included, marked)."""
    return sorted((link for link in _all(store) if link.campaign_id == campaign_id),
                  key=lambda link: link.created_at, reverse=True)


def create_link(store: Store, campaign_id: str, label: str = "") -> tuple[str, ShareLink]:
    """A new link for the campaign's brief. Returns the token (shown once) and the link.
    When the brief has never been exported, its current state becomes version 1 first, so
    the link never opens an empty page."""
    campaign = store.campaign(campaign_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(campaign_id=campaign.id, token_hash=digest(token), hint=token[-4:], label=label)
    with store.transaction():
        if briefs.latest_version(store, campaign.id) is None:
            briefs.save_version(store, campaign, note="Made when the first share link was created")
        current = _all(store)
        if len(current) >= LINKS_MAX:
            raise ValueError(f"This laptop already keeps {LINKS_MAX} share links; withdraw old ones first.")
        _save(store, [*current, link])
    return token, link


def revoke(store: Store, link_id: str) -> ShareLink:
    """Withdraw a link: from now on it gets the 'does not work' page."""
    with store.transaction():
        current = _all(store)
        for i, link in enumerate(current):
            if link.id == link_id:
                if link.revoked_at is None:
                    current[i] = link.model_copy(update={"revoked_at": utcnow()})
                    _save(store, current)
                return current[i]
    raise NotFound("That share link no longer exists.")


def find(store: Store, token: str) -> ShareLink | None:
    """The active link this token opens, or None (unknown, malformed or withdrawn)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    wanted = digest(token)
    for link in _all(store):
        if secrets.compare_digest(link.token_hash, wanted):
            return link if link.active else None
    return None


def _touch(store: Store, link_id: str) -> None:
    """Count an opening (best effort: a failed count never stops the partner)."""
    try:
        with store.transaction():
            current = _all(store)
            for i, link in enumerate(current):
                if link.id == link_id:
                    current[i] = link.model_copy(update={"opened": link.opened + 1, "last_opened_at": utcnow()})
                    _save(store, current)
                    return
    except Exception:
        log.exception("A share link's opening could not be counted")


def share_path(token: str) -> str:
    return f"/brief/{token}"


def share_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + share_path(token)


# ---- the pages --------------------------------------------------------------------------------
def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


CSS = (
    "*{box-sizing:border-box}"
    "body{margin:0;font:17px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "background:#f6f7f9;color:#111}"
    "main{max-width:52rem;margin:0 auto;padding:16px 18px 48px;background:#fff}"
    "header{border-bottom:3px solid #1f3864;margin-bottom:18px;padding-bottom:10px}"
    ".o{font-size:.8rem;font-weight:700;letter-spacing:.12em;text-transform:uppercase;color:#2e74b5;margin:0}"
    "h1{font-size:1.8rem;line-height:1.2;margin:.2em 0;color:#1f3864}"
    "h2{font-size:1.3rem;color:#1f3864;margin:1.6em 0 .4em;border-bottom:1px solid #d0d7e2}"
    "h3{font-size:1.05rem;color:#2e74b5;margin:1em 0 .3em}"
    ".m{color:#444;margin:.2em 0}"
    ".d{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}"
    ".d a{display:inline-block;padding:10px 16px;min-height:44px;border-radius:6px;background:#1f3864;color:#fff;"
    "font-weight:700;text-decoration:none}.d a.s{background:#fff;color:#1f3864;border:2px solid #1f3864}"
    ".g{padding:8px 12px;margin:8px 0;border-left:6px solid;border-radius:4px}"
    ".g.missing{background:#fdecec;border-color:#9c1c1c;color:#6b0f0f}"
    ".g.weak{background:#fff4d6;border-color:#b07400;color:#5c3b00}"
    ".t{overflow-x:auto;margin:8px 0 14px}"
    "table{border-collapse:collapse;width:100%;font-size:.95rem}"
    "th,td{border:1px solid #c9d3e3;padding:6px 8px;text-align:left;vertical-align:top}"
    "th{background:#e8eef7}tr.total td{font-weight:700;border-top:2px solid #1f3864}"
    "dl{margin:6px 0}dt{font-weight:700;margin-top:6px}dd{margin:0 0 4px 0}"
    ".n{color:#555;font-style:italic;font-size:.92rem}"
    "footer{margin-top:32px;color:#555;font-size:.9rem;border-top:1px solid #d0d7e2;padding-top:10px}"
)


def _document(title: str, body: str, lang: str = "en") -> str:
    lang = lang if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", lang or "") else "en"
    return (f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            '<meta name="robots" content="noindex,nofollow">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>")


def _text(text: str) -> str:
    """Paragraphs from text: a blank line starts a new one, a line break stays."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]
    return "".join("<p>" + "<br>".join(_e(line) for line in b.split("\n")) + "</p>" for b in blocks)


def render_blocks(blocks) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, briefs.GapMark):
            parts.append(f'<p class="g {"missing" if block.level == "missing" else "weak"}">'
                         f"<strong>{_e(block.label)} —</strong> {_e(block.text)}</p>")
        elif isinstance(block, briefs.Para):
            parts.append(_text(block.text) if not block.italic else f"<p><em>{_e(block.text)}</em></p>")
        elif isinstance(block, briefs.Bullets):
            parts.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, briefs.TableBlock):
            head = "".join(f"<th scope=col>{_e(h)}</th>" for h in block.headers)
            rows = []
            for row in block.rows:
                total = ' class="total"' if row and row[0] == "Total" else ""
                rows.append(f"<tr{total}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
            parts.append(f'<div class="t"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                         "</tbody></table></div>")
        elif isinstance(block, briefs.Pairs):
            parts.append("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_text(v) or '–'}</dd>" for k, v in block.pairs)
                         + "</dl>")
        elif isinstance(block, briefs.Sub):
            parts.append(f"<h3>{_e(block.text)}</h3>")
        elif isinstance(block, briefs.Note):
            parts.append(f'<p class="n">{_e(block.text)}</p>')
    return "".join(parts)


def brief_page(version: briefs.BriefVersion, token: str) -> str:
    composed = version.brief
    gaps = briefs.check(composed)
    base = share_path(token)
    body = [
        "<header>",
        '<p class="o">Creative brief</p>',
        f"<h1>{_e(composed.campaign_name)}</h1>",
        f'<p class="m">{_e(f"Version {version.number} · {version.date_label}")}'
        + (f" — {_e(version.note)}" if version.note else "") + "</p>",
        f'<p class="m">{_e(briefs.completeness_line(gaps))}</p>',
        '<p class="d">'
        f'<a href="{_e(base)}/docx" download>Download the brief (Word)</a>'
        f'<a class="s" href="{_e(base)}/summary" download>Download the one-page summary (Word)</a></p>',
        '<p class="n">Read-only: this page shows the latest version the campaign\'s facilitator exported.</p>',
        "</header>",
    ]
    for section in briefs.outline(composed, gaps):
        body.append(f'<section id="{_e(section.key)}"><h2>{_e(section.title)}</h2>{render_blocks(section.blocks)}'
                    "</section>")
    body.append("<footer>Shared from the C4D workshop toolkit. If this link stops working, the facilitator has "
                "withdrawn it: ask them for a new one.</footer>")
    return _document(f"{composed.campaign_name} — creative brief v{version.number}", "".join(body))


NOT_FOUND = _document(
    "This link does not work",
    "<h1>This link does not work</h1><p>The link may have been typed incompletely, or the facilitator has "
    "withdrawn it. Ask the campaign's facilitator for a new link.</p>",
)
ERROR = _document("Something went wrong", "<h1>Something went wrong</h1><p>The brief could not be shown. "
                                          "Try again in a moment, or ask the facilitator for the Word file.</p>")


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _attachment(data: bytes, filename: str) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename) or "creative-brief.docx"
    headers = {**SECURITY_HEADERS,
               "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
    return Response(data, media_type=DOCX_TYPE, headers=headers)


class BriefSite:
    """The share routes of one process; tests pass their own store."""

    def __init__(self, store: Store | None = None):
        self._fixed_store = store

    def store(self) -> Store:
        return self._fixed_store or shared_store()

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/brief/{token}", self._page, methods=["GET", "HEAD"], name="c4d_brief"),
            Route("/brief/{token}/docx", self._docx, methods=["GET", "HEAD"], name="c4d_brief_docx"),
            Route("/brief/{token}/summary", self._summary, methods=["GET", "HEAD"], name="c4d_brief_summary"),
            Route("/brief", self._nothing, methods=["GET", "HEAD"], name="c4d_brief_root"),
            Route("/brief/{rest:path}", self._nothing, methods=["GET", "HEAD"], name="c4d_brief_other"),
        ]

    async def _nothing(self, request: Request) -> Response:
        return _html(NOT_FOUND, 404)

    async def _page(self, request: Request) -> Response:
        return await self._serve(request, "page")

    async def _docx(self, request: Request) -> Response:
        return await self._serve(request, "docx")

    async def _summary(self, request: Request) -> Response:
        return await self._serve(request, "summary")

    async def _serve(self, request: Request, what: str) -> Response:
        try:
            return await run_in_threadpool(self._answer, request.path_params.get("token", ""), what)
        except Exception:
            log.exception("the brief's share %s failed", what)
            return _html(ERROR, 500)

    def _answer(self, token: str, what: str) -> Response:
        from c4d.export.brief_docx import build_brief_docx, organisation_logo

        store = self.store()
        link = find(store, token)
        if link is None:
            return _html(NOT_FOUND, 404)
        try:
            campaign = store.campaign(link.campaign_id)
        except NotFound:
            return _html(NOT_FOUND, 404)
        version = briefs.latest_version(store, campaign.id)
        if version is None:  # the versions were removed by hand; nothing to show
            return _html(NOT_FOUND, 404)
        _touch(store, link.id)
        if what == "page":
            return _html(brief_page(version, token))
        summary = what == "summary"
        data = build_brief_docx(version, logo=organisation_logo(store), summary=summary)
        return _attachment(data, briefs.brief_filename(campaign.name, campaign.slug, version.number, summary))


def brief_routes(store: Store | None = None) -> list[BaseRoute]:
    """The share routes, for `st.App(__file__, routes=participant_routes() + brief_routes())`."""
    return BriefSite(store=store).routes()

"""The creative partner's pages: what a share link opens.

The facilitator makes a link for a campaign's brief (`c4d.brief.commands.create_link`;
the token rules are in `c4d.brief.links`); the partner opens it in any browser that
reaches the laptop and sees the latest exported version, with the Word file to download.
Served like the participants' phone pages: Starlette routes in the same process
(`brief_routes(document=...)`, added to `st.App(routes=...)` in app.py), plain HTML with
inline CSS, no JavaScript, a strict Content-Security-Policy, every value escaped.

    GET /brief/{token}           the latest version of the brief, as a page
    GET /brief/{token}/docx      the same version as a Word file
    GET /brief/{token}/summary   its one-page summary as a Word file

The rules:

- A link opens one campaign's brief and nothing else: its latest exported version (not
  the draft being edited) and the organisation's logo inside the Word file. Facilitator
  pages, other campaigns and participant pages stay out of reach.
- Withdrawn, unknown or malformed tokens, a deleted campaign, or any other path under
  /brief get the same plain 404 page; nothing says whether a token ever existed.
- The Word files are written by the export layer, which sits above the tools: app.py
  hands its writer in (`document`), so this module never imports `c4d.export`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from c4d import permissions
from c4d.brief.checks import check, completeness_line
from c4d.brief.commands import count_opening
from c4d.brief.links import find, share_path
from c4d.brief.model import BriefVersion, brief_filename
from c4d.brief.outline import Bullets, GapMark, Note, Pairs, Para, Sub, TableBlock, outline
from c4d.brief.versions import latest_version
from c4d.db.errors import NotFound
from c4d.db.store import Store, shared_store

log = logging.getLogger("c4d.brief.share")

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",      # the token never leaves in a Referer header
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


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
        if isinstance(block, GapMark):
            parts.append(f'<p class="g {"missing" if block.level == "missing" else "weak"}">'
                         f"<strong>{_e(block.label)} —</strong> {_e(block.text)}</p>")
        elif isinstance(block, Para):
            parts.append(_text(block.text) if not block.italic else f"<p><em>{_e(block.text)}</em></p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, TableBlock):
            head = "".join(f"<th scope=col>{_e(h)}</th>" for h in block.headers)
            rows = []
            for row in block.rows:
                total = ' class="total"' if row and row[0] == "Total" else ""
                rows.append(f"<tr{total}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
            parts.append(f'<div class="t"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                         "</tbody></table></div>")
        elif isinstance(block, Pairs):
            parts.append("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_text(v) or '–'}</dd>" for k, v in block.pairs)
                         + "</dl>")
        elif isinstance(block, Sub):
            parts.append(f"<h3>{_e(block.text)}</h3>")
        elif isinstance(block, Note):
            parts.append(f'<p class="n">{_e(block.text)}</p>')
    return "".join(parts)


def brief_page(version: BriefVersion, token: str) -> str:
    composed = version.brief
    gaps = check(composed)
    base = share_path(token)
    body = [
        "<header>",
        '<p class="o">Creative brief</p>',
        f"<h1>{_e(composed.campaign_name)}</h1>",
        f'<p class="m">{_e(f"Version {version.number} · {version.date_label}")}'
        + (f" — {_e(version.note)}" if version.note else "") + "</p>",
        f'<p class="m">{_e(completeness_line(gaps))}</p>',
        '<p class="d">'
        f'<a href="{_e(base)}/docx" download>Download the brief (Word)</a>'
        f'<a class="s" href="{_e(base)}/summary" download>Download the one-page summary (Word)</a></p>',
        '<p class="n">Read-only: this page shows the latest version the campaign\'s facilitator exported.</p>',
        "</header>",
    ]
    for section in outline(composed, gaps):
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


# The Word file of a version, as the export layer writes it: (store, version, summary) -> bytes.
Document = Callable[[Store, BriefVersion, bool], bytes]


class BriefSite:
    """The share routes of one process; tests pass their own store."""

    def __init__(self, document: Document, store: Store | None = None):
        self._document = document
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
        store = self.store()
        link = find(store, token)
        campaign = version = None
        if link is not None:
            try:
                campaign = store.campaign(link.campaign_id)
            except NotFound:
                campaign = None
            else:  # no version when the versions were removed by hand: nothing to show
                version = latest_version(store, campaign.id)
        if not permissions.read_shared_brief(link_active=link is not None, campaign_exists=campaign is not None,
                                             has_version=version is not None):
            return _html(NOT_FOUND, 404)
        count_opening(store, link.id)
        if what == "page":
            return _html(brief_page(version, token))
        summary = what == "summary"
        data = self._document(store, version, summary)
        return _attachment(data, brief_filename(campaign.name, campaign.slug, version.number, summary))


def brief_routes(store: Store | None = None, *, document: Document) -> list[BaseRoute]:
    """The share routes, for `st.App(__file__, routes=participant_routes() + brief_routes(document=...))`;
    `document` writes a version's Word file (`c4d.export.brief_docx.shared_document`)."""
    return BriefSite(document, store=store).routes()

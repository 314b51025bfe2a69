"""Pictures of a PDF draft's pages (a storyboard, a poster, a script), so the facilitator's
page and the projector can show a PDF material in place. A browser will not show a PDF
inside the app's page, so the toolkit draws each page as a PNG on the laptop with PDFium
(no service, nothing leaves the machine)."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

MAX_PAGES = 12      # a draft is looked at page by page; longer files are downloaded
PAGE_WIDTH_PX = 1400  # sharp on a projector, small enough for the laptop to draw quickly

_pdfium = threading.Lock()  # PDFium is not thread-safe; each browser tab runs in its own thread


@dataclass(frozen=True)
class PdfPreview:
    pages: tuple[bytes, ...]  # PNG pictures of the first pages
    page_count: int           # pages in the whole file
    problem: str = ""         # why nothing could be drawn, in the facilitator's words

    @property
    def shows_all(self) -> bool:
        return len(self.pages) == self.page_count


def pdf_preview(content: bytes, *, max_pages: int = MAX_PAGES, width_px: int = PAGE_WIDTH_PX) -> PdfPreview:
    """The first `max_pages` pages of a PDF as PNG pictures `width_px` wide. A file PDFium
    cannot read (damaged, or locked with a password) gives no pages and the reason."""
    import pypdfium2 as pdfium

    with _pdfium:
        try:
            document = pdfium.PdfDocument(content)
        except pdfium.PdfiumError as exc:
            reason = ("it is locked with a password" if "password" in str(exc).lower()
                      else "it is damaged or not a PDF the laptop can read")
            return PdfPreview((), 0, f"The pages cannot be shown here: {reason}. Download it to open it.")
        try:
            pictures = []
            for index in range(min(len(document), max_pages)):
                page = document[index]
                try:
                    image = page.render(scale=width_px / max(page.get_width(), 1.0)).to_pil()
                finally:
                    page.close()
                out = io.BytesIO()
                image.convert("RGB").save(out, format="PNG", optimize=False)
                pictures.append(out.getvalue())
            return PdfPreview(tuple(pictures), len(document))
        finally:
            document.close()

"""A PDF draft's pages are drawn as pictures on the laptop, for the page and the projector."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

from c4d.pretest.preview import pdf_preview


def pdf_with_pages(n: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(n):
        document.new_page(595, 842)  # A4 portrait, in points
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_each_page_becomes_a_picture_of_the_asked_width():
    preview = pdf_preview(pdf_with_pages(2), width_px=700)
    assert preview.page_count == 2 and preview.shows_all and not preview.problem
    sizes = [Image.open(io.BytesIO(page)).size for page in preview.pages]
    assert [w for w, _ in sizes] == [700, 700]
    assert all(abs(h / w - 842 / 595) < 0.01 for w, h in sizes)  # the page's shape is kept


def test_a_long_file_shows_its_first_pages_and_says_how_many_there_are():
    preview = pdf_preview(pdf_with_pages(5), max_pages=3, width_px=200)
    assert (len(preview.pages), preview.page_count, preview.shows_all) == (3, 5, False)


def test_a_damaged_file_shows_no_page_and_says_why():
    preview = pdf_preview(b"%PDF-1.4 this is not really a PDF")
    assert preview.pages == () and "damaged" in preview.problem and "Download it" in preview.problem

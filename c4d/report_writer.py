"""ReportWriter: the one way text reaches a Word document.

Every worksheet writes its part of a report through these few calls (heading,
paragraph, bullets, table, note, image, page break), so all sections share one look,
one set of fonts and one sanitiser. User text is passed through `xml_safe`, which drops
only the characters an XML file cannot hold (NUL, bell, other C0 controls, lone
surrogates); every script a participant types comes out as typed. python-docx escapes
`<`, `>` and `&` itself, so markup typed into a field is printed, never interpreted.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from docx.text.run import Run

# Latin and Cyrillic (Mongolian included) use Calibri: every copy of Word has it, and
# LibreOffice substitutes the metric-compatible Carlito (or Noto Sans), so a donor sees
# the layout the facilitator saw. Word and LibreOffice set Khmer, Myanmar, Bengali and
# Thai with the *complex-script* font (w:cs), not w:ascii; Calibri has none of those
# glyphs, so the complex-script slot names the free Noto Sans family. Where Noto Sans
# is installed its per-script members (Noto Sans Khmer, ... Thai) are picked by font
# fallback; where it is not, Word falls back to the system's script fonts (Khmer UI,
# Myanmar Text, Nirmala UI, Leelawadee UI). No font is embedded and none is fetched.
BODY_FONT = "Calibri"
COMPLEX_SCRIPT_FONT = "Noto Sans"

# Proofing language of the complex-script slot (w:lang w:bidi) for the audience
# languages the IOM X Roadshows used; anything else keeps Word's default.
COMPLEX_SCRIPT_LANGUAGES = {"km": "km-KH", "my": "my-MM", "bn": "bn-BD", "th": "th-TH"}

TABLE_STYLE = "Light Grid Accent 1"
INK = RGBColor(0x1F, 0x38, 0x64)        # headings, title
ACCENT = RGBColor(0x2E, 0x74, 0xB5)     # second-level headings
GREY = RGBColor(0x59, 0x59, 0x59)       # notes, header and footer
PAGE_WIDTH_CM, PAGE_HEIGHT_CM, MARGIN_CM = 21.0, 29.7, 2.2   # A4
USABLE_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
KEEP_TOGETHER_ROWS = 15                # tables up to this many rows are not split
CORE_PROPERTY_MAX = 255                 # python-docx refuses longer core properties

# Characters outside XML 1.0's Char production: C0 controls other than tab, line feed
# and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NUMBER = re.compile(r"^[-+–]?\d[\d\s.,]*%?$")
_PLACEHOLDER = {"", "–", "-", "—"}


def xml_safe(value: Any) -> str:
    """The text with the characters XML cannot hold removed; everything else kept.

    Windows (CR LF) and old Mac (CR) line ends become one line break each."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


def _core(value: Any) -> str:
    text = xml_safe(value).replace("\n", " ").strip()
    return text if len(text) <= CORE_PROPERTY_MAX else text[: CORE_PROPERTY_MAX - 1] + "…"


class ReportWriter:
    """A Word document being written section by section."""

    def __init__(
        self,
        title: str = "",
        subject: str = "",
        author: str = "",
        *,
        header_text: str = "",
        language: str = "en-GB",
        audience_language: str | None = None,
    ):
        self.document = Document()
        self._style_ids: dict[str, str] = {}
        self._set_up_fonts(language, audience_language)
        self._set_up_styles()
        self._set_up_page(header_text)
        props = self.document.core_properties
        props.title = _core(title)
        props.subject = _core(subject)
        props.author = _core(author)
        props.last_modified_by = _core(author)
        props.comments = "Prepared with the C4D workshop toolkit"
        props.keywords = "C4D; counter-trafficking; workshop report"
        props.language = language
        props.revision = 1
        now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        props.created = now
        props.modified = now

    # ---- set-up ----------------------------------------------------------------------
    def _set_up_fonts(self, language: str, audience_language: str | None) -> None:
        styles = self.document.styles.element
        # The template's styles point at theme fonts (Cambria headings); theme fonts win
        # over named ones, so drop them and let every style inherit the defaults below.
        for fonts in styles.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attr), None)
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        fonts.set(qn("w:ascii"), BODY_FONT)
        fonts.set(qn("w:hAnsi"), BODY_FONT)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        fonts.set(qn("w:cs"), COMPLEX_SCRIPT_FONT)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)
        base = (audience_language or "").split("-")[0].lower()
        lang.set(qn("w:bidi"), COMPLEX_SCRIPT_LANGUAGES.get(base, "ar-SA"))
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        if spacing is not None:  # a little tighter than Word 2010's 10 pt / 1.15
            spacing.set(qn("w:after"), "120")
            spacing.set(qn("w:line"), "264")

    def _set_up_styles(self) -> None:
        styles = self.document.styles
        for name, size, colour in (("Title", 26, INK), ("Heading 1", 16, INK), ("Heading 2", 13, ACCENT),
                                   ("Heading 3", 11.5, ACCENT), ("Heading 4", 11, GREY)):
            font = styles[name].font
            font.size = Pt(size)
            font.color.rgb = colour
        styles["Heading 1"].paragraph_format.space_before = Pt(18)
        styles["Heading 1"].paragraph_format.space_after = Pt(6)
        styles["Heading 2"].paragraph_format.space_before = Pt(12)
        styles["Heading 2"].paragraph_format.space_after = Pt(4)
        styles["Heading 3"].paragraph_format.space_after = Pt(3)

    def _set_up_page(self, header_text: str) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
        section.header_distance = section.footer_distance = Cm(1.0)
        # The cover page carries no running header or page number.
        section.different_first_page_header_footer = True
        if header_text:
            head = section.header.paragraphs[0]
            head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self._small(head.add_run(_core(header_text)), 8.5)
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._small(foot.add_run("Page "), 9)
        self._field(foot, "PAGE", "1")
        self._small(foot.add_run(" of "), 9)
        self._field(foot, "NUMPAGES", "1")

    @staticmethod
    def _small(run: Any, size: float, italic: bool = False) -> Any:
        run.font.size = Pt(size)
        run.font.color.rgb = GREY
        run.italic = italic or None
        return run

    def _field(self, paragraph: Paragraph, code: str, shown: str) -> None:
        """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when shown."""

        def char_run(kind: str) -> None:
            run = self._small(paragraph.add_run(), 9)
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)

        char_run("begin")
        run = self._small(paragraph.add_run(), 9)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {code} "
        run._r.append(instr)
        char_run("separate")
        self._small(paragraph.add_run(shown), 9)
        char_run("end")

    # ---- content ---------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> Paragraph:
        """A heading in Word's built-in 'Heading N' style, so it shows in the outline."""
        return self._styled(self.document.add_paragraph(xml_safe(text).replace("\n", " ")),
                            f"Heading {max(1, min(int(level), 9))}")

    def title(self, text: str) -> Paragraph:
        return self._styled(self.document.add_paragraph(xml_safe(text)), "Title")

    def overline(self, text: str, space_before_cm: float = 0.0) -> Paragraph:
        """A short spaced-out label above a title (e.g. 'WORKSHOP REPORT')."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_before = Cm(space_before_cm)
        paragraph.paragraph_format.space_after = Pt(4)
        run = paragraph.add_run(xml_safe(text).upper())
        spacing = OxmlElement("w:spacing")  # letter spacing, in twentieths of a point;
        spacing.set(qn("w:val"), "30")      # added first: python-docx then keeps schema order
        run._r.get_or_add_rPr().append(spacing)
        run.bold = True
        run.font.size = Pt(10)
        run.font.color.rgb = ACCENT
        return paragraph

    def subtitle(self, text: str) -> Paragraph:
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(xml_safe(text))
        run.font.size = Pt(15)
        run.font.color.rgb = ACCENT
        paragraph.paragraph_format.space_after = Pt(18)
        return paragraph

    def paragraph(self, text: str, italic: bool = False, bold: bool = False) -> Paragraph:
        """Body text. A blank line in the text starts a new paragraph; a single line
        break stays a line break."""
        blocks = [b for b in re.split(r"\n[ \t]*\n", xml_safe(text).strip("\n")) if b.strip()] or [""]
        paragraph = None
        for block in blocks:
            paragraph = self.document.add_paragraph()
            run = paragraph.add_run(block)
            run.italic = italic or None
            run.bold = bold or None
        return paragraph

    def bullets(self, items: Iterable[str]) -> list[Paragraph]:
        return [self._styled(self.document.add_paragraph(xml_safe(item)), "List Bullet") for item in items]

    def note(self, text: str) -> Paragraph:
        """A small grey line: a caveat, a source, a 'no data' remark."""
        paragraph = self.document.add_paragraph()
        self._small(paragraph.add_run(xml_safe(text)), 9, italic=True)
        return paragraph

    def page_break(self) -> None:
        self.document.add_page_break()

    def image(self, png_bytes: bytes, width_cm: float = 15.0, *, alt: str, max_height_cm: float | None = None,
              caption: str = "", align: str = "center") -> None:
        """A picture (PNG, JPEG or GIF) at the given width, never wider than the page, with
        `alt`, what it shows, for screen readers (Word's alt text; a PDF keeps it too).
        Raises ValueError when the bytes are not a picture Word can show."""
        try:
            picture = DocxImage.from_blob(png_bytes)
            aspect = picture.px_height / picture.px_width
        except Exception as error:  # python-docx raises several kinds for bad bytes
            raise ValueError("This file is not a picture the report can hold (use PNG or JPEG).") from error
        width = min(float(width_cm), USABLE_WIDTH_CM)
        if max_height_cm and width * aspect > max_height_cm:
            width = max_height_cm / aspect
        paragraph = self.document.add_paragraph()
        paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(
            align, WD_ALIGN_PARAGRAPH.CENTER)
        shape = paragraph.add_run().add_picture(io.BytesIO(png_bytes), width=Cm(width))
        shape._inline.docPr.set("descr", xml_safe(" ".join(alt.split())))
        if caption:
            self.note(caption).alignment = paragraph.alignment

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        row_labels: bool = False,
        totals: bool = False,
        widths_cm: Sequence[float] | None = None,
    ) -> Table:
        """A table in the report's table style. The header row is bold and repeats on
        every page; columns holding only numbers are right-aligned. `row_labels` bolds
        the first column, `totals` the last row (with a rule above it)."""
        headers = [xml_safe(h) for h in headers]
        columns = max(len(headers), 1)
        body = [[xml_safe(v) for v in list(row)[:columns]] + [""] * (columns - len(row)) for row in rows]
        self._keep_previous_with_next()
        table = self.document.add_table(rows=1 + len(body), cols=columns)
        table._tbl.tblStyle_val = self._style_id(TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is None:
            look = OxmlElement("w:tblLook")
            table._tbl.tblPr.append(look)
        # Which parts of the style apply; the attributes and the older w:val bit mask
        # must agree, as LibreOffice reads the mask.
        bits = 0
        for attr, bit, on in (("firstRow", 0x20, True), ("lastRow", 0x40, totals),
                              ("firstColumn", 0x80, row_labels), ("lastColumn", 0x100, False),
                              ("noHBand", 0x200, False), ("noVBand", 0x400, True)):
            look.set(qn(f"w:{attr}"), "1" if on else "0")
            bits |= bit if on else 0
        look.set(qn("w:val"), f"{bits:04X}")

        numeric = [
            any(_NUMBER.match(r[c].strip()) for r in body)
            and all(_NUMBER.match(r[c].strip()) or r[c].strip() in _PLACEHOLDER for r in body)
            for c in range(columns)
        ]
        widths = self._widths(headers, body, columns, widths_cm)
        # Every cell's paragraph gets one of at most four formats, made once here and
        # copied (python-docx's setters cost about 0.1 ms each, per cell and property).
        formats: dict[tuple[bool, bool], Any] = {}

        def cell_format(keep: bool, right: bool) -> Any:
            if (keep, right) not in formats:
                scratch = OxmlElement("w:p")
                fmt = ParagraphFormat(scratch)
                fmt.space_after = Pt(2)
                fmt.space_before = Pt(2)
                if keep:
                    fmt.keep_with_next = True  # a short table stays on one page
                if right:
                    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                formats[(keep, right)] = scratch.pPr
            return copy.deepcopy(formats[(keep, right)])

        cell_widths = [Cm(w) for w in widths]
        for index, (tr, values) in enumerate(zip(table._tbl.tr_lst, [headers] + body)):
            tr_pr = tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if index == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
            keep = len(body) <= KEEP_TOGETHER_ROWS and index < len(body)
            for c, tc in enumerate(tr.tc_lst):  # a new table: one tc per column, one empty p each
                tc.width = cell_widths[c]
                p = tc.p_lst[0]
                p.insert(0, cell_format(keep, numeric[c]))
                text = values[c] if c < len(values) else ""
                if text:
                    run = Run(p.add_r(), table)
                    run.text = text
                    if index == 0 or (totals and index == len(body)) or (row_labels and c == 0):
                        run.bold = True
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
        self._spacer()
        return table

    def key_values(self, pairs: Iterable[tuple[str, str]]) -> Table | None:
        """Label / value lines without borders (the cover's details)."""
        pairs = [(xml_safe(k), xml_safe(v)) for k, v in pairs if xml_safe(v).strip()]
        if not pairs:
            return None
        table = self.document.add_table(rows=len(pairs), cols=2)
        table.autofit = False
        widths = (4.0, USABLE_WIDTH_CM - 4.0)
        for row, (label, value) in zip(table.rows, pairs):
            for c, (cell, text, width) in enumerate(zip(row.cells, (label, value), widths)):
                cell.width = Cm(width)
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(4)
                run = paragraph.add_run(text)
                if c == 0:
                    run.bold = True
                    run.font.color.rgb = GREY
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)
        self._spacer()
        return table

    # ---- structure -------------------------------------------------------------------
    def mark(self) -> int:
        """A point to come back to: see `rollback`."""
        return len(self._blocks())

    def rollback(self, mark: int) -> None:
        """Remove everything written since `mark` (a section that failed half-way)."""
        body = self.document.element.body
        for child in self._blocks()[mark:]:
            body.remove(child)

    def _blocks(self) -> list[Any]:
        # New content goes before the body's closing section properties, not after.
        return [child for child in self.document.element.body if child.tag != qn("w:sectPr")]

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    # ---- helpers ---------------------------------------------------------------------
    def _style_id(self, name: str) -> str:
        """A built-in style's id, found once: python-docx searches every style of the
        document each time a style is assigned by name or object (about 1 ms each)."""
        found = self._style_ids.get(name)
        if found is None:
            found = self._style_ids[name] = self.document.styles[name].style_id
        return found

    def _styled(self, paragraph: Paragraph, name: str) -> Paragraph:
        paragraph._p.style = self._style_id(name)
        return paragraph

    def _keep_previous_with_next(self) -> None:
        # The line that introduces a table stays on the table's page.
        body = self.document.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1] if len(body) else None
        if last is not None and last.tag == qn("w:p"):
            Paragraph(last, self.document).paragraph_format.keep_with_next = True

    def _spacer(self) -> None:
        # After every table: air before the next block, and Word merges touching tables.
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = Pt(8)

    @staticmethod
    def _widths(headers: list[str], body: list[list[str]], columns: int,
                widths_cm: Sequence[float] | None) -> list[float]:
        if widths_cm and len(widths_cm) == columns:
            scale = min(1.0, USABLE_WIDTH_CM / max(sum(widths_cm), 0.1))
            return [w * scale for w in widths_cm]
        weights = []
        for c in range(columns):
            lengths = sorted(max((len(line) for line in r[c].split("\n")), default=0) for r in body) or [0]
            typical = lengths[int(0.9 * (len(lengths) - 1))]
            header = len(headers[c]) if c < len(headers) else 0
            weights.append(min(max(typical, header, 4), 45))
        total = sum(weights)
        return [USABLE_WIDTH_CM * w / total for w in weights]

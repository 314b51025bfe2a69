"""The creative brief as a Word document: the full brief and a one-page summary.

Both render a frozen version (`c4d.brief.model.BriefVersion`) through `ReportWriter`, so the
brief looks like the workshop reports: Word's own heading styles (the partner sees the
outline in the navigation pane), tables in the report's table style, page numbers in
the footer, the organisation's logo from the settings, and every script as typed.

- Full brief: a cover (logo, "Creative brief", the campaign's name, the version and its
  date, the completeness line), then every section of `c4d.brief.outline.outline`, each gap
  marked where it is with a shaded "Missing" or "To strengthen" line.
- Summary: one page with no cover: the title line, then `c4d.brief.outline.summary_outline`.
"""

from __future__ import annotations

import logging
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from c4d.brief.checks import Gap, check, completeness_line
from c4d.brief.commands import save_version
from c4d.brief.model import BriefVersion, brief_filename
from c4d.brief.outline import Bullets, GapMark, Note, Pairs, Para, Sub, TableBlock, outline, short_text, \
    summary_outline
from c4d.report_writer import ReportWriter, xml_safe
from c4d.models import Campaign
from c4d.db.store import Store
from c4d.workspace.branding import organisation_logo

log = logging.getLogger(__name__)

MISSING_INK = RGBColor(0x9C, 0x1C, 0x1C)
MISSING_FILL = "FDECEC"
WEAK_INK = RGBColor(0x7A, 0x4B, 0x00)
WEAK_FILL = "FFF4D6"


def build_brief_docx(version: BriefVersion, *, logo: bytes | None = None, summary: bool = False,
                     prepared_on: date | None = None) -> bytes:
    """The version as DOCX bytes (the full brief, or the one-page summary)."""
    composed = version.brief
    gaps = check(composed)
    writer = ReportWriter(
        title=f"{composed.campaign_name} — creative brief, version {version.number}",
        subject="Creative brief" + (" (summary)" if summary else ""),
        author="; ".join(composed.organisers),
        header_text="" if summary else f"{composed.campaign_name} · Creative brief · version {version.number}",
        audience_language=composed.language,
    )
    props = writer.document.core_properties
    props.keywords = "C4D; counter-trafficking; creative brief"
    props.revision = max(1, version.number)
    if summary:
        _summary(writer, version, gaps, logo)
    else:
        _cover(writer, version, gaps, logo, prepared_on)
        for section in outline(composed, gaps):
            writer.heading(section.title, 1)
            _blocks(writer, section.blocks)
    return writer.to_bytes()


def _logo(writer: ReportWriter, logo: bytes | None, width_cm: float, max_height_cm: float) -> bool:
    if logo is None:
        return False
    try:
        writer.image(logo, width_cm=width_cm, max_height_cm=max_height_cm, align="left",
                     alt="Logo of the organisers")
    except ValueError:
        log.warning("The organisation logo could not be read; the brief is made without it.")
        return False
    return True


def _cover(writer: ReportWriter, version: BriefVersion, gaps: list[Gap], logo: bytes | None,
           prepared_on: date | None) -> None:
    composed = version.brief
    has_logo = _logo(writer, logo, 5.0, 3.0)
    writer.overline("Creative brief", space_before_cm=0.5 if has_logo else 3.0)
    writer.title(composed.campaign_name)
    writer.subtitle(f"Version {version.number} · {version.date_label}")
    writer.key_values([
        ("Country", composed.country),
        ("Organisers", "\n".join(composed.organisers)),
        ("Version", f"{version.number}, of {version.date_label}" + (f" — {version.note}" if version.note else "")),
        ("Completeness", completeness_line(gaps)),
    ])
    day = prepared_on or date.today()
    writer.note(f"Prepared with the C4D workshop toolkit on {day.day} {day:%B} {day.year}. "
                f"For the creative partner: read-only; ask the facilitator before changing the brief.")
    writer.page_break()


def _summary(writer: ReportWriter, version: BriefVersion, gaps: list[Gap], logo: bytes | None) -> None:
    composed = version.brief
    styles = writer.document.styles       # one page: a size smaller than the full brief
    styles["Normal"].font.size = Pt(9.5)
    styles["Heading 2"].font.size = Pt(11.5)
    page = writer.document.sections[0]
    page.top_margin = page.bottom_margin = Cm(1.5)
    page.left_margin = page.right_margin = Cm(1.9)
    _logo(writer, logo, 3.2, 1.4)
    writer.overline("Creative brief · one-page summary")
    title = writer.document.add_paragraph(style="Title")
    title.add_run(xml_safe(short_text(composed.campaign_name, 80))).font.size = Pt(17)
    title.paragraph_format.space_after = Pt(2)
    writer.note(f"Version {version.number} · {version.date_label}. {completeness_line(gaps)} The full "
                f"brief has the profiles, barriers, channels, deliverables and the pre-test plan.")
    for section in summary_outline(composed, gaps):
        heading = writer.heading(section.title, 2)
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.space_after = Pt(1)
        _blocks(writer, section.blocks, compact=True)


def _blocks(writer: ReportWriter, blocks, *, compact: bool = False) -> None:
    for block in blocks:
        if isinstance(block, GapMark):
            _gap(writer, block)
        elif isinstance(block, Para):
            paragraph = writer.paragraph(block.text, italic=block.italic)
            if compact:
                paragraph.paragraph_format.space_after = Pt(2)
        elif isinstance(block, Bullets):
            for paragraph in writer.bullets(block.items):
                if compact:
                    paragraph.paragraph_format.space_after = Pt(0)
        elif isinstance(block, TableBlock):
            writer.table(block.headers, block.rows, widths_cm=block.widths,
                         totals=bool(block.rows) and block.rows[-1][0] == "Total")
        elif isinstance(block, Pairs):
            for label, value in block.pairs:
                paragraph = writer.document.add_paragraph()
                label_run = paragraph.add_run(xml_safe(label) + ": ")
                label_run.bold = True
                paragraph.add_run(xml_safe(value))
                paragraph.paragraph_format.space_after = Pt(1 if compact else 3)
        elif isinstance(block, Sub):
            writer.heading(block.text, 2)
        elif isinstance(block, Note):
            writer.note(block.text)


def _gap(writer: ReportWriter, mark: GapMark) -> None:
    """A shaded line that no reader can miss: 'MISSING — ...' or 'TO STRENGTHEN — ...'."""
    missing = mark.level == "missing"
    paragraph = writer.document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.left_indent = Cm(0.2)
    fmt.space_after = Pt(4)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), MISSING_FILL if missing else WEAK_FILL)
    paragraph._p.get_or_add_pPr().append(shading)
    label = paragraph.add_run(f"{mark.label.upper()} — ")
    label.bold = True
    label.font.color.rgb = MISSING_INK if missing else WEAK_INK
    text = paragraph.add_run(xml_safe(mark.text))
    text.font.color.rgb = MISSING_INK if missing else WEAK_INK


# ---- from the store ------------------------------------------------------------------------------
def export_brief(store: Store, campaign_ref: str, *, summary: bool = False, note: str = "",
                 today: date | None = None) -> tuple[BriefVersion, bool, bytes, str]:
    """Export = freeze a version (or reuse the latest when nothing changed) and write it.
    Returns (version, whether it is new, the DOCX bytes, a file name)."""
    campaign: Campaign = store.campaign(campaign_ref)
    version, created = save_version(store, campaign, note=note, today=today)
    data = build_brief_docx(version, logo=organisation_logo(store), summary=summary)
    return version, created, data, brief_filename(campaign.name, campaign.slug, version.number, summary)


def shared_document(store: Store, version: BriefVersion, summary: bool) -> bytes:
    """A version as the creative partner downloads it through a share link, with the
    organisation's logo (handed to `c4d.brief.share.brief_routes` by app.py)."""
    return build_brief_docx(version, logo=organisation_logo(store), summary=summary)

"""The blank sign-in sheet a facilitator prints or shares before a workshop: CSV with the
headings, or Excel with dropdowns and a 'How to fill' sheet with an example row."""

from __future__ import annotations

import csv
import io

from c4d.models import ORG_TYPE_LABELS, SEX_LABELS, OrgType, Session, Sex
from c4d.people.cells import ORG_TYPE_CHOICES
from c4d.text import day_month

TEMPLATE_ROWS = 500                     # rows with dropdowns in the Excel template

BASE_HEADINGS = ["Name", "Organisation", "Organisation type", "Sex",
                 "Contact (phone or email)", "May we list your name? (yes/no)"]


def _day_headings(session: Session | None) -> list[str]:
    if session is None:
        return ["Days attended (e.g. 1,2)"]
    return [f"Day {i} ({day_month(d)})"
            for i, d in enumerate(session.day_dates(), start=1)]


def template_csv(session: Session | None = None) -> bytes:
    """Headings only, UTF-8 with BOM so Excel shows Cyrillic correctly. Without a session
    one 'Days attended' column takes day numbers; with one there is a column per day."""
    out = io.StringIO()
    csv.writer(out).writerow(BASE_HEADINGS + _day_headings(session))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(session: Session) -> bytes:
    """A sign-in sheet with dropdowns, plus a 'How to fill' sheet with an example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    headings = BASE_HEADINGS + _day_headings(session)
    workbook = Workbook()
    workbook.properties.title = "Sign-in sheet"
    sheet = workbook.active
    sheet.title = "Sign-in sheet"
    sheet.append(headings)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(34, len(heading) + 4))
    sheet.freeze_panes = "A2"

    last = TEMPLATE_ROWS + 1

    def dropdown(column: int, choices: list[str], title: str, prompt: str) -> None:
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                              showDropDown=False, showErrorMessage=True, errorStyle="warning",
                              errorTitle=title, error=f"Choose one of: {', '.join(choices)}",
                              promptTitle=title, prompt=prompt, showInputMessage=True)
        letter = get_column_letter(column)
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)

    dropdown(3, [ORG_TYPE_LABELS[o] for o in OrgType], "Organisation type",
             "Choose the kind of organisation.")
    dropdown(4, [SEX_LABELS[s] for s in Sex], "Sex", "A blank cell counts as prefer not to say.")
    dropdown(6, ["yes", "no"], "List the name?", "yes only if the participant agrees.")
    for offset in range(session.days):
        dropdown(7 + offset, ["x"], "Attendance", "x if present that day; blank if not.")

    guide = workbook.create_sheet("How to fill")
    lines = [
        ("How to fill in the sign-in sheet", True),
        (f"Session: {session.title}, {session.dates_label()}", False),
        ("Use the first sheet, one row per participant; keep the headings in row 1.", False),
        ("Organisation and organisation type are needed for every row; "
         f"types: {ORG_TYPE_CHOICES}.", False),
        ("Sex: Woman, Man, Another or Prefer not to say (a blank cell means prefer not to say).", False),
        ("Name and contact are optional. Write 'yes' under 'May we list your name?' only when "
         "the participant agrees that the name may appear in reports.", False),
        ("Day columns: put an x on each day the participant attended.", False),
        ("", False),
        ("Example row (for reference only: do not copy it into the sign-in sheet):", True),
    ]
    for text, strong in lines:
        guide.append([text])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=strong)
    guide.append(headings)
    example = ["Hotline counsellor (example)", "Example service NGO", ORG_TYPE_LABELS[OrgType.ngo],
               SEX_LABELS[Sex.woman], "", "yes"] + ["x"] + [""] * (session.days - 1)
    guide.append(example)
    guide.column_dimensions["A"].width = 40

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

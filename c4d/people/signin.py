"""Sign-in sheets: turn a workshop's paper or spreadsheet register into participants.

A facilitator uploads (or pastes) the sign-in sheet as CSV or XLSX. `parse_signin_sheet`
reads it without touching the database and returns a `SigninPreview`: one `SheetRow` per
filled-in row, each either holding a valid `Participant` or the reasons, in the
facilitator's words, why it cannot be added. The page shows the preview and saves only
the valid rows with `c4d.people.commands.add_from_signin_sheet` (all or nothing).

This module validates the rows; reading the file is `sheet_files`, finding the columns
`columns`, reading a cell `cells`, and the blank sheet `template`.

Reading is forgiving where the meaning is clear and strict where a guess could be wrong:

- Column headings are matched whatever their case, spacing or punctuation, with common
  synonyms ("Agency" for the organisation, "Gender" for sex, "Phone"/"Email" for the
  contact, "Day 1 (18 Jun)" or a single "Days" column for attendance). Text in brackets
  is ignored ("Sex (F/M)"). Column headings may sit below a title row.
- Cell values accept short forms ("F", "M", "x", "✓", "yes", Mongolian "эмэгтэй", "тийм").
  An organisation type that matches no known word, or several, is an error naming the
  allowed values: nothing is quietly filed under "Other".
- The file must be UTF-8 (with or without BOM) or UTF-16 with BOM. A legacy code page is
  never guessed, because guessing garbles Cyrillic names.

Canonical field keys used in `SigninPreview.columns` and `SheetRow.values`:
``name``, ``first_name``, ``last_name``, ``organisation``, ``org_type``, ``sex``,
``contact``, ``consent_to_list``, ``attendance`` (a "Days" column such as "1,2"),
``present`` (a one-column tick meaning day 1) and ``day_1``, ``day_2``, ... Several
columns may feed ``contact`` and the day fields ("Phone" and "Email"); their headings
are then joined with ", " and their cells with "; ".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from pydantic import ValidationError

from c4d.models import Participant, Session, friendly_errors, name_key
from c4d.people.cells import consent_in, days_listed, org_type_in, sex_in, ticked
from c4d.people.columns import (
    REQUIRED,
    Header,
    is_multi,
    missing_columns_message,
    read_header,
)
from c4d.people.model import (
    MAX_SHEET_BYTES,
    MAX_SHEET_ROWS,
    SheetRow,
    SigninError,
    SigninPreview,
    field_label,
)
from c4d.people.register import (
    CONTACT,
    LISTED,
    NAME,
    ORG_TYPE,
    ORGANISATION,
    SEX,
    day_column,
)
from c4d.people.sheet_files import HEADER_SCAN_ROWS, rows_of
from c4d.text import day_month, number, plural, size_label

IDENTITY = ("name", "first_name", "last_name", "organisation", "org_type", "sex", "contact")


def _friendly(error: ValidationError, skip: set[str]) -> list[str]:
    wording = {"org type": "organisation type", "consent to list": "consent"}
    messages = []
    for message in friendly_errors(error):
        where, sep, rest = message.partition(": ")
        if sep and where in skip:
            continue
        if sep and re.fullmatch(r"[a-z ]+", where):
            message = f"{wording.get(where, where)} {rest}"
        messages.append(message)
    return messages


def _build_row(line: int, cells: list[str], header: Header, session: Session) -> SheetRow | None:
    def cells_of(key: str) -> list[str]:
        return [cells[i] if i < len(cells) else "" for i in header.fields.get(key, [])]

    raw = {key: cells_of(key) for key in header.fields}
    if not any(c.strip() for key in IDENTITY if key in raw for c in raw[key]):
        return None  # blank, or only ticks/consent (e.g. a default copied down the sheet)
    values = {
        key: ("; ".join(c for c in cs if c.strip()) if is_multi(key) else (cs[0] if cs else ""))
        for key, cs in raw.items()
    }
    errors: list[str] = []
    kwargs: dict[str, object] = {"session_id": session.id}
    failed: set[str] = set()

    if "name" in values or "first_name" in values or "last_name" in values:
        first = values.get("name") or values.get("first_name", "")
        kwargs["name"] = " ".join(part.strip() for part in (first, values.get("last_name", "")) if part.strip())
    organisation = values.get("organisation", "")
    if organisation.strip():
        kwargs["organisation"] = organisation
    else:
        errors.append("organisation is missing")
        failed.add("organisation")
    shown = {NAME: " ".join(str(kwargs.get("name", "")).split()), ORGANISATION: organisation.strip()}
    org_type, problem = org_type_in(values.get("org_type", ""))
    shown[ORG_TYPE] = org_type.label if org_type is not None else values.get("org_type", "").strip()
    if problem:
        errors.append(problem)
        failed.add("org type")
    else:
        kwargs["org_type"] = org_type
    sex, problem = sex_in(values.get("sex", ""))
    shown[SEX] = sex.label if sex is not None else values.get("sex", "").strip()
    if problem:
        errors.append(problem)
        failed.add("sex")
    else:
        kwargs["sex"] = sex
    if "contact" in values:
        kwargs["contact"] = values["contact"]
    shown[CONTACT] = values.get("contact", "").strip()
    shown[LISTED] = "No"
    if "consent_to_list" in values:
        consent, problem = consent_in(values["consent_to_list"])
        shown[LISTED] = values["consent_to_list"].strip() if consent is None else ("Yes" if consent else "No")
        if problem:
            errors.append(problem)
            failed.add("consent to list")
        else:
            kwargs["consent_to_list"] = consent

    attended: set[int] = set()
    for key, column_cells in raw.items():
        if key.startswith("day_") and any(ticked(c) for c in column_cells if c.strip()):
            attended.add(int(key[4:]))
        elif key == "present" and any(ticked(c) for c in column_cells if c.strip()):
            attended.add(1)
        elif key == "attendance":
            for cell in column_cells:
                days, problem = days_listed(cell, session.days)
                attended |= days
                if problem:
                    errors.append(problem)
                    failed.add("attendance")
    for day in sorted(attended):
        if day < 1:
            errors.append("attendance on day 0, but days are numbered from 1")
            failed.add("attendance")
        elif day > session.days:
            errors.append(
                f"attendance on day {day}, but the session has {plural(session.days, 'day')}"
            )
            failed.add("attendance")
    kwargs["attendance"] = sorted(d for d in attended if 1 <= d <= session.days)
    shown.update({day_column(day): "✓" if day in attended else "" for day in range(1, session.days + 1)})

    participant = None
    try:
        participant = Participant(**kwargs)
    except ValidationError as exc:
        errors.extend(_friendly(exc, failed))
    if errors:
        participant = None
    return SheetRow(line, values, participant, [f"row {line}: {e}" for e in errors], shown)


def _mark_duplicates(rows: list[SheetRow], existing: Iterable[Participant]) -> None:
    def key(name: str, organisation: str) -> tuple[str, str] | None:
        name = name_key(name)
        return (name, name_key(organisation)) if name else None

    registered = {k for p in existing if (k := key(p.name, p.organisation))}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        first = row.values.get("name") or row.values.get("first_name", "")
        full = " ".join(p.strip() for p in (first, row.values.get("last_name", "")) if p.strip())
        k = key(full, row.values.get("organisation", ""))
        if k is None:
            continue
        if k in registered:
            row.errors.append(
                f"row {row.line}: looks like a duplicate of someone already in the register "
                "(same name and organisation)"
            )
        elif k in seen:
            row.errors.append(
                f"row {row.line}: looks like a duplicate of row {seen[k]} (same name and organisation)"
            )
        else:
            seen[k] = row.line
        if row.errors:
            row.participant = None


def _preview(lines: Iterator[tuple[int, list[str]]], session: Session,
             existing: Iterable[Participant]) -> SigninPreview:
    scanned: list[tuple[int, list[str]]] = []
    for line, cells in lines:
        if any(c.strip() for c in cells):
            scanned.append((line, cells))
            if len(scanned) >= HEADER_SCAN_ROWS:
                break
    if not scanned:
        raise SigninError("The sheet is empty: no headings and no participants were found.")

    header: Header | None = None
    for line, cells in scanned:
        candidate = read_header(line, cells, session)
        if header is None or candidate.score > header.score:
            header = candidate
        if all(key in candidate.fields for key in REQUIRED):
            header = candidate
            break
    assert header is not None  # scanned is not empty; with no known heading, the first row
    missing = [key for key in REQUIRED if key not in header.fields]
    if missing:
        raise SigninError(missing_columns_message(header, missing))

    def data_lines() -> Iterator[tuple[int, list[str]]]:
        yield from ((ln, cs) for ln, cs in scanned if ln > header.line)
        yield from lines

    rows: list[SheetRow] = []
    marks_only = 0
    for line, cells in data_lines():
        if not any(c.strip() for c in cells):
            continue
        row = _build_row(line, cells, header, session)
        if row is None:
            marked = (i for idx in header.fields.values() for i in idx if i < len(cells))
            marks_only += any(cells[i].strip() for i in marked)
            continue
        rows.append(row)
        if len(rows) > MAX_SHEET_ROWS:
            raise SigninError(
                f"The sheet has more than {number(MAX_SHEET_ROWS)} participant rows; one upload can "
                "hold at most that many. Split the sheet, or delete rows filled in by mistake "
                "further down."
            )
    if not rows:
        raise SigninError(
            "There are no participants in the sheet: it has the column headings but no "
            "filled-in rows under them."
        )
    _mark_duplicates(rows, existing)

    notes: list[str] = []
    if header.line > 1:
        notes.append(f"Column headings were found in row {header.line}; the rows above were skipped.")
    if not any(k.startswith("day_") or k in ("attendance", "present") for k in header.fields):
        notes.append("The sheet has no attendance columns, so no one will be marked present; "
                     "attendance can be ticked in the register afterwards.")
    if marks_only:
        notes.append(f"{plural(marks_only, 'row was', 'rows were')} skipped: only attendance or "
                     "consent was filled in, with no name, organisation, type or sex.")
    if "name" not in header.fields and ("first_name" in header.fields or "last_name" in header.fields):
        notes.append("Names are made by joining the first-name and last-name columns.")
    return SigninPreview(rows, header.columns(), header.ignored, notes)


def parse_signin_sheet(filename: str, data: bytes, session: Session,
                       existing: Sequence[Participant] = ()) -> SigninPreview:
    """Read a sign-in sheet (CSV or XLSX) into a preview; never touches the database.

    Raises SigninError when the file as a whole cannot be used."""
    size = len(data)
    if size > MAX_SHEET_BYTES:
        raise SigninError(
            f"The file is {size_label(size)}; a sign-in sheet can be at most "
            f"{MAX_SHEET_BYTES // (1024 * 1024)} MB."
        )
    if size == 0:
        raise SigninError("The file is empty.")
    data = bytes(data)
    lines = rows_of(filename, data, session)
    try:
        return _preview(lines, session, existing)
    finally:
        lines.close()  # releases the Excel file when reading stopped early


def parse_signin_text(text: str, session: Session,
                      existing: Sequence[Participant] = ()) -> SigninPreview:
    """Rows pasted into a text box (copied from Excel they arrive tab-separated)."""
    return parse_signin_sheet("pasted.txt", text.encode("utf-8", "replace"), session, existing)


# ---- the preview as the page shows it ---------------------------------------------------

READY, NOT_ADDED = "Ready", "Not added"


def preview_table(preview: SigninPreview, session: Session) -> list[dict[str, object]]:
    """Each row of the sheet as the register will hold it: the spreadsheet's row number,
    whether it is ready, then the register's own columns in the facilitator's words
    ("Government", "Man", "Yes", a tick per day present); a cell that could not be read
    shows as it was written (its problem is in `SheetRow.errors`)."""
    days = {day_column(d): f"{day_column(d)} ({day_month(when)})" for d, when in enumerate(session.day_dates(), 1)}
    columns = [NAME, ORGANISATION, ORG_TYPE, SEX, CONTACT, LISTED, *days]
    return [{"Row": row.line, "Status": READY if row.ok else NOT_ADDED,
             **{days.get(c, c): row.shown.get(c, "") for c in columns}} for row in preview.rows]


def headings_read(preview: SigninPreview) -> list[str]:
    """Which of the sheet's headings feeds which column, where they differ: 'Gender → Sex'."""
    register_names = {"consent_to_list": LISTED, "attendance": "days present", "present": day_column(1)}
    out = []
    for key, heading in preview.columns.items():
        name = register_names.get(key, field_label(key))
        if heading.strip().casefold() != name.casefold():
            out.append(f"{heading.strip()} → {name}")
    return out

"""Reading a sign-in sheet's file into rows of text: Excel (.xlsx) read as the facilitator
sees it, CSV or text pasted from a spreadsheet with its separator found from the headings.
The file must be UTF-8 (with or without BOM) or UTF-16 with BOM: a legacy code page is
never guessed, because guessing garbles Cyrillic names. A file of another kind (an old
.xls, an .ods, a PDF, a photo) is refused with what to do instead."""

from __future__ import annotations

import csv
import io
import math
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from c4d.models import Session
from c4d.people.columns import read_header
from c4d.people.model import SigninError
from c4d.text import size_label

MAX_COLUMNS = 100                       # columns read from an Excel sheet
MAX_UNPACKED_BYTES = 50 * 1024 * 1024   # an .xlsx is a zip: refuse zip bombs
HEADER_SCAN_ROWS = 10                   # headings may sit below a title row

UTF8_MESSAGE = (
    "The file is not saved as UTF-8 text, so letters such as Mongolian Cyrillic would be "
    "garbled. In Excel choose 'Save as' → 'CSV UTF-8', or upload the .xlsx file."
)


def _cell_text(value: object) -> str:
    """An Excel cell as the facilitator would read it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g") if math.isfinite(value) else ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    damaged = "The Excel file could not be opened; it may be damaged."
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # any zip defect means the same thing to the facilitator
        raise SigninError(damaged) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SigninError(
            f"The Excel file unpacks to {size_label(unpacked)}, far more than a sign-in sheet "
            "needs. Copy the sign-in rows into the template and upload that."
        )
    try:
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception:
        mimetype = b""
    if b"opendocument" in mimetype:
        raise SigninError(
            "This is an OpenDocument spreadsheet (.ods). In LibreOffice choose "
            "'Save as' → 'Excel 2007-365 (.xlsx)' or 'Text CSV' with UTF-8, then upload that."
        )
    if not any(name.startswith("xl/") for name in names):
        raise SigninError(
            "The file is a zip archive but not an Excel workbook. Upload the sign-in sheet "
            "as .xlsx or as CSV UTF-8."
        )
    from openpyxl import load_workbook

    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops
            try:
                workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
                if not workbook.worksheets:
                    return
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # some writers record a wrong size
                rows = iter(sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, values_only=True))
            except Exception as exc:  # openpyxl raises many kinds on a broken file
                raise SigninError(damaged) from exc
        line = 0
        while True:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    values = next(rows)
                except StopIteration:
                    return
                except Exception as exc:  # the sheet is parsed as it is read
                    raise SigninError(damaged) from exc
            line += 1
            if values.count(None) == len(values):  # fast path for empty rows
                yield line, []
            else:
                yield line, [_cell_text(v) for v in values]
    finally:
        if workbook is not None:
            try:
                workbook.close()
            except Exception:  # pragma: no cover - closing a broken archive
                pass


def _decode_text(data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SigninError(UTF8_MESSAGE) from exc
    if "\x00" in text:  # UTF-16 without its marker, or a binary file
        raise SigninError(UTF8_MESSAGE)
    return text.lstrip("\ufeff")


def _sample_rows(text: str, delimiter: str, limit: int = HEADER_SCAN_ROWS * 2) -> list[list[str]]:
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [row for _, row in zip(range(limit), reader)]
    except csv.Error:
        return []


def _choose_delimiter(text: str, session: Session) -> str:
    """csv.Sniffer's choice, unless another separator reveals more known headings."""
    sample = "\n".join(text[:65536].splitlines()[: HEADER_SCAN_ROWS * 2])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except Exception:  # a heuristic: any failure falls back to counting
        sniffed = None
    candidates = list(dict.fromkeys([d for d in (sniffed, ",", ";", "\t") if d]))

    def best_score(delimiter: str) -> int:
        rows = [r for r in _sample_rows(sample, delimiter) if any(c.strip() for c in r)]
        return max((read_header(0, r, session).score for r in rows[:HEADER_SCAN_ROWS]), default=0)

    scores = {d: best_score(d) for d in candidates}
    best = max(candidates, key=lambda d: scores[d])  # first of the best keeps sniffer's choice
    if scores[best] > 0 or sniffed:
        return best
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])  # ties keep the comma


def _csv_rows(text: str, session: Session) -> Iterator[tuple[int, list[str]]]:
    delimiter = _choose_delimiter(text, session)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SigninError(
                f"Row {line + 1} could not be read: a cell is very long or a quote mark (\") "
                "is not closed. Check that row in a spreadsheet program and save again."
            ) from exc
        line += 1
        yield line, row


def rows_of(filename: str, data: bytes, session: Session) -> Iterator[tuple[int, list[str]]]:
    name = (filename or "").lower().strip()
    if data.startswith(b"PK"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise SigninError(
            "This is an old-style Excel file (.xls) or a password-protected workbook, which "
            "the toolkit cannot read. In Excel choose 'Save as' → 'Excel Workbook (.xlsx)' "
            "(without a password) or 'CSV UTF-8', then upload that file."
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise SigninError("The Excel file could not be opened; it may be damaged.")
    if data.startswith(b"%PDF"):
        raise SigninError(
            "This is a PDF. The toolkit reads sign-in sheets typed into a spreadsheet: "
            "download the template, type the rows in and upload it as .xlsx or CSV."
        )
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8")) or data[4:12] in (b"ftypheic", b"ftypheix"):
        raise SigninError(
            "This is a photo or scan. The toolkit cannot read handwriting: download the "
            "template, type the rows in and upload it as .xlsx or CSV."
        )
    text = _decode_text(data)
    if not text.strip():
        raise SigninError("The file is empty.")
    return _csv_rows(text, session)


"""Sign-in sheets: turn a workshop's paper or spreadsheet register into participants.

A facilitator uploads (or pastes) the sign-in sheet as CSV or XLSX. `parse_signin_sheet`
reads it without touching the database and returns a `SigninPreview`: one `SheetRow` per
filled-in row, each either holding a valid `Participant` or the reasons, in the
facilitator's words, why it cannot be added. The page shows the preview and saves only
the valid rows with `store.add_participants` (all or nothing).

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

import csv
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from pydantic import ValidationError

from c4d.models import (
    name_key,
    ORG_TYPE_LABELS,
    SEX_LABELS,
    OrgType,
    Participant,
    Session,
    Sex,
    friendly_errors,
)

__all__ = [
    "MAX_SHEET_BYTES",
    "MAX_SHEET_ROWS",
    "SheetRow",
    "SigninError",
    "SigninPreview",
    "field_label",
    "parse_signin_sheet",
    "parse_signin_text",
    "template_csv",
    "template_xlsx",
]

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_SHEET_ROWS = 2000
MAX_COLUMNS = 100                       # columns read from an Excel sheet
MAX_UNPACKED_BYTES = 50 * 1024 * 1024   # an .xlsx is a zip: refuse zip bombs
HEADER_SCAN_ROWS = 10                   # headings may sit below a title row
TEMPLATE_ROWS = 500                     # rows with dropdowns in the Excel template

REQUIRED = ("organisation", "org_type", "sex")
MULTI = ("contact", "attendance", "present")  # plus every day_N
IDENTITY = ("name", "first_name", "last_name", "organisation", "org_type", "sex", "contact")

UTF8_MESSAGE = (
    "The file is not saved as UTF-8 text, so letters such as Mongolian Cyrillic would be "
    "garbled. In Excel choose 'Save as' → 'CSV UTF-8', or upload the .xlsx file."
)


class SigninError(ValueError):
    """The whole file is unusable; the message says why in the facilitator's words."""


@dataclass
class SheetRow:
    line: int                       # row number as the spreadsheet shows it (headings = 1)
    values: dict[str, str]          # raw cells by canonical field
    participant: Participant | None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.participant is not None and not self.errors


@dataclass
class SigninPreview:
    rows: list[SheetRow]
    columns: dict[str, str]         # canonical field -> heading as found
    ignored_columns: list[str]
    notes: list[str] = field(default_factory=list)  # things worth knowing, not errors

    @property
    def valid(self) -> list[Participant]:
        return [row.participant for row in self.rows if row.ok]  # type: ignore[misc]

    @property
    def invalid(self) -> list[SheetRow]:
        return [row for row in self.rows if not row.ok]

    def summary(self) -> str:
        ready, bad = len(self.valid), len(self.invalid)
        text = f"{ready} {'row' if ready == 1 else 'rows'} ready to add, "
        if bad == 0:
            return text + "no rows with errors"
        return text + f"{bad} {'row' if bad == 1 else 'rows'} with errors"


FIELD_LABELS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "organisation": "Organisation",
    "org_type": "Organisation type",
    "sex": "Sex",
    "contact": "Contact",
    "consent_to_list": "Consent to be listed",
    "attendance": "Days attended",
    "present": "Present",
}


def field_label(key: str) -> str:
    """A heading for a canonical field key, e.g. 'day_2' -> 'Day 2'."""
    if key.startswith("day_"):
        return f"Day {key[4:]}"
    return FIELD_LABELS.get(key, key)


# ---- text helpers ----------------------------------------------------------------------

def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _loose(text: str) -> str:
    """Case, space and punctuation removed: 'Org. type' -> 'orgtype', 'N/A' -> 'na'."""
    return re.sub(r"[\W_]+", "", _folded(text))


def _quote(value: str, limit: int = 40) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"'{value}'"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _table(**groups: Iterable[str]) -> dict[str, str]:
    return {_loose(word): key for key, words in groups.items() for word in words}


# ---- headings --------------------------------------------------------------------------

HEADER_SYNONYMS = _table(
    name=["name", "names", "full name", "participant", "participants", "participant name",
          "participant's name", "name of participant", "name and surname", "name surname",
          "your name", "нэр", "нэрс", "овог нэр"],
    first_name=["first name", "given name", "forename", "first names"],
    last_name=["last name", "surname", "family name"],
    organisation=["organisation", "organization", "org", "agency", "institution",
                  "organisation name", "organization name", "name of organisation",
                  "name of organization", "organisation/agency", "organization/agency",
                  "organisation/institution", "organization/institution", "company",
                  "employer", "workplace", "байгууллага", "байгууллагын нэр"],
    org_type=["organisation type", "organization type", "org type", "type", "sector",
              "type of organisation", "type of organization", "organisation category",
              "organization category", "category", "stakeholder type", "stakeholder group",
              "байгууллагын төрөл", "төрөл", "салбар"],
    sex=["sex", "gender", "sex/gender", "gender/sex", "m/f", "f/m", "хүйс"],
    contact=["contact", "contacts", "contact details", "contact info", "contact information",
             "phone", "phone number", "phone no", "telephone", "tel", "mobile",
             "mobile number", "mobile phone", "cell", "cell phone", "email", "e-mail",
             "email address", "mail", "phone/email", "email/phone", "phone or email",
             "email or phone", "утас", "утасны дугаар", "имэйл", "цахим шуудан"],
    consent_to_list=["consent", "consent to be listed", "consent to list", "may we list your name",
                     "may we list you", "can we list your name", "list name", "list my name",
                     "agree to be listed", "ok to list", "okay to list", "consent given",
                     "зөвшөөрөл"],
    attendance=["attendance", "days", "days attended", "days present", "attended days",
                "attended", "ирц"],
    present=["present"],
)

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAY_HEADING = re.compile(r"^(?:day|өдөр)\s*[-#.:№]?\s*0*([0-9]{1,2})(?![0-9])")
_DAY_HEADING_MN = re.compile(r"^0*([0-9]{1,2})\s*-?\s*(?:р|дүгээр|дугаар|дэх|дахь)?\s*өдөр")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ t]00:00(?::00)?)?$")
_DAY_MONTH = re.compile(r"^([0-9]{1,2})\s*([a-z]{3})[a-z]*\.?(?:\s+([0-9]{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]{3})[a-z]*\.?\s*([0-9]{1,2})(?:,?\s+([0-9]{4}))?$")


def _heading_date(folded: str, session: Session) -> date | None:
    """A heading that is a date: '2020-06-18' (how Excel dates arrive), '18 Jun', 'June 18'."""
    try:
        if m := _ISO_DATE.match(folded):
            return date(int(m[1]), int(m[2]), int(m[3]))
        for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
            if (m := pattern.match(folded)) and m[month_group] in _MONTHS:
                year = int(m[3]) if m[3] else session.start_date.year
                return date(year, _MONTHS.index(m[month_group]) + 1, int(m[day_group]))
    except ValueError:
        return None
    return None


def _field_for(heading: str, session: Session) -> str | None:
    folded = _folded(heading.replace("\ufeff", ""))
    if not folded or len(folded) > 200:  # no heading is that long; keeps the patterns cheap
        return None
    for pattern in (_DAY_HEADING, _DAY_HEADING_MN):
        if m := pattern.match(folded):
            return f"day_{int(m[1])}" if int(m[1]) >= 1 else None
    for text in (folded, re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", folded)):
        if (key := HEADER_SYNONYMS.get(_loose(text))) is not None:
            return key
    when = _heading_date(folded, session)
    if when is not None and when in session.day_dates():
        return f"day_{session.day_dates().index(when) + 1}"
    return None


def _is_multi(key: str) -> bool:
    return key in MULTI or key.startswith("day_")


@dataclass
class _Header:
    line: int
    cells: list[str]
    fields: dict[str, list[int]]    # canonical field -> column indexes
    ignored: list[str]

    @property
    def score(self) -> int:
        return 10 * sum(key in self.fields for key in REQUIRED) + len(self.fields)

    def columns(self) -> dict[str, str]:
        return {key: ", ".join(self.cells[i].strip() for i in idx) for key, idx in self.fields.items()}


def _read_header(line: int, cells: list[str], session: Session) -> _Header:
    fields: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        key = _field_for(cell, session)
        if key is None or (key in fields and not _is_multi(key)):
            if cell.strip():
                ignored.append(cell.strip())
            continue
        fields.setdefault(key, []).append(index)
    # With a full-name column, first/last name columns are extra; with only "Name" and
    # "Surname", "Name" is the given name and the two are joined.
    if "name" in fields and "first_name" in fields:
        for key in ("first_name", "last_name"):
            ignored.extend(cells[i].strip() for i in fields.pop(key, []))
    return _Header(line, cells, fields, ignored)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _missing_columns_message(header: _Header | None, missing: list[str]) -> str:
    wording = {"organisation": "the organisation", "org_type": "the organisation type", "sex": "sex"}
    found = [c.strip().replace("\ufeff", "") for c in (header.cells if header else []) if c.strip()]
    shown = ", ".join(_quote(c, 40)[1:-1] for c in found[:15]) + (", …" if len(found) > 15 else "")
    return (
        f"The sheet has no column for {_or_list([wording[m] for m in missing])}. "
        f"Columns found: {shown or 'none'}. "
        "Needed: Organisation, Organisation type, Sex "
        "(Name, Contact, Consent and Day columns are optional)."
    )


# ---- cell values -----------------------------------------------------------------------

POSITIVE_SYMBOLS = {"✓", "✔", "✅", "☑", "√", "🗸", "+"}
NEGATIVE_SYMBOLS = {"✗", "✘", "❌", "☐", "×"}

SEX_WORDS = _table(
    woman=["f", "female", "w", "woman", "women", "girl", "fem", "эм", "эмэгтэй"],
    man=["m", "male", "man", "men", "boy", "эр", "эрэгтэй"],
    another=["other", "another", "non-binary", "nonbinary", "third gender"],
    undisclosed=["", "n/a", "na", "prefer not to say", "prefer not to answer", "not stated",
                 "not said", "undisclosed", "unknown", "declined", "rather not say"],
)
for _sex in Sex:
    SEX_WORDS[_loose(_sex.value)] = _sex.value
    SEX_WORDS[_loose(_sex.label)] = _sex.value

YES_WORDS = {_loose(w) for w in ["yes", "y", "true", "1", "x", "ok", "okay", "agree", "agreed",
                                 "consent", "тийм"]}
NO_WORDS = {_loose(w) for w in ["", "no", "n", "false", "0", "disagree", "үгүй"]}
PRESENT_WORDS = YES_WORDS | {_loose(w) for w in ["present", "p", "attended", "here", "ирсэн"]}
ABSENT_WORDS = NO_WORDS | {_loose(w) for w in ["absent", "a", "not present", "ирээгүй"]}

# Whole-cell matches: labels, enum values and phrases.
ORG_TYPE_PHRASES = _table(
    government=["government", "govt", "public sector", "local government"],
    law_enforcement=["law enforcement", "police"],
    judiciary=["judiciary", "justice sector"],
    ngo=["ngo", "ngo / service provider", "service provider", "civil society", "cso",
         "ngo/cso", "non-governmental organisation", "non-governmental organization"],
    private_sector=["private sector", "private", "business"],
    media=["media"],
    academia=["academia"],
    community=["community", "community / target audience", "target audience"],
    other=["other", "others"],
)
for _org in OrgType:
    ORG_TYPE_PHRASES[_loose(_org.value)] = _org.value
    ORG_TYPE_PHRASES[_loose(_org.label)] = _org.value

# Words that give the type away anywhere in the cell ("Ministry of Labour").
ORG_TYPE_WORDS = _table(
    government=["government", "govt", "ministry", "ministries", "council", "councils",
                "municipality", "municipal", "governor", "governors", "яам", "яамны"],
    law_enforcement=["police", "policeman", "policewoman", "gendarmerie", "lawenforcement",
                     "цагдаа", "цагдаагийн"],
    judiciary=["court", "courts", "judge", "judges", "judiciary", "judicial", "prosecutor",
               "prosecutors", "prosecution", "tribunal", "шүүх", "шүүхийн", "прокурор",
               "прокурорын"],
    ngo=["ngo", "ngos", "ingo", "ingos", "cso", "csos", "nonprofit", "npo", "charity",
         "charities", "serviceprovider", "serviceproviders", "civilsociety", "shelter", "тбб"],
    private_sector=["company", "companies", "business", "businesses", "private",
                    "privatesector", "corporation", "corporate", "enterprise", "enterprises",
                    "llc", "ltd", "inc", "компани", "компанийн"],
    media=["media", "journalist", "journalists", "journalism", "tv", "television", "radio",
           "newspaper", "newspapers", "press", "broadcaster", "broadcasting", "reporter",
           "reporters", "телевиз", "телевизийн", "радио", "хэвлэл"],
    academia=["university", "universities", "academia", "academic", "academics", "research",
              "researcher", "researchers", "college", "lecturer", "professor", "ихсургууль"],
    community=["community", "communities", "youth", "student", "students", "targetaudience",
               "оюутан", "оюутны", "залуучууд"],
)

ORG_TYPE_CHOICES = ", ".join(ORG_TYPE_LABELS[o] for o in OrgType)
SEX_CHOICES = ", ".join(SEX_LABELS[s].lower() for s in Sex)


def _symbol(raw: str) -> str:
    return _folded(raw)


def _org_type(raw: str) -> tuple[OrgType | None, str | None]:
    """The organisation type a cell names, or the reason it names none."""
    if not raw.strip():
        return None, "organisation type is missing"
    whole = _loose(raw)
    if whole in ORG_TYPE_PHRASES:
        return OrgType(ORG_TYPE_PHRASES[whole]), None
    words = re.findall(r"\w+", _folded(raw))
    candidates = words + [a + b for a, b in zip(words, words[1:])]
    found = {ORG_TYPE_WORDS[w] for w in candidates if w in ORG_TYPE_WORDS}
    if len(found) == 1:
        return OrgType(found.pop()), None
    if len(found) > 1:
        options = " or ".join(sorted(ORG_TYPE_LABELS[OrgType(v)] for v in found))
        return None, (f"organisation type {_quote(raw)} could mean {options}; "
                      f"write one of: {ORG_TYPE_CHOICES}")
    return None, f"organisation type {_quote(raw)} is not one of: {ORG_TYPE_CHOICES}"


def _sex(raw: str) -> tuple[Sex | None, str | None]:
    key = _loose(raw)
    if key in SEX_WORDS:
        return Sex(SEX_WORDS[key]), None
    return None, f"sex {_quote(raw)} is not one of: {SEX_CHOICES}"


def _consent(raw: str) -> tuple[bool | None, str | None]:
    symbol, key = _symbol(raw), _loose(raw)
    if symbol in POSITIVE_SYMBOLS:
        return True, None
    if symbol in NEGATIVE_SYMBOLS:
        return False, None
    if key in YES_WORDS:
        return True, None
    if key in NO_WORDS:
        return False, None
    return None, f"consent {_quote(raw)} is not yes or no (a blank cell means no)"


def _ticked(raw: str) -> bool:
    """A day cell: a tick, 'x', 'yes', a signature, initials or an arrival time count as
    present; a blank, 'no', '0', 'absent' or a cross do not."""
    symbol, key = _symbol(raw), _loose(raw)
    if symbol in POSITIVE_SYMBOLS:
        return True
    if symbol in NEGATIVE_SYMBOLS or key in ABSENT_WORDS:
        return False
    return True


_DAY_WORDS = re.compile(r"(?:days?|d|өдөр)(?=\s*[0-9])|\band\b|\bба\b")
_DAY_LIST = re.compile(r"[0-9\s,;/&+\-–]*")       # a plain character class: linear time
_DAY_ITEM = re.compile(r"([0-9]+)(?:\s*[-–]\s*([0-9]+))?")


def _days_listed(raw: str, days: int) -> tuple[set[int], str | None]:
    """A 'Days attended' cell: '1,2', '1 2', '1-3', 'Day 1 and Day 2', 'all', or a tick
    for a one-day session."""
    text = _folded(raw)
    not_a_list = f"attendance {_quote(raw)} is not a list of day numbers such as 1,2"
    if not text or _symbol(raw) in NEGATIVE_SYMBOLS or _loose(raw) in ABSENT_WORDS:
        return set(), None
    if _loose(raw) in {"all", "alldays", "бүх", "бүгд"}:
        return set(range(1, days + 1)), None
    listed = _DAY_WORDS.sub(" ", text)
    if re.search(r"[0-9]", listed) and _DAY_LIST.fullmatch(listed):
        found: set[int] = set()
        for m in _DAY_ITEM.finditer(listed):
            if len(m[1]) > 2 or len(m[2] or "") > 2:
                return set(), not_a_list
            first, last = int(m[1]), int(m[2] or m[1])
            found.update(range(min(first, last), max(first, last) + 1))
        return found, None
    if _symbol(raw) in POSITIVE_SYMBOLS or _loose(raw) in PRESENT_WORDS:
        if days == 1:
            return {1}, None
        return set(), (f"attendance {_quote(raw)} does not say which days; "
                       "write the day numbers, e.g. 1,2")
    return set(), not_a_list


# ---- reading the file ------------------------------------------------------------------

def _size_text(size: int) -> str:
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f} MB"


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
            f"The Excel file unpacks to {_size_text(unpacked)}, far more than a sign-in sheet "
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
        return max((_read_header(0, r, session).score for r in rows[:HEADER_SCAN_ROWS]), default=0)

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


def _rows_of(filename: str, data: bytes, session: Session) -> Iterator[tuple[int, list[str]]]:
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


# ---- building the preview --------------------------------------------------------------

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


def _build_row(line: int, cells: list[str], header: _Header, session: Session) -> SheetRow | None:
    def cells_of(key: str) -> list[str]:
        return [cells[i] if i < len(cells) else "" for i in header.fields.get(key, [])]

    raw = {key: cells_of(key) for key in header.fields}
    if not any(c.strip() for key in IDENTITY if key in raw for c in raw[key]):
        return None  # blank, or only ticks/consent (e.g. a default copied down the sheet)
    values = {
        key: ("; ".join(c for c in cs if c.strip()) if _is_multi(key) else (cs[0] if cs else ""))
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
    org_type, problem = _org_type(values.get("org_type", ""))
    if problem:
        errors.append(problem)
        failed.add("org type")
    else:
        kwargs["org_type"] = org_type
    sex, problem = _sex(values.get("sex", ""))
    if problem:
        errors.append(problem)
        failed.add("sex")
    else:
        kwargs["sex"] = sex
    if "contact" in values:
        kwargs["contact"] = values["contact"]
    if "consent_to_list" in values:
        consent, problem = _consent(values["consent_to_list"])
        if problem:
            errors.append(problem)
            failed.add("consent to list")
        else:
            kwargs["consent_to_list"] = consent

    attended: set[int] = set()
    for key, column_cells in raw.items():
        if key.startswith("day_") and any(_ticked(c) for c in column_cells if c.strip()):
            attended.add(int(key[4:]))
        elif key == "present" and any(_ticked(c) for c in column_cells if c.strip()):
            attended.add(1)
        elif key == "attendance":
            for cell in column_cells:
                days, problem = _days_listed(cell, session.days)
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
                f"attendance on day {day}, but the session has {_plural(session.days, 'day', 'days')}"
            )
            failed.add("attendance")
    kwargs["attendance"] = sorted(d for d in attended if 1 <= d <= session.days)

    participant = None
    try:
        participant = Participant(**kwargs)
    except ValidationError as exc:
        errors.extend(_friendly(exc, failed))
    if errors:
        participant = None
    return SheetRow(line, values, participant, [f"row {line}: {e}" for e in errors])


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

    header: _Header | None = None
    for line, cells in scanned:
        candidate = _read_header(line, cells, session)
        if header is None or candidate.score > header.score:
            header = candidate
        if all(key in candidate.fields for key in REQUIRED):
            header = candidate
            break
    assert header is not None  # scanned is not empty; with no known heading, the first row
    missing = [key for key in REQUIRED if key not in header.fields]
    if missing:
        raise SigninError(_missing_columns_message(header, missing))

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
                f"The sheet has more than {MAX_SHEET_ROWS:,} participant rows; one upload can "
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
        notes.append(f"{_plural(marks_only, 'row was', 'rows were')} skipped: only attendance or "
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
            f"The file is {_size_text(size)}; a sign-in sheet can be at most "
            f"{MAX_SHEET_BYTES // (1024 * 1024)} MB."
        )
    if size == 0:
        raise SigninError("The file is empty.")
    data = bytes(data)
    lines = _rows_of(filename, data, session)
    try:
        return _preview(lines, session, existing)
    finally:
        lines.close()  # releases the Excel file when reading stopped early


def parse_signin_text(text: str, session: Session,
                      existing: Sequence[Participant] = ()) -> SigninPreview:
    """Rows pasted into a text box (copied from Excel they arrive tab-separated)."""
    return parse_signin_sheet("pasted.txt", text.encode("utf-8", "replace"), session, existing)


# ---- templates -------------------------------------------------------------------------

_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
BASE_HEADINGS = ["Name", "Organisation", "Organisation type", "Sex",
                 "Contact (phone or email)", "May we list your name? (yes/no)"]


def _day_headings(session: Session | None) -> list[str]:
    if session is None:
        return ["Days attended (e.g. 1,2)"]
    return [f"Day {i} ({d.day} {_MONTH_NAMES[d.month - 1]})"
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

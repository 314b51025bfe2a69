"""Which column of a sign-in sheet is which: headings matched whatever their case,
spacing or punctuation, with common synonyms, day columns by number or by date, and the
heading row found even below a title row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from c4d.models import Session
from c4d.people.words import folded, loose, quoted, word_table
from c4d.text import listed

REQUIRED = ("organisation", "org_type", "sex")
MULTI = ("contact", "attendance", "present")  # plus every day_N

HEADER_SYNONYMS = word_table(
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
    heading_text = folded(heading.replace("\ufeff", ""))
    if not heading_text or len(heading_text) > 200:  # no heading is that long; keeps the patterns cheap
        return None
    for pattern in (_DAY_HEADING, _DAY_HEADING_MN):
        if m := pattern.match(heading_text):
            return f"day_{int(m[1])}" if int(m[1]) >= 1 else None
    for text in (heading_text, re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", heading_text)):
        if (key := HEADER_SYNONYMS.get(loose(text))) is not None:
            return key
    when = _heading_date(heading_text, session)
    if when is not None and when in session.day_dates():
        return f"day_{session.day_dates().index(when) + 1}"
    return None


def is_multi(key: str) -> bool:
    return key in MULTI or key.startswith("day_")


@dataclass
class Header:
    """The heading row: where it is and which columns feed which field."""

    line: int
    cells: list[str]
    fields: dict[str, list[int]]    # canonical field -> column indexes
    ignored: list[str]

    @property
    def score(self) -> int:
        return 10 * sum(key in self.fields for key in REQUIRED) + len(self.fields)

    def columns(self) -> dict[str, str]:
        return {key: ", ".join(self.cells[i].strip() for i in idx) for key, idx in self.fields.items()}


def read_header(line: int, cells: list[str], session: Session) -> Header:
    fields: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        key = _field_for(cell, session)
        if key is None or (key in fields and not is_multi(key)):
            if cell.strip():
                ignored.append(cell.strip())
            continue
        fields.setdefault(key, []).append(index)
    # With a full-name column, first/last name columns are extra; with only "Name" and
    # "Surname", "Name" is the given name and the two are joined.
    if "name" in fields and "first_name" in fields:
        for key in ("first_name", "last_name"):
            ignored.extend(cells[i].strip() for i in fields.pop(key, []))
    return Header(line, cells, fields, ignored)


def missing_columns_message(header: Header | None, missing: list[str]) -> str:
    wording = {"organisation": "the organisation", "org_type": "the organisation type", "sex": "sex"}
    found = [c.strip().replace("\ufeff", "") for c in (header.cells if header else []) if c.strip()]
    shown = ", ".join(quoted(c, 40)[1:-1] for c in found[:15]) + (", …" if len(found) > 15 else "")
    return (
        f"The sheet has no column for {listed([wording[m] for m in missing], 'or')}. "
        f"Columns found: {shown or 'none'}. "
        "Needed: Organisation, Organisation type, Sex "
        "(Name, Contact, Consent and Day columns are optional)."
    )


"""Sign-in sheets: forgiving headings and values, clear errors, no crash on any file."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from c4d.models import OrgType, Participant, Session, SessionKind, Sex
from c4d.people.model import MAX_SHEET_BYTES, MAX_SHEET_ROWS, SigninError, SigninPreview, field_label
from c4d.people.signin import parse_signin_sheet, parse_signin_text
from c4d.people.template import template_csv, template_xlsx

MB = 1024 * 1024
UTF8_MESSAGE = (
    "The file is not saved as UTF-8 text, so letters such as Mongolian Cyrillic would be "
    "garbled. In Excel choose 'Save as' → 'CSV UTF-8', or upload the .xlsx file."
)
HEAD = ["Name", "Organisation", "Organisation type", "Sex", "Consent", "Day 1", "Day 2"]


@pytest.fixture
def session() -> Session:
    return Session(campaign_id="c1", kind=SessionKind.ppcd, title="PPCD workshop",
                   start_date=date(2020, 6, 18), end_date=date(2020, 6, 19))


@pytest.fixture
def one_day() -> Session:
    return Session(campaign_id="c1", kind=SessionKind.showcase, title="Showcase",
                   start_date=date(2020, 11, 5), end_date=date(2020, 11, 5))


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], extra_sheet: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if extra_sheet is not None:
        other = wb.create_sheet("Second")
        for row in extra_sheet:
            other.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse(rows: list[list[str]], session: Session, **kw) -> SigninPreview:
    return parse_signin_sheet("sheet.csv", csv_bytes(rows), session, **kw)


def one(row: list[str], session: Session, head: list[str] = HEAD):
    preview = parse([head, row], session)
    assert len(preview.rows) == 1
    return preview.rows[0]


def error_of(data: bytes, session: Session, filename: str = "sheet.csv") -> str:
    with pytest.raises(SigninError) as caught:
        parse_signin_sheet(filename, data, session)
    return str(caught.value)


# ---- headings --------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "key"), [
    ("Name", "name"), ("Full name", "name"), ("PARTICIPANT", "name"), ("Participant's name", "name"),
    ("Organisation", "organisation"), ("Organization", "organisation"), ("Agency", "organisation"),
    ("Institution", "organisation"), ("  organisation  name ", "organisation"),
    ("Organisation type", "org_type"), ("Org. type", "org_type"), ("Type", "org_type"),
    ("Sector", "org_type"), ("ORGANIZATION-TYPE", "org_type"),
    ("Sex", "sex"), ("Gender", "sex"), ("Sex (F/M)", "sex"), ("sex*", "sex"),
    ("Contact", "contact"), ("Phone", "contact"), ("E-mail", "contact"), ("Mobile", "contact"),
    ("Consent", "consent_to_list"), ("Consent to be listed", "consent_to_list"),
    ("May we list your name?", "consent_to_list"),
    ("Attendance", "attendance"), ("Days", "attendance"), ("Present", "present"),
    ("Day 1", "day_1"), ("day2", "day_2"), ("Day 2 (19 Jun)", "day_2"), ("DAY-1", "day_1"),
    ("18 Jun", "day_1"), ("2020-06-19", "day_2"),
    ("Хүйс", "sex"), ("Байгууллага", "organisation"),
])
def test_headings_are_matched_forgivingly(session, heading, key):
    columns = {"organisation": "Organisation", "org_type": "Organisation type", "sex": "Sex"}
    columns[key] = heading
    head = list(columns.values())
    row = {"organisation": "Hotline NGO", "org_type": "NGO", "sex": "F"}
    row[key] = {"day_1": "x", "day_2": "x", "present": "x", "attendance": "1",
                "consent_to_list": "yes"}.get(key, row.get(key, "Value"))
    preview = parse([head, [row.get(k, "") for k in columns]], session)
    assert preview.columns[key] == heading.strip()
    assert heading.strip() not in preview.ignored_columns
    assert preview.valid, preview.rows[0].errors


def test_unknown_headings_are_listed_as_ignored_not_mapped(session):
    preview = parse([["No.", "Name", "Position", "Organisation", "Organisation type", "Sex",
                      "Signature"],
                     ["1", "Social worker", "Head", "Hotline NGO", "NGO", "F", "(signed)"]], session)
    assert preview.ignored_columns == ["No.", "Position", "Signature"]
    assert set(preview.columns) == {"name", "organisation", "org_type", "sex"}
    assert preview.valid[0].name == "Social worker"


def test_phone_and_email_columns_are_joined_into_contact(session):
    preview = parse([["Organisation", "Type", "Sex", "Phone", "Email"],
                     ["Hotline NGO", "NGO", "F", "99112233", "desk@example.org"],
                     ["Hotline NGO", "NGO", "M", "", "desk2@example.org"]], session)
    assert preview.columns["contact"] == "Phone, Email"
    assert [p.contact for p in preview.valid] == ["99112233; desk@example.org", "desk2@example.org"]


def test_a_second_column_for_the_same_field_is_ignored(session):
    preview = parse([["Organisation", "Agency", "Type", "Sex"], ["Hotline NGO", "Other agency", "NGO", "F"]],
                    session)
    assert preview.valid[0].organisation == "Hotline NGO"
    assert preview.ignored_columns == ["Agency"]


def test_first_and_last_name_columns_are_joined(session):
    preview = parse([["First name", "Surname", "Organisation", "Type", "Sex"],
                     ["Youth", "Volunteer", "Youth club", "Youth", "F"]], session)
    assert preview.valid[0].name == "Youth Volunteer"
    assert any("joining" in note for note in preview.notes)


def test_headings_below_a_title_row_are_found_and_rows_keep_their_numbers(session):
    rows = [["PPCD workshop sign-in sheet, 18-19 June"], [],
            HEAD, ["Social worker", "Hotline NGO", "NGO", "F", "yes", "x", ""],
            ["", "", "NGO", "F", "", "", ""]]
    preview = parse(rows, session)
    assert [r.line for r in preview.rows] == [4, 5]
    assert preview.invalid[0].errors == ["row 5: organisation is missing"]
    assert any("row 3" in note for note in preview.notes)


# ---- wrong columns ----------------------------------------------------------------------

def test_missing_organisation_column_names_found_and_needed_columns(session):
    message = error_of(csv_bytes([["Name", "Sector", "Gender"], ["1", "2", "3"]]), session)
    assert message == (
        "The sheet has no column for the organisation. Columns found: Name, Sector, Gender. "
        "Needed: Organisation, Organisation type, Sex "
        "(Name, Contact, Consent and Day columns are optional)."
    )
    message = error_of(csv_bytes([["A", "B", "C"], ["1", "2", "3"]]), session)
    assert message.startswith("The sheet has no column for the organisation, the organisation "
                              "type or sex. Columns found: A, B, C. Needed:")


def test_missing_org_type_and_sex_columns_are_named(session):
    no_type = error_of(csv_bytes([["Name", "Agency", "Gender"], ["x", "y", "F"]]), session)
    assert no_type.startswith("The sheet has no column for the organisation type. "
                              "Columns found: Name, Agency, Gender.")
    no_sex = error_of(csv_bytes([["Organisation", "Sector"], ["y", "NGO"]]), session)
    assert no_sex.startswith("The sheet has no column for sex. Columns found: Organisation, Sector.")
    both = error_of(csv_bytes([["Organisation"], ["y"]]), session)
    assert both.startswith("The sheet has no column for the organisation type or sex.")


def test_data_without_a_heading_row_shows_the_data_as_columns_found(session):
    message = error_of(csv_bytes([["Social worker", "Hotline NGO", "F"]]), session)
    assert "Columns found: Social worker, Hotline NGO, F." in message


# ---- values ----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "sex"), [
    ("F", Sex.woman), ("female", Sex.woman), ("W", Sex.woman), ("Woman", Sex.woman),
    ("эмэгтэй", Sex.woman), (" f. ", Sex.woman),
    ("M", Sex.man), ("Male", Sex.man), ("man", Sex.man), ("эрэгтэй", Sex.man),
    ("Other", Sex.another), ("Another", Sex.another),
    ("", Sex.undisclosed), ("-", Sex.undisclosed), ("Prefer not to say", Sex.undisclosed),
    ("N/A", Sex.undisclosed), ("undisclosed", Sex.undisclosed),
])
def test_sex_values_are_forgiving(session, value, sex):
    row = one(["", "Hotline NGO", "NGO", value, "", "", ""], session)
    assert row.errors == []
    assert row.participant.sex is sex


def test_unknown_sex_is_an_error_with_the_allowed_values(session):
    row = one(["", "Hotline NGO", "NGO", "xyz", "", "", ""], session)
    assert row.participant is None
    assert row.errors == ["row 2: sex 'xyz' is not one of: woman, man, another, prefer not to say"]


@pytest.mark.parametrize(("value", "org_type"), [
    ("Government", OrgType.government), ("government", OrgType.government),
    ("Ministry of Labour", OrgType.government), ("District council", OrgType.government),
    ("Law enforcement", OrgType.law_enforcement), ("law_enforcement", OrgType.law_enforcement),
    ("Police", OrgType.law_enforcement), ("Border police", OrgType.law_enforcement),
    ("Court", OrgType.judiciary), ("Judge", OrgType.judiciary), ("Prosecutor", OrgType.judiciary),
    ("NGO / service provider", OrgType.ngo), ("NGO", OrgType.ngo), ("CSO", OrgType.ngo),
    ("Service provider", OrgType.ngo), ("NGOs", OrgType.ngo),
    ("Private sector", OrgType.private_sector), ("Company", OrgType.private_sector),
    ("Business", OrgType.private_sector), ("private", OrgType.private_sector),
    ("Journalist", OrgType.media), ("TV", OrgType.media), ("Radio", OrgType.media),
    ("Newspaper", OrgType.media), ("media", OrgType.media),
    ("University", OrgType.academia), ("Academia", OrgType.academia), ("Research", OrgType.academia),
    ("Community / target audience", OrgType.community), ("Youth", OrgType.community),
    ("Student", OrgType.community), ("community", OrgType.community),
    ("Other", OrgType.other), ("Цагдаа", OrgType.law_enforcement),
])
def test_org_type_values_are_forgiving(session, value, org_type):
    row = one(["", "Some organisation", value, "F", "", "", ""], session)
    assert row.errors == []
    assert row.participant.org_type is org_type


@pytest.mark.parametrize("value", ["International organisation", "xyz", "UN agency"])
def test_unknown_org_type_is_an_error_not_other(session, value):
    row = one(["", "Some organisation", value, "F", "", "", ""], session)
    assert row.participant is None
    assert row.errors == [
        f"row 2: organisation type '{value}' is not one of: Government, Law enforcement, "
        "Judiciary, NGO / service provider, Private sector, Media, Academia, "
        "Community / target audience, Other"
    ]


def test_org_type_naming_two_types_is_an_error(session):
    row = one(["", "Some university", "Private university", "F", "", "", ""], session)
    assert row.participant is None
    assert row.errors[0].startswith(
        "row 2: organisation type 'Private university' could mean Academia or Private sector")


def test_blank_org_type_is_missing(session):
    row = one(["", "Some organisation", "", "F", "", "", ""], session)
    assert row.errors == ["row 2: organisation type is missing"]


@pytest.mark.parametrize(("value", "consent"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("x", True), ("✓", True),
    ("тийм", True), ("no", False), ("N", False), ("false", False), ("0", False), ("", False),
    ("үгүй", False),
])
def test_consent_values(session, value, consent):
    row = one(["Social worker", "Hotline NGO", "NGO", "F", value, "", ""], session)
    assert row.errors == []
    assert row.participant.consent_to_list is consent


def test_unclear_consent_is_an_error(session):
    row = one(["Social worker", "Hotline NGO", "NGO", "F", "maybe", "", ""], session)
    assert row.errors == ["row 2: consent 'maybe' is not yes or no (a blank cell means no)"]


@pytest.mark.parametrize(("day1", "day2", "attended"), [
    ("x", "x", [1, 2]), ("✓", "", [1]), ("yes", "no", [1]), ("1", "0", [1]),
    ("present", "X", [1, 2]), ("", "", []), ("no", "", []), ("", "✔", [2]), ("absent", "-", []),
])
def test_day_columns(session, day1, day2, attended):
    row = one(["", "Hotline NGO", "NGO", "F", "", day1, day2], session)
    assert row.errors == []
    assert row.participant.attendance == attended


@pytest.mark.parametrize(("cell", "attended"), [
    ("1,2", [1, 2]), ("1 2", [1, 2]), ("1;2", [1, 2]), ("2", [2]), ("1-2", [1, 2]),
    ("all", [1, 2]), ("", []), ("Day 1, Day 2", [1, 2]), ("no", []),
])
def test_attendance_column(session, cell, attended):
    row = one(["Hotline NGO", "NGO", "F", cell], session, head=["Organisation", "Type", "Sex", "Days"])
    assert row.errors == []
    assert row.participant.attendance == attended


def test_attendance_tick_without_days_is_an_error_unless_one_day(session, one_day):
    head = ["Organisation", "Type", "Sex", "Attendance"]
    row = one(["Hotline NGO", "NGO", "F", "x"], session, head=head)
    assert row.errors == ["row 2: attendance 'x' does not say which days; write the day numbers, e.g. 1,2"]
    row = one(["Hotline NGO", "NGO", "F", "x"], one_day, head=head)
    assert row.participant.attendance == [1]


def test_present_column_means_day_one(session):
    row = one(["Hotline NGO", "NGO", "F", "x"], session, head=["Organisation", "Type", "Sex", "Present"])
    assert row.participant.attendance == [1]
    row = one(["Hotline NGO", "NGO", "F", ""], session, head=["Organisation", "Type", "Sex", "Present"])
    assert row.participant.attendance == []


def test_attendance_beyond_the_session_is_an_error(session):
    head = ["Organisation", "Type", "Sex", "Day 1", "Day 2", "Day 3"]
    preview = parse([head, ["Hotline NGO", "NGO", "F", "x", "", ""],
                     ["Police unit", "Police", "M", "x", "x", "x"]], session)
    assert preview.rows[0].errors == []          # an empty Day 3 column is harmless
    assert preview.rows[1].errors == ["row 3: attendance on day 3, but the session has 2 days"]
    listed = one(["Hotline NGO", "NGO", "F", "1,3"], session, head=["Organisation", "Type", "Sex", "Days"])
    assert listed.errors == ["row 2: attendance on day 3, but the session has 2 days"]


def test_no_attendance_columns_is_noted(session):
    preview = parse([["Organisation", "Type", "Sex"], ["Hotline NGO", "NGO", "F"]], session)
    assert preview.valid[0].attendance == []
    assert any("no attendance columns" in note for note in preview.notes)
    preview = parse([HEAD, ["", "Hotline NGO", "NGO", "F", "", "x", ""]], session)
    assert preview.notes == []


# ---- per-row errors --------------------------------------------------------------------

def test_row_numbers_match_the_spreadsheet_and_blank_rows_are_skipped(session):
    rows = [HEAD,
            ["Social worker", "Hotline NGO", "NGO", "F", "yes", "x", "x"],     # 2
            ["", "", "", "", "", "", ""],                                      # 3 blank
            ["Officer", "", "Police", "M", "", "x", ""],                       # 4
            [],                                                                # 5 blank
            ["Counsellor", "Shelter", "NGO", "xyz", "", "", ""],               # 6
            ["Reporter", "City TV", "Media", "F", "", "x", ""]]                # 7
    preview = parse(rows, session)
    assert [r.line for r in preview.rows] == [2, 4, 6, 7]
    assert [e for r in preview.invalid for e in r.errors] == [
        "row 4: organisation is missing",
        "row 6: sex 'xyz' is not one of: woman, man, another, prefer not to say",
    ]
    assert len(preview.valid) == 2
    assert preview.summary() == "2 rows ready to add, 2 rows with errors"


def test_a_row_with_several_problems_reports_all_of_them(session):
    row = one(["n" * 201, "", "zzz", "qqq", "", "", ""], session)
    assert row.errors == [
        "row 2: organisation is missing",
        "row 2: organisation type 'zzz' is not one of: Government, Law enforcement, Judiciary, "
        "NGO / service provider, Private sector, Media, Academia, Community / target audience, Other",
        "row 2: sex 'qqq' is not one of: woman, man, another, prefer not to say",
        "row 2: name is too long (at most 200 characters)",
    ]


def test_row_numbers_count_records_not_lines_when_a_cell_spans_lines(session):
    data = ('Name,Organisation,Type,Sex\n"Social\nworker",Hotline NGO,NGO,F\n'
            'Officer,,Police,M\n').encode()
    preview = parse_signin_sheet("s.csv", data, session)
    assert preview.invalid[0].errors == ["row 3: organisation is missing"]


def test_rows_with_only_ignored_columns_count_as_blank(session):
    rows = [["No.", "Organisation", "Type", "Sex"], ["1", "Hotline NGO", "NGO", "F"]]
    rows += [[str(i), "", "", ""] for i in range(2, 40)]
    preview = parse(rows, session)
    assert len(preview.rows) == 1


def test_rows_with_only_ticks_or_consent_are_skipped_with_a_note(session):
    rows = [HEAD, ["", "Hotline NGO", "NGO", "F", "no", "x", ""]]
    rows += [["", "", "", "", "no", "", ""] for _ in range(30)] + [["", "", "", "", "", "x", "x"]]
    preview = parse(rows, session)
    assert len(preview.rows) == 1
    assert "31 rows were skipped" in " ".join(preview.notes)
    assert not any("skipped" in n for n in parse(rows[:2], session).notes)


def test_summary_wording(session):
    preview = parse([HEAD, ["", "Hotline NGO", "NGO", "F", "", "", ""]], session)
    assert preview.summary() == "1 row ready to add, no rows with errors"


# ---- duplicates ------------------------------------------------------------------------

def test_duplicates_within_the_sheet(session):
    rows = [HEAD,
            ["Social worker", "Hotline NGO", "NGO", "F", "", "", ""],      # 2
            ["Officer", "Hotline NGO", "NGO", "M", "", "", ""],            # 3
            ["  SOCIAL   worker ", "hotline ngo", "NGO", "F", "", "", ""],  # 4 duplicate of 2
            ["Social worker", "Other NGO", "NGO", "F", "", "", ""],        # 5 other organisation
            ["", "Hotline NGO", "NGO", "F", "", "", ""],                   # 6 no name
            ["", "Hotline NGO", "NGO", "F", "", "", ""]]                   # 7 no name
    preview = parse(rows, session)
    assert [e for r in preview.invalid for e in r.errors] == [
        "row 4: looks like a duplicate of row 2 (same name and organisation)"]
    assert len(preview.valid) == 5


def test_duplicates_of_participants_already_registered(session):
    existing = [Participant(session_id=session.id, name="Social Worker", organisation="Hotline NGO",
                            org_type=OrgType.ngo, sex=Sex.woman),
                Participant(session_id=session.id, name="", organisation="Police unit",
                            org_type=OrgType.law_enforcement, sex=Sex.man)]
    rows = [HEAD, ["social worker", "HOTLINE NGO", "NGO", "F", "", "", ""],
            ["", "Police unit", "Police", "M", "", "", ""],
            ["Officer", "Police unit", "Police", "M", "", "", ""]]
    preview = parse(rows, session, existing=existing)
    assert preview.rows[0].errors == [
        "row 2: looks like a duplicate of someone already in the register (same name and organisation)"]
    assert preview.rows[0].participant is None
    assert [p.name for p in preview.valid] == ["", "Officer"]


# ---- text is kept as typed ---------------------------------------------------------------

def test_mongolian_names_and_markup_are_kept_exactly(session):
    rows = [HEAD, ["Хүүхэд хамгааллын ажилтан", "Өрх ээлтэй төв", "NGO", "эмэгтэй", "тийм", "x", ""],
            ["<script>alert(1)</script>", "<b>Agency</b>", "Police", "M", "", "x", ""],
            ["=HYPERLINK(\"x\")", "+Company", "Company", "F", "", "", ""]]
    preview = parse(rows, session)
    names = [(p.name, p.organisation) for p in preview.valid]
    assert names == [("Хүүхэд хамгааллын ажилтан", "Өрх ээлтэй төв"),
                     ("<script>alert(1)</script>", "<b>Agency</b>"),
                     ("=HYPERLINK(\"x\")", "+Company")]
    assert preview.valid[0].consent_to_list is True


# ---- encodings and separators ------------------------------------------------------------

def test_legacy_cp1251_text_is_refused(session):
    data = csv_bytes([HEAD, ["Сургагч багш", "Цагдаагийн газар", "Цагдаа", "эмэгтэй", "", "", ""]],
                     encoding="cp1251")
    assert error_of(data, session) == UTF8_MESSAGE


def test_utf8_with_bom_keeps_the_first_heading(session):
    data = b"\xef\xbb\xbf" + csv_bytes([["Name", "Organisation", "Type", "Sex"],
                                        ["Нийгмийн ажилтан", "Төв", "NGO", "F"]])
    preview = parse_signin_sheet("s.csv", data, session)
    assert preview.columns["name"] == "Name"
    assert preview.valid[0].name == "Нийгмийн ажилтан"


def test_utf16_unicode_text_from_excel_is_accepted(session):
    text = "Name\tOrganisation\tType\tSex\r\nНийгмийн ажилтан\tТөв\tNGO\tэмэгтэй\r\n"
    preview = parse_signin_sheet("s.txt", text.encode("utf-16"), session)   # with BOM
    assert preview.valid[0].name == "Нийгмийн ажилтан"
    assert preview.valid[0].sex is Sex.woman
    assert error_of(text.encode("utf-16-le"), session) == UTF8_MESSAGE       # without BOM


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_separators(session, delimiter):
    rows = [["Name", "Organisation", "Type", "Sex", "Days"],
            ["Officer", "Ministry of Labour, Social Welfare", "Ministry", "M", "1,2"],
            ["Counsellor", "Shelter; safe house", "NGO", "F", "2"]]
    preview = parse_signin_sheet("s.csv", csv_bytes(rows, delimiter=delimiter), session)
    assert [(p.organisation, p.attendance) for p in preview.valid] == [
        ("Ministry of Labour, Social Welfare", [1, 2]), ("Shelter; safe house", [2])]


def test_an_unclosed_quote_is_a_clear_error_or_a_readable_row(session):
    data = ('Organisation,Type,Sex\n"Hotline NGO,NGO,F\n' + "x" * 140_000 + "\n").encode()
    assert "quote mark" in error_of(data, session)


def test_rows_pasted_from_excel_are_tab_separated(session):
    pasted = ("Name\tOrganisation\tOrganisation type\tSex\tDay 1\tDay 2\n"
              "Хүүхэд хамгааллын ажилтан\tӨрх ээлтэй төв\tNGO\tэмэгтэй\tx\t\n")
    preview = parse_signin_text(pasted, session)
    assert [(p.name, p.attendance) for p in preview.valid] == [("Хүүхэд хамгааллын ажилтан", [1])]
    with pytest.raises(SigninError, match="empty"):
        parse_signin_text("  \n", session)


# ---- size, empty, too many rows ------------------------------------------------------------

class HugeUpload(bytes):
    """Claims to be 50 MB and fails the test if any of its content is read."""

    def __len__(self):
        return 50 * MB

    def _read(self, *args, **kwargs):
        raise AssertionError("the content was read")

    decode = startswith = __getitem__ = __iter__ = __bytes__ = _read


def test_a_file_over_the_size_limit_is_refused_without_reading_it(session):
    message = error_of(HugeUpload(b"PK\x03\x04"), session)
    assert message == "The file is 50 MB; a sign-in sheet can be at most 5 MB."


def test_a_file_at_the_size_limit_is_read(session):
    data = csv_bytes([["Organisation", "Type", "Sex"], ["Hotline NGO", "NGO", "F"]])
    data += b"\n" * (MAX_SHEET_BYTES - len(data))           # trailing blank lines
    assert len(parse_signin_sheet("s.csv", data, session).valid) == 1
    assert "at most 5 MB" in error_of(data + b" ", session)


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "The file is empty."),
    (b"  \r\n\n", "The file is empty."),
    (b"\xef\xbb\xbf", "The file is empty."),
    (b"Organisation,Type,Sex\r\n", "There are no participants in the sheet"),
    (b"Organisation,Type,Sex\r\n,,\r\n , , \r\n", "There are no participants in the sheet"),
])
def test_empty_files_and_headings_only(session, data, expected):
    assert error_of(data, session).startswith(expected)


def test_more_than_the_row_limit_is_refused(session):
    head = [["Organisation", "Type", "Sex"]]
    rows = [[f"Organisation {i}", "NGO", "F"] for i in range(MAX_SHEET_ROWS)]
    assert len(parse(head + rows, session).valid) == MAX_SHEET_ROWS
    message = error_of(csv_bytes(head + rows + [["One more", "NGO", "F"]]), session)
    assert message.startswith("The sheet has more than 2,000 participant rows")


# ---- Excel -------------------------------------------------------------------------------

def test_xlsx_cells_become_sensible_text(session):
    data = xlsx_bytes(
        [["Name", "Organisation", "Type", "Sex", "Phone", "Consent", datetime(2020, 6, 18), datetime(2020, 6, 19)],
         ["Officer", "Police unit", "Police", "M", 99112233, True, 1, None],
         ["Counsellor", "Shelter", "NGO", "F", 97699112233.0, False, None, "x"]],
        extra_sheet=[["Nothing", "here"], ["is", "read"]])
    preview = parse_signin_sheet("sheet.xlsx", data, session)
    assert preview.columns["day_1"] == "2020-06-18"
    assert [(p.contact, p.consent_to_list, p.attendance) for p in preview.valid] == [
        ("99112233", True, [1]), ("97699112233", False, [2])]
    assert preview.rows[0].values["contact"] == "99112233"


def test_xlsx_formulas_are_not_evaluated(session):
    data = xlsx_bytes([["Name", "Organisation", "Type", "Sex"], ["=1+1", "Hotline NGO", "NGO", "F"]])
    preview = parse_signin_sheet("sheet.xlsx", data, session)
    assert preview.valid[0].name == ""      # no cached value: the formula text is not taken either


def test_xlsx_row_numbers_follow_the_sheet(session):
    data = xlsx_bytes([["Sign-in, PPCD workshop"], [None], ["Organisation", "Type", "Sex"],
                       ["Hotline NGO", "NGO", "F"], [None, None, None], ["", "NGO", "F"]])
    preview = parse_signin_sheet("sheet.xlsx", data, session)
    assert [r.line for r in preview.rows] == [4, 6]
    assert preview.invalid[0].errors == ["row 6: organisation is missing"]


def test_xlsx_decided_by_content_not_name(session):
    data = xlsx_bytes([["Organisation", "Type", "Sex"], ["Hotline NGO", "NGO", "F"]])
    assert len(parse_signin_sheet("upload.csv", data, session).valid) == 1


def test_damaged_xlsx(session):
    data = xlsx_bytes([["Organisation", "Type", "Sex"], ["Hotline NGO", "NGO", "F"]])
    assert error_of(data[: len(data) // 2], session, "s.xlsx") == (
        "The Excel file could not be opened; it may be damaged.")
    assert error_of(b"not a zip at all", session, "s.xlsx") == (
        "The Excel file could not be opened; it may be damaged.")


def test_old_excel_ods_and_other_files_get_specific_messages(session):
    assert ".xls" in error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, session, "s.xls")
    assert "'Save as'" in error_of(b"Organisation,Type,Sex\n", session, "old.xls")
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    assert "OpenDocument" in error_of(ods.getvalue(), session, "s.ods")
    assert "PDF" in error_of(b"%PDF-1.7 ...", session, "scan.pdf")
    assert "photo" in error_of(b"\xff\xd8\xff\xe0" + b"\0" * 20, session, "sheet.jpg")


def test_an_xlsx_that_unpacks_to_too_much_is_refused(session):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"\0" * (60 * MB))
    data = out.getvalue()
    assert len(data) < MAX_SHEET_BYTES
    assert "unpacks to" in error_of(data, session, "s.xlsx")


# ---- templates ---------------------------------------------------------------------------

def test_template_xlsx_has_headings_dropdowns_and_a_separate_example(session):
    wb = load_workbook(io.BytesIO(template_xlsx(session)))
    sheet, guide = wb.worksheets
    headings = [c.value for c in sheet[1]]
    assert headings[:4] == ["Name", "Organisation", "Organisation type", "Sex"]
    assert headings[-2:] == ["Day 1 (18 Jun)", "Day 2 (19 Jun)"]
    assert sheet.max_row == 1                       # no example in the data sheet
    rules = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert "Law enforcement" in rules["C2:C501"] and "NGO / service provider" in rules["C2:C501"]
    assert rules["D2:D501"] == '"Woman,Man,Another,Prefer not to say"'
    assert guide.title == "How to fill"
    guide_rows = [[c.value for c in row] for row in guide.iter_rows()]
    assert headings in guide_rows
    assert any(row[0] and "(example)" in row[0] for row in guide_rows)


def test_template_xlsx_round_trips(session):
    data = template_xlsx(session)
    assert error_of(data, session, "template.xlsx").startswith("There are no participants in the sheet")
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[0]
    sheet.append(["Хүүхэд хамгааллын ажилтан", "Өрх ээлтэй төв", "NGO / service provider", "Woman",
                  "99112233", "yes", "x", "x"])
    sheet.append(["", "Police unit", "Law enforcement", "Prefer not to say", "", "no", "", "x"])
    out = io.BytesIO()
    wb.save(out)
    preview = parse_signin_sheet("template.xlsx", out.getvalue(), session)
    assert preview.invalid == []
    assert [(p.name, p.org_type, p.sex, p.consent_to_list, p.attendance) for p in preview.valid] == [
        ("Хүүхэд хамгааллын ажилтан", OrgType.ngo, Sex.woman, True, [1, 2]),
        ("", OrgType.law_enforcement, Sex.undisclosed, False, [2])]
    assert preview.ignored_columns == []


def test_template_csv_round_trips(session):
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert error_of(data, session).startswith("There are no participants in the sheet")
    data += csv_bytes([["Reporter", "City TV", "Media", "F", "", "yes", "1,2"]])
    preview = parse_signin_sheet("template.csv", data, session)
    assert preview.valid[0].attendance == [1, 2] and preview.valid[0].consent_to_list
    dated = template_csv(session).decode("utf-8-sig")
    assert "Day 1 (18 Jun),Day 2 (19 Jun)" in dated


def test_field_labels():
    assert field_label("day_3") == "Day 3"
    assert field_label("org_type") == "Organisation type"


# ---- no input crashes the parser ---------------------------------------------------------

_FIXED_SESSION = Session(campaign_id="c1", kind=SessionKind.ppcd, title="PPCD",
                         start_date=date(2020, 6, 18), end_date=date(2020, 6, 20))


def _outcome(filename: str, data: bytes) -> SigninPreview | None:
    try:
        preview = parse_signin_sheet(filename, data, _FIXED_SESSION)
    except SigninError as exc:
        assert str(exc)
        return None
    for row in preview.rows:
        assert (row.participant is None) == bool(row.errors)
        assert all(e.startswith(f"row {row.line}: ") for e in row.errors)
    assert [r.line for r in preview.rows] == sorted({r.line for r in preview.rows})
    return preview


@given(st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=400).map(lambda b: b"\xff\xfe" + b),
    st.binary(max_size=400).map(lambda b: b"\xef\xbb\xbf" + b),
), st.sampled_from(["s.csv", "s.xlsx", "s.txt", "", "s.xls"]))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_bytes_only_raise_signin_error(data, filename):
    _outcome(filename, data)


_HEADER = "Name,Organisation,Organisation type,Sex,Contact,Consent,Days,Day 1,Day 2,Present\n"


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_arbitrary_text_under_a_valid_header_only_raises_signin_error(text):
    _outcome("s.csv", (_HEADER + text).encode("utf-8"))


@given(st.lists(st.lists(st.text(max_size=20), max_size=11), max_size=8),
       st.sampled_from([",", ";", "\t"]))
@settings(max_examples=200, deadline=None)
def test_arbitrary_cells_under_a_valid_header_only_raise_signin_error(rows, delimiter):
    data = csv_bytes([_HEADER.strip().split(",")] + rows, delimiter=delimiter)
    preview = _outcome("s.csv", data)
    if preview is not None:
        assert len(preview.rows) <= len(rows)


def test_pathological_cells_are_read_in_reasonable_time(session):
    # Would hang on a backtracking pattern; the suite's timeout catches a regression.
    rows = [["(" * 100_000, "Organisation", "Type", "Sex", "Days"],
            ["", "Hotline NGO", "NGO", "F", "1 " * 5000 + "x"],
            ["", "Shelter", "NGO police " * 5000, "F", "1, " * 5000]]
    preview = parse(rows, session)
    assert preview.rows[0].errors[0].startswith("row 2: attendance '1 1 1")
    assert preview.rows[1].errors[0].startswith("row 3: organisation type 'NGO police NGO")
    assert len(preview.ignored_columns[0]) == 100_000


def test_a_well_formed_excel_sheet_with_arbitrary_cells_does_not_crash():
    # a deterministic sweep of odd cell types through the Excel path
    data = xlsx_bytes([["Organisation", "Type", "Sex", "Days"],
                       [3.5, 1e300, -0.0, float("inf")], [datetime(2020, 1, 1, 9, 30), True, None, 12],
                       ["\u202eevil", "NGO", "F", "1.2"]])
    preview = _outcome("s.xlsx", data)
    assert preview is not None and len(preview.rows) == 3

"""What the sign-in preview shows and what adding it says: the register's columns in the
facilitator's words, the sheet's headings mapped to them, and every row left out named."""

from __future__ import annotations

from datetime import date

from c4d.models import Session, SessionKind
from c4d.people.signin import headings_read, parse_signin_text, preview_table


def workshop() -> Session:
    return Session(campaign_id="c1", kind=SessionKind.ppcd, title="PPCD workshop",
                   start_date=date(2020, 6, 18), end_date=date(2020, 6, 19))


def test_rows_show_as_the_register_will_hold_them():
    session = workshop()
    preview = parse_signin_text("Full name\tAgency\tSector\tGender\tPhone\tConsent\tDays\n"
                                "Saraa  Bat\tHotline\tNGO\tfemale\t9911\tyes\t1-2\n"
                                "Bold\tCourt\tjudiciary\tprefer not to say\t\tno\t2\n"
                                "Tuya\tRadio FM\tmedia\tF\t\tmaybe\t5\n", session)
    rows = preview_table(preview, session)
    assert list(rows[0]) == ["Row", "Status", "Name", "Organisation", "Organisation type", "Sex", "Contact",
                             "May be listed", "Day 1 (18 Jun)", "Day 2 (19 Jun)"]
    assert rows[0] == {"Row": 2, "Status": "Ready", "Name": "Saraa Bat", "Organisation": "Hotline",
                            "Organisation type": "NGO / service provider", "Sex": "Woman", "Contact": "9911",
                            "May be listed": "Yes", "Day 1 (18 Jun)": "✓", "Day 2 (19 Jun)": "✓"}
    assert (rows[1]["Sex"], rows[1]["May be listed"], rows[1]["Day 1 (18 Jun)"]) == ("Prefer not to say", "No", "")
    assert (rows[2]["Status"], rows[2]["May be listed"]) == ("Not added", "maybe")  # unread: as written
    assert headings_read(preview) == ["Full name → Name", "Agency → Organisation", "Sector → Organisation type",
                                      "Gender → Sex", "Phone → Contact", "Consent → May be listed",
                                      "Days → days present"]


def test_adding_names_every_row_left_out_and_every_row_skipped():
    session = workshop()
    preview = parse_signin_text("Name\tOrganisation\tType\tSex\tDay 1\n"
                                "Saraa\tHotline\tNGO\tF\tx\n"
                                "Bold\tCourt\tjudiciary\tq\tx\n"
                                "\t\t\t\tx\n", session)
    said, left_out = preview.outcome(1, "sheet.csv")
    assert said == "Added 1 participant from sheet.csv."
    assert left_out[0] == "1 row was left out:"
    assert left_out[1].startswith("row 3: sex 'q' is not one of:")
    assert "1 row was skipped: only attendance or consent was filled in" in left_out[-1]
    assert preview.outcome(2, "the pasted rows")[0] == "Added 2 participants from the pasted rows."

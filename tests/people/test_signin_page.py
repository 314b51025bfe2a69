"""The sign-in sheet on the Participants page, through the real app (AppTest): the stated
size limit is the uploader's own, the preview speaks the register's language ("Man",
"Government") and shows every problem in full, it stays while the facilitator does other
things on the page, and adding says what was left out and why."""

from __future__ import annotations

from datetime import date

import pytest

from c4d.models import Campaign, Session, SessionKind
from c4d.people.cells import org_type_in, sex_in
from c4d.people.model import MAX_SHEET_BYTES
from tests.test_pages import button, texts

PAGE = "worksheets/participants.py"
SHEET = (b"Name,Agency,Type,Gender,Day 1,Day 2\n"
         b"Saraa,Ministry of Labour,ministry,F,x,x\n"
         b"Bold,Police HQ,police,m,,x\n"
         b"Tuya,Radio FM,broadcaster for the ministry,q,x,\n")
PREVIEW_COLUMNS = ["Row", "Status", "Name", "Organisation", "Organisation type", "Sex", "Contact", "May be listed",
                   "Day 1 (18 Jun)", "Day 2 (19 Jun)"]


@pytest.fixture
def workshop(ready_store):
    store = ready_store
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    return store, campaign, session


def uploader(at):
    (found,) = [u for u in at.file_uploader if u.label.startswith("Sign-in sheet")]
    return found


def preview_table(at):
    tables = [d.value for d in at.dataframe if "Status" in d.value.columns]
    return tables[0] if tables else None


def uploaded(app, workshop, data: bytes = SHEET, name: str = "sign-in.csv"):
    _, campaign, session = workshop
    at = app(PAGE, campaign)
    at.session_state[f"signin-{session.id}-open"] = True  # the facilitator opens the box
    uploader(at).upload(name, data, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_stated_limit_is_the_uploaders_own(app, workshop):
    _, campaign, _ = workshop
    at = app(PAGE, campaign)
    box = uploader(at)
    assert box.proto.max_upload_size_mb == MAX_SHEET_BYTES // (1024 * 1024) == 5
    assert "at most 5 MB" in box.label
    assert "210" not in texts(at) + box.label


def test_a_file_over_the_limit_is_refused_saying_the_limit(app, workshop):
    store, _, session = workshop
    at = uploaded(app, workshop, SHEET + b"x" * MAX_SHEET_BYTES)
    assert any("a sign-in sheet can be at most 5 MB" in e.value for e in at.error), [e.value for e in at.error]
    assert preview_table(at) is None and store.participants(session.id) == []


def test_the_preview_uses_the_registers_columns_and_words(app, workshop):
    at = uploaded(app, workshop)
    table = preview_table(at)
    assert list(table.columns) == PREVIEW_COLUMNS
    rows = table.to_dict("records")
    assert [r["Row"] for r in rows] == [2, 3, 4]
    assert (rows[0]["Organisation type"], rows[0]["Sex"]) == ("Government", "Woman")
    assert (rows[1]["Organisation type"], rows[1]["Sex"]) == ("Law enforcement", "Man")
    assert (rows[0]["Day 1 (18 Jun)"], rows[1]["Day 1 (18 Jun)"], rows[1]["Day 2 (19 Jun)"]) == ("✓", "", "✓")
    assert rows[0]["May be listed"] == "No"
    # A cell that could not be read shows as it was written.
    assert (rows[2]["Organisation type"], rows[2]["Sex"]) == ("broadcaster for the ministry", "q")
    assert [r["Status"] for r in rows] == ["Ready", "Ready", "Not added"]
    # Which of the sheet's headings feeds which column of the register.
    assert "Agency → Organisation" in texts(at) and "Gender → Sex" in texts(at)


def test_each_problem_is_shown_in_full(app, workshop):
    at = uploaded(app, workshop)
    _, org_problem = org_type_in("broadcaster for the ministry")
    _, sex_problem = sex_in("q")
    assert len(org_problem) > 100  # longer than a table cell shows
    shown = texts(at)
    assert f"row 4: {org_problem}" in shown and f"row 4: {sex_problem}" in shown


def test_the_preview_stays_while_the_facilitator_adds_someone_by_hand(app, workshop):
    store, _, session = workshop
    at = uploaded(app, workshop)
    assert preview_table(at) is not None
    next(box for box in at.text_input if box.label == "Organisation").input("Hotline NGO")
    next(box for box in at.selectbox if box.label == "Organisation type").select_index(0)
    next(box for box in at.selectbox if box.label == "Sex").select_index(0)
    button(at, "Add participant").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.organisation for p in store.participants(session.id)] == ["Hotline NGO"]
    table = preview_table(at)
    assert table is not None and len(table) == 3  # the sheet is still there, ready to add
    assert at.session_state[f"signin-{session.id}-open"] is True


def test_adding_says_what_was_added_and_what_was_left_out_and_why(app, workshop):
    store, _, session = workshop
    at = uploaded(app, workshop)
    button(at, "Add the 2 ready rows (rows with problems are left out)").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [p.name for p in store.participants(session.id)] == ["Saraa", "Bold"]
    _, org_problem = org_type_in("broadcaster for the ministry")
    said = texts(at)
    assert "Added 2 participants from sign-in.csv." in said
    assert "1 row was left out:" in said and f"row 4: {org_problem}" in said
    assert preview_table(at) is None  # the sheet is done: the box is empty for the next one
    assert at.session_state[f"signin-{session.id}-open"] is True


def test_every_uploader_in_the_app_states_and_refuses_its_own_limit():
    """No page leaves Streamlit's server-wide 210 MB on its uploader (the backup's 200 MB
    plus room): each one says and refuses the limit its page checks."""
    import ast

    from tests.conftest import ROOT

    missing = []
    for path in sorted((ROOT / "worksheets").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "file_uploader"
                    and not any(k.arg == "max_upload_size" for k in node.keywords)):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []

"""Every page renders through the real app, and a typical edit on it persists."""

from __future__ import annotations

import re
from datetime import date

from streamlit.testing.v1 import AppTest

from c4d import access, permissions
from c4d.demo.example import DEMO_ID
from c4d.models import Campaign, DecisionTopic, OrgType, Sex
from c4d.phones.model import RateLimiter
from tests.conftest import PASSCODE, ROOT


def texts(at) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error",
                                  "success", "warning") for e in getattr(at, kind)]
    raw = "\n".join(str(p) for p in parts)
    # Read it as a person sees it: without markdown emphasis, escapes and invisible joiners.
    raw = raw.replace("**", "").replace("*", "").replace("  \n", "\n").replace("\u2060", "")
    return re.sub(r"\\(.)", r"\1", raw)


def button(at, label):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0]


# ---- access ------------------------------------------------------------------------------
def test_first_run_asks_the_laptop_for_a_passcode(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.title[0].value == "Welcome to the C4D workshop toolkit"
    at.text_input[0].input("abc")
    at.text_input[1].input("abc")
    at.button[0].click().run()
    assert "at least 6" in at.error[0].value
    assert not access.has_passcode(store)
    at.text_input[0].input(PASSCODE)
    at.text_input[1].input(PASSCODE)
    at.button[0].click().run()
    assert access.has_passcode(store)
    assert at.title[0].value == "Campaigns"
    assert store.setting(access.SETTING) != PASSCODE  # only the hash is kept


def test_another_device_must_sign_in(ready_store, demo, monkeypatch):
    monkeypatch.setattr(permissions, "is_this_laptop", lambda ip: False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.title[0].value == "Facilitator sign-in"
    assert DEMO_ID not in texts(at) and "Dream Umbrella" not in texts(at)
    at.text_input[0].input("wrong-one")
    at.button[0].click().run()
    assert "not right" in at.error[0].value
    assert at.title[0].value == "Facilitator sign-in"
    at.text_input[0].input(PASSCODE)
    at.button[0].click().run()
    assert at.title[0].value == "Campaigns"
    assert "Dream Umbrella" in texts(at)


def test_after_signing_in_another_device_opens_the_page_it_asked_for(ready_store, demo, monkeypatch):
    monkeypatch.setattr(permissions, "is_this_laptop", lambda ip: False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    # as if the link of the live screen had been opened: Streamlit gives AppTest no address
    at.session_state["asked_for_before_sign_in"] = ("overview", {"campaign": "dream-umbrella"})
    at.run()
    assert at.title[0].value == "Facilitator sign-in"
    at.text_input[0].input(PASSCODE)
    at.button[0].click().run()
    assert "Dream Umbrella — Мөрөөдлийн шүхэр" in texts(at) and "Journey" in texts(at)
    assert "asked_for_before_sign_in" not in at.session_state


def test_too_many_wrong_passcodes_lock_the_device_out_even_after_a_reload(ready_store, monkeypatch):
    monkeypatch.setattr(permissions, "is_this_laptop", lambda ip: False)
    monkeypatch.setattr(access, "_tries", RateLimiter(limit=2, window=600))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for _ in range(2):
        at.text_input[0].input("wrong-one")
        at.button[0].click().run()
        assert "not right" in at.error[0].value
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # the page reloaded
    at.text_input[0].input(PASSCODE)
    at.button[0].click().run()
    assert "Too many tries from this device" in at.error[0].value
    assert at.title[0].value == "Facilitator sign-in"


def test_another_device_before_set_up_sees_no_data(store, monkeypatch):
    monkeypatch.setattr(permissions, "is_this_laptop", lambda ip: False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.title[0].value == "Not ready yet"
    assert not at.text_input  # no way to set the passcode from another device


def test_a_passcode_change_signs_other_devices_out(ready_store, monkeypatch):
    monkeypatch.setattr(permissions, "is_this_laptop", lambda ip: False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input[0].input(PASSCODE)
    at.button[0].click().run()
    assert at.title[0].value == "Campaigns"
    access.set_passcode(ready_store, "a-new-passcode", "a-new-passcode")
    at.run()
    assert at.title[0].value == "Facilitator sign-in"


# ---- home ------------------------------------------------------------------------------
def test_home_creates_a_campaign_and_refuses_a_duplicate_name(app, ready_store):
    at = app()
    assert "No campaign yet" in texts(at)
    name_input = [t for t in at.text_input if t.label == "Campaign name"][0]
    name_input.input("Safe Journeys <b>2026</b>")
    button(at, "Create campaign").click().run()
    assert [c.name for c in ready_store.campaigns()] == ["Safe Journeys <b>2026</b>"]
    assert at.title[0].value == "Safe Journeys \\<b\\>2026\\</b\\>"  # escaped, so shown as typed

    at = app()
    [t for t in at.text_input if t.label == "Campaign name"][0].input("  safe journeys <B>2026</B> ")
    button(at, "Create campaign").click().run()
    assert "already exists" in texts(at)
    assert len(ready_store.campaigns()) == 1


def test_home_loads_the_example_once_and_opens_its_overview(app, ready_store):
    at = app()
    button(at, "Load the Dream Umbrella example").click().run()
    assert at.title[0].value.startswith("Dream Umbrella")
    assert "Young women aged 18–27" in texts(at)
    at = app()
    button(at, "Load the Dream Umbrella example").click().run()
    assert len(ready_store.campaigns()) == 1


def test_home_duplicates_and_archives(app, ready_store, demo):
    at = app()
    [t for t in at.text_input if t.label == "Name of the copy"][0].input("Dream Umbrella, second round")
    button(at, "Make the copy").click().run()
    assert {c.name for c in ready_store.campaigns()} == {"Dream Umbrella, second round", demo.name}
    copy = ready_store.find_campaign_by_name("Dream Umbrella, second round")
    assert len(ready_store.sessions(copy.id)) == len(ready_store.sessions(demo.id)) >= 2
    assert all(not ready_store.participants(s.id) for s in ready_store.sessions(copy.id))

    at = app()
    archive = [b for b in at.button if b.label == "Archive" and b.key == f"archive-{copy.id}"][0]
    archive.click().run()
    assert [c.name for c in ready_store.campaigns()] == [demo.name]
    assert ready_store.campaign(copy.id).archived


# ---- overview --------------------------------------------------------------------------------
def test_overview_shows_journey_decisions_and_next_action(app, demo):
    at = app("worksheets/overview.py", campaign=demo)
    body = texts(at)
    assert "Key decisions · PPCD" in body and "done" in body
    assert "Ulaanbaatar and Darkhan-Uul" in body
    assert "39 participants" in body
    assert "Next suggested action" in body
    assert "Media Camp 1" in body  # next workshop to plan


def test_overview_of_a_new_campaign_suggests_the_ppcd(app, ready_store):
    campaign = ready_store.create_campaign(Campaign(name="New one"))
    at = app("worksheets/overview.py", campaign=campaign)
    assert "Add the PPCD workshop" in texts(at)
    assert "not started" in texts(at)


# ---- sessions ---------------------------------------------------------------------------------
def test_sessions_page_adds_a_session_and_explains_bad_dates(app, ready_store):
    campaign = ready_store.create_campaign(Campaign(name="Roadshow Myanmar"))
    at = app("worksheets/sessions.py", campaign=campaign)
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Title"].input("PPCD Mawlamyine")
    at.date_input[0].set_value(date(2026, 3, 10))
    at.date_input[1].set_value(date(2026, 3, 9))
    button(at, "Add session").click().run()
    assert "before the first day" in texts(at)
    assert ready_store.sessions(campaign.id) == []

    at.date_input[1].set_value(date(2026, 3, 12))
    button(at, "Add session").click().run()
    [saved] = ready_store.sessions(campaign.id)
    assert saved.title == "PPCD Mawlamyine" and saved.days == 3


# ---- participants ---------------------------------------------------------------------------
def test_participants_page_counts_and_adds_one(app, demo, ready_store):
    at = app("worksheets/participants.py", campaign=demo)
    assert "39 participants: 29 women, 10 men" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Woman"] == "29" and metrics["Man"] == "10"
    form = {t.label: t for t in at.text_input}
    form["Organisation"].input("Хүний эрхийн төв")
    selects = {s.label: s for s in at.selectbox}
    selects["Organisation type"].set_value(OrgType.ngo)
    selects["Sex"].set_value(Sex.another)
    button(at, "Add participant").click().run()
    ppcd = ready_store.session(demo.id, "ppcd-2020")
    people = ready_store.participants(ppcd.id)
    assert len(people) == 40
    assert people[-1].organisation == "Хүний эрхийн төв"
    assert "40 participants: 29 women, 10 men, 1 another" in texts(at)


def test_participants_page_refuses_an_incomplete_participant(app, demo, ready_store):
    at = app("worksheets/participants.py", campaign=demo)
    {t.label: t for t in at.text_input}["Organisation"].input("Somewhere")
    button(at, "Add participant").click().run()
    assert "organisation type" in texts(at)
    assert len(ready_store.participants(ready_store.session(demo.id, "ppcd-2020").id)) == 39


def test_projector_mode_hides_names(app, demo):
    at = app("worksheets/participants.py", campaign=demo)
    at.toggle(key="projector").set_value(True).run()
    body = texts(at)
    assert "39 participants" in body
    assert "Names and contacts are hidden" in body
    assert not any(e.proto.__class__.__name__ == "ArrowNamedDataFrame" for e in at.main)
    assert "Example-01" not in body


# ---- decisions -------------------------------------------------------------------------------
def test_decisions_page_shows_and_records(app, demo, ready_store):
    at = app("worksheets/decisions.py", campaign=demo)
    assert "Trafficking for sexual exploitation" in texts(at)
    [t for t in at.text_input if t.label == "What was decided"][0].input("Parents and older siblings")
    selects = {s.label: s for s in at.selectbox}
    selects["Decision on"].set_value(DecisionTopic.secondary_audience)
    button(at, "Save decision").click().run()
    assert any(d.choice == "Parents and older siblings" for d in ready_store.decisions(demo.id))
    assert "Parents and older siblings" in texts(at)


def test_decisions_page_refuses_more_voters_than_present(app, demo, ready_store):
    at = app("worksheets/decisions.py", campaign=demo)
    before = len(ready_store.decisions(demo.id))
    [t for t in at.text_input if t.label == "What was decided"][0].input("TV")
    numbers = {n.label: n for n in at.number_input}
    numbers["People who voted"].set_value(40)
    numbers["People present"].set_value(30)
    button(at, "Save decision").click().run()
    assert "40 people voted but only 30 were present" in texts(at)
    assert len(ready_store.decisions(demo.id)) == before


# ---- report ----------------------------------------------------------------------------------
def test_report_page_describes_the_report(app, demo):
    at = app("worksheets/report.py", campaign=demo)
    body = texts(at)
    assert "39 participants: 29 women, 10 men" in body
    assert "listed by name" in body


# ---- settings --------------------------------------------------------------------------------
def test_settings_show_data_location_and_save_campaign_details(app, demo, ready_store, db_url):
    at = app("worksheets/settings.py", campaign=demo)
    assert any(db_url.removeprefix("sqlite:///") in c.value for c in at.code)
    [t for t in at.text_input if t.label.startswith("Participants' language")][0].input("km")
    button(at, "Save campaign details").click().run()
    assert ready_store.campaign(demo.id).participant_language == "km"

    [t for t in at.text_input if t.label.startswith("Participants' language")][0].input("Khmer!")
    button(at, "Save campaign details").click().run()
    assert "language code" in texts(at)
    assert ready_store.campaign(demo.id).participant_language == "km"


def test_settings_change_passcode_needs_the_current_one(app, ready_store):
    at = app("worksheets/settings.py")
    fields = {t.label: t for t in at.text_input}
    fields["Current passcode"].input("not-it")
    fields["New passcode"].input("new-passcode-1")
    fields["Type the new passcode again"].input("new-passcode-1")
    button(at, "Change passcode").click().run()
    assert "not right" in texts(at)
    assert access.sign_in(ready_store, PASSCODE)
    fields = {t.label: t for t in at.text_input}
    fields["Current passcode"].input(PASSCODE)
    fields["New passcode"].input("new-passcode-1")
    fields["Type the new passcode again"].input("new-passcode-1")
    button(at, "Change passcode").click().run()
    assert access.sign_in(ready_store, "new-passcode-1")


def test_report_page_lists_only_sections_with_content(app, demo, ready_store):
    at = app("worksheets/report.py", campaign=demo)
    assert "Key decisions (PPCD)" in texts(at)
    launch = ready_store.session(demo.id, "launch-2021")
    at.selectbox[0].set_value(launch.id).run()
    body = texts(at)
    assert "Campaign launch" in body
    assert "Key decisions (PPCD)" not in body
    assert "0 participants" in body


def test_participants_page_previews_a_pasted_sheet_then_adds_ready_rows(app, demo, ready_store):
    at = app("worksheets/participants.py", campaign=demo)
    pasted = ("Name\tOrganisation\tOrganisation type\tSex\tDay 1\tDay 2\n"
              "Saran Example-90\tDarkhan youth centre\tCommunity\tF\tx\tx\n"
              "Bad Row\t\tMedia\tM\tx\t\n"
              "<b>Tuul</b>\tRadio Darkhan\tMedia\tэмэгтэй\t\tx\n")
    [t for t in at.text_area if t.label.startswith("Copy the rows")][0].input(pasted).run()
    body = texts(at)
    assert "2 rows ready to add, 1 row with errors" in body
    ppcd = ready_store.session(demo.id, "ppcd-2020")
    assert len(ready_store.participants(ppcd.id)) == 39  # nothing saved by the preview
    button(at, "Add the 2 ready rows (rows with problems are left out)").click().run()
    people = ready_store.participants(ppcd.id)
    assert len(people) == 41
    assert people[-1].name == "<b>Tuul</b>" and people[-1].attendance == [2]
    assert "41 participants: 31 women, 10 men" in texts(at)


def test_projector_mode_can_be_left_from_a_page_that_stops_early(app, demo):
    at = app("worksheets/decisions.py", campaign=demo)  # stops after the decisions in projector mode
    at.toggle(key="projector").set_value(True).run()
    assert "Record a decision" not in texts(at)
    button(at, "Leave projector mode").click().run()
    assert at.session_state["projector"] is False
    assert "Record a decision" in texts(at)


# ---- navigation and dates (issue 17) -------------------------------------------------------------------
def test_the_sidebar_lists_every_page_grouped_by_step_with_the_step_in_use_open(app, demo):
    from c4d.worksheet import registered

    at = app("worksheets/creative_brief.py", campaign=demo)
    links = [e.proto for e in at.sidebar.get("page_link")]
    labels = [link.label for link in links]
    worksheets = registered()
    for title in ("Campaigns", "Overview", "Workshop sessions", "Participants", "Live screen", "Workshop report",
                  "Settings and backup", *(w.title for w in worksheets)):
        assert title in labels, (title, labels)
    assert not [label for label in labels if " · " in label]  # the Roadshow step is the link's tooltip
    assert "Creative brief" in {link.label for link in links if link.help == "Roadshow: Media Camp 1"}
    folds = {e.label: e.proto.expanded for e in at.sidebar.expander}
    steps = sorted({w.p_step for w in worksheets}, key=lambda s: s.value)
    assert folds == {s.short_label: s.value == 2 for s in steps}  # the brief's step is the open one
    at.switch_page("worksheets/overview.py").run()  # a page of no step keeps the step last used open
    assert {e.label: e.proto.expanded for e in at.sidebar.expander} == folds


def test_the_sidebar_lists_only_the_campaigns_and_settings_while_no_campaign_is_open(app):
    at = app()
    assert [e.proto.label for e in at.sidebar.get("page_link")] == ["Campaigns", "Settings and backup"]


DATE_DIRECTIVES = re.compile(r"%[-#]?[aAbBdmyYxcFDjU]")


def test_pages_write_dates_one_way():
    """Pages never format a date themselves: `short_date` (or `day_month`, `date_time`) from
    c4d.text; typed dates and table columns use the formats c4d.text names; the long forms
    are for a document's cover note and day headings (c4d/export) only."""
    import ast

    offences = []
    pages = sorted((ROOT / "worksheets").glob("*.py")) + [ROOT / "app.py", ROOT / "c4d" / "ui.py"]
    for path in pages:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("strftime", "isoformat"):
                    offences.append(f"{where} {node.func.attr}()")
                wanted = {"date_input": "DATE_INPUT", "DateColumn": "DATE_COLUMN",
                          "DatetimeColumn": "DATE_COLUMN"}.get(node.func.attr)
                if wanted:
                    fmt = next((k.value for k in node.keywords if k.arg == "format"), None)
                    if getattr(fmt, "id", getattr(fmt, "attr", None)) != wanted:
                        offences.append(f"{where} {node.func.attr} without format={wanted}")
            if isinstance(node, ast.FormattedValue) and node.format_spec is not None \
                    and DATE_DIRECTIVES.search(ast.unparse(node.format_spec)):
                offences.append(f"{where} a date format in an f-string")
    for path in sorted((ROOT / "c4d").rglob("*.py")) + pages:
        if path.name == "text.py" or "export" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id in ("long_date", "weekday_date"):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.id}")
            if isinstance(node, ast.alias) and node.name in ("long_date", "weekday_date"):
                offences.append(f"{path.relative_to(ROOT)} imports {node.name}")
    assert not offences, "\n".join(offences)

"""The five audience-analysis pages through the real app (AppTest): each renders, a typical
edit persists at once, bad input gives a clear message and saves nothing, user text is
escaped on screen and in the projector's pictures."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from c4d.audience.model import (
    AudienceRole,
    Direction,
    EntryKind,
    Level,
    SEMLevel,
    Side,
    StakeholderRole,
)
from c4d.audience.commands import (
    add_audience,
    add_entry,
    add_influence,
    add_stakeholder,
    ask_phones,
    save_profile,
    save_sector,
)
from c4d.audience.reading import asked_cell, load_analysis, load_part
from c4d.ideas.model import Idea
from c4d.ideas.commands import set_prompt
from c4d.models import Campaign, Decision, DecisionTopic, OrgType, Session, SessionKind
from c4d.phones.model import Showing
from tests.test_pages import button, texts

FRAMEWORK, AUDIENCES, SEM = "worksheets/audience_framework.py", "worksheets/audiences.py", "worksheets/sem.py"
SECTOR, STAKEHOLDERS = "worksheets/sector_lens.py", "worksheets/stakeholders.py"
SCRIPT = "<script>alert(1)</script>"
LONG = "x" * 5000


@pytest.fixture
def fresh(ready_store):
    """A new campaign with one PPCD session, nothing else."""
    store = ready_store
    campaign = store.create_campaign(Campaign(name="Safe Journeys"))
    session = store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                                        start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))
    return store, campaign, session


def projector_app(app, page, campaign):
    """The page as the room sees it (projector mode on)."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["campaign_id"] = campaign.id
    at.session_state["projector"] = True
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def widget(elements, label, last=False):
    """The field with this label: the 'add' form's (the first), or with `last` the edit form's."""
    matches = [w for w in elements if w.label == label]
    assert matches, f"no widget {label!r}; have {[w.label for w in elements]}"
    return matches[-1] if last else matches[0]


def svgs(at) -> list[str]:
    """The SVG drawings on the page, decoded from their data URLs."""
    out = []
    for image in at.get("image"):
        for img in image.proto.imgs:
            if img.url.startswith("data:image/svg+xml;base64,"):
                out.append(base64.b64decode(img.url.split(",", 1)[1]).decode("utf-8"))
    return out


def drawn_text(svg: str) -> str:
    """The words of a drawing, lines joined by spaces."""
    import html
    import re

    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", svg).split()))


def raw_markdown(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "error", "warning", "info",
                                                "subheader", "header")
                     for e in getattr(at, kind))


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


# ---- audience framework ---------------------------------------------------------------------------------
def test_framework_renders_empty_with_the_board_and_a_prompt(app, fresh):
    store, campaign, _ = fresh
    at = app(FRAMEWORK, campaign=campaign)
    assert at.title[0].value == "Audience framework"
    [board] = svgs(at)
    assert "Community of destination (demand)" in board
    assert "Status: not started" in texts(at)


def test_capturing_an_entry_saves_it_at_once_and_empties_the_field(app, fresh):
    store, campaign, _ = fresh
    at = app(FRAMEWORK, campaign=campaign)
    at.selectbox(key="fw-cell").set_value((Side.destination, Level.community))
    widget(at.text_input, "Who (the audience) or the activity").input("Employers in hospitality")
    widget(at.text_area, "Why they matter, or what the activity does").input("Create the demand")
    button(at, "Add to the board").click().run()
    [entry] = load_part(store, campaign.id, "audience_framework").entries
    assert (entry.side, entry.level, entry.kind, entry.who, entry.why) == (
        Side.destination, Level.community, EntryKind.audience, "Employers in hospitality", "Create the demand")
    assert "Added to Destination · community level: Employers in hospitality" in texts(at)
    assert widget(at.text_input, "Who (the audience) or the activity").value == ""
    assert at.selectbox(key="fw-cell").value == (Side.destination, Level.community)  # the cell stays chosen
    assert "Employers in hospitality" in drawn_text(svgs(at)[0])


@pytest.mark.parametrize("who, message", [("   ", "Entry not saved: Who cannot be empty"),
                                          (LONG, "Entry not saved: Who is too long (at most 200 characters)")])
def test_framework_refuses_bad_entries_and_saves_nothing(app, fresh, who, message):
    store, campaign, _ = fresh
    at = app(FRAMEWORK, campaign=campaign)
    widget(at.text_input, "Who (the audience) or the activity").input(who)
    button(at, "Add to the board").click().run()
    assert message in texts(at)
    assert store.worksheet(campaign.id, "audience_framework") is None


def test_framework_refuses_a_duplicate_in_the_same_cell(app, fresh):
    store, campaign, _ = fresh
    add_entry(store, campaign.id, side=Side.origin, level=Level.community, who="Parents")
    at = app(FRAMEWORK, campaign=campaign)
    widget(at.text_input, "Who (the audience) or the activity").input("  PARENTS ")
    button(at, "Add to the board").click().run()
    assert "'PARENTS' is already in the cell 'Origin · community level'" in texts(at)
    assert len(load_part(store, campaign.id, "audience_framework").entries) == 1
    # the typed text stays in the field so the facilitator can correct it
    assert widget(at.text_input, "Who (the audience) or the activity").value == "  PARENTS "


def test_script_in_an_entry_is_saved_as_typed_and_shown_escaped(app, fresh):
    store, campaign, _ = fresh
    at = app(FRAMEWORK, campaign=campaign)
    widget(at.text_input, "Who (the audience) or the activity").input(SCRIPT)
    button(at, "Add to the board").click().run()
    assert load_part(store, campaign.id, "audience_framework").entries[0].who == SCRIPT
    shown = raw_markdown(at)
    assert "<script>" not in shown and r"\<script\>" in shown
    [board] = svgs(at)
    assert "<script" not in board and "&lt;script&gt;" in board


def test_framework_gap_warnings_show_and_clear(app, fresh):
    store, campaign, _ = fresh
    add_entry(store, campaign.id, side=Side.origin, level=Level.individual, who="Young women")
    at = app(FRAMEWORK, campaign=campaign)
    warned = texts(at)
    assert "Nothing on the destination / demand side" in warned
    assert "nothing at the community level" in warned
    add_entry(store, campaign.id, side=Side.origin, level=Level.community, who="Parents")
    add_entry(store, campaign.id, side=Side.destination, level=Level.community, who="Employers")
    at = app(FRAMEWORK, campaign=campaign)
    assert not at.warning


def test_editing_and_removing_an_entry(app, fresh):
    store, campaign, _ = fresh
    entry = add_entry(store, campaign.id, side=Side.origin, level=Level.community, who="Parents")
    at = app(FRAMEWORK, campaign=campaign)
    widget(at.text_input, "Who (the audience) or the activity", last=True).input("Parents of girls")
    widget(at.radio, "Kind", last=True).set_value(EntryKind.audience)
    button(at, "Save changes").click().run()
    assert load_part(store, campaign.id, "audience_framework").entries[0].who == "Parents of girls"
    widget(at.text_input, "Who (the audience) or the activity", last=True).input("")
    button(at, "Save changes").click().run()
    assert "Entry not saved: Who cannot be empty" in texts(at)
    assert load_part(store, campaign.id, "audience_framework").entries[0].who == "Parents of girls"
    at.button(key=f"fw-remove-{entry.id}").click().run()
    assert load_part(store, campaign.id, "audience_framework").entries == []


def test_ideas_from_phones_join_the_framework(app, fresh):
    store, campaign, session = fresh
    at = app(FRAMEWORK, campaign=campaign)
    at.selectbox(key="fw-ask-cell").set_value((Side.destination, Level.individual))
    at.button(key="fw-ask").click().run()
    state = store.live_state(session.id)
    assert state.showing is Showing.ideas and "clients or consumers" in state.idea_prompt

    ideas = [Idea(campaign_id=campaign.id, session_id=session.id, text=t) for t in ("Clients of saunas", SCRIPT)]
    store.save_ideas(ideas)
    at = app(FRAMEWORK, campaign=campaign)
    at.multiselect(key=f"fw-ideas-{session.id}").set_value([i.id for i in ideas]).run()
    # the answers go, by default, into the cell the phones were asked about
    assert widget(at.selectbox, "Into the cell").value == (Side.destination, Level.individual)
    at.button(key="fw-ideas-add").click().run()
    entries = load_part(store, campaign.id, "audience_framework").entries
    assert {(e.who, e.source, e.side) for e in entries} == {("Clients of saunas", "phone", Side.destination),
                                                            (SCRIPT, "phone", Side.destination)}
    assert "2 ideas added to Destination · individual level" in texts(at)
    assert "already on the framework" in texts(at)  # nothing left to add


def test_ideas_go_into_the_cell_last_asked_about(fresh):
    store, campaign, session = fresh
    assert asked_cell(store, session.id) is None  # never asked; looking does not open the phones
    assert store.live_states() == []
    ask_phones(store, session.id, Side.origin, Level.community)
    assert asked_cell(store, session.id) == (Side.origin, Level.community)
    set_prompt(store, session.id, "Any other idea?")  # the board now asks something else
    assert asked_cell(store, session.id) is None


def test_framework_on_the_projector_shows_the_board_and_takes_entries(app, fresh):
    store, campaign, _ = fresh
    add_entry(store, campaign.id, side=Side.origin, level=Level.individual, who=SCRIPT)
    at = projector_app(app, FRAMEWORK, campaign)
    [board] = svgs(at)
    assert "&lt;script&gt;" in board and "<script" not in board
    assert not [t for t in at.text_area if t.label.startswith("Why")]  # a short form for the room
    assert not at.dataframe  # no tables or editing on the projector
    widget(at.text_input, "Who (the audience) or the activity").input("Parents")
    at.selectbox(key="fw-cell").set_value((Side.origin, Level.community))
    button(at, "Add to the board").click().run()
    assert [e.who for e in load_part(store, campaign.id, "audience_framework").entries] == [SCRIPT, "Parents"]


# ---- audiences and profile ---------------------------------------------------------------------------------
def test_primary_audience_from_the_adopted_ppcd_decision_in_one_click(app, fresh):
    store, campaign, session = fresh
    decision = store.add_decision(Decision(campaign_id=campaign.id, session_id=session.id,
                                           topic=DecisionTopic.primary_audience, choice="Young women aged 18–27",
                                           method="Vote (single choice)", turnout=30, eligible=35))
    at = app(AUDIENCES, campaign=campaign)
    assert "The PPCD decided the primary audience: Young women aged 18–27" in texts(at)
    at.button(key=f"adopt-{decision.id}").click().run()
    primary = load_analysis(store, campaign.id).primary
    assert (primary.name, primary.decision_id) == ("Young women aged 18–27", decision.id)
    assert not [b for b in at.button if b.key == f"adopt-{decision.id}"]  # nothing left to adopt
    assert "from the PPCD decision" in texts(at)


def test_adding_audiences_with_their_usual_approach(app, fresh):
    store, campaign, _ = fresh
    entry = add_entry(store, campaign.id, side=Side.origin, level=Level.community, who="Police in the provinces")
    at = app(AUDIENCES, campaign=campaign)
    widget(at.selectbox, "Role").set_value(AudienceRole.tertiary)
    widget(at.text_input, "Audience").input("Police and prosecutors")
    widget(at.multiselect, "Linked framework entries").set_value([entry.id])
    button(at, "Add the audience").click().run()
    [police] = load_analysis(store, campaign.id).audiences
    assert (police.role.value, police.approach.value, police.framework_entry_ids) == ("tertiary", "advocacy", [entry.id])
    assert "Tertiary audience: Police and prosecutors (advocacy)" in texts(at)


def test_a_too_broad_primary_audience_is_flagged_on_the_page(app, fresh):
    store, campaign, _ = fresh
    at = app(AUDIENCES, campaign=campaign)
    widget(at.text_input, "Audience").input("Youth")
    button(at, "Add the audience").click().run()
    assert load_analysis(store, campaign.id).primary.name == "Youth"
    assert "'Youth' is a broad group. Add an age band and a location" in texts(at)


@pytest.mark.parametrize("name, message", [("", "Audience not saved: Name cannot be empty"),
                                           ("  police ", "'Police' is listed twice"),
                                           (LONG, "Name is too long (at most 200 characters)")])
def test_bad_audiences_are_refused_and_nothing_is_saved(app, fresh, name, message):
    store, campaign, _ = fresh

    add_audience(store, campaign.id, role=AudienceRole.tertiary, name="Police")
    before = store.worksheet(campaign.id, "audiences")
    at = app(AUDIENCES, campaign=campaign)
    widget(at.selectbox, "Role").set_value(AudienceRole.secondary)
    widget(at.text_input, "Audience").input(name)
    button(at, "Add the audience").click().run()
    assert message in texts(at)
    assert store.worksheet(campaign.id, "audiences") == before


def test_profile_parts_save_with_their_own_button(app, fresh):
    store, campaign, _ = fresh
    at = app(AUDIENCES, campaign=campaign)
    widget(at.text_input, 'Age band').input("18–27")
    widget(at.text_input, 'Location').input("Darkhan-Uul")
    button(at, "Save who they are").click().run()
    widget(at.text_area, 'Barriers (one a line)').input("Need for money\n\nFear of stigma\n")
    widget(at.text_area, 'Quotes in their own words (one a line; never a name or a detail that identifies someone)').input(SCRIPT)
    button(at, "Save barriers, motivators and quotes").click().run()
    profile = load_part(store, campaign.id, "audience_profile")
    assert (profile.age_band, profile.location) == ("18–27", "Darkhan-Uul")
    assert profile.barriers == ["Need for money", "Fear of stigma"] and profile.quotes == [SCRIPT]
    widget(at.number_input, 'Share who say others influence their decisions (%)').set_value(86)
    widget(at.text_area, "Influencers, one a line, with the share when known (e.g. 'Friends and peers 62%')").input("Siblings 45%\nParents")
    button(at, "Save influence and agency").click().run()
    profile = load_part(store, campaign.id, "audience_profile")
    assert profile.influenced_share == 86 and [(i.who, i.share) for i in profile.influencers] == [
        ("Siblings", 45.0), ("Parents", None)]
    assert at.get("vega_lite_chart")  # the shares as bars


@pytest.mark.parametrize("field, value, button_label, message", [
    ("Influencers, one a line, with the share when known (e.g. 'Friends and peers 62%')", "Friends 120%", "Save influence and agency", "a share runs from 0 to 100%"),
    ("Barriers (one a line)", "Need for money\nneed for MONEY", "Save barriers, motivators and quotes", "listed twice"),
    ("What they know", LONG + "!", "Save know, feel, do", "What they know is too long (at most 5000 characters)"),
])
def test_profile_bad_input_is_refused(app, fresh, field, value, button_label, message):
    store, campaign, _ = fresh
    at = app(AUDIENCES, campaign=campaign)
    widget(at.text_area, field).input(value)
    button(at, button_label).click().run()
    assert message in texts(at)
    assert store.worksheet(campaign.id, "audience_profile") is None


def test_audiences_on_the_projector(app, ready_store, demo):
    at = projector_app(app, AUDIENCES, demo)
    body = texts(at)
    assert "Young women aged 18–27" in body and "Parents of girls and young women" in body
    assert "Women, aged 18–27, in Ulaanbaatar and Darkhan-Uul" in body
    assert not at.text_input and not at.dataframe
    assert at.get("vega_lite_chart")


# ---- SEM ---------------------------------------------------------------------------------------------------
def test_sem_add_an_influence_and_the_level_warnings(app, fresh):
    store, campaign, _ = fresh
    at = app(SEM, campaign=campaign)
    at.selectbox(key="sem-level").set_value(SEMLevel.interpersonal)
    widget(at.radio, "Direction").set_value(Direction.harms)
    widget(at.select_slider, "Strength").set_value(3)
    widget(at.text_input, "Who or what").input("Friends who pass on job offers")
    widget(at.text_input, "Addressed by (activity or partner)").input("Peer videos")
    button(at, "Add the influence").click().run()
    [inf] = load_part(store, campaign.id, "sem").influences
    assert (inf.level, inf.direction, inf.strength, inf.addressed_by) == (SEMLevel.interpersonal, Direction.harms, 3,
                                                                          "Peer videos")
    warned = texts(at)
    assert "Individual level: nothing mapped" in warned and "Interpersonal level" not in warned
    [rings] = svgs(at)
    assert "Friends who pass on job offers" in drawn_text(rings)


@pytest.mark.parametrize("who, by, message", [("", "", "Influence not saved: Who or what cannot be empty"),
                                              ("Stigma", LONG, "Addressed by is too long")])
def test_sem_bad_input_is_refused(app, fresh, who, by, message):
    store, campaign, _ = fresh
    at = app(SEM, campaign=campaign)
    widget(at.text_input, "Who or what").input(who)
    widget(at.text_input, "Addressed by (activity or partner)").input(by)
    button(at, "Add the influence").click().run()
    assert message in texts(at)
    assert store.worksheet(campaign.id, "sem") is None


def test_sem_duplicate_at_a_level_is_refused_and_editing_works(app, fresh):
    store, campaign, _ = fresh
    add_influence(store, campaign.id, level=SEMLevel.community, who_or_what="Recruiters",
                  direction=Direction.harms)
    at = app(SEM, campaign=campaign)
    at.selectbox(key="sem-level").set_value(SEMLevel.community)
    widget(at.text_input, "Who or what").input("RECRUITERS")
    button(at, "Add the influence").click().run()
    assert "'RECRUITERS' is already at the community level" in texts(at)
    widget(at.text_input, "Addressed by (activity or partner)", last=True).input("Police unit")
    button(at, "Save changes").click().run()
    assert load_part(store, campaign.id, "sem").influences[0].addressed_by == "Police unit"


def test_sem_on_the_projector_draws_escaped_rings(app, fresh):
    store, campaign, _ = fresh
    add_influence(store, campaign.id, level=SEMLevel.societal, who_or_what=SCRIPT, direction=Direction.harms)
    at = projector_app(app, SEM, campaign)
    [rings] = svgs(at)
    assert "<script" not in rings and "&lt;script&gt;" in rings
    assert not at.text_input


# ---- sector lens -----------------------------------------------------------------------------------------------
def test_sector_lens_saves_each_note_when_the_field_is_left(app, fresh):
    store, campaign, _ = fresh
    at = app(SECTOR, campaign=campaign)
    at.text_area(key="sector-recruitment").input("Informal brokers and friends").run()
    assert load_part(store, campaign.id, "sector_lens").recruitment == "Informal brokers and friends"
    at.text_area(key="sector-severity").input(LONG + "!").run()
    assert "Not saved: Severity of exploitation is too long (at most 5000 characters)" in texts(at)
    assert load_part(store, campaign.id, "sector_lens").severity == ""
    assert "Status: in progress. 1 of 5 considerations noted." in texts(at)


def test_sector_lens_on_the_projector(app, fresh):
    store, campaign, _ = fresh
    save_sector(store, campaign.id, sector="Fishing", gender_bias=SCRIPT)
    at = projector_app(app, SECTOR, campaign)
    shown = raw_markdown(at)
    assert r"\<script\>" in shown and "<script>" not in shown
    assert "Who really works in this sector" not in texts(at)  # answered: the prompt gives way to the note
    assert "How are people recruited" in texts(at)  # unanswered: the prompt shows


def test_long_notes_are_cut_for_the_room_and_kept_whole_for_the_facilitator(app, fresh):
    store, campaign, _ = fresh
    note = "word " * 999 + "END"  # 5 000 characters
    save_sector(store, campaign.id, recruitment=note)
    save_profile(store, campaign.id, feels=note, quotes=[note])
    for page in (SECTOR, AUDIENCES):
        shown = raw_markdown(projector_app(app, page, campaign))
        assert "word word" in shown and "END" not in shown and "…" in shown
        assert max(len(line) for line in shown.splitlines()) < 600
    at = app(SECTOR, campaign=campaign)
    assert at.text_area(key="sector-recruitment").value == note


# ---- stakeholders -----------------------------------------------------------------------------------------------
def test_stakeholder_added_with_its_grid_and_roles(app, fresh):
    store, campaign, _ = fresh
    at = app(STAKEHOLDERS, campaign=campaign)
    assert "No stakeholder yet" in texts(at)
    widget(at.text_input, "Organisation").input("NGO hotline")
    widget(at.selectbox, "Type").set_value(OrgType.ngo)
    widget(at.slider, "Influence").set_value(2)
    widget(at.slider, "Interest").set_value(5)
    widget(at.multiselect, "Role in the campaign").set_value([StakeholderRole.service])
    button(at, "Add the stakeholder").click().run()
    [s] = load_part(store, campaign.id, "stakeholders").stakeholders
    assert (s.organisation, s.org_type, s.influence, s.interest, s.roles) == (
        "NGO hotline", OrgType.ngo, 2, 5, [StakeholderRole.service])
    assert "Added: NGO hotline (keep informed)." in texts(at)
    assert at.get("vega_lite_chart")
    assert "No dissemination channel" in texts(at)


def test_stakeholder_duplicate_and_long_names_are_refused(app, fresh):
    store, campaign, _ = fresh
    add_stakeholder(store, campaign.id, organisation="Police", org_type=OrgType.law_enforcement)
    before = store.worksheet(campaign.id, "stakeholders")
    for name, message in ((" POLICE", "'Police' is listed twice"), (LONG, "Organisation is too long")):
        at = app(STAKEHOLDERS, campaign=campaign)
        widget(at.text_input, "Organisation").input(name)
        button(at, "Add the stakeholder").click().run()
        assert message in texts(at)
    assert store.worksheet(campaign.id, "stakeholders") == before


def test_stakeholders_on_the_projector_hide_contact_persons(app, fresh):
    store, campaign, _ = fresh
    add_stakeholder(store, campaign.id, organisation=SCRIPT, org_type=OrgType.ngo, contact_person="Secret Person",
                    roles=[StakeholderRole.service, StakeholderRole.dissemination])
    at = projector_app(app, STAKEHOLDERS, campaign)
    assert at.get("vega_lite_chart")
    assert "Secret Person" not in texts(at) and not at.dataframe
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "Secret Person" not in spec


@pytest.mark.parametrize("page", [FRAMEWORK, AUDIENCES, SEM, SECTOR, STAKEHOLDERS])
def test_every_page_renders_the_example(app, ready_store, demo, page):
    at = app(page, campaign=demo)
    assert "Status: done." in texts(at)
    assert not at.warning  # the example has no gap left
    assert svgs(at) or at.get("vega_lite_chart") or page == SECTOR


# ---- the overview follows the worksheets -----------------------------------------------------------------------
def test_overview_lists_the_audience_worksheets_with_their_status(app, fresh):
    store, campaign, _ = fresh
    save_sector(store, campaign.id, life_and_work="a", recruitment="b", regulation="c", gender_bias="d",
                severity="e")
    at = app("worksheets/overview.py", campaign=campaign)
    body = texts(at)
    assert "Sector lens · PPCD — done" in body
    assert "Audience framework · PPCD — not started" in body
    assert "Social Ecological Model · PPCD — not started" in body

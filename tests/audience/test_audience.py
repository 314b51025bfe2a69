"""Audience analysis: the models' rules, every check and warning (fires / does not fire),
the facilitator's actions, the pictures, progress, report sections and the example."""

from __future__ import annotations

import io
import re
from collections import OrderedDict

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from c4d import backup
from c4d.audience.model import (
    Approach,
    Audience,
    AudienceFramework,
    AudienceProfile,
    AudienceRole,
    Direction,
    EntryKind,
    FrameworkEntry,
    Influence,
    InfluenceShare,
    Level,
    SectorLens,
    SEMLevel,
    SEMMap,
    Side,
    Stakeholder,
    StakeholderMap,
    StakeholderRole,
)
from c4d.audience.checks import (
    Severity,
    audience_findings,
    breadth,
    framework_findings,
    profile_findings,
    quadrant,
    sector_findings,
    sem_findings,
    stakeholder_findings,
    warnings,
)
from c4d.audience.pictures import (
    framework_svg,
    sem_svg,
    stakeholder_svg,
    svg_png,
    text_width,
    wrap,
)
from c4d.audience.commands import (
    add_audience,
    add_entry,
    add_influence,
    add_stakeholder,
    adopt_decision,
    ask_phones,
    audience_from_entry,
    ideas_to_framework,
    remove_entry,
    save_profile,
    save_sector,
    update_audience,
    update_entry,
    update_influence,
    update_stakeholder,
)
from c4d.audience.forms import parse_influencers
from c4d.audience.reading import decisions_to_adopt, load_analysis, load_part
from c4d.audience.worksheet import AUDIENCES, FRAMEWORK, SECTOR_LENS, SEM, STAKEHOLDERS
from c4d.demo.example import load_demo
from c4d import pictures as charts
from c4d.report_writer import ReportWriter
from c4d.export.workshop_report import build_workshop_report
from c4d.ideas.model import Idea
from c4d.models import Campaign, DecisionTopic, OrgType, SessionKind
from c4d.phones.model import Showing
from c4d.db.store import Store
from c4d.worksheet import Status, registered
from tests.fixtures_store import add_campaign, add_session, decision

SCRIPT = "<script>alert(1)</script>"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def db() -> Store:
    return Store("sqlite://")


@pytest.fixture
def campaign(db) -> Campaign:
    return add_campaign(db, "Safe Journeys")


def entry(side="origin", level="individual", who="Young women 18–27", kind="audience", **kw) -> FrameworkEntry:
    return FrameworkEntry(side=side, level=level, who=who, kind=kind, **kw)


def codes(findings) -> set[str]:
    return {f.code for f in findings}


# ---- the models' own rules ---------------------------------------------------------------------------
def test_framework_refuses_the_same_entry_twice_in_a_cell_ignoring_case_and_spaces():
    with pytest.raises(ValidationError, match="already in the cell"):
        AudienceFramework(entries=[entry(who="Parents"), entry(who="  PARENTS ")])
    # the same words in another cell, or as an activity, are different notes
    AudienceFramework(entries=[entry(who="Parents"), entry(who="parents", side="destination"),
                               entry(who="Parents", kind="activity")])


def test_profile_lists_refuse_repeats_and_drop_blank_quotes():
    with pytest.raises(ValidationError, match="listed twice"):
        AudienceProfile(barriers=["Need for money", "need  for money"])
    with pytest.raises(ValidationError, match="listed twice"):
        AudienceProfile(influencers=[InfluenceShare(who="Friends"), InfluenceShare(who="friends", share=20)])
    assert AudienceProfile(quotes=["  ", "In my words"]).quotes == ["In my words"]


def test_sem_and_stakeholders_refuse_duplicates():
    with pytest.raises(ValidationError, match="already at the community level"):
        SEMMap(influences=[Influence(level="community", who_or_what="Recruiters", direction="harms"),
                           Influence(level="community", who_or_what="recruiters ", direction="helps")])
    SEMMap(influences=[Influence(level="community", who_or_what="Recruiters", direction="harms"),
                       Influence(level="societal", who_or_what="Recruiters", direction="harms")])
    with pytest.raises(ValidationError, match="listed twice"):
        StakeholderMap(stakeholders=[Stakeholder(organisation="Police", org_type="law_enforcement"),
                                     Stakeholder(organisation="POLICE", org_type="law_enforcement")])
    s = Stakeholder(organisation="NGO", org_type="ngo", roles=["service", "service", "dissemination"])
    assert s.roles == [StakeholderRole.service, StakeholderRole.dissemination]


def test_text_limits_hold_at_5000_characters():
    FrameworkEntry(side="origin", level="individual", who="x", why="w" * 5000)
    with pytest.raises(ValidationError):
        FrameworkEntry(side="origin", level="individual", who="x", why="w" * 5001)
    with pytest.raises(ValidationError):
        FrameworkEntry(side="origin", level="individual", who="w" * 5000)


# ---- framework checks --------------------------------------------------------------------------------
def test_empty_framework_prompts_where_to_start():
    found = framework_findings(AudienceFramework())
    assert codes(found) == {"framework_empty"} and not warnings(found)


def test_nothing_on_the_destination_side_is_warned():
    fw = AudienceFramework(entries=[entry(), entry(level="community", who="Parents")])
    assert "no_destination" in codes(warnings(framework_findings(fw)))
    fw = AudienceFramework(entries=[*fw.entries, entry(side="destination", level="community", who="Employers")])
    assert "no_destination" not in codes(framework_findings(fw))


def test_a_destination_activity_alone_does_not_count_as_a_demand_audience():
    fw = AudienceFramework(entries=[entry(), entry(level="community", who="Parents"),
                                    entry(side="destination", level="community", who="Posters", kind="activity")])
    assert "no_destination" in codes(framework_findings(fw))


def test_nothing_on_the_origin_side_is_warned():
    fw = AudienceFramework(entries=[entry(side="destination", level="community", who="Employers")])
    assert "no_origin" in codes(framework_findings(fw))
    assert "no_origin" not in codes(framework_findings(AudienceFramework(entries=[*fw.entries, entry()])))


def test_individual_audience_without_community_support_is_warned_per_side():
    fw = AudienceFramework(entries=[entry(), entry(side="destination", level="community", who="Employers")])
    found = codes(framework_findings(fw))
    assert "individual_without_community_origin" in found
    assert "individual_without_community_destination" not in found
    # an activity at the community level is support too
    fw = AudienceFramework(entries=[*fw.entries, entry(level="community", who="Talks in schools", kind="activity")])
    assert "individual_without_community_origin" not in codes(framework_findings(fw))


def test_cell_with_audiences_but_no_activity_is_a_prompt_not_a_warning():
    fw = AudienceFramework(entries=[entry()])
    found = {f.code: f for f in framework_findings(fw)}
    assert found["no_activity_origin_individual"].severity is Severity.prompt
    fw = AudienceFramework(entries=[entry(), entry(who="Video", kind="activity")])
    assert "no_activity_origin_individual" not in codes(framework_findings(fw))


def test_only_activities_prompts_to_name_audiences():
    assert "framework_no_audience" in codes(framework_findings(AudienceFramework(entries=[entry(kind="activity")])))
    assert "framework_no_audience" not in codes(framework_findings(AudienceFramework(entries=[entry()])))


# ---- how broad the primary audience is -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["Youth", "the public", "The General Public", "Everyone", "women", "People",
                                  "Fishermen", "Young women", "Youth in Ulaanbaatar", "Girls under 18"])
def test_broad_audiences_are_flagged(name):
    found = breadth(name)
    assert found is not None and found.code == "too_broad" and found.severity is Severity.warning


@pytest.mark.parametrize("name", ["Young women aged 18–27 in Ulaanbaatar", "Youth aged 15-24 in Darkhan",
                                  "Students with seasonal part-time jobs", "Parents of girls and young women",
                                  "Women 18+ from rural Khovd", ""])
def test_narrow_audiences_pass(name):
    assert breadth(name) is None


def test_the_profile_can_narrow_a_broad_group_but_not_everyone():
    narrow = AudienceProfile(age_band="18–27", location="Darkhan-Uul")
    assert breadth("Young women", narrow) is None
    assert breadth("Young women", AudienceProfile(age_band="18–27")).message.count("a location") == 1
    assert breadth("The public", narrow) is not None  # no profile makes 'everyone' a target


def test_audience_findings_fire_and_clear():
    assert codes(audience_findings([])) >= {"no_primary", "no_secondary", "no_tertiary"}
    audiences = [Audience(role="primary", name="Youth", approach="bcc"),
                 Audience(role="secondary", name="Parents", approach="social_mobilisation"),
                 Audience(role="tertiary", name="Police", approach="advocacy")]
    assert codes(warnings(audience_findings(audiences))) == {"too_broad"}
    audiences[0] = audiences[0].model_copy(update={"name": "Young women aged 18–27 in Darkhan"})
    assert not warnings(audience_findings(audiences))


def test_primary_audience_differing_from_the_ppcd_decision_is_warned(campaign):
    d = decision(campaign, topic=DecisionTopic.primary_audience, choice="Young women aged 18–27")
    primary = Audience(role="primary", name="Students in Darkhan aged 18-22", approach="bcc")
    assert "primary_differs_from_decision" in codes(audience_findings([primary], decisions=[d]))
    same = primary.model_copy(update={"name": "young women aged 18–27"})
    assert "primary_differs_from_decision" not in codes(audience_findings([same], decisions=[d]))
    linked = primary.model_copy(update={"decision_id": d.id})
    assert "primary_differs_from_decision" not in codes(audience_findings([linked], decisions=[d]))
    assert "PPCD decided on 'Young women aged 18–27'" in next(
        f.message for f in audience_findings([], decisions=[d]) if f.code == "no_primary")


def test_unusual_approach_and_missing_links_are_prompts():
    fw = AudienceFramework(entries=[entry()])
    a = Audience(role="tertiary", name="Police", approach="bcc")
    found = {f.code.split("_")[0]: f for f in audience_findings([a], fw)}
    assert found["unusual"].severity is Severity.prompt and "advocacy" in found["unusual"].message
    assert found["unlinked"].severity is Severity.prompt
    linked = a.model_copy(update={"approach": Approach.advocacy, "framework_entry_ids": [fw.entries[0].id]})
    assert not any(f.code.startswith(("unusual", "unlinked")) for f in audience_findings([linked], fw))


def test_profile_findings_list_what_is_missing_and_clear_when_complete():
    empty = profile_findings(AudienceProfile(), None)
    assert codes(empty) >= {"profile_without_primary", "profile_who", "profile_kfd", "profile_quotes"}
    complete = AudienceProfile(age_band="18–27", sex="Women", location="Darkhan", occupation="Students",
                               knows="k", feels="f", does="d", platforms=["Facebook"],
                               influencers=[InfluenceShare(who="Friends", share=60)], influenced_share=80,
                               agency="a", barriers=["b"], motivators=["m"], quotes=["q"])
    primary = Audience(role="primary", name="Young women", approach="bcc")
    assert profile_findings(complete, primary) == []
    partial = complete.model_copy(update={"influenced_share": None})
    assert codes(profile_findings(partial, primary)) == {"profile_influenced_share"}


# ---- SEM checks -------------------------------------------------------------------------------------------
def influence(level="individual", who="Low awareness", direction="harms", strength=2, by="Chatbot"):
    return Influence(level=level, who_or_what=who, direction=direction, strength=strength, addressed_by=by)


def test_a_level_with_no_activity_or_partner_is_warned():
    sem = SEMMap(influences=[influence(), influence("interpersonal", "Friends", by="")])
    found = codes(warnings(sem_findings(sem)))
    assert "sem_no_activity_individual" not in found
    assert {"sem_no_activity_interpersonal", "sem_no_activity_community", "sem_no_activity_societal"} <= found
    full = SEMMap(influences=[influence(level, f"Thing {level.value}") for level in SEMLevel])
    assert not warnings(sem_findings(full))


def test_the_sem_warning_names_stakeholders_at_that_level():
    sem = SEMMap(influences=[influence()])
    police = Stakeholder(organisation="Police unit", org_type="law_enforcement", sem_level="community")
    message = next(f.message for f in sem_findings(sem, [police]) if f.code == "sem_no_activity_community")
    assert "'Police unit'" in message


def test_strong_harm_unaddressed_and_only_harms_are_prompts():
    sem = SEMMap(influences=[influence(strength=3, by="")])
    found = codes(sem_findings(sem))
    assert any(c.startswith("sem_strong_harm") for c in found) and "sem_no_helps" in found
    fixed = SEMMap(influences=[influence(strength=3), influence(who="Uses Facebook", direction="helps")])
    assert not any(c.startswith("sem_strong_harm") or c == "sem_no_helps" for c in codes(sem_findings(fixed)))


def test_empty_sem_is_one_prompt():
    assert [f.code for f in sem_findings(SEMMap())] == ["sem_empty"]


# ---- sector lens and stakeholders ---------------------------------------------------------------------------
def test_sector_prompts_for_each_empty_consideration():
    assert codes(sector_findings(SectorLens())) == {"sector_name", "sector_life_and_work", "sector_recruitment",
                                                    "sector_regulation", "sector_gender_bias", "sector_severity"}
    lens = SectorLens(sector="Fishing", life_and_work="a", recruitment="b", regulation="c", gender_bias="d",
                      severity="e")
    assert sector_findings(lens) == []
    assert [label for label, _ in lens.notes()][0] == "Life and work context"


@pytest.mark.parametrize("influence_, interest, expected", [(5, 5, "Manage closely"), (3, 3, "Manage closely"),
                                                            (4, 2, "Keep satisfied"), (2, 4, "Keep informed"),
                                                            (1, 2, "Monitor")])
def test_quadrants(influence_, interest, expected):
    assert quadrant(Stakeholder(organisation="x", org_type="ngo", influence=influence_, interest=interest)) == expected


def test_stakeholder_findings_fire_and_clear():
    assert codes(stakeholder_findings([])) == {"stakeholders_empty"}
    media = Stakeholder(organisation="Media", org_type="media", roles=["dissemination"])
    found = codes(stakeholder_findings([media]))
    assert "no_service" in found and "no_dissemination" not in found and "no_content_review" in found
    hotline = Stakeholder(organisation="Hotline", org_type="ngo", roles=["service", "content_review"])
    assert not warnings(stakeholder_findings([media, hotline]))
    silent = Stakeholder(organisation="Ministry", org_type="government", influence=5, interest=1)
    assert f"no_role_{silent.id}" in codes(stakeholder_findings([media, hotline, silent]))
    unaware = silent.model_copy(update={"roles": [StakeholderRole.dissemination]})
    assert f"keep_satisfied_{unaware.id}" in codes(stakeholder_findings([unaware]))


# ---- actions ---------------------------------------------------------------------------------------------------
def test_add_entry_saves_at_once_and_refuses_bad_input_without_saving(db, campaign):
    add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who="Young women", why="Most at risk")
    assert [e.who for e in load_part(db, campaign.id, "audience_framework").entries] == ["Young women"]
    for who, message in (("   ", "Who cannot be empty"), (" young  WOMEN", "already in the cell"),
                         ("x" * 5000, "Who is too long (at most 200 characters)")):
        with pytest.raises(ValueError, match=re.escape(message)):
            add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who=who)
    with pytest.raises(ValueError, match=re.escape("Why it matters is too long (at most 5000 characters)")):
        add_entry(db, campaign.id, side=Side.origin, level=Level.community, who="Parents", why="w" * 5001)
    assert len(load_part(db, campaign.id, "audience_framework").entries) == 1


def test_update_and_remove_entry_keep_audience_links_consistent(db, campaign):
    e = add_entry(db, campaign.id, side=Side.origin, level=Level.community, who="Parents")
    other = add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who="Young women")
    a = add_audience(db, campaign.id, role=AudienceRole.secondary, name="Parents", framework_entry_ids=[e.id, other.id])
    moved = update_entry(db, campaign.id, e.id, side=Side.destination)
    assert moved.side is Side.destination and moved.who == "Parents"
    with pytest.raises(ValueError, match="already in the cell"):
        update_entry(db, campaign.id, other.id, side=Side.destination, level=Level.community, who="PARENTS")
    remove_entry(db, campaign.id, e.id)
    assert [x.id for x in load_part(db, campaign.id, "audience_framework").entries] == [other.id]
    assert load_part(db, campaign.id, "audiences").audiences[0].framework_entry_ids == [other.id]
    assert a.approach is Approach.social_mobilisation  # the usual approach for the role
    with pytest.raises(ValueError, match="no longer there"):
        update_entry(db, campaign.id, e.id, who="Gone")


def test_ideas_from_phones_go_on_the_board_once(db, campaign):
    session = add_session(db, campaign)
    ideas = [Idea(campaign_id=campaign.id, session_id=session.id, text=t)
             for t in ("Bar owners", "Clients", "x" * 250)]
    db.save_ideas(ideas)
    added, skipped = ideas_to_framework(db, campaign.id, ideas, side=Side.destination, level=Level.community)
    assert (added, skipped) == (3, 0)
    fw = load_part(db, campaign.id, "audience_framework")
    assert {e.source for e in fw.entries} == {"phone"} and {e.idea_id for e in fw.entries} == {i.id for i in ideas}
    long = next(e for e in fw.entries if e.idea_id == ideas[2].id)
    assert len(long.who) == 200 and long.why == "x" * 250  # the whole idea is kept
    again = Idea(campaign_id=campaign.id, session_id=session.id, text="bar  OWNERS")
    assert ideas_to_framework(db, campaign.id, [ideas[0], again], side=Side.destination,
                              level=Level.community) == (0, 2)
    with pytest.raises(ValueError, match="Choose at least one idea"):
        ideas_to_framework(db, campaign.id, [], side=Side.origin, level=Level.community)


def test_asking_the_phones_opens_the_idea_board_with_the_cell_question(db, campaign):
    session = add_session(db, campaign)
    state = ask_phones(db, session.id, Side.destination, Level.community)
    assert state.showing is Showing.ideas and "create the demand" in state.idea_prompt


def test_primary_audience_from_the_ppcd_decision_in_one_step(db, campaign):
    d = db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice="Young women aged 18–27",
                                 rationale="Most at risk."))
    assert [x.id for x in decisions_to_adopt(db, campaign.id)] == [d.id]
    message = adopt_decision(db, campaign.id, d)
    [primary] = load_part(db, campaign.id, "audiences").audiences
    assert (primary.role, primary.name, primary.approach, primary.decision_id, primary.description) == (
        AudienceRole.primary, "Young women aged 18–27", Approach.bcc, d.id, "Most at risk.")
    assert "primary audience" in message
    assert decisions_to_adopt(db, campaign.id) == []


def test_adopting_a_decision_keeps_the_previous_primary_as_secondary(db, campaign):
    add_audience(db, campaign.id, role=AudienceRole.primary, name="Students")
    d = db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice="Young women aged 18–27"))
    message = adopt_decision(db, campaign.id, d)
    roles = {a.name: (a.role, a.approach) for a in load_part(db, campaign.id, "audiences").audiences}
    assert roles == {"Students": (AudienceRole.secondary, Approach.social_mobilisation),
                     "Young women aged 18–27": (AudienceRole.primary, Approach.bcc)}
    assert "'Students' is kept as a secondary audience" in message


def test_adopting_a_decision_promotes_an_audience_of_the_same_name(db, campaign):
    add_audience(db, campaign.id, role=AudienceRole.primary, name="Students")
    add_audience(db, campaign.id, role=AudienceRole.secondary, name="young women aged 18–27")
    d = db.add_decision(decision(campaign, topic=DecisionTopic.primary_audience, choice="Young women aged 18–27"))
    adopt_decision(db, campaign.id, d)
    audiences = load_part(db, campaign.id, "audiences").audiences
    assert len(audiences) == 2
    assert {a.name: a.role for a in audiences} == {"Students": AudienceRole.secondary,
                                                   "young women aged 18–27": AudienceRole.primary}
    assert next(a for a in audiences if a.role is AudienceRole.primary).decision_id == d.id


def test_secondary_decision_and_refusals(db, campaign):
    d = db.add_decision(decision(campaign, topic=DecisionTopic.secondary_audience, choice="Parents"))
    adopt_decision(db, campaign.id, d)
    [parents] = load_part(db, campaign.id, "audiences").audiences
    assert parents.role is AudienceRole.secondary and parents.decision_id == d.id
    with pytest.raises(ValueError, match="Only a decision on the primary or the secondary"):
        adopt_decision(db, campaign.id, decision(campaign, topic=DecisionTopic.area, choice="Darkhan"))
    add_audience(db, campaign.id, role=AudienceRole.primary, name="Young women")
    clash = db.add_decision(decision(campaign, topic=DecisionTopic.secondary_audience, choice="YOUNG WOMEN"))
    with pytest.raises(ValueError, match="already the primary audience"):
        adopt_decision(db, campaign.id, clash)


def test_audience_refusals_save_nothing(db, campaign):
    add_audience(db, campaign.id, role=AudienceRole.primary, name="Young women aged 18–27")
    before = db.worksheet(campaign.id, "audiences")
    with pytest.raises(ValueError, match="listed twice"):
        add_audience(db, campaign.id, role=AudienceRole.secondary, name=" young women AGED 18–27")
    with pytest.raises(ValueError, match="one primary audience"):
        add_audience(db, campaign.id, role=AudienceRole.primary, name="Parents")
    with pytest.raises(ValueError, match="Name cannot be empty"):
        add_audience(db, campaign.id, role=AudienceRole.tertiary, name="")
    assert db.worksheet(campaign.id, "audiences") == before


def test_audience_from_a_framework_entry_is_linked(db, campaign):
    e = add_entry(db, campaign.id, side=Side.destination, level=Level.community, who="Employers", why="Demand")
    a = audience_from_entry(db, campaign.id, e.id, AudienceRole.tertiary)
    assert (a.name, a.description, a.framework_entry_ids, a.approach) == ("Employers", "Demand", [e.id],
                                                                         Approach.advocacy)
    moved = update_audience(db, campaign.id, a.id, role=AudienceRole.secondary)
    assert moved.role is AudienceRole.secondary


@pytest.mark.parametrize("text, expected", [
    ("Friends and peers 62%", [("Friends and peers", 62.0)]),
    ("Siblings: 45 %\nParents\n\nSpouse — 12.5%", [("Siblings", 45.0), ("Parents", None), ("Spouse", 12.5)]),
    ("Aunt, 7,5%", [("Aunt", 7.5)]),
])
def test_influencers_are_read_one_a_line(text, expected):
    assert [(i.who, i.share) for i in parse_influencers(text)] == expected


@pytest.mark.parametrize("text, message", [("Friends 120%", "a share runs from 0 to 100%"),
                                           ("62%", "write who influences them"),
                                           ("Friends\nfriends", "listed twice")])
def test_influencer_lines_that_cannot_be_read_are_refused(db, campaign, text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        save_profile(db, campaign.id, influencers=parse_influencers(text))
    assert db.worksheet(campaign.id, "audience_profile") is None


def test_profile_parts_are_saved_separately(db, campaign):
    save_profile(db, campaign.id, age_band="18–27", location="Darkhan")
    save_profile(db, campaign.id, barriers=["Need for money"])
    profile = load_part(db, campaign.id, "audience_profile")
    assert (profile.age_band, profile.location, profile.barriers) == ("18–27", "Darkhan", ["Need for money"])
    with pytest.raises(ValueError, match="Barriers: 'a' is listed twice"):
        save_profile(db, campaign.id, barriers=["a", "A"])
    assert load_part(db, campaign.id, "audience_profile").barriers == ["Need for money"]


def test_refusals_say_which_item_of_a_list_and_never_name_the_list_twice(db, campaign):
    with pytest.raises(ValueError) as refused:
        save_profile(db, campaign.id, quotes=["Fine", "q" * 5001], motivators=["m" * 201])
    assert str(refused.value) == ("Motivators (number 1) is too long (at most 200 characters); "
                                  "Quotes (number 2) is too long (at most 5000 characters)")
    add_influence(db, campaign.id, level="community", who_or_what="Recruiters", direction="harms")
    with pytest.raises(ValueError) as refused:
        add_influence(db, campaign.id, level="community", who_or_what=" recruiters", direction="helps")
    assert str(refused.value) == "'recruiters' is already at the community level"
    assert load_part(db, campaign.id, "audience_profile").quotes == []


def test_sector_and_stakeholder_actions(db, campaign):
    save_sector(db, campaign.id, recruitment="Brokers")
    save_sector(db, campaign.id, severity="Severe")
    assert [label for label, _ in load_part(db, campaign.id, "sector_lens").notes()] == ["Recruitment",
                                                                                         "Severity of exploitation"]
    with pytest.raises(ValueError, match=re.escape("Regulation is too long")):
        save_sector(db, campaign.id, regulation="r" * 5001)
    s = add_stakeholder(db, campaign.id, organisation="Police", org_type=OrgType.law_enforcement, influence=5)
    with pytest.raises(ValueError, match="Influence"):
        update_stakeholder(db, campaign.id, s.id, influence=6)
    with pytest.raises(ValueError, match="listed twice"):
        add_stakeholder(db, campaign.id, organisation="police", org_type=OrgType.law_enforcement)
    assert load_part(db, campaign.id, "stakeholders").stakeholders[0].influence == 5


# ---- pictures -----------------------------------------------------------------------------------------------
def svg_text(svg: str) -> str:
    return re.sub(r"<[^>]+>", "", svg)


def test_pictures_escape_user_text_and_render_offline():
    fw = AudienceFramework(entries=[entry(who=SCRIPT, why='"quoted" & <b>bold</b>'),
                                    entry(side="destination", who="Мөрөөдлийн шүхэр")])
    svg = framework_svg(fw)
    assert "<script" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    sem = SEMMap(influences=[influence(who=SCRIPT, by="<img src=x onerror=alert(1)>")])
    ring = sem_svg(sem)
    assert "<script" not in ring and "<img" not in ring and "&lt;img" in ring
    for picture in (svg, ring):
        png = svg_png(picture)
        assert png is not None and png.startswith(PNG)
    grid = stakeholder_svg([Stakeholder(organisation=SCRIPT, org_type="ngo")])
    assert "<script" not in grid and "&lt;script&gt;" in grid
    png = svg_png(grid)
    assert png is not None and png.startswith(PNG)


def test_the_board_shows_the_gaps_and_phone_notes():
    fw = AudienceFramework(entries=[entry(), entry(who="Video", kind="activity", source="phone")])
    svg = framework_svg(fw)
    assert "Who creates the demand here?" in svg_text(svg)
    assert 'stroke-dasharray="6 4"' in svg  # the note sent from a phone
    balanced = AudienceFramework(entries=[*fw.entries, entry(level="community", who="Parents"),
                                          entry(side="destination", level="community", who="Employers")])
    assert "Who creates the demand here?" not in svg_text(framework_svg(balanced))


def test_a_crowded_board_says_how_many_more():
    fw = AudienceFramework(entries=[entry(who=f"Audience number {n} with a rather long description") for n in range(60)])
    assert re.search(r"\+ \d+ more", svg_text(framework_svg(fw)))


def test_sem_rings_mark_levels_nobody_addresses():
    sem = SEMMap(influences=[influence(), influence("societal", "Stigma", by="")])
    text = svg_text(sem_svg(sem))
    assert text.count("No activity or partner yet") == 3  # interpersonal, community, societal
    assert "nothing addresses it yet" in text


@pytest.mark.parametrize("why", ["ก" * 5000, "https://example.org/" + "a" * 4980, "word " * 1000])
def test_a_5000_character_note_is_laid_out_as_cheaply_as_a_short_one(monkeypatch, why):
    """Thai, Khmer or Myanmar text runs on without spaces, and so does a pasted link: laying
    out such a note must not measure it over and over (that froze the board for minutes)."""
    import c4d.audience.pictures as drawings

    measure = drawings.wrap.__globals__["text_width"]
    measured = 0

    def counted(text, *args, **kwargs):
        nonlocal measured
        measured += len(text)
        if measured > 200_000:  # a whole example board measures about 55 000 characters
            raise AssertionError("the note is measured over and over")
        return measure(text, *args, **kwargs)

    monkeypatch.setitem(drawings.wrap.__globals__, "text_width", counted)
    svg = framework_svg(AudienceFramework(entries=[entry(who="Migrants", why=why)]))
    assert why.split()[0][:12] in svg_text(svg) and "…" in svg_text(svg)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=300), st.integers(8, 40), st.integers(20, 600), st.integers(1, 4))
def test_wrapping_never_exceeds_its_lines(text, size, width, max_lines):
    wrapped = wrap(text, size, width, max_lines)
    assert 1 <= len(wrapped) <= max_lines
    assert all(text_width(line, size) <= width + size for line in wrapped)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=120).filter(lambda t: t.strip()), min_size=0, max_size=12, unique_by=lambda t: " ".join(t.split()).casefold()))
def test_any_framework_text_draws_as_valid_xml(names):
    import xml.dom.minidom

    try:
        fw = AudienceFramework(entries=[entry(who=n) for n in names])
    except ValidationError:
        return
    xml.dom.minidom.parseString(framework_svg(fw))


# ---- progress ------------------------------------------------------------------------------------------------
def test_progress_of_each_worksheet_follows_content(db, campaign):
    for worksheet in (SECTOR_LENS, FRAMEWORK, AUDIENCES, SEM, STAKEHOLDERS):
        assert worksheet.progress(db, campaign).status is Status.not_started, worksheet.key

    save_sector(db, campaign.id, life_and_work="Dormitories")
    assert SECTOR_LENS.progress(db, campaign).status is Status.in_progress
    save_sector(db, campaign.id, recruitment="a", regulation="b", gender_bias="c", severity="d")
    assert SECTOR_LENS.progress(db, campaign).status is Status.done

    add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who="Young women")
    p = FRAMEWORK.progress(db, campaign)
    assert p.status is Status.in_progress and "destination" in p.next_action
    add_entry(db, campaign.id, side=Side.origin, level=Level.community, who="Parents")
    add_entry(db, campaign.id, side=Side.destination, level=Level.community, who="Employers")
    assert "activity" in FRAMEWORK.progress(db, campaign).next_action
    add_entry(db, campaign.id, side=Side.destination, level=Level.community, who="Posters", kind=EntryKind.activity)
    assert FRAMEWORK.progress(db, campaign).status is Status.done

    add_audience(db, campaign.id, role=AudienceRole.primary, name="Youth")
    p = AUDIENCES.progress(db, campaign)
    assert p.status is Status.in_progress and "broad" in p.next_action
    update_audience(db, campaign.id, load_part(db, campaign.id, "audiences").audiences[0].id,
                    name="Young women aged 18–27 in Darkhan")
    add_audience(db, campaign.id, role=AudienceRole.secondary, name="Parents")
    add_audience(db, campaign.id, role=AudienceRole.tertiary, name="Police")
    assert "Profile" in AUDIENCES.progress(db, campaign).next_action
    save_profile(db, campaign.id, age_band="18–27", sex="Women", location="Darkhan", occupation="Students",
                 knows="k", feels="f", does="d", platforms=["Facebook"], influenced_share=80, barriers=["b"],
                 motivators=["m"])
    assert AUDIENCES.progress(db, campaign).status is Status.done

    for level in SEMLevel:
        add_influence(db, campaign.id, level=level, who_or_what=f"At {level.value}", direction=Direction.harms,
                      addressed_by="" if level is SEMLevel.societal else "Partner")
    p = SEM.progress(db, campaign)
    assert p.status is Status.in_progress and "Societal" in p.next_action and "3 of 4" in p.detail
    sem = load_part(db, campaign.id, "sem")

    update_influence(db, campaign.id, sem.at(SEMLevel.societal)[0].id, addressed_by="Ministry")
    assert SEM.progress(db, campaign).status is Status.done

    add_stakeholder(db, campaign.id, organisation="Media", org_type=OrgType.media, roles=["dissemination"])
    assert "service" in STAKEHOLDERS.progress(db, campaign).next_action
    add_stakeholder(db, campaign.id, organisation="Hotline", org_type=OrgType.ngo, roles=["service"])
    assert STAKEHOLDERS.progress(db, campaign).status is Status.done


def test_worksheets_are_registered_in_journey_order_after_the_decisions():
    keys = [w.key for w in registered()]
    assert keys.index("decisions") < keys.index("sector_lens") < keys.index("audience_framework") < keys.index(
        "audiences") < keys.index("sem") < keys.index("stakeholders")


# ---- report sections -------------------------------------------------------------------------------------------
def filled(db, campaign):
    add_entry(db, campaign.id, side=Side.origin, level=Level.individual, who=SCRIPT, why="Мөрөөдлийн шүхэр")
    add_influence(db, campaign.id, level=SEMLevel.community, who_or_what="Recruiters", direction=Direction.harms,
                  addressed_by=SCRIPT)
    add_stakeholder(db, campaign.id, organisation="Hotline", org_type=OrgType.ngo, roles=["service"],
                    contact_person="+976 9911 0000 secret")
    save_sector(db, campaign.id, recruitment=SCRIPT)
    add_audience(db, campaign.id, role=AudienceRole.primary, name="Young women aged 18–27")
    save_profile(db, campaign.id, influencers=parse_influencers("Friends 62%"), quotes=["In my words"])


@pytest.mark.parametrize("kind, included", [(SessionKind.ppcd, True), (SessionKind.media_camp_1, True),
                                            (SessionKind.media_camp_2, False), (SessionKind.showcase, False)])
def test_audience_sections_go_to_the_ppcd_and_media_camp_1_reports(db, campaign, kind, included):
    filled(db, campaign)
    session = add_session(db, campaign, kind=kind)
    for worksheet in (SECTOR_LENS, FRAMEWORK, AUDIENCES, SEM, STAKEHOLDERS):
        assert worksheet.report_section(db, campaign, session, ReportWriter()) is included, worksheet.key


def test_empty_worksheets_write_no_section(db, campaign):
    session = add_session(db, campaign)
    for worksheet in (SECTOR_LENS, FRAMEWORK, AUDIENCES, SEM, STAKEHOLDERS):
        assert worksheet.report_section(db, campaign, session, ReportWriter()) is False


def test_report_carries_pictures_tables_and_escaped_text(db, campaign):
    filled(db, campaign)
    session = add_session(db, campaign, "PPCD Darkhan")
    document = docx.Document(io.BytesIO(build_workshop_report(db, campaign.id, session.id)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for title in ("Sector lens", "Audience framework", "Audiences", "Social Ecological Model", "Stakeholder map"):
        assert title in headings
    # framework board, influencer shares, SEM rings, stakeholder grid
    assert len(document.inline_shapes) == 4
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert SCRIPT in cells and "Мөрөөдлийн шүхэр" in cells
    assert not any("secret" in c for c in cells)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "“In my words”" in text and "secret" not in text
    assert "Nothing on the destination / demand side" in text  # open gaps are listed


def test_a_broken_picture_renderer_leaves_the_tables(db, campaign, monkeypatch):
    import vl_convert

    filled(db, campaign)
    session = add_session(db, campaign)
    monkeypatch.setattr(vl_convert, "svg_to_png", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    monkeypatch.setattr(charts, "_CACHE", OrderedDict())  # nothing drawn earlier in this process
    writer = ReportWriter()
    assert FRAMEWORK.report_section(db, campaign, session, writer)
    document = docx.Document(io.BytesIO(writer.to_bytes()))
    assert len(document.inline_shapes) == 0 and document.tables


# ---- the example ---------------------------------------------------------------------------------------------------
def test_example_has_a_complete_audience_analysis_from_its_decisions():
    db = Store("sqlite://")
    campaign = load_demo(db)
    analysis = load_analysis(db, campaign.id)
    decisions = {d.topic: d for d in db.decisions(campaign.id)}
    assert analysis.primary.name == "Young women aged 18–27"
    assert analysis.primary.decision_id == decisions[DecisionTopic.primary_audience].id
    assert analysis.profile.location == "Ulaanbaatar and Darkhan-Uul" and analysis.profile.age_band == "18–27"
    parents = next(a for a in analysis.by_role(AudienceRole.secondary) if a.name.startswith("Parents"))
    assert parents.decision_id == decisions[DecisionTopic.secondary_audience].id
    tertiary = " ".join(a.name for a in analysis.by_role(AudienceRole.tertiary)).lower()
    for who in ("police", "prosecutors", "coordination council", "ngos", "media", "private sector"):
        assert who in tertiary
    context = " ".join(i.who_or_what for i in analysis.sem.influences).lower()
    assert "rural-to-urban migration" in context and "seasonal jobs" in context and "irregular income" in context
    assert "illustrative" in analysis.profile.evidence
    for worksheet in (SECTOR_LENS, FRAMEWORK, AUDIENCES, SEM, STAKEHOLDERS):
        assert worksheet.progress(db, campaign).status is Status.done, worksheet.key
    assert decisions_to_adopt(db, campaign.id) == []
    entry_ids = {e.id for e in analysis.framework.entries}
    assert all(set(a.framework_entry_ids) <= entry_ids and a.framework_entry_ids for a in analysis.audiences)
    # the brief reads the sector lens notes in order
    assert [label for label, _ in analysis.sector.notes()] == ["Life and work context", "Recruitment", "Regulation",
                                                               "Gender bias", "Severity of exploitation"]


def test_loading_the_example_audience_twice_changes_nothing():
    from c4d.demo import audience as audience_demo

    db = Store("sqlite://")
    campaign = load_demo(db)
    before = db.worksheets(campaign.id)
    assert audience_demo.load(db, campaign) is False
    assert load_demo(db).id == campaign.id
    assert db.worksheets(campaign.id) == before


def test_a_backup_copy_keeps_the_analysis_and_relinks_the_decision():
    db = Store("sqlite://")
    campaign = load_demo(db)
    document = backup.campaign_document(db, campaign.id)
    copy = backup.duplicate_campaign(db, campaign.id, "Copy")
    original, copied = load_analysis(db, campaign.id), load_analysis(db, copy.id)
    assert copied.framework == original.framework and copied.sem == original.sem
    decided = {d.topic: d.id for d in db.decisions(copy.id)}
    assert copied.primary.decision_id == decided[DecisionTopic.primary_audience] != original.primary.decision_id
    assert document["worksheets"]["audiences"]

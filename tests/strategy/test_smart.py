"""SMART objectives: every check fires on a bad objective and stays silent on a good one;
the sentence writer never fails; audiences link by id and by name; edits persist."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from c4d.strategy.commands import remove_objective, save_objective
from c4d.strategy.model import (
    OBJECTIVES,
    AudienceOption,
    AudienceRef,
    Direction,
    KAPElement,
    Measure,
    Objective,
    resolve,
    shown_name,
)
from c4d.strategy.smart_checks import CHECKS, check
from c4d.strategy.wording import parse_number, result_line, sentence, short_sentence, shown_value, status
from c4d.strategy.worksheet import SmartObjectivesWorksheet, known_audiences, load_objectives
from c4d.audience.commands import save_part
from c4d.audience.model import Approach, Audience, AudienceRole, Audiences
from c4d.models import Campaign, Decision, DecisionTopic
from c4d.worksheet import Status

TODAY = date(2021, 1, 15)
PRIMARY = AudienceOption("a1", "Young women aged 18–27", AudienceRole.primary)
PARENTS = AudienceOption("a2", "Parents of girls and young women", AudienceRole.secondary)
AUDIENCES = [PRIMARY, PARENTS]


def good(**changes) -> Objective:
    """A SMART objective that passes every check; each test breaks one part of it."""
    base = dict(
        audience=AudienceRef(id="a1", name="Young women aged 18–27"), element=KAPElement.knowledge,
        behaviour="know where to report a suspected trafficking case",
        indicator="the share of respondents who can name a place to report",
        measure=Measure.percent, direction=Direction.increase, baseline_value=45,
        baseline_source="KAP baseline survey, June 2020 (n=500)", target_value=60,
        place="Ulaanbaatar and Darkhan-Uul", deadline=date(2021, 6, 30),
        verification="Endline KAP survey (n≈500), compared with the baseline",
    )
    base.update(changes)
    return Objective(**base)


def keys(objective: Objective, today: date = TODAY, audiences=AUDIENCES) -> list[str]:
    return [f.check for f in check(objective, today=today, audiences=audiences)]


def test_the_counter_example_passes_every_check():
    assert keys(good()) == []


# ---- each check fires, and a near miss does not ---------------------------------------------
@pytest.mark.parametrize("behaviour", [
    "raise awareness of trafficking", "be more aware of the risks", "understand the risks of migration",
    "sensitise young women to exploitation", "promote safe migration", "increase their awareness of trafficking",
])
def test_vague_verbs_are_flagged(behaviour):
    flags = check(good(behaviour=behaviour), today=TODAY, audiences=AUDIENCES)
    vague = [f for f in flags if f.check == "vague_verb"]
    assert len(vague) == 1
    assert vague[0].reason and vague[0].suggestion
    assert "'" in vague[0].reason  # it quotes the words it objects to


def test_a_vague_indicator_is_flagged_and_an_observable_one_is_not():
    assert "vague_verb" in keys(good(indicator="the level of understanding among respondents"))
    assert "vague_verb" not in keys(good(indicator="the share who can name two signs of a false job offer"))
    assert "vague_verb" not in keys(good(behaviour="can name two signs of a false job offer"))


def test_no_target_number():
    assert "no_number" in keys(good(target_value=None))
    assert "no_number" not in keys(good(target_value=0.5))


def test_no_baseline_value_or_source():
    assert "no_baseline" in keys(good(baseline_value=None))
    assert "no_baseline" in keys(good(baseline_source=""))
    assert "no_baseline" not in keys(good(baseline_value=0, baseline_source="new page: nothing before"))


def test_a_change_target_needs_a_baseline_source_but_no_value():
    change = dict(measure=Measure.change, baseline_value=None, target_value=5)
    assert "no_baseline" not in keys(good(**change))
    assert "no_baseline" in keys(good(**change, baseline_source=" "))


@pytest.mark.parametrize("direction, baseline, target", [
    (Direction.increase, 60, 60), (Direction.increase, 60, 45), (Direction.decrease, 30, 30),
    (Direction.decrease, 30, 40),
])
def test_target_not_beyond_the_baseline(direction, baseline, target):
    assert "target_direction" in keys(good(direction=direction, baseline_value=baseline, target_value=target))


@pytest.mark.parametrize("direction, baseline, target", [(Direction.increase, 45, 60), (Direction.decrease, 30, 20)])
def test_target_beyond_the_baseline_passes(direction, baseline, target):
    assert "target_direction" not in keys(good(direction=direction, baseline_value=baseline, target_value=target))


def test_a_change_of_zero_or_less_is_no_change():
    assert "target_direction" in keys(good(measure=Measure.change, target_value=0))
    assert "target_direction" in keys(good(measure=Measure.change, target_value=-5))
    assert "target_direction" not in keys(good(measure=Measure.change, target_value=5))


@pytest.mark.parametrize("field, value", [("target_value", 120), ("baseline_value", -3), ("result_value", 100.5)])
def test_percentages_outside_0_to_100(field, value):
    flags = check(good(**{field: value}), today=TODAY, audiences=AUDIENCES)
    assert [f.check for f in flags].count("out_of_range") == 1


def test_percentages_at_the_edges_and_large_counts_are_fine():
    assert "out_of_range" not in keys(good(baseline_value=0, target_value=100, result_value=100))
    assert "out_of_range" not in keys(good(measure=Measure.number, element=KAPElement.reach, baseline_value=0,
                                           target_value=20000, verification="Page analytics"))
    assert "out_of_range" in keys(good(measure=Measure.number, baseline_value=-1, target_value=10))


def test_deadline_missing_or_past():
    assert "deadline" in keys(good(deadline=None))
    assert "deadline" in keys(good(deadline=date(2020, 12, 31)))
    assert "deadline" not in keys(good(deadline=TODAY))


def test_a_past_deadline_with_a_result_is_an_evaluated_objective_not_a_problem():
    assert "deadline" not in keys(good(deadline=date(2020, 12, 31), result_value=62))


def test_audience_missing_or_not_in_the_analysis():
    assert "audience_missing" in keys(good(audience=None))
    flags = check(good(audience=AudienceRef(name="Fishermen")), today=TODAY, audiences=AUDIENCES)
    assert any(f.check == "audience_missing" and "Fishermen" in f.reason for f in flags)
    # linked by name when the id is unknown (typed before the audience analysis existed)
    assert "audience_missing" not in keys(good(audience=AudienceRef(name="young women AGED 18–27")))
    # with no audience analysis at all, a typed audience is accepted
    assert "audience_missing" not in keys(good(audience=AudienceRef(name="Fishermen")), audiences=[])


def test_place_missing():
    assert "place_missing" in keys(good(place=""))
    assert "place_missing" not in keys(good(place="Darkhan-Uul"))


@pytest.mark.parametrize("behaviour", [
    "know where to report and call the hotline", "check job offers; report suspicious ones",
    "talk to their parents as well as visit the resource centre", "can name two signs or ask the chatbot",
])
def test_more_than_one_behaviour(behaviour):
    flags = check(good(behaviour=behaviour), today=TODAY, audiences=AUDIENCES)
    several = [f for f in flags if f.check == "several_behaviours"]
    assert len(several) == 1 and "2 behaviours" in several[0].reason


@pytest.mark.parametrize("behaviour", [
    "know the signs of trafficking for sexual exploitation and where to seek help",
    "intend to check a job, study or travel offer before accepting it",
    "report suspected cases to the police or the hotline",
])
def test_one_behaviour_with_conjunctions_is_not_flagged(behaviour):
    assert "several_behaviours" not in keys(good(behaviour=behaviour))


@pytest.mark.parametrize("element, means", [
    (KAPElement.knowledge, "Page analytics (Facebook Insights)"),
    (KAPElement.attitude, "Hotline log"),
    (KAPElement.knowledge, "Focus group discussions"),
    (KAPElement.output, "Endline KAP survey"),
    (KAPElement.engagement, "Production records"),
])
def test_an_indicator_the_means_cannot_measure(element, means):
    flags = check(good(element=element, verification=means), today=TODAY, audiences=AUDIENCES)
    mismatch = [f for f in flags if f.check == "means_mismatch"]
    assert len(mismatch) == 1 and element.value in mismatch[0].reason


@pytest.mark.parametrize("element, means", [
    (KAPElement.knowledge, "Endline KAP survey (n≈500)"), (KAPElement.practice, "Hotline or helpline log"),
    (KAPElement.reach, "Page analytics"), (KAPElement.engagement, "Chatbot conversation log"),
    (KAPElement.output, "Production records (final content list)"),
    (KAPElement.knowledge, "Something the toolkit does not recognise"),
])
def test_a_means_that_can_measure_or_is_unknown_is_not_flagged(element, means):
    assert "means_mismatch" not in keys(good(element=element, verification=means))


def test_no_means_of_verification_is_flagged():
    assert "means_mismatch" in keys(good(verification=""))


def test_every_check_has_a_title_reason_and_suggestion():
    bad = Objective(behaviour="raise awareness and report cases", measure=Measure.percent, baseline_value=120,
                    target_value=110, verification="Page analytics")
    flags = check(bad, today=TODAY, audiences=AUDIENCES)
    assert {f.check for f in flags} == set(CHECKS) - {"no_number"}
    for flag in flags:
        assert flag.title == CHECKS[flag.check] and flag.reason.endswith(".") and flag.suggestion


# ---- the sentence ------------------------------------------------------------------------------------
def test_the_sentence_reads_like_the_guide():
    text = sentence(good())
    assert text == (
        "By 30 Jun 2021, young women aged 18–27 in Ulaanbaatar and Darkhan-Uul know where to report a suspected "
        "trafficking case, with the share of respondents who can name a place to report rising from 45% to at "
        "least 60% (baseline: KAP baseline survey, June 2020 (n=500)), measured by the endline KAP survey "
        "(n≈500), compared with the baseline.")


def test_the_sentence_marks_what_is_missing():
    text = sentence(Objective())
    for part in ("[deadline not set]", "[audience not set]", "[place not set]", "[behaviour not set]",
                 "[indicator not set]", "[target not set]", "[means of verification not set]"):
        assert part in text


def test_the_sentence_follows_measure_and_direction():
    assert "falling from 30% to at most 20%" in sentence(good(direction=Direction.decrease, baseline_value=30,
                                                                    target_value=20))
    assert "rising by at least 5% on the baseline" in sentence(good(measure=Measure.change, target_value=5))
    assert "from 0 to at least 20,000" in sentence(good(measure=Measure.number, baseline_value=0,
                                                              target_value=20000))


def test_the_short_line_shortens_the_behaviour_but_keeps_target_and_deadline():
    long_behaviour = ("reject the idea that a well-paid offer from a stranger or a new online contact can be "
                      "accepted without checking it first with a trusted person")
    line = short_sentence(good(behaviour=long_behaviour))
    assert line.startswith("Knowledge: reject the idea that") and "…" in line
    assert line.endswith("— at least 60% (from 45%) by 30 Jun 2021")
    assert short_sentence(good()) == ("Knowledge: know where to report a suspected trafficking case — "
                                            "at least 60% (from 45%) by 30 Jun 2021")


def test_the_sentence_uses_the_current_audience_name():
    assert sentence(good(), "Women aged 18 to 27").startswith("By 30 Jun 2021, women aged 18 to 27 in")


def valid_or_none(**fields) -> Objective | None:
    """An objective from any generated fields, or None when the model refuses them."""
    try:
        return Objective.model_validate(fields)
    except ValidationError:
        return None


objectives = st.builds(
    valid_or_none,
    audience=st.none() | st.fixed_dictionaries({"id": st.none() | st.text(max_size=10),
                                                "name": st.text(min_size=1, max_size=200)}),
    element=st.sampled_from(KAPElement), measure=st.sampled_from(Measure), direction=st.sampled_from(Direction),
    behaviour=st.text(max_size=300), indicator=st.text(max_size=300), place=st.text(max_size=200),
    baseline_value=st.none() | st.floats(-1e12, 1e12, allow_nan=False),
    target_value=st.none() | st.floats(-1e12, 1e12, allow_nan=False),
    result_value=st.none() | st.floats(-1e12, 1e12, allow_nan=False),
    baseline_source=st.text(max_size=200), verification=st.text(max_size=200),
    deadline=st.none() | st.dates(),
).filter(lambda o: o is not None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objective=objectives, today=st.dates())
def test_the_sentence_writer_and_the_checks_never_fail_on_a_valid_objective(objective, today):
    text = sentence(objective)
    assert text.startswith("By ") and text.endswith(".")
    if objective.target_value is not None:
        assert shown_value(objective.target_value, objective.measure) in text
    assert short_sentence(objective)
    for flag in check(objective, today=today, audiences=AUDIENCES):
        assert flag.check in CHECKS and flag.reason and flag.suggestion
    assert status(objective) in (None, "met", "not met")


# ---- numbers as people type them ---------------------------------------------------------------
@pytest.mark.parametrize("typed, value", [("60", 60), ("60%", 60), ("20,000", 20000), ("20 000", 20000),
                                          ("16,5", 16.5), ("32.6 million", 32_600_000), ("", None), ("-5", -5)])
def test_numbers_are_read_as_typed(typed, value):
    assert parse_number(typed, "Target") == value


@pytest.mark.parametrize("typed", ["twenty", "1.2.3", "5e3", "nan", "60 percent-ish"])
def test_a_bad_number_says_which_field_and_what_was_typed(typed):
    with pytest.raises(ValueError, match=f"Target: '{typed}' is not a number"):
        parse_number(typed, "Target")


# ---- met / not met ---------------------------------------------------------------------------
def test_status_compares_the_result_with_the_target():
    assert status(good()) is None
    assert status(good(result_value=62)) == "met"
    assert status(good(result_value=55)) == "not met"
    assert status(good(direction=Direction.decrease, baseline_value=30, target_value=20,
                             result_value=18)) == "met"
    assert "— met" in result_line(good(result_value=62, result_source="endline"))


# ---- audiences, storage and the worksheet --------------------------------------------------------
@pytest.fixture
def campaign(store):
    return store.create_campaign(Campaign(name="Safe jobs"))


def test_audiences_come_from_the_decisions_until_the_analysis_has_them(store, campaign):
    assert known_audiences(store, campaign.id) == []
    store.add_decision(Decision(campaign_id=campaign.id, topic=DecisionTopic.primary_audience,
                                choice="Young women aged 18–27"))
    options = known_audiences(store, campaign.id)
    assert [(o.id, o.name, o.role) for o in options] == [(None, "Young women aged 18–27", AudienceRole.primary)]
    save_part(store, campaign.id, Audiences(audiences=[
        Audience(id="p1", role=AudienceRole.secondary, name="Parents", approach=Approach.social_mobilisation),
        Audience(id="p2", role=AudienceRole.primary, name="Young women 18-27", approach=Approach.bcc)]))
    assert [(o.id, o.role) for o in known_audiences(store, campaign.id)] == [
        ("p2", AudienceRole.primary), ("p1", AudienceRole.secondary)]


def test_a_renamed_audience_stays_linked_by_id():
    ref = AudienceRef(id="a1", name="Young women 18-27")
    assert resolve(ref, AUDIENCES) is PRIMARY
    assert shown_name(ref, AUDIENCES) == "Young women aged 18–27"
    assert shown_name(AudienceRef(name="Fishermen"), AUDIENCES) == "Fishermen"


def test_objectives_persist_update_and_go(store, campaign):
    first = good()
    save_objective(store, campaign.id, first)
    save_objective(store, campaign.id, good(place="Darkhan-Uul"))
    save_objective(store, campaign.id, first.model_copy(update={"target_value": 65.0}))
    saved = load_objectives(store, campaign.id).objectives
    assert [o.target_value for o in saved] == [65.0, 60.0]
    remove_objective(store, campaign.id, first.id)
    assert [o.place for o in load_objectives(store, campaign.id).objectives] == ["Darkhan-Uul"]


def test_a_flagged_objective_is_saved_and_its_flag_stays_until_fixed(store, campaign):
    flagged = good(behaviour="raise awareness of trafficking")
    save_objective(store, campaign.id, flagged)
    worksheet = SmartObjectivesWorksheet()
    progress = worksheet.progress(store, campaign)
    assert progress.status is Status.in_progress and "1 flagged" in progress.detail
    assert "vague verb" in progress.next_action
    save_objective(store, campaign.id, flagged.model_copy(update={"behaviour": "know where to report a case",
                                                                "audience": None}))
    assert "audience" in worksheet.progress(store, campaign).next_action.lower()


def test_progress_of_a_campaign_without_objectives(store, campaign):
    progress = SmartObjectivesWorksheet().progress(store, campaign)
    assert progress.status is Status.not_started and progress.next_action


def test_a_damaged_saved_set_is_explained(store, campaign):
    store.save_worksheet(campaign.id, OBJECTIVES.kind, {"objectives": [{"element": "feelings"}]})
    with pytest.raises(ValueError, match="SMART objectives cannot be read"):
        load_objectives(store, campaign.id)


def test_the_example_objectives_come_from_the_published_targets(demo, ready_store):
    saved = load_objectives(ready_store, demo.id).objectives
    figures = {(o.element, o.target_value, o.result_value) for o in saved}
    assert {(KAPElement.knowledge, 75, 82), (KAPElement.attitude, 5, 16.5), (KAPElement.practice, 20, 26),
            (KAPElement.reach, 20000, 32_600_000), (KAPElement.output, 5, 12)} <= figures
    options = known_audiences(ready_store, demo.id)
    assert all(check(o, audiences=options) == [] for o in saved)
    assert all(status(o) == "met" for o in saved)
    assert SmartObjectivesWorksheet().progress(ready_store, demo).status is Status.done

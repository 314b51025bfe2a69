"""The campaign vocabulary: what is accepted, what is refused, and how the refusal reads."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from c4d.models import (
    NAME_MAX,
    AgendaItem,
    Campaign,
    Decision,
    DecisionTopic,
    OrgType,
    Participant,
    Session,
    SessionKind,
    Sex,
    friendly_errors,
    same_name,
    slugify,
)


def messages(build) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        build()
    return friendly_errors(caught.value)


def session(**fields) -> Session:
    values = dict(campaign_id="c1", kind=SessionKind.ppcd, title="PPCD workshop",
                  start_date=date(2020, 6, 18), end_date=date(2020, 6, 19))
    return Session(**(values | fields))


# ---- names ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_an_empty_campaign_name_is_refused_in_plain_words(name):
    assert messages(lambda: Campaign(name=name)) == ["name: cannot be empty"]


def test_an_empty_session_title_is_refused_in_plain_words():
    assert messages(lambda: session(title="  ")) == ["title: cannot be empty"]


def test_a_name_of_201_characters_is_refused_and_200_accepted():
    assert messages(lambda: Campaign(name="x" * (NAME_MAX + 1))) == ["name: is too long (at most 200 characters)"]
    assert Campaign(name="x" * NAME_MAX).name == "x" * NAME_MAX


def test_the_length_limit_applies_to_the_cleaned_name():
    # Spaces around a 200-character name are trimmed, so the name fits.
    assert len(Campaign(name="  " + "y" * NAME_MAX + "  ").name) == NAME_MAX
    # Normalisation can lengthen text (U+0958 becomes two code points); what is saved
    # must pass the same check again when a backup is read, so it is refused up front.
    assert len(unicodedata.normalize("NFC", "\u0958" * 150)) == 300
    assert messages(lambda: Campaign(name="\u0958" * 150)) == ["name: is too long (at most 200 characters)"]


def test_names_are_trimmed_and_inner_spaces_folded_but_every_script_kept():
    campaign = Campaign(name="  Dream   Umbrella —\tМөрөөдлийн  шүхэр ")
    assert campaign.name == "Dream Umbrella — Мөрөөдлийн шүхэр"
    assert Campaign(name="ក្តីសុបិន").name == "ក្តីសុបិន"


def test_too_many_organisers_reads_as_entries_not_characters():
    assert messages(lambda: Campaign(name="A", organisers=["IOM"] * 51)) == ["organisers: has too many entries (at most 50)"]


@given(st.text(max_size=80))
def test_any_accepted_name_is_accepted_again_unchanged(text):
    """What is saved can always be read back (backups depend on it)."""
    try:
        campaign = Campaign(name=text)
    except ValidationError:
        return
    again = Campaign.model_validate(campaign.model_dump(mode="json"))
    assert again.name == campaign.name


# ---- dates and agenda ----------------------------------------------------------------

def test_a_session_that_ends_before_it_starts_is_refused():
    [message] = messages(lambda: session(start_date=date(2020, 6, 19), end_date=date(2020, 6, 18)))
    assert message == "the last day (18 Jun 2020) is before the first day (19 Jun 2020)"


def test_a_session_longer_than_two_weeks_is_refused():
    [message] = messages(lambda: session(end_date=date(2020, 7, 20)))
    assert "at most 14 days" in message


def test_an_agenda_item_beyond_the_last_day_is_refused():
    agenda = [AgendaItem(day=1, title="Welcome"), AgendaItem(day=3, title="Field visit")]
    [message] = messages(lambda: session(agenda=agenda))
    assert message == "agenda item 'Field visit' is on day 3, but the session has 2 days"


def test_a_date_that_is_not_a_date_says_how_to_write_one():
    [message] = messages(lambda: session(start_date="18/06/2020"))
    assert message == "start date: is not a date (use a date such as 2020-06-18)"


@pytest.mark.parametrize("field, value", [("start_date", "1890-06-18"), ("end_date", "2101-01-01")])
def test_a_date_no_page_could_show_is_refused_with_the_range(field, value):
    values = {"start_date": "2020-06-18", "end_date": "2020-06-19", field: value}
    if field == "end_date":
        values["start_date"] = "2100-12-31"
    [message] = messages(lambda: session(**values))
    assert "is not a workshop date: use a date between 2000 and 2100" in message


def test_session_days_and_dates_label():
    two_days = session()
    assert two_days.days == 2
    assert two_days.day_dates() == [date(2020, 6, 18), date(2020, 6, 19)]
    assert two_days.dates_label() == "18–19 Jun 2020"
    assert session(end_date=date(2020, 6, 18)).dates_label() == "18 Jun 2020"
    assert session(start_date=date(2020, 6, 30), end_date=date(2020, 7, 2)).dates_label() == "30 Jun 2020 – 2 Jul 2020"
    assert session(start_date=date(2020, 11, 5), end_date=date(2020, 11, 7)).dates_label() == "5–7 Nov 2020"


def test_moments_are_kept_in_utc():
    ulaanbaatar = timezone(timedelta(hours=8))
    campaign = Campaign(name="A", created_at=datetime(2020, 6, 18, 9, 0, tzinfo=ulaanbaatar))
    assert campaign.created_at == datetime(2020, 6, 18, 1, 0, tzinfo=timezone.utc)
    assert campaign.created_at.utcoffset() == timedelta(0)
    assert Campaign(name="A", created_at=datetime(2020, 6, 18, 9)).created_at.tzinfo is timezone.utc
    [message] = messages(lambda: Campaign.model_validate({"name": "A", "created_at": "0001-01-01T00:00:00+05:00"}))
    assert message == "created at: is not a moment the toolkit can store"


# ---- language, choices, numbers -----------------------------------------------------------

@pytest.mark.parametrize("code", ["English", "EN", "e", "en_GB", "mongolian", ""])
def test_a_bad_language_code_suggests_real_ones(code):
    assert messages(lambda: Campaign(name="A", participant_language=code)) == [
        "participant language: use a language code such as 'en', 'mn' or 'km'"
    ]


@pytest.mark.parametrize("code", ["en", "mn", "km", "my", "en-GB", "zh-Hant"])
def test_real_language_codes_are_accepted(code):
    assert Campaign(name="A", participant_language=code).participant_language == code


def test_an_unknown_organisation_type_lists_the_choices():
    [message] = messages(lambda: Participant(session_id="s", organisation="Police", org_type="police", sex="woman"))
    assert message.startswith("org type: must be one of: ")
    assert "'law_enforcement'" in message


def test_votes_and_head_counts_must_be_real_numbers():
    [message] = messages(lambda: Decision(campaign_id="c", topic=DecisionTopic.trend, choice="A",
                                          breakdown=[{"option": "A", "votes": float("inf")}]))
    assert message.startswith("breakdown votes:")
    assert messages(lambda: Decision(campaign_id="c", topic=DecisionTopic.trend, choice="A", turnout=-1))
    assert messages(lambda: Decision(campaign_id="c", topic=DecisionTopic.trend, choice="A", turnout=10**12))


# ---- same_name and slugify --------------------------------------------------------------

def test_same_name_ignores_case_and_spacing_only():
    assert same_name("Dream Umbrella", "  dream   UMBRELLA ")
    assert same_name("МӨРӨӨДЛИЙН ШҮХЭР", "мөрөөдлийн шүхэр")
    assert same_name("Cafe\u0301", "Café")  # the same letters typed two ways
    assert not same_name("Dream Umbrella", "Dream Umbrella 2")
    assert not same_name("Dream Umbrella", "DreamUmbrella")


def test_slugify_keeps_latin_letters_and_transliterates_accents():
    assert slugify("Dream Umbrella — Мөрөөдлийн шүхэр") == "dream-umbrella"
    assert slugify("Campagne Région Nord!") == "campagne-region-nord"


@pytest.mark.parametrize("name", ["Мөрөөдлийн шүхэр", "ក្តីសុបិន", "—", "!!!"])
def test_a_name_without_latin_letters_still_gets_a_slug(name):
    assert slugify(name) == "campaign"


@given(st.text(max_size=120))
def test_slugs_are_always_url_safe_short_and_stable(text):
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 60
    assert slugify(slug) == slug


# ---- participants -------------------------------------------------------------------------

def test_a_name_is_listed_only_with_consent():
    base = dict(session_id="s", organisation="NGO", org_type=OrgType.ngo, sex=Sex.woman)
    assert Participant(**base, name="Saraa Example", consent_to_list=True).listed_name() == "Saraa Example"
    assert Participant(**base, name="Saraa Example", consent_to_list=False).listed_name() == "(not listed)"
    assert Participant(**base, name="", consent_to_list=True).listed_name() == "(not listed)"


def test_attendance_is_sorted_without_repeats_and_within_two_weeks():
    base = dict(session_id="s", organisation="NGO", org_type=OrgType.ngo, sex=Sex.man)
    assert Participant(**base, attendance=[2, 1, 2]).attendance == [1, 2]
    for days in ([0], [15]):
        assert messages(lambda: Participant(**base, attendance=days)) == [
            "attendance: attendance days run from day 1 to day 14"
        ]


def test_an_organisation_is_required():
    assert messages(lambda: Participant(session_id="s", organisation=" ", org_type="ngo", sex="man")) == [
        "organisation: cannot be empty"
    ]

"""The workspace's commands: each does what it says in one transaction, and a refused one
changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from c4d import lan
from c4d.db.errors import Conflict, NotFound
from c4d.models import AgendaItem, SessionKind
from c4d.workspace import branding, commands
from tests.fixtures_store import add_campaign, add_session, decision, person, row_counts

PNG = b"\x89PNG\r\n\x1a\n a small logo"
JPEG = b"\xff\xd8\xff\xe0 another logo"


# ---- campaigns ----------------------------------------------------------------------------

def test_a_new_campaign_keeps_the_organisers_typed_and_a_tidy_language_code(store):
    campaign = commands.create_campaign(store, name="Dream Umbrella", country="Mongolia",
                                        organisers=["IOM Mongolia", "  ", "", "IOM X"], participant_language=" MN ")
    assert store.campaign(campaign.id) == campaign
    assert campaign.organisers == ["IOM Mongolia", "IOM X"] and campaign.participant_language == "mn"
    assert campaign.slug == "dream-umbrella" and not campaign.archived


def test_a_new_campaign_under_a_name_in_use_is_refused_and_nothing_is_saved(store):
    add_campaign(store, "Dream Umbrella")
    before = row_counts(store)
    with pytest.raises(Conflict, match="already exists"):
        commands.create_campaign(store, name="dream umbrella")
    assert row_counts(store) == before


def test_campaign_details_are_saved_and_a_clashing_name_changes_nothing(store):
    campaign = add_campaign(store, "Dream Umbrella")
    add_campaign(store, "Safe Migration")
    saved = commands.update_campaign_details(store, campaign, name="Dream Umbrella 2021", country="Mongolia",
                                             summary="Young women and labour migration.",
                                             organisers=["IOM Mongolia", ""], participant_language="MN")
    assert store.campaign(campaign.id) == saved
    assert (saved.name, saved.country, saved.summary, saved.organisers, saved.participant_language) == (
        "Dream Umbrella 2021", "Mongolia", "Young women and labour migration.", ["IOM Mongolia"], "mn")
    assert saved.slug == campaign.slug and saved.created_at == campaign.created_at

    with pytest.raises(Conflict):
        commands.update_campaign_details(store, saved, name="SAFE MIGRATION", country="Cambodia", summary="",
                                         organisers=[], participant_language="km")
    assert store.campaign(campaign.id) == saved


def test_a_bad_language_code_is_refused_before_anything_is_saved(store):
    campaign = add_campaign(store, "Dream Umbrella", participant_language="mn")
    with pytest.raises(ValueError):
        commands.update_campaign_details(store, campaign, name=campaign.name, country="Elsewhere", summary="",
                                         organisers=[], participant_language="Khmer!")
    assert store.campaign(campaign.id) == campaign


def test_archiving_hides_a_campaign_and_unarchiving_brings_it_back(store):
    kept, old = add_campaign(store, "Kept"), add_campaign(store, "Old")
    assert commands.archive_campaign(store, old.id).archived
    assert [c.id for c in store.campaigns()] == [kept.id]
    assert not commands.unarchive_campaign(store, old.id).archived
    assert {c.id for c in store.campaigns()} == {kept.id, old.id}
    with pytest.raises(NotFound):
        commands.archive_campaign(store, "no-such-campaign")


# ---- workshop sessions --------------------------------------------------------------------

def test_a_new_session_keeps_the_facilitators_typed(store):
    campaign = add_campaign(store)
    session = commands.add_session(store, campaign.id, kind=SessionKind.ppcd, title="PPCD Ulaanbaatar",
                                   start_date=date(2020, 6, 18), end_date=date(2020, 6, 19), place="Ulaanbaatar",
                                   facilitators=["Ariunaa", " ", "Bat"], notes="Two days.")
    [saved] = store.sessions(campaign.id)
    assert saved == session
    assert (saved.facilitators, saved.days, saved.place, saved.slug) == (["Ariunaa", "Bat"], 2, "Ulaanbaatar",
                                                                         "ppcd-2020")


def test_a_session_whose_title_is_taken_or_whose_dates_are_backwards_is_not_saved(store):
    campaign = add_campaign(store)
    add_session(store, campaign, "PPCD Ulaanbaatar")
    before = row_counts(store)
    with pytest.raises(Conflict):
        commands.add_session(store, campaign.id, kind=SessionKind.ppcd, title="ppcd ulaanbaatar",
                             start_date=date(2020, 6, 18), end_date=date(2020, 6, 18))
    with pytest.raises(ValueError, match="before the first day"):
        commands.add_session(store, campaign.id, kind=SessionKind.ppcd, title="PPCD Darkhan",
                             start_date=date(2020, 6, 18), end_date=date(2020, 6, 17))
    assert row_counts(store) == before


def test_session_details_are_saved_but_not_shorter_than_the_days_people_attended(store):
    campaign = add_campaign(store)
    session = add_session(store, campaign, end=date(2020, 6, 19), agenda=[AgendaItem(day=1, title="Welcome")])
    store.add_participants([person(session, attendance=[1, 2])])
    saved = commands.update_session(store, session, kind=SessionKind.ppcd, title="PPCD Ulaanbaatar",
                                    start_date=session.start_date, end_date=session.end_date, place="Ulaanbaatar",
                                    facilitators=["Ariunaa", ""], notes="")
    assert store.session_by_id(session.id) == saved
    assert (saved.title, saved.place, saved.facilitators, saved.agenda) == (
        "PPCD Ulaanbaatar", "Ulaanbaatar", ["Ariunaa"], session.agenda)  # the agenda is left as it was

    with pytest.raises(Conflict, match="day 2"):
        commands.update_session(store, saved, kind=SessionKind.ppcd, title="PPCD (one day)",
                                start_date=saved.start_date, end_date=saved.start_date, place="", facilitators=[],
                                notes="")
    assert store.session_by_id(session.id) == saved


def test_the_agenda_is_saved_from_the_tables_rows_leaving_out_rows_without_a_title(store):
    campaign = add_campaign(store)
    session = add_session(store, campaign, end=date(2020, 6, 19))
    rows = [{"day": 1, "time": "09:00", "title": "Welcome", "notes": None},
            {"day": None, "time": None, "title": "  ", "notes": "still typing"},
            {"day": 2.0, "time": "", "title": "Voting on the audience", "notes": "PPCD ballot"}]
    saved = commands.save_agenda(store, session, rows)
    assert store.session_by_id(session.id).agenda == saved.agenda == [
        AgendaItem(day=1, time="09:00", title="Welcome"),
        AgendaItem(day=2, title="Voting on the audience", notes="PPCD ballot")]


@pytest.mark.parametrize("row", [{"day": "first", "title": "Welcome"}, {"day": 3, "title": "Day three"}],
                         ids=["a day that is not a number", "a day the session does not have"])
def test_an_agenda_with_a_row_that_is_no_agenda_item_is_not_saved(store, row):
    campaign = add_campaign(store)
    session = add_session(store, campaign, end=date(2020, 6, 19), agenda=[AgendaItem(day=1, title="Welcome")])
    with pytest.raises(ValueError):
        commands.save_agenda(store, session, [{"day": 1, "title": "Opening"}, row])
    assert store.session_by_id(session.id).agenda == session.agenda


def test_deleting_a_session_removes_its_register_and_keeps_its_decisions(store):
    campaign = add_campaign(store)
    doomed, kept = add_session(store, campaign, "PPCD"), add_session(store, campaign, "Launch")
    store.add_participants([person(doomed), person(kept)])
    taken = store.add_decision(decision(campaign, doomed))
    commands.delete_session(store, doomed.id)
    assert [s.id for s in store.sessions(campaign.id)] == [kept.id]
    assert store.participants(doomed.id) == [] and len(store.participants(kept.id)) == 1
    [still] = store.decisions(campaign.id)
    assert still.id == taken.id and still.session_id is None


# ---- the organisation's logo -------------------------------------------------------------------

def logo_files(store) -> int:
    return row_counts(store)["attachments"]


def test_setting_the_logo_names_it_and_a_new_one_replaces_the_old(store):
    first = commands.set_logo(store, "logo.png", "image/png", PNG)
    assert store.setting(branding.LOGO_SETTING) == first and branding.organisation_logo(store) == PNG
    second = commands.set_logo(store, "logo.jpg", None, JPEG)
    assert store.setting(branding.LOGO_SETTING) == second != first
    assert branding.organisation_logo(store) == JPEG
    assert store.attachment(first) is None and logo_files(store) == 1  # the old file is gone
    assert store.attachment(second) == ("logo.jpg", "image/png", JPEG)  # no type given: taken for PNG


def test_a_logo_replacement_that_fails_leaves_the_old_logo_in_place(store, monkeypatch):
    old = commands.set_logo(store, "logo.png", "image/png", PNG)

    def broken(attachment_id):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(store, "delete_attachment", broken)  # fails after the new file is added and named
    with pytest.raises(RuntimeError, match="disk is full"):
        commands.set_logo(store, "new.jpg", "image/jpeg", JPEG)
    assert store.setting(branding.LOGO_SETTING) == old
    assert branding.organisation_logo(store) == PNG and logo_files(store) == 1


def test_a_file_that_cannot_be_the_logo_is_refused_and_the_old_one_stays(store):
    old = commands.set_logo(store, "logo.png", "image/png", PNG)
    with pytest.raises(branding.LogoError, match="not a PNG or JPEG"):
        commands.set_logo(store, "logo.gif", "image/gif", b"GIF89a")
    with pytest.raises(branding.LogoError, match=r"3\.0 MB; use an image of at most 2 MB"):
        commands.set_logo(store, "huge.png", "image/png", PNG + bytes(3 * 2**20 - len(PNG)))
    assert store.setting(branding.LOGO_SETTING) == old and logo_files(store) == 1


def test_removing_the_logo_clears_the_setting_and_deletes_the_file(store):
    commands.remove_logo(store)  # no logo yet: nothing to do
    assert store.setting(branding.LOGO_SETTING) is None
    logo = commands.set_logo(store, "logo.png", "image/png", PNG)
    commands.remove_logo(store)
    assert store.setting(branding.LOGO_SETTING) is None and store.attachment(logo) is None
    assert branding.organisation_logo(store) is None and logo_files(store) == 0


def test_a_logo_removal_that_fails_leaves_the_logo_in_place(store, monkeypatch):
    logo = commands.set_logo(store, "logo.png", "image/png", PNG)
    monkeypatch.setattr(store, "delete_attachment", lambda attachment_id: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        commands.remove_logo(store)
    assert store.setting(branding.LOGO_SETTING) == logo and branding.organisation_logo(store) == PNG


# ---- the address phones use ------------------------------------------------------------------

def test_the_address_phones_use_is_saved_tidy_and_empty_text_goes_back_to_detecting(store):
    assert commands.set_laptop_address(store, " 192.168.1.20:8502 ") == "192.168.1.20:8502"
    assert store.setting(lan.SETTING) == "192.168.1.20:8502"
    assert commands.set_laptop_address(store, "   ") is None
    assert store.setting(lan.SETTING) is None


def test_an_address_phones_could_not_use_is_refused_and_the_saved_one_stays(store):
    commands.set_laptop_address(store, "192.168.137.1")
    with pytest.raises(lan.AddressError, match="only works on this laptop"):
        commands.set_laptop_address(store, "127.0.0.1")
    assert store.setting(lan.SETTING) == "192.168.137.1"

"""The register's writes: one participant, a whole sign-in sheet, the register table's edits."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from c4d.db.errors import NotFound
from c4d.models import Campaign, OrgType, Participant, Session, SessionKind, Sex
from c4d.people import commands
from c4d.people.register import table_rows
from c4d.people.signin import parse_signin_text


@pytest.fixture
def workshop(store) -> Session:
    campaign = store.create_campaign(Campaign(name="Dream Umbrella"))
    return store.add_session(Session(campaign_id=campaign.id, kind=SessionKind.ppcd, title="PPCD workshop",
                                     start_date=date(2020, 6, 18), end_date=date(2020, 6, 19)))


def test_adding_one_participant(store, workshop):
    added = commands.add_participant(store, workshop, name="Saraa", organisation="Hotline NGO", org_type=OrgType.ngo,
                                     sex=Sex.woman, consent_to_list=True, attendance=[1, 2])
    assert store.participants(workshop.id) == [added]
    assert added.attendance == [1, 2] and added.consent_to_list


@pytest.mark.parametrize("missing", ["org_type", "sex"])
def test_a_participant_without_type_or_sex_is_refused_in_words(store, workshop, missing):
    fields = {"organisation": "Hotline NGO", "org_type": OrgType.ngo, "sex": Sex.woman} | {missing: None}
    with pytest.raises(ValueError, match=r"choose the organisation type and the sex \(or 'Prefer not to say'\)"):
        commands.add_participant(store, workshop, **fields)
    assert store.participants(workshop.id) == []


def test_a_participant_without_organisation_is_refused(store, workshop):
    with pytest.raises(ValidationError):
        commands.add_participant(store, workshop, organisation=" ", org_type=OrgType.ngo, sex=Sex.man)
    assert store.participants(workshop.id) == []


def test_a_sign_in_sheet_is_added_whole_or_not_at_all(store, workshop):
    preview = parse_signin_text("Name\tOrganisation\tType\tSex\tDay 1\n"
                                "Saraa\tHotline NGO\tNGO\tF\tx\nBold\tPolice HQ\tPolice\tM\t\n", workshop)
    added = commands.add_from_signin_sheet(store, preview.valid)
    assert [p.name for p in store.participants(workshop.id)] == ["Saraa", "Bold"] == [p.name for p in added]

    gone = Participant(session_id="no-such-session", organisation="Elsewhere", org_type=OrgType.media, sex=Sex.man)
    again = parse_signin_text("Organisation\tType\tSex\nRadio\tMedia\tF\n", workshop).valid
    with pytest.raises(NotFound):
        commands.add_from_signin_sheet(store, [*again, gone])
    assert len(store.participants(workshop.id)) == 2  # nothing of the failed sheet was saved


def test_register_table_edits_save_good_rows_and_name_the_bad_ones(store, workshop):
    kept = commands.add_participant(store, workshop, name="Saraa", organisation="Hotline NGO", org_type=OrgType.ngo,
                                    sex=Sex.woman)
    dropped = commands.add_participant(store, workshop, name="Bold", organisation="Police HQ",
                                       org_type=OrgType.law_enforcement, sex=Sex.man)
    base = table_rows(store.participants(workshop.id), workshop.days)
    new_ids: dict[int, str] = {}
    changes = {
        "deleted_rows": [1],
        "edited_rows": {"0": {"Organisation": ""}},  # emptied by mistake: refused, the old value stays
        "added_rows": [{"Organisation": "Radio", "Organisation type": "Media", "Sex": "Woman"}, {}],
    }
    outcome = commands.apply_table_edits(store, workshop, base, changes, new_ids)
    assert (outcome.saved, outcome.deleted, outcome.pending_new_rows) == (1, 1, 1)
    assert len(outcome.errors) == 1 and outcome.errors[0].startswith("Row 1: ")
    people = {p.id: p for p in store.participants(workshop.id)}
    assert dropped.id not in people and people[kept.id].organisation == "Hotline NGO"
    assert set(new_ids) == {0} and people[new_ids[0]].organisation == "Radio"

    # The same new row edited again updates the participant saved for it.
    changes["added_rows"][0]["Organisation"] = "Radio Mongolia"
    changes["deleted_rows"], changes["edited_rows"] = [], {}
    commands.apply_table_edits(store, workshop, base[:1], changes, new_ids)
    assert [p.organisation for p in store.participants(workshop.id)] == ["Hotline NGO", "Radio Mongolia"]

"""Backups: lossless round trips, and every bad file refused with its reason, changing nothing."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from c4d import backup
from c4d.backup import BackupError, ImportMode, export_campaign, import_campaign, read_backup
from c4d.demo.example import load_demo
from c4d.models import (
    AgendaItem,
    Campaign,
    Decision,
    DecisionTopic,
    OrgType,
    Participant,
    Session,
    SessionKind,
    Sex,
    TallyRow,
    _clean,
)
from c4d.db.errors import Conflict
from c4d.db.store import Store
from tests.fixtures_store import add_campaign, add_session, decision, person, row_counts


def fresh_store() -> Store:
    return Store("sqlite://")  # in memory: a laptop that has never seen the campaign


@pytest.fixture
def demo_backup(store):
    campaign = load_demo(store)
    name, data = export_campaign(store, campaign.slug)
    return campaign, name, data


# ---- lossless round trips ----------------------------------------------------------------

def test_the_example_campaign_survives_export_import_export_byte_for_byte(demo_backup):
    campaign, name, data = demo_backup
    assert name == "dream-umbrella.c4d.json"
    other = fresh_store()
    imported = import_campaign(other, data)
    assert imported == campaign
    assert export_campaign(other, campaign.id) == (name, data)
    document = json.loads(data)
    assert document["format"] == "c4d-campaign" and document["format_version"] == 2
    assert len(document["sessions"][0]["participants"]) == 39


def test_a_campaign_with_files_becomes_a_zip_and_keeps_the_files(store):
    campaign = add_campaign(store, "Poster test")
    poster = bytes(range(256)) * 40
    attachment_id = store.add_attachment(campaign.id, "poster.png", "image/png", poster)
    name, data = export_campaign(store, campaign.slug)
    assert name == "poster-test.c4d.zip" and data[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"campaign.c4d.json", f"files/{attachment_id}"}
    other = fresh_store()
    import_campaign(other, data)
    assert other.attachment(attachment_id) == ("poster.png", "image/png", poster)
    assert export_campaign(other, campaign.id) == (name, data)


def test_a_file_saved_with_a_byte_order_mark_is_still_read(demo_backup):
    campaign, _, data = demo_backup
    assert import_campaign(fresh_store(), b"\xef\xbb\xbf" + data).id == campaign.id


# The property: any campaign a facilitator can build comes back identical.

names = st.text(min_size=1, max_size=40).filter(lambda t: _clean(t) != "")
optional_names = st.text(max_size=30)
long_texts = st.text(max_size=200)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)),
                                                  timezone(timedelta(hours=-5, minutes=-30))]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def campaigns(draw):
    """A campaign as the store would hold it, with everything that hangs off it."""
    campaign = Campaign(
        name=draw(names), slug=draw(st.sampled_from(["", "given-slug"]) | st.text(max_size=20)),
        country=draw(optional_names), summary=draw(long_texts),
        organisers=draw(st.lists(names, max_size=3)),
        participant_language=draw(st.sampled_from(["en", "mn", "km", "my", "bn", "th", "en-GB"])),
        archived=draw(st.booleans()), created_at=draw(moments),
    )
    sessions = []
    titles = draw(st.lists(names, max_size=3, unique_by=lambda t: _clean(t).casefold()))
    for title in titles:
        start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
        days = draw(st.integers(1, 14))
        agenda = draw(st.lists(st.builds(AgendaItem, day=st.integers(1, days), time=optional_names,
                                         title=names, notes=long_texts), max_size=4))
        session = Session(campaign_id=campaign.id, kind=draw(st.sampled_from(SessionKind)), title=title,
                          slug=draw(st.sampled_from(["", "ppcd-2020"]) | st.text(max_size=10)),
                          start_date=start, end_date=start + timedelta(days=days - 1),
                          place=draw(optional_names), facilitators=draw(st.lists(names, max_size=2)),
                          agenda=agenda, notes=draw(long_texts))
        people = draw(st.lists(st.builds(
            Participant, session_id=st.just(session.id), name=optional_names, organisation=names,
            org_type=st.sampled_from(OrgType), sex=st.sampled_from(Sex), contact=optional_names,
            consent_to_list=st.booleans(), attendance=st.lists(st.integers(1, days), max_size=days),
        ), max_size=4))
        sessions.append((session, people))
    session_ids = [s.id for s, _ in sessions]
    decisions = draw(st.lists(st.builds(
        Decision, campaign_id=st.just(campaign.id),
        session_id=st.sampled_from([None, *session_ids]), topic=st.sampled_from(DecisionTopic),
        choice=names, method=optional_names, rationale=long_texts,
        breakdown=st.lists(st.builds(TallyRow, option=names,
                                     votes=st.floats(0, 1e6, allow_nan=False, allow_infinity=False)), max_size=4),
        turnout=st.none() | st.integers(0, 1000), eligible=st.none() | st.integers(0, 1000), decided_at=moments,
    ), max_size=3))
    worksheets = draw(st.dictionaries(
        st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=20),
        st.dictionaries(st.text(max_size=10), json_values | st.sampled_from(session_ids or [None]), max_size=5),
        max_size=3,
    ))
    files = draw(st.lists(st.tuples(names, st.sampled_from(["image/png", "application/pdf"]),
                                    st.binary(max_size=300)), max_size=2))
    return campaign, sessions, decisions, worksheets, files


def build(store: Store, generated) -> Campaign:
    campaign, sessions, decisions, worksheets, files = generated
    campaign = store.create_campaign(campaign)
    for session, people in sessions:
        store.add_session(session)
        store.add_participants(people)
    for item in decisions:
        store.add_decision(item)
    for kind, data in worksheets.items():
        store.save_worksheet(campaign.id, kind, data)
    for filename, media_type, content in files:
        store.add_attachment(campaign.id, filename, media_type, content)
    return campaign


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(campaigns())
def test_any_campaign_survives_export_import_export_unchanged(generated):
    here, there = fresh_store(), fresh_store()
    campaign = build(here, generated)
    # The store gives back what it was given (moments in UTC, every script as typed).
    given_campaign, given_sessions, given_decisions, _, _ = generated
    assert campaign.model_dump(exclude={"slug"}) == given_campaign.model_dump(exclude={"slug"})
    assert here.campaign(campaign.id) == campaign
    assert here.sessions(campaign.id) == sorted((s.model_copy(update={"slug": here.session(campaign.id, s.id).slug})
                                                 for s, _ in given_sessions), key=lambda s: (s.start_date, s.title))
    for session, people in given_sessions:
        assert here.participants(session.id) == people
    assert sorted(here.decisions(campaign.id), key=lambda d: d.id) == sorted(given_decisions, key=lambda d: d.id)
    name, data = export_campaign(here, campaign.id)
    assert name.endswith(".c4d.zip" if generated[4] else ".c4d.json")
    imported = import_campaign(there, data)
    assert imported == here.campaign(campaign.id)
    assert export_campaign(there, campaign.id) == (name, data)
    assert here.worksheets(campaign.id) == there.worksheets(campaign.id) == generated[3]


# ---- bad files ---------------------------------------------------------------------------------

def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def document_with(data: bytes, **changes) -> bytes:
    document = json.loads(data)
    document.update(changes)
    return json.dumps(document).encode()


NOT_OURS = "This is not a campaign backup file made by the C4D toolkit."
INCOMPLETE = "The backup file is incomplete: it stops part-way. Copy it again from the other laptop."
DAMAGED_ZIP = "The zip file is damaged or incomplete; copy it again from the other laptop."

BAD_FILES = {
    "garbage text": (lambda d: b"hello, this is a shopping list", "This is not a campaign backup file (unreadable at character 0)."),
    "random binary": (lambda d: bytes(range(255, -1, -1)) * 8, "This is not a campaign backup file (it is not text made by the toolkit)."),
    "empty file": (lambda d: b"", "The file is empty."),
    "only blank lines": (lambda d: b"\n \r\n", "The file is empty."),
    "cut after one byte": (lambda d: d[:1], INCOMPLETE),
    "cut at a tenth": (lambda d: d[: len(d) // 10], INCOMPLETE),
    "cut half-way": (lambda d: d[: len(d) // 2], INCOMPLETE),
    "cut one byte short": (lambda d: d[:-1], INCOMPLETE),
    "cut inside a Mongolian letter": (lambda d: d[: d.index("Мөрөөдлийн".encode()) + 1], INCOMPLETE),
    "truncated zip": (lambda d: zipped({"campaign.c4d.json": d})[:300], DAMAGED_ZIP),
    "zip without the document": (lambda d: zipped({"notes.txt": b"hello"}),
                                 "This zip file is not a campaign backup: it has no campaign.c4d.json inside."),
    "another kind of JSON": (lambda d: json.dumps({"format": "survey-export", "rows": []}).encode(), NOT_OURS),
    "a JSON list": (lambda d: b"[1, 2, 3]", NOT_OURS),
    "deeply nested JSON": (lambda d: b"[" * 100_000 + b"]" * 100_000,
                           "This is not a campaign backup file (it is nested too deeply to read)."),
    "no version": (lambda d: document_with(d, format_version=None),
                   "The backup file does not say which version made it; it cannot be read safely."),
    "format version 99": (lambda d: document_with(d, format_version=99),
                          "This backup was made by a newer version of the toolkit (backup format 99; this toolkit "
                          "reads up to format 2). Update the toolkit, then import it again."),
    "missing part": (lambda d: json.dumps({k: v for k, v in json.loads(d).items() if k != "decisions"}).encode(),
                     "The backup file is missing its 'decisions' part; it may be damaged."),
    "sessions in the wrong shape": (lambda d: document_with(d, sessions="none"),
                                    "The backup file is damaged: its parts are not in the expected shape."),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_nothing_changes(store, demo_backup, case):
    _, _, good = demo_backup
    make, reason = BAD_FILES[case]
    bad = make(good)
    before, snapshot = row_counts(store), export_campaign(store, "dream-umbrella")
    with pytest.raises(BackupError) as caught:
        import_campaign(store, bad, ImportMode.replace)
    assert str(caught.value) == reason
    assert row_counts(store) == before
    assert export_campaign(store, "dream-umbrella") == snapshot
    # The same file on an empty laptop: refused the same way, nothing written.
    other = fresh_store()
    with pytest.raises(BackupError):
        import_campaign(other, bad)
    assert row_counts(other)["campaigns"] == 0


def test_invalid_content_is_named(demo_backup):
    _, _, good = demo_backup
    document = json.loads(good)
    document["sessions"][0]["end_date"] = "2020-06-01"
    with pytest.raises(BackupError) as caught:
        read_backup(json.dumps(document).encode())
    assert str(caught.value).startswith("The backup file has invalid content: the last day (1 Jun 2020) is before")


@pytest.mark.parametrize("damage, reason", [
    (lambda doc: doc["sessions"][0].update(campaign_id="someone-else"),
     "The backup file is damaged: the session 'Participatory Planning and Capacity Development workshop' "
     "belongs to another campaign."),
    (lambda doc: doc["sessions"][0]["participants"][0].update(attendance=[1, 2, 3]),
     "The backup file is damaged: a participant of 'Participatory Planning and Capacity Development workshop' "
     "attended day 3, but the session has 2 days."),
    (lambda doc: doc["sessions"][0]["participants"][0].update(session_id="elsewhere"),
     "The backup file is damaged: a participant of 'Participatory Planning and Capacity Development workshop' "
     "belongs to another session."),
    (lambda doc: doc["decisions"][0].update(session_id="elsewhere"),
     "The backup file is damaged: the decision 'Trafficking for sexual exploitation' belongs to another campaign."),
    (lambda doc: doc.update(attachments=[{"id": "f1", "filename": "poster.png", "media_type": "image/png",
                                          "created_at": "2020-06-18T00:00:00+00:00"}]),
     "The backup lists the file 'poster.png' but does not contain it."),
    (lambda doc: doc.update(worksheets={"audience": ["not", "a", "worksheet"]}),
     "The worksheets in this backup are damaged."),
])
def test_a_backup_whose_parts_do_not_belong_together_is_refused(demo_backup, damage, reason):
    _, _, good = demo_backup
    document = json.loads(good)
    damage(document)
    other = fresh_store()
    with pytest.raises(BackupError) as caught:
        import_campaign(other, json.dumps(document).encode())
    if "decision" in reason:
        assert str(caught.value).startswith("The backup file is damaged: the decision '")
    else:
        assert str(caught.value) == reason
    assert row_counts(other)["campaigns"] == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(0, 1), value=st.integers(0, 255))
def test_a_damaged_byte_anywhere_is_imported_or_refused_never_a_crash(demo_backup, position, value):
    _, _, good = demo_backup
    at = min(int(position * len(good)), len(good) - 1)
    damaged = good[:at] + bytes([value]) + good[at + 1:]
    other = fresh_store()
    try:
        import_campaign(other, damaged)
    except BackupError:
        assert row_counts(other)["campaigns"] == 0


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_no_input_crashes_the_reader(data):
    try:
        read_backup(data)
    except BackupError:
        pass


# ---- size limits -----------------------------------------------------------------------------

def test_the_size_limit_is_stated_in_megabytes():
    with pytest.raises(BackupError) as caught:
        backup.check_size(201 * 1024 * 1024)
    assert str(caught.value) == "The file is 201 MB; a backup can be at most 200 MB."
    backup.check_size(200 * 1024 * 1024)  # exactly at the limit is fine


def test_a_file_over_the_limit_is_refused_before_it_is_read(monkeypatch, store):
    monkeypatch.setattr(backup, "MAX_BACKUP_BYTES", 2048)
    with pytest.raises(BackupError) as caught:
        import_campaign(store, b"{" + b" " * 4000 + b"}")
    assert str(caught.value) == "The file is 4 KB; a backup can be at most 2 KB."
    assert row_counts(store)["campaigns"] == 0


def test_a_zip_that_unpacks_to_far_more_than_a_backup_is_refused(monkeypatch, demo_backup):
    _, _, good = demo_backup
    monkeypatch.setattr(backup, "MAX_BACKUP_BYTES", 100_000)
    bomb = zipped({"campaign.c4d.json": good, "files/x": bytes(1_000_000)})
    assert len(bomb) < 100_000
    with pytest.raises(BackupError) as caught:
        read_backup(bomb)
    assert str(caught.value) == "This zip file unpacks to more than 195 KB; it is not a campaign backup."


# ---- importing over a campaign that is already here ----------------------------------------

def test_importing_a_campaign_that_is_already_here_is_refused_by_default(store, demo_backup):
    _, _, data = demo_backup
    before = row_counts(store)
    with pytest.raises(BackupError) as caught:
        import_campaign(store, data)
    assert str(caught.value) == (
        "The campaign 'Dream Umbrella — Мөрөөдлийн шүхэр' is already on this laptop. "
        "Choose to import it as a copy, or to replace the one here.")
    assert row_counts(store) == before


def test_a_campaign_with_the_same_name_but_another_origin_also_counts_as_already_here(store, demo_backup):
    _, _, data = demo_backup
    other = fresh_store()
    add_campaign(other, "dream umbrella — МӨРӨӨДЛИЙН ШҮХЭР")
    with pytest.raises(BackupError):
        import_campaign(other, data)
    assert row_counts(other)["campaigns"] == 1


def test_importing_as_a_copy_keeps_both_with_new_ids(store):
    campaign = add_campaign(store, "Safe Migration")
    s = add_session(store, campaign, end=date(2020, 6, 19))
    people = store.add_participants([person(s, "A"), person(s, "B", attendance=[2])])
    taken = store.add_decision(decision(campaign, s))
    store.save_worksheet(campaign.id, "audience", {"session": s.id, "decision": taken.id, "note": "keep me"})
    attachment_id = store.add_attachment(campaign.id, "logo.png", "image/png", b"logo")
    _, data = export_campaign(store, campaign.id)

    copy = import_campaign(store, data, ImportMode.copy)
    assert copy.name == "Safe Migration (imported)"
    assert copy.id != campaign.id and copy.slug == "safe-migration-imported"
    [copied_session] = store.sessions(copy.id)
    copied_people = store.participants(copied_session.id)
    [copied_decision] = store.decisions(copy.id)
    [copied_file] = store.attachments(copy.id)
    assert copied_session.id != s.id and copied_session.title == s.title
    assert [p.organisation for p in copied_people] == ["A", "B"]
    assert not {p.id for p in copied_people} & {p.id for p in people}
    assert copied_decision.id != taken.id and copied_decision.session_id == copied_session.id
    assert store.worksheet(copy.id, "audience") == {"session": copied_session.id, "decision": copied_decision.id,
                                                     "note": "keep me"}
    assert copied_file["id"] != attachment_id and copied_file["content"] == b"logo"
    # The original is untouched, and a second copy gets its own name.
    assert export_campaign(store, campaign.id)[1] == data
    assert import_campaign(store, data, ImportMode.copy).name == "Safe Migration (imported 2)"


def test_importing_with_replace_swaps_the_campaign(store, demo_backup):
    campaign, _, data = demo_backup
    ppcd = store.sessions(campaign.id)[0]
    store.update_session(ppcd.model_copy(update={"place": "Darkhan"}))
    store.delete_participant(store.participants(ppcd.id)[0].id)
    store.save_worksheet(campaign.id, "audience", {"edited": "after the backup"})
    replaced = import_campaign(store, data, ImportMode.replace)
    assert replaced.id == campaign.id
    assert len(store.campaigns()) == 1
    assert export_campaign(store, campaign.id)[1] == data


def test_replace_refuses_when_a_third_campaign_has_the_backups_name(store, demo_backup):
    campaign, _, data = demo_backup
    store.update_campaign(campaign.model_copy(update={"name": "Renamed here"}))
    add_campaign(store, "Dream Umbrella — Мөрөөдлийн шүхэр")
    before = row_counts(store)
    with pytest.raises(BackupError) as caught:
        import_campaign(store, data, ImportMode.replace)
    assert "Another campaign on this laptop is also called" in str(caught.value)
    assert row_counts(store) == before
    assert store.campaign(campaign.id).name == "Renamed here"


def test_a_replace_that_fails_part_way_puts_the_original_back(store, demo_backup):
    campaign, _, data = demo_backup
    unrelated = add_campaign(store, "Unrelated")
    clash = store.add_decision(decision(unrelated, choice="Unrelated decision"))
    store.update_session(store.sessions(campaign.id)[0].model_copy(update={"place": "Edited here"}))
    snapshot = export_campaign(store, campaign.id)
    # A hand-edited backup whose decision reuses an id this laptop already has.
    document = json.loads(data)
    document["decisions"][0]["id"] = clash.id
    before = row_counts(store)
    with pytest.raises(BackupError) as caught:
        import_campaign(store, json.dumps(document).encode(), ImportMode.replace)
    assert "clash with records already on this laptop" in str(caught.value)
    assert row_counts(store) == before
    assert export_campaign(store, campaign.id) == snapshot
    assert store.decisions(unrelated.id) == [clash]


def test_a_format_1_backup_without_live_participation_is_still_read(store, tmp_path):
    from c4d.demo.example import load_demo

    demo = load_demo(store)
    _, data = export_campaign(store, demo.id)
    document = json.loads(data)
    document["format_version"] = 1
    document.pop("live")
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    imported = import_campaign(other, json.dumps(document).encode())
    assert imported.name == demo.name
    assert len(other.participants(other.session(imported.id, "ppcd-2020").id)) == 39


def test_a_damaged_audience_analysis_in_a_backup_is_refused(store, tmp_path):
    from c4d.demo.example import load_demo

    demo = load_demo(store)
    document = json.loads(export_campaign(store, demo.id)[1])
    document["worksheets"]["audiences"] = {"audiences": [{"role": "primary", "name": "", "approach": "bcc"}]}
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with pytest.raises(BackupError, match="invalid content"):
        import_campaign(other, json.dumps(document).encode())
    assert other.campaigns(include_archived=True) == []


# ---- duplicating a campaign (through its backup document) ------------------------------------

def test_duplicating_copies_the_plan_but_not_the_people(store):
    source = add_campaign(store, "Dream Umbrella", country="Mongolia")
    ppcd = add_session(store, source, agenda=[AgendaItem(day=1, title="Welcome")], place="Ulaanbaatar")
    launch = add_session(store, source, "Launch", start=date(2021, 3, 5), kind=SessionKind.showcase)
    store.add_participants([person(ppcd), person(ppcd, "TV channel")])
    store.add_decision(decision(source, ppcd))
    store.save_worksheet(source.id, "audience", {"session": ppcd.id, "notes": "rural young women"})
    store.set_archived(source.id, True)

    copy = backup.duplicate_campaign(store, source.id, "Dream Umbrella 2022")

    assert copy.id != source.id and copy.name == "Dream Umbrella 2022" and copy.country == "Mongolia"
    assert not copy.archived  # a new plan starts active
    sessions = store.sessions(copy.id)
    assert [(s.title, s.slug, s.place, s.agenda) for s in sessions] == [
        (ppcd.title, ppcd.slug, "Ulaanbaatar", ppcd.agenda), (launch.title, launch.slug, "", [])]
    assert not {s.id for s in sessions} & {ppcd.id, launch.id}
    assert all(store.participants(s.id) == [] for s in sessions)
    [copied_decision] = store.decisions(copy.id)
    assert copied_decision.session_id == sessions[0].id  # points at the copy's session
    assert store.worksheet(copy.id, "audience") == {"session": sessions[0].id, "notes": "rural young women"}
    # The source is untouched.
    assert len(store.participants(ppcd.id)) == 2
    assert store.worksheet(source.id, "audience")["session"] == ppcd.id


def test_duplicating_under_an_existing_name_is_refused(store):
    source = add_campaign(store, "Dream Umbrella")
    add_campaign(store, "Other")
    before = row_counts(store)
    with pytest.raises(Conflict):
        backup.duplicate_campaign(store, source.id, "other")
    assert row_counts(store) == before


def test_duplicating_a_campaign_with_files_copies_the_files(store):
    demo = load_demo(store)
    store.add_attachment(demo.id, "poster-v1.png", "image/png", b"\x89PNG fake bytes")
    copy = backup.duplicate_campaign(store, demo.id, "Dream Umbrella, second round")
    copied = store.attachments(copy.id)
    original = store.attachments(demo.id)
    assert sorted((a["filename"], a["content"]) for a in copied) == sorted((a["filename"], a["content"]) for a in original)
    assert ("poster-v1.png", b"\x89PNG fake bytes") in [(a["filename"], a["content"]) for a in copied]
    assert {a["id"] for a in copied}.isdisjoint({a["id"] for a in store.attachments(demo.id)})

"""Persistence: every change is committed the moment it is made, refusals change nothing."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest

from c4d.models import Campaign, DecisionTopic, SessionKind
from c4d.db.errors import Conflict, NotFound
from c4d.db.store import Store
from tests.fixtures_store import add_campaign, add_session, decision, person, row_counts


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


# ---- campaigns ----------------------------------------------------------------------------

def test_a_campaign_is_found_by_slug_or_id_and_can_be_edited(store):
    created = add_campaign(store, "Dream Umbrella — Мөрөөдлийн шүхэр", country="Mongolia", participant_language="mn")
    assert created.slug == "dream-umbrella"
    assert store.campaign("dream-umbrella") == store.campaign(created.id) == created

    edited = store.update_campaign(created.model_copy(update={"country": "Mongolia (Ulaanbaatar)",
                                                              "organisers": ["IOM Mongolia"]}))
    again = store.campaign(created.id)
    assert again == edited
    assert again.country == "Mongolia (Ulaanbaatar)"
    assert again.organisers == ["IOM Mongolia"]
    assert again.slug == "dream-umbrella"


def test_an_unknown_campaign_says_how_to_find_the_names(store):
    with pytest.raises(NotFound) as caught:
        store.campaign("nope")
    assert str(caught.value) == "No campaign called 'nope'. Run 'c4d campaigns' to see the names."
    with pytest.raises(NotFound):
        store.update_campaign(Campaign(name="Ghost"))


@pytest.mark.parametrize("again", ["Safe Migration", "safe migration", "  SAFE   Migration "])
def test_a_duplicate_campaign_name_is_refused_and_nothing_changes(store, again):
    first = add_campaign(store, "Safe Migration")
    before = row_counts(store)
    with pytest.raises(Conflict) as caught:
        add_campaign(store, again)
    assert "already exists" in str(caught.value)
    assert row_counts(store) == before
    assert store.campaigns() == [first]


def test_renaming_onto_another_campaigns_name_is_refused_but_recasing_ones_own_is_not(store):
    add_campaign(store, "Safe Migration")
    other = add_campaign(store, "Dream Umbrella")
    with pytest.raises(Conflict):
        store.update_campaign(other.model_copy(update={"name": "SAFE MIGRATION"}))
    assert store.campaign(other.id).name == "Dream Umbrella"
    assert store.update_campaign(other.model_copy(update={"name": "DREAM umbrella"})).name == "DREAM umbrella"


def test_slugs_are_unique_and_every_name_gets_one(store):
    assert add_campaign(store, "Dream Umbrella").slug == "dream-umbrella"
    assert add_campaign(store, "Dream Umbrella!").slug == "dream-umbrella-2"
    assert add_campaign(store, "Мөрөөдлийн шүхэр").slug == "campaign"
    assert add_campaign(store, "ក្តីសុបិន").slug == "campaign-2"


def test_archived_campaigns_are_hidden_from_the_list_until_asked_for(store):
    kept = add_campaign(store, "Kept")
    old = add_campaign(store, "Old")
    assert store.set_archived(old.id, True).archived
    assert [c.id for c in store.campaigns()] == [kept.id]
    assert {c.id for c in store.campaigns(include_archived=True)} == {kept.id, old.id}
    assert store.campaign(old.slug).archived  # still reachable by name
    store.set_archived(old.id, False)
    assert {c.id for c in store.campaigns()} == {kept.id, old.id}


def test_deleting_a_campaign_removes_everything_it_owns_and_nothing_else(store):
    doomed, kept = add_campaign(store, "Doomed"), add_campaign(store, "Kept")
    for campaign in (doomed, kept):
        s = add_session(store, campaign)
        store.add_participants([person(s), person(s, "Radio station")])
        store.add_decision(decision(campaign, s))
        store.save_worksheet(campaign.id, "audience", {"primary": "young women"})
        store.add_attachment(campaign.id, "poster.png", "image/png", b"\x89PNG")
    store.delete_campaign(doomed.id)
    assert row_counts(store) == {"campaigns": 1, "sessions": 1, "participants": 2, "decisions": 1,
                                 "worksheets": 1, "attachments": 1}
    with pytest.raises(NotFound):
        store.campaign(doomed.id)
    assert store.sessions(doomed.id) == [] and store.decisions(doomed.id) == []
    assert len(store.participants(store.sessions(kept.id)[0].id)) == 2


# ---- sessions ------------------------------------------------------------------------------------

def test_session_slugs_are_unique_within_a_campaign_only(store):
    one, two = add_campaign(store, "One"), add_campaign(store, "Two")
    first = add_session(store, one, "PPCD Ulaanbaatar")
    second = add_session(store, one, "PPCD Darkhan")
    elsewhere = add_session(store, two, "PPCD Ulaanbaatar")
    assert (first.slug, second.slug, elsewhere.slug) == ("ppcd-2020", "ppcd-2020-2", "ppcd-2020")
    assert store.session(one.id, "ppcd-2020-2") == second
    assert store.session(one.id, second.id) == second
    with pytest.raises(NotFound) as caught:
        store.session(two.id, second.id)  # another campaign's session is not reachable
    assert str(caught.value) == f"No session called '{second.id}' in this campaign."


def test_a_session_title_is_unique_within_a_campaign(store):
    campaign = add_campaign(store)
    add_session(store, campaign, "Media Camp 1")
    with pytest.raises(Conflict):
        add_session(store, campaign, "media  camp 1", kind=SessionKind.media_camp_1)
    assert len(store.sessions(campaign.id)) == 1


def test_sessions_are_listed_by_date_and_can_be_edited(store):
    campaign = add_campaign(store)
    late = add_session(store, campaign, "Launch", start=date(2021, 3, 5), kind=SessionKind.showcase)
    early = add_session(store, campaign, "PPCD", start=date(2020, 6, 18))
    assert [s.id for s in store.sessions(campaign.id)] == [early.id, late.id]
    store.update_session(early.model_copy(update={"place": "Darkhan", "end_date": date(2020, 6, 19)}))
    again = store.session(campaign.id, early.id)
    assert (again.place, again.days) == ("Darkhan", 2)


def test_a_session_cannot_be_shortened_below_a_day_someone_attended(store):
    campaign = add_campaign(store)
    three_days = add_session(store, campaign, end=date(2020, 6, 20))
    store.add_participant(person(three_days, attendance=[1, 3]))
    with pytest.raises(Conflict) as caught:
        store.update_session(three_days.model_copy(update={"end_date": date(2020, 6, 19)}))
    assert "marked present on day 3" in str(caught.value)
    assert store.session(campaign.id, three_days.id).days == 3
    store.update_session(three_days.model_copy(update={"place": "Ulaanbaatar"}))  # same length is fine


def test_deleting_a_session_removes_its_register_and_keeps_its_decisions(store):
    campaign = add_campaign(store)
    s = add_session(store, campaign)
    store.add_participants([person(s), person(s)])
    kept = store.add_decision(decision(campaign, s))
    store.delete_session(s.id)
    assert store.sessions(campaign.id) == []
    assert row_counts(store)["participants"] == 0
    assert store.decisions(campaign.id) == [kept.model_copy(update={"session_id": None})]


# ---- participants -------------------------------------------------------------------------------------

def test_participants_keep_their_order_and_can_be_edited_and_removed(store):
    s = add_session(store, add_campaign(store), end=date(2020, 6, 19))
    added = store.add_participants([person(s, "A"), person(s, "B"), person(s, "C", attendance=[1, 2])])
    store.add_participant(person(s, "D"))
    assert [p.organisation for p in store.participants(s.id)] == ["A", "B", "C", "D"]
    store.update_participant(added[1].model_copy(update={"name": "Bold Example", "consent_to_list": True}))
    store.delete_participant(added[0].id)
    assert [(p.organisation, p.listed_name()) for p in store.participants(s.id)] == [
        ("B", "Bold Example"), ("C", "(not listed)"), ("D", "(not listed)")]


def test_a_sign_in_sheet_is_saved_whole_or_not_at_all(store):
    s = add_session(store, add_campaign(store), end=date(2020, 6, 19))
    store.add_participant(person(s, "Already here"))
    sheet = [person(s, "A"), person(s, "B"), person(s, "C", attendance=[3])]  # the session has 2 days
    with pytest.raises(Conflict):
        store.add_participants(sheet)
    assert [p.organisation for p in store.participants(s.id)] == ["Already here"]
    with pytest.raises(NotFound):
        store.add_participants([person(s, "A"), person(s.model_copy(update={"id": "gone"}), "B")])
    assert len(store.participants(s.id)) == 1


def test_editing_attendance_onto_a_day_the_session_lacks_is_refused(store):
    s = add_session(store, add_campaign(store))
    one = store.add_participant(person(s, attendance=[1]))
    with pytest.raises(Conflict):
        store.update_participant(one.model_copy(update={"attendance": [1, 2]}))
    assert store.participants(s.id)[0].attendance == [1]


# ---- decisions, worksheets, settings, attachments ----------------------------------------

def test_decisions_are_listed_in_the_order_they_were_taken(store):
    campaign = add_campaign(store)
    later = store.add_decision(decision(campaign, topic=DecisionTopic.area, choice="Ulaanbaatar",
                                        when=datetime(2020, 6, 19, 9, tzinfo=timezone.utc)))
    earlier = store.add_decision(decision(campaign, choice="Sexual exploitation", turnout=35, eligible=39,
                                          breakdown=[{"option": "Sexual exploitation", "votes": 20},
                                                     {"option": "Forced labour", "votes": 15}]))
    assert store.decisions(campaign.id) == [earlier, later]
    store.update_decision(later.model_copy(update={"choice": "Ulaanbaatar and Darkhan-Uul"}))
    assert store.decisions(campaign.id)[1].choice == "Ulaanbaatar and Darkhan-Uul"
    store.delete_decision(earlier.id)
    assert [d.id for d in store.decisions(campaign.id)] == [later.id]
    with pytest.raises(NotFound):
        store.update_decision(earlier)


def test_worksheets_are_saved_whole_and_replaced_on_save(store):
    campaign = add_campaign(store)
    assert store.worksheet(campaign.id, "smart") is None
    store.save_worksheet(campaign.id, "smart", {"objectives": [{"text": "Мэдлэг нэмэх", "measurable": True}]})
    store.save_worksheet(campaign.id, "audience", {"primary": "young women"})
    store.save_worksheet(campaign.id, "smart", {"objectives": []})
    assert store.worksheet(campaign.id, "smart") == {"objectives": []}
    assert store.worksheets(campaign.id) == {"audience": {"primary": "young women"}, "smart": {"objectives": []}}
    assert list(store.worksheets(campaign.id)) == ["audience", "smart"]


def test_settings_have_defaults_and_keep_any_json_value(store):
    assert store.setting("passcode_hash") is None
    assert store.setting("language", "en") == "en"
    store.set_setting("translations", {"mn": {"Vote": "Санал өгөх"}})
    store.set_setting("language", "mn")
    store.set_setting("language", "km")
    assert store.setting("language", "en") == "km"
    assert store.setting("translations") == {"mn": {"Vote": "Санал өгөх"}}


def test_attachments_keep_their_bytes(store):
    campaign = add_campaign(store)
    content = bytes(range(256)) * 10
    attachment_id = store.add_attachment(campaign.id, "poster draft.png", "image/png", content)
    assert store.attachment(attachment_id) == ("poster draft.png", "image/png", content)
    [listed] = store.attachments(campaign.id)
    assert (listed["id"], listed["content"]) == (attachment_id, content)
    assert listed["created_at"].tzinfo is not None
    store.delete_attachment(attachment_id)
    assert store.attachment(attachment_id) is None and store.attachments(campaign.id) == []


# ---- durability ------------------------------------------------------------------------------

def test_the_database_is_in_wal_mode(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"


def test_everything_survives_closing_and_reopening(db_url):
    first = Store(db_url)
    campaign = add_campaign(first, "Dream Umbrella — Мөрөөдлийн шүхэр")
    s = add_session(first, campaign)
    store_people = first.add_participants([person(s, name="Saraa Example", consent_to_list=True)])
    first.add_decision(decision(campaign, s))
    first.save_worksheet(campaign.id, "audience", {"primary": "young women"})
    first.set_setting("language", "mn")
    first.engine.dispose()

    reopened = Store(db_url)
    assert reopened.campaign(campaign.id) == campaign
    assert reopened.sessions(campaign.id) == [s]
    assert reopened.participants(s.id) == store_people
    assert len(reopened.decisions(campaign.id)) == 1
    assert reopened.worksheet(campaign.id, "audience") == {"primary": "young women"}
    assert reopened.setting("language") == "mn"


def test_every_change_is_committed_when_the_method_returns(db_url):
    """What another process (a second server, or the one started after a crash) sees."""
    store, other = Store(db_url), Store(db_url)
    raw = sqlite3.connect(sqlite_path(db_url))  # outside SQLAlchemy altogether

    def count(table: str) -> int:
        return raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    try:
        campaign = add_campaign(store)
        assert count("campaigns") == 1 and other.campaign(campaign.slug) == campaign
        s = add_session(store, campaign)
        assert count("sessions") == 1 and other.sessions(campaign.id) == [s]
        p = store.add_participant(person(s))
        assert count("participants") == 1 and other.participants(s.id) == [p]
        store.update_participant(p.model_copy(update={"name": "Edited Example"}))
        assert other.participants(s.id)[0].name == "Edited Example"
        store.add_decision(decision(campaign, s))
        assert count("decisions") == 1
        store.save_worksheet(campaign.id, "audience", {"a": 1})
        assert count("worksheets") == 1 and other.worksheet(campaign.id, "audience") == {"a": 1}
        store.set_setting("k", "v")
        assert other.setting("k") == "v"
        other.set_archived(campaign.id, True)  # and the other way round
        assert store.campaigns() == []
    finally:
        raw.close()


def test_a_new_database_and_its_folder_are_readable_by_this_user_only(tmp_path):
    import os
    import stat

    url = f"sqlite:///{tmp_path / 'new-folder' / 'c4d.sqlite3'}"
    fresh = Store(url)
    fresh.create_campaign(Campaign(name="Private"))
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(tmp_path / "new-folder") == 0o700
    assert mode(tmp_path / "new-folder" / "c4d.sqlite3") == 0o600
    assert mode(tmp_path / "new-folder" / "c4d.sqlite3-wal") == 0o600
    fresh.engine.dispose()


# ---- the phones' reads and votes ---------------------------------------------------------

def _live_ballot(store, labels=("Radio", "TV"), **fields):
    from c4d.phones.model import Showing
    from c4d.voting.lifecycle import open_ballot
    from c4d.voting.model import Ballot, BallotOption

    campaign = add_campaign(store, fields.pop("campaign_name", "Safe Migration"))
    session = add_session(store, campaign)
    ballot = store.save_ballot(open_ballot(Ballot(campaign_id=campaign.id, session_id=session.id,
                                                  question="Which one?",
                                                  options=[BallotOption(label=label) for label in labels])))
    state = store.live_state(session.id)
    store.save_live_state(state.model_copy(update={"showing": Showing.ballot, "ballot_id": ballot.id}))
    return campaign, session, ballot, state.join_code


def test_the_live_view_is_one_read_whose_version_changes_with_everything_a_phone_shows(store):
    from c4d.phones import commands as phone_commands
    from c4d.phones.model import VoterCard
    from c4d.voting.lifecycle import close_ballot

    campaign, session, ballot, code = _live_ballot(store)
    assert store.live_view("ZZZZZ") is None
    view = store.live_view(code)
    assert (view.ballot, view.campaign_name, view.language, view.has_cards) == (ballot, "Safe Migration", "en", False)
    again = store.live_view(code)
    assert again.version == view.version
    assert again.ballot is view.ballot and again.state is view.state  # validated once, while unchanged

    other = Store(store.url)  # another process
    changes = [
        lambda: other.save_ballot(close_ballot(ballot)),
        lambda: other.update_campaign(campaign.model_copy(update={"name": "Safe Journeys"})),
        lambda: other.update_campaign(other.campaign(campaign.id).model_copy(update={"participant_language": "mn"})),
        lambda: other.add_cards([VoterCard(session_id=session.id, code="AAAAAA")]),
        lambda: phone_commands.save_translation(other, "mn", "reload", "Дахин ачаалах"),
        lambda: other.save_live_state(other.live_state(session.id).model_copy(update={"cards_required": True})),
    ]
    seen = {view.version}
    for change in changes:
        change()
        view = store.live_view(code)
        assert view.version not in seen
        seen.add(view.version)
    assert view.ballot.status.value == "closed" and view.campaign_name == "Safe Journeys" and view.language == "mn"
    assert view.has_cards and view.state.cards_required and view.phrases == {"mn": {"reload": "Дахин ачаалах"}}


def test_the_live_view_names_no_ballot_of_another_session(store):
    from c4d.phones.model import Showing

    campaign, session, ballot, _ = _live_ballot(store)
    other_session = add_session(store, campaign, "Audience workshop")
    state = store.live_state(other_session.id)
    store.save_live_state(state.model_copy(update={"showing": Showing.ballot, "ballot_id": ballot.id}))
    assert store.live_view(state.join_code).ballot is None


def test_a_view_on_the_phones_connection_is_kept_until_the_database_changes(store):
    """While phones are answered (without_waiting), a join code's view is read again only when
    something was saved since: by the facilitator's pages in this process, by another
    process, or on the phones' connection itself; a vote is no part of a view."""
    from c4d.voting.lifecycle import close_ballot
    from c4d.voting.model import Vote

    campaign, session, ballot, code = _live_ballot(store)
    other = Store(store.url)  # another process

    def phone_view():
        with store.without_waiting() as now:
            assert now
            return store.live_view(code)

    first = phone_view()
    assert phone_view() is first and phone_view() is first
    with store.without_waiting():
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[0]]),
                        checked=ballot)
    assert phone_view() is first

    store.update_campaign(campaign.model_copy(update={"name": "Safe Journeys"}))  # the facilitator's pages
    renamed = phone_view()
    assert renamed.campaign_name == "Safe Journeys" and phone_view() is renamed

    other.save_ballot(close_ballot(ballot))
    closed = phone_view()
    assert closed.ballot.status.value == "closed" and phone_view() is closed

    with store.without_waiting():  # a write on the phones' own connection (SQLite's data_version does not see it)
        store.save_live_state(store.live_state(session.id).model_copy(update={"cards_required": True}))
    assert phone_view().state.cards_required
    assert store.live_view("ZZZZZ") is None and phone_view().state.cards_required


@pytest.mark.parametrize("checked", [False, True], ids=["read by cast_vote", "checked by the caller"])
def test_a_vote_is_refused_when_the_ballot_closes_between_its_read_and_its_write(store, monkeypatch, checked):
    """Another process closes the ballot after cast_vote (or the phone page that calls it)
    has read it open: the write itself requires the ballot to be open, so nothing lands,
    and the voter is told why."""
    from c4d.db import phone_path
    from c4d.voting.lifecycle import close_ballot
    from c4d.voting.model import Vote, VotingError

    _, _, ballot, _ = _live_ballot(store)
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:early", selections=[ballot.option_ids[0]]))
    other = Store(store.url)

    class ClosingFirst:
        def __init__(self, statement):
            self.statement = statement

        def run(self, connection, **values):
            other.save_ballot(close_ballot(ballot))
            return self.statement.run(connection, **values)

    for name in ("_ADD_VOTE", "_REPLACE_VOTE"):
        monkeypatch.setattr(phone_path, name, ClosingFirst(getattr(phone_path, name)))
    for voter in ("device:late", "device:early"):  # a new vote, and one replacing a standing vote
        other.save_ballot(ballot)  # open again
        with pytest.raises(VotingError, match="closed; your vote was not counted"):
            store.cast_vote(Vote(ballot_id=ballot.id, voter_key=voter, selections=[ballot.option_ids[1]]),
                            checked=ballot if checked else None)
    assert [(v.voter_key, v.selections) for v in store.votes(ballot.id)] == [("device:early", [ballot.option_ids[0]])]


def test_a_vote_checked_by_the_caller_must_name_that_ballot_open(store):
    from c4d.voting.lifecycle import close_ballot
    from c4d.voting.model import Vote, VotingError

    _, session, ballot, _ = _live_ballot(store)
    _, _, other_ballot, _ = _live_ballot(store, campaign_name="Safe Journeys")
    vote = Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[0]])
    with pytest.raises(VotingError, match="different ballot"):
        store.cast_vote(vote, checked=other_ballot)
    with pytest.raises(VotingError, match="closed"):
        store.cast_vote(vote, checked=close_ballot(ballot))
    assert store.vote_count(ballot.id) == 0
    assert store.cast_vote(vote, checked=ballot) is False
    assert store.cast_vote(vote.model_copy(update={"id": "x" * 32, "selections": [ballot.option_ids[1]]}),
                           checked=ballot) is True
    (standing,) = store.votes(ballot.id)
    assert standing.id == vote.id and standing.selections == [ballot.option_ids[1]]


def test_votes_are_indexed_by_ballot_and_voter_only_and_older_databases_lose_the_rest(tmp_path):
    from c4d.db.engine import make_engine

    url = f"sqlite:///{tmp_path / 'c4d.sqlite3'}"
    Store(url).engine.dispose()
    raw = sqlite3.connect(sqlite_path(url), isolation_level=None)

    def vote_indexes():
        return sorted(name for (name,) in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'votes'"))

    made = vote_indexes()
    assert len(made) == 2 and all(name.startswith("sqlite_autoindex_votes") for name in made)  # id; (ballot, voter)
    plan = " ".join(row[-1] for row in raw.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM votes WHERE ballot_id = 'b'"))
    assert "USING COVERING INDEX sqlite_autoindex_votes" in plan  # a count by ballot needs no index of its own

    older = ["ix_votes_ballot_id", "ix_votes_campaign_id"]
    for name, column in zip(older, ["ballot_id", "campaign_id"]):
        raw.execute(f"CREATE INDEX {name} ON votes ({column})")
    raw.execute("BEGIN IMMEDIATE")  # another program is writing: the database still opens, as it is
    opened = Store(engine=make_engine(url, wait_s=0))
    assert vote_indexes() == sorted(made + older) and opened.vote_count("b") == 0
    raw.execute("COMMIT")
    opened.engine.dispose()
    Store(url).engine.dispose()
    assert vote_indexes() == made
    raw.close()


def test_a_replacing_vote_keeps_its_id_and_the_last_answer(store):
    from c4d.voting.model import Vote

    _, _, ballot, _ = _live_ballot(store)
    assert store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[0]])) is False
    first = store.votes(ballot.id)[0]
    assert store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[1]])) is True
    (standing,) = store.votes(ballot.id)
    assert standing.id == first.id and standing.selections == [ballot.option_ids[1]]


def test_prepared_statements_read_what_sqlalchemy_reads(store):
    from c4d.db import phone_path

    _, _, ballot, code = _live_ballot(store)
    with store.engine.connect() as connection:
        for prepared, values in ((phone_path._LIVE_VIEW, {"code": code}),
                                 (phone_path._LIVE_VIEW, {"code": "ZZZZZ"}),
                                 (phone_path._BALLOT_AND_STANDING_VOTE, {"ballot_id": ballot.id, "voter_key": "x"}),
                                 (phone_path._STANDING_VOTE, {"ballot_id": ballot.id, "voter_key": "x"})):
            expected = connection.execute(prepared.statement, values).first()
            found = prepared.first(connection, **values)
            assert (None if expected is None else tuple(expected)) == (None if found is None else tuple(found))


# ---- other databases (PostgreSQL): what can be checked without one -------------------------

def test_the_phone_statements_and_the_tables_compile_for_postgresql():
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    from c4d.db import phone_path, schema

    dialect = postgresql.dialect()
    prepared = [v for v in vars(phone_path).values() if isinstance(v, phone_path._Prepared)]
    assert len(prepared) >= 5
    sql = {id(p): str(p.statement.compile(dialect=dialect)) for p in prepared}
    assert "CAST(live_sessions.data AS TEXT)" in sql[id(phone_path._LIVE_VIEW)]
    assert "live_sessions.data ->> " in sql[id(phone_path._LIVE_VIEW)]
    assert "json_extract" not in " ".join(sql.values())
    for table in schema.Base.metadata.sorted_tables:
        CreateTable(table).compile(dialect=dialect)


class _AsIfPostgres:
    """A SQLite connection that _Prepared takes for another database's, so its statements
    go through SQLAlchemy; like psycopg, it reports no rowcount for an INSERT once
    SQLAlchemy has closed the cursor, unless SQLAlchemy was asked to keep it."""

    dialect = type("Dialect", (), {"name": "postgresql"})()

    def __init__(self, connection):
        self.connection = connection

    def execute(self, statement, parameters=None, execution_options=None):
        options = execution_options or {}
        result = self.connection.execute(statement, parameters, execution_options=options)
        if result.context.isinsert and not options.get("preserve_rowcount"):
            return type("Result", (), {"rowcount": -1})()
        return result


def test_votes_and_phone_reads_work_through_sqlalchemy_as_on_other_databases(store, monkeypatch):
    from contextlib import contextmanager

    from c4d.voting.model import Vote

    _, _, ballot, code = _live_ballot(store)
    statements = Store._statements

    @contextmanager
    def as_if_postgres(self, **kwargs):
        with statements(self, **kwargs) as connection:
            yield _AsIfPostgres(connection)

    monkeypatch.setattr(Store, "_statements", as_if_postgres)
    assert store.live_view(code).ballot == store.ballot(ballot.id) == ballot
    assert store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[0]])) is False
    assert store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[1]])) is True
    assert [v.selections for v in store.votes(ballot.id)] == [[ballot.option_ids[1]]]


def test_moments_are_kept_and_given_back_in_utc_whatever_zone_they_come_in():
    """PostgreSQL hands times back in its own zone (e.g. +08:00); SQLite keeps a time's
    wall clock and drops its zone. Either way the store gives back the same moment, in UTC."""
    from datetime import timedelta

    from c4d.db.store import _aware

    ulaanbaatar = timezone(timedelta(hours=8))
    assert _aware(datetime(2020, 6, 18, 18, tzinfo=ulaanbaatar)).isoformat() == "2020-06-18T10:00:00+00:00"
    assert _aware(datetime(2020, 6, 18, 10)).isoformat() == "2020-06-18T10:00:00+00:00"

    store = Store("sqlite://")
    campaign = add_campaign(store)
    store.restore_attachment("a" * 32, campaign.id, "poster.png", "image/png", b"png",
                             datetime(2020, 6, 18, 18, tzinfo=ulaanbaatar))
    (saved,) = store.attachments(campaign.id)
    assert saved["created_at"].isoformat() == "2020-06-18T10:00:00+00:00"


def test_campaigns_and_sessions_are_listed_in_one_order_whatever_the_database_collation(tmp_path):
    """A server sorts text by its own collation (PostgreSQL's may ignore case, or follow a
    language): the lists, and a backup's bytes, must not depend on it. Here SQLite is made
    to compare the names and titles ignoring case."""
    from sqlalchemy import create_engine
    from sqlalchemy.schema import CreateTable

    from c4d.backup import export_campaign
    from c4d.db.schema import CampaignRow, SessionRow

    url = f"sqlite:///{tmp_path / 'nocase.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        for table, column in ((CampaignRow.__table__, "name"), (SessionRow.__table__, "title")):
            ddl = str(CreateTable(table).compile(dialect=engine.dialect))
            nocase = ddl.replace(f"\t{column} VARCHAR(200) NOT NULL", f"\t{column} VARCHAR(200) COLLATE NOCASE NOT NULL")
            assert nocase != ddl
            connection.exec_driver_sql(nocase)
    engine.dispose()
    store = Store(url)
    when = datetime(2020, 6, 18, 10, tzinfo=timezone.utc)
    for name in ("apple", "Banana"):
        add_campaign(store, name, created_at=when)
    assert [c.name for c in store.campaigns()] == ["Banana", "apple"]  # as Python (and SQLite's default) compares
    campaign = store.campaigns()[0]
    for title in ("apple", "Banana"):
        add_session(store, campaign, title)
    assert [s.title for s in store.sessions(campaign.id)] == ["Banana", "apple"]
    _, data = export_campaign(store, campaign.id)
    assert data.index(b'"title": "Banana"') < data.index(b'"title": "apple"')
    store.engine.dispose()


def test_attachment_names_lose_the_nul_postgresql_refuses(store):
    """PostgreSQL refuses NUL in text; a hand-made backup could carry one in a file's name."""
    campaign = add_campaign(store)
    added = store.add_attachment(campaign.id, "poster\x00 v1\x07.png", "image/png\x00", b"png")
    store.restore_attachment("b" * 32, campaign.id, "\x00logo.png", "image/png", b"png",
                             datetime(2020, 6, 18, 10, tzinfo=timezone.utc))
    assert store.attachment(added) == ("poster v1\x07.png", "image/png", b"png")
    assert store.attachment("b" * 32) == ("logo.png", "image/png", b"png")


def test_without_waiting_holds_the_store_only_when_nothing_would_wait(store):
    import threading

    from c4d.db.errors import Busy
    from c4d.voting.model import Vote

    _, _, ballot, code = _live_ballot(store)
    with store.without_waiting() as now:
        assert now and store.live_view(code).ballot == ballot
    with Store("sqlite://").without_waiting() as now:
        assert now is False  # not a file: a connection of its own would be another database

    holding, done = threading.Event(), threading.Event()

    def other_thread():
        with store.one_thread_at_a_time():
            holding.set()
            done.wait(30)

    helper = threading.Thread(target=other_thread)
    helper.start()
    try:
        assert holding.wait(30)
        with store.without_waiting() as now:
            assert now is False
    finally:
        done.set()
        helper.join(30)

    other = sqlite3.connect(sqlite_path(store.url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        with pytest.raises(Busy):
            with store.without_waiting() as now:
                assert now
                assert store.live_view(code) is not None  # reading does not wait
                store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[0]]))
    finally:
        other.execute("COMMIT")
        other.close()
    assert store.vote_count(ballot.id) == 0
    store.cast_vote(Vote(ballot_id=ballot.id, voter_key="device:1", selections=[ballot.option_ids[0]]))
    assert store.vote_count(ballot.id) == 1


def test_one_commit_for_all_saves_the_blocks_writes_at_its_end_or_not_at_all(store):
    from c4d.voting.model import Vote

    _, _, ballot, _ = _live_ballot(store)
    other = Store(store.url)  # another process, which sees only what is committed

    def vote(voter):
        store.cast_vote(Vote(ballot_id=ballot.id, voter_key=voter, selections=[ballot.option_ids[0]]))

    with pytest.raises(RuntimeError, match="without_waiting"):
        with store.one_commit_for_all():  # only for the calls of a without_waiting() block
            vote("device:0")
    assert store.vote_count(ballot.id) == 0

    with store.without_waiting() as now:
        assert now
        with store.one_commit_for_all():
            vote("device:1")
            vote("device:2")
            assert other.vote_count(ballot.id) == 0  # nothing is saved before the block ends
    assert other.vote_count(ballot.id) == store.vote_count(ballot.id) == 2

    with pytest.raises(ValueError, match="no answer"):
        with store.without_waiting() as now:
            assert now
            with store.one_commit_for_all():
                vote("device:3")
                raise ValueError("no answer could be made")
    assert other.vote_count(ballot.id) == store.vote_count(ballot.id) == 2
    other.engine.dispose()

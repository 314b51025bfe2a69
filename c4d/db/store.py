"""Persistence: every edit is written and committed the moment it is made.

SQLAlchemy 2 on SQLite (WAL) by default; any SQLAlchemy URL works, and no query here
is SQLite-only, so PostgreSQL can serve an organisation later. The tables (`schema.py`)
hold the pydantic models of `c4d.models` and of the tools' model files; worksheets keep
their content as one JSON document per campaign and worksheet, validated by the
worksheet's own model.

`Store` is the general store, one transaction per public method. The phones' hot path
(`live_view`, `cast_vote`, the plain statements built once, the connection that never
waits and the concurrency helpers) is its part `PhonePath`, in `phone_path.py`.

This module is one concept that reads best whole: the Store class, a few lines for each
read and write of each table, table by table; split, one class would be spread over
several files with nothing of its own in each.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from c4d import config
from c4d.db.engine import make_engine
from c4d.db.errors import Conflict, NotFound
from c4d.db.phone_path import PhonePath
from c4d.db.schema import (
    LIVE_TABLES,
    RETIRED_INDEXES,
    AttachmentRow,
    Base,
    BallotRow,
    CampaignRow,
    CardRow,
    DecisionRow,
    HandCountRow,
    IdeaRow,
    LiveRow,
    ParticipantRow,
    RemovedRow,
    SessionRow,
    SettingRow,
    VoteRow,
    WorksheetRow,
)
from c4d.ideas.model import Idea
from c4d.models import (
    Campaign,
    Decision,
    Participant,
    Session,
    new_id,
    same_name,
    slugify,
    utcnow,
)
from c4d.phones.model import LiveState, VoterCard, new_code
from c4d.removed.model import Removed, day_start
from c4d.voting.model import Ballot, HandCount, Vote, validate_hand_count
from c4d.text import plural


def _aware(value: datetime) -> datetime:
    # Everything is stored in UTC and handed back in UTC: SQLite gives naive datetimes;
    # PostgreSQL gives them in the connection's time zone (the server's TimeZone setting,
    # e.g. +08:00), which would change a backup's text and its zip dates.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _storable(name: str) -> str:
    # PostgreSQL refuses NUL in text; uploads never carry one (pretest.check_file drops
    # control characters), a hand-made backup could.
    return name.replace("\x00", "")


class Store(PhonePath):
    """The one way in and out of the database. Each public method is one transaction.

    The phones' hot path and the concurrency helpers (`one_thread_at_a_time`,
    `without_waiting`, `one_commit_for_all`) come from `PhonePath` (phone_path.py)."""

    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.engine = engine or make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=False)
        Base.metadata.create_all(self.engine)
        self._retire_indexes()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._start_phone_path()

    def _retire_indexes(self) -> None:
        """Drop the indexes this version no longer keeps (schema.RETIRED_INDEXES), if there.
        Never in the way of opening the database: when another program is writing, it is
        left for the next start."""
        inspector = inspect(self.engine)
        retired = [name for table, names in RETIRED_INDEXES.items()
                   for name in names if name in {index["name"] for index in inspector.get_indexes(table)}]
        if not retired:
            return
        try:
            with self.engine.begin() as connection:
                for name in retired:
                    connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        except OperationalError:
            pass

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One database transaction. Calls made inside an open transaction (on the same
        thread) join it, so a caller can make several store calls all-or-nothing:

            with store.transaction():
                store.delete_campaign(old.id)
                store.create_campaign(new)
        """
        current = getattr(self._local, "db", None)
        if current is not None:
            yield current
            return
        sessions, driver = self._sessions, None
        if self._now():  # the connection that never waits (without_waiting), which keeps views (live_view)
            connection, sessions = self._no_wait  # type: ignore[misc]
            driver = connection.connection.driver_connection
        changes = driver.total_changes if driver is not None else 0  # type: ignore[union-attr]
        try:
            with self._lock, sessions.begin() as db:
                self._local.db = db
                try:
                    yield db
                finally:
                    self._local.db = None
        finally:
            if driver is not None and driver.total_changes != changes:  # type: ignore[union-attr]
                self._views.clear()  # this connection wrote: data_version does not see its own writes

    # ---- campaigns -----------------------------------------------------------------
    def _unique_slug(self, db: Any, wanted: str, table: Any = CampaignRow, **scope: str) -> str:
        base = slugify(wanted)
        candidate, n = base, 2
        while db.scalar(select(table.id).filter_by(slug=candidate, **scope)) is not None:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def create_campaign(self, campaign: Campaign) -> Campaign:
        with self.transaction() as db:
            self._refuse_duplicate_campaign_name(db, campaign.name, except_id=None)
            campaign = campaign.model_copy(update={"slug": self._unique_slug(db, campaign.slug or campaign.name)})
            db.add(CampaignRow(**campaign.model_dump()))
            db.flush()  # parents reach the database first inside a longer transaction
        return campaign

    def _refuse_duplicate_campaign_name(self, db: Any, name: str, except_id: str | None) -> None:
        for row_id, row_name in db.execute(select(CampaignRow.id, CampaignRow.name)):
            if row_id != except_id and same_name(row_name, name):
                raise Conflict(f"A campaign named '{row_name}' already exists; choose another name.")

    def update_campaign(self, campaign: Campaign) -> Campaign:
        with self.transaction() as db:
            row = db.get(CampaignRow, campaign.id)
            if row is None:
                raise NotFound("That campaign no longer exists.")
            self._refuse_duplicate_campaign_name(db, campaign.name, except_id=campaign.id)
            for key, value in campaign.model_dump(exclude={"id", "slug", "created_at"}).items():
                setattr(row, key, value)
        return self.campaign(campaign.id)

    def campaigns(self, include_archived: bool = False) -> list[Campaign]:
        with self.transaction() as db:
            query = select(CampaignRow)
            if not include_archived:
                query = query.where(CampaignRow.archived.is_(False))
            found = [_campaign(row) for row in db.scalars(query)]
        # Newest first, then by name in code-point order (as SQLite compares text), sorted
        # here rather than by the database: a server's collation would order names its way.
        found.sort(key=lambda c: c.name)
        found.sort(key=lambda c: c.created_at, reverse=True)
        return found

    def campaign(self, ref: str) -> Campaign:
        """A campaign by its id or its slug."""
        with self.transaction() as db:
            row = db.get(CampaignRow, ref) or db.scalar(select(CampaignRow).where(CampaignRow.slug == ref))
            if row is None:
                raise NotFound(f"No campaign called '{ref}'. Run 'c4d campaigns' to see the names.")
            return _campaign(row)

    def find_campaign_by_name(self, name: str) -> Campaign | None:
        return next((c for c in self.campaigns(include_archived=True) if same_name(c.name, name)), None)

    def set_archived(self, campaign_id: str, archived: bool) -> Campaign:
        with self.transaction() as db:
            row = db.get(CampaignRow, campaign_id)
            if row is None:
                raise NotFound("That campaign no longer exists.")
            row.archived = archived
        return self.campaign(campaign_id)

    def delete_campaign(self, campaign_id: str) -> None:
        # Explicit statements, children first: the order does not depend on the ORM's
        # flush order nor on the database enforcing ON DELETE CASCADE.
        with self.transaction() as db:
            session_ids = select(SessionRow.id).where(SessionRow.campaign_id == campaign_id)
            for table in LIVE_TABLES:
                db.execute(delete(table).where(table.campaign_id == campaign_id))
            db.execute(delete(ParticipantRow).where(ParticipantRow.session_id.in_(session_ids)))
            for table in (DecisionRow, WorksheetRow, AttachmentRow, RemovedRow, SessionRow):
                db.execute(delete(table).where(table.campaign_id == campaign_id))
            db.execute(delete(CampaignRow).where(CampaignRow.id == campaign_id))

    # ---- sessions ------------------------------------------------------------------
    def add_session(self, session: Session) -> Session:
        with self.transaction() as db:
            if db.get(CampaignRow, session.campaign_id) is None:
                raise NotFound("That campaign no longer exists.")
            for existing in db.scalars(select(SessionRow.title).where(SessionRow.campaign_id == session.campaign_id)):
                if same_name(existing, session.title):
                    raise Conflict(f"This campaign already has a session called '{existing}'.")
            slug = self._unique_slug(
                db, session.slug or f"{session.kind.value.replace('_', '-')}-{session.start_date:%Y}",
                SessionRow, campaign_id=session.campaign_id,
            )
            session = session.model_copy(update={"slug": slug})
            db.add(SessionRow(**session.model_dump(mode="json") | _dates(session)))
            db.flush()
        return session

    def update_session(self, session: Session) -> Session:
        with self.transaction() as db:
            row = db.get(SessionRow, session.id)
            if row is None:
                raise NotFound("That session no longer exists.")
            for other in db.scalars(select(SessionRow).where(SessionRow.campaign_id == session.campaign_id)):
                if other.id != session.id and same_name(other.title, session.title):
                    raise Conflict(f"This campaign already has a session called '{other.title}'.")
            last_day = max((p.attendance[-1] for p in self._participant_rows(db, session.id) if p.attendance), default=0)
            if last_day > session.days:
                raise Conflict(
                    f"Participants are marked present on day {last_day}; "
                    f"the session cannot be shorter than {plural(last_day, 'day')}."
                )
            values = session.model_dump(mode="json", exclude={"id", "campaign_id", "slug"}) | _dates(session)
            for key, value in values.items():
                setattr(row, key, value)
        return session

    def sessions(self, campaign_id: str) -> list[Session]:
        with self.transaction() as db:
            rows = db.scalars(select(SessionRow).where(SessionRow.campaign_id == campaign_id))
            # By date, then title in code-point order (as SQLite compares text), sorted here:
            # a server's collation would order titles its way, and a backup's bytes with them.
            return sorted((_session(row) for row in rows), key=lambda s: (s.start_date, s.title))

    def session(self, campaign_id: str, ref: str) -> Session:
        """A session of this campaign by its id or slug."""
        with self.transaction() as db:
            row = db.scalar(
                select(SessionRow).where(SessionRow.campaign_id == campaign_id, SessionRow.id == ref)
            ) or db.scalar(select(SessionRow).where(SessionRow.campaign_id == campaign_id, SessionRow.slug == ref))
            if row is None:
                raise NotFound(f"No session called '{ref}' in this campaign.")
            return _session(row)

    def session_by_id(self, session_id: str) -> Session:
        """A session by its id alone, whatever its campaign."""
        with self.transaction() as db:
            return _session(self._session_row(db, session_id))

    def delete_session(self, session_id: str) -> None:
        """The session and its register go; decisions taken there stay with the campaign."""
        with self.transaction() as db:
            ballot_ids = select(BallotRow.id).where(BallotRow.session_id == session_id)
            db.execute(delete(VoteRow).where(VoteRow.ballot_id.in_(ballot_ids)))
            db.execute(delete(HandCountRow).where(HandCountRow.ballot_id.in_(ballot_ids)))
            for table in (IdeaRow, CardRow, LiveRow, BallotRow):
                db.execute(delete(table).where(table.session_id == session_id))
            db.execute(delete(ParticipantRow).where(ParticipantRow.session_id == session_id))
            db.execute(update(DecisionRow).where(DecisionRow.session_id == session_id).values(session_id=None))
            db.execute(delete(SessionRow).where(SessionRow.id == session_id))

    # ---- participants ----------------------------------------------------------------
    @staticmethod
    def _participant_rows(db: Any, session_id: str) -> Iterable[ParticipantRow]:
        return db.scalars(
            select(ParticipantRow).where(ParticipantRow.session_id == session_id).order_by(ParticipantRow.position)
        ).all()

    def participants(self, session_id: str) -> list[Participant]:
        with self.transaction() as db:
            return [_participant(row) for row in self._participant_rows(db, session_id)]

    def add_participants(self, participants: list[Participant]) -> list[Participant]:
        """Adds all or nothing (a sign-in sheet is saved whole or not at all)."""
        if not participants:
            return []
        with self.transaction() as db:
            sessions = {p.session_id for p in participants}
            rows = {sid: db.get(SessionRow, sid) for sid in sessions}
            if any(row is None for row in rows.values()):
                raise NotFound("That session no longer exists.")
            for p in participants:
                if p.attendance and p.attendance[-1] > _session(rows[p.session_id]).days:
                    raise Conflict(f"{p.name or p.organisation}: attendance on a day the session does not have.")
            positions = {sid: len(self._participant_rows(db, sid)) for sid in sessions}
            for p in participants:
                db.add(ParticipantRow(position=positions[p.session_id], **p.model_dump(mode="json")))
                positions[p.session_id] += 1
        return participants

    def add_participant(self, participant: Participant) -> Participant:
        return self.add_participants([participant])[0]

    def update_participant(self, participant: Participant) -> Participant:
        with self.transaction() as db:
            row = db.get(ParticipantRow, participant.id)
            if row is None:
                raise NotFound("That participant is no longer in the register.")
            session_row = db.get(SessionRow, row.session_id)
            if participant.attendance and participant.attendance[-1] > _session(session_row).days:
                raise Conflict(
                    f"{participant.name or participant.organisation}: attendance on a day the session does not have."
                )
            for key, value in participant.model_dump(mode="json", exclude={"id", "session_id"}).items():
                setattr(row, key, value)
        return participant

    def delete_participant(self, participant_id: str) -> None:
        with self.transaction() as db:
            row = db.get(ParticipantRow, participant_id)
            if row is not None:
                db.delete(row)

    def participant_position(self, participant_id: str) -> int | None:
        """Where a participant stands in the register (the sign-in sheet's order)."""
        with self.transaction() as db:
            row = db.get(ParticipantRow, participant_id)
            return None if row is None else row.position

    def restore_participant(self, participant: Participant, position: int) -> Participant:
        """Put a removed participant back at its place in the register, with its id (its
        voter card still names it)."""
        with self.transaction() as db:
            session_row = db.get(SessionRow, participant.session_id)
            if session_row is None:
                raise NotFound("That session no longer exists.")
            if db.get(ParticipantRow, participant.id) is not None:
                raise Conflict(f"{participant.name or participant.organisation} is already in the register.")
            days = _session(session_row).days
            if participant.attendance and participant.attendance[-1] > days:
                raise Conflict(f"{participant.name or participant.organisation} was present on day "
                               f"{participant.attendance[-1]}; the session now has {plural(days, 'day')}.")
            db.execute(update(ParticipantRow).where(ParticipantRow.session_id == participant.session_id,
                                                    ParticipantRow.position >= position)
                       .values(position=ParticipantRow.position + 1))
            db.add(ParticipantRow(position=position, **participant.model_dump(mode="json")))
        return participant

    # ---- decisions -------------------------------------------------------------------
    def add_decision(self, decision: Decision) -> Decision:
        with self.transaction() as db:
            db.add(DecisionRow(**decision.model_dump(mode="json") | {"decided_at": decision.decided_at}))
        return decision

    def update_decision(self, decision: Decision) -> Decision:
        with self.transaction() as db:
            row = db.get(DecisionRow, decision.id)
            if row is None:
                raise NotFound("That decision no longer exists.")
            values = decision.model_dump(mode="json", exclude={"id", "campaign_id"}) | {"decided_at": decision.decided_at}
            for key, value in values.items():
                setattr(row, key, value)
        return decision

    def decisions(self, campaign_id: str) -> list[Decision]:
        with self.transaction() as db:
            rows = db.scalars(
                select(DecisionRow).where(DecisionRow.campaign_id == campaign_id).order_by(DecisionRow.decided_at, DecisionRow.id)
            )
            return [_decision(row) for row in rows]

    def delete_decision(self, decision_id: str) -> None:
        with self.transaction() as db:
            row = db.get(DecisionRow, decision_id)
            if row is not None:
                db.delete(row)

    def decision(self, decision_id: str) -> Decision | None:
        with self.transaction() as db:
            row = db.get(DecisionRow, decision_id)
            return None if row is None else _decision(row)

    # ---- removed today, to restore (c4d.removed) ---------------------------------------
    def add_removed(self, removed: Removed, file: bytes | None = None) -> Removed:
        """Keep what a removal took away; removals of earlier days go (every campaign's: a
        removed participant's name and contact are not kept longer than the day)."""
        with self.transaction() as db:
            db.execute(delete(RemovedRow).where(RemovedRow.removed_at < day_start(removed.removed_at)))
            db.add(RemovedRow(id=removed.id, campaign_id=removed.campaign_id, kind=removed.kind.value,
                              label=removed.label, record=removed.record, file=file, removed_at=removed.removed_at))
        return removed

    def removed_items(self, campaign_id: str, since: datetime) -> list[Removed]:
        """The campaign's removals since a moment, newest first (without their files)."""
        with self.transaction() as db:
            rows = db.execute(select(RemovedRow.id, RemovedRow.campaign_id, RemovedRow.kind, RemovedRow.label,
                                     RemovedRow.record, RemovedRow.removed_at)
                              .where(RemovedRow.campaign_id == campaign_id, RemovedRow.removed_at >= since))
            found = [_removed(row) for row in rows]
        return sorted(found, key=lambda r: (r.removed_at, r.id), reverse=True)

    def removed_item(self, removed_id: str) -> tuple[Removed, bytes | None] | None:
        """One removal, with the file it kept."""
        with self.transaction() as db:
            row = db.get(RemovedRow, removed_id)
            return None if row is None else (_removed(row), row.file)

    def delete_removed(self, removed_id: str) -> None:
        with self.transaction() as db:
            db.execute(delete(RemovedRow).where(RemovedRow.id == removed_id))

    # ---- worksheets ------------------------------------------------------------------
    def worksheet(self, campaign_id: str, kind: str) -> dict[str, Any] | None:
        with self.transaction() as db:
            row = db.scalar(select(WorksheetRow).where(WorksheetRow.campaign_id == campaign_id, WorksheetRow.kind == kind))
            return None if row is None else dict(row.data)

    def load_worksheet(self, campaign_id: str, kind: str, model: Any, what: str) -> Any:
        """A worksheet's content validated by its pydantic model; the model's empty value
        when nothing is saved yet. `what` names it in the message for a document that does
        not fit its model (only a hand-edited database gets there)."""
        data = self.worksheet(campaign_id, kind)
        if not data:
            return model()
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise ValueError(f"The saved {what} cannot be read: {exc.errors()[0]['msg']}") from exc

    def worksheets(self, campaign_id: str) -> dict[str, dict[str, Any]]:
        with self.transaction() as db:
            rows = db.scalars(select(WorksheetRow).where(WorksheetRow.campaign_id == campaign_id).order_by(WorksheetRow.kind))
            return {row.kind: dict(row.data) for row in rows}

    def save_worksheet(self, campaign_id: str, kind: str, data: dict[str, Any]) -> None:
        with self.transaction() as db:
            row = db.scalar(select(WorksheetRow).where(WorksheetRow.campaign_id == campaign_id, WorksheetRow.kind == kind))
            if row is None:
                db.add(WorksheetRow(id=new_id(), campaign_id=campaign_id, kind=kind, data=data, updated_at=utcnow()))
            else:
                row.data = data
                row.updated_at = utcnow()

    # ---- attachments -------------------------------------------------------------------
    def add_attachment(self, campaign_id: str | None, filename: str, media_type: str, content: bytes) -> str:
        attachment_id = new_id()
        with self.transaction() as db:
            db.add(AttachmentRow(id=attachment_id, campaign_id=campaign_id, filename=_storable(filename),
                                 media_type=_storable(media_type), content=content, created_at=utcnow()))
        return attachment_id

    def restore_attachment(self, attachment_id: str, campaign_id: str, filename: str, media_type: str,
                           content: bytes, created_at: datetime) -> None:
        with self.transaction() as db:
            # The time in UTC, as every moment is stored: SQLite would keep a +08:00 time's
            # wall clock and read it back as UTC.
            db.add(AttachmentRow(id=attachment_id, campaign_id=campaign_id, filename=_storable(filename),
                                 media_type=_storable(media_type), content=content,
                                 created_at=_aware(created_at)))

    def attachment(self, attachment_id: str) -> tuple[str, str, bytes] | None:
        with self.transaction() as db:
            row = db.get(AttachmentRow, attachment_id)
            return None if row is None else (row.filename, row.media_type, row.content)

    def attachments(self, campaign_id: str) -> list[dict[str, Any]]:
        with self.transaction() as db:
            rows = db.scalars(select(AttachmentRow).where(AttachmentRow.campaign_id == campaign_id).order_by(AttachmentRow.created_at, AttachmentRow.id))
            return [
                {"id": r.id, "filename": r.filename, "media_type": r.media_type, "content": r.content,
                 "created_at": _aware(r.created_at)}
                for r in rows
            ]

    def delete_attachment(self, attachment_id: str) -> None:
        with self.transaction() as db:
            row = db.get(AttachmentRow, attachment_id)
            if row is not None:
                db.delete(row)

    # ---- live participation: ballots and votes ----------------------------------------
    # (`ballot` and `cast_vote`, plain statements built once, are in phone_path.py)
    def _session_row(self, db: Any, session_id: str) -> SessionRow:
        row = db.get(SessionRow, session_id)
        if row is None:
            raise NotFound("That session no longer exists.")
        return row

    def save_ballot(self, ballot: Ballot) -> Ballot:
        """Create or update a ballot. Its method and options cannot change once votes exist."""
        with self.transaction() as db:
            session = self._session_row(db, ballot.session_id)
            if session.campaign_id != ballot.campaign_id:
                raise Conflict("That session belongs to another campaign.")
            row = db.get(BallotRow, ballot.id)
            data = ballot.model_dump(mode="json")
            if row is None:
                position = db.scalar(select(func.count()).select_from(BallotRow).where(
                    BallotRow.session_id == ballot.session_id)) or 0
                db.add(BallotRow(id=ballot.id, campaign_id=ballot.campaign_id, session_id=ballot.session_id,
                                 position=position, status=ballot.status.value, data=data))
                db.flush()
            else:
                row.status, row.data = ballot.status.value, data
        return ballot

    def ballots(self, session_id: str) -> list[Ballot]:
        with self.transaction() as db:
            rows = db.scalars(select(BallotRow).where(BallotRow.session_id == session_id).order_by(BallotRow.position))
            return [Ballot.model_validate(row.data) for row in rows]

    def campaign_ballots(self, campaign_id: str) -> list[Ballot]:
        with self.transaction() as db:
            rows = db.scalars(select(BallotRow).where(BallotRow.campaign_id == campaign_id)
                              .order_by(BallotRow.session_id, BallotRow.position))
            return [Ballot.model_validate(row.data) for row in rows]

    def delete_ballot(self, ballot_id: str) -> None:
        with self.transaction() as db:
            for table in (VoteRow, HandCountRow):
                db.execute(delete(table).where(table.ballot_id == ballot_id))
            db.execute(delete(BallotRow).where(BallotRow.id == ballot_id))

    def voters_of(self, ballot_id: str, participant_id: str) -> list[str]:
        """The voter keys of the standing votes on a ballot that carry this register entry
        (a voter card's participant)."""
        with self.transaction() as db:
            return list(db.scalars(select(VoteRow.voter_key).where(
                VoteRow.ballot_id == ballot_id, VoteRow.data["participant_id"].as_string() == participant_id)))

    def restore_vote(self, vote: Vote) -> None:
        """Bring back a vote exactly as saved (from a backup), whatever the ballot's status."""
        with self.transaction() as db:
            row = db.get(BallotRow, vote.ballot_id)
            if row is None:
                raise NotFound("A vote refers to a ballot that is not there.")
            db.add(VoteRow(id=vote.id, campaign_id=row.campaign_id, ballot_id=vote.ballot_id,
                           voter_key=vote.voter_key, data=vote.model_dump(mode="json"), cast_at=vote.cast_at))

    def campaign_votes(self, campaign_id: str) -> list[Vote]:
        with self.transaction() as db:
            rows = db.scalars(select(VoteRow).where(VoteRow.campaign_id == campaign_id).order_by(VoteRow.id))
            return [Vote.model_validate(row.data) for row in rows]

    def votes(self, ballot_id: str) -> list[Vote]:
        with self.transaction() as db:
            rows = db.scalars(select(VoteRow).where(VoteRow.ballot_id == ballot_id).order_by(VoteRow.cast_at, VoteRow.id))
            return [Vote.model_validate(row.data) for row in rows]

    def vote_count(self, ballot_id: str) -> int:
        with self.transaction() as db:
            return db.scalar(select(func.count()).select_from(VoteRow).where(VoteRow.ballot_id == ballot_id)) or 0

    def save_hand_count(self, hands: HandCount) -> HandCount:
        with self.transaction() as db:
            ballot_row = db.get(BallotRow, hands.ballot_id)
            if ballot_row is None:
                raise NotFound("That ballot no longer exists.")
            validate_hand_count(Ballot.model_validate(ballot_row.data), hands)
            row = db.get(HandCountRow, hands.ballot_id)
            if row is None:
                db.add(HandCountRow(ballot_id=hands.ballot_id, campaign_id=ballot_row.campaign_id,
                                    data=hands.model_dump(mode="json")))
            else:
                row.data = hands.model_dump(mode="json")
        return hands

    def hand_count(self, ballot_id: str) -> HandCount | None:
        with self.transaction() as db:
            row = db.get(HandCountRow, ballot_id)
            return None if row is None else HandCount.model_validate(row.data)

    def delete_hand_count(self, ballot_id: str) -> None:
        with self.transaction() as db:
            db.execute(delete(HandCountRow).where(HandCountRow.ballot_id == ballot_id))

    # ---- live participation: ideas -----------------------------------------------------
    def save_idea(self, idea: Idea) -> Idea:
        with self.transaction() as db:
            row = db.get(IdeaRow, idea.id)
            if row is None:
                self._session_row(db, idea.session_id)
                db.add(IdeaRow(id=idea.id, campaign_id=idea.campaign_id, session_id=idea.session_id,
                               data=idea.model_dump(mode="json"), created_at=idea.created_at))
            else:
                row.data = idea.model_dump(mode="json")
        return idea

    def save_ideas(self, ideas: list[Idea]) -> None:
        with self.transaction():
            for idea in ideas:
                self.save_idea(idea)

    def ideas(self, session_id: str) -> list[Idea]:
        with self.transaction() as db:
            rows = db.scalars(select(IdeaRow).where(IdeaRow.session_id == session_id).order_by(IdeaRow.created_at, IdeaRow.id))
            return [Idea.model_validate(row.data) for row in rows]

    # ---- live participation: what the phones show ----------------------------------------
    # (`live_view`, what a phone's page reads, is in phone_path.py)
    def live_state(self, session_id: str) -> LiveState:
        """The session's live state, created (with a fresh join code) on first use."""
        with self.transaction() as db:
            row = db.get(LiveRow, session_id)
            if row is not None:
                return LiveState.model_validate(row.data)
            session = self._session_row(db, session_id)
            code = new_code()
            while db.scalar(select(LiveRow.session_id).where(LiveRow.join_code == code)) is not None:
                code = new_code()
            state = LiveState(session_id=session_id, join_code=code)
            db.add(LiveRow(session_id=session_id, campaign_id=session.campaign_id, join_code=code,
                           data=state.model_dump(mode="json")))
            return state

    def save_live_state(self, state: LiveState) -> LiveState:
        with self.transaction() as db:
            row = db.get(LiveRow, state.session_id)
            if row is None:
                raise NotFound("That session has no live participation yet.")
            state = state.model_copy(update={"updated_at": utcnow(), "join_code": row.join_code})
            row.data = state.model_dump(mode="json")
        return state

    def restore_live_state(self, state: LiveState) -> LiveState:
        """Bring back a saved live state (from a backup); a join code already used on this
        laptop is replaced by a fresh one."""
        with self.transaction() as db:
            session = self._session_row(db, state.session_id)
            code = state.join_code
            while db.scalar(select(LiveRow.session_id).where(LiveRow.join_code == code)) is not None:
                code = new_code()
            state = state.model_copy(update={"join_code": code})
            db.add(LiveRow(session_id=state.session_id, campaign_id=session.campaign_id, join_code=code,
                           data=state.model_dump(mode="json")))
        return state

    def live_states(self) -> list[LiveState]:
        with self.transaction() as db:
            return [LiveState.model_validate(row.data) for row in db.scalars(select(LiveRow))]

    # ---- live participation: voter cards ----------------------------------------------------
    def add_cards(self, cards: list[VoterCard]) -> list[VoterCard]:
        with self.transaction() as db:
            for card in cards:
                session = self._session_row(db, card.session_id)
                db.add(CardRow(id=new_id(), campaign_id=session.campaign_id, session_id=card.session_id,
                               code=card.code, data=card.model_dump(mode="json")))
        return cards

    def cards(self, session_id: str) -> list[VoterCard]:
        with self.transaction() as db:
            rows = db.scalars(select(CardRow).where(CardRow.session_id == session_id).order_by(CardRow.code))
            return [VoterCard.model_validate(row.data) for row in rows]

    def card(self, session_id: str, code: str) -> VoterCard | None:
        with self.transaction() as db:
            row = db.scalar(select(CardRow).where(CardRow.session_id == session_id, CardRow.code == code))
            return None if row is None else VoterCard.model_validate(row.data)

    # ---- settings --------------------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        with self.transaction() as db:
            row = db.get(SettingRow, key)
            return default if row is None else row.value.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            row = db.get(SettingRow, key)
            if row is None:
                db.add(SettingRow(key=key, value={"value": value}))
            else:
                row.value = {"value": value}


def _dates(session: Session) -> dict[str, date]:
    return {"start_date": session.start_date, "end_date": session.end_date}


def _columns(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign.model_validate(_columns(row) | {"created_at": _aware(row.created_at)})


def _session(row: SessionRow) -> Session:
    return Session.model_validate(_columns(row))


def _participant(row: ParticipantRow) -> Participant:
    values = _columns(row)
    values.pop("position")
    return Participant.model_validate(values)


def _decision(row: DecisionRow) -> Decision:
    return Decision.model_validate(_columns(row) | {"decided_at": _aware(row.decided_at)})


def _removed(row: Any) -> Removed:
    return Removed(id=row.id, campaign_id=row.campaign_id, kind=row.kind, label=row.label, record=dict(row.record),
                   removed_at=_aware(row.removed_at))


_SHARED: dict[str, Store] = {}
_SHARED_LOCK = threading.Lock()


def shared_store(url: str | None = None) -> Store:
    """The process's one Store per database: the facilitator pages and the participant
    routes share its engine and its write lock."""
    url = url or config.database_url()
    with _SHARED_LOCK:
        if url not in _SHARED:
            _SHARED[url] = Store(url)
        return _SHARED[url]

"""Persistence: every edit is written and committed the moment it is made.

SQLAlchemy 2 on SQLite (WAL) by default; any SQLAlchemy URL works, and no query here
is SQLite-only, so PostgreSQL can serve an organisation later. The tables hold the
pydantic models of `c4d.models`; worksheets keep their content as one JSON document
per campaign and worksheet, validated by the worksheet's own model.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    cast,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from c4d import config
from c4d.ideas.model import Idea
from c4d.phones.model import LiveState, VoterCard, new_code
from c4d.phones.phrases import SETTING as PHRASES_SETTING
from c4d.voting.model import Ballot, BallotStatus, HandCount, Vote, VotingError, validate_hand_count, validate_vote
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


class NotFound(LookupError):
    """A campaign, session or participant that the facilitator named does not exist."""


class Conflict(ValueError):
    """The change would clash with what is already saved (e.g. a duplicate name)."""


class Busy(Exception):
    """Raised inside `Store.at_once()` when SQLite would have had to wait for another
    process's write: nothing was saved; do the same work again the ordinary way."""


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class CampaignRow(Base):
    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    organisers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    participant_language: Mapped[str] = mapped_column(String(16), default="en")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    facilitators: Mapped[list[Any]] = mapped_column(JSON, default=list)
    agenda: Mapped[list[Any]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


class ParticipantRow(Base):
    __tablename__ = "participants"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(32))
    sex: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str] = mapped_column(String(200), default="")
    consent_to_list: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance: Mapped[list[Any]] = mapped_column(JSON, default=list)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True)
    topic: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(200), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    breakdown: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ballot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    turnout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    eligible: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorksheetRow(Base):
    """One worksheet's content for one campaign, as the worksheet model's JSON."""

    __tablename__ = "worksheets"
    __table_args__ = (UniqueConstraint("campaign_id", "kind"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttachmentRow(Base):
    """A file a worksheet keeps (a draft poster, a logo): backed up in the zip form."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True, nullable=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SettingRow(Base):
    """Machine-wide settings (passcode hash, organisation logo, translations)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


# ---- live participation ---------------------------------------------------------------
class BallotRow(Base):
    __tablename__ = "ballots"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class VoteRow(Base):
    """The one standing vote of a voter on a ballot: a new vote replaces it.

    Indexed only by its id and by (ballot, voter), which also serves every look-up by
    ballot: each index is one more page written with every vote, while phones wait. A
    look-up by campaign (backups, deleting a campaign) reads the whole table, a few
    thousand rows at most. (Databases made before this had two more indexes: see
    _RETIRED_INDEXES.)"""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("ballot_id", "voter_key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HandCountRow(Base):
    __tablename__ = "hand_counts"
    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class IdeaRow(Base):
    __tablename__ = "ideas"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LiveRow(Base):
    __tablename__ = "live_sessions"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class CardRow(Base):
    __tablename__ = "voter_cards"
    __table_args__ = (UniqueConstraint("session_id", "code"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

# Indexes earlier versions made, dropped when a store opens such a database (see VoteRow).
_RETIRED_INDEXES = {"votes": ("ix_votes_ballot_id", "ix_votes_campaign_id")}

LIVE_TABLES = (VoteRow, HandCountRow, IdeaRow, CardRow, LiveRow, BallotRow)  # children first


# ---- the phones' hot path: plain statements, built once ------------------------------------
# A phone's ballot, vote and thank-you page each read the same few rows; these statements
# read them in one go and hand back the stored JSON as text, so that what was validated
# from it can be reused for as long as the text is the same (see Store._from_text). The
# SQL is portable: CAST(... AS TEXT), EXISTS and a JSON path that SQLAlchemy renders for
# each database (json_extract on SQLite, ->> on PostgreSQL).

def _stored_text(column: Any) -> Any:
    return cast(column, Text)


_KEEP_ROWCOUNT = {"preserve_rowcount": True}  # see _Prepared.run


class _Prepared:
    """A statement the phone pages run for nearly every request. On SQLite it is compiled
    once and run straight on the driver's cursor, its values processed as SQLAlchemy
    would (JSON, dates): SQLAlchemy's execution path costs several times what SQLite does
    for these statements and was the largest part of a phone's page (docs/BENCHMARKS.md,
    "Phones under load"). On any other database it runs through SQLAlchemy like every
    other statement. `variables` name the binds given on each call; the statement's other
    binds are constants."""

    def __init__(self, statement: Any, *variables: str):
        self.statement, self.variables = statement, variables
        columns = statement.selected_columns if hasattr(statement, "selected_columns") else []
        self._columns = list(columns)
        self._row = namedtuple("_Row", [column.key for column in columns]) if columns else None  # type: ignore[misc]
        self._sqlite: Any = None  # (sql, bind order, constants, variable processors, result processors by column)

    def _for_sqlite(self, dialect: Any) -> Any:
        if self._sqlite is None:
            compiled = self.statement.compile(dialect=dialect)

            def processor(name: str) -> Any:
                return compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)

            constants = {}
            for name, value in compiled.construct_params({v: None for v in self.variables}).items():
                if name not in self.variables:
                    process = processor(name)
                    constants[name] = process(value) if process else value
            results = [(i, column.type.dialect_impl(dialect).result_processor(dialect, None))
                       for i, column in enumerate(self._columns)]
            self._sqlite = (compiled.string, list(compiled.positiontup or ()), constants,
                            {name: processor(name) for name in self.variables},
                            [(i, process) for i, process in results if process is not None])
        return self._sqlite

    def _cursor(self, connection: Connection, values: dict[str, Any]) -> Any:
        sql, order, constants, processors, _ = self._for_sqlite(connection.dialect)
        args = []
        for name in order:
            if name in constants:
                args.append(constants[name])
            else:
                process = processors[name]
                args.append(values[name] if process is None else process(values[name]))
        try:
            return connection.connection.driver_connection.execute(sql, args)  # type: ignore[union-attr]
        except sqlite3.Error as error:  # raised as SQLAlchemy would, for the callers that tell them apart
            raise DBAPIError.instance(sql, args, error, sqlite3.Error) from error

    def first(self, connection: Connection, **values: Any) -> Any:
        """The first row of a SELECT (its columns by name), or None."""
        if connection.dialect.name != "sqlite":
            return connection.execute(self.statement, values).first()
        found = self._cursor(connection, values).fetchone()
        if found is None:
            return None
        results = self._sqlite[4]
        if results:
            found = list(found)
            for i, process in results:
                found[i] = process(found[i])
        return self._row._make(found)

    def run(self, connection: Connection, **values: Any) -> int:
        """Run an INSERT or UPDATE; how many rows it wrote."""
        if connection.dialect.name != "sqlite":
            # SQLAlchemy keeps the driver's rowcount only for UPDATE and DELETE unless asked:
            # without this an INSERT ... SELECT reads -1 on PostgreSQL (psycopg) and a vote
            # that was written would be reported as refused.
            return connection.execute(self.statement, values, execution_options=_KEEP_ROWCOUNT).rowcount
        return self._cursor(connection, values).rowcount


_LIVE_VIEW = _Prepared(
    select(
        _stored_text(LiveRow.data).label("state"),
        _stored_text(BallotRow.data).label("ballot"),
        CampaignRow.id.label("campaign_id"),
        CampaignRow.name.label("campaign_name"),
        CampaignRow.participant_language.label("language"),
        exists().where(CardRow.session_id == LiveRow.session_id).label("has_cards"),
        select(_stored_text(SettingRow.value)).where(SettingRow.key == PHRASES_SETTING)
        .scalar_subquery().label("phrases"),
    )
    .select_from(LiveRow)
    .join(CampaignRow, CampaignRow.id == LiveRow.campaign_id)
    .outerjoin(BallotRow, (BallotRow.id == LiveRow.data["ballot_id"].as_string())
               & (BallotRow.session_id == LiveRow.session_id))
    .where(LiveRow.join_code == bindparam("code")),
    "code",
)

_BALLOT_TEXT = _Prepared(select(_stored_text(BallotRow.data).label("ballot")).where(BallotRow.id == bindparam("ballot_id")),
                     "ballot_id")

# The ballot a vote is for, and the voter's standing vote on it (its row id), in one read.
_BALLOT_AND_STANDING_VOTE = _Prepared(
    select(
        BallotRow.campaign_id,
        _stored_text(BallotRow.data).label("ballot"),
        select(VoteRow.id).where(VoteRow.ballot_id == BallotRow.id, VoteRow.voter_key == bindparam("voter_key"))
        .scalar_subquery().label("standing"),
    ).where(BallotRow.id == bindparam("ballot_id")),
    "ballot_id", "voter_key",
)

# The voter's standing vote on a ballot (its row id), for a vote already checked against its ballot.
_STANDING_VOTE = _Prepared(
    select(VoteRow.id.label("standing"))
    .where(VoteRow.ballot_id == bindparam("ballot_id"), VoteRow.voter_key == bindparam("voter_key")),
    "ballot_id", "voter_key",
)

# The writes carry the "ballot still open" condition themselves, so a vote cannot land on
# a ballot that another connection or process closed after it was read (SQLite's driver
# only begins a transaction at the first write, so an earlier read is not enough).
_STILL_OPEN = (BallotRow.id == bindparam("open_ballot_id")) & (BallotRow.status == BallotStatus.open.value)
_ADD_VOTE = _Prepared(
    insert(VoteRow).from_select(
        ["id", "campaign_id", "ballot_id", "voter_key", "data", "cast_at"],
        select(bindparam("vote_id", type_=VoteRow.id.type), BallotRow.campaign_id, BallotRow.id,
               bindparam("vote_voter_key", type_=VoteRow.voter_key.type),
               bindparam("vote_data", type_=VoteRow.data.type),
               bindparam("vote_cast_at", type_=VoteRow.cast_at.type)).where(_STILL_OPEN),
    ),
    "vote_id", "vote_voter_key", "vote_data", "vote_cast_at", "open_ballot_id",
)
_REPLACE_VOTE = _Prepared(
    update(VoteRow)
    .where(VoteRow.id == bindparam("vote_id"), exists().where(_STILL_OPEN))
    .values(data=bindparam("vote_data", type_=VoteRow.data.type),
            cast_at=bindparam("vote_cast_at", type_=VoteRow.cast_at.type)),
    "vote_id", "vote_data", "vote_cast_at", "open_ballot_id",
)
_MEMO_SIZE = 500


@dataclass(frozen=True)
class LiveView:
    """A join code as the phone pages see it, read in one statement: the live state, the
    ballot it names (when that ballot belongs to the same session), the campaign's name
    and participant language, whether the session has voter cards, and the stored
    participant phrases (the "phrases" setting's value).

    `version` is everything above as it is stored: two views with the same version show
    the same pages, and any change saved by any process gives a new version."""

    state: LiveState
    ballot: Ballot | None
    campaign_id: str
    campaign_name: str
    language: str
    has_cards: bool
    phrases: Any
    phrases_version: str | None  # the phrases setting as stored: a new text whenever it changes
    version: tuple[Any, ...]


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


SQLITE_WAIT_S = 30  # how long a write waits while another process writes to the same file


def _sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")


def make_engine(url: str | None = None, *, wait_s: float = SQLITE_WAIT_S) -> Engine:
    """An engine for `url` (default: the configured database). On SQLite, `wait_s` is how
    long a statement waits for a lock held by another connection before SQLite answers
    "database is locked"."""
    url = url or config.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if _sqlite_file(url):
            config.private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait_s})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver glue
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """The one way in and out of the database. Each public method is one transaction."""

    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.engine = engine or make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=False)
        Base.metadata.create_all(self.engine)
        self._retire_indexes()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._memo: dict[tuple[Any, str], Any] = {}  # (model, stored JSON text) → its value
        self._sqlite_file = _sqlite_file(self.url)
        self._no_wait: tuple[Connection, sessionmaker] | None = None  # see at_once()
        # join code → (the no-wait connection's data_version, the view read then): see live_view
        self._views: dict[str, tuple[int, LiveView | None]] = {}

    def _retire_indexes(self) -> None:
        """Drop the indexes this version no longer keeps (_RETIRED_INDEXES), if there.
        Never in the way of opening the database: when another program is writing, it is
        left for the next start."""
        inspector = inspect(self.engine)
        retired = [name for table, names in _RETIRED_INDEXES.items()
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
        if self._now():  # the connection that never waits (at_once), which keeps views (live_view)
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

    @contextmanager
    def _statements(self, *, read_only: bool = False) -> Iterator[Connection]:
        """A connection for plain (Core) statements: the open transaction's when this thread
        has one (they join it), else one transaction of its own without an ORM session,
        which costs a phone page several times less; `read_only` for one SELECT, which
        needs no transaction of its own (it sees one state of the database). Only for
        methods that call no other store method inside."""
        current = getattr(self._local, "db", None)
        if current is not None:
            current.flush()  # plain statements do not flush the session's pending changes themselves
            yield current.connection()
            return
        if self._now():
            connection = self._no_wait[0]  # type: ignore[index]
            if read_only or connection.in_transaction():  # one read, or a write joining together()
                yield connection
            else:
                with connection.begin():
                    yield connection
            return
        with self._lock, (self.engine.connect() if read_only else self.engine.begin()) as connection:
            yield connection

    def held(self) -> AbstractContextManager[Any]:
        """Keep the store to this thread for several calls in a row, each its own
        transaction (`with store.held(): ...`): no other thread of this process can use the
        store in between (e.g. the checks a phone's vote passes and the vote's own
        transaction). Far cheaper than one transaction() around them, which opens an ORM
        session; but not all-or-nothing."""
        return self._lock

    def _now(self) -> bool:
        return getattr(self._local, "now", False)

    @contextmanager
    def at_once(self) -> Iterator[bool]:
        """Run this thread's store calls without ever waiting, if that is possible: True
        when the database is a local SQLite file and no other thread of this process is in
        a transaction right now; the store is then held for this thread until the block
        ends, and its calls use connections that never wait for another process's lock
        (they raise `Busy` instead, with nothing saved). False otherwise, and nothing is
        held: run the calls the ordinary way. (The connection that never waits is opened on
        first use and kept: it is only ever used by the thread holding the store.)

        The phone pages use it to answer straight from the server's event loop: a phone's
        page costs the database tens of microseconds, less than handing the request to a
        worker thread and far less than that thread's waits for Python's interpreter lock
        while the loop is busy with other phones."""
        if not self._sqlite_file or not self._lock.acquire(blocking=False):
            yield False
            return
        try:
            if self._no_wait is None:
                connection = make_engine(self.url, wait_s=0).connect()
                self._no_wait = (connection, sessionmaker(connection, expire_on_commit=False))
                self._views.clear()  # kept by the data_version of the connection they were read on
            self._local.now = True
            try:
                yield True
            except OperationalError as error:
                if "locked" in str(error.orig).lower():  # "database is locked": SQLite would have waited
                    raise Busy("Another program is writing to the database.") from error
                raise
            finally:
                self._local.now = False
                connection = self._no_wait[0]
                if connection.invalidated or connection.closed:  # a broken connection is opened afresh next time
                    self._no_wait = None
                elif connection.in_transaction():  # never left open for the next caller
                    connection.rollback()
        finally:
            self._lock.release()

    @contextmanager
    def together(self) -> Iterator[None]:
        """Inside `at_once()` (when it said True): the store calls in the block share one
        transaction, committed once when the block ends, or not at all if it raises. Votes
        that arrive together then cost SQLite one write of its log instead of one each,
        which is most of what a vote costs. Nothing in the block is saved before the end:
        answer no one until it has ended."""
        if not self._now():
            raise RuntimeError("Store.together() is only for the calls of an at_once() block.")
        with self._no_wait[0].begin():  # type: ignore[index]
            yield

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
            for table in (DecisionRow, WorksheetRow, AttachmentRow, SessionRow):
                db.execute(delete(table).where(table.campaign_id == campaign_id))
            db.execute(delete(CampaignRow).where(CampaignRow.id == campaign_id))

    def duplicate_campaign(self, campaign_id: str, new_name: str) -> Campaign:
        """A copy to plan a similar campaign: sessions, agenda, decisions and worksheets are
        copied; participant registers are not (they belong to the workshops that happened)."""
        from c4d import backup

        document = backup.campaign_document(self, campaign_id)
        document["campaign"]["name"] = new_name
        document["campaign"]["archived"] = False
        for session in document["sessions"]:
            session["participants"] = []
        document["live"] = {}  # ballots, votes and ideas belong to the workshops that happened
        files = {a["id"]: a["content"] for a in self.attachments(campaign_id)}
        return backup.load_document(self, document, files=files, fresh_ids=True)

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
                    f"the session cannot be shorter than {last_day} day(s)."
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

    def ballot(self, ballot_id: str) -> Ballot:
        with self._statements(read_only=True) as connection:
            found = _BALLOT_TEXT.first(connection, ballot_id=ballot_id)
            if found is None:
                raise NotFound("That ballot no longer exists.")
            return self._from_text(Ballot, found.ballot)

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

    def _from_text(self, kind: Any, text: str, read: Callable[[str], Any] | None = None) -> Any:
        """What a row's stored JSON `text` holds, as the model `kind` (or as `read` makes
        it), validated once per distinct text: the phone pages read the same ballot and live
        state hundreds of times a minute, and the same text is the same content. The value
        is shared: treat it as read-only (models are changed with model_copy)."""
        key = (kind, text)
        value = self._memo.get(key)
        if value is None:
            value = (read or kind.model_validate_json)(text)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = value
        return value

    def voters_of(self, ballot_id: str, participant_id: str) -> list[str]:
        """The voter keys of the standing votes on a ballot that carry this register entry
        (a voter card's participant)."""
        with self.transaction() as db:
            return list(db.scalars(select(VoteRow.voter_key).where(
                VoteRow.ballot_id == ballot_id, VoteRow.data["participant_id"].as_string() == participant_id)))

    def cast_vote(self, vote: Vote, checked: Ballot | None = None, instead_of: Iterable[str] = ()) -> bool:
        """Check the vote against the ballot as it stands in the database and save it, in
        one transaction, so a vote can never land on a closed ballot: the write itself
        carries the condition that the ballot is still open, and refuses otherwise. Returns
        True when it replaced the voter's earlier vote (keeping that vote's id). Raises
        VotingError with the participant's reason. (Plain statements, built once: this is
        the hot path of a vote.)

        `checked`: the vote's ballot as the caller read it, open, and already checked the
        vote against (validate_vote). The ballot is then not read again: once open, its
        method, options and criteria can no longer change (voting.edit_ballot), so the check
        still holds while the ballot is open, which the write itself makes sure of.

        `instead_of`: voter keys of the same person's standing votes on this ballot under
        another key (their phone's, before a formal vote asked for cards); they are removed
        in the same transaction as this vote is saved, which then counts as a replacement."""
        if checked is not None and checked.id != vote.ballot_id:
            raise VotingError("This vote belongs to a different ballot.")
        if checked is not None and checked.status is not BallotStatus.open:
            raise VotingError("Voting on this question is closed; your vote was not counted.")
        with self._statements() as connection:
            if checked is not None:
                found = _STANDING_VOTE.first(connection, ballot_id=vote.ballot_id, voter_key=vote.voter_key)
                standing = None if found is None else found.standing
            else:
                found = _BALLOT_AND_STANDING_VOTE.first(connection, ballot_id=vote.ballot_id, voter_key=vote.voter_key)
                if found is None:
                    raise VotingError("This vote is no longer open.")
                vote = validate_vote(self._from_text(Ballot, found.ballot), vote)
                standing = found.standing
            if standing is not None:
                vote = vote.model_copy(update={"id": standing})
            values = {"open_ballot_id": vote.ballot_id, "vote_id": vote.id, "vote_data": vote.model_dump(mode="json"),
                      "vote_cast_at": vote.cast_at}
            if standing is None:
                written = _ADD_VOTE.run(connection, vote_voter_key=vote.voter_key, **values)
            else:
                written = _REPLACE_VOTE.run(connection, **values)
            if written != 1:  # closed (or deleted) since it was read: nothing was saved
                raise VotingError("Voting on this question is closed; your vote was not counted.")
            others = [key for key in instead_of if key != vote.voter_key]
            removed = 0
            if others:
                removed = connection.execute(
                    delete(VoteRow).where(VoteRow.ballot_id == vote.ballot_id, VoteRow.voter_key.in_(others)),
                    execution_options=_KEEP_ROWCOUNT).rowcount
            return standing is not None or removed > 0

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

    def live_view(self, join_code: str) -> LiveView | None:
        """Everything a phone page needs about a join code, in one statement (see LiveView);
        None for a code that is not in use.

        On the connection that never waits (see at_once) a view is kept until the database
        changes: SQLite's data_version moves whenever another connection, of this process or
        any other, commits; this connection's own writes clear the kept views (transaction()),
        except a vote's (cast_vote), which writes only to the votes table, never part of a view.
        Asking SQLite whether anything changed costs a phone's page a third of reading the view."""
        with self._statements(read_only=True) as connection:
            seen = self._data_version(connection)
            if seen is not None:
                kept = self._views.get(join_code)
                if kept is not None and kept[0] == seen:
                    return kept[1]
            row = _LIVE_VIEW.first(connection, code=join_code)
            view = None
            if row is not None:
                ballot = None if row.ballot is None else self._from_text(Ballot, row.ballot)
                phrases = None if row.phrases is None else self._from_text("setting", row.phrases, _setting_value)
                view = LiveView(state=self._from_text(LiveState, row.state), ballot=ballot,
                                campaign_id=row.campaign_id, campaign_name=row.campaign_name, language=row.language,
                                has_cards=bool(row.has_cards), phrases=phrases, phrases_version=row.phrases,
                                version=tuple(row))
            if seen is not None:
                if len(self._views) >= _MEMO_SIZE:
                    self._views.clear()
                self._views[join_code] = (seen, view)
            return view

    def _data_version(self, connection: Connection) -> int | None:
        """SQLite's data_version on the connection that never waits, when `connection` is
        that connection outside any transaction (the only place views are kept); else None."""
        if self._no_wait is None or connection is not self._no_wait[0] or getattr(self._local, "db", None) is not None:
            return None
        return connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "PRAGMA data_version").fetchone()[0]

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


def _setting_value(text: str) -> Any:
    """A settings row's value, from its stored JSON text."""
    return json.loads(text).get("value")


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

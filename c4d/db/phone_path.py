"""The phones' hot path: what a phone's page and vote cost the database, kept as small as it goes.

Every phone request reads a join code's view (`live_view`) and a vote is one write
(`cast_vote`). Both run plain statements compiled once (`_Prepared`), straight on the
driver's cursor on SQLite; the stored JSON is validated once per distinct text
(`_from_text`), and a view is kept until the database changes (SQLite's data_version).
The phone pages answer from the server's event loop on a connection that never waits
(`without_waiting`), and votes that arrive together share one commit
(`one_commit_for_all`). docs/ARCHITECTURE.md ("Live participation") and
docs/BENCHMARKS.md ("Phones under load") say why each of these is there: do not add work
to this path without measuring it.

`PhonePath` is the part of `c4d.db.store.Store` that does this; Store inherits it, so
callers write `store.live_view(code)` as for any other store call.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, exists, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker

from c4d.db.engine import make_engine, sqlite_file
from c4d.db.errors import Busy, NotFound
from c4d.db.schema import BallotRow, CampaignRow, CardRow, LiveRow, SettingRow, VoteRow
from c4d.phones.model import PHRASES_SETTING, LiveState
from c4d.voting.model import Ballot, BallotStatus, Vote, VotingError, validate_vote

# ---- plain statements, built once ---------------------------------------------------------
# A phone's ballot, vote and thank-you page each read the same few rows; these statements
# read them in one go and hand back the stored JSON as text, so that what was validated
# from it can be reused for as long as the text is the same (see PhonePath._from_text). The
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


def _setting_value(text: str) -> Any:
    """A settings row's value, from its stored JSON text."""
    return json.loads(text).get("value")


class PhonePath:
    """The store's phone hot path and its concurrency helpers (Store inherits it).

    Which helper, when:
    - `transaction()` (Store): several calls that must be all-or-nothing.
    - `one_thread_at_a_time()`: several calls in a row that no other thread may come
      between, each still its own transaction (cheaper than one transaction()).
    - `without_waiting()`: on the server's event loop, to run store calls only if they need
      not wait for anything; otherwise hand them to a worker thread.
    - `one_commit_for_all()`: inside without_waiting(), to save several phones' writes with
      one commit.
    """

    # Set by Store.__init__ (the general store, shared with its other methods).
    engine: Engine
    url: str
    _lock: threading.RLock
    _local: threading.local

    def _start_phone_path(self) -> None:
        self._memo: dict[tuple[Any, str], Any] = {}  # (model, stored JSON text) → its value
        self._sqlite_file = sqlite_file(self.url)
        self._no_wait: tuple[Connection, sessionmaker] | None = None  # see without_waiting()
        # join code → (the no-wait connection's data_version, the view read then): see live_view
        self._views: dict[str, tuple[int, LiveView | None]] = {}

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
            if read_only or connection.in_transaction():  # one read, or a write joining one_commit_for_all()
                yield connection
            else:
                with connection.begin():
                    yield connection
            return
        with self._lock, (self.engine.connect() if read_only else self.engine.begin()) as connection:
            yield connection

    # ---- the concurrency helpers: when to use which (see the class docstring) -------------
    def one_thread_at_a_time(self) -> AbstractContextManager[Any]:
        """Use when several store calls in a row must have no other thread's calls between them.

        Keeps the store to this thread for the block (`with store.one_thread_at_a_time(): ...`),
        each call still its own transaction: no other thread of this process can use the
        store in between (e.g. the checks a phone's vote passes and the vote's own
        transaction). Far cheaper than one transaction() around them, which opens an ORM
        session; but not all-or-nothing (use transaction() for that)."""
        return self._lock

    def _now(self) -> bool:
        return getattr(self._local, "now", False)

    @contextmanager
    def without_waiting(self) -> Iterator[bool]:
        """Use on the server's event loop: run the block's store calls there only if they need not wait.

        True when the database is a local SQLite file and no other thread of this process is in
        a transaction right now; the store is then held for this thread until the block
        ends, and its calls use connections that never wait for another process's lock
        (they raise `Busy` instead, with nothing saved). False otherwise, and nothing is
        held: run the calls the ordinary way (in a worker thread). (The connection that
        never waits is opened on first use and kept: it is only ever used by the thread
        holding the store.)

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
    def one_commit_for_all(self) -> Iterator[None]:
        """Use inside `without_waiting()` (when it said True) to save several phones' writes with one commit.

        The store calls in the block share one transaction, committed once when the block
        ends, or not at all if it raises. Votes that arrive together then cost SQLite one
        write of its log instead of one each, which is most of what a vote costs. Nothing in
        the block is saved before the end: answer no one until it has ended."""
        if not self._now():
            raise RuntimeError("Store.one_commit_for_all() is only for the calls of a without_waiting() block.")
        with self._no_wait[0].begin():  # type: ignore[index]
            yield

    # ---- the phones' reads and votes ------------------------------------------------------
    def ballot(self, ballot_id: str) -> Ballot:
        """A ballot by its id, read with a plain statement (the projector asks every second)."""
        with self._statements(read_only=True) as connection:
            found = _BALLOT_TEXT.first(connection, ballot_id=ballot_id)
            if found is None:
                raise NotFound("That ballot no longer exists.")
            return self._from_text(Ballot, found.ballot)

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

    def live_view(self, join_code: str) -> LiveView | None:
        """Everything a phone page needs about a join code, in one statement (see LiveView);
        None for a code that is not in use.

        On the connection that never waits (see without_waiting) a view is kept until the database
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

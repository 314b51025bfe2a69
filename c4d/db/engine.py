"""The database engine: which database, and how SQLite is set up (WAL, foreign keys, how
long a write waits for another process's)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from c4d import config

SQLITE_WAIT_S = 30  # how long a write waits while another process writes to the same file


def sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")


def make_engine(url: str | None = None, *, wait_s: float = SQLITE_WAIT_S) -> Engine:
    """An engine for `url` (default: the configured database). On SQLite, `wait_s` is how
    long a statement waits for a lock held by another connection before SQLite answers
    "database is locked"."""
    url = url or config.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if sqlite_file(url):
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

"""Where the data lives: a per-user folder with one SQLite file, unless told otherwise.

`C4D_DATA_DIR` moves the folder; `C4D_DATABASE_URL` selects another database
(e.g. PostgreSQL for an organisation's shared server).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir() -> Path:
    configured = os.environ.get("C4D_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "c4d-toolkit"


def database_url() -> str:
    configured = os.environ.get("C4D_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'c4d.sqlite3'}"


def describe_location(url: str | None = None) -> str:
    """The data location as a facilitator would want to read it (no password shown)."""
    url = url or database_url()
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def private_file(path: Path) -> Path:
    """Make sure `path` exists and only this user can read it: a new folder for it is made
    readable by this user only, and a new file is created readable and writable by this
    user only (SQLite gives its journal files the database file's permissions). Folders
    and files that exist already keep the permissions someone chose for them."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    return path

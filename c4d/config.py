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

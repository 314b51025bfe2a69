"""What the store raises: refusals worded for the facilitator, and `Busy` for the phone pages."""

from __future__ import annotations


class NotFound(LookupError):
    """A campaign, session or participant that the facilitator named does not exist."""


class Conflict(ValueError):
    """The change would clash with what is already saved (e.g. a duplicate name)."""


class Busy(Exception):
    """Raised inside `Store.without_waiting()` when SQLite would have had to wait for another
    process's write: nothing was saved; do the same work again the ordinary way."""

"""Live participation in a workshop session: the join code, what the phones show, the
signed device tokens that keep one ballot per phone, printed voter cards, and a small
rate limiter. No HTTP here: `c4d.phones.routes` serves the pages, this module holds the rules."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from datetime import datetime
from enum import Enum

from pydantic import Field

from c4d.models import LongText, Model, utcnow

# Codes people type: no 0/O, 1/I/L, 5/S, 2/Z confusion.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
JOIN_CODE_LENGTH = 5
CARD_CODE_LENGTH = 6
# The settings key under which the participant phrases' translations are kept
# (c4d.phones.phrases); the phone pages read it with every view (c4d.db.phone_path).
PHRASES_SETTING = "phrases"


class Showing(str, Enum):
    wait = "wait"      # "please wait" page
    ballot = "ballot"  # a ballot that is open for voting
    ideas = "ideas"    # the idea board, taking ideas
    pretest = "pretest"  # a draft material being scored in a pre-test (LiveState.material_id)


class LiveState(Model):
    """What participants of one session see on their phones."""

    session_id: str
    join_code: str = Field(pattern=f"^[{CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}$")
    showing: Showing = Showing.wait
    ballot_id: str | None = None
    material_id: str | None = None  # the draft material being scored (Showing.pretest)
    idea_prompt: LongText = ""
    cards_required: bool = False  # formal votes: only printed voter cards may vote
    updated_at: datetime = Field(default_factory=utcnow)


class VoterCard(Model):
    """A code printed on a card and handed to one participant, for formal votes and for
    disaggregating results by sex and organisation type (the card knows its participant)."""

    session_id: str
    code: str = Field(pattern=f"^[{CODE_ALPHABET}]{{{CARD_CODE_LENGTH}}}$")
    participant_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


def new_code(length: int = JOIN_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(typed: str) -> str:
    """What a person typed, read generously: any case, spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch not in " -\t")[:20]


# ---- device tokens -------------------------------------------------------------------
# A phone gets a random id in a cookie, signed with this laptop's secret so a tampered
# or invented cookie is recognised. The vote is keyed by a hash of the id, so the store
# never holds the cookie itself.

def sign_device(secret: str, device_id: str) -> str:
    mac = hmac.new(secret.encode(), device_id.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{device_id}.{mac}"


def new_device_token(secret: str) -> str:
    return new_device(secret)[1]


def new_device(secret: str) -> tuple[str, str]:
    """A new phone's device id and its signed token (the cookie)."""
    device_id = secrets.token_urlsafe(18)
    return device_id, sign_device(secret, device_id)


def verify_device(secret: str, token: str | None) -> str | None:
    """The device id when the token is genuine, else None."""
    if not token or token.count(".") != 1 or len(token) > 120:
        return None
    device_id, _ = token.split(".")
    if not device_id or not hmac.compare_digest(sign_device(secret, device_id), token):
        return None
    return device_id


def voter_key_for_device(device_id: str) -> str:
    return "device:" + hashlib.sha256(device_id.encode()).hexdigest()[:40]


def voter_key_for_card(code: str) -> str:
    return "card:" + code


# ---- rate limiting --------------------------------------------------------------------

class RateLimiter:
    """At most `limit` events per `window` seconds for each key (a device or an address).
    Kept in memory: a restart forgets it, which only ever lets people back in."""

    def __init__(self, limit: int = 12, window: float = 10.0, max_keys: int = 10_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._forget_idle(now)
                events = self._events[key] = deque()
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, ev in self._events.items() if not ev or now - ev[-1] > self.window]:
            del self._events[key]

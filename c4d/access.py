"""Facilitator access: a passcode, stored only as a salted scrypt hash, and the tries a
device gets at typing it.

Who needs it is said in `c4d.permissions` (`open_facilitator_pages`): the laptop's own
browser (loopback) stays signed in; any other device on the Wi-Fi must type the passcode
before it reaches a facilitator page. Participants use the separate phone pages and never
need it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import Enum

from c4d.phones.model import RateLimiter
from c4d.db.store import Store

SETTING = "facilitator_passcode"
MIN_LENGTH = 6
_N, _R, _P = 2**14, 8, 1


class PasscodeError(ValueError):
    pass


def check_new_passcode(passcode: str, repeated: str) -> None:
    if len(passcode) < MIN_LENGTH:
        raise PasscodeError(f"Use at least {MIN_LENGTH} characters.")
    if passcode != repeated:
        raise PasscodeError("The two passcodes are not the same; type them again.")
    if passcode.isdigit() and len(set(passcode)) == 1:
        raise PasscodeError("A passcode of one repeated digit is too easy to guess.")


def hash_passcode(passcode: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(passcode.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_passcode(passcode: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(passcode.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def has_passcode(store: Store) -> bool:
    return bool(store.setting(SETTING))


def set_passcode(store: Store, passcode: str, repeated: str) -> None:
    check_new_passcode(passcode, repeated)
    store.set_setting(SETTING, hash_passcode(passcode))


def sign_in(store: Store, passcode: str) -> bool:
    stored = store.setting(SETTING)
    return bool(stored) and verify_passcode(passcode, stored)


class SignIn(Enum):
    accepted = "accepted"
    refused = "refused"
    too_many = "too many"


# Tries from one device's address, kept by the server (a reload of the page forgets
# nothing): enough for typing mistakes, far too few to guess a passcode, and each refused
# try before checking costs the laptop no scrypt hash.
TRIES_PER_ADDRESS = 10
TRIES_WINDOW_S = 15 * 60
_tries = RateLimiter(limit=TRIES_PER_ADDRESS, window=TRIES_WINDOW_S)


def try_sign_in(store: Store, passcode: str, address: str | None, tries: RateLimiter | None = None) -> SignIn:
    """Check a passcode typed on another device, at most TRIES_PER_ADDRESS times per
    TRIES_WINDOW_S seconds from one address."""
    if not (tries or _tries).allow(address or "unknown"):
        return SignIn.too_many
    return SignIn.accepted if sign_in(store, passcode) else SignIn.refused

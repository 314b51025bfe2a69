"""Facilitator access: the passcode kept as a hash, and how many passcode tries a device
gets. Who counts as the laptop itself is a permission (tests/test_permissions.py)."""

from __future__ import annotations

import pytest

from c4d import access
from c4d.phones.model import RateLimiter

PASSCODE = "workshop-2020"


def test_a_passcode_is_kept_only_as_a_salted_hash(store):
    access.set_passcode(store, PASSCODE, PASSCODE)
    stored = store.setting(access.SETTING)
    assert PASSCODE not in stored and stored.startswith("scrypt$")
    access.set_passcode(store, PASSCODE, PASSCODE)
    assert store.setting(access.SETTING) != stored  # a new salt each time
    assert access.sign_in(store, PASSCODE) and not access.sign_in(store, PASSCODE.upper())


def test_tries_are_counted_per_address_and_survive_a_reload(store):
    access.set_passcode(store, PASSCODE, PASSCODE)
    tries = RateLimiter(limit=3, window=600)
    phone, other = "192.168.1.23", "192.168.1.24"
    assert [access.try_sign_in(store, "guess", phone, tries) for _ in range(3)] == [access.SignIn.refused] * 3
    # the right passcode from the same address is refused too now: nothing is checked
    assert access.try_sign_in(store, PASSCODE, phone, tries) is access.SignIn.too_many
    # another device is not locked out by the first one
    assert access.try_sign_in(store, PASSCODE, other, tries) is access.SignIn.accepted


def test_a_sign_in_before_any_passcode_is_set_is_refused(store):
    assert access.try_sign_in(store, "anything", "192.168.1.23", RateLimiter()) is access.SignIn.refused


@pytest.mark.parametrize("typed, repeated, words", [
    ("short", "short", "at least"),
    ("abcdefgh", "abcdefgi", "not the same"),
    ("1111111", "1111111", "too easy"),
])
def test_a_weak_or_mistyped_new_passcode_is_explained(typed, repeated, words):
    with pytest.raises(access.PasscodeError, match=words):
        access.check_new_passcode(typed, repeated)

"""What the participant site signs for one phone, and how it recognises it again.

- The device cookie (`COOKIE`): a random device id signed with this laptop's secret
  (`c4d.phones.model.new_device`); one ballot per phone is keyed by a hash of it. The
  secret is made once and kept in the settings (`SECRET_SETTING`).
- A form's nonce (`nonce`, `nonce_ok`), signed for this phone and the form's subject
  (the ballot and its options, the idea board, a material and its criteria). A form for
  something no longer on the phones is refused; a nonce that does not check out asks
  for a reload.
- The thank-you flag (`sent_flag`, `sent_kind`): `?sent=...` after a post/redirect/get,
  signed, naming whether the vote was new or replaced an earlier one (for a vote, signed
  over the ballot and what the phone chose: `routes.sent_subject`).
- `RecentForms`: the nonces of the forms just taken, so a double tap (the same form with
  the same answers, twice) is counted once and answered the same way both times.

Nothing here is needed for correctness after a restart: losing it loses no vote.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict

COOKIE = "c4d_device"
COOKIE_MAX_AGE = 180 * 24 * 3600  # half a year: the same phone at the next workshop day
SECRET_SETTING = "device_secret"
NONCE_TTL = 12 * 3600  # a form stays valid for a workshop day
SENT_TTL = NONCE_TTL  # the "thank you" page (which reloads itself) holds for a workshop day
RECENT_NONCES = 5000
_SENT_KINDS = {"c": "counted", "r": "replaced", "i": "idea", "p": "answers", "q": "answers_replaced"}


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _mac(secret: str, message: str, length: int = 22) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()[:length]


def nonce(secret: str, device_id: str, subject: str) -> str:
    t = _b36(int(time.time()))
    rand = secrets.token_urlsafe(6)
    return f"{t}.{rand}.{_mac(secret, f'form|{device_id}|{subject}|{t}|{rand}')}"


def nonce_ok(secret: str, nonce: str, device_id: str, subject: str) -> bool:
    parts = nonce.split(".")
    if len(parts) != 3 or len(nonce) > 80:
        return False
    t, rand, mac = parts
    try:
        issued = int(t, 36)
    except ValueError:
        return False
    if not 0 <= time.time() - issued <= NONCE_TTL:
        return False
    return hmac.compare_digest(mac, _mac(secret, f"form|{device_id}|{subject}|{t}|{rand}"))


def sent_flag(secret: str, device_id: str, subject: str, kind: str) -> str:
    t = _b36(int(time.time()))
    return f"{kind}{t}.{_mac(secret, f'sent|{device_id}|{subject}|{kind}|{t}', 16)}"


def sent_kind(secret: str, flag: str | None, device_id: str, subject: str) -> str | None:
    """'counted', 'replaced', 'idea', 'answers' or 'answers_replaced' when the flag is genuine,
    recent and about this subject."""
    if not flag or len(flag) > 40 or flag.count(".") != 1:
        return None
    head, mac = flag.split(".")
    kind, t = head[:1], head[1:]
    if kind not in _SENT_KINDS or not t.isalnum():
        return None
    try:
        issued = int(t, 36)
    except ValueError:
        return None
    if not 0 <= time.time() - issued <= SENT_TTL:
        return None
    if not hmac.compare_digest(mac, _mac(secret, f"sent|{device_id}|{subject}|{kind}|{t}", 16)):
        return None
    return _SENT_KINDS[kind]


class RecentForms:
    """The forms taken lately, by nonce: what was sent (a fingerprint of it) and whether it
    replaced an earlier answer. At most RECENT_NONCES, the oldest forgotten first."""

    def __init__(self, size: int = RECENT_NONCES):
        self._size = size
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, tuple[str, bool]] = OrderedDict()
        self.get = self._recent.get  # (fingerprint, replaced) for a nonce, or None; no lock needed to read

    def remember(self, nonce: str, fingerprint: str, replaced: bool) -> None:
        with self._lock:
            self._recent[nonce] = (fingerprint, replaced)
            self._recent.move_to_end(nonce)
            while len(self._recent) > self._size:
                self._recent.popitem(last=False)

    def forget(self, nonce: str) -> None:
        with self._lock:
            self._recent.pop(nonce, None)

"""Share links for the creative brief: the token rules and where the links are kept.

- A token is 24 random bytes from `secrets` (32 URL-safe characters, 192 bits): it
  cannot be guessed or worked out from anything else. Only its SHA-256 digest is kept
  (machine-wide setting `brief_share_links`), with the campaign it opens, a label, the
  last four characters (so the facilitator can tell links apart), when it was made,
  whether it was withdrawn, and how often it was opened. The full link is shown to the
  facilitator once, when it is made; a lost link is withdrawn and replaced.
- Links live with this laptop's settings, not with the campaign: a backup or a copy of
  the campaign carries no working link.

Making, withdrawing and counting links are commands (`c4d.brief.commands`); the pages
a link opens are served by `c4d.brief.share`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import datetime

from pydantic import Field, ValidationError

from c4d.db.store import Store
from c4d.models import Model, OptionalName, new_id, utcnow

log = logging.getLogger(__name__)

SETTING = "brief_share_links"
TOKEN_BYTES = 24
TOKEN_LENGTH = 32   # len(secrets.token_urlsafe(24))
LINKS_MAX = 500
_TOKEN = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$")


class ShareLink(Model):
    id: str = Field(default_factory=new_id)
    campaign_id: str
    token_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hint: str = Field(default="", max_length=8)   # the token's last characters
    label: OptionalName = ""
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    opened: int = Field(default=0, ge=0)
    last_opened_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def all_links(store: Store) -> list[ShareLink]:
    """Every link this laptop keeps, of every campaign; a damaged entry is left out."""
    kept = []
    for item in store.setting(SETTING) or []:
        try:
            kept.append(ShareLink.model_validate(item))
        except ValidationError:
            log.warning("A damaged share link in the settings was ignored.")
    return kept


def links(store: Store, campaign_id: str) -> list[ShareLink]:
    """The campaign's links, newest first (withdrawn ones included, marked)."""
    return sorted((link for link in all_links(store) if link.campaign_id == campaign_id),
                  key=lambda link: link.created_at, reverse=True)


def find(store: Store, token: str) -> ShareLink | None:
    """The active link this token opens, or None (unknown, malformed or withdrawn)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    wanted = digest(token)
    for link in all_links(store):
        if secrets.compare_digest(link.token_hash, wanted):
            return link if link.active else None
    return None


def share_path(token: str) -> str:
    return f"/brief/{token}"


def share_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + share_path(token)

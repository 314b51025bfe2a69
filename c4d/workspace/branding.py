"""The organisation's logo: chosen once in Settings, drawn on the covers of the workshop
reports and the creative briefs.

It is kept as an attachment that belongs to no campaign, named by the `LOGO_SETTING`
setting (set and removed by `c4d.workspace.commands`).
"""

from __future__ import annotations

import logging

from c4d.db.store import Store

log = logging.getLogger(__name__)

LOGO_SETTING = "logo_attachment_id"
MAX_LOGO_BYTES = 2 * 2**20  # 2 MB: a logo, not a poster


class LogoError(ValueError):
    """A file that cannot be the logo, with the reason in the facilitator's terms."""


def check_logo(content: bytes) -> None:
    """Refuse what cannot be the logo: more than 2 MB, or not a PNG or JPEG image."""
    if len(content) > MAX_LOGO_BYTES:
        raise LogoError(f"The logo is {len(content) / 2**20:.1f} MB; use an image of at most 2 MB.")
    if not (content.startswith(b"\x89PNG") or content.startswith(b"\xff\xd8")):
        raise LogoError("That file is not a PNG or JPEG image.")


def organisation_logo(store: Store) -> bytes | None:
    """The logo chosen in Settings, when there is one and it is a picture; else None."""
    attachment_id = store.setting(LOGO_SETTING)
    if not attachment_id:
        return None
    found = store.attachment(str(attachment_id))
    if found is None:
        log.warning("The organisation logo named in the settings is no longer stored.")
        return None
    _filename, media_type, content = found
    return content if media_type.startswith("image/") else None

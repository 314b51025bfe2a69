"""Every write of the creative brief, each one function in one transaction: the brief's own
fields, its revision notes, a numbered version, and the share links (made, withdrawn,
counted). A refused value leaves what was saved as it was."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from c4d.brief.compose import compose, load_fields
from c4d.brief.links import LINKS_MAX, SETTING, ShareLink, all_links, digest, new_token
from c4d.brief.model import KIND, VERSIONS_KIND, VERSIONS_MAX, BriefFields, BriefVersion, RevisionNote, VersionLog
from c4d.brief.versions import fingerprint, versions
from c4d.db.errors import NotFound
from c4d.db.store import Store
from c4d.models import Campaign, name_key, new_id, utcnow

log = logging.getLogger(__name__)


# ---- the brief's own fields ----------------------------------------------------------------------
def save_fields(store: Store, campaign_id: str, fields: BriefFields) -> None:
    """Replace the brief's own fields (the example's loader writes a whole brief at once)."""
    with store.transaction():
        store.save_worksheet(campaign_id, KIND, fields.model_dump(mode="json"))


def update_fields(store: Store, campaign_id: str, **changes: Any) -> BriefFields:
    """Change some fields and save at once; the whole brief is validated first, so a refused
    value leaves what was saved as it was."""
    with store.transaction():
        current = load_fields(store, campaign_id)
        updated = BriefFields.model_validate(current.model_dump() | changes)
        store.save_worksheet(campaign_id, KIND, updated.model_dump(mode="json"))
    return updated


def set_revision_notes(store: Store, campaign_id: str,
                       rows: Sequence[tuple[date | None, str, str]]) -> BriefFields | None:
    """The revision notes as the page's table holds them, in order: (when, what prompted it,
    what changed). A row keeps the id of the note in its place. Rows with neither a prompt
    nor a change are left out. Returns the saved fields, or None when nothing changed."""
    kept = [(when, what, change) for when, what, change in rows if what or change]
    with store.transaction():
        current = load_fields(store, campaign_id)
        old = current.revisions
        notes = [RevisionNote(id=old[i].id if i < len(old) else new_id(), when=when, what=what, change=change)
                 for i, (when, what, change) in enumerate(kept)]
        if [(r.when, r.what, r.change) for r in notes] == [(r.when, r.what, r.change) for r in old]:
            return None
        updated = BriefFields.model_validate(current.model_dump() | {"revisions": notes})
        store.save_worksheet(campaign_id, KIND, updated.model_dump(mode="json"))
    return updated


def withdraw_slogan(store: Store, campaign_id: str, words: Sequence[str], *, on: date, what: str,
                    why: str) -> BriefFields | None:
    """A slogan dropped at the pre-test leaves the brief's draft: when the brief's slogan is
    one of `words` (ignoring case and spacing), it is emptied and a revision note says when,
    what prompted it (`what`) and why. Joins the caller's transaction (the pre-test's
    decision). Returns the saved fields, or None when the brief's slogan is another one."""
    with store.transaction():
        current = load_fields(store, campaign_id)
        if not current.slogan or not any(name_key(current.slogan) == name_key(w) for w in words if w):
            return None
        note = RevisionNote(when=on, what=what[:200],
                            change=f"Slogan “{current.slogan}” taken out of the draft: {why}".strip())
        notes = [*current.revisions, note][-100:]
        updated = BriefFields.model_validate(current.model_dump() | {"slogan": "", "revisions": notes})
        store.save_worksheet(campaign_id, KIND, updated.model_dump(mode="json"))
    return updated


# ---- versions ------------------------------------------------------------------------------------
def save_version(store: Store, campaign: Campaign, *, note: str = "", today: date | None = None,
                 now: datetime | None = None) -> tuple[BriefVersion, bool]:
    """Freeze the brief as the next numbered version. When nothing changed since the latest
    version, that version is returned instead (False: no new version was made)."""
    note = " ".join((note or "").split())[:200]
    with store.transaction():
        composed = compose(store, campaign, today=today)
        print_ = fingerprint(composed)
        existing = versions(store, campaign.id)
        if existing and existing[-1].fingerprint == print_:
            return existing[-1], False
        if len(existing) >= VERSIONS_MAX:
            raise ValueError(f"This brief already has {VERSIONS_MAX} versions; back up the campaign and start a "
                             f"copy of it for further versions.")
        made = BriefVersion(number=(existing[-1].number + 1) if existing else 1, created_at=now or utcnow(),
                            note=note, fingerprint=print_, brief=composed)
        log_ = VersionLog(versions=[*existing, made])
        store.save_worksheet(campaign.id, VERSIONS_KIND, log_.model_dump(mode="json"))
    return made, True


# ---- share links ---------------------------------------------------------------------------------
def _save_links(store: Store, kept: list[ShareLink]) -> None:
    store.set_setting(SETTING, [link.model_dump(mode="json") for link in kept])


def create_link(store: Store, campaign_id: str, label: str = "") -> tuple[str, ShareLink]:
    """A new link for the campaign's brief. Returns the token (shown once) and the link.
    When the brief has never been exported, its current state becomes version 1 first, so
    the link never opens an empty page."""
    campaign = store.campaign(campaign_id)
    token = new_token()
    link = ShareLink(campaign_id=campaign.id, token_hash=digest(token), hint=token[-4:], label=label)
    with store.transaction():
        if not versions(store, campaign.id):
            save_version(store, campaign, note="Made when the first share link was created")
        current = all_links(store)
        if len(current) >= LINKS_MAX:
            raise ValueError(f"This laptop already keeps {LINKS_MAX} share links; withdraw old ones first.")
        _save_links(store, [*current, link])
    return token, link


def revoke_link(store: Store, link_id: str) -> ShareLink:
    """Withdraw a link: from now on it gets the 'does not work' page."""
    with store.transaction():
        current = all_links(store)
        for i, link in enumerate(current):
            if link.id == link_id:
                if link.revoked_at is None:
                    current[i] = link.model_copy(update={"revoked_at": utcnow()})
                    _save_links(store, current)
                return current[i]
    raise NotFound("That share link no longer exists.")


def count_opening(store: Store, link_id: str) -> None:
    """Count an opening of a link (best effort: a failed count never stops the partner)."""
    try:
        with store.transaction():
            current = all_links(store)
            for i, link in enumerate(current):
                if link.id == link_id:
                    current[i] = link.model_copy(update={"opened": link.opened + 1, "last_opened_at": utcnow()})
                    _save_links(store, current)
                    return
    except Exception:
        log.exception("A share link's opening could not be counted")

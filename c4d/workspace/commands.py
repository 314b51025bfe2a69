"""The workspace's writes: campaigns, workshop sessions and this laptop's settings.

Every write the Campaigns, Workshop sessions and Settings pages make is one function
here, and each is one transaction: it is saved whole or, when refused (a clashing name,
an address phones could not use, a damaged image), not at all. The page only gathers
what was typed and shows what came back.

Two writes of those pages live with their own tools: a copy of a campaign is made through
its backup document (`c4d.backup.duplicate_campaign`, as imports are), and the phone
words and the passcode are `c4d.phones.commands.save_translations` and
`c4d.access.set_passcode`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from c4d import lan
from c4d.db.store import Store
from c4d.models import AgendaItem, Campaign, Session, SessionKind
from c4d.workspace.branding import LOGO_SETTING, check_logo


def _lines(lines: Iterable[str]) -> list[str]:
    """The lines a facilitator typed, one name per line, without the empty ones."""
    return [line for line in lines if line.strip()]


def _language(code: str) -> str:
    return code.strip().lower()


# ---- campaigns ----------------------------------------------------------------------------

def create_campaign(store: Store, *, name: str, country: str = "", organisers: Iterable[str] = (),
                    participant_language: str = "en") -> Campaign:
    """A new campaign; its name must not be one already on this laptop (Conflict)."""
    campaign = Campaign(name=name, country=country, participant_language=_language(participant_language),
                        organisers=_lines(organisers))
    with store.transaction():
        return store.create_campaign(campaign)


def update_campaign_details(store: Store, campaign: Campaign, *, name: str, country: str, summary: str,
                            organisers: Iterable[str], participant_language: str) -> Campaign:
    """Save the campaign's name, country, background, organisers and participants' language."""
    changed = Campaign.model_validate(campaign.model_dump() | {
        "name": name, "country": country, "summary": summary,
        "participant_language": _language(participant_language), "organisers": _lines(organisers),
    })
    with store.transaction():
        return store.update_campaign(changed)


def archive_campaign(store: Store, campaign_id: str) -> Campaign:
    """Hide a campaign from the list; nothing is deleted and it can be brought back."""
    with store.transaction():
        return store.set_archived(campaign_id, True)


def unarchive_campaign(store: Store, campaign_id: str) -> Campaign:
    """Bring an archived campaign back to the list."""
    with store.transaction():
        return store.set_archived(campaign_id, False)


# ---- workshop sessions --------------------------------------------------------------------

def add_session(store: Store, campaign_id: str, *, kind: SessionKind, title: str, start_date: date,
                end_date: date, place: str = "", facilitators: Iterable[str] = (), notes: str = "") -> Session:
    """A new workshop session of the campaign; its title must be new in the campaign (Conflict)."""
    session = Session(campaign_id=campaign_id, kind=kind, title=title, start_date=start_date, end_date=end_date,
                      place=place, facilitators=_lines(facilitators), notes=notes)
    with store.transaction():
        return store.add_session(session)


def update_session(store: Store, session: Session, *, kind: SessionKind, title: str, start_date: date,
                   end_date: date, place: str, facilitators: Iterable[str], notes: str) -> Session:
    """Save a session's details (its agenda is saved by save_agenda). A session cannot end
    before the last day its participants are marked present (Conflict)."""
    changed = Session.model_validate(session.model_dump() | {
        "kind": kind, "title": title, "start_date": start_date, "end_date": end_date, "place": place,
        "facilitators": _lines(facilitators), "notes": notes,
    })
    with store.transaction():
        return store.update_session(changed)


def save_agenda(store: Store, session: Session, rows: Iterable[dict[str, Any]]) -> Session:
    """Save the agenda as the table's rows (day, time, title, notes): a row without a
    title is not an item yet and is left out. Raises ValueError (nothing saved) for a row
    that is not an agenda item (e.g. a day that is not a number)."""
    items = [AgendaItem(day=int(row.get("day") or 1), time=str(row.get("time") or ""), title=str(row["title"]),
                        notes=str(row.get("notes") or ""))
             for row in rows if str(row.get("title") or "").strip()]
    changed = Session.model_validate(session.model_dump() | {"agenda": [item.model_dump() for item in items]})
    with store.transaction():
        return store.update_session(changed)


def delete_session(store: Store, session_id: str) -> None:
    """Delete a session with its agenda, register and live participation; the decisions
    taken there stay with the campaign."""
    with store.transaction():
        store.delete_session(session_id)


# ---- this laptop's settings ---------------------------------------------------------------

def set_logo(store: Store, filename: str, media_type: str | None, content: bytes) -> str:
    """Make this image the organisation's logo (a PNG or JPEG of at most 2 MB, else
    LogoError): the new file is stored, named in the settings, and the logo it replaces is
    deleted, all in one transaction. Returns the new attachment's id."""
    check_logo(content)
    with store.transaction():
        old = store.setting(LOGO_SETTING)
        new = store.add_attachment(None, filename, media_type or "image/png", content)
        store.set_setting(LOGO_SETTING, new)
        if old:
            store.delete_attachment(str(old))
    return new


def remove_logo(store: Store) -> None:
    """The reports and briefs go without a logo: the setting is cleared and the file
    deleted, in one transaction."""
    with store.transaction():
        old = store.setting(LOGO_SETTING)
        store.set_setting(LOGO_SETTING, None)
        if old:
            store.delete_attachment(str(old))


def set_laptop_address(store: Store, typed: str) -> str | None:
    """Save the address phones use to reach this laptop ('192.168.1.20' or
    '192.168.1.20:8502'); empty text goes back to detecting it. Raises lan.AddressError,
    saving nothing, for an address phones could not use. Returns what was saved."""
    address = typed.strip() or None
    if address is not None:
        lan.parse_override(address)
    with store.transaction():
        store.set_setting(lan.SETTING, address)
    return address

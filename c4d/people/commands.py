"""Every change a page makes to a session's register, each one transaction: one participant
typed in, a whole sign-in sheet, or the edits of the register table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError

from c4d.db.errors import NotFound
from c4d.models import OrgType, Participant, Session, Sex, friendly_errors
from c4d.people.register import participant_from_row
from c4d.removed.model import Removed, removed_note

if TYPE_CHECKING:
    from c4d.db.store import Store


def add_participant(store: "Store", session: Session, *, organisation: str, org_type: OrgType | None,
                    sex: Sex | None, name: str = "", contact: str = "", consent_to_list: bool = False,
                    attendance: list[int] | None = None) -> Participant:
    """Add one participant to the session's register. Raises ValueError (or pydantic's
    ValidationError) in the facilitator's terms, with nothing saved."""
    if org_type is None or sex is None:
        raise ValueError("choose the organisation type and the sex (or 'Prefer not to say')")
    participant = Participant(session_id=session.id, name=name, organisation=organisation, org_type=org_type,
                              sex=sex, contact=contact, consent_to_list=consent_to_list,
                              attendance=list(attendance or []))
    with store.transaction():
        return store.add_participants([participant])[0]


def add_from_signin_sheet(store: "Store", participants: list[Participant]) -> list[Participant]:
    """Add the ready rows of a sign-in sheet (`SigninPreview.valid`): all of them or, if one
    cannot be saved, none."""
    with store.transaction():
        return store.add_participants(participants)


@dataclass
class TableOutcome:
    saved: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)
    pending_new_rows: int = 0  # new rows not complete yet: kept in the table, not saved
    removed: list[str] = field(default_factory=list)  # what the page says about each row deleted


def apply_table_edits(store: "Store", session: Session, base: list[dict], changes: dict,
                      new_row_ids: dict[int, str]) -> TableOutcome:
    """Apply a table editor's changes ({"edited_rows", "added_rows", "deleted_rows"}) to
    the register, in one transaction. A row the facilitator left incomplete or wrong is not
    saved and is named in `errors` (the others are saved); a change the store refuses
    saves nothing. `new_row_ids` maps added-row positions to the participants already saved
    for them, so a new row that is edited again updates rather than duplicates; it is
    updated only once the transaction is saved."""
    outcome = TableOutcome()
    added_ids: dict[int, str] = {}
    deleted = set(changes.get("deleted_rows", []))
    with store.transaction():
        for index in sorted(deleted):
            if index < len(base):
                gone = remove_participant(store, session, base[index]["id"])
                outcome.deleted += 1
                if gone is not None:
                    outcome.removed.append(removed_note(gone))
        for index, edits in changes.get("edited_rows", {}).items():
            index = int(index)
            if index in deleted or index >= len(base):
                continue
            row = base[index] | edits
            try:
                store.update_participant(participant_from_row(row, session, base[index]["id"]))
                outcome.saved += 1
            except (ValidationError, ValueError) as exc:
                outcome.errors.append(f"Row {index + 1}: {_reason(exc)}. The previous value is kept.")
        for position, row in enumerate(changes.get("added_rows", [])):
            if not any(value not in (None, "", False) for value in row.values()):
                outcome.pending_new_rows += 1
                continue
            existing_id = new_row_ids.get(position)
            try:
                participant = participant_from_row(row, session, existing_id)
            except (ValidationError, ValueError) as exc:
                outcome.pending_new_rows += 1
                outcome.errors.append(f"New row {len(base) + position + 1}: not saved yet — {_reason(exc)}.")
                continue
            if existing_id:
                store.update_participant(participant)
            else:
                store.add_participant(participant)
                added_ids[position] = participant.id
            outcome.saved += 1
    new_row_ids.update(added_ids)
    return outcome


def remove_participant(store: "Store", session: Session, participant_id: str) -> Participant | None:
    """Take a participant off the register; restorable today from the recently removed
    (`c4d.removed`), at the same place in the register."""
    with store.transaction():
        position = store.participant_position(participant_id)
        participant = next((p for p in store.participants(session.id) if p.id == participant_id), None)
        if participant is None or position is None:
            return None
        store.delete_participant(participant_id)
        store.add_removed(Removed.of(session.campaign_id, participant, position=position, session=session.title))
    return participant


def restore_participant(store: "Store", removed: Removed) -> Participant:
    """Put a removed participant back at its place in its session's register; refused when
    the session has been deleted since."""
    participant = Participant.model_validate(removed.item)
    with store.transaction():
        try:
            store.session_by_id(participant.session_id)
        except NotFound:
            raise ValueError(f"{participant.name or participant.organisation} cannot be put back: the workshop "
                             f"session '{removed.record.get('session', '')}' has been deleted.") from None
        return store.restore_participant(participant, int(removed.record.get("position", 0)))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(friendly_errors(exc))
    return str(exc)

"""What the phones of a pre-test session show, and what one phone has answered (reads
only; putting a material on the phones is `commands.show_material`)."""

from __future__ import annotations

from c4d.phones.model import LiveState, Showing
from c4d.pretest.model import PretestDoc, Respondent, Response


def on_phones(state: LiveState) -> str | None:
    """The material on the phones of this session, if a pre-test is showing."""
    return state.material_id if state.showing is Showing.pretest else None


def next_in_order(doc: PretestDoc, session_id: str, current: str | None) -> str | None:
    group = doc.group(session_id)
    if group is None or not group.material_order:
        return None
    if current not in group.material_order:
        return group.material_order[0]
    index = group.material_order.index(current)
    return group.material_order[index + 1] if index + 1 < len(group.material_order) else None


def phone_response(doc: PretestDoc, session_id: str, material_id: str, device_key: str) -> Response | None:
    person = next((r for r in doc.respondents_of(session_id) if r.device_key == device_key), None)
    if person is None:
        return None
    return next((r for r in doc.responses if r.respondent_id == person.id and r.material_id == material_id), None)


def phone_respondent(doc: PretestDoc, session_id: str, device_key: str) -> Respondent | None:
    return next((r for r in doc.respondents_of(session_id) if r.device_key == device_key), None)

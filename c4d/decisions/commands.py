"""Every change a page makes to the campaign's decisions, each one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.db.errors import NotFound
from c4d.models import Decision, DecisionTopic, TallyRow
from c4d.removed.model import Removed

if TYPE_CHECKING:
    from c4d.db.store import Store


def record_decision(store: "Store", *, campaign_id: str, topic: DecisionTopic, choice: str, method: str,
                    session_id: str | None = None, rationale: str = "", breakdown: list[TallyRow] | None = None,
                    turnout: int | None = None, eligible: int | None = None) -> Decision:
    """Record a decision taken by hand (a show of hands, a discussion, a vote on paper). It
    supersedes the earlier decision on its topic. Raises ValueError (or pydantic's
    ValidationError) in the facilitator's terms, with nothing saved."""
    if turnout is not None and eligible is not None and turnout > eligible:
        raise ValueError(f"{turnout} people voted but only {eligible} were present")
    decision = Decision(campaign_id=campaign_id, session_id=session_id, topic=topic, choice=choice, method=method,
                        rationale=rationale, breakdown=breakdown or [], turnout=turnout, eligible=eligible)
    with store.transaction():
        return store.add_decision(decision)


def remove_decision(store: "Store", decision_id: str) -> None:
    """Delete a decision; the earlier decision on its topic, if any, applies again. It can be
    restored today from the recently removed (`c4d.removed`)."""
    with store.transaction():
        decision = store.decision(decision_id)
        if decision is None:
            return
        store.delete_decision(decision_id)
        store.add_removed(Removed.of(decision.campaign_id, decision))


def restore_decision(store: "Store", removed: Removed) -> Decision:
    """Put a removed decision back as it was (its time keeps its place among the decisions on
    its topic). A decision whose workshop session was deleted since stays with the campaign,
    as deleting a session leaves its decisions."""
    decision = Decision.model_validate(removed.item)
    with store.transaction():
        if store.decision(decision.id) is not None:
            raise ValueError(f"The decision '{decision.choice}' is already there.")
        if decision.session_id is not None:
            try:
                store.session_by_id(decision.session_id)
            except NotFound:
                decision = decision.model_copy(update={"session_id": None})
        return store.add_decision(decision)

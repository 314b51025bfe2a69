"""What the audience pages and worksheets read: each part of the analysis as saved (one
JSON document per campaign and part, validated by its model), the whole analysis as one
object, the PPCD decisions still to adopt as audiences, and the framework cell the
phones were last asked about. Writes are in `c4d.audience.commands`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from c4d.audience.model import ADOPTABLE, FRAMEWORK_QUESTIONS, KINDS, AudienceAnalysis, Level, Side
from c4d.models import Decision

if TYPE_CHECKING:
    from c4d.db.store import Store


def load_part(store: "Store", campaign_id: str, kind: str) -> Any:
    """One part, validated by its model (an empty part when nothing is saved yet)."""
    return store.load_worksheet(campaign_id, kind, KINDS[kind], kind.replace("_", " "))


def load_analysis(store: "Store", campaign_id: str) -> AudienceAnalysis:
    return AudienceAnalysis(
        framework=load_part(store, campaign_id, "audience_framework"),
        audiences=load_part(store, campaign_id, "audiences").audiences,
        profile=load_part(store, campaign_id, "audience_profile"),
        sem=load_part(store, campaign_id, "sem"),
        sector=load_part(store, campaign_id, "sector_lens"),
        stakeholders=load_part(store, campaign_id, "stakeholders").stakeholders,
    )


def asked_cell(store: "Store", session_id: str) -> tuple[Side, Level] | None:
    """The cell whose question the session's phones were last asked (with `ask_phones`),
    so the ideas that come back go into that cell by default. None when the idea board's
    question is not one of the framework's (or the session has never taken ideas)."""
    state = next((s for s in store.live_states() if s.session_id == session_id), None)
    if state is None:
        return None
    return next((cell for cell, question in FRAMEWORK_QUESTIONS.items() if question == state.idea_prompt), None)


def decisions_to_adopt(store: "Store", campaign_id: str) -> list[Decision]:
    """Decisions in force on the primary or secondary audience that no audience comes from yet."""
    from c4d.decisions.model import in_force

    current = in_force(store, campaign_id)
    audiences = load_part(store, campaign_id, "audiences").audiences
    return [d for topic in ADOPTABLE if (d := current.get(topic)) is not None
            and not any(a.decision_id == d.id for a in audiences)]


def decisions_in_force(store: "Store", campaign_id: str) -> list[Decision]:
    from c4d.decisions.model import in_force

    return list(in_force(store, campaign_id).values())

"""What the audience pages and worksheets read: each part of the analysis as saved (one
JSON document per campaign and part, validated by its model), the whole analysis as one
object, the PPCD decisions still to adopt as audiences, and the framework cell the
phones were last asked about. Writes are in `c4d.audience.commands`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from c4d.audience.model import (
    ADOPTABLE, FRAMEWORK_QUESTIONS, KINDS, AudienceAnalysis, AudienceFramework, EntryKind, FrameworkEntry, Level, Side,
)
from c4d.models import Decision, same_name
from c4d.text import clip

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.ideas.model import Idea


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
    """Decisions in force on the primary or secondary audience that the audiences do not
    reflect yet: no audience comes from the decision, and no audience of its role already
    has its name (a group typed by hand, or voted for again after it was adopted), so the
    facilitator confirms a group once."""
    from c4d.decisions.model import in_force

    current = in_force(store, campaign_id)
    audiences = load_part(store, campaign_id, "audiences").audiences
    return [d for topic, role in ADOPTABLE.items() if (d := current.get(topic)) is not None
            and not any(a.decision_id == d.id or (a.role is role and same_name(a.name, d.choice))
                        for a in audiences)]


def entries_to_offer(analysis: AudienceAnalysis) -> list[FrameworkEntry]:
    """The framework's audiences that can still become an audience: not linked to one, and
    not already an audience by name (e.g. the primary adopted from the PPCD decision)."""
    linked = {i for a in analysis.audiences for i in a.framework_entry_ids}
    return [e for e in analysis.framework.entries if e.kind is EntryKind.audience and e.id not in linked
            and not any(same_name(a.name, e.who) for a in analysis.audiences)]


def ideas_to_offer(framework: AudienceFramework, ideas: list["Idea"]) -> list["Idea"]:
    """The ideas from phones that are not on the framework yet: neither sent to it before
    nor already there in the same words (in any cell)."""
    used = {e.idea_id for e in framework.entries if e.idea_id}
    return [i for i in ideas if i.id not in used
            and not any(same_name(e.who, clip(i.text, 200)) for e in framework.entries)]


def decisions_in_force(store: "Store", campaign_id: str) -> list[Decision]:
    from c4d.decisions.model import in_force

    return list(in_force(store, campaign_id).values())

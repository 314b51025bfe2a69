"""The Dream Umbrella example's audience analysis (data in c4d/demo/data/audience.json):
sector lens, audience framework, audiences, the primary audience's profile, the Social
Ecological Model and the stakeholder map.

The primary and secondary audiences come from the PPCD decisions of the example, so they
carry the decisions' ids, as they would after the facilitator's one click. Loading is
idempotent: a campaign that already has any part of an audience analysis is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from c4d.demo import example_data
from c4d.audience.commands import save_part
from c4d.audience.model import KINDS, Audiences
from c4d.decisions.model import in_force
from c4d.models import Campaign, DecisionTopic

if TYPE_CHECKING:
    from c4d.db.store import Store



def load(store: "Store", campaign: Campaign) -> bool:
    """Save the example's audience analysis into the campaign; False when the campaign
    already has one (nothing is changed then)."""
    if any(store.worksheet(campaign.id, kind) is not None for kind in KINDS):
        return False
    data = example_data("audience")
    decisions = in_force(store, campaign.id)
    audiences = []
    for item in data["audiences"]:
        item = dict(item)
        topic = item.pop("from_decision", None)
        decision = decisions.get(DecisionTopic(topic)) if topic else None
        audiences.append(item | {"decision_id": decision.id if decision else None})
    parts = [
        KINDS["sector_lens"].model_validate(data["sector_lens"]),
        KINDS["audience_framework"].model_validate(data["audience_framework"]),
        Audiences.model_validate({"audiences": audiences}),
        KINDS["audience_profile"].model_validate(data["audience_profile"]),
        KINDS["sem"].model_validate(data["sem"]),
        KINDS["stakeholders"].model_validate(data["stakeholders"]),
    ]
    with store.transaction():
        for part in parts:
            save_part(store, campaign.id, part)
    return True

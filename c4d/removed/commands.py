"""Putting back what was removed today: one command, one transaction.

The removal itself is recorded by each tool's remove command (`store.add_removed`, in the
transaction that removes). `restore` puts the item back exactly (same id, same place in
its list, with what went with it) through the tool's own restore command and takes it off
the list, all or nothing. Something whose parent is gone (a participant whose session was
deleted, a pre-test decision whose material was removed) is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from c4d.audience import commands as audience
from c4d.decisions import commands as decisions
from c4d.people import commands as people
from c4d.pretest import commands as pretest
from c4d.removed.model import Removed, RemovedKind, day_start, is_today
from c4d.strategy import commands as strategy

if TYPE_CHECKING:
    from c4d.db.store import Store

# Each restores one kind from its Removed (and the file it kept), inside the transaction.
RESTORERS: dict[RemovedKind, Callable[["Store", Removed, bytes | None], Any]] = {
    RemovedKind.decision: lambda store, removed, _: decisions.restore_decision(store, removed),
    RemovedKind.participant: lambda store, removed, _: people.restore_participant(store, removed),
    RemovedKind.material: pretest.restore_material,
    RemovedKind.pretest_decision: lambda store, removed, _: pretest.restore_decision(store, removed),
    RemovedKind.objective: lambda store, removed, _: strategy.restore_item(store, removed),
    RemovedKind.channel: lambda store, removed, _: strategy.restore_item(store, removed),
    RemovedKind.entry: lambda store, removed, _: audience.restore_item(store, removed),
    RemovedKind.audience: lambda store, removed, _: audience.restore_item(store, removed),
    RemovedKind.influence: lambda store, removed, _: audience.restore_item(store, removed),
    RemovedKind.stakeholder: lambda store, removed, _: audience.restore_item(store, removed),
}


def removed_today(store: "Store", campaign_id: str, kinds: Iterable[RemovedKind] = (),
                  now: datetime | None = None) -> list[Removed]:
    """Today's removals in this campaign (of these kinds, when given), newest first."""
    wanted = set(kinds)
    return [r for r in store.removed_items(campaign_id, since=day_start(now)) if not wanted or r.kind in wanted]


def restore(store: "Store", campaign_id: str, removed_id: str, now: datetime | None = None) -> Removed:
    """Put a removed item back and take it off the list. Raises ValueError in the
    facilitator's terms, with nothing changed."""
    with store.transaction():
        found = store.removed_item(removed_id)
        if found is None or found[0].campaign_id != campaign_id:
            raise ValueError("That item is no longer in the list of removed items (it may have been restored "
                             "on another screen).")
        removed, file = found
        if not is_today(removed, now):
            raise ValueError("Only what was removed today can be restored.")
        RESTORERS[removed.kind](store, removed, file)
        store.delete_removed(removed.id)
    return removed

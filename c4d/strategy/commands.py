"""Every write the strategy pages make, each one function in one transaction: save or
remove a SMART objective, save or remove a channel, set the plan's currency.

Both worksheets keep a list of items in one document per campaign (`ListDocument`), so
one helper reads the document, changes it, validates it and saves it for both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from c4d.models import Model
from c4d.removed.model import Removed, RemovedKind
from c4d.strategy.model import (
    CHANNEL_PLAN,
    OBJECTIVES,
    ChannelEntry,
    ChannelPlan,
    ListDocument,
    Objective,
    ObjectiveSet,
)
from c4d.strategy.worksheet import load

if TYPE_CHECKING:
    from c4d.db.store import Store


# ---- one document, one list of items ------------------------------------------------------------
def save_document(store: "Store", campaign_id: str, document: ListDocument, content: Model) -> None:
    """Save a whole document as it is (the example's loader sets each in one go)."""
    store.save_worksheet(campaign_id, document.kind, content.model_dump(mode="json"))


def _change(store: "Store", campaign_id: str, document: ListDocument, change: Callable[[Any], Any]) -> Any:
    """Read the document, apply `change` (which returns the new, validated content), save:
    one transaction."""
    with store.transaction():
        updated = change(load(store, campaign_id, document))
        save_document(store, campaign_id, document, updated)
    return updated


def _with_items(content: Model, document: ListDocument, items: list[Any]) -> Any:
    """The content with another list of items, validated (the list's length too)."""
    return document.model(**(dict(content) | {document.field: items}))


def _upsert(store: "Store", campaign_id: str, document: ListDocument, item: Any) -> Any:
    """Add the item, or replace the one with its id."""
    def change(content: Model) -> Any:
        items = list(getattr(content, document.field))
        for i, existing in enumerate(items):
            if existing.id == item.id:
                items[i] = item
                break
        else:
            if len(items) >= document.limit:
                raise ValueError(document.full)
            items.append(item)
        return _with_items(content, document, items)

    return _change(store, campaign_id, document, change)


def _remove(store: "Store", campaign_id: str, document: ListDocument, item_id: str) -> Any:
    """Remove the item, kept today among the recently removed (`c4d.removed`) with its place."""
    def change(content: Model) -> Any:
        items = list(getattr(content, document.field))
        for index, item in enumerate(items):
            if item.id == item_id:
                store.add_removed(Removed.of(campaign_id, item, index=index))
        return _with_items(content, document, [x for x in items if x.id != item_id])

    return _change(store, campaign_id, document, change)


def restore_item(store: "Store", removed: Removed) -> Any:
    """Put a removed objective or channel back at its place in its list."""
    document = OBJECTIVES if removed.kind is RemovedKind.objective else CHANNEL_PLAN
    item = (Objective if document is OBJECTIVES else ChannelEntry).model_validate(removed.item)

    def change(content: Model) -> Any:
        items = list(getattr(content, document.field))
        if any(x.id == item.id for x in items):
            raise ValueError(f"'{removed.label}' is already there.")
        if len(items) >= document.limit:
            raise ValueError(document.full[0].upper() + document.full[1:] + ".")
        items.insert(min(int(removed.record.get("index", len(items))), len(items)), item)
        return _with_items(content, document, items)

    return _change(store, removed.campaign_id, document, change)


# ---- SMART objectives ---------------------------------------------------------------------------
def save_objective(store: "Store", campaign_id: str, objective: Objective) -> ObjectiveSet:
    """Add the objective, or replace the one with its id; saved at once."""
    return _upsert(store, campaign_id, OBJECTIVES, objective)


def remove_objective(store: "Store", campaign_id: str, objective_id: str) -> ObjectiveSet:
    return _remove(store, campaign_id, OBJECTIVES, objective_id)


# ---- the channel plan ----------------------------------------------------------------------------
def save_channel(store: "Store", campaign_id: str, entry: ChannelEntry) -> ChannelPlan:
    """Add the channel, or replace the one with its id; saved at once."""
    return _upsert(store, campaign_id, CHANNEL_PLAN, entry)


def remove_channel(store: "Store", campaign_id: str, entry_id: str) -> ChannelPlan:
    return _remove(store, campaign_id, CHANNEL_PLAN, entry_id)


def set_currency(store: "Store", campaign_id: str, currency: str) -> ChannelPlan:
    return _change(store, campaign_id, CHANNEL_PLAN, lambda plan: ChannelPlan(currency=currency, entries=plan.entries))

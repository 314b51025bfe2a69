"""Every write the audience pages make, each one function in one transaction.

Each command (`add_entry`, `adopt_decision`, `add_influence`, ...) reads the part,
applies one change, validates the whole part and saves it in one transaction, so what
the page confirms is on disk and a refused change leaves the saved part as it was.
Refusals are `ValueError`s worded for the facilitator.

The framework's entries, the audiences, the SEM's influences and the stakeholders are
each a list of items inside one part; `_Items` adds, edits and removes an item of any of
them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from c4d.audience.forms import checked, validated
from c4d.audience.model import (
    ADOPTABLE,
    FRAMEWORK_QUESTIONS,
    KINDS,
    USUAL_APPROACH,
    Approach,
    Audience,
    AudienceFramework,
    AudienceProfile,
    AudienceRole,
    Audiences,
    EntryKind,
    FrameworkEntry,
    Influence,
    Level,
    SectorLens,
    Side,
    Stakeholder,
)
from c4d.audience.reading import load_part
from c4d.ideas.commands import show_ideas
from c4d.models import Decision, Model, same_name
from c4d.removed.model import Removed, RemovedKind
from c4d.text import clip

if TYPE_CHECKING:
    from c4d.db.store import Store
    from c4d.ideas.model import Idea
    from c4d.phones.model import LiveState

P = TypeVar("P", bound=Model)
T = TypeVar("T", bound=Model)


# ---- one part, one list of items --------------------------------------------------------------------
def save_part(store: "Store", campaign_id: str, part: Model) -> None:
    """Save a whole part as it is (the example's loader sets each part in one go)."""
    kind = next(k for k, model in KINDS.items() if isinstance(part, model))
    store.save_worksheet(campaign_id, kind, part.model_dump(mode="json"))


def _change(store: "Store", campaign_id: str, kind: str, change: Callable[[Any], Any]) -> Any:
    """Read one part, apply `change`, validate, save: one transaction."""
    with store.transaction():
        part = load_part(store, campaign_id, kind)
        updated = validated(type(part), change(part).model_dump())
        save_part(store, campaign_id, updated)
        return updated


def _find(items: Iterable[Any], item_id: str, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise ValueError(f"This {what} is no longer there (it may have been removed on another screen).")


def _edit(item: P, changes: dict[str, Any]) -> P:
    return validated(type(item), item.model_dump() | changes)


@dataclass(frozen=True)
class _Items(Generic[T]):
    """A list of items inside one part: the part's kind, the list's field, the item's
    model, and what one item is called in a refusal. Its `add`, `update` and `remove` are
    the commands of that list."""

    kind: str
    field: str
    model: type[T]
    what: str

    def _replace(self, part: Any, items: list[Any]) -> Any:
        return part.model_copy(update={self.field: items})

    def add(self, store: "Store", campaign_id: str, **fields: Any) -> T:
        """Add an item made from `fields`; a refusal names the field and saves nothing."""
        item = checked(self.model, **fields)
        _change(store, campaign_id, self.kind, lambda part: self._replace(part, [*getattr(part, self.field), item]))
        return item

    def update(self, store: "Store", campaign_id: str, item_id: str, **changes: Any) -> T:
        """Change some fields of one item; the others stay as they are."""
        def change(part: Any) -> Any:
            items = getattr(part, self.field)
            edited = _edit(_find(items, item_id, self.what), changes)
            return self._replace(part, [edited if x.id == item_id else x for x in items])

        part = _change(store, campaign_id, self.kind, change)
        return _find(getattr(part, self.field), item_id, self.what)

    def remove(self, store: "Store", campaign_id: str, item_id: str, **where: Any) -> None:
        """Remove the item; kept today among the recently removed (`c4d.removed`) with its
        place in the list (and `where`: what else went with it)."""
        def change(part: Any) -> Any:
            items = getattr(part, self.field)
            for index, item in enumerate(items):
                if item.id == item_id:
                    store.add_removed(Removed.of(campaign_id, item, index=index, **where))
            return self._replace(part, [x for x in items if x.id != item_id])

        _change(store, campaign_id, self.kind, change)

    def restore(self, store: "Store", removed: Removed) -> T:
        """Put a removed item back at its place in the list."""
        item = self.model.model_validate(removed.item)

        def change(part: Any) -> Any:
            items = list(getattr(part, self.field))
            if any(x.id == item.id for x in items):
                raise ValueError(f"This {self.what} is already there.")
            items.insert(min(int(removed.record.get("index", len(items))), len(items)), item)
            return self._replace(part, items)

        _change(store, removed.campaign_id, self.kind, change)
        return item


_ENTRIES = _Items("audience_framework", "entries", FrameworkEntry, "entry")
_AUDIENCES = _Items("audiences", "audiences", Audience, "audience")
_INFLUENCES = _Items("sem", "influences", Influence, "influence")
_STAKEHOLDERS = _Items("stakeholders", "stakeholders", Stakeholder, "stakeholder")
_LISTS: dict[RemovedKind, _Items[Any]] = {RemovedKind.entry: _ENTRIES, RemovedKind.audience: _AUDIENCES,
                                          RemovedKind.influence: _INFLUENCES, RemovedKind.stakeholder: _STAKEHOLDERS}


# ---- audience framework ---------------------------------------------------------------------------
def add_entry(store: "Store", campaign_id: str, *, side: Side, level: Level, who: str,
              kind: EntryKind = EntryKind.audience, why: str = "", evidence: str = "",
              source: str = "facilitator", idea_id: str | None = None) -> FrameworkEntry:
    return _ENTRIES.add(store, campaign_id, side=side, level=level, kind=kind, who=who, why=why, evidence=evidence,
                        source=source, idea_id=idea_id)


update_entry = _ENTRIES.update


def remove_entry(store: "Store", campaign_id: str, entry_id: str) -> None:
    """Remove an entry, and its links from the audiences (restored with it)."""
    with store.transaction():
        linked = {a.id: a.framework_entry_ids.index(entry_id)
                  for a in load_part(store, campaign_id, "audiences").audiences if entry_id in a.framework_entry_ids}
        _ENTRIES.remove(store, campaign_id, entry_id, linked_from=linked)
        _change(store, campaign_id, "audiences", lambda part: part.model_copy(update={"audiences": [
            a.model_copy(update={"framework_entry_ids": [i for i in a.framework_entry_ids if i != entry_id]})
            for a in part.audiences]}))


def restore_item(store: "Store", removed: Removed) -> Model:
    """Put back a removed framework entry (with its links from the audiences still there),
    audience, influence or stakeholder, at its place in its list."""
    with store.transaction():
        item = _LISTS[removed.kind].restore(store, removed)
        if removed.kind is RemovedKind.entry and (linked := dict(removed.record.get("linked_from", {}))):
            def relink(audience: Audience) -> Audience:
                ids = list(audience.framework_entry_ids)
                if audience.id in linked and item.id not in ids:
                    ids.insert(min(int(linked[audience.id]), len(ids)), item.id)
                return audience.model_copy(update={"framework_entry_ids": ids})

            _change(store, removed.campaign_id, "audiences", lambda part: part.model_copy(
                update={"audiences": [relink(a) for a in part.audiences]}))
        return item


def ask_phones(store: "Store", session_id: str, side: Side, level: Level) -> "LiveState":
    """Open the idea board on the session's phones with the question for one cell."""
    return show_ideas(store, session_id, FRAMEWORK_QUESTIONS[(side, level)])


def ideas_to_framework(store: "Store", campaign_id: str, ideas: list["Idea"], *, side: Side, level: Level,
                       kind: EntryKind = EntryKind.audience) -> tuple[int, int]:
    """Put ideas sent from phones on the board, in one cell. Ideas already on the board
    (the same idea, or the same words in that cell) are skipped. Returns (added, skipped)."""
    if not ideas:
        raise ValueError("Choose at least one idea to add to the framework.")
    added = skipped = 0

    def change(fw: AudienceFramework) -> AudienceFramework:
        nonlocal added, skipped
        entries = list(fw.entries)
        for idea in ideas:
            text = " ".join(idea.text.split())
            who = clip(text, 200)
            if any(e.idea_id == idea.id for e in entries) or any(
                    same_name(e.who, who) for e in entries if (e.side, e.level, e.kind) == (side, level, kind)):
                skipped += 1
                continue
            entries.append(checked(FrameworkEntry, side=side, level=level, kind=kind, who=who,
                                   why=text if who != text else "", source="phone", idea_id=idea.id))
            added += 1
        return fw.model_copy(update={"entries": entries})

    _change(store, campaign_id, "audience_framework", change)
    return added, skipped


# ---- primary, secondary and tertiary audiences ---------------------------------------------------
def add_audience(store: "Store", campaign_id: str, *, role: AudienceRole, name: str,
                 approach: Approach | None = None, description: str = "",
                 framework_entry_ids: Iterable[str] = (), decision_id: str | None = None) -> Audience:
    return _AUDIENCES.add(store, campaign_id, role=role, name=name,
                          approach=approach or USUAL_APPROACH[AudienceRole(role)], description=description,
                          framework_entry_ids=list(framework_entry_ids), decision_id=decision_id)


update_audience = _AUDIENCES.update
remove_audience = _AUDIENCES.remove


def audience_from_entry(store: "Store", campaign_id: str, entry_id: str, role: AudienceRole) -> Audience:
    """An audience made from a framework entry, linked to it (read and added in one transaction)."""
    with store.transaction():
        entry = _find(load_part(store, campaign_id, "audience_framework").entries, entry_id, "entry")
        return add_audience(store, campaign_id, role=role, name=entry.who, description=entry.why,
                            framework_entry_ids=[entry.id])


def _role_change(audience: Audience, role: AudienceRole) -> dict[str, Any]:
    """Moving to another role brings that role's usual approach, unless the room chose another."""
    changes: dict[str, Any] = {"role": role}
    if audience.approach is USUAL_APPROACH[audience.role]:
        changes["approach"] = USUAL_APPROACH[role]
    return changes


def adopt_decision(store: "Store", campaign_id: str, decision: Decision) -> str:
    """Make the PPCD's decision on the primary (or secondary) audience an audience, in one
    step. An audience of the same name takes the role and the link to the decision; for the
    primary, the previous primary audience stays as a secondary one (nothing is lost).
    Returns what happened, in words."""
    if decision.topic not in ADOPTABLE:
        raise ValueError("Only a decision on the primary or the secondary audience can become an audience.")
    role = ADOPTABLE[decision.topic]
    message = ""

    def change(part: Audiences) -> Audiences:
        nonlocal message
        audiences = list(part.audiences)
        same = next((a for a in audiences if same_name(a.name, decision.choice)), None)
        if role is AudienceRole.secondary and same is not None and same.role is AudienceRole.primary:
            raise ValueError(f"'{same.name}' is already the primary audience; it cannot also be the secondary one.")
        previous = next((a for a in audiences if a.role is AudienceRole.primary), None)
        out = []
        for a in audiences:
            if role is AudienceRole.primary and previous is not None and a.id == previous.id and (
                    same is None or same.id != previous.id):
                a = _edit(a, _role_change(a, AudienceRole.secondary))
                message = f"'{previous.name}' is kept as a secondary audience. "
            if same is not None and a.id == same.id:
                a = _edit(a, {**(_role_change(a, role) if a.role is not role else {}), "decision_id": decision.id,
                              "description": a.description or decision.rationale})
            out.append(a)
        if same is None:
            out.append(checked(Audience, role=role, name=decision.choice, approach=USUAL_APPROACH[role],
                               description=decision.rationale, decision_id=decision.id))
        message = f"'{decision.choice}' is now the {role.value} audience, from the decision. " + message
        return part.model_copy(update={"audiences": out})

    _change(store, campaign_id, "audiences", change)
    return message.strip()


# ---- the primary audience's profile, and the sector lens: one form's fields at a time --------------
def save_profile(store: "Store", campaign_id: str, **changes: Any) -> AudienceProfile:
    """Save some fields of the profile (one form's worth); the others stay as they are."""
    return _change(store, campaign_id, "audience_profile", lambda profile: _edit(profile, changes))


def save_sector(store: "Store", campaign_id: str, **changes: Any) -> SectorLens:
    return _change(store, campaign_id, "sector_lens", lambda lens: _edit(lens, changes))


# ---- Social Ecological Model, and the stakeholder map -----------------------------------------------
add_influence = _INFLUENCES.add
update_influence = _INFLUENCES.update
remove_influence = _INFLUENCES.remove

add_stakeholder = _STAKEHOLDERS.add
update_stakeholder = _STAKEHOLDERS.update
remove_stakeholder = _STAKEHOLDERS.remove

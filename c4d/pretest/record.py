"""The pre-test record: one JSON document per campaign (worksheet kind "pretest"), read,
checked as a whole and saved.

Every change goes through `editing()`: read, change, validate, save — one transaction,
so a phone's answers and the facilitator's grid never overwrite each other. Only
`c4d.pretest.commands` (and the example campaign's loader) write; everyone reads with `load`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pydantic import ValidationError

from c4d.models import friendly_errors
from c4d.pretest.model import KIND, PretestDoc, PretestError

if TYPE_CHECKING:
    from c4d.db.store import Store


def load(store: "Store", campaign_id: str) -> PretestDoc:
    """The campaign's pre-test record (an empty one when nothing is recorded yet)."""
    data = store.worksheet(campaign_id, KIND)
    if data is None:
        return PretestDoc()
    try:
        return PretestDoc.model_validate(data)
    except ValidationError as error:
        raise PretestError("The pre-test record of this campaign could not be read ("
                           + "; ".join(friendly_errors(error)[:3]) + "). Restore it from a backup.") from None


def save(store: "Store", campaign_id: str, doc: PretestDoc) -> PretestDoc:
    checked = checked_doc(doc)
    store.save_worksheet(campaign_id, KIND, checked.model_dump(mode="json"))
    return checked


def checked_doc(doc: PretestDoc) -> PretestDoc:
    """The document validated as a whole (lists changed in place are checked here)."""
    try:
        return PretestDoc.model_validate(doc.model_dump())
    except ValidationError as error:
        raise PretestError("; ".join(friendly_errors(error))) from None


@contextmanager
def editing(store: "Store", campaign_id: str) -> Iterator[PretestDoc]:
    """Read the record, let the caller change it, check it and save it — one transaction:

        with editing(store, campaign.id) as doc:
            doc.threshold = 75
    """
    with store.transaction():
        doc = load(store, campaign_id)
        yield doc
        save(store, campaign_id, doc)

"""The pre-test's contribution to the creative brief's revision history, as a typed contract.

Each decision of the log and each new version of a material becomes one `Revision`, oldest
first. A decision on a scored material carries the results it rested on: the answers of
the groups held by the day it was taken. The brief reads this through
`revision_history(store, campaign_id)`; nothing else about the pre-test record leaks out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from c4d.pretest.model import SHORT_TEXT, Material, PretestDoc, Response, Verdict
from c4d.pretest.record import load
from c4d.pretest.scoring import MaterialResult, result_of
from c4d.text import plural

if TYPE_CHECKING:
    from c4d.db.store import Store


class Revision(BaseModel):
    """One line of the revision history: when, which material (named as the brief shows it), what changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: date
    material: str
    change: str


def evidence(result: MaterialResult) -> str:
    """The pre-test results behind a decision, in one sentence for the creative brief, e.g.
    'Pre-test, 17 answers: revise — Comprehension: 29% favourable (5 of 17); ...'."""
    if not result.answers:
        return ""
    n = f"{plural(result.answers, 'answer')}" + (" (few)" if result.small else "")
    if result.verdict is Verdict.ready:
        return f"Pre-test, {n}: ready — every criterion at least {result.threshold}% favourable."
    if result.verdict is Verdict.revise:
        return f"Pre-test, {n}: revise — " + "; ".join(result.shortfalls()) + "."
    return ""


def answers_by(doc: PretestDoc, material_id: str, day: date, held_on: Mapping[str, date]) -> list[Response]:
    """A material's answers from the groups held on or before `day` (answers whose session
    is no longer known are counted: nothing says they came later)."""
    return [r for r in doc.responses_to(material_id)
            if r.session_id not in held_on or held_on[r.session_id] <= day]


def _named(material: Material | None, name: str) -> str:
    if material is None:
        return name
    text = " ".join(material.text.split())
    quoted = f" “{text}”" if text and len(text) <= SHORT_TEXT else ""  # a slogan is named by its words
    return f"{material.type.label}: {name}{quoted}"


def revision_history(store: "Store", campaign_id: str) -> list[Revision]:
    """For the creative brief's revision history: each decision of the log and each new
    version, oldest first (on one day, decisions before new versions)."""
    doc = load(store, campaign_id)
    held_on = {s.id: s.start_date for s in store.sessions(campaign_id)}

    rows: list[tuple[date, int, Revision]] = []
    for d in doc.decisions:
        material = doc.find_material(d.material_id)
        change = f"{d.decision.label} — {d.reason}"
        if material is not None:
            found = evidence(result_of(doc, material, answers_by(doc, material.id, d.date, held_on)))
            if found:
                change = change.rstrip()
                change = f"{change}{'' if change.endswith(('.', '!', '?', '…')) else '.'} {found}"
        rows.append((d.date, 0, Revision(date=d.date, material=_named(material, d.material), change=change)))
    for m in doc.materials:
        if m.version > 1:
            rows.append((m.created_on, 1, Revision(date=m.created_on, material=_named(m, m.name),
                                                   change=f"New version — {m.changes}")))
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]

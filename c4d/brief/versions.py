"""The brief's versions: each export freezes the composed brief as a numbered, dated
version (`c4d.brief.commands.save_version`); an export with nothing changed since the
latest version reuses it (same `fingerprint`). `diff` says what changed between two
versions, section by section, in lines a person reads.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from c4d.brief.model import SECTION_TITLES, VERSIONS_KIND, BriefVersion, ComposedBrief, VersionLog
from c4d.brief.outline import block_lines, outline
from c4d.db.store import Store


def fingerprint(brief: ComposedBrief) -> str:
    data = brief.model_dump(mode="json", exclude={"composed_at"})
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def versions(store: Store, campaign_id: str) -> list[BriefVersion]:
    return store.load_worksheet(campaign_id, VERSIONS_KIND, VersionLog, "versions of the brief").versions


def latest_version(store: Store, campaign_id: str) -> BriefVersion | None:
    found = versions(store, campaign_id)
    return found[-1] if found else None


def version(store: Store, campaign_id: str, number: int) -> BriefVersion | None:
    return next((v for v in versions(store, campaign_id) if v.number == number), None)


def next_number(made: Sequence[BriefVersion], composed: ComposedBrief) -> int:
    """The number the next export gets: the latest version's when nothing changed since."""
    if not made:
        return 1
    return made[-1].number if made[-1].fingerprint == fingerprint(composed) else made[-1].number + 1


@dataclass(frozen=True)
class SectionChange:
    title: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


def diff(old: ComposedBrief, new: ComposedBrief) -> list[SectionChange]:
    """What changed from `old` to `new`, by section: the lines taken out and put in."""
    before = {s.key: s for s in outline(old, []) if s.key != "gaps"}
    after = {s.key: s for s in outline(new, []) if s.key != "gaps"}
    changes = []
    for key, title in SECTION_TITLES.items():
        a = [line for block in (before[key].blocks if key in before else ()) for line in block_lines(block)]
        b = [line for block in (after[key].blocks if key in after else ()) for line in block_lines(block)]
        if a == b:
            continue
        removed, added = [], []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag in ("replace", "delete"):
                removed += a[i1:i2]
            if tag in ("replace", "insert"):
                added += b[j1:j2]
        changes.append(SectionChange(title, tuple(removed), tuple(added)))
    if old.campaign_name != new.campaign_name:
        changes.insert(0, SectionChange("Campaign name", (old.campaign_name,), (new.campaign_name,)))
    return changes

"""The Dream Umbrella example's strategic design: SMART objectives from the campaign's
published targets and results, the channel plan it used, and its creative brief
(data in c4d/demo/data/strategy.json).

`load_strategy_demo` is called at the end of `c4d.demo.example.load_demo`, after the audience
analysis's example. It is idempotent (a part already saved is left alone) and does not
depend on the audience analysis: objectives and channels name their audiences by role and
name, linked to the audience analysis's ids when it is there and matched by name when it
arrives later. The brief's version 1 is the one that went to production (26 February
2021, after the pre-test); it is composed from whatever the campaign holds at loading.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from c4d.demo import example_data
from c4d.brief import commands as brief_commands
from c4d.brief import model as brief
from c4d.brief.compose import pretest_history
from c4d.brief.versions import versions as brief_versions

from c4d.strategy.commands import save_document
from c4d.strategy.model import (
    CHANNEL_PLAN,
    OBJECTIVES,
    AudienceOption,
    AudienceRef,
    ChannelEntry,
    ChannelPlan,
    Objective,
    ObjectiveSet,
    ref_to,
    resolve,
)
from c4d.strategy.worksheet import known_audiences
from c4d.models import Campaign
from c4d.db.store import Store



def _id(campaign: Campaign, n: int) -> str:
    """Stable ids, so every laptop that loads the example holds the same objectives."""
    return f"{campaign.id[:-6]}{900_000 + n:06d}"


def _ref(options: list[AudienceOption], role: str, name: str) -> AudienceRef:
    for option in options:
        if option.role is not None and option.role.value == role:
            return ref_to(option)
    return AudienceRef(name=name)


def _spec_ref(options: list[AudienceOption], spec: Any, names: dict[str, str]) -> AudienceRef | None:
    """An audience named in the data: a role ("primary"), or {"name": ..., "else": role or null}
    for an audience the audience analysis may have (without it, the role's audience or none)."""
    if isinstance(spec, str):
        return _ref(options, spec, names[spec])
    found = resolve(AudienceRef(name=spec["name"]), options)
    if found is not None:
        return ref_to(found)
    fallback = spec.get("else")
    return _ref(options, fallback, names[fallback]) if fallback else None


def load_strategy_demo(store: Store, campaign: Campaign) -> None:
    data: dict[str, Any] = example_data("strategy")
    options = known_audiences(store, campaign.id)
    names = {"primary": "Young women aged 18–27", "secondary": "Parents of girls and young women"}
    with store.transaction():
        if store.worksheet(campaign.id, OBJECTIVES.kind) is None:
            objectives = []
            for item in data["objectives"]:
                item = dict(item)
                n = item.pop("n")
                ref = _ref(options, item.pop("audience_role"), item.pop("audience_name"))
                item["deadline"] = date.fromisoformat(item["deadline"])
                objectives.append(Objective(id=_id(campaign, n), audience=ref, **item))
            save_document(store, campaign.id, OBJECTIVES, ObjectiveSet(objectives=objectives))
        if store.worksheet(campaign.id, CHANNEL_PLAN.kind) is None:
            entries = []
            for item in data["channels"]["entries"]:
                item = dict(item)
                n = item.pop("n")
                refs = []
                for spec in item.pop("audiences"):
                    ref = _spec_ref(options, spec, names)
                    if ref is not None and all(ref.name != r.name for r in refs):
                        refs.append(ref)
                entries.append(ChannelEntry(id=_id(campaign, 100 + n), audiences=refs, **item))
            save_document(store, campaign.id, CHANNEL_PLAN,
                          ChannelPlan(currency=data["channels"]["currency"], entries=entries))
        if store.worksheet(campaign.id, brief.KIND) is None:
            fields = dict(data["brief"])
            notes = fields.pop("revisions")
            recorded = " ".join(f"{h.what} {h.change}" for h in pretest_history(store, campaign.id))
            if "protect our dream" in recorded:  # the pre-test worksheet's example already logs the change
                notes = []
            fields["revisions"] = [
                brief.RevisionNote(id=_id(campaign, 200 + r["n"]), when=date.fromisoformat(r["when"]),
                                   what=r["what"], change=r["change"])
                for r in notes]
            brief_commands.save_fields(store, campaign.id, brief.BriefFields.model_validate(fields))
        if not brief_versions(store, campaign.id):
            # The brief as it went to production: after the pre-test, before the 5 March launch.
            brief_commands.save_version(store, campaign, note=data["version_note"],
                                        now=datetime.fromisoformat(data["version_date"]).replace(tzinfo=timezone.utc))

"""The Dream Umbrella example's pre-test (data in c4d/demo/data/pretest.json).

Two focus groups as sessions of kind pretest_fgd (Ulaanbaatar, 19 February 2021, and
Darkhan-Uul, 20 February 2021), the draft materials with their versions, one answer per
participant and material (invented, and marked as illustrative wherever results show),
and the decision log, with the slogan decision from the public reports: "Let's protect
our dream and own our destiny" dropped as confusing in both groups, "Let's be aware of,
discuss about and prevent TIP" kept.

`load_pretest_demo` is called at the end of `c4d.demo.example.load_demo`. It is idempotent: a
campaign that already has a pre-test record is left alone, and sessions already there
(by title) are reused rather than duplicated.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from c4d.demo import example_data
from c4d.pretest import model as pretest
from c4d.pretest import record
from c4d.models import Campaign, Session, SessionKind, Sex, same_name
from c4d.pretest.model import (
    CORE_CRITERIA,
    CountRow,
    Material,
    MaterialDecision,
    PretestDoc,
    PretestGroup,
    Respondent,
    Response,
)
from c4d.db.store import Store



def _id(campaign: Campaign, n: int) -> str:
    """Stable ids, so every laptop that loads the example holds the same pre-test."""
    return f"{campaign.id[:-6]}{810_000 + n:06d}"


def load_pretest_demo(store: Store, campaign: Campaign) -> bool:
    """Save the example's pre-test into the campaign; False when it already has one."""
    if store.worksheet(campaign.id, pretest.KIND) is not None:
        return False
    data = example_data("pretest")
    with store.transaction():
        sessions = _sessions(store, campaign, data["sessions"])
        doc = PretestDoc(threshold=data["threshold"], illustrative=data["illustrative"])
        materials: dict[str, Material] = {}
        for n, spec in enumerate(data["materials"], start=1):
            family = materials[spec["family"]] if "family" in spec else None
            material = Material(
                id=_id(campaign, 100 + n), family_id=family.family_id if family else "",
                version=spec.get("version", 1), type=family.type if family else spec["type"],
                title=family.title if family else spec["title"],
                language=spec.get("language", family.language if family else ""),
                purpose=spec.get("purpose", family.purpose if family else ""), text=spec.get("text", ""),
                main_message=spec.get("main_message", family.main_message if family else ""),
                changes=spec.get("changes", ""), notes=spec.get("notes", ""),
                created_on=date.fromisoformat(spec["created_on"]),
            )
            materials[spec["key"]] = material
            doc.materials.append(material)
        n = 0
        for key, spec in data["groups"].items():
            session = sessions[key]
            doc.groups.append(PretestGroup(
                session_id=session.id, method=spec["method"], composition=spec["composition"],
                counts=[CountRow(**row) for row in spec["counts"]],
                material_order=[materials[m].id for m in spec["order"]]))
            people = []
            started = datetime.combine(session.start_date, datetime.min.time(), tzinfo=timezone.utc)
            started += timedelta(hours=2)
            for i, (sex, band, role) in enumerate(data["people"][key], start=1):
                n += 1
                person = Respondent(id=_id(campaign, 1000 + n), session_id=session.id, label=f"P{i}", sex=Sex(sex),
                                    age_band=band, role=role, created_at=started)
                people.append(person)
                doc.respondents.append(person)
            for m, (material_key, rows) in enumerate(data["scores"][key].items()):
                for person, row in zip(people, rows):
                    n += 1
                    comments = dict(row.get("why", {}))
                    doc.responses.append(Response(
                        id=_id(campaign, 1000 + n), session_id=session.id, material_id=materials[material_key].id,
                        respondent_id=person.id,
                        scores={c: int(score) for c, score in zip(CORE_CRITERIA, row["s"])},
                        own_words=row["w"], coding=row["code"], comments=comments, source="paper",
                        updated_at=started + timedelta(minutes=25 * (m + 1)),
                    ))
        for i, spec in enumerate(data["decisions"], start=1):
            material = materials[spec["material"]]
            doc.decisions.append(MaterialDecision(
                id=_id(campaign, 500 + i), material_id=material.id, material=material.name, version=material.version,
                decision=spec["decision"], reason=spec["reason"], date=date.fromisoformat(spec["date"]),
                session_id=sessions[spec["session"]].id,
                recorded_at=datetime.fromisoformat(spec["date"] + "T10:00:00+00:00") + timedelta(minutes=i)))
        record.save(store, campaign.id, doc)
    return True


def _sessions(store: Store, campaign: Campaign, specs: list[dict]) -> dict[str, Session]:
    existing = store.sessions(campaign.id)
    found: dict[str, Session] = {}
    for n, spec in enumerate(specs, start=1):
        spec = dict(spec)
        key = spec.pop("key")
        same = next((s for s in existing if same_name(s.title, spec["title"])), None)
        found[key] = same or store.add_session(Session(id=_id(campaign, n), campaign_id=campaign.id,
                                                       kind=SessionKind.pretest_fgd, **spec))
    return found

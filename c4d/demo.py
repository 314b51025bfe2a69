"""The Dream Umbrella example campaign (Mongolia, 2020–2021), built from public facts.

Loading it twice returns the campaign already there. Participant names are invented
and marked as examples; vote counts are illustrative and say so.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from c4d.models import Campaign, Decision, Participant, Session
from c4d.store import NotFound, Store

DEMO_ID = "d7ea3a0b5e11a000000000000000c4d1"
DATA_FILE = Path(__file__).resolve().parent.parent / "assets" / "demo" / "dream-umbrella.json"


def _ids(n: int) -> str:
    """Stable ids, so two laptops that load the example hold the same campaign."""
    return f"{DEMO_ID[:-6]}{n:06d}"


def _register(session: Session, spec: dict) -> list[Participant]:
    women = iter(spec["given_names_women"] * 3)
    men = iter(spec["given_names_men"] * 3)
    people: list[Participant] = []
    n = 0
    for group in spec["groups"]:
        for sex, count in (("woman", group["women"]), ("man", group["men"])):
            for _ in range(count):
                n += 1
                given = next(women) if sex == "woman" else next(men)
                # A few came only on one of the two days, as happens in real workshops.
                attendance = [1] if n in (7, 23) else [2] if n == 31 else [1, 2]
                people.append(Participant(
                    id=_ids(1000 + n), session_id=session.id,
                    name=f"{given} Example-{n:02d}", organisation=group["organisation"],
                    org_type=group["org_type"], sex=sex,
                    contact="", consent_to_list=n % 3 != 0, attendance=attendance,
                ))
    return people


def load_demo(store: Store) -> Campaign:
    try:
        return store.campaign(DEMO_ID)
    except NotFound:
        pass
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    campaign = store.create_campaign(Campaign(id=DEMO_ID, created_at=datetime.fromisoformat("2020-06-01T00:00:00+00:00"), **data["campaign"]))
    sessions = []
    for n, item in enumerate(data["sessions"], start=1):
        sessions.append(store.add_session(Session(id=_ids(n), campaign_id=campaign.id, **item)))
    ppcd = sessions[0]
    store.add_participants(_register(ppcd, data["ppcd_register"]))
    for n, item in enumerate(data["decisions"], start=1):
        store.add_decision(Decision(id=_ids(500 + n), campaign_id=campaign.id, session_id=ppcd.id, **item))
    return campaign

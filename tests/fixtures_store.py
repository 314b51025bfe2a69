"""Small builders for store, backup and command-line tests (plain functions, so any test
module can import them without touching the shared conftest)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import text

from c4d.models import Campaign, Decision, DecisionTopic, OrgType, Participant, Session, SessionKind, Sex
from c4d.db.store import Store

TABLES = ("campaigns", "sessions", "participants", "decisions", "worksheets", "attachments")


def add_campaign(store: Store, name: str = "Safe Migration", **fields: Any) -> Campaign:
    return store.create_campaign(Campaign(name=name, **fields))


def add_session(store: Store, campaign: Campaign, title: str = "PPCD workshop", *,
                start: date = date(2020, 6, 18), end: date | None = None,
                kind: SessionKind = SessionKind.ppcd, **fields: Any) -> Session:
    return store.add_session(Session(campaign_id=campaign.id, kind=kind, title=title,
                                     start_date=start, end_date=end or start, **fields))


def person(session: Session, organisation: str = "Ministry of Justice", *, name: str = "",
           sex: Sex = Sex.woman, org_type: OrgType = OrgType.government,
           attendance: list[int] | None = None, **fields: Any) -> Participant:
    return Participant(session_id=session.id, organisation=organisation, name=name, sex=sex,
                       org_type=org_type, attendance=attendance if attendance is not None else [1], **fields)


def decision(campaign: Campaign, session: Session | None = None, *, topic: DecisionTopic = DecisionTopic.trend,
             choice: str = "Sexual exploitation", when: datetime | None = None, **fields: Any) -> Decision:
    return Decision(campaign_id=campaign.id, session_id=session.id if session else None, topic=topic,
                    choice=choice, decided_at=when or datetime(2020, 6, 18, 10, tzinfo=timezone.utc), **fields)


def row_counts(store: Store) -> dict[str, int]:
    """How many rows each table holds: to show that a refused change changed nothing."""
    with store.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() for table in TABLES}

"""The tables: what is kept, one class per table.

The rows hold the pydantic models of `c4d.models` and of the tools' model files, mostly
as JSON documents validated by their model when read (see store.py). No query lives
here: the general store is `c4d.db.store`, the phones' hot path `c4d.db.phone_path`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class CampaignRow(Base):
    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    organisers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    participant_language: Mapped[str] = mapped_column(String(16), default="en")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("campaign_id", "slug"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    facilitators: Mapped[list[Any]] = mapped_column(JSON, default=list)
    agenda: Mapped[list[Any]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


class ParticipantRow(Base):
    __tablename__ = "participants"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(32))
    sex: Mapped[str] = mapped_column(String(32))
    contact: Mapped[str] = mapped_column(String(200), default="")
    consent_to_list: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance: Mapped[list[Any]] = mapped_column(JSON, default=list)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True)
    topic: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(200), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    breakdown: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ballot_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    turnout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    eligible: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorksheetRow(Base):
    """One worksheet's content for one campaign, as the worksheet model's JSON."""

    __tablename__ = "worksheets"
    __table_args__ = (UniqueConstraint("campaign_id", "kind"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttachmentRow(Base):
    """A file a worksheet keeps (a draft poster, a logo): backed up in the zip form."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True, nullable=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RemovedRow(Base):
    """Something removed today that can be put back (`c4d.removed`): the item as it was,
    and a removed material's file when nothing else kept it. Not part of a backup.
    (Databases made before this get the table when a store opens them: create_all.)"""

    __tablename__ = "removed_items"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(300))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    file: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    removed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SettingRow(Base):
    """Machine-wide settings (passcode hash, organisation logo, translations)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)


# ---- live participation ---------------------------------------------------------------
class BallotRow(Base):
    __tablename__ = "ballots"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class VoteRow(Base):
    """The one standing vote of a voter on a ballot: a new vote replaces it.

    Indexed only by its id and by (ballot, voter), which also serves every look-up by
    ballot: each index is one more page written with every vote, while phones wait. A
    look-up by campaign (backups, deleting a campaign) reads the whole table, a few
    thousand rows at most. (Databases made before this had two more indexes: see
    RETIRED_INDEXES.)"""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("ballot_id", "voter_key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HandCountRow(Base):
    __tablename__ = "hand_counts"
    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class IdeaRow(Base):
    __tablename__ = "ideas"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LiveRow(Base):
    __tablename__ = "live_sessions"
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class CardRow(Base):
    __tablename__ = "voter_cards"
    __table_args__ = (UniqueConstraint("session_id", "code"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


# Indexes earlier versions made, dropped when a store opens such a database (see VoteRow).
RETIRED_INDEXES = {"votes": ("ix_votes_ballot_id", "ix_votes_campaign_id")}

LIVE_TABLES = (VoteRow, HandCountRow, IdeaRow, CardRow, LiveRow, BallotRow)  # children first

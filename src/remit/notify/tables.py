"""Where notifications stand: the channels people added in the app, what they want to receive, which outbox
messages were expanded, and each delivery (one message to one channel) with its state. The outbox row
itself (``kernel.tables.OutboxRow``) is never changed.

A delivery's ``state``: ``held`` (waiting for a digest), ``pending`` (due at ``due_at``), ``sending`` (claimed
by a worker until ``lease_until``; a lease that runs out makes it claimable again), ``sent``, ``dead`` (it
kept failing: ``remit notify retry`` sends it again), ``digested`` (sent inside digest ``digest_id``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from remit.kernel.tables import Base, one_of
from remit.notify.channels import Digest, Kind


class State(StrEnum):
    HELD = "held"
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    DIGESTED = "digested"


class ChannelRow(Base):
    """A channel a person added in the app (their roster channels are in the charter file)."""

    __tablename__ = "notify_channels"
    __table_args__ = (Index("ix_notify_channels_person", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    url: Mapped[str] = mapped_column(Text)
    shown: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class PreferenceRow(Base):
    """What a person wants to receive; no row: everything, at once."""

    __tablename__ = "notify_preferences"
    __table_args__ = (one_of("notify_preferences", "digest", Digest),)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    topics: Mapped[list[Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime]


class ExpandedRow(Base):
    """An outbox message a worker has turned into deliveries (in the transaction that wrote them)."""

    __tablename__ = "notify_expanded"
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    expanded_at: Mapped[datetime]
    deliveries: Mapped[int]


class DeliveryRow(Base):
    __tablename__ = "notify_deliveries"
    __table_args__ = (
        Index("ix_notify_deliveries_due", "state", "due_at"),
        Index("ix_notify_deliveries_team", "team_id", "state"),
        one_of("notify_deliveries", "state", State),
        one_of("notify_deliveries", "kind", Kind),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # sent with it: a receiver drops a repeat
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))  # None: a digest
    recipient: Mapped[str | None] = mapped_column(String(100))  # a handle; None: the team's channel
    url: Mapped[str] = mapped_column(Text)
    shown: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    message: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    lease: Mapped[str | None] = mapped_column(String(32))  # the claim that holds it
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("notify_deliveries.id"))

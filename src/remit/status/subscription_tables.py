"""The status page's subscribers and each team's link key. An address is kept as given (it is where the
notices go) with its digest (``address_key``: one row per address and team); the link secrets only as
SHA-256 digests (``status/subscriptions.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remit.kernel.tables import Base, one_of
from remit.status.subscriptions import Kind, State


class SubscriptionRow(Base):
    __tablename__ = "status_subscriptions"
    __table_args__ = (
        UniqueConstraint("team_id", "address_key", name="uq_status_subscriptions_address"),
        Index("ix_status_subscriptions_state", "team_id", "state"),
        one_of("status_subscriptions", "kind", Kind),
        one_of("status_subscriptions", "state", State),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    kind: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text)
    address_key: Mapped[str] = mapped_column(String(64))
    shown: Mapped[str] = mapped_column(String(300))
    components: Mapped[list[Any]] = mapped_column(JSON)  # empty: every public component
    state: Mapped[str] = mapped_column(String(10))
    confirm_digest: Mapped[str | None] = mapped_column(String(64))  # None once confirmed or ended
    unsubscribe_salt: Mapped[str] = mapped_column(String(64))
    unsubscribe_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    asked_at: Mapped[datetime]  # the last time a confirmation was sent
    expires_at: Mapped[datetime | None]  # a pending subscription's confirmation link stops working then
    confirmed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class LinkKeyRow(Base):
    """The key a team's confirm and unsubscribe links are signed with (HMAC-SHA256), made on first use."""

    __tablename__ = "status_link_keys"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

"""The store's base: the declarative base, aware UTC datetimes, the check-constraint helpers, and the
tables every capability shares (teams with their audit chain's head, the audit log, idempotency keys).

Every column that holds a closed vocabulary is checked by the database against the domain's enum (see
migration 0005)."""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from remit.kernel.audit_kinds import AuditKind

NAME_CHARACTERS = string.ascii_lowercase + string.digits + "-"


def one_of(table: str, column: str, values: Iterable[str]) -> CheckConstraint:
    """``column`` holds one of ``values`` (or NULL, where the column allows it)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


def a_name(table: str, column: str, max_length: int) -> CheckConstraint:
    """``column`` is a name: lowercase letters, digits and dashes, not starting with a dash (the domain's
    ``BASIS_NAME``). Written with ``length``, two-argument ``trim`` and ``LIKE``, which SQLite and PostgreSQL
    both have, rather than a regular expression, which SQLite lacks."""
    return CheckConstraint(
        f"length({column}) BETWEEN 1 AND {max_length} AND trim({column}, '{NAME_CHARACTERS}') = '' "
        f"AND {column} NOT LIKE '-%'",
        name=f"ck_{table}_{column}",
    )


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which stores naive) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


def table_of(row: type[Base]) -> Table:
    """The Core table a class maps. A statement on its columns runs without the ORM's machinery (no objects
    to build, track or flush): the hot paths read and write with these."""
    table = row.__table__
    if not isinstance(table, Table):  # pragma: no cover - every class here maps one table
        raise TypeError(f"{row.__name__} does not map a table")
    return table


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    decision_seq: Mapped[int] = mapped_column(Integer, default=0)


class AuditRow(Base):
    """Append-only and hash-chained per team: each row's hash covers its content and the previous hash."""

    __tablename__ = "audit_log"
    __table_args__ = (
        UniqueConstraint("team_id", "seq"),
        Index("ix_audit_decision", "decision_id"),
        one_of("audit_log", "kind", AuditKind),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    seq: Mapped[int]
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyRow(Base):
    """The stored answer to a write sent with an Idempotency-Key, written in the write's own transaction."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("person_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class OutboxRow(Base):
    """A message to deliver (``kernel/messages.py``), written in the transaction of the change that caused it.
    The ``notify`` capability delivers it after commit and keeps each delivery's state in tables of its own;
    this row is never changed."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_team", "team_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    created_at: Mapped[datetime]
    topic: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str | None] = mapped_column(String(100))  # a person's handle; NULL: the team's channels
    message: Mapped[dict[str, Any]] = mapped_column(JSON)


# The tables as Core sees them, for the statements of the write path (no ORM object built, tracked or flushed).
TEAMS = table_of(TeamRow)
AUDIT_LOG = table_of(AuditRow)
OUTBOX = table_of(OutboxRow)

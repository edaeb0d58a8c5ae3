"""SQLAlchemy 2 tables. Only ``store/`` and ``services/`` import this; the domain never does.

Every column that holds a closed vocabulary (a state, a stance, a kind) is checked by the database against
the domain's enum, and a basis against the shape of a name: a row the domain could not read is refused
at the door. Widening one of these enums needs a migration that widens its check (see 0005)."""

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
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from remit.audit_kinds import AuditKind
from remit.decisions.model import Stance, State
from remit.decisions.notices import NoticeEvent, NoticeKind
from remit.decisions.waiting import WaitKind

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


class TeamRow(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    decision_seq: Mapped[int] = mapped_column(Integer, default=0)


class CharterVersionRow(Base):
    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("team_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    adopted_at: Mapped[datetime]
    decision_id: Mapped[int | None]  # the charter decision that adopted it (no FK: the tables refer to each other)


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "handle"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    handle: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        Index("ix_decisions_team_state", "team_id", "state"),
        Index("ix_decisions_team_proposer_state", "team_id", "proposer_id", "state"),
        one_of("decisions", "state", State),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    number: Mapped[int]
    domain: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    proposer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    charter_version_id: Mapped[int] = mapped_column(ForeignKey("charter_versions.id"))
    state: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    deadline: Mapped[datetime | None]
    opened_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    resolution: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    proposed_charter: Mapped[str | None] = mapped_column(Text)


class RevisionRow(Base):
    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("decision_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    context: Mapped[str] = mapped_column(Text, default="")
    must_go: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]


class PositionRow(Base):
    __tablename__ = "positions"
    __table_args__ = (
        Index("ix_positions_decision", "decision_id", "revision"),
        one_of("positions", "stance", Stance),
        a_name("positions", "basis", 50),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    revision: Mapped[int]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    stance: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime]


class EvidenceRow(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_decision", "decision_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    revision: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    recorded_at: Mapped[datetime]


class RuleRow(Base):
    __tablename__ = "rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    domain: Mapped[str] = mapped_column(String(100))
    because: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    go: Mapped[list[Any]] = mapped_column(JSON, default=list)
    origin_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class DecisionRuleRow(Base):
    __tablename__ = "decision_rules"
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"), primary_key=True)


class CrossingRow(Base):
    __tablename__ = "crossings"
    __table_args__ = (
        Index("ix_crossings_team_domain", "team_id", "domain"),
        Index("ix_crossings_decision", "decision_id"),
        a_name("crossings", "basis", 50),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    domain: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50))
    basis: Mapped[str | None] = mapped_column(String(50))
    why: Mapped[str] = mapped_column(Text)
    refused: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime]


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


class DecisionWaitRow(Base):
    """Who an open or blocked decision is waiting on, one row per role or person: the index behind every
    queue. Rewritten with each resolution; a settled decision waits on nobody."""

    __tablename__ = "decision_waits"
    __table_args__ = (
        Index("ix_waits_team_role", "team_id", "role", "decision_id"),
        Index("ix_waits_team_person", "team_id", "person_id", "decision_id"),
        Index("ix_waits_decision", "decision_id"),
        one_of("decision_waits", "kind", WaitKind),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    kind: Mapped[str] = mapped_column(String(20))  # a WaitKind
    role: Mapped[str | None] = mapped_column(String(50))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    what: Mapped[str] = mapped_column(String(200), default="")


class CredentialRow(Base):
    """A person's password, as an argon2id hash; never the password itself."""

    __tablename__ = "credentials"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class WebSessionRow(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiTokenRow(Base):
    """A person's token for scripts and pipelines: stored as a SHA-256 digest, shown once, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_person", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginLinkRow(Base):
    """A one-time sign-in link (for a first sign-in or a forgotten password)."""

    __tablename__ = "login_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


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


class NoticeRow(Base):
    """A consulted person asked, or an informed person told, about a decision; ``seen_at`` is when they
    opened it. This is how the record says whether they were reached."""

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_person_seen", "person_id", "seen_at"),
        Index("ix_notices_decision", "decision_id"),
        # a person's unseen notices, newest first, straight from the index (the queue shows them)
        Index(
            "ix_notices_person_unseen",
            "person_id",
            "id",
            postgresql_where=text("seen_at IS NULL"),
            sqlite_where=text("seen_at IS NULL"),
        ),
        one_of("notices", "kind", NoticeKind),
        one_of("notices", "event", NoticeEvent),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(10))  # a NoticeKind: asked (consulted) or told (informed)
    event: Mapped[str] = mapped_column(String(20))  # a NoticeEvent: opened, or the state it moved to
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime | None]

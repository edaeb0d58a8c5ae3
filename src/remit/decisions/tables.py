"""The decisions' tables: decisions, revisions, positions, evidence, rules, the queue index and notices.

Every column that holds a closed vocabulary is checked by the database against the domain's enum (see
migration 0005)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from remit.decisions.model import Stance, State
from remit.decisions.notices import NoticeEvent, NoticeKind
from remit.decisions.waiting import WaitKind
from remit.kernel.tables import Base, a_name, one_of, table_of


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


class NoticeRow(Base):
    """A consulted person asked, or an informed person told, about a decision; ``seen_at`` is when they
    opened it. This is how the record says whether they were reached."""

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_person_seen", "person_id", "seen_at"),
        Index("ix_notices_decision", "decision_id"),
        # a person's unseen notices, newest first, straight from the index (the queue shows them). The index is
        # partial, WHERE seen_at IS NULL, on both databases: migration 0004 makes it so. The model does not
        # repeat the WHERE: a postgresql_where here loads SQLAlchemy's PostgreSQL dialect in every process
        # that declares this table, SQLite's included (a fifth of `remit gate`'s start, bench/cli_startup.py).
        Index("ix_notices_person_unseen", "person_id", "id"),
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


# The tables as Core sees them: the write path's statements use their columns, so no ORM object is built,
# tracked or flushed for them (``decisions/acting.py``).
DECISIONS = table_of(DecisionRow)
REVISIONS = table_of(RevisionRow)
POSITIONS = table_of(PositionRow)
EVIDENCE = table_of(EvidenceRow)
RULES = table_of(RuleRow)
DECISION_RULES = table_of(DecisionRuleRow)
WAITS = table_of(DecisionWaitRow)
NOTICES = table_of(NoticeRow)

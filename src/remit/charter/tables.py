"""The charter's tables: adopted versions, the roster's people, and boundary crossings.

Every column that holds a closed vocabulary is checked by the database against the domain's enum (see
migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from remit.kernel.tables import Base, a_name, table_of


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
    time_zone: Mapped[str | None] = mapped_column(String(64))  # their own choice (None: the team's)


class CrossingRow(Base):
    __tablename__ = "crossings"
    __table_args__ = (
        Index("ix_crossings_team_domain", "team_id", "domain"),
        Index("ix_crossings_decision", "decision_id"),
        Index("ix_crossings_incident", "incident_id"),
        a_name("crossings", "basis", 50),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    domain: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50))
    basis: Mapped[str | None] = mapped_column(String(50))
    why: Mapped[str] = mapped_column(Text)
    refused: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime]


# The tables as Core sees them, for the statements of the write path (no ORM object built, tracked or flushed).
CHARTER_VERSIONS = table_of(CharterVersionRow)
PEOPLE = table_of(PersonRow)

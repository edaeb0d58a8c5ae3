"""The status page's own tables: components' states set by hand (each change kept: the uptime bar reads
them), maintenances and their lines. Each closed vocabulary is checked by the database."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remit.kernel.tables import Base, one_of
from remit.status.maintenance import MaintenanceStatus


class ComponentStatus(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class ComponentStateRow(Base):
    """A component's state as the team set it, from ``at`` until the next row for it."""

    __tablename__ = "status_component_states"
    __table_args__ = (
        Index("ix_status_component_states_team", "team_id", "component", "id"),
        one_of("status_component_states", "status", ComponentStatus),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    component: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))


class MaintenanceRow(Base):
    __tablename__ = "maintenances"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        Index("ix_maintenances_team_until", "team_id", "scheduled_until"),
        one_of("maintenances", "status", MaintenanceStatus),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    components: Mapped[list[Any]] = mapped_column(JSON)
    scheduled_for: Mapped[datetime]
    scheduled_until: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    started_at: Mapped[datetime | None]  # moved to in_progress by hand
    ended_at: Mapped[datetime | None]  # completed or cancelled by hand


class MaintenanceUpdateRow(Base):
    """A line of a maintenance: ``public`` lines go on the status page; the rest are the team's notes."""

    __tablename__ = "maintenance_updates"
    __table_args__ = (
        Index("ix_maintenance_updates_maintenance", "maintenance_id", "id"),
        one_of("maintenance_updates", "status", MaintenanceStatus),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    maintenance_id: Mapped[int] = mapped_column(ForeignKey("maintenances.id"))
    at: Mapped[datetime]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=False)

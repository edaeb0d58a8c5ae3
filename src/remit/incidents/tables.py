"""The incidents' tables: each incident, its timeline, and what it asked or told people in the app.

Every column that holds a closed vocabulary is checked by the database against the domain's enum."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remit.incidents.model import Severity, Status, UpdateKind
from remit.incidents.notices import NoticeEvent, NoticeKind
from remit.kernel.tables import Base, one_of


class IncidentRow(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        Index("ix_incidents_team_status", "team_id", "status"),
        one_of("incidents", "severity", Severity),
        one_of("incidents", "status", Status),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    components: Mapped[list[Any]] = mapped_column(JSON)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    commander_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    impact: Mapped[str | None] = mapped_column(Text)
    impact_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    impact_at: Mapped[datetime | None]
    postmortem_url: Mapped[str | None] = mapped_column(String(2000))


class IncidentUpdateRow(Base):
    """A line of the timeline. ``public`` lines may be shown on the public status page; the rest are internal."""

    __tablename__ = "incident_updates"
    __table_args__ = (
        Index("ix_incident_updates_incident", "incident_id", "id"),
        one_of("incident_updates", "kind", UpdateKind),
        one_of("incident_updates", "status", Status),
        one_of("incident_updates", "severity", Severity),
        one_of("incident_updates", "status_from", Status),
        one_of("incident_updates", "severity_from", Severity),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[datetime]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    status_from: Mapped[str | None] = mapped_column(String(20))
    severity_from: Mapped[str | None] = mapped_column(String(10))


class IncidentNoticeRow(Base):
    """An incident asked (the customer-impact consult) or told (opened, severity, status) a person in the app;
    seen when they open the incident."""

    __tablename__ = "incident_notices"
    __table_args__ = (
        Index("ix_incident_notices_person_unseen", "person_id", "seen_at"),
        Index("ix_incident_notices_incident", "incident_id"),
        one_of("incident_notices", "kind", NoticeKind),
        one_of("incident_notices", "event", NoticeEvent),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime | None]

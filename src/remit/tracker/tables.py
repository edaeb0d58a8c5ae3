"""The board's tables: each team's imported issues, and whether the team publishes its board."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remit.integrations.issues import Category, Source
from remit.kernel.tables import Base, one_of


class TrackedIssueRow(Base):
    """One issue of one tracker, kept as its last import read it. ``search`` holds its key, title, labels,
    components, customer and assignee in lower case (one LIKE finds a word in any of them, on SQLite and
    PostgreSQL alike); ``label_index`` and ``component_index`` hold ``|name|name|`` for exact filters."""

    __tablename__ = "tracked_issues"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "key", name="uq_tracked_issues_key"),
        Index("ix_tracked_issues_board", "team_id", "updated_at"),
        one_of("tracked_issues", "source", Source),
        one_of("tracked_issues", "category", Category),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    source: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(200))
    labels: Mapped[list[Any]] = mapped_column(JSON)
    components: Mapped[list[Any]] = mapped_column(JSON)
    priority: Mapped[str | None] = mapped_column(String(200))
    customer: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    search: Mapped[str] = mapped_column(Text)
    label_index: Mapped[str] = mapped_column(Text)
    component_index: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]  # the import that last changed it


class BugBoardRow(Base):
    """A team's board settings; no row: not published."""

    __tablename__ = "bug_boards"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(100))


class BugIncidentRow(Base):
    """A bug of the board linked to one incident of the team (at most one: linking again moves it). Kept by
    the issue's row, which a re-import updates in place: the link outlives every re-import."""

    __tablename__ = "bug_incidents"
    __table_args__ = (Index("ix_bug_incidents_incident", "team_id", "incident_id"),)
    issue_id: Mapped[int] = mapped_column(ForeignKey("tracked_issues.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    linked_at: Mapped[datetime]
    linked_by: Mapped[str] = mapped_column(String(100))

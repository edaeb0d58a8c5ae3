"""the status page's model: components set by hand, scheduled maintenance

The ``status`` capability's tables: ``status_component_states`` (each state a component was set to by hand,
kept in order: the uptime bar reads the history), ``maintenances`` and ``maintenance_updates`` (public lines
and internal notes). Three new audit kinds: ``ComponentStatusSet``, ``MaintenanceScheduled`` and
``MaintenanceUpdated``; the check on ``audit_log.kind`` is widened to take them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks, kinds

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COMPONENT = ("operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance")
MAINTENANCE = ("scheduled", "in_progress", "verifying", "completed", "cancelled")


def upgrade() -> None:
    op.create_table(
        "status_component_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("component", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.CheckConstraint(checks.one_of("status", COMPONENT), name="ck_status_component_states_status"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_status_component_states_team", "status_component_states", ["team_id", "component", "id"], unique=False
    )
    op.create_table(
        "maintenances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scheduled_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(checks.one_of("status", MAINTENANCE), name="ck_maintenances_status"),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number"),
    )
    op.create_index("ix_maintenances_team_until", "maintenances", ["team_id", "scheduled_until"], unique=False)
    op.create_table(
        "maintenance_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("maintenance_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.CheckConstraint(checks.one_of("status", MAINTENANCE), name="ck_maintenance_updates_status"),
        sa.ForeignKeyConstraint(["maintenance_id"], ["maintenances.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_maintenance_updates_maintenance", "maintenance_updates", ["maintenance_id", "id"], unique=False)
    kinds.widen("0012")


def downgrade() -> None:
    kinds.narrow("0012")
    op.drop_index("ix_maintenance_updates_maintenance", table_name="maintenance_updates")
    op.drop_table("maintenance_updates")
    op.drop_index("ix_maintenances_team_until", table_name="maintenances")
    op.drop_table("maintenances")
    op.drop_index("ix_status_component_states_team", table_name="status_component_states")
    op.drop_table("status_component_states")

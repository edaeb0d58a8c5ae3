"""incidents

Incidents (``incidents``), their timelines of public and internal updates (``incident_updates``) and what
they asked or told people in the app (``incident_notices``); a boundary crossing may now be on an incident
(``crossings.incident_id``). Five new audit kinds (``IncidentOpened``, ``IncidentUpdated``,
``CommanderNamed``, ``ImpactAnswered``, ``PostmortemLinked``): the check on ``audit_log.kind`` is widened
to take them (on SQLite the batch operation copies the table with the wider check, every row and hash kept).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 05:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks, kinds

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SEVERITIES = ("sev1", "sev2", "sev3", "sev4")
STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
KINDS = ("opened", "update", "commander", "impact", "postmortem")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("commander_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("impact_by_id", sa.Integer(), nullable=True),
        sa.Column("impact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("postmortem_url", sa.String(length=2000), nullable=True),
        sa.CheckConstraint(checks.one_of("severity", SEVERITIES), name="ck_incidents_severity"),
        sa.CheckConstraint(checks.one_of("status", STATUSES), name="ck_incidents_status"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["opened_by_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["commander_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["impact_by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number"),
    )
    op.create_index("ix_incidents_team_status", "incidents", ["team_id", "status"], unique=False)
    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status_from", sa.String(length=20), nullable=True),
        sa.Column("severity_from", sa.String(length=10), nullable=True),
        sa.CheckConstraint(checks.one_of("kind", KINDS), name="ck_incident_updates_kind"),
        sa.CheckConstraint(checks.one_of("status", STATUSES), name="ck_incident_updates_status"),
        sa.CheckConstraint(checks.one_of("severity", SEVERITIES), name="ck_incident_updates_severity"),
        sa.CheckConstraint(checks.one_of("status_from", STATUSES), name="ck_incident_updates_status_from"),
        sa.CheckConstraint(checks.one_of("severity_from", SEVERITIES), name="ck_incident_updates_severity_from"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_updates_incident", "incident_updates", ["incident_id", "id"], unique=False)
    op.create_table(
        "incident_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(checks.one_of("kind", ("asked", "told")), name="ck_incident_notices_kind"),
        sa.CheckConstraint(
            checks.one_of("event", ("opened", "severity", "status", "resolved", "commander")),
            name="ck_incident_notices_event",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_notices_person_unseen", "incident_notices", ["person_id", "seen_at"], unique=False)
    op.create_index("ix_incident_notices_incident", "incident_notices", ["incident_id"], unique=False)
    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_crossings_incident_id_incidents", "incidents", ["incident_id"], ["id"])
        batch_op.create_index("ix_crossings_incident", ["incident_id"], unique=False)
    kinds.widen("0010")


def downgrade() -> None:
    kinds.narrow("0010")
    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.drop_index("ix_crossings_incident")
        batch_op.drop_constraint("fk_crossings_incident_id_incidents", type_="foreignkey")
        batch_op.drop_column("incident_id")
    op.drop_index("ix_incident_notices_incident", table_name="incident_notices")
    op.drop_index("ix_incident_notices_person_unseen", table_name="incident_notices")
    op.drop_table("incident_notices")
    op.drop_index("ix_incident_updates_incident", table_name="incident_updates")
    op.drop_table("incident_updates")
    op.drop_index("ix_incidents_team_status", table_name="incidents")
    op.drop_table("incidents")

"""bugs linked to incidents

The ``tracker`` capability's ``bug_incidents``: a bug of the board linked to one incident of its team, kept by
the issue's row (a re-import updates that row in place, so the link stays). Two new audit kinds, ``BugLinked``
and ``BugUnlinked``; the check on ``audit_log.kind`` is widened to take them.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-01 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import kinds

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bug_incidents",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["issue_id"], ["tracked_issues.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("issue_id"),
    )
    op.create_index("ix_bug_incidents_incident", "bug_incidents", ["team_id", "incident_id"], unique=False)
    kinds.widen("0014")


def downgrade() -> None:
    kinds.narrow("0014")
    op.drop_index("ix_bug_incidents_incident", table_name="bug_incidents")
    op.drop_table("bug_incidents")

"""the bug board

The ``tracker`` capability's tables: ``tracked_issues`` (each team's imported issues, one row per source and
key) and ``bug_boards`` (whether a team publishes its board). Three new audit kinds: ``IssuesImported`` (one
per import), ``BugBoardPublished`` and ``BugBoardUnpublished``; the check on ``audit_log.kind`` is widened to
take them (on SQLite the batch operation copies the table, every row and hash kept as it is).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks, kinds

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracked_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("priority", sa.String(length=200), nullable=True),
        sa.Column("customer", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("label_index", sa.Text(), nullable=False),
        sa.Column("component_index", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(checks.one_of("source", ("github", "jira")), name="ck_tracked_issues_source"),
        sa.CheckConstraint(
            checks.one_of("category", ("open", "in-progress", "done")), name="ck_tracked_issues_category"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "source", "key", name="uq_tracked_issues_key"),
    )
    op.create_index("ix_tracked_issues_board", "tracked_issues", ["team_id", "updated_at"], unique=False)
    op.create_table(
        "bug_boards",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("team_id"),
    )
    kinds.widen("0011")


def downgrade() -> None:
    kinds.narrow("0011")
    op.drop_table("bug_boards")
    op.drop_index("ix_tracked_issues_board", table_name="tracked_issues")
    op.drop_table("tracked_issues")

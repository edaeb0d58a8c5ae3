"""messages in the outbox

What Remit tells or asks beyond the app (``kernel/messages.py``) is written to ``outbox`` in the transaction
of the change that caused it; the ``notify`` capability delivers it after commit.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 05:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=True),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_team", "outbox", ["team_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_team", table_name="outbox")
    op.drop_table("outbox")

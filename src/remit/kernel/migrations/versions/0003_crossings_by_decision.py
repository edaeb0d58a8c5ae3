"""crossings by decision

Showing a decision (and the release gate, which shows it) reads its boundary crossings by decision id;
without this index that read scanned every crossing the team ever recorded.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:00:00.000000
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.create_index("ix_crossings_decision", ["decision_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crossings", schema=None) as batch_op:
        batch_op.drop_index("ix_crossings_decision")

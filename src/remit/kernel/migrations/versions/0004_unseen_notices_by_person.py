"""unseen notices by person

The queue lists a person's unseen notices, newest first. With only (person_id, seen_at) to go on,
PostgreSQL walked the notices table backwards from the newest row, filtering, until it had a page: for
someone who has seen nearly everything that is most of the table. This partial index holds just the unseen
ones, per person, in id order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 09:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notices_person_unseen",
            ["person_id", "id"],
            unique=False,
            postgresql_where=sa.text("seen_at IS NULL"),
            sqlite_where=sa.text("seen_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_person_unseen")

"""time zones

Each person may choose the time zone they read and write times in: ``people.time_zone`` (an IANA name, or
NULL for the team's, which the charter's ``[team] time_zone`` gives). Choosing one is recorded as a new
audit kind, ``TimeZoneSet``: the check on ``audit_log.kind`` is widened to take it (on SQLite the batch
operation copies the table into a new one with the wider check, every row and hash kept as it is).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 05:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import kinds

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    kinds.widen("0008")


def downgrade() -> None:
    kinds.narrow("0008")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("time_zone")

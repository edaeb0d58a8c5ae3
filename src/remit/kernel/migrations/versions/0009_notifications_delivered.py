"""notifications delivered

The ``notify`` capability's tables: the channels people add in the app (``notify_channels``), what they want
to receive (``notify_preferences``), which outbox messages were expanded (``notify_expanded``) and each
delivery of a message to a channel, with its state, lease and attempts (``notify_deliveries``). Four new
audit kinds (``ChannelAdded``, ``ChannelRemoved``, ``NotifyPreferencesSet``, ``DeliveryRequeued``) widen the
check on ``audit_log.kind``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 06:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks, kinds

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = ("held", "pending", "sending", "sent", "dead", "digested")
KINDS = ("slack", "email", "json", "apprise")
DIGESTS = ("off", "hourly", "daily")


def upgrade() -> None:
    kinds.widen("0009")
    op.create_table(
        "notify_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("shown", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notify_channels_person", "notify_channels", ["person_id"], unique=False)
    op.create_table(
        "notify_preferences",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(checks.one_of("digest", DIGESTS), name="ck_notify_preferences_digest"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "notify_expanded",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("expanded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.PrimaryKeyConstraint("outbox_id"),
    )
    op.create_table(
        "notify_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=100), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("shown", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease", sa.String(length=32), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(checks.one_of("state", STATES), name="ck_notify_deliveries_state"),
        sa.CheckConstraint(checks.one_of("kind", KINDS), name="ck_notify_deliveries_kind"),
        sa.ForeignKeyConstraint(["digest_id"], ["notify_deliveries.id"]),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_notify_deliveries_due", "notify_deliveries", ["state", "due_at"], unique=False)
    op.create_index("ix_notify_deliveries_team", "notify_deliveries", ["team_id", "state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notify_deliveries_team", table_name="notify_deliveries")
    op.drop_index("ix_notify_deliveries_due", table_name="notify_deliveries")
    op.drop_table("notify_deliveries")
    op.drop_table("notify_expanded")
    op.drop_table("notify_preferences")
    op.drop_index("ix_notify_channels_person", table_name="notify_channels")
    op.drop_table("notify_channels")
    kinds.narrow("0009")

"""status page subscriptions

``status_subscriptions`` (who asked for the status page's notices: an email address or a webhook URL, the
components chosen, pending / confirmed / ended, the link secrets as SHA-256 digests) and ``status_link_keys``
(each team's key for signing confirm and unsubscribe links). Four new audit kinds: ``StatusSubscribed``,
``StatusSubscriptionConfirmed``, ``StatusUnsubscribed``, ``StatusSubscriberRemoved``.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks, kinds

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.String(length=300), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("confirm_digest", sa.String(length=64), nullable=True),
        sa.Column("unsubscribe_salt", sa.String(length=64), nullable=False),
        sa.Column("unsubscribe_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(checks.one_of("kind", ("email", "webhook")), name="ck_status_subscriptions_kind"),
        sa.CheckConstraint(
            checks.one_of("state", ("pending", "confirmed", "ended")), name="ck_status_subscriptions_state"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "address_key", name="uq_status_subscriptions_address"),
    )
    op.create_index("ix_status_subscriptions_state", "status_subscriptions", ["team_id", "state"], unique=False)
    op.create_table(
        "status_link_keys",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("team_id"),
    )
    kinds.widen("0013")


def downgrade() -> None:
    kinds.narrow("0013")
    op.drop_table("status_link_keys")
    op.drop_index("ix_status_subscriptions_state", table_name="status_subscriptions")
    op.drop_table("status_subscriptions")

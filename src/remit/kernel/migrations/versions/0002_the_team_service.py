"""the team service

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 08:15:14.116769
"""

import json

import sqlalchemy as sa
from alembic import op

from remit.decisions.waiting import waits_of

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_api_tokens_person", ["person_id"], unique=False)

    op.create_table(
        "credentials",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "key"),
    )
    op.create_table(
        "login_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "decision_waits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("decision_waits", schema=None) as batch_op:
        batch_op.create_index("ix_waits_decision", ["decision_id"], unique=False)
        batch_op.create_index("ix_waits_team_person", ["team_id", "person_id", "decision_id"], unique=False)
        batch_op.create_index("ix_waits_team_role", ["team_id", "role", "decision_id"], unique=False)

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_team_proposer_state", ["team_id", "proposer_id", "state"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_decision", ["decision_id"], unique=False)
        batch_op.create_index("ix_notices_person_seen", ["person_id", "seen_at"], unique=False)
    _backfill_waits()


def _backfill_waits() -> None:
    """Open and blocked decisions of the core ledger get their queue rows."""
    bind = op.get_bind()
    people = {
        (team, handle): pid for pid, team, handle in bind.execute(sa.text("SELECT id, team_id, handle FROM people"))
    }
    rows = bind.execute(
        sa.text("SELECT id, team_id, state, resolution FROM decisions WHERE state IN ('open', 'blocked')")
    ).all()
    waits = sa.table(
        "decision_waits",
        sa.column("team_id"),
        sa.column("decision_id"),
        sa.column("kind"),
        sa.column("role"),
        sa.column("person_id"),
        sa.column("what"),
    )
    for decision_id, team_id, state, resolution in rows:
        value = json.loads(resolution) if isinstance(resolution, str) else (resolution or {})
        for wait in waits_of(state, value):
            op.execute(
                waits.insert().values(
                    team_id=team_id,
                    decision_id=decision_id,
                    kind=wait.kind,
                    role=wait.role,
                    person_id=people.get((team_id, wait.person)) if wait.person else None,
                    what=wait.what,
                )
            )


def downgrade() -> None:
    op.drop_table("notices")

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_team_proposer_state")

    with op.batch_alter_table("decision_waits", schema=None) as batch_op:
        batch_op.drop_index("ix_waits_team_role")
        batch_op.drop_index("ix_waits_team_person")
        batch_op.drop_index("ix_waits_decision")

    op.drop_table("decision_waits")
    op.drop_table("web_sessions")
    op.drop_table("login_links")
    op.drop_table("idempotency_keys")
    op.drop_table("credentials")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_api_tokens_person")

    op.drop_table("api_tokens")

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

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BEFORE = (
    "ActionRefused",
    "CharterAdopted",
    "CrossingRecorded",
    "DecisionAmended",
    "DecisionExpired",
    "DecisionOpened",
    "DecisionSettled",
    "DecisionStateChanged",
    "DecisionWithdrawn",
    "EvidenceAdded",
    "LoginLinkIssued",
    "PasswordSet",
    "PositionRecorded",
    "RuleAdded",
    "RuleRetired",
    "SessionsEnded",
    "SignInFailed",
    "SignInLimited",
    "TokenIssued",
    "TokenRevoked",
)
AFTER = tuple(sorted((*BEFORE, "TimeZoneSet")))
NAME = "ck_audit_log_kind"


def _check(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.create_check_constraint(NAME, _check(AFTER))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.create_check_constraint(NAME, _check(BEFORE))
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("time_zone")

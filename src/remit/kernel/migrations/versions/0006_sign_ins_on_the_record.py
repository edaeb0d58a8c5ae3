"""sign-ins on the record

Three new audit kinds: ``SignInFailed`` (a refused password or sign-in link), ``SignInLimited`` (a sign-in
window filled up, recorded once per window) and ``SessionsEnded`` (sign out everywhere, or a password
change ending the other sessions). The check on ``audit_log.kind`` is widened to take them; on SQLite the
batch operation copies the table into a new one with the wider check (every row and hash kept as it is).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 02:30:00.000000
"""

from alembic import op

revision = "0006"
down_revision = "0005"
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
    "TokenIssued",
    "TokenRevoked",
)
AFTER = tuple(sorted((*BEFORE, "SessionsEnded", "SignInFailed", "SignInLimited")))
NAME = "ck_audit_log_kind"


def _check(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.create_check_constraint(NAME, _check(AFTER))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.create_check_constraint(NAME, _check(BEFORE))

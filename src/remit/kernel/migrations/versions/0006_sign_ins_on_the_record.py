"""sign-ins on the record

Three new audit kinds: ``SignInFailed`` (a refused password or sign-in link), ``SignInLimited`` (a sign-in
window filled up, recorded once per window) and ``SessionsEnded`` (sign out everywhere, or a password
change ending the other sessions). The check on ``audit_log.kind`` is widened to take them; on SQLite the
batch operation copies the table into a new one with the wider check (every row and hash kept as it is).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 02:30:00.000000
"""

from remit.kernel.migrations import kinds

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    kinds.widen("0006")


def downgrade() -> None:
    kinds.narrow("0006")

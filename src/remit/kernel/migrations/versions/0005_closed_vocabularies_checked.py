"""closed vocabularies checked

The database now refuses a row the domain could not read: a decision's state, a position's stance, a
queue row's kind, an audit entry's kind, a notice's kind and event must be one of the domain's enum values,
and a basis (on a position or a crossing) must be a name. The value lists are written out here as they
stand at this revision; a later change to an enum comes with a migration of its own.

SQLite cannot add a CHECK constraint to a table, so the batch operations copy each table into a new one
(``remit.kernel.db.upgrade`` switches SQLite's foreign key enforcement off meanwhile, then checks every
key). Before anything changes, existing rows are read, and the upgrade stops naming any value that
would not fit, rather than failing half-way on one of them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:00:00.000000
"""

import re
import tomllib

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATES = ("open", "blocked", "approved", "withdrawn", "expired")
STANCES = ("go", "no-go", "abstain")
WAIT_KINDS = ("go", "evidence", "consult", "blocker")
AUDIT_KINDS = (
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
NOTICE_KINDS = ("asked", "told")
NOTICE_EVENTS = ("opened", *STATES)

# (table, column, allowed values)
ONE_OF = (
    ("decisions", "state", STATES),
    ("positions", "stance", STANCES),
    ("decision_waits", "kind", WAIT_KINDS),
    ("audit_log", "kind", AUDIT_KINDS),
    ("notices", "kind", NOTICE_KINDS),
    ("notices", "event", NOTICE_EVENTS),
)
NAMES = (("positions", "basis"), ("crossings", "basis"))  # nullable; at most 50 characters
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
NAME_CHECK = (
    "length({c}) BETWEEN 1 AND 50 AND trim({c}, 'abcdefghijklmnopqrstuvwxyz0123456789-') = '' AND {c} NOT LIKE '-%'"
)


def _checks() -> dict[str, list[tuple[str, str]]]:
    """Per table, its new constraints: (name, condition)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, values in ONE_OF:
        found.setdefault(table, []).append((f"ck_{table}_{column}", checks.one_of(column, values)))
    for table, column in NAMES:
        found.setdefault(table, []).append((f"ck_{table}_{column}", NAME_CHECK.format(c=column)))
    return found


def _misfits() -> list[str]:
    """Every stored value the new constraints would refuse, said so a person can find and fix it."""
    bind = op.get_bind()
    found = []
    for table, column, values in ONE_OF:
        for (value,) in bind.execute(sa.text(f"SELECT DISTINCT {column} FROM {table}")):  # noqa: S608 (constants)
            if value not in values:
                found.append(f"{table}.{column} holds {value!r} (allowed: {', '.join(values)})")
    for table, column in NAMES:
        for (value,) in bind.execute(sa.text(f"SELECT DISTINCT {column} FROM {table}")):  # noqa: S608 (constants)
            if value is not None and not NAME.fullmatch(value):
                found.append(f"{table}.{column} holds {value!r}, which is not a basis name")
    for version, team, text in bind.execute(sa.text("SELECT version, team_id, text FROM charter_versions")):
        try:
            bases = tomllib.loads(text).get("vocabulary", {}).get("bases", [])
        except (tomllib.TOMLDecodeError, AttributeError):
            continue  # not this migration's business (and Remit never adopts a charter it cannot read)
        found += [
            f"charter version {version} of team {team} declares the basis {basis!r}, which is not a name"
            for basis in bases
            if isinstance(basis, str) and not NAME.fullmatch(basis)
        ]
    return found


def upgrade() -> None:
    misfits = _misfits()
    if misfits:
        raise RuntimeError(
            "cannot check the vocabularies: stored values would not fit. Correct them (a basis is lowercase "
            "letters, digits and dashes, at most 50 characters) and upgrade again: " + "; ".join(misfits)
        )
    for table, constraints in _checks().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in constraints:
                batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    for table, constraints in _checks().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in constraints:
                batch_op.drop_constraint(name, type_="check")

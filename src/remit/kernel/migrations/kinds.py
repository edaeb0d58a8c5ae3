"""The audit log's closed vocabulary, revision by revision, for the migrations that widen it.

``audit_log.kind`` is checked by the database (``ck_audit_log_kind``, from 0005). A migration that adds
audit kinds names only the kinds it adds, in ``ADDED`` under its own revision, and calls ``widen`` on the
way up and ``narrow`` on the way down. ``narrow`` refuses, in words, while the chain holds an entry of a
kind it would take away: the chain is append-only, and nothing is deleted to make a downgrade fit."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from remit.kernel.migrations import checks

NAME = "ck_audit_log_kind"

# Every kind the check takes, by the revision that added it, in the order of the chain.
ADDED: dict[str, tuple[str, ...]] = {
    "0005": (
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
    ),
    "0006": ("SessionsEnded", "SignInFailed", "SignInLimited"),
    "0008": ("TimeZoneSet",),
    "0009": ("ChannelAdded", "ChannelRemoved", "DeliveryRequeued", "NotifyPreferencesSet"),
    "0010": ("CommanderNamed", "ImpactAnswered", "IncidentOpened", "IncidentUpdated", "PostmortemLinked"),
    "0011": ("BugBoardPublished", "BugBoardUnpublished", "IssuesImported"),
    "0012": ("ComponentStatusSet", "MaintenanceScheduled", "MaintenanceUpdated"),
    "0013": ("StatusSubscribed", "StatusSubscriberRemoved", "StatusSubscriptionConfirmed", "StatusUnsubscribed"),
    "0014": ("BugLinked", "BugUnlinked"),
}


def kinds_at(revision: str) -> tuple[str, ...]:
    """Every kind the check takes once ``revision`` is applied (revisions compare as their zero-padded numbers)."""
    return tuple(sorted(kind for added_at, kinds in ADDED.items() if added_at <= revision for kind in kinds))


def _set_check(kinds: tuple[str, ...]) -> None:
    # On SQLite the batch operation copies the table with the new check, every row and hash kept as it is.
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="check")
        batch_op.create_check_constraint(NAME, checks.one_of("kind", kinds))


def widen(revision: str) -> None:
    """Upgrade: the check takes the kinds ``revision`` adds, besides every earlier one."""
    _set_check(kinds_at(revision))


def narrow(revision: str) -> None:
    """Downgrade: the check goes back to the kinds before ``revision``, unless the chain holds one it adds."""
    added = ADDED[revision]
    audit_log = sa.table("audit_log", sa.column("kind", sa.String()))
    held = op.get_bind().execute(sa.select(sa.func.count()).where(audit_log.c.kind.in_(added))).scalar()
    if held:
        raise RuntimeError(
            f"the audit chain holds {held} entries of kinds added by {revision} ({', '.join(added)}): "
            f"a database holding them cannot go below {revision} "
            "(the chain is append-only; nothing is deleted to make it fit)"
        )
    earlier = max(added_at for added_at in ADDED if added_at < revision)
    _set_check(kinds_at(earlier))

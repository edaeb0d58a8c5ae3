"""Checkpoints against the store: sign a team's current chain head, and check a kept checkpoint against the
chain as it is now. A chain that still verifies from the genesis up to the checkpoint's entry, and whose
entry there has exactly the checkpointed hash, holds every entry the checkpoint covered, unchanged."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from remit.audit import checkpoints
from remit.audit.checkpoints import Checkpoint
from remit.audit.keys import SigningKey
from remit.kernel import audit
from remit.kernel.tables import AuditRow
from remit.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class Head:
    team: str
    seq: int
    hash: str


@dataclass(frozen=True)
class CheckpointReport:
    team: str
    seq: int
    hash: str
    at: str
    ok: bool
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def head(*, uow: UnitOfWork, team: str) -> Head:
    with uow.reading():
        row = uow.team(team, lock=False)
        return Head(row.name, row.audit_seq, row.audit_head or audit.GENESIS)


def take(*, uow: UnitOfWork, team: str, key: SigningKey) -> Checkpoint:
    """A signed checkpoint of ``team``'s chain head, now."""
    with uow.reading():
        now = head(uow=uow, team=team)
        return checkpoints.sign(key, team=now.team, seq=now.seq, head=now.hash, at=uow.now)


def check(*, uow: UnitOfWork, team: str, checkpoint: Checkpoint, public: Ed25519PublicKey) -> CheckpointReport:
    """Whether ``checkpoint`` is ``team``'s, signed by ``public``, and still anchored in the chain."""

    def report(problem: str = "") -> CheckpointReport:
        c = checkpoint
        return CheckpointReport(c.team, c.seq, c.hash, c.at, not problem, problem)

    if checkpoint.team != team:
        return report(f"it is team {checkpoint.team}'s checkpoint, not team {team}'s")
    refused = checkpoints.signature_problem(checkpoint, public)
    if refused:
        return report(refused)
    with uow.reading():
        team_row = uow.team(team, lock=False)
        where = AuditRow.team_id == team_row.id
        last = uow.session.scalar(select(func.max(AuditRow.seq)).where(where)) or 0
        found = uow.session.scalar(select(AuditRow.hash).where(where, AuditRow.seq == checkpoint.seq))
        chain = audit.verify(uow.session, team_row)
    seq, short = checkpoint.seq, checkpoint.hash[:12]
    if seq == 0:
        return report("" if checkpoint.hash == audit.GENESIS else "entry 0 has no hash but the genesis")
    if found is None:
        return report(
            f"the chain has no entry {seq} (its last is entry {last}): entries up to the checkpoint "
            "were cut or the log was wiped"
        )
    if found != checkpoint.hash:
        return report(
            f"entry {seq} now has hash {found[:12]}…, not the checkpointed {short}…: "
            f"entries up to {seq} were rewritten, inserted or deleted since the checkpoint"
        )
    if not chain.ok and chain.first_bad is not None and chain.first_bad <= seq:
        return report(f"the chain is broken at entry {chain.first_bad}, before the checkpoint's entry {seq}")
    return report()

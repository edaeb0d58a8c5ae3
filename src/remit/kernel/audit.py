"""The audit chain: append and verify. Each row hashes its own content together with the previous hash,
so altering or removing any row (or cutting the tail) breaks the chain at a row we can name."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.kernel.tables import AuditRow, TeamRow

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(
    *, team: str, seq: int, at: str, actor: str, kind: str, decision_id: int | None, payload: str, prev_hash: str
) -> str:
    body = canonical(
        {"team": team, "seq": seq, "at": at, "actor": actor, "kind": kind, "decision": decision_id, "payload": payload}
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append(
    session: Session,
    team: TeamRow,
    *,
    at: datetime,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    decision_id: int | None = None,
) -> AuditRow:
    """Append one row. The caller holds the team row locked (see ``UnitOfWork.lock_team``)."""
    seq = team.audit_seq + 1
    text = canonical(payload)
    stamp = at.isoformat()
    digest = row_hash(
        team=team.name,
        seq=seq,
        at=stamp,
        actor=actor,
        kind=kind,
        decision_id=decision_id,
        payload=text,
        prev_hash=team.audit_head or GENESIS,
    )
    row = AuditRow(
        team_id=team.id,
        seq=seq,
        at=stamp,
        actor=actor,
        kind=kind,
        decision_id=decision_id,
        payload=text,
        prev_hash=team.audit_head or GENESIS,
        hash=digest,
    )
    session.add(row)
    team.audit_seq, team.audit_head = seq, digest
    return row


def intact(team: str, row: AuditRow) -> bool:
    """Whether one entry still hashes to its recorded hash (its content and its link to the previous one)."""
    digest = row_hash(
        team=team,
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        kind=row.kind,
        decision_id=row.decision_id,
        payload=row.payload,
        prev_hash=row.prev_hash,
    )
    return digest == row.hash


@dataclass(frozen=True)
class ChainReport:
    team: str
    entries: int
    ok: bool
    first_bad: int | None = None
    problem: str = ""


def verify(session: Session, team: TeamRow) -> ChainReport:
    expected_prev, expected_seq = GENESIS, 1
    count = 0
    rows = session.scalars(select(AuditRow).where(AuditRow.team_id == team.id).order_by(AuditRow.seq))
    for row in rows:
        count += 1
        if row.seq != expected_seq:
            return ChainReport(team.name, count, False, expected_seq, f"entry {expected_seq} is missing")
        if row.prev_hash != expected_prev:
            return ChainReport(team.name, count, False, row.seq, f"entry {row.seq} does not follow entry {row.seq - 1}")
        if not intact(team.name, row):
            return ChainReport(team.name, count, False, row.seq, f"entry {row.seq} ({row.kind}) was altered")
        expected_prev, expected_seq = row.hash, row.seq + 1
    if count != team.audit_seq or expected_prev != (team.audit_head or GENESIS):
        return ChainReport(
            team.name,
            count,
            False,
            count + 1,
            f"the chain ends at entry {count} but the team's head says {team.audit_seq}: "
            "entries were removed from the end",
        )
    return ChainReport(team.name, count, True)

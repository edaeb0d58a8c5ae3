"""The audit chain: append and verify. Each row hashes its own content together with the previous hash,
so altering or removing any row (or cutting the tail) breaks the chain at a row we can name."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from remit.kernel.tables import AUDIT_LOG, TEAMS, AuditRow, TeamRow

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


@dataclass(frozen=True)
class ChainHead:
    """Where a team's chain ends: its last entry's number and hash (0 and "" before the first entry)."""

    seq: int
    hash: str


# Core statements, built once: an append builds no ORM object and flushes nothing. PostgreSQL moves the head in
# the entry's own statement (an UPDATE in a WITH clause); SQLite, which has no such thing, in a second one.
_APPEND = insert(AUDIT_LOG).inline()
_MOVE_HEAD = (
    update(TEAMS)
    .where(TEAMS.c.id == bindparam("chain_team"))
    .values(audit_seq=bindparam("new_seq"), audit_head=bindparam("new_head"))
)
_APPEND_AND_MOVE = _APPEND.add_cte(_MOVE_HEAD.cte("head"))


def append(
    session: Session,
    *,
    team_id: int,
    team: str,
    head: ChainHead,
    at: datetime,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    decision_id: int | None = None,
) -> ChainHead:
    """Append one entry after ``head`` and move the team's head to it; returns the new head. The caller holds
    the team row locked and read ``head`` under that lock (see ``UnitOfWork.record``)."""
    seq = head.seq + 1
    text = canonical(payload)
    stamp = at.isoformat()
    prev_hash = head.hash or GENESIS
    digest = row_hash(
        team=team,
        seq=seq,
        at=stamp,
        actor=actor,
        kind=kind,
        decision_id=decision_id,
        payload=text,
        prev_hash=prev_hash,
    )
    entry = {
        "team_id": team_id,
        "seq": seq,
        "at": stamp,
        "actor": actor,
        "kind": kind,
        "decision_id": decision_id,
        "payload": text,
        "prev_hash": prev_hash,
        "hash": digest,
    }
    moved = {"chain_team": team_id, "new_seq": seq, "new_head": digest}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_APPEND_AND_MOVE, entry | moved)
    else:
        session.execute(_APPEND, entry)
        session.execute(_MOVE_HEAD, moved)
    return ChainHead(seq, digest)


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

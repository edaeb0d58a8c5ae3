"""What every decision action shares: loading a decision and the charter it is bound to, recording passed
deadlines first, and re-resolving a decision after each change (who acts, and what the rights table
refuses, is ``charter/enforce.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from remit.charter import CHARTER_DOMAIN, Charter, DomainRights
from remit.charter.enforce import Actor, check, team_charter
from remit.charter.rights import Action
from remit.charter.tables import CharterVersionRow, PersonRow
from remit.charter.teams import adopt_charter, newest_version_id, trusted_charter
from remit.decisions.events import DecisionExpired, DecisionSettled, DecisionStateChanged
from remit.decisions.model import EvidenceNeed, Position, Resolution, Rule, Stance, State
from remit.decisions.resolve import resolve
from remit.decisions.tables import (
    DecisionRow,
    DecisionRuleRow,
    DecisionWaitRow,
    EvidenceRow,
    PositionRow,
    RevisionRow,
    RuleRow,
)
from remit.decisions.waiting import waits_of
from remit.kernel.errors import Conflict, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

SYSTEM = "remit"


def check_on(team: TeamRow, action: Action, actor: Actor, rights: DomainRights, decision: DecisionRow) -> None:
    """The rights table's check for an action on a decision (proposer or not)."""
    proposer = decision.proposer_id == actor.person_id
    check(team, action, actor, rights, proposer=proposer, number=decision.number, decision_id=decision.id)


def load_decision(uow: UnitOfWork, team: TeamRow, number: int) -> DecisionRow:
    decision = uow.session.scalars(
        select(DecisionRow).where(DecisionRow.team_id == team.id, DecisionRow.number == number)
    ).one_or_none()
    if decision is None:
        raise NotFound(f"team {team.name} has no decision #{number}", hint="the team's list of decisions shows them")
    return decision


def bound_charter(uow: UnitOfWork, decision: DecisionRow) -> Charter:
    """The charter version the decision is bound to, refused if its text no longer matches its recorded
    hash and its adoption entry (an edited version must never decide whose go counts)."""
    return trusted_charter(uow, uow.session.get_one(CharterVersionRow, decision.charter_version_id))


def require_active(decision: DecisionRow) -> None:
    state = State(decision.state)
    if state.settled:
        raise Conflict(
            f"decision #{decision.number} is {state.value}: settled decisions do not change",
            hint="open a new decision if the question comes back",
        )


def bound_rules(uow: UnitOfWork, decision: DecisionRow) -> list[Rule]:
    rows = uow.session.scalars(
        select(RuleRow)
        .join(DecisionRuleRow, DecisionRuleRow.rule_id == RuleRow.id)
        .where(DecisionRuleRow.decision_id == decision.id)
        .order_by(RuleRow.id)
    )
    return [to_rule(row) for row in rows]


def to_rule(row: RuleRow) -> Rule:
    return Rule(
        domain=row.domain,
        because=row.because,
        id=row.id,
        evidence=tuple(EvidenceNeed(item["name"], item["role"]) for item in row.evidence),
        go=tuple(row.go),
        origin=None if row.origin_decision_id is None else str(row.origin_decision_id),
    )


@dataclass(frozen=True)
class Bound:
    """What a decision's resolution reads that does not change while its revision stands: the rules it is
    bound to, and the gos its revision must have (read before the team's lock is taken)."""

    revision: int
    rules: list[Rule]
    must_go: list[str]


def bound(uow: UnitOfWork, decision: DecisionRow) -> Bound:
    revision = uow.session.scalars(
        select(RevisionRow.must_go).where(
            RevisionRow.decision_id == decision.id, RevisionRow.number == decision.revision
        )
    ).one()
    return Bound(decision.revision, bound_rules(uow, decision), list(revision))


def evaluate(uow: UnitOfWork, decision: DecisionRow, rights: DomainRights, known: Bound | None = None) -> Resolution:
    """Resolve the decision from its recorded positions and evidence (``known``: its rules and must-gos, if
    already read for its current revision)."""
    rows = uow.session.execute(
        select(PositionRow.role, PositionRow.stance, PositionRow.basis, PersonRow.handle, PositionRow.reason)
        .join(PersonRow, PersonRow.id == PositionRow.person_id)
        .where(PositionRow.decision_id == decision.id, PositionRow.revision == decision.revision)
        .order_by(PositionRow.id)
    ).all()
    positions = [Position(role, Stance(stance), basis, handle, reason) for role, stance, basis, handle, reason in rows]
    evidence = set(uow.session.scalars(select(EvidenceRow.name).where(EvidenceRow.decision_id == decision.id)))
    if known is None or known.revision != decision.revision:
        known = bound(uow, decision)
    return resolve(rights, positions, evidence=evidence, rules=known.rules, must_go=known.must_go)


def apply_resolution(
    uow: UnitOfWork, team: TeamRow, decision: DecisionRow, rights: DomainRights, actor: str, known: Bound | None = None
) -> Resolution:
    """Re-resolve after a change; record a state change; settle (and adopt a charter) on approval."""
    resolution = evaluate(uow, decision, rights, known)
    before, stored = decision.state, decision.resolution
    now = resolution.as_dict()
    if now != stored:
        decision.resolution = now
    decision.state = resolution.state.value
    if resolution.state.value != before:
        blocked_by = decision.resolution["blocked_by"]
        changed = DecisionStateChanged(decision.number, before, resolution.state.value, blocked_by)
        uow.record(team, changed, actor=actor, decision_id=decision.id)
    if resolution.state is State.APPROVED:
        decision.settled_at = uow.now
        settled = DecisionSettled(decision.number, State.APPROVED.value, decision.revision)
        uow.record(team, settled, actor=actor, decision_id=decision.id)
        if decision.domain == CHARTER_DOMAIN and decision.proposed_charter is not None:
            adopt_charter(uow=uow, team=team, text=decision.proposed_charter, actor=actor, decision_id=decision.id)
    if waits_of(before, stored or {}) != waits_of(decision.state, decision.resolution or {}):
        store_waits(uow, team, decision)  # the queue's rows follow the resolution: unchanged, left as they are
    return resolution


def store_waits(uow: UnitOfWork, team: TeamRow, decision: DecisionRow) -> None:
    """Rewrite the decision's queue rows from its state and resolution."""
    uow.session.execute(delete(DecisionWaitRow).where(DecisionWaitRow.decision_id == decision.id))
    waits = waits_of(decision.state, decision.resolution or {})
    handles = {wait.person for wait in waits if wait.person}
    ids: dict[str, int] = {}
    if handles:
        people = select(PersonRow.handle, PersonRow.id).where(PersonRow.team_id == team.id)
        ids = {row.handle: row.id for row in uow.session.execute(people.where(PersonRow.handle.in_(handles)))}
    uow.session.add_all(
        DecisionWaitRow(
            team_id=team.id,
            decision_id=decision.id,
            kind=wait.kind,
            role=wait.role,
            person_id=ids.get(wait.person) if wait.person else None,
            what=wait.what,
        )
        for wait in waits
    )


def any_overdue(uow: UnitOfWork, team: TeamRow) -> bool:
    """Whether an open or blocked decision of the team has passed its deadline (read without the lock)."""
    return uow.session.scalar(select(DecisionRow.id).where(*_overdue(uow, team)).limit(1)) is not None


def _overdue(uow: UnitOfWork, team: TeamRow) -> list[Any]:
    return [
        DecisionRow.team_id == team.id,
        DecisionRow.state.in_([State.OPEN.value, State.BLOCKED.value]),
        DecisionRow.deadline.is_not(None),
        DecisionRow.deadline <= uow.now,
    ]


def expire_overdue(uow: UnitOfWork, team: TeamRow) -> list[int]:
    """Expire every open or blocked decision whose deadline has passed, each recorded at its deadline."""
    overdue = uow.session.scalars(select(DecisionRow).where(*_overdue(uow, team)).order_by(DecisionRow.deadline)).all()
    for decision in overdue:
        deadline = decision.deadline or uow.now
        decision.state, decision.settled_at = State.EXPIRED.value, deadline
        store_waits(uow, team, decision)
        expired = DecisionExpired(decision.number, deadline.isoformat(), decision.resolution.get("waiting_on", {}))
        uow.record(team, expired, actor=SYSTEM, decision_id=decision.id)
    return [decision.number for decision in overdue]


def open_team(uow: UnitOfWork, team_name: str) -> tuple[TeamRow, CharterVersionRow, Charter]:
    """A writing command's start: the team row locked, any passed deadline recorded first (a fact of its own,
    committed even if the action then fails), and the team's current charter."""
    team = uow.team(team_name)
    if expire_overdue(uow, team):  # a passed deadline is a fact of its own: kept even if the action fails
        uow.commit()
        team = uow.team(team_name)
    version, charter = team_charter(uow, team)
    return team, version, charter


def lock_for(uow: UnitOfWork, team: TeamRow, decision: DecisionRow) -> int:
    """Take the team's row lock, then read the decision again as the last writer left it and the id of the
    team's current charter version (the caller compares them with what it read before the lock). The team
    row is read afresh too: the audit chain's head is appended to under this lock.

    Two statements, not one: on PostgreSQL a statement reads the snapshot it started with, and one that waited
    for the lock re-reads only the rows it locked. A decision joined into the locking statement would be the
    one from before the wait, so a position could land after another had settled the decision (the
    concurrency test caught exactly that)."""
    uow.session.execute(
        select(TeamRow).where(TeamRow.id == team.id).with_for_update().execution_options(populate_existing=True)
    ).one()
    uow.holds(team)
    row = uow.session.execute(
        select(DecisionRow, newest_version_id())
        .join(TeamRow, DecisionRow.team_id == TeamRow.id)
        .where(DecisionRow.id == decision.id)
        .execution_options(populate_existing=True)
    ).one()
    return int(row[1])

"""What every decision action shares: loading a decision and the charter it is bound to, recording passed
deadlines first, and re-resolving a decision after each change (who acts, and what the rights table
refuses, is ``charter/enforce.py``).

The statements are built once, here: each call only binds values (SQLAlchemy caches their SQL by the
statement object). Those on the write path read and write the tables' columns with Core: no ORM object is
built, tracked or flushed for them. A decision is either its ORM row (most actions) or a ``Decision`` read
with Core ("record a position", ``decisions/glance.py``); the helpers take either (``Decided``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, FromClause, bindparam, delete, insert, literal_column, select, update
from sqlalchemy.orm.attributes import set_committed_value

from remit.charter import CHARTER_DOMAIN, Charter, DomainRights
from remit.charter.enforce import Actor, check, team_charter
from remit.charter.rights import Action
from remit.charter.tables import PEOPLE, CharterVersionRow
from remit.charter.teams import adopt_charter, trusted_charter
from remit.decisions.events import DecisionExpired, DecisionSettled, DecisionStateChanged
from remit.decisions.model import EvidenceNeed, Position, Resolution, Rule, Stance, State
from remit.decisions.resolve import resolve
from remit.decisions.tables import (
    DECISION_RULES,
    DECISIONS,
    EVIDENCE,
    POSITIONS,
    REVISIONS,
    RULES,
    WAITS,
    DecisionRow,
)
from remit.decisions.waiting import Wait, waits_of
from remit.kernel.errors import Conflict, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import TeamRef, UnitOfWork

SYSTEM = "remit"
ACTIVE = (State.OPEN.value, State.BLOCKED.value)


@dataclass(slots=True)
class Decision:
    """A decision's row as plain values (the fields in the table's order: ``DECISION_FIELDS``)."""

    id: int
    team_id: int
    number: int
    domain: str
    title: str
    proposer_id: int
    charter_version_id: int
    state: str
    revision: int
    deadline: datetime | None
    opened_at: datetime
    settled_at: datetime | None
    resolution: dict[str, Any]
    proposed_charter: str | None


Decided: TypeAlias = DecisionRow | Decision  # a decision as the actions read and change it
DECISION_FIELDS = tuple(field.name for field in fields(Decision))
DECISION_COLUMNS = tuple(DECISIONS.c[name] for name in DECISION_FIELDS)

RULE_COLUMNS = (
    RULES.c.id,
    RULES.c.domain,
    RULES.c.because,
    RULES.c.evidence,
    RULES.c.go,
    RULES.c.origin_decision_id,
)
POSITION_COLUMNS = (POSITIONS.c.role, POSITIONS.c.stance, POSITIONS.c.basis, PEOPLE.c.handle, POSITIONS.c.reason)
_DECISION = select(DecisionRow).where(
    DecisionRow.team_id == bindparam("team_id"), DecisionRow.number == bindparam("number")
)
_BOUND_RULES = (
    select(*RULE_COLUMNS)
    .join(DECISION_RULES, DECISION_RULES.c.rule_id == RULES.c.id)
    .where(DECISION_RULES.c.decision_id == bindparam("decision_id"))
    .order_by(RULES.c.id)
)
_MUST_GO = select(REVISIONS.c.must_go).where(
    REVISIONS.c.decision_id == bindparam("decision_id"), REVISIONS.c.number == bindparam("revision")
)
_POSITIONS_NOW = (
    select(*POSITION_COLUMNS)
    .join(PEOPLE, PEOPLE.c.id == POSITIONS.c.person_id)
    .where(POSITIONS.c.decision_id == bindparam("decision_id"), POSITIONS.c.revision == bindparam("revision"))
    .order_by(POSITIONS.c.id)
)
_EVIDENCE_NAMES = select(EVIDENCE.c.name).where(EVIDENCE.c.decision_id == bindparam("decision_id"))
_SETTLE = (
    update(DECISIONS)
    .where(DECISIONS.c.id == bindparam("decision_id"))
    .values(
        state=bindparam("new_state"),
        resolution=bindparam("new_resolution", type_=DECISIONS.c.resolution.type),
        settled_at=bindparam("new_settled_at", type_=DECISIONS.c.settled_at.type),
    )
)
_CLEAR_WAITS = delete(WAITS).where(WAITS.c.decision_id == bindparam("decision_id"))
_DROP_WAIT = delete(WAITS).where(
    WAITS.c.decision_id == bindparam("decision_id"),
    WAITS.c.kind == bindparam("drop_kind"),
    WAITS.c.role == bindparam("drop_role"),
    WAITS.c.what == bindparam("drop_what"),
)
_ADD_WAITS = insert(WAITS)
_PEOPLE_IDS = select(PEOPLE.c.handle, PEOPLE.c.id).where(
    PEOPLE.c.team_id == bindparam("team_id"), PEOPLE.c.handle.in_(bindparam("handles", expanding=True))
)


# The two states written into the SQL: an IN list of bound values is expanded on every execution (a third of
# the statement's own cost), and these never change.
_ACTIVE_SQL: list[ColumnElement[str]] = [literal_column(f"'{state}'") for state in ACTIVE]


def overdue(decisions: FromClause, team_id: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    """An open or blocked decision of the team whose deadline has passed (the moment bound as ``now``)."""
    return [
        decisions.c.team_id == team_id,
        decisions.c.state.in_(_ACTIVE_SQL),
        decisions.c.deadline.is_not(None),
        decisions.c.deadline <= bindparam("now", type_=DECISIONS.c.deadline.type),
    ]


_OVERDUE = select(DecisionRow).where(*overdue(DECISIONS, bindparam("team_id"))).order_by(DecisionRow.deadline)


def check_on(team: TeamRef, action: Action, actor: Actor, rights: DomainRights, decision: Decided) -> None:
    """The rights table's check for an action on a decision (proposer or not)."""
    proposer = decision.proposer_id == actor.person_id
    check(team, action, actor, rights, proposer=proposer, number=decision.number, decision_id=decision.id)


def load_decision(uow: UnitOfWork, team: TeamRef, number: int) -> DecisionRow:
    decision = uow.session.scalars(_DECISION, {"team_id": team.id, "number": number}).one_or_none()
    if decision is None:
        raise no_decision(team, number)
    return decision


def no_decision(team: TeamRef, number: int) -> NotFound:
    return NotFound(f"team {team.name} has no decision #{number}", hint="the team's list of decisions shows them")


def bound_charter(uow: UnitOfWork, decision: Decided) -> Charter:
    """The charter version the decision is bound to, refused if its text no longer matches its recorded
    hash and its adoption entry (an edited version must never decide whose go counts)."""
    return trusted_charter(uow, uow.session.get_one(CharterVersionRow, decision.charter_version_id))


def require_active(decision: Decided) -> None:
    state = State(decision.state)
    if state.settled:
        raise Conflict(
            f"decision #{decision.number} is {state.value}: settled decisions do not change",
            hint="open a new decision if the question comes back",
        )


def bound_rules(uow: UnitOfWork, decision: Decided) -> list[Rule]:
    uow.session.flush()  # a rule bound in this transaction is read too
    return [to_rule(row) for row in uow.session.execute(_BOUND_RULES, {"decision_id": decision.id})]


def to_rule(columns: Sequence[Any]) -> Rule:
    """A rule from its columns (``RULE_COLUMNS``, in that order)."""
    rule_id, domain, because, evidence, go, origin = columns
    return Rule(
        domain=domain,
        because=because,
        id=rule_id,
        evidence=tuple(EvidenceNeed(item["name"], item["role"]) for item in evidence),
        go=tuple(go),
        origin=None if origin is None else str(origin),
    )


@dataclass(frozen=True)
class Bound:
    """What a decision's resolution reads that does not change while its revision stands: the rules it is
    bound to, and the gos its revision must have (read before the team's lock is taken)."""

    revision: int
    rules: list[Rule]
    must_go: list[str]


def bound(uow: UnitOfWork, decision: Decided) -> Bound:
    uow.session.flush()  # a revision added in this transaction is read too
    must_go = uow.session.execute(_MUST_GO, {"decision_id": decision.id, "revision": decision.revision}).scalar_one()
    return Bound(decision.revision, bound_rules(uow, decision), list(must_go))


def to_positions(rows: Iterable[Sequence[Any]]) -> list[Position]:
    """Positions from their columns (``POSITION_COLUMNS``, in that order)."""
    return [Position(role, Stance(stance), basis, handle, reason) for role, stance, basis, handle, reason in rows]


def evaluate(uow: UnitOfWork, decision: Decided, rights: DomainRights) -> Resolution:
    """Resolve the decision from its recorded positions and evidence."""
    uow.session.flush()  # what this transaction recorded is read too
    which = {"decision_id": decision.id, "revision": decision.revision}
    positions = to_positions(uow.session.execute(_POSITIONS_NOW, which))
    evidence = set(uow.session.scalars(_EVIDENCE_NAMES, {"decision_id": decision.id}))
    return resolved(uow, decision, rights, positions, evidence)


def resolved(
    uow: UnitOfWork,
    decision: Decided,
    rights: DomainRights,
    positions: list[Position],
    evidence: set[str],
    known: Bound | None = None,
) -> Resolution:
    """Resolve on positions and evidence already read (``known``: its rules and must-gos, if already read
    for its current revision)."""
    if known is None or known.revision != decision.revision:
        known = bound(uow, decision)
    return resolve(rights, positions, evidence=evidence, rules=known.rules, must_go=known.must_go)


def apply_resolution(
    uow: UnitOfWork,
    team: TeamRef,
    decision: Decided,
    rights: DomainRights,
    actor: str,
    resolution: Resolution | None = None,
) -> Resolution:
    """Re-resolve after a change (``resolution``: already resolved on what the transaction has read); record a
    state change; settle (and adopt a charter) on approval."""
    if resolution is None:
        resolution = evaluate(uow, decision, rights)
    before, stored, was_settled = decision.state, decision.resolution, decision.settled_at
    now = resolution.as_dict()
    state = resolution.state.value
    settled_at = uow.now if resolution.state is State.APPROVED else was_settled
    if (state, now, settled_at) != (before, stored, was_settled):
        _write(uow, decision, state, now, settled_at)
    if state != before:
        changed = DecisionStateChanged(decision.number, before, state, now["blocked_by"])
        uow.record(team, changed, actor=actor, decision_id=decision.id)
    if resolution.state is State.APPROVED:
        settled = DecisionSettled(decision.number, State.APPROVED.value, decision.revision)
        uow.record(team, settled, actor=actor, decision_id=decision.id)
        if decision.domain == CHARTER_DOMAIN and decision.proposed_charter is not None:
            adopt_charter(uow=uow, team=team, text=decision.proposed_charter, actor=actor, decision_id=decision.id)
    was = waits_of(before, stored or {})
    if was != waits_of(state, now or {}):
        store_waits(uow, team, decision, was)  # the queue's rows follow the resolution: unchanged, left as they are
    return resolution


def _write(
    uow: UnitOfWork, decision: Decided, state: str, resolution: dict[str, Any], settled_at: datetime | None
) -> None:
    """The decision's new state, resolution and settlement, in one Core ``UPDATE``; its ORM row, if that is
    what the action holds, says so too (as committed: the ORM writes nothing more for it)."""
    uow.session.flush()
    uow.session.execute(
        _SETTLE,
        {"decision_id": decision.id, "new_state": state, "new_resolution": resolution, "new_settled_at": settled_at},
    )
    if isinstance(decision, DecisionRow):
        set_committed_value(decision, "state", state)
        set_committed_value(decision, "resolution", resolution)
        set_committed_value(decision, "settled_at", settled_at)
    else:
        decision.state, decision.resolution, decision.settled_at = state, resolution, settled_at


def store_waits(uow: UnitOfWork, team: TeamRef, decision: Decided, was: list[Wait] | None = None) -> None:
    """Rewrite the decision's queue rows from its state and resolution (``was``: the waits its rows held, from
    the state and resolution they were written from). When some of those waits were only answered, their rows
    go and the others stay as they are, in the same order; otherwise every row is written again."""
    waits = waits_of(decision.state, decision.resolution or {})
    answered = _answered(was, waits) if was is not None and waits else None
    if answered is not None:
        uow.session.execute(_DROP_WAIT, [{"decision_id": decision.id} | _named(wait) for wait in answered])
        return
    uow.session.execute(_CLEAR_WAITS, {"decision_id": decision.id})
    if not waits:
        return
    handles = {wait.person for wait in waits if wait.person}
    ids = people_ids(uow, team, handles) if handles else {}
    uow.session.execute(
        _ADD_WAITS,
        [
            {
                "team_id": team.id,
                "decision_id": decision.id,
                "kind": wait.kind.value,
                "role": wait.role,
                "person_id": ids.get(wait.person) if wait.person else None,
                "what": wait.what,
            }
            for wait in waits
        ],
    )


def people_ids(uow: UnitOfWork, team: TeamRef, handles: set[str]) -> dict[str, int]:
    """The ids of the team's people of these handles (a handle not on the team has none)."""
    found = uow.session.execute(_PEOPLE_IDS, {"team_id": team.id, "handles": sorted(handles)})
    return {row.handle: row.id for row in found}


def _answered(was: list[Wait], now: list[Wait]) -> list[Wait] | None:
    """The waits of ``was`` that ``now`` no longer has, if ``now`` is ``was`` less some of them, in the same order,
    and each of those is named by its kind, role and what (no person, no twin); None otherwise."""
    if len(set(was)) != len(was):
        return None
    answered, left = [], iter(now)
    following = next(left, None)
    for wait in was:
        if wait == following:
            following = next(left, None)
        elif wait.person is None and wait.role is not None:
            answered.append(wait)
        else:
            return None
    return answered if following is None else None


def _named(wait: Wait) -> dict[str, Any]:
    return {"drop_kind": wait.kind.value, "drop_role": wait.role, "drop_what": wait.what}


def expire_overdue(uow: UnitOfWork, team: TeamRow) -> list[int]:
    """Expire every open or blocked decision whose deadline has passed, each recorded at its deadline."""
    found = uow.session.scalars(_OVERDUE, {"team_id": team.id, "now": uow.now}).all()
    for decision in found:
        deadline = decision.deadline or uow.now
        decision.state, decision.settled_at = State.EXPIRED.value, deadline
        store_waits(uow, team, decision)
        expired = DecisionExpired(decision.number, deadline.isoformat(), decision.resolution.get("waiting_on", {}))
        uow.record(team, expired, actor=SYSTEM, decision_id=decision.id)
    return [decision.number for decision in found]


def open_team(uow: UnitOfWork, team_name: str) -> tuple[TeamRow, CharterVersionRow, Charter]:
    """A writing command's start: the team row locked, any passed deadline recorded first (a fact of its own,
    committed even if the action then fails), and the team's current charter."""
    team = uow.team(team_name)
    if expire_overdue(uow, team):  # a passed deadline is a fact of its own: kept even if the action fails
        uow.commit()
        team = uow.team(team_name)
    version, charter = team_charter(uow, team)
    return team, version, charter

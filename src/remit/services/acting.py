"""What every decision action shares: who is acting in which role, refusing (and recording) what the
charter does not allow, and re-resolving a decision after each change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete, select

from remit.audit_kinds import AuditKind
from remit.charter import CHARTER_DOMAIN, Charter, DomainRights, Grant, Right
from remit.charter.model import READ_ONLY_ROLES
from remit.decisions.model import EvidenceNeed, Position, Resolution, Rule, Stance, State
from remit.decisions.resolve import resolve
from remit.decisions.waiting import waits_of
from remit.errors import Conflict, InvalidInput, NotFound, RightsRefused
from remit.services.notices import notify
from remit.services.teams import adopt_charter, charter_from_text, current_version
from remit.services.uow import UnitOfWork
from remit.store.tables import (
    CharterVersionRow,
    CrossingRow,
    DecisionRow,
    DecisionRuleRow,
    DecisionWaitRow,
    EvidenceRow,
    PersonRow,
    PositionRow,
    RevisionRow,
    RuleRow,
    TeamRow,
)

SYSTEM = "remit"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
STRENGTH = {Right.DECIDE: 0, Right.BLOCK: 1, Right.VOICE: 2, Right.CONSULT: 3, Right.INFORM: 4}


def check_name(kind: str, value: str) -> str:
    if not NAME.match(value):
        raise InvalidInput(
            f"{kind} '{value}' is not a valid name", hint="use lowercase letters, digits and dashes, e.g. cost-of-delay"
        )
    return value


@dataclass(frozen=True)
class Actor:
    person: PersonRow
    role: str
    grant: Grant | None

    @property
    def handle(self) -> str:
        return self.person.handle


@dataclass
class Refusal(Exception):
    """Raised inside a unit of work; ``record_refusal`` turns it into a recorded crossing."""

    actor: Actor
    action: str
    domain: str
    why: str
    hint: str = ""
    basis: str | None = None
    decision_id: int | None = None


def team_charter(uow: UnitOfWork, team: TeamRow) -> tuple[CharterVersionRow, Charter]:
    row = current_version(uow, team)
    return row, charter_from_text(row.text)


def domain_rights(charter: Charter, domain: str) -> DomainRights:
    rights = charter.domain(domain)
    if rights is None:
        raise InvalidInput(f"the charter has no domain '{domain}'", hint=f"domains: {', '.join(charter.domains)}")
    return rights


def acting(
    uow: UnitOfWork, team: TeamRow, charter: Charter, rights: DomainRights, handle: str, role: str | None = None
) -> Actor:
    """The person and the role they act in. With no ``role``, their strongest right in the domain."""
    person_row = uow.session.scalars(
        select(PersonRow).where(PersonRow.team_id == team.id, PersonRow.handle == handle)
    ).one_or_none()
    person = charter.person(handle)
    if person_row is None or person is None or not person_row.active:
        raise NotFound(
            f"nobody called '{handle}' is on team {team.name}'s roster", hint=f"people: {', '.join(charter.people)}"
        )
    if role is not None:
        if role not in person.roles:
            raise InvalidInput(
                f"{handle} is not {role} (roles: {', '.join(person.roles)})",
                hint="a person acts only in the roles the roster gives them",
            )
        return Actor(person_row, role, rights.grant(role))
    granted = sorted(
        ((grant, r) for r in person.roles if (grant := rights.grant(r)) is not None),
        key=lambda pair: STRENGTH[pair[0].right],
    )
    if not granted:
        return Actor(person_row, person.roles[0], None)
    strongest = granted[0][0].right
    best = [r for grant, r in granted if grant.right is strongest]
    if len(best) > 1:
        raise InvalidInput(
            f"{handle} holds {strongest.value} in {rights.name} as {' and '.join(best)}",
            hint=f"say which with --role {best[0]}",
        )
    return Actor(person_row, granted[0][1], granted[0][0])


def require_voice(actor: Actor, rights: DomainRights, action: str, decision_id: int | None = None) -> Grant:
    """The actor's grant; refuses an actor whose role may not take part (no right, or only informed)."""
    if actor.grant is None:
        raise Refusal(
            actor,
            action,
            rights.name,
            f"{actor.handle} ({actor.role}) has no right in {rights.name}",
            hint=f"`remit who {rights.name}` shows who decides, blocks, has voice, is consulted",
            decision_id=decision_id,
        )
    if not actor.grant.right.may_take_position:
        raise Refusal(
            actor,
            action,
            rights.name,
            f"{actor.handle} ({actor.role}) is only informed in {rights.name}: told, not asked",
            hint=f"`remit who {rights.name}` shows who takes part",
            decision_id=decision_id,
        )
    if actor.role in READ_ONLY_ROLES:  # a charter cannot give them more (charter check); kept as a guard
        raise Refusal(
            actor,
            action,
            rights.name,
            f"{actor.handle} ({actor.role}) reads but never writes",
            hint="stakeholders follow decisions on the web app, the API and the status page",
            decision_id=decision_id,
        )
    return actor.grant


def record_refusal(uow: UnitOfWork, team_name: str, refusal: Refusal) -> RightsRefused:
    """Undo the refused action, record the boundary crossing in its own transaction, return the error."""
    uow.rollback()
    team = uow.team(team_name)
    if refusal.decision_id is not None and uow.session.get(DecisionRow, refusal.decision_id) is None:
        refusal.decision_id = None  # refused while opening it: the decision itself was never written
    uow.session.add(
        CrossingRow(
            team_id=team.id,
            decision_id=refusal.decision_id,
            domain=refusal.domain,
            person_id=refusal.actor.person.id,
            role=refusal.actor.role,
            action=refusal.action,
            basis=refusal.basis,
            why=refusal.why,
            refused=True,
            at=uow.now,
        )
    )
    uow.audit(
        team,
        actor=refusal.actor.handle,
        kind=AuditKind.ACTION_REFUSED,
        decision_id=refusal.decision_id,
        payload={"action": refusal.action, "domain": refusal.domain, "role": refusal.actor.role, "why": refusal.why},
    )
    error = RightsRefused(f"refused: {refusal.why}", hint=refusal.hint)
    uow.commit(error)
    return error


@contextmanager
def recording_refusals(uow: UnitOfWork, team_name: str) -> Iterator[None]:
    """Inside a unit of work: turn a ``Refusal`` into a recorded crossing and a ``RightsRefused`` error."""
    try:
        yield
    except Refusal as refusal:
        raise record_refusal(uow, team_name, refusal) from None


def load_decision(uow: UnitOfWork, team: TeamRow, number: int) -> DecisionRow:
    decision = uow.session.scalars(
        select(DecisionRow).where(DecisionRow.team_id == team.id, DecisionRow.number == number)
    ).one_or_none()
    if decision is None:
        raise NotFound(f"team {team.name} has no decision #{number}", hint="`remit decision list` shows them")
    return decision


def bound_charter(uow: UnitOfWork, decision: DecisionRow) -> Charter:
    row = uow.session.get_one(CharterVersionRow, decision.charter_version_id)
    return charter_from_text(row.text)


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


def evaluate(uow: UnitOfWork, decision: DecisionRow, rights: DomainRights) -> Resolution:
    rows = uow.session.execute(
        select(PositionRow, PersonRow.handle)
        .join(PersonRow, PersonRow.id == PositionRow.person_id)
        .where(PositionRow.decision_id == decision.id, PositionRow.revision == decision.revision)
        .order_by(PositionRow.id)
    ).all()
    positions = [Position(row.role, Stance(row.stance), row.basis, handle, row.reason) for row, handle in rows]
    evidence = set(uow.session.scalars(select(EvidenceRow.name).where(EvidenceRow.decision_id == decision.id)))
    revision = uow.session.scalars(
        select(RevisionRow).where(RevisionRow.decision_id == decision.id, RevisionRow.number == decision.revision)
    ).one()
    return resolve(rights, positions, evidence=evidence, rules=bound_rules(uow, decision), must_go=revision.must_go)


def apply_resolution(
    uow: UnitOfWork, team: TeamRow, decision: DecisionRow, rights: DomainRights, actor: str
) -> Resolution:
    """Re-resolve after a change; record a state change; settle (and adopt a charter) on approval."""
    resolution = evaluate(uow, decision, rights)
    before = decision.state
    decision.resolution = resolution.as_dict()
    decision.state = resolution.state.value
    if resolution.state.value != before:
        uow.audit(
            team,
            actor=actor,
            kind=AuditKind.DECISION_STATE_CHANGED,
            decision_id=decision.id,
            payload={
                "number": decision.number,
                "from": before,
                "to": resolution.state.value,
                "blocked_by": decision.resolution["blocked_by"],
            },
        )
        notify(uow, team, decision, rights, resolution.state.value, actor)
    if resolution.state is State.APPROVED:
        decision.settled_at = uow.now
        uow.audit(
            team,
            actor=actor,
            kind=AuditKind.DECISION_SETTLED,
            decision_id=decision.id,
            payload={"number": decision.number, "state": State.APPROVED, "revision": decision.revision},
        )
        if decision.domain == CHARTER_DOMAIN and decision.proposed_charter is not None:
            adopt_charter(uow=uow, team=team, text=decision.proposed_charter, actor=actor, decision_id=decision.id)
    store_waits(uow, team, decision)
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


def expire_overdue(uow: UnitOfWork, team: TeamRow) -> list[int]:
    """Expire every open or blocked decision whose deadline has passed, each recorded at its deadline."""
    overdue = uow.session.scalars(
        select(DecisionRow)
        .where(
            DecisionRow.team_id == team.id,
            DecisionRow.state.in_([State.OPEN.value, State.BLOCKED.value]),
            DecisionRow.deadline.is_not(None),
            DecisionRow.deadline <= uow.now,
        )
        .order_by(DecisionRow.deadline)
    ).all()
    for decision in overdue:
        deadline = decision.deadline or uow.now
        decision.state, decision.settled_at = State.EXPIRED.value, deadline
        store_waits(uow, team, decision)
        notify(uow, team, decision, domain_rights(bound_charter(uow, decision), decision.domain), State.EXPIRED, SYSTEM)
        uow.audit(
            team,
            actor=SYSTEM,
            kind=AuditKind.DECISION_EXPIRED,
            decision_id=decision.id,
            payload={
                "number": decision.number,
                "deadline": deadline.isoformat(),
                "waiting_on": decision.resolution.get("waiting_on", {}),
            },
        )
    return [decision.number for decision in overdue]


def current_team_charter(uow: UnitOfWork, team_name: str) -> tuple[TeamRow, CharterVersionRow, Charter]:
    team = uow.team(team_name)
    if expire_overdue(uow, team):  # a passed deadline is a fact of its own: kept even if the action fails
        uow.commit()
        team = uow.team(team_name)
    version, charter = team_charter(uow, team)
    return team, version, charter


def stance_of(value: str) -> Stance:
    try:
        return Stance(value)
    except ValueError:
        raise InvalidInput(f"unknown stance '{value}'", hint="say go, no-go or abstain") from None


def parse_position(text: str) -> Position:
    """``ROLE=STANCE[:BASIS]``, e.g. ``em=no-go:technical``: a position to resolve without a database."""
    role, sep, rest = text.partition("=")
    if not sep or not role.strip():
        raise InvalidInput(f"position '{text}' is not ROLE=STANCE[:BASIS]", hint="e.g. em=no-go:technical")
    stance, _, basis = rest.partition(":")
    return Position(role.strip(), stance_of(stance.strip()), basis.strip() or None)

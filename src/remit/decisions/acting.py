"""What every decision action shares: who is acting in which role, refusing (and recording) what the
charter's rights table does not allow, and re-resolving a decision after each change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from remit.charter import CHARTER_DOMAIN, Charter, DomainRights, Grant
from remit.charter.events import ActionRefused
from remit.charter.rights import Action, Standing, denial, strongest_first
from remit.charter.tables import CharterVersionRow, CrossingRow, PersonRow
from remit.charter.teams import adopt_charter, charter_from_text, current_version
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
from remit.kernel.commands import MustRecord
from remit.kernel.errors import Conflict, InvalidInput, NotFound, RemitError, RightsRefused
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

SYSTEM = "remit"


@dataclass(frozen=True)
class Actor:
    """A person on the roster acting in one role (plain values: a refusal outlives the transaction)."""

    person_id: int
    handle: str
    role: str
    grant: Grant | None


@dataclass
class Refusal(MustRecord):
    """An action the rights table refuses: the registry undoes it, then ``record`` writes the boundary
    crossing and an ``ActionRefused`` entry in a transaction of their own."""

    team: str
    actor: Actor
    action: Action
    domain: str
    why: str
    hint: str = ""
    basis: str | None = None
    decision_id: int | None = None

    def record(self, uow: UnitOfWork) -> RemitError:
        with uow:
            team = uow.team(self.team)
            if self.decision_id is not None and uow.session.get(DecisionRow, self.decision_id) is None:
                self.decision_id = None  # refused while opening it: the decision itself was never written
            add_crossing(uow, team, self.actor, self.action, self.domain, self.why, self.decision_id, refused=True)
            uow.record(
                team,
                ActionRefused(self.action.value, self.domain, self.actor.role, self.why),
                actor=self.actor.handle,
                decision_id=self.decision_id,
            )
            error = RightsRefused(f"refused: {self.why}", hint=self.hint)
            uow.commit(error)
            return error


def add_crossing(
    uow: UnitOfWork,
    team: TeamRow,
    actor: Actor,
    action: Action,
    domain: str,
    why: str,
    decision_id: int | None,
    *,
    basis: str | None = None,
    refused: bool,
) -> None:
    """A boundary crossing on the record: refused (the action was undone) or heard as voice."""
    uow.session.add(
        CrossingRow(
            team_id=team.id,
            decision_id=decision_id,
            domain=domain,
            person_id=actor.person_id,
            role=actor.role,
            action=action.value,
            basis=basis,
            why=why,
            refused=refused,
            at=uow.now,
        )
    )


def check(
    team: TeamRow,
    action: Action,
    actor: Actor,
    rights: DomainRights,
    decision: DecisionRow | None = None,
) -> None:
    """Refuse (``Refusal``) unless the rights table lets ``actor`` take ``action`` (on ``decision``)."""
    standing = Standing(
        actor.handle,
        actor.role,
        rights,
        proposer=decision is not None and decision.proposer_id == actor.person_id,
        number=decision.number if decision is not None else None,
    )
    refused = denial(action, standing)
    if refused is not None:
        raise Refusal(
            team.name,
            actor,
            action,
            rights.name,
            refused.why,
            hint=refused.hint,
            decision_id=decision.id if decision is not None else None,
        )


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
        return Actor(person_row.id, person_row.handle, role, rights.grant(role))
    ranked = strongest_first(rights, person.roles)
    if not ranked:
        return Actor(person_row.id, person_row.handle, person.roles[0], None)
    strongest = rights.grants[ranked[0]].right
    best = [role for role in ranked if rights.grants[role].right is strongest]
    if len(best) > 1:
        raise InvalidInput(
            f"{handle} holds {strongest.value} in {rights.name} as {' and '.join(best)}",
            hint=f"say which with --role {best[0]}",
        )
    return Actor(person_row.id, person_row.handle, ranked[0], rights.grant(ranked[0]))


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
        blocked_by = decision.resolution["blocked_by"]
        changed = DecisionStateChanged(decision.number, before, resolution.state.value, blocked_by)
        uow.record(team, changed, actor=actor, decision_id=decision.id)
    if resolution.state is State.APPROVED:
        decision.settled_at = uow.now
        settled = DecisionSettled(decision.number, State.APPROVED.value, decision.revision)
        uow.record(team, settled, actor=actor, decision_id=decision.id)
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

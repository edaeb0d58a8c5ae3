"""Enforcing the rights table: who is acting in which role, and refusing (and recording) what the charter
does not allow. Every capability's handlers use it; a refusal is a boundary crossing on the record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from remit.charter import ROLES, Charter, DomainRights, Grant
from remit.charter.events import ActionRefused, CrossingRecorded
from remit.charter.rights import Action, Standing, denial, strongest_first
from remit.charter.tables import CharterVersionRow, CrossingRow, PersonRow
from remit.charter.teams import current_version, trusted_charter
from remit.kernel.errors import InvalidInput, NotFound, RemitError, RightsRefused
from remit.kernel.refusals import MustRecord
from remit.kernel.uow import TeamRef, UnitOfWork


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
    incident_id: int | None = None

    def record(self, uow: UnitOfWork) -> RemitError:
        with uow:
            team = uow.team(self.team)
            row = add_crossing(
                uow,
                team,
                self.actor,
                self.action,
                self.domain,
                self.why,
                self.decision_id,
                refused=True,
                incident_id=self.incident_id,
            )
            refused = ActionRefused(self.action.value, self.domain, self.actor.role, self.why, row.id, self.incident_id)
            uow.record(
                team,
                refused,
                actor=self.actor.handle,
                decision_id=self.decision_id,
            )
            error = RightsRefused(f"refused: {self.why}", hint=self.hint)
            uow.commit(error)
            return error


def add_crossing(
    uow: UnitOfWork,
    team: TeamRef,
    actor: Actor,
    action: Action,
    domain: str,
    why: str,
    decision_id: int | None,
    *,
    basis: str | None = None,
    refused: bool,
    incident_id: int | None = None,
) -> CrossingRow:
    """A boundary crossing on the record: refused (the action was undone; ``Refusal.record`` writes its
    ``ActionRefused``) or heard as voice (a ``CrossingRecorded`` entry of its own)."""
    row = CrossingRow(
        team_id=team.id,
        decision_id=decision_id,
        incident_id=incident_id,
        domain=domain,
        person_id=actor.person_id,
        role=actor.role,
        action=action.value,
        basis=basis,
        why=why,
        refused=refused,
        at=uow.now,
    )
    uow.session.add(row)
    uow.session.flush()  # the row's id goes on the record
    if not refused:
        crossed = CrossingRecorded(action.value, domain, actor.role, basis, why, row.id)
        uow.record(team, crossed, actor=actor.handle, decision_id=decision_id)
    return row


def check(
    team: TeamRef,
    action: Action,
    actor: Actor,
    rights: DomainRights,
    *,
    proposer: bool = False,
    number: int | None = None,
    decision_id: int | None = None,
    commander: bool = False,
    incident_id: int | None = None,
) -> None:
    """Refuse (``Refusal``) unless the rights table lets ``actor`` take ``action`` (on decision ``number``,
    which they proposed or not; or on an incident, whose commander they are or not)."""
    standing = Standing(actor.handle, actor.role, rights, proposer=proposer, number=number, commander=commander)
    refused = denial(action, standing)
    if refused is not None:
        raise Refusal(
            team.name,
            actor,
            action,
            rights.name,
            refused.why,
            hint=refused.hint,
            decision_id=decision_id,
            incident_id=incident_id,
        )


def team_charter(uow: UnitOfWork, team: TeamRef) -> tuple[CharterVersionRow, Charter]:
    row = current_version(uow, team)
    return row, trusted_charter(uow, row)


def domain_rights(charter: Charter, domain: str) -> DomainRights:
    rights = charter.domain(domain)
    if rights is None:
        raise InvalidInput(f"the charter has no domain '{domain}'", hint=f"domains: {', '.join(charter.domains)}")
    return rights


@dataclass(frozen=True)
class Member:
    """A person's row on the team's roster, read with what else an action read (no ORM object)."""

    id: int
    handle: str
    active: bool


_PERSON = select(PersonRow).where(PersonRow.team_id == bindparam("team_id"), PersonRow.handle == bindparam("handle"))


def acting(
    uow: UnitOfWork | Member | None,
    team: TeamRef,
    charter: Charter,
    rights: DomainRights,
    handle: str,
    role: str | None = None,
    *,
    action: Action | None = None,
    decision_id: int | None = None,
) -> Actor:
    """The person and the role they act in: their roster row is read with ``uow``, or was already read (a
    ``Member``, or None: nobody of that handle on the team). With no ``role``, their strongest right in the
    domain. Claiming a role the roster does not give them, for ``action``, is refused and recorded as a
    boundary crossing."""
    if isinstance(uow, UnitOfWork):
        person_row: PersonRow | Member | None = uow.session.scalars(
            _PERSON, {"team_id": team.id, "handle": handle}
        ).one_or_none()
    else:
        person_row = uow
    person = charter.person(handle)
    if person_row is None or person is None or not person_row.active:
        raise NotFound(
            f"nobody called '{handle}' is on team {team.name}'s roster", hint=f"people: {', '.join(charter.people)}"
        )
    if role is not None:
        if role not in person.roles:
            why = f"{handle} is not {role} (roles: {', '.join(person.roles)})"
            hint = "a person acts only in the roles the roster gives them"
            if action is None or role not in ROLES:  # not a role at all: bad input, not a claim
                raise InvalidInput(why, hint=hint if role in ROLES else f"roles: {', '.join(ROLES)}")
            held = (strongest_first(rights, person.roles) or list(person.roles))[0]  # counted under a role they hold
            claimer = Actor(person_row.id, person_row.handle, held, rights.grant(held))
            raise Refusal(team.name, claimer, action, rights.name, why, hint=hint, decision_id=decision_id)
        return Actor(person_row.id, person_row.handle, role, rights.grant(role))
    ranked = strongest_first(rights, person.roles)
    if not ranked:
        return Actor(person_row.id, person_row.handle, person.roles[0], None)
    strongest = rights.grants[ranked[0]].right
    best = [role for role in ranked if rights.grants[role].right is strongest]
    if len(best) > 1:
        raise InvalidInput(
            f"{handle} holds {strongest.value} in {rights.name} as {' and '.join(best)}",
            hint=f"say which role you act in, e.g. {best[0]}",
        )
    return Actor(person_row.id, person_row.handle, ranked[0], rights.grant(ranked[0]))

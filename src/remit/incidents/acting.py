"""What every incident action shares: the team locked, who acts in which role in the charter's
``incident-response`` domain, the incident loaded by its number, and the rights table's check on it (a refusal
is a boundary crossing on the incident's record). The bug board's link to an incident (``tracker``) acts
through the same door."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from remit.charter import DomainRights
from remit.charter.enforce import Actor, acting, check, domain_rights, team_charter
from remit.charter.rights import Action
from remit.incidents.tables import IncidentRow
from remit.kernel.commands import Caller
from remit.kernel.errors import NotFound
from remit.kernel.events import Event
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

DOMAIN = "incident-response"


@dataclass(frozen=True)
class Acting:
    """The team (locked), its charter's incident-response rights, and the caller in their strongest role there."""

    team: TeamRow
    rights: DomainRights
    who: Actor

    def record(self, uow: UnitOfWork, event: Event) -> None:
        """``event`` on the team's chain, as the person acting."""
        uow.record(self.team, event, actor=self.who.handle)


def start(uow: UnitOfWork, caller: Caller) -> Acting:
    """The team locked, its charter's incident-response rights, and the caller in their strongest role there."""
    team = uow.team(caller.team)
    _version, charter = team_charter(uow, team)
    rights = domain_rights(charter, DOMAIN)
    return Acting(team, rights, acting(uow, team, charter, rights, caller.handle))


def load_incident(uow: UnitOfWork, team: TeamRow, number: int) -> IncidentRow:
    row = uow.session.scalars(
        select(IncidentRow).where(IncidentRow.team_id == team.id, IncidentRow.number == number)
    ).one_or_none()
    if row is None:
        raise NotFound(f"no incident #{number} in team {team.name}", hint="`remit incident list` shows them")
    return row


def check_on(a: Acting, action: Action, incident: IncidentRow) -> None:
    """Refuse (``Refusal``, recorded on the incident) unless the rights table lets ``a`` take ``action`` on it
    (as its commander or not)."""
    commands = incident.commander_id == a.who.person_id
    check(a.team, action, a.who, a.rights, number=incident.number, commander=commands, incident_id=incident.id)


def on_incident(uow: UnitOfWork, caller: Caller, number: int, *actions: Action) -> tuple[Acting, IncidentRow]:
    """The start of an action on incident ``number``: the team locked, who acts, the incident (NotFound if the
    team has none by that number), and each of ``actions`` checked on it, in order."""
    a = start(uow, caller)
    incident = load_incident(uow, a.team, number)
    for action in actions:
        check_on(a, action, incident)
    return a, incident

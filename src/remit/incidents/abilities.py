"""What a person may do on the incident pages, read from the one rights table (``charter/rights.py``), so a
page offers only the forms the handlers will accept. Reads never write."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from remit.charter.enforce import acting, domain_rights, team_charter
from remit.charter.model import READ_ONLY_ROLES
from remit.charter.rights import Action, Standing, allows
from remit.charter.tables import PersonRow
from remit.incidents.acting import DOMAIN, load_incident
from remit.incidents.handlers import unseen_here
from remit.incidents.model import MOVES, Status
from remit.incidents.queries import show_incident
from remit.incidents.views import IncidentView
from remit.kernel.errors import InvalidInput
from remit.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class Can:
    open: bool = False
    update: bool = False
    severity: bool = False
    status: bool = False
    commander: bool = False
    impact: bool = False
    resolve: bool = False
    postmortem: bool = False
    moves: list[str] = field(default_factory=list)  # the statuses the incident may move to by an update
    people: list[str] = field(default_factory=list)  # who may be named commander


def standing(uow: UnitOfWork, team: str, handle: str, number: int | None = None) -> Standing | None:
    """Where ``handle`` stands in incident-response (and on incident ``number``): None if the roster gives
    them no single role to act in."""
    team_row = uow.team(team, lock=False)
    _version, charter = team_charter(uow, team_row)
    rights = domain_rights(charter, DOMAIN)
    try:
        who = acting(uow, team_row, charter, rights, handle)
    except InvalidInput:
        return None
    commander = number is not None and load_incident(uow, team_row, number).commander_id == who.person_id
    return Standing(who.handle, who.role, rights, number=number, commander=commander)


def may_open(*, uow: UnitOfWork, team: str, handle: str) -> bool:
    with uow.reading():
        found = standing(uow, team, handle)
        return found is not None and allows(Action.OPEN_INCIDENT, found)


@dataclass(frozen=True)
class IncidentPage:
    view: IncidentView
    can: Can
    unseen: bool


def incident_page(*, uow: UnitOfWork, team: str, handle: str, number: int) -> IncidentPage:
    with uow.reading():
        view = show_incident(uow=uow, team=team, number=number)
        found = standing(uow, team, handle, number)
        team_row = uow.team(team, lock=False)
        person = uow.session.scalar(
            select(PersonRow.id).where(PersonRow.team_id == team_row.id, PersonRow.handle == handle)
        )
        incident = load_incident(uow, team_row, number)
        unseen = bool(person is not None and unseen_here(uow, team_row, person, incident.id))
        if found is None:
            return IncidentPage(view, Can(), unseen)
        _version, charter = team_charter(uow, team_row)
        status = Status(view.summary.status)
        runs = {
            action: allows(action, found)
            for action in (
                Action.POST_INCIDENT_UPDATE,
                Action.CHANGE_INCIDENT_SEVERITY,
                Action.CHANGE_INCIDENT_STATUS,
                Action.NAME_COMMANDER,
                Action.ANSWER_IMPACT,
                Action.RESOLVE_INCIDENT,
                Action.LINK_POSTMORTEM,
            )
        }
        open_now = status not in (Status.RESOLVED, Status.POSTMORTEM)
        return IncidentPage(
            view,
            Can(
                open=allows(Action.OPEN_INCIDENT, found),
                update=runs[Action.POST_INCIDENT_UPDATE],
                severity=runs[Action.CHANGE_INCIDENT_SEVERITY],
                status=runs[Action.CHANGE_INCIDENT_STATUS] and open_now,
                commander=runs[Action.NAME_COMMANDER] and open_now,
                impact=runs[Action.ANSWER_IMPACT],
                resolve=runs[Action.RESOLVE_INCIDENT] and open_now,
                postmortem=runs[Action.LINK_POSTMORTEM] and not open_now,
                moves=[s.value for s in MOVES[status] if s is not Status.POSTMORTEM],
                people=[p.handle for p in charter.people.values() if not set(p.roles) <= READ_ONLY_ROLES],
            ),
            unseen,
        )

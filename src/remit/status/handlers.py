"""One handler per status-page command. Each locks the team, works out who acts in which role in the
charter's incident-response domain, checks the rights table (a refusal is a boundary crossing on the
record), writes, and records the event; the public page is rendered again after commit (``status/web.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from remit.charter import DomainRights
from remit.charter.enforce import Actor, acting, check, domain_rights, team_charter
from remit.charter.model import Charter
from remit.charter.rights import Action
from remit.incidents.tables import IncidentRow
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import InvalidInput, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.status import board, facts
from remit.status import maintenance as lifecycle
from remit.status.commands import (
    DOMAIN,
    ComponentSet,
    MaintenanceDone,
    ScheduleMaintenance,
    SetComponentStatus,
    UpdateMaintenance,
)
from remit.status.events import ComponentStatusSet, MaintenanceScheduled, MaintenanceUpdated
from remit.status.maintenance import MaintenanceStatus
from remit.status.tables import ComponentStateRow, MaintenanceRow, MaintenanceUpdateRow


@dataclass(frozen=True)
class Acting:
    team: TeamRow
    charter: Charter
    rights: DomainRights
    who: Actor


def start(uow: UnitOfWork, caller: Caller, action: Action) -> Acting:
    """The team locked, and the caller in their strongest incident-response role, once allowed ``action``.
    The commander of an open incident stands as a commander (``owner_side``)."""
    team = uow.team(caller.team)
    _version, charter = team_charter(uow, team)
    rights = domain_rights(charter, DOMAIN)
    who = acting(uow, team, charter, rights, caller.handle, action=action)
    check(team, action, who, rights, commander=facts.commands_an_open_incident(uow, team, who.person_id))
    return Acting(team, charter, rights, who)


def listed(uow: UnitOfWork, team: TeamRow, charter: Charter, names: list[str], field: str) -> list[str]:
    """``names``, each a component the page lists (the charter's [status] components, or one an incident
    named), once."""
    named = {
        c
        for found in uow.session.scalars(select(IncidentRow.components).where(IncidentRow.team_id == team.id))
        for c in found
    }
    known = [*charter.status_components, *sorted(named - set(charter.status_components))]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InvalidInput(
            f"not a component of the status page: {', '.join(unknown)}",
            hint=f"the page's components (the charter's, then those incidents named): {', '.join(known) or 'none'}",
            field=field,
        )
    return list(dict.fromkeys(names))


def hand_state(uow: UnitOfWork, team: TeamRow, component: str) -> str:
    row = uow.session.scalars(
        select(ComponentStateRow)
        .where(ComponentStateRow.team_id == team.id, ComponentStateRow.component == component)
        .order_by(ComponentStateRow.id.desc())
        .limit(1)
    ).first()
    return row.status if row is not None else "operational"


@COMMANDS.handles(SetComponentStatus)
def set_component_status(uow: UnitOfWork, caller: Caller, command: SetComponentStatus) -> ComponentSet:
    with uow:
        a = start(uow, caller, Action.SET_COMPONENT_STATUS)
        [component] = listed(uow, a.team, a.charter, [command.component], "component")
        before = hand_state(uow, a.team, component)
        row = ComponentStateRow(
            team_id=a.team.id,
            component=component,
            status=command.status.value,
            note=command.note,
            at=uow.now,
            person_id=a.who.person_id,
            role=a.who.role,
        )
        uow.session.add(row)
        uow.session.flush()
        event = ComponentStatusSet(component, row.status, before, command.note, a.who.role)
        uow.record(a.team, event, actor=a.who.handle)
        effective = board.effective_states(uow=uow, team=a.team, charter=a.charter)[component]
        result = ComponentSet(component, row.status, command.note, effective)
        uow.commit(result)
        return result


def load_maintenance(uow: UnitOfWork, team: TeamRow, number: int) -> MaintenanceRow:
    row = uow.session.scalars(
        select(MaintenanceRow).where(MaintenanceRow.team_id == team.id, MaintenanceRow.number == number)
    ).one_or_none()
    if row is None:
        raise NotFound(
            f"no maintenance #{number} in team {team.name}", hint="`remit status maintenance list` shows them"
        )
    return row


def line(uow: UnitOfWork, a: Acting, row: MaintenanceRow, text: str, public: bool) -> MaintenanceUpdateRow:
    written = MaintenanceUpdateRow(
        team_id=a.team.id,
        maintenance_id=row.id,
        at=uow.now,
        person_id=a.who.person_id,
        role=a.who.role,
        status=row.status,
        text=text,
        public=public,
    )
    uow.session.add(written)
    uow.session.flush()
    return written


def done(uow: UnitOfWork, row: MaintenanceRow, written: MaintenanceUpdateRow | None) -> MaintenanceDone:
    status = lifecycle.shown(MaintenanceStatus(row.status), row.scheduled_for, row.scheduled_until, uow.now)
    result = MaintenanceDone(
        row.number, row.name, status, row.scheduled_for, row.scheduled_until, written.id if written else None
    )
    uow.commit(result)
    return result


@COMMANDS.handles(ScheduleMaintenance)
def schedule_maintenance(uow: UnitOfWork, caller: Caller, command: ScheduleMaintenance) -> MaintenanceDone:
    with uow:
        a = start(uow, caller, Action.MANAGE_MAINTENANCE)
        components = listed(uow, a.team, a.charter, command.components, "components")
        lifecycle.check_window(command.scheduled_for, command.scheduled_until)
        if command.scheduled_until <= uow.now:
            raise InvalidInput(
                "the maintenance window is already over", hint="give a window that ends in the future", field="until"
            )
        last = uow.session.scalar(select(func.max(MaintenanceRow.number)).where(MaintenanceRow.team_id == a.team.id))
        row = MaintenanceRow(
            team_id=a.team.id,
            number=(last or 0) + 1,
            name=command.name,
            components=components,
            scheduled_for=command.scheduled_for,
            scheduled_until=command.scheduled_until,
            status=MaintenanceStatus.SCHEDULED.value,
            created_at=uow.now,
            created_by_id=a.who.person_id,
        )
        uow.session.add(row)
        uow.session.flush()
        written = line(uow, a, row, command.message, True)
        event = MaintenanceScheduled(
            row.number,
            row.name,
            components,
            command.scheduled_for.isoformat(),
            command.scheduled_until.isoformat(),
            written.id,
            command.message,
            a.who.role,
        )
        uow.record(a.team, event, actor=a.who.handle)
        return done(uow, row, written)


def caught_up(row: MaintenanceRow, uow: UnitOfWork) -> MaintenanceStatus:
    """Where the maintenance stands now, written down when the clock moved it (began, or ended, on time)."""
    now = MaintenanceStatus(
        lifecycle.shown(MaintenanceStatus(row.status), row.scheduled_for, row.scheduled_until, uow.now)
    )
    if now.value != row.status:
        row.status = now.value
        if now is MaintenanceStatus.IN_PROGRESS:
            row.started_at = row.scheduled_for
        if now is MaintenanceStatus.COMPLETED:
            row.ended_at = row.scheduled_until
    return now


@COMMANDS.handles(UpdateMaintenance)
def update_maintenance(uow: UnitOfWork, caller: Caller, command: UpdateMaintenance) -> MaintenanceDone:
    with uow:
        a = start(uow, caller, Action.MANAGE_MAINTENANCE)
        row = load_maintenance(uow, a.team, command.number)
        if command.status is None and not command.message:
            raise InvalidInput("the update says nothing", hint="give a status, a message or both")
        if command.public and not command.message:
            raise InvalidInput(
                "a public update needs a message", hint="say what customers should read", field="message"
            )
        stored = MaintenanceStatus(row.status)
        now = caught_up(row, uow)
        status_from = None
        if command.status is not None and command.status is now is not stored:  # the clock moved it: confirmed
            status_from = stored.value
        elif command.status is not None:
            status_from, row.status = now.value, lifecycle.move(command.number, now, command.status).value
            if command.status is MaintenanceStatus.IN_PROGRESS and row.started_at is None:
                row.started_at = uow.now  # begun by hand (the clock's start is written by ``caught_up``)
            if command.status in lifecycle.OVER:
                row.ended_at = uow.now
        written = line(uow, a, row, command.message, command.public)
        event = MaintenanceUpdated(
            row.number, written.id, row.status, status_from, command.message, command.public, a.who.role
        )
        uow.record(a.team, event, actor=a.who.handle)
        return done(uow, row, written)

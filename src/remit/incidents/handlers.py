"""One handler per incident command. Each starts the same way (``incidents/acting.py``: the team locked, who
acts in which role in the charter's ``incident-response`` domain, the incident, the rights table's check, a
refusal being a boundary crossing on the record), then writes the incident and a line of its timeline, and
records the event; ``incidents/subscribers.py`` tells and asks people in the same transaction."""

from __future__ import annotations

from sqlalchemy import func, select, update

from remit.charter import Right
from remit.charter.enforce import check, team_charter
from remit.charter.model import READ_ONLY_ROLES
from remit.charter.rights import Action
from remit.charter.tables import PersonRow
from remit.incidents import subscribers  # noqa: F401 - the notices hear the events raised here
from remit.incidents.acting import Acting, check_on, load_incident, on_incident, start
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    MarkIncidentSeen,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.incidents.events import CommanderNamed, ImpactAnswered, IncidentOpened, IncidentUpdated, PostmortemLinked
from remit.incidents.model import CLOSED, Severity, Status, UpdateKind, move
from remit.incidents.results import IncidentDone
from remit.incidents.tables import IncidentNoticeRow, IncidentRow, IncidentUpdateRow
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import InvalidInput, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork


def handle_of(uow: UnitOfWork, person_id: int) -> str:
    return uow.session.get_one(PersonRow, person_id).handle


def line(
    uow: UnitOfWork, a: Acting, incident: IncidentRow, kind: UpdateKind, text: str, public: bool, **changed: str | None
) -> IncidentUpdateRow:
    """A line on the incident's timeline, stamped now, with the status and severity as they stand after it."""
    row = IncidentUpdateRow(
        team_id=a.team.id,
        incident_id=incident.id,
        at=uow.now,
        person_id=a.who.person_id,
        role=a.who.role,
        kind=kind.value,
        text=text,
        public=public,
        status=incident.status,
        severity=incident.severity,
        status_from=changed.get("status_from"),
        severity_from=changed.get("severity_from"),
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def done(uow: UnitOfWork, incident: IncidentRow, written: IncidentUpdateRow | None) -> IncidentDone:
    result = IncidentDone(
        incident.number,
        incident.title,
        incident.severity,
        incident.status,
        handle_of(uow, incident.commander_id),
        written.id if written else None,
    )
    uow.commit(result)
    return result


def public_needs_text(text: str, public: bool) -> None:
    if public and not text:
        raise InvalidInput("a public update needs a message", hint="say what customers should read", field="message")


@COMMANDS.handles(OpenIncident)
def open_incident(uow: UnitOfWork, caller: Caller, command: OpenIncident) -> IncidentDone:
    with uow:
        a = start(uow, caller)
        check(a.team, Action.OPEN_INCIDENT, a.who, a.rights)
        public_needs_text(command.message, command.public)
        last = uow.session.scalar(select(func.max(IncidentRow.number)).where(IncidentRow.team_id == a.team.id))
        incident = IncidentRow(
            team_id=a.team.id,
            number=(last or 0) + 1,
            title=command.title,
            severity=command.severity.value,
            status=Status.INVESTIGATING.value,
            components=list(dict.fromkeys(command.components)),
            opened_by_id=a.who.person_id,
            commander_id=a.who.person_id,
            opened_at=uow.now,
        )
        uow.session.add(incident)
        uow.session.flush()
        written = line(uow, a, incident, UpdateKind.OPENED, command.message, command.public)
        opened = IncidentOpened(
            incident.number,
            incident.title,
            incident.severity,
            list(incident.components),
            a.who.handle,
            a.who.role,
            written.id,
            a.rights.roles_with(Right.CONSULT),
            a.rights.informed,
            command.message,
            command.public,
        )
        a.record(uow, opened)
        return done(uow, incident, written)


@COMMANDS.handles(UpdateIncident)
def update_incident(uow: UnitOfWork, caller: Caller, command: UpdateIncident) -> IncidentDone:
    with uow:
        a, incident = on_incident(uow, caller, command.number)  # an empty update is bad input before a refusal
        if command.status is None and command.severity is None and not command.message:
            raise InvalidInput("the update says nothing", hint="give a status, a severity or a message")
        if command.severity is not None:
            check_on(a, Action.CHANGE_INCIDENT_SEVERITY, incident)
        if command.status is not None:
            check_on(a, Action.CHANGE_INCIDENT_STATUS, incident)
        check_on(a, Action.POST_INCIDENT_UPDATE, incident)
        public_needs_text(command.message, command.public)
        return changed(uow, a, incident, command.status, command.severity, command.message, command.public)


def changed(
    uow: UnitOfWork,
    a: Acting,
    incident: IncidentRow,
    status: Status | None,
    severity: Severity | None,
    text: str,
    public: bool,
) -> IncidentDone:
    """Move the incident (status, severity), write the timeline's line and record it."""
    status_from = severity_from = None
    if severity is not None:
        if severity.value == incident.severity:
            raise InvalidInput(
                f"incident #{incident.number} is already {severity}", hint="give another severity", field="severity"
            )
        severity_from, incident.severity = incident.severity, severity.value
    if status is not None:
        if status is Status.POSTMORTEM:
            raise InvalidInput(
                f"incident #{incident.number} moves to postmortem when its postmortem is linked",
                hint=f"`remit incident postmortem {incident.number} URL`, or the postmortem form",
                field="status",
            )
        status_from, incident.status = incident.status, move(incident.number, Status(incident.status), status).value
        if status is Status.RESOLVED:
            incident.resolved_at = uow.now
    moved = {"status_from": status_from, "severity_from": severity_from}
    written = line(uow, a, incident, UpdateKind.UPDATE, text, public, **moved)
    event = IncidentUpdated(
        incident.number, written.id, a.who.role, text, public, incident.status, incident.severity, **moved
    )
    a.record(uow, event)
    return done(uow, incident, written)


@COMMANDS.handles(ResolveIncident)
def resolve_incident(uow: UnitOfWork, caller: Caller, command: ResolveIncident) -> IncidentDone:
    with uow:
        a, incident = on_incident(uow, caller, command.number, Action.RESOLVE_INCIDENT)
        public_needs_text(command.message, command.public)
        return changed(uow, a, incident, Status.RESOLVED, None, command.message, command.public)


@COMMANDS.handles(NameCommander)
def name_commander(uow: UnitOfWork, caller: Caller, command: NameCommander) -> IncidentDone:
    with uow:
        a, incident = on_incident(uow, caller, command.number, Action.NAME_COMMANDER)
        _version, charter = team_charter(uow, a.team)
        person = charter.person(command.handle)
        row = uow.session.scalars(
            select(PersonRow).where(PersonRow.team_id == a.team.id, PersonRow.handle == command.handle)
        ).one_or_none()
        if person is None or row is None or not row.active:
            raise NotFound(
                f"nobody called '{command.handle}' is on team {a.team.name}'s roster",
                hint=f"people: {', '.join(charter.people)}",
            )
        if set(person.roles) <= READ_ONLY_ROLES:
            raise InvalidInput(
                f"{command.handle} is a stakeholder: stakeholders read, they never run an incident",
                hint="name the on-call engineer",
                field="handle",
            )
        if Status(incident.status) in CLOSED:
            raise InvalidInput(f"incident #{incident.number} is {incident.status}: it needs no commander now")
        if row.id == incident.commander_id:
            raise InvalidInput(f"{command.handle} already commands incident #{incident.number}", field="handle")
        incident.commander_id = row.id
        written = line(uow, a, incident, UpdateKind.COMMANDER, f"{command.handle} is the commander", False)
        a.record(uow, CommanderNamed(incident.number, written.id, command.handle, a.who.role))
        return done(uow, incident, written)


@COMMANDS.handles(AnswerImpact)
def answer_impact(uow: UnitOfWork, caller: Caller, command: AnswerImpact) -> IncidentDone:
    with uow:
        a, incident = on_incident(uow, caller, command.number, Action.ANSWER_IMPACT)
        incident.impact, incident.impact_by_id, incident.impact_at = command.impact, a.who.person_id, uow.now
        written = line(uow, a, incident, UpdateKind.IMPACT, command.impact, False)
        a.record(uow, ImpactAnswered(incident.number, written.id, a.who.role, command.impact))
        return done(uow, incident, written)


@COMMANDS.handles(LinkPostmortem)
def link_postmortem(uow: UnitOfWork, caller: Caller, command: LinkPostmortem) -> IncidentDone:
    with uow:
        a, incident = on_incident(uow, caller, command.number, Action.LINK_POSTMORTEM)
        if Status(incident.status) not in CLOSED:
            raise InvalidInput(
                f"incident #{incident.number} is {incident.status}: resolve it before linking its postmortem",
                hint=f"`remit incident resolve {incident.number}`",
                field="postmortem link",
            )
        status_from = incident.status
        incident.status, incident.postmortem_url = Status.POSTMORTEM.value, command.url
        written = line(uow, a, incident, UpdateKind.POSTMORTEM, command.url, command.public, status_from=status_from)
        linked = PostmortemLinked(
            incident.number, written.id, a.who.role, command.url, status_from, incident.status, command.public
        )
        a.record(uow, linked)
        return done(uow, incident, written)


def unseen_here(uow: UnitOfWork, team: TeamRow, person_id: int, incident_id: int) -> list[int]:
    return list(
        uow.session.scalars(
            select(IncidentNoticeRow.id).where(
                IncidentNoticeRow.team_id == team.id,
                IncidentNoticeRow.incident_id == incident_id,
                IncidentNoticeRow.person_id == person_id,
                IncidentNoticeRow.seen_at.is_(None),
            )
        )
    )


@COMMANDS.handles(MarkIncidentSeen)
def mark_seen(uow: UnitOfWork, caller: Caller, command: MarkIncidentSeen) -> int:
    """The caller opened the incident: what it asked or told them is seen. Only their own notices."""
    with uow:
        team = uow.team(caller.team, lock=False)
        incident = load_incident(uow, team, command.number)
        person = uow.session.scalar(
            select(PersonRow.id).where(PersonRow.team_id == team.id, PersonRow.handle == caller.handle)
        )
        found = unseen_here(uow, team, person, incident.id) if person is not None else []
        if found:
            uow.session.execute(
                update(IncidentNoticeRow)
                .where(IncidentNoticeRow.id.in_(found), IncidentNoticeRow.seen_at.is_(None))
                .values(seen_at=uow.now)
            )
            uow.commit()
        return len(found)

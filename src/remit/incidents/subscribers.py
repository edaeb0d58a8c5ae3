"""Telling and asking people about incidents: "The PM is informed automatically on open and at every severity
change, and asked for customer-impact priority." A ``within`` subscriber on the bus: it writes in the
incident's own transaction, just before it commits, so the notices in the app and the messages beyond it
(``uow.tell``: the outbox the ``notify`` capability delivers from) stand or fall with the change. Who is
reached comes from the charter's ``incident-response`` domain today: the consulted and informed roles, each
person once; the team's own channels hear the opening and every severity and status change."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from remit.charter import Right
from remit.charter.enforce import domain_rights, team_charter
from remit.charter.tables import PersonRow
from remit.incidents.events import CommanderNamed, IncidentOpened, IncidentUpdated, PostmortemLinked
from remit.incidents.notices import Facts, News, NoticeEvent, NoticeKind, message
from remit.incidents.tables import IncidentNoticeRow, IncidentRow
from remit.kernel.events import BUS, Recorded
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

DOMAIN = "incident-response"


def news_of(record: Recorded) -> list[News]:
    """What people are told of: the opening, a severity change, a status change (resolving included)."""
    event = record.event
    if isinstance(event, IncidentOpened):
        return [News(NoticeEvent.OPENED)]
    found: list[News] = []
    if isinstance(event, IncidentUpdated) and event.severity_from is not None:
        found.append(News(NoticeEvent.SEVERITY, f"{event.severity_from} → {event.severity}"))
    if isinstance(event, IncidentUpdated | PostmortemLinked) and event.status_from not in (None, event.status):
        resolved = event.status == "resolved"
        found.append(
            News(NoticeEvent.RESOLVED if resolved else NoticeEvent.STATUS, f"{event.status_from} → {event.status}")
        )
    return found


@BUS.within(IncidentOpened, IncidentUpdated, PostmortemLinked)
def notify_people(uow: UnitOfWork, records: Sequence[Recorded]) -> None:
    for record in records:
        news = news_of(record)
        if news:
            team = uow.session.get_one(TeamRow, record.team_id)
            number = record.event.number  # type: ignore[attr-defined]
            incident = uow.session.scalars(
                select(IncidentRow).where(IncidentRow.team_id == team.id, IncidentRow.number == number)
            ).one()
            for each in news:
                notify(uow, team, incident, each, record)


@BUS.within(CommanderNamed)
def tell_the_commander(uow: UnitOfWork, records: Sequence[Recorded]) -> None:
    """The person named to run an incident is told, in the app and beyond it (unless they named themselves)."""
    for record in records:
        event = record.event
        if not isinstance(event, CommanderNamed) or event.commander == record.actor:
            continue
        team = uow.session.get_one(TeamRow, record.team_id)
        incident = uow.session.scalars(
            select(IncidentRow).where(IncidentRow.team_id == team.id, IncidentRow.number == event.number)
        ).one()
        person = uow.session.get_one(PersonRow, incident.commander_id)
        uow.session.add(
            IncidentNoticeRow(
                team_id=team.id,
                incident_id=incident.id,
                person_id=person.id,
                role="commander",
                kind=NoticeKind.TOLD.value,
                event=NoticeEvent.COMMANDER.value,
                created_at=record.at,
                seen_at=None,
            )
        )
        facts = Facts(
            incident.number,
            incident.title,
            incident.severity,
            incident.status,
            person.handle,
            tuple(incident.components),
        )
        uow.tell(
            team, message(facts, News(NoticeEvent.COMMANDER, f" by {record.actor}"), NoticeKind.TOLD, to=person.handle)
        )


def notify(uow: UnitOfWork, team: TeamRow, incident: IncidentRow, news: News, record: Recorded) -> None:
    _version, charter = team_charter(uow, team)
    rights = domain_rights(charter, DOMAIN)
    consulted = set(rights.roles_with(Right.CONSULT))
    opened = news.event is NoticeEvent.OPENED
    wanted: dict[str, tuple[NoticeKind, str]] = {}  # each person once, in their first role the charter names
    for role in rights.informed:
        kind = NoticeKind.ASKED if opened and role in consulted else NoticeKind.TOLD
        for person in charter.holders(role):
            wanted.setdefault(person.handle, (kind, role))
    people = dict(
        uow.session.execute(
            select(PersonRow.handle, PersonRow.id).where(
                PersonRow.team_id == team.id, PersonRow.handle.in_(wanted), PersonRow.active
            )
        ).all()
    )
    commander = uow.session.get_one(PersonRow, incident.commander_id).handle
    facts = Facts(
        incident.number, incident.title, incident.severity, incident.status, commander, tuple(incident.components)
    )
    for handle in sorted(people):
        kind, role = wanted[handle]
        seen = record.at if handle == record.actor else None  # the actor has seen what they did
        uow.session.add(
            IncidentNoticeRow(
                team_id=team.id,
                incident_id=incident.id,
                person_id=people[handle],
                role=role,
                kind=kind.value,
                event=news.event.value,
                created_at=record.at,
                seen_at=seen,
            )
        )
        if seen is None:
            uow.tell(team, message(facts, news, kind, to=handle, role=role))
    uow.tell(team, message(facts, news, NoticeKind.TOLD, to=None))  # the team's own channels

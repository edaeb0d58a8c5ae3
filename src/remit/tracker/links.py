"""Linking a bug of the board to an incident, and unlinking it: one handler each. Who may is the incident's
business (``Action.LINK_BUG`` in the charter's ``incident-response`` domain: whoever takes part in incident
response, or the incident's commander), so both act through the incidents' door (``incidents/acting.py``): a
refusal is a boundary crossing on the incident's record. A bug or an incident that is not there is bad input,
and nothing is written."""

from __future__ import annotations

from sqlalchemy import func, select

from remit.charter.rights import Action
from remit.incidents.acting import check_on, load_incident, start
from remit.incidents.tables import IncidentRow
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import InvalidInput, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.tracker.commands import LinkBug, UnlinkBug
from remit.tracker.events import BugLinked, BugUnlinked
from remit.tracker.tables import BugIncidentRow, TrackedIssueRow
from remit.tracker.views import BugLink, LinkedIncident


def find_bug(uow: UnitOfWork, team: TeamRow, key: str) -> TrackedIssueRow:
    """The board's bug by its key (``STORM-10``, ``panjf2000/ants#12``), the exact spelling first, else in any
    case; bad input naming the field if the board has none."""
    rows = uow.session.scalars(
        select(TrackedIssueRow)
        .where(TrackedIssueRow.team_id == team.id, func.lower(TrackedIssueRow.key) == key.lower())
        .order_by(TrackedIssueRow.id)
    ).all()
    exact = [row for row in rows if row.key == key]
    if not rows:
        raise InvalidInput(
            f"there is no bug '{key}' on team {team.name}'s board",
            hint="`remit bugs list --q WORDS` (or the board's search) shows each bug's key",
            field="key",
        )
    return (exact or rows)[0]


def _incident(uow: UnitOfWork, team: TeamRow, number: int) -> IncidentRow:
    try:
        return load_incident(uow, team, number)
    except NotFound as missing:
        raise InvalidInput(missing.message, hint=missing.hint, field="incident") from None


def linked(incident: IncidentRow) -> LinkedIncident:
    return LinkedIncident(incident.number, incident.title, incident.status)


@COMMANDS.handles(LinkBug)
def link_bug(uow: UnitOfWork, caller: Caller, command: LinkBug) -> BugLink:
    with uow:
        a = start(uow, caller)
        issue = find_bug(uow, a.team, command.key)
        incident = _incident(uow, a.team, command.incident)
        check_on(a, Action.LINK_BUG, incident)
        link = uow.session.get(BugIncidentRow, issue.id)
        before = None if link is None else uow.session.get_one(IncidentRow, link.incident_id)
        changed = before is None or before.id != incident.id
        previous = before.number if before is not None and changed else None
        if before is not None and changed:
            check_on(a, Action.LINK_BUG, before)  # moving it takes it away from the other incident too
        if changed:
            if link is None:
                link = BugIncidentRow(issue_id=issue.id, team_id=a.team.id)
                uow.session.add(link)
            link.incident_id, link.linked_at, link.linked_by = incident.id, uow.now, a.who.handle
            a.record(uow, BugLinked(issue.source, issue.key, incident.number, previous))
        result = BugLink(issue.source, issue.key, linked(incident), previous, changed)
        uow.commit(result)
        return result


@COMMANDS.handles(UnlinkBug)
def unlink_bug(uow: UnitOfWork, caller: Caller, command: UnlinkBug) -> BugLink:
    with uow:
        a = start(uow, caller)
        issue = find_bug(uow, a.team, command.key)
        link = uow.session.get(BugIncidentRow, issue.id)
        if link is None:
            raise InvalidInput(
                f"{issue.key} is linked to no incident", hint="the board shows each bug's incident", field="key"
            )
        incident = uow.session.get_one(IncidentRow, link.incident_id)
        check_on(a, Action.LINK_BUG, incident)
        uow.session.delete(link)
        a.record(uow, BugUnlinked(issue.source, issue.key, incident.number))
        result = BugLink(issue.source, issue.key, None, incident.number, True)
        uow.commit(result)
        return result

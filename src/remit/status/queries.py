"""Reads for the public page: a team's incidents and their published lines, as a ``Snapshot``. Only public
lines are read out of the timeline; the commander, the customer impact and the postmortem link are never
selected. Reads never write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from remit.charter.model import Charter
from remit.charter.teams import charter_from_text, current_version
from remit.incidents.model import Severity, Status, component_status
from remit.incidents.tables import IncidentRow, IncidentUpdateRow
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.status import facts
from remit.status.model import PublicIncident, PublicUpdate, Snapshot, components_of

RECENT = timedelta(days=14)  # how long a resolved incident stays on the page


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def teams(*, uow: UnitOfWork) -> list[str]:
    """The teams in this database, the first created first (it is the one the root serves)."""
    with uow.reading():
        return list(uow.session.scalars(select(TeamRow.name).order_by(TeamRow.id)))


def heads(*, uow: UnitOfWork) -> dict[str, int]:
    """Each team's audit sequence: it moves whenever anything is recorded for the team, in any process."""
    with uow.reading():
        rows = uow.session.execute(select(TeamRow.name, TeamRow.audit_seq)).all()
        return {row.name: row.audit_seq for row in rows}


def snapshot(*, uow: UnitOfWork, team: str, url: str) -> Snapshot:
    """What ``team``'s public page shows, at ``url``."""
    with uow.reading():
        row = uow.team(team, lock=False)
        charter = charter_from_text(current_version(uow, row).text)
        return team_snapshot(uow, row, charter, url=url)


def team_snapshot(uow: UnitOfWork, row: TeamRow, charter: Charter, *, url: str, public: bool = True) -> Snapshot:
    """The snapshot of a team read in ``uow``: for the public (no private component), or for the team."""
    private = charter.status_private if public else ()
    incidents = uow.session.scalars(
        select(IncidentRow).where(IncidentRow.team_id == row.id).order_by(IncidentRow.number.desc())
    ).all()
    lines = uow.session.execute(
        select(IncidentUpdateRow.incident_id, IncidentUpdateRow.id, IncidentUpdateRow.at)
        .add_columns(IncidentUpdateRow.status, IncidentUpdateRow.text)
        .where(IncidentUpdateRow.team_id == row.id, IncidentUpdateRow.public.is_(True))
        .order_by(IncidentUpdateRow.id)
    ).all()
    published: dict[int, list[PublicUpdate]] = {}
    for incident_id, line_id, at, status, body in lines:
        published.setdefault(incident_id, []).append(PublicUpdate(line_id, _iso(at) or "", status, body))
    moved = uow.session.execute(  # severity changes, internal lines' too: the page showed each state at once
        select(IncidentUpdateRow.incident_id, IncidentUpdateRow.at)
        .add_columns(IncidentUpdateRow.severity_from, IncidentUpdateRow.severity)
        .where(IncidentUpdateRow.team_id == row.id, IncidentUpdateRow.severity_from.is_not(None))
        .order_by(IncidentUpdateRow.id)
    ).all()
    changes: dict[int, list[tuple[str, str]]] = {}
    opened_as: dict[int, str] = {}
    for incident_id, at, before, after in moved:
        opened_as.setdefault(incident_id, _shown(before))
        changes.setdefault(incident_id, []).append((_iso(at) or "", _shown(after)))
    found = tuple(
        PublicIncident(
            number=i.number,
            name=i.title,
            status=i.status,
            impact=Severity(i.severity).impact,
            component_status=component_status(Severity(i.severity), Status.INVESTIGATING),
            components=tuple(c for c in i.components if c not in private),
            created_at=_iso(i.opened_at) or "",
            resolved_at=_iso(i.resolved_at),
            updates=tuple(published.get(i.id, [])),
            changes=tuple(changes.get(i.id, [])),
            opened_as=opened_as.get(i.id, ""),
        )
        for i in incidents
    )
    found_facts = facts.public_facts(uow, row, charter) if public else facts.team_facts(uow, row)
    components = components_of(charter.status_components, found, private)
    return Snapshot(
        team=row.name,
        name=charter.name,
        url=url,
        time_zone=charter.time_zone,
        since=_iso(row.created_at) or "",
        components=components,
        incidents=found,
        now=_iso(uow.now) or "",
        groups={
            g: kept
            for g, members in charter.status_groups.items()
            if (kept := tuple(c for c in members if c in components))
        },
        hands=found_facts.hands,
        hand_spans=found_facts.hand_spans,
        maintenances=found_facts.maintenances,
    )


def _shown(severity: str) -> str:
    """What an open incident of ``severity`` shows for its components."""
    return component_status(Severity(severity), Status.INVESTIGATING)


def recently_resolved(s: Snapshot, now: datetime) -> list[PublicIncident]:
    """The resolved incidents the page still shows: resolved in the last two weeks."""
    since = (now - RECENT).isoformat()
    return [i for i in s.incidents if not i.unresolved and (i.resolved_at or "") >= since]

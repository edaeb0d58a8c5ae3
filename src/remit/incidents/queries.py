"""Reads: an incident with its timeline, impact consult, timings and crossings; the team's incidents; the
timings per severity; what incidents asked or told a person. Reads never write."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from remit.charter.tables import CrossingRow, PersonRow
from remit.incidents.acting import load_incident
from remit.incidents.model import CLOSED, OPEN, Severity
from remit.incidents.tables import IncidentNoticeRow, IncidentRow, IncidentUpdateRow
from remit.incidents.timings import SeverityTimings, by_severity, timings
from remit.incidents.views import Concern, CrossingEntry, Impact, IncidentSummary, IncidentView, TimelineEntry
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

MAX_CONCERNS = 50


def _iso(moment: object) -> str | None:
    return None if moment is None else moment.isoformat()  # type: ignore[attr-defined]


def _handles(uow: UnitOfWork, team: TeamRow) -> dict[int, str]:
    return dict(uow.session.execute(select(PersonRow.id, PersonRow.handle).where(PersonRow.team_id == team.id)).all())


def _summary(row: IncidentRow, handles: dict[int, str]) -> IncidentSummary:
    return IncidentSummary(
        row.number,
        row.title,
        row.severity,
        row.status,
        list(row.components),
        handles.get(row.commander_id, "?"),
        row.opened_at.isoformat(),
        _iso(row.resolved_at),
    )


def _timeline(uow: UnitOfWork, incident_id: int, handles: dict[int, str]) -> list[TimelineEntry]:
    rows = uow.session.scalars(
        select(IncidentUpdateRow).where(IncidentUpdateRow.incident_id == incident_id).order_by(IncidentUpdateRow.id)
    ).all()
    return [
        TimelineEntry(
            r.id,
            r.at.isoformat(),
            r.kind,
            handles.get(r.person_id, "?"),
            r.role,
            r.text,
            r.public,
            r.status,
            r.severity,
            r.status_from,
            r.severity_from,
        )
        for r in rows
    ]


def show_incident(*, uow: UnitOfWork, team: str, number: int) -> IncidentView:
    with uow.reading():
        team_row = uow.team(team, lock=False)
        row = load_incident(uow, team_row, number)
        handles = _handles(uow, team_row)
        timeline = _timeline(uow, row.id, handles)
        asked = uow.session.execute(
            select(IncidentNoticeRow.person_id, IncidentNoticeRow.created_at)
            .where(IncidentNoticeRow.incident_id == row.id, IncidentNoticeRow.kind == "asked")
            .order_by(IncidentNoticeRow.id)
        ).all()
        crossings = uow.session.scalars(
            select(CrossingRow).where(CrossingRow.incident_id == row.id).order_by(CrossingRow.id)
        ).all()
        impact = Impact(
            [handles.get(person, "?") for person, _at in asked],
            _iso(asked[0][1]) if asked else None,
            row.impact,
            handles.get(row.impact_by_id) if row.impact_by_id else None,
            _iso(row.impact_at),
        )
        return IncidentView(
            _summary(row, handles),
            handles.get(row.opened_by_id, "?"),
            impact,
            row.postmortem_url,
            timeline,
            timings([entry.as_update() for entry in timeline]).as_dict(),
            [
                CrossingEntry(handles.get(c.person_id or 0), c.role, c.action, c.why, c.at.isoformat())
                for c in crossings
            ],
        )


def list_incidents(*, uow: UnitOfWork, team: str, open_only: bool = False) -> list[IncidentSummary]:
    """The team's incidents, newest first (``open_only``: investigating, identified or monitoring)."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        query = select(IncidentRow).where(IncidentRow.team_id == team_row.id).order_by(IncidentRow.number.desc())
        if open_only:
            query = query.where(IncidentRow.status.in_([s.value for s in OPEN]))
        handles = _handles(uow, team_row)
        return [_summary(row, handles) for row in uow.session.scalars(query)]


def severity_timings(*, uow: UnitOfWork, team: str) -> list[SeverityTimings]:
    """The timings per severity over the team's incidents (each under the severity it has now)."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        rows = uow.session.scalars(select(IncidentRow).where(IncidentRow.team_id == team_row.id)).all()
        handles = _handles(uow, team_row)
        found = []
        for row in rows:
            timeline = [entry.as_update() for entry in _timeline(uow, row.id, handles)]
            found.append((Severity(row.severity), timings(timeline)))
        return by_severity(found)


def concerns(*, uow: UnitOfWork, team: str, handle: str) -> list[Concern]:
    """What incidents asked or told ``handle`` that they have not opened yet, newest first; an unanswered
    customer-impact consult stays until it is answered or the incident is over."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        person = uow.session.scalar(
            select(PersonRow.id).where(PersonRow.team_id == team_row.id, PersonRow.handle == handle)
        )
        if person is None:
            return []
        incident = aliased(IncidentRow)
        unanswered = (
            (IncidentNoticeRow.kind == "asked")
            & incident.impact.is_(None)
            & incident.status.not_in([s.value for s in CLOSED])
        )
        rows = uow.session.execute(
            select(IncidentNoticeRow, incident)
            .join(incident, incident.id == IncidentNoticeRow.incident_id)
            .where(IncidentNoticeRow.person_id == person, IncidentNoticeRow.seen_at.is_(None) | unanswered)
            .order_by(IncidentNoticeRow.id.desc())
            .limit(MAX_CONCERNS)
        ).all()
        return [
            Concern(
                inc.number,
                inc.title,
                inc.severity,
                inc.status,
                notice.kind,
                notice.role,
                notice.event,
                notice.created_at.isoformat(),
                inc.impact is not None,
            )
            for notice, inc in rows
        ]

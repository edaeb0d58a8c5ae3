"""Incidents and their timelines, rebuilt from the audit chain (``incidents/rebuild.py``, pure) and read from
the tables, for ``remit audit verify`` to compare."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.charter.tables import PersonRow
from remit.incidents.rebuild import KINDS, rebuild
from remit.incidents.tables import IncidentRow, IncidentUpdateRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc


class IncidentsProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        handles = dict(
            session.execute(select(PersonRow.id, PersonRow.handle).where(PersonRow.team_id == team_id)).all()
        )
        incidents = session.scalars(
            select(IncidentRow).where(IncidentRow.team_id == team_id).order_by(IncidentRow.number)
        ).all()
        numbers = {row.id: row.number for row in incidents}
        rows: Rows = {"incidents": {}, "incident_updates": {}}
        for row in incidents:
            rows["incidents"][row.number] = Row(
                f"#{row.number}",
                {
                    "title": row.title,
                    "severity": row.severity,
                    "status": row.status,
                    "components": list(row.components),
                    "commander": handles.get(row.commander_id),
                    "opened_by": handles.get(row.opened_by_id),
                    "opened_at": utc(row.opened_at),
                    "resolved_at": utc(row.resolved_at),
                    "impact": row.impact,
                    "impact_by": handles.get(row.impact_by_id) if row.impact_by_id else None,
                    "impact_at": utc(row.impact_at),
                    "postmortem_url": row.postmortem_url,
                },
            )
        updates = session.scalars(
            select(IncidentUpdateRow).where(IncidentUpdateRow.team_id == team_id).order_by(IncidentUpdateRow.id)
        )
        for line in updates:
            number = numbers.get(line.incident_id)
            rows["incident_updates"][line.id] = Row(
                f"{line.id} on #{number}",
                {
                    "number": number,
                    "kind": line.kind,
                    "author": handles.get(line.person_id),
                    "role": line.role,
                    "at": utc(line.at),
                    "status": line.status,
                    "severity": line.severity,
                    "public": line.public,
                    "status_from": line.status_from,
                    "severity_from": line.severity_from,
                    "text": line.text,
                },
            )
        return rows


PROJECTOR = IncidentsProjector()

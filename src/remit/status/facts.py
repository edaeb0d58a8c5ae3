"""The status page's own facts, read (never written): the states set by hand and their history, and the
maintenances with their lines, as the public page takes them (``public_facts``: no private component, no
internal line) and as the team sees them (``team_facts``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from remit.charter.model import Charter
from remit.incidents.model import OPEN
from remit.incidents.tables import IncidentRow
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.status import uptime
from remit.status.maintenance import MaintenanceLine, PublicMaintenance
from remit.status.model import HandState
from remit.status.tables import ComponentStateRow, MaintenanceRow, MaintenanceUpdateRow


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


@dataclass(frozen=True)
class PublicFacts:
    hands: dict[str, HandState]
    hand_spans: dict[str, tuple[uptime.Span, ...]]
    maintenances: tuple[PublicMaintenance, ...]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hand_history(uow: UnitOfWork, team: TeamRow) -> tuple[dict[str, HandState], dict[str, tuple[uptime.Span, ...]]]:
    """Each component's state set by hand now, and the stretches it was set to something else."""
    rows = uow.session.scalars(
        select(ComponentStateRow).where(ComponentStateRow.team_id == team.id).order_by(ComponentStateRow.id)
    ).all()
    hands: dict[str, HandState] = {}
    spans: dict[str, list[uptime.Span]] = {}
    began: dict[str, tuple[datetime, str]] = {}
    for row in rows:
        at = _aware(row.at)
        if row.component in began:
            start, state = began.pop(row.component)
            spans.setdefault(row.component, []).append(uptime.Span(start, at, state))
        if row.status != "operational":
            began[row.component] = (at, row.status)
        hands[row.component] = HandState(row.status, row.note, iso(at) or "")
    for component, (start, state) in began.items():
        spans.setdefault(component, []).append(uptime.Span(start, None, state))
    return hands, {c: tuple(s) for c, s in spans.items()}


def maintenances(uow: UnitOfWork, team: TeamRow, *, public: bool) -> list[tuple[MaintenanceRow, list[Any]]]:
    """The team's maintenances, the latest window first, each with its lines (public ones only if ``public``)."""
    rows = uow.session.scalars(
        select(MaintenanceRow)
        .where(MaintenanceRow.team_id == team.id)
        .order_by(MaintenanceRow.scheduled_for.desc(), MaintenanceRow.number.desc())
    ).all()
    query = select(MaintenanceUpdateRow).where(MaintenanceUpdateRow.team_id == team.id)
    if public:
        query = query.where(MaintenanceUpdateRow.public.is_(True))
    lines: dict[int, list[MaintenanceUpdateRow]] = {}
    for line in uow.session.scalars(query.order_by(MaintenanceUpdateRow.id)):
        lines.setdefault(line.maintenance_id, []).append(line)
    return [(row, lines.get(row.id, [])) for row in rows]


def public_maintenance(
    row: MaintenanceRow, lines: list[MaintenanceUpdateRow], private: tuple[str, ...]
) -> PublicMaintenance:
    return PublicMaintenance(
        number=row.number,
        name=row.name,
        status=row.status,
        components=tuple(c for c in row.components if c not in private),
        scheduled_for=iso(row.scheduled_for) or "",
        scheduled_until=iso(row.scheduled_until) or "",
        created_at=iso(row.created_at) or "",
        started_at=iso(row.started_at),
        ended_at=iso(row.ended_at),
        updates=tuple(MaintenanceLine(line.id, iso(line.at) or "", line.status, line.text) for line in lines),
    )


def public_facts(uow: UnitOfWork, team: TeamRow, charter: Charter) -> PublicFacts:
    """What the public page takes from the status page's own tables: no private component, no internal line.
    A maintenance of private components only is not shown at all."""
    private = charter.status_private
    hands, spans = hand_history(uow, team)
    found = tuple(
        public_maintenance(row, lines, private)
        for row, lines in maintenances(uow, team, public=True)
        if any(c not in private for c in row.components)
    )
    return PublicFacts(
        {c: h for c, h in hands.items() if c not in private},
        {c: s for c, s in spans.items() if c not in private},
        found,
    )


def team_facts(uow: UnitOfWork, team: TeamRow) -> PublicFacts:
    """The same facts for the team itself: private components included (the lines stay the public ones)."""
    hands, spans = hand_history(uow, team)
    found = tuple(public_maintenance(row, lines, ()) for row, lines in maintenances(uow, team, public=True))
    return PublicFacts(hands, spans, found)


def commands_an_open_incident(uow: UnitOfWork, team: TeamRow, person_id: int) -> bool:
    """Whether the person is the commander of an open incident: they stand as a commander (``owner_side``)."""
    found = uow.session.scalar(
        select(IncidentRow.id)
        .where(
            IncidentRow.team_id == team.id,
            IncidentRow.commander_id == person_id,
            IncidentRow.status.in_([s.value for s in OPEN]),
        )
        .limit(1)
    )
    return found is not None

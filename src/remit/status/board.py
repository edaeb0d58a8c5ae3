"""The status page's own facts, read (never written): the states set by hand and their history, the
maintenances, as the public page shows them (``public_facts``) and as the team manages them
(``manage_view``: every line, internal ones included, and who may act)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from remit.charter.enforce import acting, domain_rights, team_charter
from remit.charter.model import Charter
from remit.charter.rights import Action, Standing, allows
from remit.incidents.model import OPEN
from remit.incidents.tables import IncidentRow
from remit.kernel.errors import InvalidInput
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.status import uptime
from remit.status.commands import DOMAIN
from remit.status.maintenance import MaintenanceLine, MaintenanceStatus, PublicMaintenance
from remit.status.model import COMPONENT_STATUSES, HandState
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


def effective_states(*, uow: UnitOfWork, team: TeamRow, charter: Charter) -> dict[str, str]:
    """Each listed component's state as the page shows it (private ones too, for the team)."""
    from remit.status import queries

    snap = queries.team_snapshot(uow, team, charter, url="", public=False)
    return {c: snap.state(c) for c in snap.components}


@dataclass(frozen=True)
class ManageView:
    team: str
    time_zone: str
    components: list[dict[str, Any]]  # name, group, private, hand, note, effective
    maintenances: list[dict[str, Any]]  # every line, internal ones marked
    may_set: bool
    may_manage: bool
    statuses: tuple[str, ...] = COMPONENT_STATUSES

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found.pop("statuses")
        return found


def standing(uow: UnitOfWork, team: TeamRow, charter: Charter, handle: str) -> Standing | None:
    rights = domain_rights(charter, DOMAIN)
    try:
        who = acting(uow, team, charter, rights, handle)
    except InvalidInput:
        return None
    commands = uow.session.scalar(
        select(IncidentRow.id).where(
            IncidentRow.team_id == team.id,
            IncidentRow.commander_id == who.person_id,
            IncidentRow.status.in_([s.value for s in OPEN]),
        )
    )
    return Standing(who.handle, who.role, rights, commander=commands is not None)


def may_manage(*, uow: UnitOfWork, team: str, handle: str) -> bool:
    """Whether ``handle`` may set a component or manage maintenance (the nav's link)."""
    with uow.reading():
        row = uow.team(team, lock=False)
        _version, charter = team_charter(uow, row)
        found = standing(uow, row, charter, handle)
        return found is not None and (
            allows(Action.SET_COMPONENT_STATUS, found) or allows(Action.MANAGE_MAINTENANCE, found)
        )


def manage_view(*, uow: UnitOfWork, team: str, handle: str | None) -> ManageView:
    """The components and maintenances as the team manages them, and what ``handle`` may do."""
    from remit.status import queries

    with uow.reading():
        row = uow.team(team, lock=False)
        _version, charter = team_charter(uow, row)
        snap = queries.team_snapshot(uow, row, charter, url="", public=False)
        found = standing(uow, row, charter, handle) if handle else None
        components = [
            {
                "name": c,
                "group": snap.group_of(c),
                "private": c in charter.status_private,
                "hand": snap.hands[c].status if c in snap.hands else "operational",
                "note": snap.hands[c].note if c in snap.hands else "",
                "effective": snap.state(c),
            }
            for c in snap.components
        ]
        listed = []
        for m_row, lines in maintenances(uow, row, public=False):
            status = snap_status(snap.now, m_row)
            listed.append(
                {
                    "number": m_row.number,
                    "name": m_row.name,
                    "status": status,
                    "components": list(m_row.components),
                    "scheduled_for": iso(m_row.scheduled_for),
                    "scheduled_until": iso(m_row.scheduled_until),
                    "updates": [
                        {"at": iso(line.at), "status": line.status, "text": line.text, "public": line.public}
                        for line in lines
                    ],
                }
            )
        return ManageView(
            team,
            charter.time_zone,
            components,
            listed,
            found is not None and allows(Action.SET_COMPONENT_STATUS, found),
            found is not None and allows(Action.MANAGE_MAINTENANCE, found),
        )


def snap_status(now: str, row: MaintenanceRow) -> str:
    return public_maintenance(row, [], ()).status_at(now) if now else MaintenanceStatus(row.status).value

"""The status page as the team manages it (``manage_view``: every component, private ones too, every
maintenance line, internal ones included, and who may act), read (never written)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from remit.charter.enforce import acting, domain_rights, team_charter
from remit.charter.model import Charter
from remit.charter.rights import Action, Standing, allows
from remit.kernel.errors import InvalidInput
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.status import queries
from remit.status.commands import DOMAIN
from remit.status.facts import commands_an_open_incident, iso, maintenances, public_maintenance
from remit.status.maintenance import MaintenanceStatus
from remit.status.model import COMPONENT_STATUSES
from remit.status.tables import MaintenanceRow


def effective_states(*, uow: UnitOfWork, team: TeamRow, charter: Charter) -> dict[str, str]:
    """Each listed component's state as the page shows it (private ones too, for the team)."""
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
    may_see_subscribers: bool = False  # the subscribers page (MANAGE_STATUS_SUBSCRIBERS: see and remove)
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
    return Standing(who.handle, who.role, rights, commander=commands_an_open_incident(uow, team, who.person_id))


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
            found is not None and allows(Action.MANAGE_STATUS_SUBSCRIBERS, found),
        )


def snap_status(now: str, row: MaintenanceRow) -> str:
    return public_maintenance(row, [], ()).status_at(now) if now else MaintenanceStatus(row.status).value

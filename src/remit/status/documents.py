"""The Statuspage v2 JSON documents of a public status page (``summary.json``, ``components.json``,
``incidents.json``, the ``scheduled-maintenances`` documents, ``status.json``), field for field, built from a
``Snapshot`` (``status/model.py``): only what was published. Plain Python."""

from __future__ import annotations

from typing import Any

from remit.status.maintenance import (
    MaintenanceStatus,
    PublicMaintenance,
    maintenance_lines,
    maintenance_updated_at,
    public_status,
)
from remit.status.model import (
    DESCRIPTIONS,
    INCIDENTS_LISTED,
    MAINTENANCES_LISTED,
    PublicIncident,
    PublicUpdate,
    Snapshot,
    ident,
)


def page_json(s: Snapshot) -> dict[str, Any]:
    return {"id": s.page_id, "name": s.name, "url": s.url, "time_zone": s.time_zone, "updated_at": s.updated_at}


def component_json(s: Snapshot, name: str) -> dict[str, Any]:
    group = s.group_of(name)
    return {
        "id": s.component_id(name),
        "name": name,
        "status": s.state(name),
        "created_at": s.first_named(name),
        "updated_at": s.last_changed(name),
        "position": s.components.index(name) + 1,
        "description": s.note(name) or None,
        "showcase": True,
        "start_date": s.first_named(name)[:10],
        "group_id": s.component_id(group) if group else None,
        "page_id": s.page_id,
        "group": False,
        "only_show_if_degraded": False,
    }


def group_json(s: Snapshot, group: str) -> dict[str, Any]:
    members = s.groups[group]
    return {
        "id": s.component_id(group),
        "name": group,
        "status": s.group_state(group),
        "created_at": min(s.first_named(c) for c in members),
        "updated_at": max(s.last_changed(c) for c in members),
        "position": s.components.index(members[0]) + 1,
        "description": None,
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": s.page_id,
        "group": True,
        "only_show_if_degraded": False,
        "components": [s.component_id(c) for c in members],
    }


def components_json(s: Snapshot) -> list[dict[str, Any]]:
    """Statuspage's list: the components in the page's order, a group standing where its first member does,
    followed by its members."""
    found: list[dict[str, Any]] = []
    for name in s.components:
        group = s.group_of(name)
        if group is None:
            found.append(component_json(s, name))
        elif s.groups[group][0] == name:
            found += [group_json(s, group), *(component_json(s, member) for member in s.groups[group])]
    return found


def maintenance_json(s: Snapshot, m: PublicMaintenance) -> dict[str, Any]:
    mid = ident("maintenance", s.team, m.number)
    lines = maintenance_lines(m, s.now)
    status = public_status(m.status_at(s.now))
    window = m.window(s.now)
    updates = [
        {
            "id": ident("maintenance-update", s.team, m.number, line.id),
            "status": public_status(line.status),
            "body": line.body,
            "incident_id": mid,
            "created_at": line.at,
            "updated_at": line.at,
            "display_at": line.at,
            "affected_components": None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }
        for line in reversed(lines)
    ]
    return {
        "id": mid,
        "name": m.name,
        "status": status,
        "created_at": m.created_at,
        "updated_at": maintenance_updated_at(m, s.now),
        "monitoring_at": next((line.at for line in lines if line.status == MaintenanceStatus.VERIFYING), None),
        "resolved_at": (window[1] if window else m.ended_at) if status == MaintenanceStatus.COMPLETED else None,
        "impact": "maintenance",
        "shortlink": f"{s.url}#maintenance-{m.number}",
        "started_at": window[0] if window else m.scheduled_for,
        "page_id": s.page_id,
        "incident_updates": updates,
        "components": [component_json(s, c) for c in m.components if c in s.components],
        "scheduled_for": m.scheduled_for,
        "scheduled_until": m.scheduled_until,
    }


def update_json(s: Snapshot, incident: PublicIncident, update: PublicUpdate) -> dict[str, Any]:
    return {
        "id": ident("update", s.team, incident.number, update.id),
        "status": update.status,
        "body": update.body,
        "incident_id": s.incident_id(incident.number),
        "created_at": update.at,
        "updated_at": update.at,
        "display_at": update.at,
        "affected_components": None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_json(s: Snapshot, incident: PublicIncident) -> dict[str, Any]:
    return {
        "id": s.incident_id(incident.number),
        "name": incident.name,
        "status": incident.status,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "monitoring_at": incident.monitoring_at,
        "resolved_at": incident.resolved_at,
        "impact": incident.impact,
        "shortlink": f"{s.url}#incident-{incident.number}",
        "started_at": incident.created_at,
        "page_id": s.page_id,
        "incident_updates": [update_json(s, incident, u) for u in reversed(incident.updates)],  # newest first
        "components": [component_json(s, c) for c in incident.components if c in s.components],
    }


def status_json(s: Snapshot) -> dict[str, Any]:
    return {"indicator": s.indicator, "description": DESCRIPTIONS[s.indicator]}


def documents(s: Snapshot) -> dict[str, dict[str, Any]]:
    """Every Statuspage v2 document, by its path under ``/api/v2/``."""
    page = page_json(s)
    components = components_json(s)
    unresolved = [incident_json(s, i) for i in s.unresolved]
    upcoming = [maintenance_json(s, m) for m in s.upcoming]
    active = [maintenance_json(s, m) for m in s.active]
    recent = [maintenance_json(s, m) for m in s.maintenances[:MAINTENANCES_LISTED]]
    return {
        "summary.json": {
            "page": page,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": active + upcoming,
            "status": status_json(s),
        },
        "status.json": {"page": page, "status": status_json(s)},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": [incident_json(s, i) for i in s.incidents[:INCIDENTS_LISTED]]},
        "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": recent},
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
    }

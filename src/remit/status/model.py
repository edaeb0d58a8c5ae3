"""The public status page as Statuspage v2 has it: components with their status, incidents with their
public updates, the page's indicator. Built only from what was published (``incidents.model.public_updates``):
no internal line, no commander, no customer impact, no postmortem notes. Plain Python: the standard library
only; the JSON shapes are Statuspage v2's, field for field, for what Remit has."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

COMPONENT_STATUSES = ("operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance")
IMPACTS = ("none", "minor", "major", "critical")
UNRESOLVED = ("investigating", "identified", "monitoring")
WORST = {"operational": 0, "under_maintenance": 1, "degraded_performance": 2, "partial_outage": 3, "major_outage": 4}
DESCRIPTIONS = {  # Statuspage's words for each indicator
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
}
STATUS_WORDS = {
    "operational": "Operational",
    "degraded_performance": "Degraded performance",
    "partial_outage": "Partial outage",
    "major_outage": "Major outage",
    "under_maintenance": "Under maintenance",
}
INCIDENTS_LISTED = 50  # incidents.json: the newest 50, as Statuspage lists them


def ident(*parts: object) -> str:
    """A stable, opaque id like Statuspage's (12 lowercase letters and digits), from what names the thing."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return digest[:12]


@dataclass(frozen=True)
class PublicUpdate:
    """A published line of an incident's timeline."""

    id: int
    at: str  # ISO 8601, UTC
    status: str
    body: str


@dataclass(frozen=True)
class PublicIncident:
    number: int
    name: str
    status: str  # investigating ... postmortem
    impact: str  # none, minor, major, critical
    component_status: str  # what it means for the components it affects while it is open
    components: tuple[str, ...]
    created_at: str
    resolved_at: str | None
    updates: tuple[PublicUpdate, ...]  # oldest first

    @property
    def unresolved(self) -> bool:
        return self.status in UNRESOLVED

    @property
    def updated_at(self) -> str:
        times = [self.created_at, *(u.at for u in self.updates)]
        if self.resolved_at:
            times.append(self.resolved_at)
        return max(times)

    @property
    def monitoring_at(self) -> str | None:
        return next((u.at for u in self.updates if u.status == "monitoring"), None)


@dataclass(frozen=True)
class Snapshot:
    """Everything the public page shows for one team, and nothing else."""

    team: str
    name: str
    url: str  # the page's public address
    time_zone: str
    since: str  # when the team was created: the components' start when no incident names them
    components: tuple[str, ...]  # in the order the page lists them
    incidents: tuple[PublicIncident, ...]  # newest first

    @property
    def page_id(self) -> str:
        return ident("page", self.team)

    @property
    def updated_at(self) -> str:
        return max([self.since, *(i.updated_at for i in self.incidents)])

    def component_id(self, name: str) -> str:
        return ident("component", self.team, name)

    def incident_id(self, number: int) -> str:
        return ident("incident", self.team, number)

    def state(self, component: str) -> str:
        """Operational unless an unresolved incident affects it; then the worst status those incidents map to."""
        found = [i.component_status for i in self.incidents if i.unresolved and component in i.components]
        return max(found, key=WORST.__getitem__, default="operational")

    def first_named(self, component: str) -> str:
        named = [i.created_at for i in self.incidents if component in i.components]
        return min(named, default=self.since)

    def last_changed(self, component: str) -> str:
        changed = [i.updated_at for i in self.incidents if component in i.components]
        return max(changed, default=self.since)

    @property
    def unresolved(self) -> list[PublicIncident]:
        return [i for i in self.incidents if i.unresolved]

    @property
    def indicator(self) -> str:
        """The worst impact of an unresolved incident; ``none`` when there is none."""
        return max((i.impact for i in self.unresolved), key=IMPACTS.index, default="none")


def components_of(listed: Sequence[str], incidents: Sequence[PublicIncident]) -> tuple[str, ...]:
    """The components the page lists: the charter's list first, in its order; then any other component an
    incident named, by name."""
    named = sorted({c for i in incidents for c in i.components} - set(listed))
    return (*listed, *named)


def page_json(s: Snapshot) -> dict[str, Any]:
    return {"id": s.page_id, "name": s.name, "url": s.url, "time_zone": s.time_zone, "updated_at": s.updated_at}


def component_json(s: Snapshot, name: str) -> dict[str, Any]:
    return {
        "id": s.component_id(name),
        "name": name,
        "status": s.state(name),
        "created_at": s.first_named(name),
        "updated_at": s.last_changed(name),
        "position": s.components.index(name) + 1,
        "description": None,
        "showcase": True,
        "start_date": s.first_named(name)[:10],
        "group_id": None,
        "page_id": s.page_id,
        "group": False,
        "only_show_if_degraded": False,
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
    """Every Statuspage v2 document, by its path under ``/api/v2/``. Scheduled maintenance is an empty list:
    Remit has no maintenance yet."""
    page = page_json(s)
    components = [component_json(s, c) for c in s.components]
    unresolved = [incident_json(s, i) for i in s.unresolved]
    return {
        "summary.json": {
            "page": page,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": [],
            "status": status_json(s),
        },
        "status.json": {"page": page, "status": status_json(s)},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": [incident_json(s, i) for i in s.incidents[:INCIDENTS_LISTED]]},
        "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": []},
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": []},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": []},
    }

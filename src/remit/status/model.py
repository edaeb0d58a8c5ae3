"""The public status page as Statuspage v2 has it: components with their status, incidents with their
public updates, the page's indicator. Built only from what was published (``incidents.model.public_updates``):
no internal line, no commander, no customer impact, no postmortem notes. Plain Python: the standard library
only; the JSON shapes are Statuspage v2's, field for field, for what Remit has."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from remit.status import uptime
from remit.status.maintenance import (
    ACTIVE,
    MaintenanceStatus,
    PublicMaintenance,
    maintenance_updated_at,
)

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
MAINTENANCES_LISTED = 50  # scheduled-maintenances.json: the 50 most recent
WHILE_OPEN = timedelta(minutes=5)  # how often the page is rendered again while a stretch is open: today's
# uptime cell says how long it has lasted ("major outage 1 h 25 min"), and that moves with the clock


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
    # each change of its severity, oldest first: (when, what it then meant for its components). The page
    # showed each at once, so the uptime bar counts every stretch in the state shown then.
    changes: tuple[tuple[str, str], ...] = ()
    opened_as: str = ""  # what its severity at opening meant, if a change moved it since ("": component_status)

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
class HandState:
    """A component's state as the team set it by hand, with its public note."""

    status: str
    note: str
    at: str


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class Snapshot:
    """Everything the public page shows for one team, and nothing else (no private component, no internal
    line, no person)."""

    team: str
    name: str
    url: str  # the page's public address
    time_zone: str
    since: str  # when the team was created: the components' start when no incident names them
    components: tuple[str, ...]  # in the order the page lists them
    incidents: tuple[PublicIncident, ...]  # newest first
    now: str = ""  # when it was read (ISO 8601, UTC): maintenance moves with the clock
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # group -> its public components
    hands: Mapping[str, HandState] = field(default_factory=dict)  # component -> its state set by hand
    hand_spans: Mapping[str, tuple[uptime.Span, ...]] = field(default_factory=dict)  # the hand's history
    maintenances: tuple[PublicMaintenance, ...] = ()  # the latest window first

    @property
    def page_id(self) -> str:
        return ident("page", self.team)

    @property
    def updated_at(self) -> str:
        hands = [h.at for h in self.hands.values()]
        return max([self.since, *(i.updated_at for i in self.incidents), *hands, *self._maintenance_times])

    @property
    def _maintenance_times(self) -> list[str]:
        return [maintenance_updated_at(m, self.now) for m in self.maintenances]

    def component_id(self, name: str) -> str:
        return ident("component", self.team, name)

    def incident_id(self, number: int) -> str:
        return ident("incident", self.team, number)

    def state(self, component: str) -> str:
        """The worst of: the state set by hand, what each unresolved incident naming it maps to, and
        ``under_maintenance`` while a maintenance of it is under way; operational when none says otherwise."""
        found = [i.component_status for i in self.incidents if i.unresolved and component in i.components]
        if component in self.hands:
            found.append(self.hands[component].status)
        if any(m.status_at(self.now) in ACTIVE for m in self.maintenances if component in m.components):
            found.append("under_maintenance")
        return max(found, key=WORST.__getitem__, default="operational")

    def note(self, component: str) -> str:
        hand = self.hands.get(component)
        return hand.note if hand is not None and hand.status != "operational" else ""

    def first_named(self, component: str) -> str:
        named = [i.created_at for i in self.incidents if component in i.components]
        return min(named, default=self.since)

    def last_changed(self, component: str) -> str:
        changed = [i.updated_at for i in self.incidents if component in i.components]
        if component in self.hands:
            changed.append(self.hands[component].at)
        changed += [maintenance_updated_at(m, self.now) for m in self.maintenances if component in m.components]
        return max(changed, default=self.since)

    def group_of(self, component: str) -> str | None:
        return next((g for g, members in self.groups.items() if component in members), None)

    def group_state(self, group: str) -> str:
        return max((self.state(c) for c in self.groups[group]), key=WORST.__getitem__, default="operational")

    def spans(self, component: str) -> list[uptime.Span]:
        """When the component was not operational: its incidents, the hand's states, its maintenance."""
        found = [
            span
            for i in self.incidents
            if component in i.components
            for span in uptime.cut(
                _moment(i.created_at),
                _moment(i.resolved_at) if i.resolved_at else None,
                i.opened_as or i.component_status,
                [(_moment(at), then) for at, then in i.changes],
            )
        ]
        found += self.hand_spans.get(component, ())
        for m in self.maintenances:
            window = m.window(self.now) if component in m.components else None
            if window is not None:
                began, ended = window
                found.append(uptime.Span(_moment(began), _moment(ended) if ended else None, "under_maintenance"))
        return found

    def bar(self, component: str) -> list[uptime.Day]:
        return uptime.bar(self.spans(component), _moment(self.now), self.time_zone)

    @property
    def upcoming(self) -> list[PublicMaintenance]:
        """Announced and not begun, the soonest first."""
        found = [m for m in self.maintenances if m.status_at(self.now) == MaintenanceStatus.SCHEDULED]
        return sorted(found, key=lambda m: m.scheduled_for)

    @property
    def active(self) -> list[PublicMaintenance]:
        return [m for m in self.maintenances if m.status_at(self.now) in ACTIVE]

    def next_change(self) -> str | None:
        """The next moment the clock alone changes what the page shows: a maintenance beginning or ending
        on time, the day rolling over (the uptime bar, the recently resolved), and every ``WHILE_OPEN``
        while an incident, a state set by hand or a maintenance is under way (today's cell grows)."""
        moments = [t for m in self.maintenances if (t := m.next_change(self.now)) is not None]
        if self.now:
            now = _moment(self.now)
            moments.append(uptime.next_midnight(now, self.time_zone).isoformat())
            if self.open_stretch():
                moments.append((now + WHILE_OPEN).isoformat())
        return min(moments, default=None)

    def open_stretch(self) -> bool:
        """Whether a public component is not operational right now, for a stretch still under way."""
        return any(span.end is None for c in self.components for span in self.spans(c))

    @property
    def unresolved(self) -> list[PublicIncident]:
        return [i for i in self.incidents if i.unresolved]

    @property
    def indicator(self) -> str:
        """The worst impact of an unresolved incident; ``none`` when there is none."""
        return max((i.impact for i in self.unresolved), key=IMPACTS.index, default="none")


def components_of(
    listed: Sequence[str], incidents: Sequence[PublicIncident], private: Sequence[str] = ()
) -> tuple[str, ...]:
    """The components the page lists: the charter's list first, in its order; then any other component an
    incident named, by name. A private component is never among them."""
    named = sorted({c for i in incidents for c in i.components} - set(listed))
    return tuple(c for c in (*listed, *named) if c not in private)

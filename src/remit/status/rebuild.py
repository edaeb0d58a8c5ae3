"""The status page's own facts as the chain's entries say they should be: each component's state set by hand
(the latest ``ComponentStatusSet``), and each maintenance (``MaintenanceScheduled``, then its
``MaintenanceUpdated`` moves). Events in, rows out (``status/replay.py`` reads the tables to compare). Plain
Python."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.status.events import ComponentStatusSet, MaintenanceScheduled, MaintenanceUpdated

KINDS = (ComponentStatusSet, MaintenanceScheduled, MaintenanceUpdated)


def rebuild(entries: Sequence[Recorded]) -> Rows:
    hands: dict[Hashable, Row] = {}
    maintenances: dict[Hashable, Row] = {}
    for entry in entries:
        event = entry.event
        if isinstance(event, ComponentStatusSet):
            fields = {"status": event.status, "note": event.note, "at": utc(entry.at)}
            hands[event.component] = Row(event.component, fields)
        elif isinstance(event, MaintenanceScheduled):
            found: dict[str, Any] = {
                "name": event.name,
                "components": list(event.components),
                "scheduled_for": utc(event.scheduled_for),
                "scheduled_until": utc(event.scheduled_until),
                "status": "scheduled",
            }
            maintenances[event.number] = Row(f"maintenance #{event.number}", found)
        elif isinstance(event, MaintenanceUpdated) and event.number in maintenances:
            maintenances[event.number].fields["status"] = event.status
    return {"status_component_states": hands, "maintenances": maintenances}

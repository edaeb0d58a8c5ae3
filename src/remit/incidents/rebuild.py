"""Incidents and their timelines as the audit chain's entries say they should be: events in, rows out
(``incidents/replay.py`` reads the tables to compare). Plain Python. Not replayed: the in-app notices (what
was told or asked follows from the charter and the events; ``seen_at`` is a read receipt)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from remit.incidents.events import CommanderNamed, ImpactAnswered, IncidentOpened, IncidentUpdated, PostmortemLinked
from remit.incidents.model import Status, UpdateKind
from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc

KINDS = (IncidentOpened, IncidentUpdated, CommanderNamed, ImpactAnswered, PostmortemLinked)
TABLES = ("incidents", "incident_updates")


@dataclass
class Rebuilt:
    incidents: dict[Hashable, Row] = field(default_factory=dict)
    updates: dict[Hashable, Row] = field(default_factory=dict)

    def _line(self, entry: Recorded, number: int, update: int, kind: UpdateKind, role: str, **more: Any) -> None:
        incident = self.incidents[number].fields
        fields = {"number": number, "kind": kind.value, "author": entry.actor, "role": role, "at": utc(entry.at)}
        fields |= {"status": incident["status"], "severity": incident["severity"], "public": False}
        fields |= {"status_from": None, "severity_from": None} | more
        self.updates[update] = Row(f"{update} on #{number}", fields)

    def apply(self, entry: Recorded) -> None:
        match entry.event:
            case IncidentOpened() as opened:
                self.incidents[opened.number] = Row(
                    f"#{opened.number}",
                    {
                        "title": opened.title,
                        "severity": opened.severity,
                        "status": Status.INVESTIGATING.value,
                        "components": list(opened.components),
                        "commander": opened.commander,
                        "opened_by": entry.actor,
                        "opened_at": utc(entry.at),
                        "resolved_at": None,
                        "impact": None,
                        "impact_by": None,
                        "impact_at": None,
                        "postmortem_url": None,
                    },
                )
                said = {"text": opened.message, "public": opened.public}
                self._line(entry, opened.number, opened.update, UpdateKind.OPENED, opened.role, **said)
            case IncidentUpdated() as updated:
                incident = self.incidents[updated.number].fields
                incident.update(status=updated.status, severity=updated.severity)
                if updated.status == Status.RESOLVED and updated.status_from not in (None, Status.RESOLVED):
                    incident["resolved_at"] = utc(entry.at)
                moved = {"status_from": updated.status_from, "severity_from": updated.severity_from}
                said = {"text": updated.text, "public": updated.public}
                self._line(entry, updated.number, updated.update, UpdateKind.UPDATE, updated.role, **said, **moved)
            case CommanderNamed() as named:
                self.incidents[named.number].fields["commander"] = named.commander
                text = f"{named.commander} is the commander"
                self._line(entry, named.number, named.update, UpdateKind.COMMANDER, named.role, text=text)
            case ImpactAnswered() as answered:
                fields = {"impact": answered.impact, "impact_by": entry.actor, "impact_at": utc(entry.at)}
                self.incidents[answered.number].fields.update(fields)
                self._line(
                    entry, answered.number, answered.update, UpdateKind.IMPACT, answered.role, text=answered.impact
                )
            case PostmortemLinked() as linked:
                self.incidents[linked.number].fields.update(postmortem_url=linked.url, status=linked.status)
                said = {"text": linked.url, "public": linked.public, "status_from": linked.status_from}
                self._line(entry, linked.number, linked.update, UpdateKind.POSTMORTEM, linked.role, **said)


def rebuild(entries: Sequence[Recorded]) -> Rows:
    rebuilt = Rebuilt()
    for entry in entries:
        rebuilt.apply(entry)
    return {"incidents": rebuilt.incidents, "incident_updates": rebuilt.updates}

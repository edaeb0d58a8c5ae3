"""Charter versions, the roster and the boundary crossings as the chain's entries say they should be: events
in, rows out (``charter/replay.py`` reads the tables to compare). Plain Python."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from remit.charter.events import ActionRefused, CharterAdopted, CrossingRecorded
from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, Unnumbered, pair, utc

KINDS = (CharterAdopted, CrossingRecorded, ActionRefused)
TEXT = "text (sha256)"  # a version's text, compared by its digest: the chain records the sha256 it adopted
TEAM = ""  # crossings the chain did not number are matched across the whole team, in order


@dataclass
class Rebuilt:
    versions: dict[Hashable, Row] = field(default_factory=dict)
    people: dict[Hashable, Row] = field(default_factory=dict)
    crossings: dict[Hashable, Row] = field(default_factory=dict)

    def apply(self, entry: Recorded) -> None:
        match entry.event:
            case CharterAdopted() as adopted:
                self._adopt(adopted, entry)
            case CrossingRecorded() as crossed:
                heard = {"basis": crossed.basis, "why": crossed.why, "refused": False, "incident_id": None}
                self._crossing(entry, crossed.crossing, crossed.action, crossed.domain, crossed.role, heard)
            case ActionRefused() as refused:
                undone = {"basis": None, "why": refused.why, "refused": True, "incident_id": refused.incident}
                self._crossing(entry, refused.crossing, refused.action, refused.domain, refused.role, undone)

    def _adopt(self, adopted: CharterAdopted, entry: Recorded) -> None:
        """Each adopted version, and the roster as the last adoption left it: the people it lists are active,
        anyone an earlier version listed is kept, inactive (a name only where the chain recorded it)."""
        fields = {"sha256": adopted.sha256, TEXT: adopted.sha256, "adopted_at": utc(entry.at)}
        self.versions[adopted.version] = Row(f"v{adopted.version}", fields | {"decision_id": entry.decision_id})
        for row in self.people.values():
            row.fields["active"] = False
        for handle in adopted.people:
            person: dict[str, Any] = {"active": True}
            if adopted.names is not None and handle in adopted.names:
                person["name"] = adopted.names[handle]
            self.people[handle] = Row(handle, person)

    def _crossing(
        self, entry: Recorded, row_id: int | None, action: str, domain: str, role: str, what: dict[str, Any]
    ) -> None:
        fields = {"decision_id": entry.decision_id, "domain": domain, "person": entry.actor, "role": role}
        fields |= {"action": action, **what, "at": utc(entry.at)}
        if row_id is None:
            nth = len(self.crossings)
            self.crossings[Unnumbered(TEAM, nth)] = Row(f"unnumbered {nth + 1}", fields)
        else:
            self.crossings[row_id] = Row(str(row_id), fields)


def rebuild(entries: Sequence[Recorded], found: Rows) -> Rows:
    rebuilt = Rebuilt()
    for entry in entries:
        rebuilt.apply(entry)
    crossings = pair(rebuilt.crossings, found.get("crossings", {}), lambda row: TEAM, lambda key, row: str(key))
    return {"charter_versions": rebuilt.versions, "people": rebuilt.people, "crossings": crossings}

"""Charter versions and the roster as the chain's ``CharterAdopted`` entries say they should be: events in,
rows out (``charter/replay.py`` reads the tables to compare). Plain Python."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from remit.charter.events import CharterAdopted
from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc

TEXT = "text (sha256)"


def rebuild(entries: Sequence[Recorded]) -> Rows:
    """Each adopted version, and the roster as the last adoption left it: the people it lists are active,
    anyone an earlier version listed is kept, inactive."""
    versions: dict[Any, Row] = {}
    people: dict[Any, Row] = {}
    for entry in entries:
        adopted = entry.event
        if not isinstance(adopted, CharterAdopted):
            continue
        versions[adopted.version] = Row(
            f"v{adopted.version}",
            {
                "sha256": adopted.sha256,
                TEXT: adopted.sha256,
                "adopted_at": utc(entry.at),
                "decision_id": entry.decision_id,
            },
        )
        for row in people.values():
            row.fields["active"] = False
        for handle in adopted.people:
            fields: dict[str, Any] = {"active": True}
            if adopted.names is not None and handle in adopted.names:
                fields["name"] = adopted.names[handle]
            people[handle] = Row(handle, fields)
    return {"charter_versions": versions, "people": people}

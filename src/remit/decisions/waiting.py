"""Who a decision is waiting on, as rows a queue can index: one per role whose go is missing, per piece of
evidence (from the role that must supply it), per consulted role not yet heard, per person whose veto
stands. Works on a stored resolution (its ``as_dict``), so the store can rebuild it for old rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from remit.decisions.model import State


@dataclass(frozen=True)
class Wait:
    kind: str  # go, evidence, consult, blocker
    role: str | None
    person: str | None = None
    what: str = ""


def waits_of(state: str, resolution: dict[str, Any]) -> list[Wait]:
    """Open: the missing gos, evidence and consults. Blocked: the people whose veto stands (only they can
    lift it). Settled: nobody."""
    if state == State.BLOCKED.value:
        return [
            Wait("blocker", blocker.get("role"), blocker.get("person"), blocker.get("basis") or "")
            for blocker in resolution.get("blocked_by", [])
        ]
    if state != State.OPEN.value:
        return []
    waiting = resolution.get("waiting_on", {})
    return [
        *(Wait("go", role) for role in waiting.get("roles", [])),
        *(Wait("evidence", role, what=name) for name, role in waiting.get("evidence_from", {}).items()),
        *(Wait("consult", role) for role in waiting.get("consults", [])),
    ]

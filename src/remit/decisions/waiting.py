"""Who a decision is waiting on, as rows a queue can index: one per role whose go is missing, per piece of
evidence (from the role that must supply it), per consulted role not yet heard, per person whose veto
stands. Works on a stored resolution (its ``as_dict``), so the store can rebuild it for old rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from remit.decisions.model import State


class WaitKind(StrEnum):
    GO = "go"  # a role whose go is missing
    EVIDENCE = "evidence"  # a piece of evidence, from the role that must supply it
    CONSULT = "consult"  # a consulted role not yet heard
    BLOCKER = "blocker"  # a person whose veto stands


@dataclass(frozen=True)
class Wait:
    kind: WaitKind
    role: str | None
    person: str | None = None
    what: str = ""


def waits_of(state: str, resolution: dict[str, Any]) -> list[Wait]:
    """Open: the missing gos, evidence and consults. Blocked: the people whose veto stands (only they can
    lift it). Settled: nobody."""
    if state == State.BLOCKED.value:
        return [
            Wait(WaitKind.BLOCKER, blocker.get("role"), blocker.get("person"), blocker.get("basis") or "")
            for blocker in resolution.get("blocked_by", [])
        ]
    if state != State.OPEN.value:
        return []
    waiting = resolution.get("waiting_on", {})
    return [
        *(Wait(WaitKind.GO, role) for role in waiting.get("roles", [])),
        *(Wait(WaitKind.EVIDENCE, role, what=name) for name, role in waiting.get("evidence_from", {}).items()),
        *(Wait(WaitKind.CONSULT, role) for role in waiting.get("consults", [])),
    ]

"""What an incident action answers: the incident's number and state after it. Plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class IncidentDone:
    number: int
    title: str
    severity: str
    status: str
    commander: str
    update: int | None  # the timeline line the action wrote

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

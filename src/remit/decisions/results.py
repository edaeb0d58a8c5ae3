"""What the decision actions return: typed results, with the JSON body the API answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from remit.decisions.model import Resolution


@dataclass(frozen=True)
class Outcome:
    """A decision after an action: its number, how it now resolves, and the crossing the action made."""

    number: int
    resolution: Resolution
    crossing: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, **self.resolution.as_dict()} | (
            {"crossing": self.crossing} if self.crossing else {}
        )


@dataclass(frozen=True)
class RuleView:
    id: int
    domain: str
    because: str
    evidence: list[dict[str, str]]
    go: list[str]
    origin: int | None
    created_by: str
    created_at: str
    retired_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

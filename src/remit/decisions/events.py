"""What happens to decisions and rules, in the past tense. Each is one audit entry (kind = class name,
payload = fields) and, after commit, news for the bus's subscribers (notices: ``decisions/notices.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from remit.kernel.events import Event


@dataclass(frozen=True)
class DecisionOpened(Event):
    number: int
    domain: str
    title: str
    role: str
    charter_version: int
    rules: list[int]
    deadline: str | None
    consult: list[str]
    inform: list[str]
    context: str | None = None  # None in entries written before it was recorded: not compared on replay
    proposed_sha256: str | None = None  # a charter decision's proposed text, by its digest


@dataclass(frozen=True)
class EvidenceAdded(Event):
    number: int
    name: str
    role: str
    text: str
    evidence: int | None = None  # the row's id (None in entries written before it was recorded)


@dataclass(frozen=True)
class PositionRecorded(Event):
    number: int
    revision: int
    role: str
    stance: str
    basis: str | None
    reason: str
    crossing: str | None
    position: int | None = None  # the row's id (None in entries written before it was recorded)


@dataclass(frozen=True)
class DecisionStateChanged(Event):
    number: int
    from_: str
    to: str
    blocked_by: list[dict[str, Any]]


@dataclass(frozen=True)
class DecisionSettled(Event):
    number: int
    state: str
    revision: int


@dataclass(frozen=True)
class DecisionAmended(Event):
    number: int
    revision: int
    title: str
    context: str
    vetoes_carried: list[str]


@dataclass(frozen=True)
class DecisionWithdrawn(Event):
    number: int
    reason: str


@dataclass(frozen=True)
class DecisionExpired(Event):
    number: int
    deadline: str
    waiting_on: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleAdded(Event):
    rule: int
    domain: str
    because: str
    evidence: list[dict[str, str]]
    go: list[str]
    origin: int | None


@dataclass(frozen=True)
class RuleRetired(Event):
    rule: int
    because: str

"""Decisions as plain data: stances, positions, rules and the result of resolving them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Stance(StrEnum):
    GO = "go"
    NO_GO = "no-go"
    ABSTAIN = "abstain"


class Weight(StrEnum):
    """What a recorded position counts for, as the decision page marks it."""

    VETO = "veto"  # a no-go inside the role's block scope: it blocks until its holder says go
    VOICE = "voice"  # heard, never binding: a voice's or a consulted role's no-go (or any of their stances)
    CROSSING = "crossing"  # a no-go outside the role's scope: counted as voice, recorded as a boundary crossing
    GO = "go"  # a go from a role that decides, blocks or is required: it turns its key or lifts its veto
    ABSTAIN = "abstain"
    REPLACED = "replaced"  # the same person said something later in this revision
    EARLIER = "earlier"  # an earlier revision's: an amendment cleared it
    NONE = "none"  # a role with no say here (informed only): not counted


class State(StrEnum):
    OPEN = "open"
    BLOCKED = "blocked"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def settled(self) -> bool:
        """Approved, withdrawn and expired decisions are final; open and blocked ones still move."""
        return self in (State.APPROVED, State.WITHDRAWN, State.EXPIRED)


@dataclass(frozen=True)
class Position:
    """A role's stance, in the order recorded. ``person`` is None in the pure ``remit resolve``."""

    role: str
    stance: Stance
    basis: str | None = None
    person: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class EvidenceNeed:
    name: str
    role: str


@dataclass(frozen=True)
class Rule:
    """A team's decision rule (seed: "PM flags the user metric cost of delay, EM flags the system risk of
    shipping, both have to explicitly agree before we move.")."""

    domain: str
    because: str
    evidence: tuple[EvidenceNeed, ...] = ()
    go: tuple[str, ...] = ()
    id: int | None = None
    origin: str | None = None


@dataclass(frozen=True)
class Blocker:
    role: str
    basis: str | None
    person: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "basis": self.basis} | ({"person": self.person} if self.person else {})

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Blocker:
        return cls(body["role"], body["basis"], body.get("person"))


@dataclass(frozen=True)
class Crossing:
    """A step over the charter's line: recorded, shown, counted, never dropped."""

    role: str
    basis: str | None
    why: str
    person: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"role": self.role, "basis": self.basis, "why": self.why} | (
            {"person": self.person} if self.person else {}
        )

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Crossing:
        return cls(body["role"], body["basis"], body["why"], body.get("person"))


@dataclass(frozen=True)
class WaitingOn:
    roles: list[str] = field(default_factory=list)
    evidence: list[EvidenceNeed] = field(default_factory=list)
    consults: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.roles or self.evidence)

    def as_dict(self) -> dict[str, Any]:
        return {
            "roles": self.roles,
            "evidence": [need.name for need in self.evidence],
            "evidence_from": {need.name: need.role for need in self.evidence},
            "consults": self.consults,
        }

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> WaitingOn:
        needed_from = body["evidence_from"]
        return cls(
            list(body["roles"]),
            [EvidenceNeed(name, needed_from[name]) for name in body["evidence"]],
            list(body["consults"]),
        )


@dataclass(frozen=True)
class Resolution:
    state: State
    blocked_by: list[Blocker]
    waiting_on: WaitingOn
    boundary_crossings: list[Crossing]
    keys: dict[str, bool]

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "blocked_by": [blocker.as_dict() for blocker in self.blocked_by],
            "waiting_on": self.waiting_on.as_dict(),
            "boundary_crossings": [crossing.as_dict() for crossing in self.boundary_crossings],
            "keys": self.keys,
        }

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Resolution:
        """The inverse of ``as_dict``: a resolution as a decision stores it (and as the API answers an action)."""
        return cls(
            State(body["state"]),
            [Blocker.from_dict(blocker) for blocker in body["blocked_by"]],
            WaitingOn.from_dict(body["waiting_on"]),
            [Crossing.from_dict(crossing) for crossing in body["boundary_crossings"]],
            dict(body["keys"]),
        )

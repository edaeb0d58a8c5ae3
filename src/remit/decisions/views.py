"""What the read side answers, as typed records: a decision's summary and its full view, a person's queue,
the audit log. Each ``as_dict()`` is the API's JSON body (a contract); each ``from_dict()`` reads that body
back, so the CLI renders the same records whether it asked the local queries or a server. Plain Python: times
are the ISO strings the JSON carries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from typing import Any, ClassVar, Self

from remit.decisions.model import Blocker, EvidenceNeed, WaitingOn

Json = dict[str, Any]


class Record:
    """A record whose JSON is its fields, one to one (mixed into a frozen dataclass)."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def as_dict(self) -> Json:
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Self:
        return cls(**{item.name: body[item.name] for item in fields(cls)})


@dataclass(frozen=True)
class DecisionSummary:
    """A decision in one line: a list's row, a queue's card. ``waiting_on`` and ``blocked_by`` are read from
    its stored resolution (``Resolution.from_dict``); ``state`` is the decision's own (withdrawn or expired
    are not the resolver's answer)."""

    number: int
    domain: str
    title: str
    state: str
    proposer: str
    opened_at: str
    deadline: str | None
    waiting_on: WaitingOn
    blocked_by: list[Blocker]

    def as_dict(self) -> Json:
        return {
            "number": self.number,
            "domain": self.domain,
            "title": self.title,
            "state": self.state,
            "proposer": self.proposer,
            "opened_at": self.opened_at,
            "deadline": self.deadline,
            "waiting_on": self.waiting_on.as_dict(),
            "blocked_by": [blocker.as_dict() for blocker in self.blocked_by],
        }

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> DecisionSummary:
        return DecisionSummary(**_summary_fields(body))


def _summary_fields(body: Mapping[str, Any]) -> Json:
    plain = ("number", "domain", "title", "state", "proposer", "opened_at", "deadline")
    return {name: body[name] for name in plain} | {
        "waiting_on": WaitingOn.from_dict(body["waiting_on"]),
        "blocked_by": [Blocker.from_dict(blocker) for blocker in body["blocked_by"]],
    }


@dataclass(frozen=True)
class RecordedPosition(Record):
    """A position as it was recorded."""

    revision: int
    person: str
    role: str
    stance: str
    basis: str | None
    reason: str
    at: str


@dataclass(frozen=True)
class PositionEntry(RecordedPosition):
    """A position as the decision's page shows it: what was recorded, and what it counts for."""

    weight: str = ""  # a ``Weight``: what it counts for (a veto, voice only, a crossing, replaced, ...)


@dataclass(frozen=True)
class EvidenceEntry(Record):
    name: str
    text: str
    person: str
    role: str
    at: str


@dataclass(frozen=True)
class RuleEntry:
    """A team rule the decision is bound to: the evidence it needs (from whom) and the gos it requires."""

    id: int | None
    because: str
    evidence: list[EvidenceNeed]
    go: list[str]

    def as_dict(self) -> Json:
        return {
            "id": self.id,
            "because": self.because,
            "evidence": [{"name": need.name, "role": need.role} for need in self.evidence],
            "go": self.go,
        }

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> RuleEntry:
        needs = [EvidenceNeed(need["name"], need["role"]) for need in body["evidence"]]
        return cls(body["id"], body["because"], needs, list(body["go"]))


@dataclass(frozen=True)
class ConsultEntry(Record):
    """A consulted role: whether it answered, and whether before the decision settled."""

    role: str
    answered: bool
    before_settled: bool


@dataclass(frozen=True)
class CrossingEntry(Record):
    """A recorded step over the charter's line: counted as voice, or refused."""

    person: str | None
    role: str
    action: str
    basis: str | None
    why: str
    refused: bool
    at: str


@dataclass(frozen=True)
class HistoryEntry(Record):
    """One of the decision's audit entries."""

    seq: int
    at: str
    actor: str
    kind: str
    payload: Json


@dataclass(frozen=True)
class Reached(Record):
    """Someone the decision asked or told, when, and whether (and when) they opened it since."""

    person: str | None
    role: str
    kind: str  # asked, told
    event: str
    at: str
    seen_at: str | None


@dataclass(frozen=True)
class DecisionView(DecisionSummary):
    """A decision in full: its summary's fields, then everything on its record."""

    revision: int
    charter_version: int
    settled_at: str | None
    keys: dict[str, bool]
    positions: list[PositionEntry]
    evidence: list[EvidenceEntry]
    rules: list[RuleEntry]
    consulted: list[ConsultEntry]
    informed: list[str]
    crossings: list[CrossingEntry]
    history: list[HistoryEntry] = field(default_factory=list)
    reached: list[Reached] = field(default_factory=list)

    @property
    def summary(self) -> DecisionSummary:
        return DecisionSummary(*(getattr(self, item.name) for item in fields(DecisionSummary)))

    def as_dict(self) -> Json:
        return super().as_dict() | {
            "revision": self.revision,
            "charter_version": self.charter_version,
            "settled_at": self.settled_at,
            "keys": self.keys,
            "positions": [entry.as_dict() for entry in self.positions],
            "evidence": [entry.as_dict() for entry in self.evidence],
            "rules": [entry.as_dict() for entry in self.rules],
            "consulted": [entry.as_dict() for entry in self.consulted],
            "informed": self.informed,
            "crossings": [entry.as_dict() for entry in self.crossings],
            "history": [entry.as_dict() for entry in self.history],
            "reached": [entry.as_dict() for entry in self.reached],
        }

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> DecisionView:
        return DecisionView(
            **_summary_fields(body),
            revision=body["revision"],
            charter_version=body["charter_version"],
            settled_at=body["settled_at"],
            keys=dict(body["keys"]),
            positions=[PositionEntry.from_dict(entry) for entry in body["positions"]],
            evidence=[EvidenceEntry.from_dict(entry) for entry in body["evidence"]],
            rules=[RuleEntry.from_dict(entry) for entry in body["rules"]],
            consulted=[ConsultEntry.from_dict(entry) for entry in body["consulted"]],
            informed=list(body["informed"]),
            crossings=[CrossingEntry.from_dict(entry) for entry in body["crossings"]],
            history=[HistoryEntry.from_dict(entry) for entry in body.get("history", [])],
            reached=[Reached.from_dict(entry) for entry in body.get("reached", [])],
        )


@dataclass(frozen=True)
class Unseen(Record):
    """Something a person was asked or told about a decision and has not opened yet."""

    number: int
    title: str
    domain: str
    state: str
    kind: str  # asked, told
    role: str
    event: str
    at: str


@dataclass(frozen=True)
class QueueItem:
    summary: DecisionSummary
    asks: list[str]  # what it needs from me, in words

    def as_dict(self) -> Json:
        return {**self.summary.as_dict(), "asks": self.asks}

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> QueueItem:
        return cls(DecisionSummary.from_dict(body), list(body["asks"]))


@dataclass(frozen=True)
class Queue:
    person: str
    roles: list[str]
    waiting_on_me: list[QueueItem]
    mine: list[DecisionSummary]
    holders: dict[str, list[str]]  # role -> the people who hold it, to say "on whom"
    next_cursor: int | str | None  # the service's: a decision number; the API's and the CLI's: opaque text
    unseen: list[Unseen]  # what I was asked or told and have not opened yet

    def as_dict(self) -> Json:
        return {
            "person": self.person,
            "roles": self.roles,
            "waiting_on_me": [item.as_dict() for item in self.waiting_on_me],
            "mine": [summary.as_dict() for summary in self.mine],
            "holders": self.holders,
            "next_cursor": self.next_cursor,
            "unseen": [notice.as_dict() for notice in self.unseen],
        }

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Queue:
        return cls(
            body["person"],
            list(body["roles"]),
            [QueueItem.from_dict(item) for item in body["waiting_on_me"]],
            [DecisionSummary.from_dict(summary) for summary in body["mine"]],
            {role: list(people) for role, people in body["holders"].items()},
            body["next_cursor"],
            [Unseen.from_dict(notice) for notice in body.get("unseen", [])],
        )


@dataclass(frozen=True)
class AuditEntry(Record):
    """One entry of a team's audit log; ``decision`` is its number, if it is about one."""

    seq: int
    at: str
    actor: str
    kind: str
    decision: int | None
    payload: Json
    hash: str

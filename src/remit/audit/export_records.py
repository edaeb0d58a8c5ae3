"""What the ledger's exports hold, row by row: plain records (no database), one per exported table, and the
CSV files' names. ``audit/export.py`` reads them from a snapshot and writes them as JSON or CSV."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from remit.decisions.views import CrossingEntry, EvidenceEntry, RecordedPosition


class Table(StrEnum):
    """The CSV export's files, one per table."""

    DECISIONS = "decisions"
    REVISIONS = "revisions"
    POSITIONS = "positions"
    EVIDENCE = "evidence"
    DECISION_RULES = "decision_rules"
    RULES = "rules"
    CROSSINGS = "crossings"
    CHARTER_VERSIONS = "charter_versions"
    PEOPLE = "people"
    AUDIT = "audit"


@dataclass(frozen=True)
class Decision:
    number: int
    domain: str
    title: str
    state: str
    proposer: str
    charter_version: int
    revision: int
    opened_at: str
    deadline: str | None
    settled_at: str | None
    proposed_charter: str | None


@dataclass(frozen=True)
class Revision:
    decision: int
    number: int
    title: str
    context: str
    must_go: list[Any]
    created_by: str
    created_at: str


@dataclass(frozen=True)
class Position(RecordedPosition):
    """A position as recorded (not the page's derived weight), with its decision's number."""

    decision: int


@dataclass(frozen=True)
class Evidence(EvidenceEntry):
    """Evidence as a decision's page shows it, with its decision's number and the revision it was added on."""

    decision: int
    revision: int


@dataclass(frozen=True)
class AppliedRule:
    decision: int
    rule: int


@dataclass(frozen=True)
class Crossing(CrossingEntry):
    """A boundary crossing as a decision's page shows it, with its decision's number (if any) and domain."""

    decision: int | None
    domain: str


@dataclass(frozen=True)
class CharterVersion:
    version: int
    sha256: str
    adopted_at: str
    decision: int | None
    text: str


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    active: bool


@dataclass(frozen=True)
class Entry:
    """An audit chain entry as hashed: ``decision_id`` is the row id the hash covers, ``decision`` its number."""

    seq: int
    at: str
    actor: str
    kind: str
    decision: int | None
    decision_id: int | None
    payload: Any
    prev_hash: str
    hash: str


def record(item: Any) -> dict[str, Any]:
    return {column.name: getattr(item, column.name) for column in fields(item)}

"""Decisions, revisions, positions, evidence, rules and the rules each decision was opened under, as the audit
chain's events say they should be: events in, rows out (``decisions/replay.py`` reads the tables to compare).
Plain Python."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from remit.decisions.events import (
    DecisionAmended,
    DecisionExpired,
    DecisionOpened,
    DecisionSettled,
    DecisionStateChanged,
    DecisionWithdrawn,
    EvidenceAdded,
    PositionRecorded,
    RuleAdded,
    RuleRetired,
)
from remit.decisions.model import State
from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, Unnumbered, pair, utc

KINDS = (
    DecisionOpened,
    DecisionStateChanged,
    DecisionSettled,
    DecisionExpired,
    DecisionWithdrawn,
    DecisionAmended,
    PositionRecorded,
    EvidenceAdded,
    RuleAdded,
    RuleRetired,
)
TABLES = ("decisions", "revisions", "positions", "evidence", "rules", "decision_rules")
NUMBERED = ("positions", "evidence")  # rows whose id the chain records (from [4/11] on)


def on_decision(
    number: int, revision: int | None, person: str | None, role: str, at: str | None, said: dict[str, Any]
) -> dict[str, Any]:
    """A position's or evidence's fields: whose, on which decision and revision, when, and what was said."""
    fields = {"decision": f"#{number}", "revision": revision, "person": person, "role": role, "recorded_at": at}
    return fields | said


@dataclass
class Rebuilt:
    """The decisions' tables as the chain's events say they should be."""

    rows: Rows = field(default_factory=lambda: {table: {} for table in TABLES})
    revision: dict[int, int] = field(default_factory=dict)  # a decision's current revision
    counted: dict[tuple[str, int], int] = field(default_factory=dict)  # unnumbered rows per (table, decision)

    def decision(self, number: int) -> dict[str, Any]:
        """The decision's fields, to change; an event about a decision the chain never opened changes nothing
        (its table row, if any, is then one the chain never recorded)."""
        row = self.rows["decisions"].get(number)
        return {} if row is None else row.fields

    def apply(self, entry: Recorded) -> None:
        at = utc(entry.at)
        fields: dict[str, Any]
        match entry.event:
            case DecisionOpened() as opened:
                self._open(opened, entry.actor, at)
            case DecisionStateChanged(number=number, to=to):
                self.decision(number)["state"] = to
            case DecisionSettled(number=number, state=state):
                self.decision(number).update(state=state, settled_at=at)
            case DecisionExpired(number=number, deadline=deadline):
                self.decision(number).update(state=State.EXPIRED.value, settled_at=utc(deadline))
            case DecisionWithdrawn(number=number):
                self.decision(number).update(state=State.WITHDRAWN.value, settled_at=at)
            case DecisionAmended(number=number, revision=revision, title=title) as amended:
                self.decision(number).update(revision=revision, title=title)
                self.revision[number] = revision
                fields = {"title": title, "context": amended.context, "must_go": list(amended.vetoes_carried)}
                self._revision(number, revision, fields, entry.actor, at)
            case PositionRecorded() as recorded:
                said = {"stance": recorded.stance, "basis": recorded.basis, "reason": recorded.reason}
                fields = on_decision(recorded.number, recorded.revision, entry.actor, recorded.role, at, said)
                self._numbered("positions", recorded.number, recorded.position, fields)
            case EvidenceAdded() as added:
                current = self.revision.get(added.number)
                given = {"name": added.name, "text": added.text}
                fields = on_decision(added.number, current, entry.actor, added.role, at, given)
                self._numbered("evidence", added.number, added.evidence, fields)
            case RuleAdded() as rule:
                fields = {
                    "domain": rule.domain,
                    "because": rule.because,
                    "evidence": list(rule.evidence),
                    "go": list(rule.go),
                    "origin": None if rule.origin is None else f"#{rule.origin}",
                    "created_by": entry.actor,
                    "created_at": at,
                    "retired_at": None,
                }
                self.rows["rules"][rule.rule] = Row(str(rule.rule), fields)
            case RuleRetired(rule=rule) if rule in self.rows["rules"]:
                self.rows["rules"][rule].fields["retired_at"] = at

    def _open(self, opened: DecisionOpened, proposer: str, at: str | None) -> None:
        number = opened.number
        fields: dict[str, Any] = {
            "domain": opened.domain,
            "title": opened.title,
            "proposer": proposer,
            "charter_version": opened.charter_version,
            "state": State.OPEN.value,
            "revision": 1,
            "deadline": utc(opened.deadline),
            "opened_at": at,
            "settled_at": None,
        }
        if opened.proposed_sha256 is not None:
            fields["proposed_charter (sha256)"] = opened.proposed_sha256
        self.rows["decisions"][number] = Row(f"#{number}", fields)
        self.revision[number] = 1
        first: dict[str, Any] = {"title": opened.title, "must_go": []}
        if opened.context is not None:
            first["context"] = opened.context
        self._revision(number, 1, first, proposer, at)
        for rule in opened.rules:
            self.rows["decision_rules"][(number, rule)] = Row(f"rule {rule} of #{number}", {})

    def _revision(self, number: int, revision: int, fields: dict[str, Any], by: str, at: str | None) -> None:
        fields.update(created_by=by, created_at=at)
        self.rows["revisions"][(number, revision)] = Row(f"{revision} of #{number}", fields)

    def _numbered(self, table: str, number: int, row_id: int | None, fields: dict[str, Any]) -> None:
        if row_id is not None:
            self.rows[table][row_id] = Row(f"{row_id} on #{number}", fields)
            return
        nth = self.counted.get((table, number), 0)
        self.counted[(table, number)] = nth + 1
        self.rows[table][Unnumbered(f"#{number}", nth)] = Row(f"unnumbered {nth + 1} on #{number}", fields)

    def paired(self, found: Rows) -> Rows:
        """The rows, each position or evidence row the chain did not number keyed by the table's row it stands
        for (see ``kernel.replay.pair``)."""
        for table in NUMBERED:
            self.rows[table] = pair(self.rows[table], found.get(table, {}), _decision_of, _on_decision)
        return self.rows


def _decision_of(row: Row) -> str:
    return str(row.fields["decision"])


def _on_decision(key: Hashable, row: Row) -> str:
    return f"{key} on {row.fields['decision']}"

"""Decisions, revisions, positions, evidence, rules and the rules each decision was opened under, rebuilt
from the audit chain's events and read from the tables, for ``remit audit verify`` to compare.

The folding (``decisions/rebuild.py``) is pure: events in, rows out. Not replayed, because each is derived
from what is: a decision's stored resolution (the resolver recomputes it from the positions), its queue rows
(``decision_waits``, rewritten from the resolution) and the notices (written after commit by a subscriber;
``seen_at`` is a read receipt, not a decision)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from remit.charter.tables import CharterVersionRow, PersonRow
from remit.decisions.rebuild import KINDS, TABLES, Rebuilt, on_decision
from remit.decisions.tables import DecisionRow, DecisionRuleRow, EvidenceRow, PositionRow, RevisionRow, RuleRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc


class DecisionsProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        rebuilt = Rebuilt()
        for entry in entries:
            rebuilt.apply(entry)
        return rebuilt.paired(found)

    def read(self, session: Session, team_id: int) -> Rows:
        """Each table once, joined to the people and decisions it names (no query per row)."""
        person = aliased(PersonRow)
        rows: Rows = {table: {} for table in TABLES}
        decisions = (
            select(DecisionRow, person.handle, CharterVersionRow.version)
            .outerjoin(person, person.id == DecisionRow.proposer_id)
            .outerjoin(CharterVersionRow, CharterVersionRow.id == DecisionRow.charter_version_id)
            .where(DecisionRow.team_id == team_id)
            .order_by(DecisionRow.number)
        )
        for decision, proposer, version in session.execute(decisions):
            rows["decisions"][decision.number] = Row(f"#{decision.number}", _decision(decision, proposer, version))
        for revision, number, by in _of_decisions(session, team_id, RevisionRow, RevisionRow.created_by_id):
            fields = {"title": revision.title, "context": revision.context, "must_go": list(revision.must_go)}
            fields.update(created_by=by, created_at=utc(revision.created_at))
            rows["revisions"][(number, revision.number)] = Row(f"{revision.number} of #{number}", fields)
        for position, number, by in _of_decisions(session, team_id, PositionRow, PositionRow.person_id):
            rows["positions"][position.id] = Row(f"{position.id} on #{number}", _position(position, number, by))
        for evidence, number, by in _of_decisions(session, team_id, EvidenceRow, EvidenceRow.person_id):
            rows["evidence"][evidence.id] = Row(f"{evidence.id} on #{number}", _evidence(evidence, number, by))
        rules = (
            select(RuleRow, person.handle, DecisionRow.number)
            .outerjoin(person, person.id == RuleRow.created_by_id)
            .outerjoin(DecisionRow, DecisionRow.id == RuleRow.origin_decision_id)
            .where(RuleRow.team_id == team_id)
            .order_by(RuleRow.id)
        )
        for rule, by, origin in session.execute(rules):
            rows["rules"][rule.id] = Row(str(rule.id), _rule(rule, by, origin))
        bound = (
            select(DecisionRuleRow.rule_id, DecisionRow.number)
            .join(DecisionRow, DecisionRow.id == DecisionRuleRow.decision_id)
            .where(DecisionRow.team_id == team_id)
        )
        for rule_id, number in session.execute(bound):
            rows["decision_rules"][(number, rule_id)] = Row(f"rule {rule_id} of #{number}", {})
        return rows


def _of_decisions(session: Session, team_id: int, table: Any, person_id: Any) -> Any:
    """A table of rows that belong to a decision, with the decision's number and the person's handle."""
    query = (
        select(table, DecisionRow.number, PersonRow.handle)
        .join(DecisionRow, DecisionRow.id == table.decision_id)
        .outerjoin(PersonRow, PersonRow.id == person_id)
        .where(DecisionRow.team_id == team_id)
        .order_by(table.id)
    )
    return session.execute(query)


def _decision(row: DecisionRow, proposer: str | None, version: int | None) -> dict[str, Any]:
    proposed = None if row.proposed_charter is None else hashlib.sha256(row.proposed_charter.encode()).hexdigest()
    return {
        "domain": row.domain,
        "title": row.title,
        "proposer": proposer,
        "charter_version": version,
        "state": row.state,
        "revision": row.revision,
        "deadline": utc(row.deadline),
        "opened_at": utc(row.opened_at),
        "settled_at": utc(row.settled_at),
        "proposed_charter (sha256)": proposed,
    }


def _position(row: PositionRow, number: int, person: str | None) -> dict[str, Any]:
    said = {"stance": row.stance, "basis": row.basis, "reason": row.reason}
    return on_decision(number, row.revision, person, row.role, utc(row.recorded_at), said)


def _evidence(row: EvidenceRow, number: int, person: str | None) -> dict[str, Any]:
    given = {"name": row.name, "text": row.text}
    return on_decision(number, row.revision, person, row.role, utc(row.recorded_at), given)


def _rule(row: RuleRow, created_by: str | None, origin: int | None) -> dict[str, Any]:
    return {
        "domain": row.domain,
        "because": row.because,
        "evidence": list(row.evidence),
        "go": list(row.go),
        "origin": None if origin is None else f"#{origin}",
        "created_by": created_by,
        "created_at": utc(row.created_at),
        "retired_at": utc(row.retired_at),
    }


PROJECTOR = DecisionsProjector()

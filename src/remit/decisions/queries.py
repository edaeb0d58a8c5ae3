"""Read-side use cases: show, list, log, gate, verify. Every one is a read (``with uow.reading():``): none
writes, not even a deadline's expiry, which the sweeper and every writing command record. The gate counts a
passed deadline as expired whether or not it is recorded yet. A decision's summary, which the queue reads
too, is ``summaries.py``'s."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import BindParameter, bindparam, select

from remit.charter import Right, read_charter
from remit.charter.diff import Change, charter_changes, text_diff
from remit.charter.enforce import domain_rights
from remit.charter.tables import CharterVersionRow, CrossingRow, PersonRow
from remit.charter.teams import charter_from_text, current_version, trusted_charter
from remit.decisions import words
from remit.decisions.acting import bound_charter, evaluate, load_decision
from remit.decisions.filters import Filters
from remit.decisions.model import EvidenceNeed, Position, Resolution, Stance, State, Weight
from remit.decisions.resolve import weigh
from remit.decisions.summaries import iso, summary_columns, summary_fields, summary_of, waiting_clause
from remit.decisions.tables import DecisionRow, DecisionRuleRow, DecisionWaitRow, EvidenceRow, PositionRow, RuleRow
from remit.decisions.views import (
    AuditEntry,
    ConsultEntry,
    CrossingEntry,
    DecisionSummary,
    DecisionView,
    EvidenceEntry,
    HistoryEntry,
    PositionEntry,
    RuleEntry,
)
from remit.kernel import audit
from remit.kernel.errors import InvalidInput, NotFound
from remit.kernel.tables import AuditRow, TeamRow
from remit.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class ProposedCharter:
    """What a charter decision would change, against the version it was proposed under."""

    version: int
    changes: list[Change]  # each right and person, in words
    lines: list[str]  # the file's lines, as a unified diff


def proposed_change(uow: UnitOfWork, team: TeamRow, decision: DecisionRow) -> ProposedCharter | None:
    """For a charter decision, what adopting its text changes; None for any other decision."""
    if decision.proposed_charter is None:
        return None
    row = uow.session.get_one(CharterVersionRow, decision.charter_version_id)
    after, _problems = read_charter(decision.proposed_charter, "proposed charter")
    changes = [] if after is None else charter_changes(charter_from_text(row.text), after)
    return ProposedCharter(row.version, changes, text_diff(row.text, decision.proposed_charter, was=f"v{row.version}"))


# A decision's view is read on every open: its statements are built once, here, and select plain rows (no ORM
# objects to build and track), each person's handle joined in. The first reads the team, the decision, its
# proposer and the charter version it is bound to, together.
_OPENED = (
    summary_columns()
    .add_columns(
        DecisionRow.revision,
        DecisionRow.settled_at,
        CharterVersionRow.team_id,
        CharterVersionRow.version,
        CharterVersionRow.text,
        CharterVersionRow.sha256,
        CharterVersionRow.decision_id,
    )
    .join(TeamRow, TeamRow.id == DecisionRow.team_id)
    .join(CharterVersionRow, CharterVersionRow.id == DecisionRow.charter_version_id)
    .where(TeamRow.name == bindparam("team"), DecisionRow.number == bindparam("number"))
)
_ONE_DECISION: BindParameter[int] = bindparam("decision_id")
_POSITIONS = (
    select(
        PositionRow.id,
        PositionRow.revision,
        PersonRow.handle,
        PositionRow.role,
        PositionRow.stance,
        PositionRow.basis,
        PositionRow.reason,
        PositionRow.recorded_at,
    )
    .join(PersonRow, PersonRow.id == PositionRow.person_id)
    .where(PositionRow.decision_id == _ONE_DECISION)
    .order_by(PositionRow.id)
)
_CROSSINGS = (
    select(
        PersonRow.handle,
        CrossingRow.role,
        CrossingRow.action,
        CrossingRow.basis,
        CrossingRow.why,
        CrossingRow.refused,
        CrossingRow.at,
    )
    .outerjoin(PersonRow, PersonRow.id == CrossingRow.person_id)
    .where(CrossingRow.decision_id == _ONE_DECISION)
    .order_by(CrossingRow.id)
)
_EVIDENCE = (
    select(EvidenceRow.name, EvidenceRow.text, PersonRow.handle, EvidenceRow.role, EvidenceRow.recorded_at)
    .join(PersonRow, PersonRow.id == EvidenceRow.person_id)
    .where(EvidenceRow.decision_id == _ONE_DECISION)
    .order_by(EvidenceRow.id)
)
_HISTORY = (
    select(AuditRow.seq, AuditRow.at, AuditRow.actor, AuditRow.kind, AuditRow.payload)
    .where(AuditRow.decision_id == _ONE_DECISION)
    .order_by(AuditRow.seq)
)
_RULES = (
    select(RuleRow.id, RuleRow.because, RuleRow.evidence, RuleRow.go)
    .join(DecisionRuleRow, DecisionRuleRow.rule_id == RuleRow.id)
    .where(DecisionRuleRow.decision_id == _ONE_DECISION)
    .order_by(RuleRow.id)
)


def show_decision(*, uow: UnitOfWork, team: str, number: int) -> DecisionView:
    return opened_view(uow=uow, team=team, number=number)[0]


def opened_view(
    *, uow: UnitOfWork, team: str, number: int, handle: str | None = None
) -> tuple[DecisionView, list[int]]:
    """The decision's view, and the notices about it ``handle`` has not seen yet (``reached.unseen_here``'s
    answer, read with the notices the view shows)."""
    from remit.decisions.reached import reached  # with the handler it registers (pydantic): not for the gate

    with uow.reading():
        decision = uow.session.execute(_OPENED, {"team": team, "number": number}).one_or_none()
        if decision is None:
            load_decision(uow, uow.team(team, lock=False), number)  # says which: no such team, or no such number
            decision = uow.session.execute(_OPENED, {"team": team, "number": number}).one()  # opened meanwhile
        rights = domain_rights(trusted_charter(uow, decision), decision.domain)
        one = {"decision_id": decision.id}
        positions = uow.session.execute(_POSITIONS, one).all()
        crossings = uow.session.execute(_CROSSINGS, one).all()
        evidence = uow.session.execute(_EVIDENCE, one).all()
        history = uow.session.execute(_HISTORY, one).all()
        rules = uow.session.execute(_RULES, one).all()
        notices, unseen = reached(uow, decision.id, handle)
        current = [p for p in positions if p.revision == decision.revision]
        settled = decision.settled_at
        answered = {p.role: p.recorded_at for p in current}
        resolution = Resolution.from_dict(decision.resolution)
        said = [Position(p.role, Stance(p.stance), p.basis, p.handle, p.reason) for p in current]
        weights = dict(zip([p.id for p in current], weigh(rights, said), strict=True))
        view = DecisionView(
            **summary_fields(decision, decision.handle, resolution),
            revision=decision.revision,
            charter_version=decision.version,
            settled_at=iso(settled),
            keys=resolution.keys,
            positions=[
                PositionEntry(
                    p.revision,
                    p.handle,
                    p.role,
                    p.stance,
                    p.basis,
                    p.reason,
                    p.recorded_at.isoformat(),
                    weights.get(p.id, Weight.EARLIER).value,
                )
                for p in positions
            ],
            evidence=[EvidenceEntry(e.name, e.text, e.handle, e.role, e.recorded_at.isoformat()) for e in evidence],
            rules=[
                RuleEntry(
                    rule.id, rule.because, [EvidenceNeed(e["name"], e["role"]) for e in rule.evidence], list(rule.go)
                )
                for rule in rules
            ],
            consulted=[
                ConsultEntry(
                    role,
                    answered=role in answered,
                    before_settled=role in answered and (settled is None or answered[role] <= settled),
                )
                for role in rights.roles_with(Right.CONSULT)
            ],
            informed=rights.roles_with(Right.INFORM),
            crossings=[
                CrossingEntry(c.handle, c.role, c.action, c.basis, c.why, c.refused, c.at.isoformat())
                for c in crossings
            ],
            history=[HistoryEntry(row.seq, row.at, row.actor, row.kind, json.loads(row.payload)) for row in history],
            reached=notices,
        )
        return view, unseen


def list_decisions(
    *,
    uow: UnitOfWork,
    team: str,
    state: str | None = None,
    domain: str | None = None,
    waiting_on: str | None = None,
    after: int | None = None,
    limit: int | None = None,
    more: Filters | None = None,
) -> list[DecisionSummary]:
    """Decisions in number order; ``after`` a number and ``limit`` page through them. ``more`` narrows them
    as the insights' links do (by rule, crossing, age), checked by ``Filters.parse``."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        query = (
            select(DecisionRow, PersonRow.handle)
            .join(PersonRow, PersonRow.id == DecisionRow.proposer_id)
            .where(DecisionRow.team_id == team_row.id)
            .order_by(DecisionRow.number)
        )
        if state is not None:
            try:
                query = query.where(DecisionRow.state == State(state).value)
            except ValueError:
                raise InvalidInput(
                    f"unknown state '{state}'", hint=f"states: {', '.join(item.value for item in State)}"
                ) from None
        if domain is not None:
            query = query.where(DecisionRow.domain == domain)
        if waiting_on is not None:
            charter = charter_from_text(current_version(uow, team_row).text)
            person = charter.person(waiting_on)
            person_id = uow.session.scalar(
                select(PersonRow.id).where(PersonRow.team_id == team_row.id, PersonRow.handle == waiting_on)
            )
            if person is None or person_id is None:
                raise NotFound(
                    f"nobody called '{waiting_on}' is on team {team}'s roster",
                    hint=f"people: {', '.join(charter.people)}",
                )
            waits = waiting_clause(team_row.id, list(person.roles), person_id)
            query = query.where(DecisionRow.id.in_(select(DecisionWaitRow.decision_id).where(waits)))
        if more is not None:
            query = query.where(*_narrowed(uow, team_row.id, more))
        if after is not None:
            query = query.where(DecisionRow.number > after)
        if limit is not None:
            query = query.limit(limit)
        return [summary_of(decision, proposer) for decision, proposer in uow.session.execute(query)]


def _narrowed(uow: UnitOfWork, team_id: int, more: Filters) -> list[Any]:
    """The conditions on ``DecisionRow`` the insights' filters add: what each of their counts counted."""
    where: list[Any] = []
    if more.rule is not None:
        bound = select(DecisionRuleRow.decision_id).join(RuleRow, RuleRow.id == DecisionRuleRow.rule_id)
        where.append(DecisionRow.id.in_(bound.where(RuleRow.team_id == team_id, RuleRow.id == more.rule)))
    if more.before_rule is not None:
        rule = uow.session.get_one(RuleRow, more.before_rule)
        bound = select(DecisionRuleRow.decision_id).where(DecisionRuleRow.rule_id == rule.id)
        where += [
            DecisionRow.domain == rule.domain,
            DecisionRow.state == State.APPROVED.value,
            DecisionRow.settled_at.is_not(None),
            DecisionRow.opened_at < rule.created_at,
            DecisionRow.id.not_in(bound),
        ]
    if more.crossing:
        crossed = select(CrossingRow.decision_id).where(*_crossings(team_id, more))
        where.append(DecisionRow.id.in_(crossed.where(CrossingRow.decision_id.is_not(None))))
    if more.age is not None:
        now = uow.now
        where += [
            DecisionRow.state.in_([State.OPEN.value, State.BLOCKED.value]),
            DecisionRow.opened_at <= now - timedelta(days=more.age.low),
        ]
        if more.age.high is not None:
            where.append(DecisionRow.opened_at > now - timedelta(days=more.age.high))
    return where


def _crossings(team_id: int, more: Filters) -> list[Any]:
    where = [CrossingRow.team_id == team_id]
    if more.domain is not None:
        where.append(CrossingRow.domain == more.domain)
    if more.crossed_by is not None:
        where.append(CrossingRow.role == more.crossed_by)
    if more.refused:
        where.append(CrossingRow.refused.is_(True))
    return where


def crossings_without_decision(*, uow: UnitOfWork, team: str, more: Filters) -> list[CrossingEntry]:
    """The crossings a crossing filter counts that no decision holds: a refused attempt to open one."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        query = (
            select(CrossingRow, PersonRow.handle)
            .outerjoin(PersonRow, PersonRow.id == CrossingRow.person_id)
            .where(*_crossings(team_row.id, more), CrossingRow.decision_id.is_(None))
            .order_by(CrossingRow.id)
        )
        return [
            CrossingEntry(handle, c.role, c.action, c.basis, c.why, c.refused, c.at.isoformat())
            for c, handle in uow.session.execute(query)
        ]


def audit_log(*, uow: UnitOfWork, team: str, limit: int | None = None, after: int | None = None) -> list[AuditEntry]:
    """The newest ``limit`` entries, oldest first; or, with ``after`` a sequence number, the ``limit``
    entries that follow it (a page)."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        query = (
            select(AuditRow, DecisionRow.number)
            .outerjoin(DecisionRow, DecisionRow.id == AuditRow.decision_id)
            .where(AuditRow.team_id == team_row.id)
            .order_by(AuditRow.seq.desc())
        )
        if after is not None:
            query = query.where(AuditRow.seq > after).order_by(None).order_by(AuditRow.seq)
        if limit:
            query = query.limit(limit)
        rows = list(uow.session.execute(query))
        if after is not None:
            rows.reverse()
        return [
            AuditEntry(row.seq, row.at, row.actor, row.kind, number, json.loads(row.payload), row.hash)
            for row, number in reversed(rows)
        ]


def verify_audit(*, uow: UnitOfWork, team: str | None = None) -> list[audit.ChainReport]:
    """Verify every team's chain (or one team's)."""
    with uow.reading(snapshot=True):
        query = select(TeamRow).order_by(TeamRow.name)
        if team is not None:
            uow.team(team, lock=False)
            query = query.where(TeamRow.name == team)
        return [audit.verify(uow.session, row) for row in uow.session.scalars(query)]


@dataclass(frozen=True)
class GateAnswer:
    number: int
    approved: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gate(*, uow: UnitOfWork, team: str, number: int) -> GateAnswer:
    """Approved release decisions pass; anything else is refused with the reason. A decision whose deadline
    has passed is expired, as the sweeper will record it (a read records nothing)."""
    with uow.reading():
        decision = load_decision(uow, uow.team(team, lock=False), number)
        proposer = uow.session.get_one(PersonRow, decision.proposer_id).handle
        summary, settled_at = summary_of(decision, proposer), decision.settled_at
        if not State(decision.state).settled and decision.deadline is not None and decision.deadline <= uow.now:
            summary, settled_at = replace(summary, state=State.EXPIRED.value), decision.deadline
        approved = summary.domain == words.RELEASE and summary.state == State.APPROVED.value
        if approved:  # a stored conclusion is not trusted: the recorded positions must approve it, now
            rights = domain_rights(bound_charter(uow, decision), decision.domain)
            recomputed = evaluate(uow, decision, rights).state
            if recomputed is not State.APPROVED:
                return GateAnswer(
                    number,
                    False,
                    f"#{number} is recorded as approved, but its recorded positions resolve to {recomputed.value}: "
                    "the record does not support it (run `remit audit verify`)",
                )
    return GateAnswer(number, approved, words.gate_reason(summary, iso(settled_at)))

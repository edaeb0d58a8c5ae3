"""Team insights: how long decisions take per domain (and whether each rule paid off), where the charter's
lines get crossed, and how old the open decisions are."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from remit.charter.tables import CrossingRow
from remit.decisions.filters import AGES, age_of
from remit.decisions.model import State
from remit.decisions.tables import DecisionRow, DecisionRuleRow, RuleRow
from remit.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class DomainTiming:
    domain: str
    settled: int
    median_hours: float | None


@dataclass(frozen=True)
class RulePayoff:
    rule: int
    domain: str
    because: str
    since: str
    before_median_hours: float | None
    before_count: int
    after_median_hours: float | None
    after_count: int


@dataclass(frozen=True)
class CrossingCount:
    domain: str
    role: str
    crossings: int
    refused: int


@dataclass(frozen=True)
class Insights:
    timing: list[DomainTiming]
    rules: list[RulePayoff]
    crossings: list[CrossingCount]
    open_by_age: list[tuple[str, int]]

    def as_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["open_by_age"] = [{"age": label, "open": count} for label, count in self.open_by_age]
        return body


def _hours(spans: list[tuple[datetime, datetime]]) -> float | None:
    if not spans:
        return None
    return round(statistics.median((settled - opened).total_seconds() / 3600 for opened, settled in spans), 2)


def team_insights(*, uow: UnitOfWork, team: str) -> Insights:
    with uow.reading():
        team_row = uow.team(team, lock=False)
        rows = uow.session.execute(
            select(DecisionRow.id, DecisionRow.domain, DecisionRow.opened_at, DecisionRow.settled_at).where(
                DecisionRow.team_id == team_row.id,
                DecisionRow.state == State.APPROVED.value,
                DecisionRow.settled_at.is_not(None),
            )
        ).all()
        settled = [(i, domain, opened, done) for i, domain, opened, done in rows if done is not None]
        by_domain: dict[str, list[tuple[datetime, datetime]]] = {}
        for _id, domain, opened, done in settled:
            by_domain.setdefault(domain, []).append((opened, done))
        timing = [DomainTiming(domain, len(spans), _hours(spans)) for domain, spans in sorted(by_domain.items())]

        payoffs = []
        for rule in uow.session.scalars(select(RuleRow).where(RuleRow.team_id == team_row.id).order_by(RuleRow.id)):
            bound = set(
                uow.session.scalars(select(DecisionRuleRow.decision_id).where(DecisionRuleRow.rule_id == rule.id))
            )
            before = [
                (o, d) for i, dom, o, d in settled if dom == rule.domain and o < rule.created_at and i not in bound
            ]
            after = [(o, d) for i, _dom, o, d in settled if i in bound]
            payoffs.append(
                RulePayoff(
                    rule.id,
                    rule.domain,
                    rule.because,
                    rule.created_at.isoformat(),
                    _hours(before),
                    len(before),
                    _hours(after),
                    len(after),
                )
            )

        crossings = [
            CrossingCount(domain, role, int(total), int(refused or 0))
            for domain, role, total, refused in uow.session.execute(
                select(
                    CrossingRow.domain,
                    CrossingRow.role,
                    func.count(),
                    func.sum(case((CrossingRow.refused, 1), else_=0)),
                )
                .where(CrossingRow.team_id == team_row.id)
                .group_by(CrossingRow.domain, CrossingRow.role)
                .order_by(CrossingRow.domain, CrossingRow.role)
            )
        ]

        counts = dict.fromkeys((age.label for age in AGES), 0)
        for (opened,) in uow.session.execute(
            select(DecisionRow.opened_at).where(
                DecisionRow.team_id == team_row.id,
                DecisionRow.state.in_([State.OPEN.value, State.BLOCKED.value]),
            )
        ):
            counts[age_of((uow.now - opened).total_seconds() / 86400).label] += 1
        return Insights(timing, payoffs, crossings, list(counts.items()))

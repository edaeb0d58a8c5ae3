"""My queue: what is waiting on me, and on whom my own decisions are waiting. Served from the
``decision_waits`` index, a page at a time, so it costs the same at ten thousand decisions as at a million."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from remit.charter.rights import holders
from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version
from remit.decisions import reached as notices
from remit.decisions import words
from remit.decisions.model import State
from remit.decisions.queries import summary_of, waiting_clause
from remit.decisions.tables import DecisionRow, DecisionWaitRow
from remit.decisions.views import DecisionSummary, Queue, QueueItem
from remit.decisions.waiting import Wait, WaitKind
from remit.kernel.uow import UnitOfWork

ACTIVE = (State.OPEN.value, State.BLOCKED.value)
MAX_PAGE = 200


def my_queue(*, uow: UnitOfWork, team: str, handle: str, limit: int = 50, before: int | None = None) -> Queue:
    """The decisions waiting on ``handle`` (newest first, ``limit`` per page, ``before`` a decision number
    from the previous page), and the open decisions they proposed."""
    limit = max(1, min(limit, MAX_PAGE))
    with uow.reading():
        team_row = uow.team(team, lock=False)
        charter = charter_from_text(current_version(uow, team_row).text)
        member = charter.person(handle)
        roles = list(member.roles) if member else []
        person_id = uow.session.scalar(
            select(PersonRow.id).where(PersonRow.team_id == team_row.id, PersonRow.handle == handle)
        )
        waits = waiting_clause(team_row.id, roles, person_id or -1)
        numbers = select(DecisionRow.id).where(
            DecisionRow.id.in_(select(DecisionWaitRow.decision_id).where(waits)),
        )
        if before is not None:
            numbers = numbers.where(DecisionRow.number < before)
        ids = list(uow.session.scalars(numbers.order_by(DecisionRow.number.desc()).limit(limit + 1)))
        more = len(ids) > limit
        ids = ids[:limit]
        rows = _summaries(uow, ids)
        asks: dict[int, list[str]] = {}
        for wait in uow.session.scalars(
            select(DecisionWaitRow).where(DecisionWaitRow.decision_id.in_(ids), waits).order_by(DecisionWaitRow.id)
        ):
            asks.setdefault(wait.decision_id, []).append(
                words.ask(Wait(WaitKind(wait.kind), wait.role, what=wait.what))
            )
        mine = _summaries(
            uow,
            select(DecisionRow.id).where(
                DecisionRow.team_id == team_row.id,
                DecisionRow.proposer_id == (person_id or -1),
                DecisionRow.state.in_(ACTIVE),
            ),
            limit,
        )
        waiting = [QueueItem(summary, asks.get(decision_id, [])) for decision_id, summary in rows]
        waiting.sort(key=lambda item: -item.summary.number)
        return Queue(
            handle,
            roles,
            waiting,
            [summary for _id, summary in mine],
            holders(charter),
            waiting[-1].summary.number if more and waiting else None,
            notices.unseen(uow, person_id) if person_id else [],
        )


def _summaries(uow: UnitOfWork, ids: Any, limit: int | None = None) -> list[tuple[int, DecisionSummary]]:
    """The summaries of the decisions ``ids`` names (a list, or a select of ids of one team's open decisions:
    a few), newest first. Selected by id only: a team filter or an ORDER BY ... LIMIT next to the filter lets
    SQLite walk the (team, number) index through every decision the team ever had instead."""
    rows = uow.session.execute(
        select(DecisionRow, PersonRow.handle)
        .join(PersonRow, PersonRow.id == DecisionRow.proposer_id)
        .where(DecisionRow.id.in_(ids))
        .order_by(DecisionRow.number.desc())
        .limit(limit)
    ).all()
    return [(decision.id, summary_of(decision, handle)) for decision, handle in rows]

"""My queue: what is waiting on me, and on whom my own decisions are waiting. Served from the
``decision_waits`` index, a page at a time, so it costs the same at ten thousand decisions as at a million."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, select

from remit.charter.rights import holders
from remit.charter.tables import CharterVersionRow, PersonRow
from remit.charter.teams import charter_from_text, newest_version_id
from remit.decisions import reached as notices
from remit.decisions import words
from remit.decisions.model import State
from remit.decisions.summaries import summary_columns, summary_from, waiting_clause
from remit.decisions.tables import DecisionRow, DecisionWaitRow
from remit.decisions.views import Queue, QueueItem
from remit.decisions.waiting import Wait, WaitKind
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

ACTIVE = (State.OPEN.value, State.BLOCKED.value)
MAX_PAGE = 200
NOBODY = -1  # a person id no row has: a handle not on the roster waits on nothing by person
EVER = 2**31 - 1  # "before" no number: the first page

# The queue is read on every page load by everyone, so its statements are built once, here: each call only
# binds values (SQLAlchemy caches their SQL by the statement object), and they select the columns a summary
# needs, as plain rows (no ORM objects to build and track).
_NEWEST = newest_version_id()
_WHO = (
    select(TeamRow.id, CharterVersionRow.text, PersonRow.id)
    .join(CharterVersionRow, CharterVersionRow.id == _NEWEST)
    .outerjoin(PersonRow, and_(PersonRow.team_id == TeamRow.id, PersonRow.handle == bindparam("handle")))
    .where(TeamRow.name == bindparam("team"))
)
_MINE_WAITS = waiting_clause(bindparam("team_id"), bindparam("roles", expanding=True), bindparam("person_id"))
_WAITING = (
    summary_columns()
    .where(
        DecisionRow.id.in_(select(DecisionWaitRow.decision_id).where(_MINE_WAITS)),
        DecisionRow.number < bindparam("before"),
    )
    .order_by(DecisionRow.number.desc())
    .limit(bindparam("limit"))
)
_ASKS = (
    select(DecisionWaitRow.decision_id, DecisionWaitRow.kind, DecisionWaitRow.role, DecisionWaitRow.what)
    .where(DecisionWaitRow.decision_id.in_(bindparam("ids", expanding=True)), _MINE_WAITS)
    .order_by(DecisionWaitRow.id)
)
_PROPOSED = (  # by id only: a team filter or ORDER BY ... LIMIT next to it lets SQLite walk every decision
    summary_columns()
    .where(
        DecisionRow.id.in_(
            select(DecisionRow.id).where(
                DecisionRow.team_id == bindparam("team_id"),
                DecisionRow.proposer_id == bindparam("person_id"),
                DecisionRow.state.in_(ACTIVE),
            )
        )
    )
    .order_by(DecisionRow.number.desc())
    .limit(bindparam("limit"))
)


def my_queue(*, uow: UnitOfWork, team: str, handle: str, limit: int = 50, before: int | None = None) -> Queue:
    """The decisions waiting on ``handle`` (newest first, ``limit`` per page, ``before`` a decision number
    from the previous page), and the open decisions they proposed."""
    limit = max(1, min(limit, MAX_PAGE))
    with uow.reading():
        who = uow.session.execute(_WHO, {"team": team, "handle": handle}).one_or_none()
        if who is None:
            uow.team(team, lock=False)  # says which teams there are
            raise AssertionError("a team with no charter")  # pragma: no cover - init adopts one
        team_id, charter_text, person_id = who
        charter = charter_from_text(charter_text)
        member = charter.person(handle)
        roles = list(member.roles) if member else []
        mine = {"team_id": team_id, "roles": roles, "person_id": person_id or NOBODY}
        rows = uow.session.execute(
            _WAITING, mine | {"before": EVER if before is None else before, "limit": limit + 1}
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        asks: dict[int, list[str]] = {}
        if rows:
            for decision_id, kind, role, what in uow.session.execute(_ASKS, mine | {"ids": [row[0] for row in rows]}):
                asks.setdefault(decision_id, []).append(words.ask(Wait(WaitKind(kind), role, what=what)))
        proposed = uow.session.execute(_PROPOSED, mine | {"limit": limit}).all() if person_id else []
        waiting = [QueueItem(summary_from(row), asks.get(row[0], [])) for row in rows]
        return Queue(
            handle,
            roles,
            waiting,
            [summary_from(row) for row in proposed],
            holders(charter),
            waiting[-1].summary.number if more and waiting else None,
            notices.unseen(uow, person_id) if person_id else [],
        )

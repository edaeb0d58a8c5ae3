"""Asking the consulted and telling the informed, in the app: "told when it opens, when its state changes,
and when it settles". A notice is seen when its person opens the decision, which is how a decision's
record says whether the people it had to reach were reached. The notices are written after each decision's
transaction commits, by ``decisions/notices.py`` (a subscriber on the bus); delivery through Slack, email or
webhooks comes with incidents and will hear the same events."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from remit.charter.tables import PersonRow
from remit.decisions.commands import MarkSeen
from remit.decisions.tables import DecisionRow, NoticeRow
from remit.decisions.views import Reached, Unseen
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

MAX_UNSEEN = 50


def unseen_here(uow: UnitOfWork, team: str, handle: str, number: int) -> list[int]:
    """The notices about decision ``number`` that ``handle`` has not seen yet (read inside the caller's unit
    of work: a page reads these with the decision, and marks them seen only if there are any)."""
    return list(
        uow.session.scalars(
            select(NoticeRow.id)
            .join(DecisionRow, DecisionRow.id == NoticeRow.decision_id)
            .join(TeamRow, TeamRow.id == DecisionRow.team_id)
            .join(PersonRow, PersonRow.id == NoticeRow.person_id)
            .where(
                TeamRow.name == team,
                DecisionRow.number == number,
                PersonRow.handle == handle,
                NoticeRow.seen_at.is_(None),
            )
        )
    )


@COMMANDS.handles(MarkSeen)
def mark_seen(uow: UnitOfWork, caller: Caller, command: MarkSeen) -> int:
    """The caller opened the decision: what it asked or told them is seen. Only their own notices."""
    with uow:
        found = unseen_here(uow, caller.team, caller.handle, command.number)
        if found:
            uow.session.execute(
                update(NoticeRow).where(NoticeRow.id.in_(found), NoticeRow.seen_at.is_(None)).values(seen_at=uow.now)
            )
            uow.commit()
        return len(found)


def reached(uow: UnitOfWork, decision_id: int, handle: str | None = None) -> tuple[list[Reached], list[int]]:
    """Everyone the decision asked or told, with when, and whether (and when) they saw it; and the notices
    among them that ``handle`` has not seen yet (what ``unseen_here`` finds, read in the same statement)."""
    rows = uow.session.execute(_REACHED, {"decision_id": decision_id}).all()
    found = [row.id for row in rows if handle is not None and row.handle == handle and row.seen_at is None]
    return [
        Reached(
            row.handle,
            row.role,
            row.kind,
            row.event,
            row.created_at.isoformat(),
            row.seen_at.isoformat() if row.seen_at else None,
        )
        for row in rows
    ], found


_REACHED = (  # built once: a decision's view reads it on every open
    select(
        NoticeRow.id,
        PersonRow.handle,
        NoticeRow.role,
        NoticeRow.kind,
        NoticeRow.event,
        NoticeRow.created_at,
        NoticeRow.seen_at,
    )
    .outerjoin(PersonRow, PersonRow.id == NoticeRow.person_id)
    .where(NoticeRow.decision_id == bindparam("decision_id"))
    .order_by(NoticeRow.id)
)


def unseen(uow: UnitOfWork, person_id: int) -> list[Unseen]:
    """What a person has been asked or told and not opened yet, newest first."""
    return [Unseen(*row[:7], row[7].isoformat()) for row in uow.session.execute(_UNSEEN, {"person_id": person_id})]


_UNSEEN = (  # built once: the queue reads it on every call
    select(
        DecisionRow.number,
        DecisionRow.title,
        DecisionRow.domain,
        DecisionRow.state,
        NoticeRow.kind,
        NoticeRow.role,
        NoticeRow.event,
        NoticeRow.created_at,
    )
    .join(DecisionRow, DecisionRow.id == NoticeRow.decision_id)
    .where(NoticeRow.person_id == bindparam("person_id"), NoticeRow.seen_at.is_(None))
    .order_by(NoticeRow.id.desc())
    .limit(MAX_UNSEEN)
)

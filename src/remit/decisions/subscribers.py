"""Asking the consulted and telling the informed: "told when it opens, when its state changes, and when it
settles". A ``within`` subscriber on the bus: it writes in the decision's own transaction, just before it
commits, so the notices and the messages beyond the app stand or fall with the change (a few rows; nothing
slow, no network). The notice rows are how a decision's record says whether the people it had to reach were
reached (``decisions/reached.py`` reads them); each notice also goes to the outbox as a message, which the
``notify`` capability delivers after commit. What a notice says is plain data in ``decisions/notices.py``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from remit.charter import DomainRights, Right
from remit.charter.enforce import domain_rights
from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version
from remit.decisions.acting import bound_charter
from remit.decisions.events import DecisionExpired, DecisionOpened, DecisionStateChanged, DecisionWithdrawn
from remit.decisions.notices import NoticeEvent, NoticeKind, message
from remit.decisions.tables import DecisionRow, NoticeRow
from remit.kernel.events import BUS, Recorded
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork


def _news(record: Recorded) -> NoticeEvent:
    """What the people are told: opened, the new state, withdrawn, expired."""
    event = record.event
    if isinstance(event, DecisionOpened):
        return NoticeEvent.OPENED
    if isinstance(event, DecisionStateChanged):
        return NoticeEvent(event.to)
    return NoticeEvent.WITHDRAWN if isinstance(event, DecisionWithdrawn) else NoticeEvent.EXPIRED


@BUS.within(DecisionOpened, DecisionStateChanged, DecisionWithdrawn, DecisionExpired)
def notify_people(uow: UnitOfWork, records: Sequence[Recorded]) -> None:
    for record in records:
        decision = uow.session.get(DecisionRow, record.decision_id) if record.decision_id else None
        if decision is not None:
            rights = domain_rights(bound_charter(uow, decision), decision.domain)
            notify(uow, uow.session.get_one(TeamRow, record.team_id), decision, rights, _news(record), record)


def notify(
    uow: UnitOfWork, team: TeamRow, decision: DecisionRow, rights: DomainRights, event: NoticeEvent, record: Recorded
) -> None:
    """Tell the people who hold an ``inform`` or a ``consult`` role of the domain today (a consulted role is
    also informed); on opening, ask the ``consult`` roles instead of telling them (asked once, not asked and
    told). The actor has seen what they did."""
    asking = event is NoticeEvent.OPENED
    consulted = set(rights.roles_with(Right.CONSULT))
    kinds = [(NoticeKind.ASKED if asking and role in consulted else NoticeKind.TOLD, role) for role in rights.informed]
    if not kinds:
        return
    roster = charter_from_text(current_version(uow, team).text)
    wanted = {(kind, role, person.handle) for kind, role in kinds for person in roster.holders(role)}
    if not wanted:
        return
    ids = {
        row.handle: row.id
        for row in uow.session.execute(
            select(PersonRow.handle, PersonRow.id).where(
                PersonRow.team_id == team.id, PersonRow.handle.in_({handle for _k, _r, handle in wanted})
            )
        )
    }
    reached = sorted((kind, role, handle) for kind, role, handle in wanted if handle in ids)
    uow.session.add_all(
        NoticeRow(
            team_id=team.id,
            decision_id=decision.id,
            person_id=ids[handle],
            role=role,
            kind=kind,
            event=event,
            created_at=record.at,
            seen_at=record.at if handle == record.actor else None,
        )
        for kind, role, handle in reached
    )
    for kind, role, handle in reached:
        if handle != record.actor:  # the actor has seen what they did
            uow.tell(
                team,
                message(
                    number=decision.number,
                    title=decision.title,
                    domain=decision.domain,
                    state=decision.state,
                    event=event,
                    kind=kind,
                    role=role,
                    to=handle,
                ),
            )

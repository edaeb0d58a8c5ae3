"""Asking the consulted and telling the informed: "told when it opens, when its state changes, and when it
settles". A ``within`` subscriber on the bus: it writes in the decision's own transaction, just before it
commits, so the notices and the messages beyond the app stand or fall with the change (a few rows; nothing
slow, no network). The notice rows are how a decision's record says whether the people it had to reach were
reached (``decisions/reached.py`` reads them); each notice also goes to the outbox as a message, which the
``notify`` capability delivers after commit. What a notice says is plain data in ``decisions/notices.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from sqlalchemy import bindparam, insert, select

from remit.charter import Charter, DomainRights, Right
from remit.charter.enforce import domain_rights
from remit.charter.tables import CHARTER_VERSIONS
from remit.charter.teams import Version, charter_from_text, newest_version_id, trusted_charter
from remit.decisions.acting import DECISION_COLUMNS, DECISION_FIELDS, Decided, Decision, people_ids
from remit.decisions.events import DecisionExpired, DecisionOpened, DecisionStateChanged, DecisionWithdrawn
from remit.decisions.notices import NoticeEvent, NoticeKind, message
from remit.decisions.tables import DECISIONS, NOTICES
from remit.kernel.events import BUS, Recorded
from remit.kernel.tables import TEAMS
from remit.kernel.uow import Team, TeamRef, UnitOfWork

_BOUND = CHARTER_VERSIONS.alias("bound")
_TODAY = CHARTER_VERSIONS.alias("today")
_VERSION_AT = len(DECISION_FIELDS)
_TODAY_AT = _VERSION_AT + len(fields(Version))
# Built once: the decision as this transaction left it, the charter version it is bound to, and the text of the
# team's current charter (its roster), in one statement.
_ABOUT = (
    select(*DECISION_COLUMNS, *(_BOUND.c[field.name] for field in fields(Version)), _TODAY.c.text)
    .select_from(
        DECISIONS.join(_BOUND, _BOUND.c.id == DECISIONS.c.charter_version_id)
        .join(TEAMS, TEAMS.c.id == DECISIONS.c.team_id)
        .join(_TODAY, _TODAY.c.id == newest_version_id())
    )
    .where(DECISIONS.c.id == bindparam("decision_id"))
)
_ADD_NOTICES = insert(NOTICES)


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
    uow.session.flush()  # the action's changes to its ORM rows are read too
    for record in records:
        about = None
        if record.decision_id:
            about = uow.session.execute(_ABOUT, {"decision_id": record.decision_id}).one_or_none()
        if about is not None:
            decision = Decision(*about[:_VERSION_AT])
            bound = trusted_charter(uow, Version(*about[_VERSION_AT:_TODAY_AT]))
            rights = domain_rights(bound, decision.domain)
            roster = charter_from_text(about[_TODAY_AT])
            notify(uow, Team(record.team_id, record.team), decision, rights, roster, _news(record), record)


def notify(
    uow: UnitOfWork,
    team: TeamRef,
    decision: Decided,
    rights: DomainRights,
    roster: Charter,
    event: NoticeEvent,
    record: Recorded,
) -> None:
    """Tell the people who hold an ``inform`` or a ``consult`` role of the domain today (``roster``: the team's
    current charter; a consulted role is also informed); on opening, ask the ``consult`` roles instead of
    telling them (asked once, not asked and told). The actor has seen what they did."""
    asking = event is NoticeEvent.OPENED
    consulted = set(rights.roles_with(Right.CONSULT))
    kinds = [(NoticeKind.ASKED if asking and role in consulted else NoticeKind.TOLD, role) for role in rights.informed]
    if not kinds:
        return
    wanted = {(kind, role, person.handle) for kind, role in kinds for person in roster.holders(role)}
    if not wanted:
        return
    ids = people_ids(uow, team, {handle for _k, _r, handle in wanted})
    reached = sorted((kind, role, handle) for kind, role, handle in wanted if handle in ids)
    if reached:
        uow.session.execute(
            _ADD_NOTICES,
            [
                {
                    "team_id": team.id,
                    "decision_id": decision.id,
                    "person_id": ids[handle],
                    "role": role,
                    "kind": kind.value,
                    "event": event.value,
                    "created_at": record.at,
                    "seen_at": record.at if handle == record.actor else None,
                }
                for kind, role, handle in reached
            ],
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

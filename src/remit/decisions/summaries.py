"""A decision's summary, as the hot reads take it: the columns a summary is read from (not whole rows), the
summary of such a row or of a whole one, and which queue rows concern a person. Shared by the queue
(``queue.py``), the list and the view (``queries.py``): one summary, read the same everywhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, and_, or_, select

from remit.charter.tables import PersonRow
from remit.decisions.model import Blocker, Resolution, WaitingOn
from remit.decisions.tables import DecisionRow, DecisionWaitRow
from remit.decisions.views import DecisionSummary
from remit.decisions.waiting import WaitKind


def iso(value: Any) -> str | None:
    """A moment as ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def summary_fields(decision: DecisionRow | Row[Any], proposer: str, resolution: Resolution) -> dict[str, Any]:
    """A summary's fields from a whole row, or a plain one with the same names: a decision's view starts with
    them."""
    return {
        "number": decision.number,
        "domain": decision.domain,
        "title": decision.title,
        "state": decision.state,
        "proposer": proposer,
        "opened_at": decision.opened_at.isoformat(),
        "deadline": iso(decision.deadline),
        "waiting_on": resolution.waiting_on,
        "blocked_by": resolution.blocked_by,
    }


def summary_of(decision: DecisionRow, proposer: str) -> DecisionSummary:
    return DecisionSummary(**summary_fields(decision, proposer, Resolution.from_dict(decision.resolution)))


def summary_columns() -> Select[*tuple[Any, ...]]:
    """A summary's columns (the decision's id first, then what ``summary_from`` reads), with the proposer's
    handle: a hot read selects these rather than whole rows."""
    return select(
        DecisionRow.id,
        DecisionRow.number,
        DecisionRow.domain,
        DecisionRow.title,
        DecisionRow.state,
        PersonRow.handle,
        DecisionRow.opened_at,
        DecisionRow.deadline,
        DecisionRow.resolution,
    ).join(PersonRow, PersonRow.id == DecisionRow.proposer_id)


def summary_from(row: Row[*tuple[Any, ...]]) -> DecisionSummary:
    """The summary of a row of ``summary_columns``: the same as ``summary_of`` gives for the decision."""
    _id, number, domain, title, state, proposer, opened_at, deadline, resolution = row
    return DecisionSummary(
        number,
        domain,
        title,
        state,
        proposer,
        opened_at.isoformat(),
        iso(deadline),
        WaitingOn.from_dict(resolution["waiting_on"]),
        [Blocker.from_dict(blocker) for blocker in resolution["blocked_by"]],
    )


def waiting_clause(team_id: Any, roles: Any, person_id: Any) -> Any:
    """The queue rows that concern one person: a missing go, evidence or consult of one of their roles, or
    their own standing veto."""
    return and_(
        DecisionWaitRow.team_id == team_id,
        or_(
            and_(DecisionWaitRow.kind != WaitKind.BLOCKER, DecisionWaitRow.role.in_(roles)),
            DecisionWaitRow.person_id == person_id,
        ),
    )

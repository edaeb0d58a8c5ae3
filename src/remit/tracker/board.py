"""Reading the board (never writing): search by key, text, label, component or customer, filter by where a
bug stands; what a published board shows without signing in; what the viewer may do to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from remit.charter.enforce import team_charter
from remit.charter.rights import Action, Standing, allows, strongest_first
from remit.incidents.abilities import standing
from remit.incidents.tables import IncidentRow
from remit.integrations.issues import Category
from remit.kernel.errors import InvalidInput, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.tracker.commands import BOARD_DOMAIN
from remit.tracker.tables import BugBoardRow, BugIncidentRow, TrackedIssueRow
from remit.tracker.views import Board, Bug, LinkedIncident

PAGE = 50
MAX_PAGE = 200
CATEGORIES = [category.value for category in Category]


@dataclass(frozen=True)
class Search:
    """What the board is asked for; every part optional. ``q``: words that must all appear in a bug's key,
    title, labels, components, customer or assignee."""

    q: str = ""
    label: str = ""
    component: str = ""
    customer: str = ""
    status: str = ""
    incident: int | None = None  # only the bugs linked to this incident (by its number)

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        for word in self.q.lower().split()[:20]:
            found.append(TrackedIssueRow.search.like(f"%{_escaped(word)}%", escape="\\"))
        if self.label.strip():
            found.append(TrackedIssueRow.label_index.like(f"%|{_escaped(self.label.strip().lower())}|%", escape="\\"))
        if self.component.strip():
            pattern = f"%|{_escaped(self.component.strip().lower())}|%"
            found.append(TrackedIssueRow.component_index.like(pattern, escape="\\"))
        if self.customer.strip():
            found.append(func.lower(TrackedIssueRow.customer) == self.customer.strip().lower())
        if self.status:
            if self.status not in CATEGORIES:
                raise InvalidInput(
                    f"unknown status '{self.status}'", hint=f"say {', '.join(CATEGORIES)}", field="status"
                )
            found.append(TrackedIssueRow.category == self.status)
        if self.incident is not None:
            linked = (
                select(BugIncidentRow.issue_id)
                .join(IncidentRow, IncidentRow.id == BugIncidentRow.incident_id)
                .where(IncidentRow.number == self.incident, IncidentRow.team_id == TrackedIssueRow.team_id)
            )
            found.append(TrackedIssueRow.id.in_(linked))
        return found

    def order(self) -> list[ColumnElement[Any]]:
        """A bug whose key is the search comes first (STORM-10 before STORM-100); then the latest updated."""
        latest: list[ColumnElement[Any]] = [TrackedIssueRow.updated_at.desc(), TrackedIssueRow.id.desc()]
        words = self.q.split()
        if len(words) != 1:
            return latest
        return [case((func.lower(TrackedIssueRow.key) == words[0].lower(), 0), else_=1), *latest]

    @property
    def asked(self) -> bool:
        asked = (self.q.strip(), self.label.strip(), self.component.strip(), self.customer.strip(), self.status)
        return any(asked) or self.incident is not None


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def board(
    *, uow: UnitOfWork, team: str, search: Search, limit: int = PAGE, offset: int = 0, public: bool = False
) -> Board:
    """One page of the team's board, most recently updated first. ``public``: the board as anyone reads it
    without signing in, which exists only if the team published it (otherwise: no such board)."""
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= 2**31 - 1:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE}, offset 0 or more", field="limit")
    with uow.reading():
        team_row = _public_team(uow, team) if public else uow.team(team, lock=False)
        published = is_published(uow, team_row)
        if public and not published:
            raise _no_public_board(team)
        where = and_(TrackedIssueRow.team_id == team_row.id, *search.conditions())
        rows = uow.session.scalars(
            select(TrackedIssueRow).where(where).order_by(*search.order()).limit(limit + 1).offset(offset)
        ).all()
        shown = rows[:limit]
        incidents = linked_incidents(uow, [row.id for row in shown])
        bugs = [_bug(row, incidents.get(row.id)) for row in shown]
        counted = uow.session.execute(
            select(TrackedIssueRow.category, func.count()).where(where).group_by(TrackedIssueRow.category)
        ).all()
    counts = dict.fromkeys(CATEGORIES, 0) | {str(category): int(count) for category, count in counted}
    more = len(rows) > limit
    return Board(team, bugs, sum(counts.values()), counts, offset + limit if more else None, published)


def facets(*, uow: UnitOfWork, team: str) -> tuple[list[str], list[str], list[str]]:
    """The labels, components and customers the team's bugs carry (each sorted), for the board's filters."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        rows = uow.session.execute(
            select(TrackedIssueRow.labels, TrackedIssueRow.components, TrackedIssueRow.customer).where(
                TrackedIssueRow.team_id == team_row.id
            )
        ).all()
    labels = sorted({label for row in rows for label in row.labels}, key=str.lower)
    components = sorted({component for row in rows for component in row.components}, key=str.lower)
    customers = sorted({row.customer for row in rows if row.customer}, key=str.lower)
    return labels, components, customers


def time_zone(*, uow: UnitOfWork, team: str) -> str:
    """The team's zone (its charter's), in which the public board shows times to anyone."""
    with uow.reading():
        _version, charter = team_charter(uow, uow.team(team, lock=False))
    return charter.time_zone


def _public_team(uow: UnitOfWork, team: str) -> TeamRow:
    """The team, for an anonymous reader: a missing team and an unpublished board are the same answer (no list
    of the teams here, no telling which exist)."""
    row = uow.session.scalars(select(TeamRow).where(TeamRow.name == team)).one_or_none()
    if row is None:
        raise _no_public_board(team)
    return row


def _no_public_board(team: str) -> NotFound:
    return NotFound(f"there is no public bug board for team '{team}'", hint="its members read it after signing in")


def is_published(uow: UnitOfWork, team: TeamRow) -> bool:
    row = uow.session.get(BugBoardRow, team.id)
    return bool(row is not None and row.published)


@dataclass(frozen=True)
class BoardAbilities:
    """What the viewer may do to the board (read from the rights table, as the handlers check it)."""

    can_import: bool
    can_publish: bool


def abilities(*, uow: UnitOfWork, team: str, handle: str) -> BoardAbilities:
    with uow.reading():
        team_row = uow.team(team, lock=False)
        _version, charter = team_charter(uow, team_row)
    rights = charter.domain(BOARD_DOMAIN)
    person = charter.person(handle)
    if rights is None or person is None:
        return BoardAbilities(False, False)
    roles = strongest_first(rights, person.roles) or list(person.roles)
    role = roles[0]
    standing = Standing(handle, role, rights)
    return BoardAbilities(allows(Action.IMPORT_ISSUES, standing), allows(Action.PUBLISH_BOARD, standing))


def may_link(*, uow: UnitOfWork, team: str, handle: str, number: int) -> bool:
    """Whether ``handle`` may link bugs to incident ``number`` (and unlink them), as the link's handler checks."""
    with uow.reading():
        found = standing(uow, team, handle, number)
    return found is not None and allows(Action.LINK_BUG, found)


def linked_incidents(uow: UnitOfWork, issue_ids: list[int]) -> dict[int, LinkedIncident]:
    """The incident each of these bugs is linked to (bugs linked to none are not in the answer)."""
    if not issue_ids:
        return {}
    rows = uow.session.execute(
        select(BugIncidentRow.issue_id, IncidentRow.number, IncidentRow.title, IncidentRow.status)
        .join(IncidentRow, IncidentRow.id == BugIncidentRow.incident_id)
        .where(BugIncidentRow.issue_id.in_(issue_ids))
    ).all()
    return {issue_id: LinkedIncident(number, title, status) for issue_id, number, title, status in rows}


def _bug(row: TrackedIssueRow, incident: LinkedIncident | None) -> Bug:
    return Bug(
        row.source,
        row.key,
        row.title,
        row.status,
        row.category,
        row.assignee,
        list(row.labels),
        list(row.components),
        row.priority,
        row.customer,
        row.created_at.isoformat(),
        row.updated_at.isoformat(),
        row.resolved_at.isoformat() if row.resolved_at else None,
        row.url,
        incident,
    )

"""The board's two handlers: an import (incremental, keyed by source and key, recorded as one event) and
the board's publication (a setting on the record)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from remit.charter.enforce import acting, check, domain_rights, team_charter
from remit.charter.rights import Action
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.tracker.commands import BOARD_DOMAIN, ImportIssues, IssueIn, PublishBoard
from remit.tracker.events import BugBoardPublished, BugBoardUnpublished, IssuesImported
from remit.tracker.tables import BugBoardRow, TrackedIssueRow
from remit.tracker.views import BoardSetting, Imported, public_path

COMPARED = ("title", "status", "category", "assignee", "labels", "components", "priority", "customer", "url")
COMPARED_TIMES = ("created_at", "updated_at", "resolved_at")


def _allowed(uow: UnitOfWork, caller: Caller, action: Action) -> tuple[TeamRow, str]:
    """The team (locked) and who acts, once the rights table lets them take ``action`` on the board."""
    team = uow.team(caller.team)
    _version, charter = team_charter(uow, team)
    rights = domain_rights(charter, BOARD_DOMAIN)
    who = acting(uow, team, charter, rights, caller.handle, action=action)
    check(team, action, who, rights)
    return team, who.handle


@COMMANDS.handles(ImportIssues)
def import_issues(uow: UnitOfWork, caller: Caller, command: ImportIssues) -> Imported:
    with uow:
        team, actor = _allowed(uow, caller, Action.IMPORT_ISSUES)
        incoming = {issue.key: issue for issue in command.issues}  # a key read twice: the later row counts
        stored = {
            row.key: row
            for row in uow.session.scalars(
                select(TrackedIssueRow).where(
                    TrackedIssueRow.team_id == team.id, TrackedIssueRow.source == command.tracker.value
                )
            )
        }
        added = updated = 0
        for key, issue in incoming.items():
            values = _values(issue)
            row = stored.get(key)
            if row is None:
                uow.session.add(
                    TrackedIssueRow(
                        team_id=team.id, source=command.tracker.value, key=key, imported_at=uow.now, **values
                    )
                )
                added += 1
            elif _changed(row, values):
                for name, value in values.items():
                    setattr(row, name, value)
                row.imported_at = uow.now
                updated += 1
        unchanged = len(incoming) - added - updated
        unreadable = [row.model_dump() for row in command.unreadable]
        skipped = sum(command.skipped.values())
        event = IssuesImported(
            command.tracker.value, command.origin, added, updated, unchanged, len(unreadable), skipped
        )
        uow.record(team, event, actor=actor)
        result = Imported(
            command.tracker.value, command.origin, added, updated, unchanged, unreadable, dict(command.skipped)
        )
        uow.commit(result)
        return result


def _values(issue: IssueIn) -> dict[str, Any]:
    labels, components = list(issue.labels), list(issue.components)
    words = [issue.key, issue.title, *labels, *components, issue.customer or "", issue.assignee or ""]
    return {
        "title": issue.title,
        "status": issue.status,
        "category": issue.category.value,
        "assignee": issue.assignee,
        "labels": labels,
        "components": components,
        "priority": issue.priority,
        "customer": issue.customer,
        "url": issue.url,
        "created_at": issue.created,
        "updated_at": issue.updated,
        "resolved_at": issue.resolved,
        "search": " ".join(word for word in words if word).lower(),
        "label_index": index_of(labels),
        "component_index": index_of(components),
    }


def index_of(names: list[str]) -> str:
    """``|name|name|`` in lower case: a filter matches ``%|name|%`` (``|`` itself cannot be in a name)."""
    return "|" + "".join(f"{name.lower().replace('|', '/')}|" for name in names)


def _changed(row: TrackedIssueRow, values: dict[str, Any]) -> bool:
    if any(getattr(row, name) != values[name] for name in COMPARED):
        return True
    return any(getattr(row, name) != values[name] for name in COMPARED_TIMES)


@COMMANDS.handles(PublishBoard)
def publish_board(uow: UnitOfWork, caller: Caller, command: PublishBoard) -> BoardSetting:
    with uow:
        team, actor = _allowed(uow, caller, Action.PUBLISH_BOARD)
        row = uow.session.get(BugBoardRow, team.id)
        if (row is not None and row.published) != command.published:  # a change: kept and on the record
            if row is None:
                row = BugBoardRow(team_id=team.id)
                uow.session.add(row)
            row.published, row.changed_at, row.changed_by = command.published, uow.now, actor
            uow.record(team, BugBoardPublished() if command.published else BugBoardUnpublished(), actor=actor)
        setting = BoardSetting(team.name, command.published, public_path(team.name))
        uow.commit(setting)
        return setting

"""The bug board's publication and its links to incidents, rebuilt from the chain (``tracker/rebuild.py``,
pure) and read from the tables, for ``remit audit verify`` to compare: a board published, or a bug linked,
behind the chain's back is a difference."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.incidents.tables import IncidentRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.tracker.rebuild import BOARD, KINDS, link_label, rebuild
from remit.tracker.tables import BugBoardRow, BugIncidentRow, TrackedIssueRow


class BoardProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        boards: dict[Hashable, Row] = {}
        row = session.get(BugBoardRow, team_id)
        if row is not None:
            fields = {"published": row.published, "changed_by": row.changed_by, "changed_at": utc(row.changed_at)}
            boards[BOARD] = Row(BOARD, fields)
        linked = session.execute(
            select(TrackedIssueRow.source, TrackedIssueRow.key, IncidentRow.number, BugIncidentRow)
            .join(TrackedIssueRow, TrackedIssueRow.id == BugIncidentRow.issue_id)
            .join(IncidentRow, IncidentRow.id == BugIncidentRow.incident_id)
            .where(BugIncidentRow.team_id == team_id)
        ).all()
        links: dict[Hashable, Row] = {
            (source, key): Row(
                link_label(source, key),
                {"incident": number, "linked_by": link.linked_by, "linked_at": utc(link.linked_at)},
            )
            for source, key, number, link in linked
        }
        return {"bug_boards": boards, "bug_incidents": links}


PROJECTOR = BoardProjector()

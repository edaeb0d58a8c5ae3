"""The bug board's publication, rebuilt from the chain (``tracker/rebuild.py``, pure) and read from the table,
for ``remit audit verify`` to compare: a board published behind the chain's back is a difference."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.tracker.rebuild import BOARD, KINDS, rebuild
from remit.tracker.tables import BugBoardRow


class BoardProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        row = session.get(BugBoardRow, team_id)
        if row is None:
            return {"bug_boards": {}}
        fields = {"published": row.published, "changed_by": row.changed_by, "changed_at": utc(row.changed_at)}
        return {"bug_boards": {BOARD: Row(BOARD, fields)}}


PROJECTOR = BoardProjector()

"""The bug board's publication as the chain's ``BugBoardPublished`` and ``BugBoardUnpublished`` entries say it
should be: events in, rows out (``tracker/replay.py`` reads the table to compare). Plain Python.

The imported issues are not replayed: an ``IssuesImported`` entry records the import's counts, not the issues
(their record is the tracker they came from; the next import brings them back in line)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.tracker.events import BugBoardPublished, BugBoardUnpublished

KINDS = (BugBoardPublished, BugBoardUnpublished)
BOARD = "the bug board"


def rebuild(entries: Sequence[Recorded]) -> Rows:
    boards: dict[Hashable, Row] = {}
    for entry in entries:
        if isinstance(entry.event, KINDS):
            published = isinstance(entry.event, BugBoardPublished)
            fields = {"published": published, "changed_by": entry.actor, "changed_at": utc(entry.at)}
            boards[BOARD] = Row(BOARD, fields)
    return {"bug_boards": boards}

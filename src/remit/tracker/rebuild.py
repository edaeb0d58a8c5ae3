"""The bug board's publication and its bugs' links to incidents as the chain's entries say they should be:
events in, rows out (``tracker/replay.py`` reads the tables to compare). Plain Python.

The imported issues are not replayed: an ``IssuesImported`` entry records the import's counts, not the issues
(their record is the tracker they came from; the next import brings them back in line). A link is replayed:
``BugLinked`` and ``BugUnlinked`` name the bug (source and key) and the incident's number."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.tracker.events import BugBoardPublished, BugBoardUnpublished, BugLinked, BugUnlinked

KINDS = (BugBoardPublished, BugBoardUnpublished, BugLinked, BugUnlinked)
BOARD = "the bug board"


def link_label(source: str, key: str) -> str:
    return f"{key} ({source})"


def rebuild(entries: Sequence[Recorded]) -> Rows:
    boards: dict[Hashable, Row] = {}
    links: dict[Hashable, Row] = {}
    for entry in entries:
        event = entry.event
        if isinstance(event, BugBoardPublished | BugBoardUnpublished):
            published = isinstance(event, BugBoardPublished)
            fields = {"published": published, "changed_by": entry.actor, "changed_at": utc(entry.at)}
            boards[BOARD] = Row(BOARD, fields)
        elif isinstance(event, BugLinked):
            fields = {"incident": event.incident, "linked_by": entry.actor, "linked_at": utc(entry.at)}
            links[(event.source, event.key)] = Row(link_label(event.source, event.key), fields)
        elif isinstance(event, BugUnlinked):
            links.pop((event.source, event.key), None)
    return {"bug_boards": boards, "bug_incidents": links}

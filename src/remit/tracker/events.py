"""What happens to a team's bug board, in the past tense."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class IssuesImported(Event):
    """One import, whatever its size: what it read, and what it changed on the board."""

    source: str
    origin: str
    added: int
    updated: int
    unchanged: int
    unreadable: int
    skipped: int


@dataclass(frozen=True)
class BugBoardPublished(Event):
    """The board is readable without signing in, at /public/TEAM/bugs."""


@dataclass(frozen=True)
class BugBoardUnpublished(Event):
    """The board is for the team's signed-in members again."""

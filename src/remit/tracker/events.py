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


@dataclass(frozen=True)
class BugLinked(Event):
    """A bug of the board is linked to an incident (``previous``: the incident it was linked to before, if any)."""

    source: str
    key: str
    incident: int
    previous: int | None = None


@dataclass(frozen=True)
class BugUnlinked(Event):
    """A bug of the board is linked to no incident any more."""

    source: str
    key: str
    incident: int

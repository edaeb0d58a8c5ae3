"""What happens to a team's charter and to the actions it governs, in the past tense."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class CharterAdopted(Event):
    version: int
    sha256: str
    preset: str | None
    people: list[str]
    names: dict[str, str] | None = None  # handle -> name (None in entries written before it was recorded)


@dataclass(frozen=True)
class CrossingRecorded(Event):
    """A step over the charter's line that was heard, not refused: a no-go outside the role's scope counts
    as voice, and the crossing is on the record (shown, counted per domain, never dropped)."""

    action: str
    domain: str
    role: str
    basis: str | None
    why: str
    crossing: int | None = None  # the crossings row's id (None in entries written before it was recorded)


@dataclass(frozen=True)
class ActionRefused(Event):
    """An action the charter does not allow: undone, and recorded as a boundary crossing."""

    action: str
    domain: str
    role: str
    why: str
    crossing: int | None = None  # the crossings row's id (None in entries written before it was recorded)
    incident: int | None = None  # the incident's row id, when the action was on one

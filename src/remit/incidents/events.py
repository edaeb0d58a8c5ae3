"""What happens to incidents, in the past tense. Each is one audit entry (kind = class name, payload =
fields); ``incidents/subscribers.py`` hears them in their transaction to tell and ask people."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class IncidentOpened(Event):
    number: int
    title: str
    severity: str
    components: list[str]
    commander: str
    role: str
    update: int  # the timeline line's id
    consult: list[str]  # the roles asked for customer impact
    inform: list[str]  # the roles told (a consulted role is told of later changes)
    message: str
    public: bool


@dataclass(frozen=True)
class IncidentUpdated(Event):
    """A line on the timeline: a message, a status change, a severity change, or several at once."""

    number: int
    update: int
    role: str
    text: str
    public: bool
    status: str
    severity: str
    status_from: str | None
    severity_from: str | None


@dataclass(frozen=True)
class CommanderNamed(Event):
    number: int
    update: int
    commander: str
    role: str


@dataclass(frozen=True)
class ImpactAnswered(Event):
    """The consulted role's answer on customer impact."""

    number: int
    update: int
    role: str
    impact: str


@dataclass(frozen=True)
class PostmortemLinked(Event):
    number: int
    update: int
    role: str
    url: str
    status_from: str
    status: str
    public: bool

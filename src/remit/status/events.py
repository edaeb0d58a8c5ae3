"""What happens to the status page's own facts, in the past tense: a component's state set by hand, a
maintenance scheduled and moved along. Each is one audit entry (kind = class name, payload = fields)."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class ComponentStatusSet(Event):
    """A component's state, set by hand (``operational`` takes the hand off); the note is public."""

    component: str
    status: str
    status_from: str
    note: str
    role: str


@dataclass(frozen=True)
class MaintenanceScheduled(Event):
    number: int
    name: str
    components: list[str]
    scheduled_for: str
    scheduled_until: str
    update: int  # the announcement's line
    message: str  # public: the announcement
    role: str


@dataclass(frozen=True)
class MaintenanceUpdated(Event):
    """A line on the maintenance: a status change, a message (public or internal), or both."""

    number: int
    update: int
    status: str
    status_from: str | None
    message: str
    public: bool
    role: str

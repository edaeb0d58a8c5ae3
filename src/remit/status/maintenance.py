"""Scheduled maintenance as Statuspage v2 has it: announced (``scheduled``), then ``in_progress``,
``verifying`` and ``completed``; Remit adds ``cancelled`` for one called off before it began. Time moves it
too: a maintenance still ``scheduled`` is in progress from ``scheduled_for`` and over at ``scheduled_until``
(Statuspage's automatic transitions); one the team moved by hand stays where they put it until they complete
it, so an overrun shows. Plain Python: the standard library and the kernel's errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from remit.kernel import times
from remit.kernel.errors import Conflict, InvalidInput


class MaintenanceStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


ACTIVE = (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING)
OVER = (MaintenanceStatus.COMPLETED, MaintenanceStatus.CANCELLED)
MOVES: dict[MaintenanceStatus, tuple[MaintenanceStatus, ...]] = {
    MaintenanceStatus.SCHEDULED: (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.CANCELLED),
    MaintenanceStatus.IN_PROGRESS: (MaintenanceStatus.VERIFYING, MaintenanceStatus.COMPLETED),
    MaintenanceStatus.VERIFYING: (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.COMPLETED),
    MaintenanceStatus.COMPLETED: (),
    MaintenanceStatus.CANCELLED: (),
}
WORDS = {
    MaintenanceStatus.SCHEDULED: "Scheduled",
    MaintenanceStatus.IN_PROGRESS: "In progress",
    MaintenanceStatus.VERIFYING: "Verifying",
    MaintenanceStatus.COMPLETED: "Completed",
    MaintenanceStatus.CANCELLED: "Cancelled",
}
LONGEST_WINDOW_DAYS = 31
STARTED_WORDS = "Scheduled maintenance is currently in progress. We will provide updates as necessary."
COMPLETED_WORDS = "The scheduled maintenance has been completed."


def shown(stored: MaintenanceStatus, scheduled_for: datetime, scheduled_until: datetime, now: datetime) -> str:
    """Where the maintenance stands at ``now``: what the team set, moved on by the clock while it is still
    ``scheduled``."""
    if stored is not MaintenanceStatus.SCHEDULED:
        return stored.value
    if now >= scheduled_until:
        return MaintenanceStatus.COMPLETED.value
    if now >= scheduled_for:
        return MaintenanceStatus.IN_PROGRESS.value
    return MaintenanceStatus.SCHEDULED.value


def move(number: int, now_status: MaintenanceStatus, to: MaintenanceStatus) -> MaintenanceStatus:
    """The move from where maintenance ``number`` stands now, or a refusal in words."""
    if to is now_status:
        raise InvalidInput(f"maintenance #{number} is already {to.value}", hint="give another status", field="status")
    if to not in MOVES[now_status]:
        allowed = ", ".join(s.value for s in MOVES[now_status]) or "nothing: it is over"
        hint = "a maintenance is cancelled before it begins; one under way is completed" if to in OVER else ""
        raise Conflict(
            f"maintenance #{number} is {now_status.value}: it may move to {allowed}, not {to.value}",
            hint=hint or "schedule a new maintenance",
        )
    return to


def read_time(text: str, *, now: datetime, zone: str, field: str) -> datetime:
    """A window's edge as a person types it (``now``, ``in 2 days``, ``2026-12-03 22:00`` in ``zone``, ISO 8601
    with an offset), in UTC; refused in words naming ``field``."""
    if text.strip().lower() == "now":
        return now
    try:
        found = times.parse_deadline(text, now=now, zone_name=zone)
    except InvalidInput as error:
        said = error.message.replace("the deadline", f"the {field.replace('_', ' ')}")
        raise InvalidInput(said, hint=error.hint, field=field) from None
    if found is None:
        raise InvalidInput(f"give the {field.replace('_', ' ')}", hint=times.DEADLINE_HINT, field=field)
    return found


def check_window(scheduled_for: datetime, scheduled_until: datetime) -> None:
    if scheduled_until <= scheduled_for:
        raise InvalidInput(
            "a maintenance ends after it begins",
            hint="give scheduled_until after scheduled_for",
            field="scheduled_until",
        )
    if (scheduled_until - scheduled_for).days >= LONGEST_WINDOW_DAYS:
        raise InvalidInput(
            f"a maintenance window is shorter than {LONGEST_WINDOW_DAYS} days",
            hint="schedule several windows",
            field="scheduled_until",
        )


@dataclass(frozen=True)
class MaintenanceLine:
    """A published line of a maintenance's updates (the announcement is the first)."""

    id: int
    at: str  # ISO 8601, UTC
    status: str
    body: str


@dataclass(frozen=True)
class PublicMaintenance:
    """A maintenance as the public sees it: no internal note, no private component, no person."""

    number: int
    name: str
    status: str  # as the team set it (MaintenanceStatus)
    components: tuple[str, ...]
    scheduled_for: str  # ISO 8601, UTC
    scheduled_until: str
    created_at: str
    started_at: str | None  # moved to in_progress by hand
    ended_at: str | None  # completed or cancelled by hand
    updates: tuple[MaintenanceLine, ...]  # oldest first

    def status_at(self, now: str) -> str:
        """``shown``, on ISO strings (they compare as times: all are UTC)."""
        if self.status != MaintenanceStatus.SCHEDULED:
            return self.status
        if now >= self.scheduled_until:
            return MaintenanceStatus.COMPLETED.value
        return MaintenanceStatus.IN_PROGRESS.value if now >= self.scheduled_for else self.status

    def window(self, now: str) -> tuple[str, str | None] | None:
        """When its components were under maintenance: (from, until, None while it lasts); None if never."""
        status = self.status_at(now)
        if status == MaintenanceStatus.CANCELLED or (self.started_at is None and now < self.scheduled_for):
            return None
        began = self.started_at or self.scheduled_for
        if status in ACTIVE:
            return began, None
        return began, self.ended_at or self.scheduled_until

    def next_change(self, now: str) -> str | None:
        """The next moment the clock alone changes how it is shown, if any."""
        if self.status != MaintenanceStatus.SCHEDULED:
            return None
        return next((t for t in (self.scheduled_for, self.scheduled_until) if t > now), None)


def maintenance_lines(m: PublicMaintenance, now: str) -> list[MaintenanceLine]:
    """The maintenance's published lines, and Statuspage's words where the clock moved it (it began or
    ended on time), oldest first."""
    lines = list(m.updates)
    began_on_time = m.started_at == m.scheduled_for or (
        m.status == MaintenanceStatus.SCHEDULED and now >= m.scheduled_for
    )
    ended_on_time = m.ended_at == m.scheduled_until or (
        m.status == MaintenanceStatus.SCHEDULED and now >= m.scheduled_until
    )
    if began_on_time and now >= m.scheduled_for:
        lines.append(MaintenanceLine(-1, m.scheduled_for, MaintenanceStatus.IN_PROGRESS.value, STARTED_WORDS))
    if ended_on_time and now >= m.scheduled_until:
        lines.append(MaintenanceLine(-2, m.scheduled_until, MaintenanceStatus.COMPLETED.value, COMPLETED_WORDS))
    return sorted(lines, key=lambda line: (line.at, line.id < 0, line.id))


def maintenance_updated_at(m: PublicMaintenance, now: str) -> str:
    return max([m.created_at, *(line.at for line in maintenance_lines(m, now))])


def public_status(status: str) -> str:
    """Statuspage has no ``cancelled``: a cancelled maintenance is ``completed``, its last line saying why."""
    return MaintenanceStatus.COMPLETED.value if status == MaintenanceStatus.CANCELLED else status

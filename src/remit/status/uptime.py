"""The 90-day uptime bar: each day of a component, coloured by the worst state it was in that day, with the
time spent in each state, and the component's uptime over the days shown. Plain Python.

A ``Span`` is a stretch of time a component was not operational: an incident naming it (from its opening to
its resolution, in the state its severity maps to, cut where its severity changed), a state the team set by
hand, a maintenance under way.
Spans may overlap; each minute counts once, in the worst state covering it. Days are calendar days in the
team's time zone; an open span (``end`` None) lasts until ``now``. Uptime weighs a major outage in full and a
partial outage at 30 % (Statuspage's rule); degraded performance and maintenance are not downtime."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

DAYS = 90
ORDER = ("operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage")
WORDS = {
    "operational": "no incidents",
    "under_maintenance": "maintenance",
    "degraded_performance": "degraded performance",
    "partial_outage": "partial outage",
    "major_outage": "major outage",
}
DOWNTIME = {"major_outage": 1.0, "partial_outage": 0.3}


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime | None  # None: still so
    state: str  # a Statuspage component status other than operational


def cut(start: datetime, end: datetime | None, first: str, changes: Sequence[tuple[datetime, str]]) -> list[Span]:
    """A stretch from ``start`` to ``end`` in state ``first``, cut at each ``(moment, state)`` of ``changes``
    (oldest first) that falls inside it: an incident whose severity changed while it was open."""
    found, state = [], first
    for moment, then in changes:
        if end is not None and moment >= end:
            break
        if moment > start:
            found.append(Span(start, moment, state))
            start = moment
        state = then
    found.append(Span(start, end, state))
    return found


@dataclass(frozen=True)
class Day:
    day: date
    seconds: dict[str, int]  # state -> seconds in it (each second once, in the worst state covering it)
    counted: int = 86_400  # the seconds of the day that have passed (today: until now)

    @property
    def worst(self) -> str:
        return max(self.seconds, key=ORDER.index, default="operational")

    @property
    def title(self) -> str:
        """``2026-11-12: partial outage 2 h 10 min`` (the worst state first), or ``2026-11-12: no incidents``."""
        if not self.seconds:
            return f"{self.day.isoformat()}: no incidents"
        parts = [f"{WORDS[s]} {duration(self.seconds[s])}" for s in sorted(self.seconds, key=ORDER.index)[::-1]]
        return f"{self.day.isoformat()}: " + ", ".join(parts)

    @property
    def down(self) -> float:
        return sum(DOWNTIME.get(state, 0.0) * seconds for state, seconds in self.seconds.items())


def duration(seconds: int) -> str:
    """``2 h 10 min``, ``45 min``, ``under 1 min``."""
    minutes = round(seconds / 60)
    if minutes == 0:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def day_of(spans: Sequence[Span], day: date, zone: ZoneInfo, now: datetime) -> Day:
    """One day: its seconds in each state, the worst state covering each moment."""
    begin, end = _start_of(day, zone), min(_start_of(day + timedelta(days=1), zone), now)
    if end <= begin:
        return Day(day, {}, 0)
    clipped = [
        (max(s.start, begin), min(s.end or now, end), s.state)
        for s in spans
        if s.start < end and (s.end or now) > begin
    ]
    cuts = sorted({begin, end, *(a for a, _, _ in clipped), *(b for _, b, _ in clipped)})
    seconds: dict[str, int] = {}
    for left, right in pairwise(cuts):
        covering = [state for a, b, state in clipped if a <= left and b >= right and a < b]
        if covering:
            worst = max(covering, key=ORDER.index)
            seconds[worst] = seconds.get(worst, 0) + int((right - left).total_seconds())
    return Day(day, {state: n for state, n in seconds.items() if n > 0}, int((end - begin).total_seconds()))


def bar(spans: Iterable[Span], now: datetime, zone: str = "UTC", days: int = DAYS) -> list[Day]:
    """The last ``days`` days in ``zone``, the oldest first; today ends at ``now``."""
    where = ZoneInfo(zone)
    today = now.astimezone(where).date()
    listed = [s for s in spans if s.state != "operational"]
    return [day_of(listed, today - timedelta(days=back), where, now) for back in range(days - 1, -1, -1)]


def uptime(days: Sequence[Day]) -> float:
    """The share of the days' time that was up, in percent, to two decimals."""
    total = sum(d.counted for d in days)
    if not total:
        return 100.0
    return round(100 * (1 - sum(d.down for d in days) / total), 2)


def next_midnight(now: datetime, zone: str) -> datetime:
    """When the bar moves on by a day."""
    where = ZoneInfo(zone)
    return _start_of(now.astimezone(where).date() + timedelta(days=1), where)

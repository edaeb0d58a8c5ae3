"""Times as people read and write them: IANA time zones, a moment shown in a zone ("2026-11-30 14:05 CET",
"3 hours ago"), and a deadline typed in a zone or as a span from now ("in 3 days", "36h"). Plain Python.

One place for all of it, so the web forms, the pages and the command line agree. Stored times stay UTC;
a zone is only how a person reads and writes them.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from remit.kernel.errors import InvalidInput

TEAM_DEFAULT = "UTC"
FAR_DAYS = 30  # beyond this many days, a moment reads as its date, not "in 45 days"
ZONE_HINT = "use an IANA name such as Europe/Berlin, America/New_York or UTC"
SPAN_HINT = "say how long from now, e.g. in 3 days, in 36 hours, 3d or 2w"
DEADLINE_HINT = f"give a date and time such as 2026-12-01 17:00, or {SPAN_HINT.removeprefix('say ')}"
_SPAN = re.compile(
    r"^(?:in\s+)?(?P<count>\d{1,6}|an?|one)\s*"
    r"(?P<unit>m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$",
    re.IGNORECASE,
)


@functools.cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows (read once: it walks the zone database)."""
    return frozenset(available_timezones())


def check_zone(name: str, field: str = "time zone") -> str:
    """``name`` if it is an IANA zone this machine knows; else an ``InvalidInput`` naming ``field``."""
    if name in known_zones():
        return name
    shown = name if len(name) <= 60 and name.isprintable() else repr(name[:60])
    raise InvalidInput(f"unknown time zone '{shown}'", hint=did_you_mean(name) + ZONE_HINT, field=field)


def did_you_mean(name: str) -> str:
    """ "did you mean Europe/Berlin? " for a near miss, else nothing."""
    import difflib  # only on a miss: the command line starts without it

    close = difflib.get_close_matches(name, sorted(known_zones()), n=1) if len(name) <= 60 else []
    return f"did you mean {close[0]}? " if close else ""


def zone(name: str) -> ZoneInfo:
    """The zone called ``name`` (an unknown name is UTC: stored names were checked when they were set)."""
    return ZoneInfo(name) if name in known_zones() else ZoneInfo(TEAM_DEFAULT)


def _moment(value: datetime | str) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def exact(value: datetime | str, zone_name: str) -> str:
    """The moment in ``zone_name``, to the minute, with the zone's abbreviation: 2026-11-30 14:05 CET."""
    return _moment(value).astimezone(zone(zone_name)).strftime("%Y-%m-%d %H:%M %Z")


def local_input(value: datetime | str, zone_name: str) -> str:
    """The moment as a ``datetime-local`` field holds it, in ``zone_name``: 2026-11-30T14:05."""
    return _moment(value).astimezone(zone(zone_name)).strftime("%Y-%m-%dT%H:%M")


def relative(value: datetime | str, now: datetime, zone_name: str = TEAM_DEFAULT) -> str:
    """The moment as people say it: "just now", "3 hours ago", "in 2 days"; beyond a month, its date (the day
    it falls on in ``zone_name``)."""
    moment = _moment(value)
    if far(moment, now):
        return moment.astimezone(zone(zone_name)).strftime("%Y-%m-%d")
    seconds = (now - moment).total_seconds()
    size = abs(seconds)
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = int(size // length)
            said = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"{said} ago" if seconds > 0 else f"in {said}"
    return "just now"


def far(value: datetime | str, now: datetime) -> bool:
    """More than a month away (either way): said as a date rather than a span."""
    return abs((now - _moment(value)).total_seconds()) >= (FAR_DAYS + 1) * 86400


def _span(found: re.Match[str], text: str, now: datetime, zone_name: str) -> datetime:
    """Days and weeks are calendar days in the zone (09:00 in 3 days is 09:00, across a clock change);
    hours and minutes are elapsed time."""
    count_text = found.group("count").lower()
    count = 1 if count_text in ("a", "an", "one") else int(count_text)
    unit = found.group("unit").lower()[0]
    try:
        if unit in "dw":
            wall = now.astimezone(zone(zone_name)) + timedelta(days=count * (7 if unit == "w" else 1))
            return wall.astimezone(UTC)
        return (now + timedelta(minutes=count * (60 if unit == "h" else 1))).astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"the deadline '{text}' is too far away", hint=SPAN_HINT, field="deadline") from None


def _in_zone(value: datetime, zone_name: str) -> datetime:
    """A wall-clock time in the zone, as UTC. A time the clocks skip (the spring change) is refused; a time
    that happens twice (the autumn change) is the first of the two."""
    here = zone(zone_name)
    placed = value.replace(tzinfo=here)
    back = placed.astimezone(UTC).astimezone(here).replace(tzinfo=None)
    if back != value:
        raise InvalidInput(
            f"{value:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that hour",
            hint="pick a time an hour later or earlier",
            field="deadline",
        )
    return placed.astimezone(UTC)


def parse_deadline(text: str | None, *, now: datetime, zone_name: str = TEAM_DEFAULT) -> datetime | None:
    """A deadline as a person types it, in UTC: a span from now (``in 3 days``, ``36 hours``, ``3d``, ``90m``,
    ``2w``), a date and time in ``zone_name`` (``2026-12-01 17:00``, a ``datetime-local`` field's
    ``2026-12-01T17:00``, a bare date meaning its midnight), or ISO 8601 with an offset (``…T17:00Z``).
    Empty is no deadline; a moment not after ``now`` is refused, in the zone's words."""
    if text is None or not text.strip():
        return None
    typed = " ".join(text.split())
    found = _SPAN.match(typed)
    if found:
        moment = _span(found, text, now, zone_name)
    else:
        try:
            value = datetime.fromisoformat(typed.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                f"cannot read the deadline '{text[:60]}'", hint=DEADLINE_HINT, field="deadline"
            ) from None
        try:
            moment = value.astimezone(UTC) if value.tzinfo else _in_zone(value, zone_name)
        except OverflowError:
            raise InvalidInput(
                f"the deadline '{text}' is out of range", hint="give a real date", field="deadline"
            ) from None
    if moment <= now:
        raise InvalidInput(
            f"the deadline {exact(moment, zone_name)} has already passed",
            hint="pick a later day or time, or " + SPAN_HINT,
            field="deadline",
        )
    return moment

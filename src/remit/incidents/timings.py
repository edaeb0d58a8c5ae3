"""Incident timings, per incident and per severity: time to acknowledge (the first update or commander named
after opening), to mitigate (reaching ``monitoring``, or resolved without it) and to resolve. Pure: the
timeline in, durations out. Systemic quality [10/11] reads them."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from remit.incidents.model import Severity, Status, Update, UpdateKind

MITIGATED = (Status.MONITORING, Status.RESOLVED, Status.POSTMORTEM)
RESOLVED = (Status.RESOLVED, Status.POSTMORTEM)


@dataclass(frozen=True)
class Timings:
    """Seconds from opening to each milestone; None while it has not happened."""

    acknowledge: float | None
    mitigate: float | None
    resolve: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"acknowledge": self.acknowledge, "mitigate": self.mitigate, "resolve": self.resolve}


def timings(timeline: Sequence[Update]) -> Timings:
    """The timings of one incident from its timeline (its first line is the opening)."""
    if not timeline:
        return Timings(None, None, None)
    opened = datetime.fromisoformat(timeline[0].at)

    def first(found: Iterable[Update]) -> float | None:
        for update in found:
            return (datetime.fromisoformat(update.at) - opened).total_seconds()
        return None

    later = [update for update in timeline if update.kind is not UpdateKind.OPENED]
    acknowledged = first(u for u in later if u.kind in (UpdateKind.UPDATE, UpdateKind.COMMANDER))
    mitigated = first(u for u in later if u.status in MITIGATED)
    resolved = first(u for u in later if u.status in RESOLVED)
    return Timings(acknowledged, mitigated, resolved)


@dataclass(frozen=True)
class SeverityTimings:
    """The median timings of the incidents of one severity (each over those that reached the milestone)."""

    severity: Severity
    incidents: int
    acknowledge: float | None
    mitigate: float | None
    resolve: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "incidents": self.incidents,
            "median_seconds": {"acknowledge": self.acknowledge, "mitigate": self.mitigate, "resolve": self.resolve},
        }


def _median(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def by_severity(incidents: Iterable[tuple[Severity, Timings]]) -> list[SeverityTimings]:
    """Per severity (sev1 first, only those with incidents): how many, and the median of each timing."""
    grouped: dict[Severity, list[Timings]] = {}
    for severity, each in incidents:
        grouped.setdefault(severity, []).append(each)
    return [
        SeverityTimings(
            severity,
            len(found),
            _median([t.acknowledge for t in found]),
            _median([t.mitigate for t in found]),
            _median([t.resolve for t in found]),
        )
        for severity in Severity
        if (found := grouped.get(severity))
    ]


def duration(seconds: float | None) -> str:
    """A duration as people say it: 45s, 12m, 3h 05m, 2d 4h; — when it has not happened."""
    if seconds is None:
        return "—"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m"
    if whole < 86400:
        return f"{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d {whole % 86400 // 3600}h"

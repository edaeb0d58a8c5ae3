"""What the incident reads return: plain records the API renders as JSON, the CLI and the pages as text.
Plain Python."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from remit.incidents.model import Severity, Status, Update, UpdateKind, component_status


@dataclass(frozen=True)
class IncidentSummary:
    number: int
    title: str
    severity: str
    status: str
    components: list[str]
    commander: str
    opened_at: str
    resolved_at: str | None

    @property
    def open(self) -> bool:
        return self.status not in (Status.RESOLVED, Status.POSTMORTEM)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimelineEntry:
    """A line of the timeline as read: who, when, what, and whether it is public."""

    id: int
    at: str
    kind: str
    author: str
    role: str
    text: str
    public: bool
    status: str
    severity: str
    status_from: str | None
    severity_from: str | None

    def as_update(self) -> Update:
        return Update(
            self.at,
            UpdateKind(self.kind),
            self.author,
            self.role,
            self.text,
            self.public,
            Status(self.status),
            Severity(self.severity),
            Status(self.status_from) if self.status_from else None,
            Severity(self.severity_from) if self.severity_from else None,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Impact:
    """The customer-impact consult: who was asked and when; the answer, by whom, when (None: not yet)."""

    asked: list[str]
    asked_at: str | None
    answer: str | None
    by: str | None
    at: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CrossingEntry:
    person: str | None
    role: str
    action: str
    why: str
    at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IncidentView:
    summary: IncidentSummary
    opened_by: str
    impact: Impact
    postmortem_url: str | None
    timeline: list[TimelineEntry]
    timings: dict[str, float | None]
    crossings: list[CrossingEntry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.summary.as_dict() | {
            "statuspage_impact": Severity(self.summary.severity).impact,
            "component_statuses": {
                name: component_status(Severity(self.summary.severity), Status(self.summary.status))
                for name in self.summary.components
            },
            "opened_by": self.opened_by,
            "impact": self.impact.as_dict(),
            "postmortem_url": self.postmortem_url,
            "timeline": [entry.as_dict() for entry in self.timeline],
            "timings_seconds": self.timings,
            "crossings": [entry.as_dict() for entry in self.crossings],
        }


@dataclass(frozen=True)
class Concern:
    """An incident that asked or told a person something they have not opened yet."""

    number: int
    title: str
    severity: str
    status: str
    kind: str
    role: str
    event: str
    at: str
    answered: bool  # the customer-impact consult has its answer

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

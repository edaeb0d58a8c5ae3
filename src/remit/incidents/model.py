"""An incident as the seed has it: "On-call and incident response. The EM owns this entirely. During an
incident, the PM is a stakeholder: informed of severity, consulted on customer impact prioritization, not a
decision-maker." Its severity, its lifecycle (which moves are allowed, said in words when one is not), its
updates (each public or internal) and its postmortem link. Plain Python: the standard library only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from remit.kernel.errors import InvalidInput


class Severity(StrEnum):
    """sev1 is the worst. Each maps to the impact a Statuspage v2 consumer reads."""

    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"

    @property
    def impact(self) -> str:
        """Statuspage v2's incident impact: critical, major, minor or none."""
        return IMPACT[self]

    @property
    def words(self) -> str:
        return SEVERITY_WORDS[self]


IMPACT = {Severity.SEV1: "critical", Severity.SEV2: "major", Severity.SEV3: "minor", Severity.SEV4: "none"}
SEVERITY_WORDS = {
    Severity.SEV1: "critical: most customers cannot use the product",
    Severity.SEV2: "major: a core feature is down or badly degraded for many",
    Severity.SEV3: "minor: a feature is degraded, or a few customers are affected",
    Severity.SEV4: "low: no visible customer impact yet",
}


# What an open incident of each severity means for the components it affects, in Statuspage v2's component
# statuses (operational, degraded_performance, partial_outage, major_outage, under_maintenance). Remit's
# choice: the seeds are silent; a status page [7/11] may let the commander override it.
COMPONENT_STATUS = {
    Severity.SEV1: "major_outage",
    Severity.SEV2: "partial_outage",
    Severity.SEV3: "degraded_performance",
    Severity.SEV4: "degraded_performance",
}


def component_status(severity: Severity, status: Status) -> str:
    """The Statuspage v2 status of a component an incident affects: operational once it is resolved."""
    return "operational" if status in CLOSED else COMPONENT_STATUS[severity]


class Status(StrEnum):
    """The lifecycle (the same five names as Statuspage v2's incident status)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"


OPEN = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)
CLOSED = (Status.RESOLVED, Status.POSTMORTEM)

# Where each status may go. Forward, skipping steps when the fix is quick; back while it is open (the cause
# was wrong, the fix did not hold). A resolved incident only moves on to its postmortem (a recurrence is a
# new incident), and the postmortem is the end.
MOVES: dict[Status, tuple[Status, ...]] = {
    Status.INVESTIGATING: (Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED),
    Status.IDENTIFIED: (Status.MONITORING, Status.RESOLVED, Status.INVESTIGATING),
    Status.MONITORING: (Status.RESOLVED, Status.INVESTIGATING, Status.IDENTIFIED),
    Status.RESOLVED: (Status.POSTMORTEM,),
    Status.POSTMORTEM: (),
}


def either(names: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def move(number: int, current: Status, to: Status) -> Status:
    """``to``, if an incident in ``current`` may move there; otherwise an ``InvalidInput`` that says where it
    may go."""
    if to is current:
        raise InvalidInput(f"incident #{number} is already {current}", hint="give a different status", field="status")
    allowed = MOVES[current]
    if to in allowed:
        return to
    if not allowed:
        raise InvalidInput(
            f"incident #{number} is in its postmortem: its lifecycle has ended, it cannot move to {to}",
            hint="a recurrence is a new incident: `remit incident open`",
            field="status",
        )
    hint = f"from {current} it can move to {either([s.value for s in allowed])}"
    if to is Status.POSTMORTEM:
        hint = "resolve it first; linking its postmortem then moves it to postmortem"
    elif current is Status.RESOLVED:
        hint = "a resolved incident moves on only to its postmortem (link it); a recurrence is a new incident"
    raise InvalidInput(f"incident #{number} is {current}; it cannot move to {to}", hint=hint, field="status")


def check_postmortem_url(url: str) -> str:
    """An http(s) address with a host: where the postmortem is written."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise InvalidInput(
            f"the postmortem link '{url}' is not an http(s) address",
            hint="give the postmortem's web address, e.g. https://wiki.example.com/postmortems/42",
            field="postmortem link",
        )
    return url


class UpdateKind(StrEnum):
    """What a line of an incident's timeline records."""

    OPENED = "opened"
    UPDATE = "update"  # a message, a status or a severity change
    COMMANDER = "commander"
    IMPACT = "impact"  # the consulted role's answer on customer impact
    POSTMORTEM = "postmortem"


@dataclass(frozen=True)
class Update:
    """One line of the timeline. ``public`` lines are what a public status page may show; the rest is
    internal, for the team."""

    at: str  # ISO 8601, UTC
    kind: UpdateKind
    author: str
    role: str
    text: str
    public: bool
    status: Status
    severity: Severity
    status_from: Status | None = None
    severity_from: Severity | None = None


U = TypeVar("U", bound=Update)


def public_updates(timeline: Iterable[U]) -> list[U]:
    """Only what was published: the lines marked public, in order. Internal lines never leave the team."""
    return [update for update in timeline if update.public]

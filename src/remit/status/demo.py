"""The demo team's status page history (``demo_story`` plays it on its clock, through the real handlers): five
incidents over the last three months, each answered, resolved and read by the people it told, so the 90-day
uptime bar is alive; a component set by hand for an afternoon; a private database that went down (the public
never sees it); a maintenance run through its statuses a month ago; and, today, one set by hand and one
maintenance announced for the coming days, with an internal note the public never reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from remit.incidents.commands import AnswerImpact, MarkIncidentSeen, OpenIncident, ResolveIncident
from remit.incidents.model import Severity
from remit.kernel.commands import Command
from remit.status.commands import ScheduleMaintenance, SetComponentStatus, UpdateMaintenance
from remit.status.maintenance import MaintenanceStatus
from remit.status.tables import ComponentStatus

COMPONENTS = ("checkout", "payments", "search", "notifications", "ledger-db")  # the charter's [status] list
GROUPS = {"storefront": ("checkout", "search"), "money": ("payments", "ledger-db")}
PRIVATE = ("ledger-db",)
READERS = ("priya", "victor", "sol")  # whom an incident asks or tells: each reads it
# days ago, hours it lasted, severity, components, title, what customers read first, and last
INCIDENTS = (
    (83, 2 + 10 / 60, Severity.SEV2, ["payments"], "Card payments declined by some banks",
     "Some card payments are declined; we are investigating.", "Card payments work again."),
    (52, 25 / 60, Severity.SEV1, ["checkout"], "Checkout unavailable",
     "Checkout fails for every customer; we are on it.", "Checkout works again."),
    (38, 3, Severity.SEV3, ["notifications"], "Order emails delayed",
     "Order confirmation emails arrive late.", "Emails are on time again."),
    (24, 1 + 20 / 60, Severity.SEV2, ["search", "checkout"], "Slow checkout and search in Europe",
     "Checkout and search are slow for customers in Europe.", "Both are fast again."),
)  # fmt: skip
INTERNAL = "Runbook: fail over to the replica first; Omar holds the database credentials."


@dataclass(frozen=True)
class Happening:
    """One thing on the status page's history: ``actor`` dispatches ``command`` ``days_ago``."""

    say: str
    actor: str
    command: Command[Any]
    days_ago: float | None = None


def _ago(end: datetime, moment: datetime) -> float:
    return (end - moment).total_seconds() / 86_400


def _evening(end: datetime, days: int) -> datetime:
    """21:00 UTC (22:00 in Berlin) ``days`` days from ``end``'s day."""
    return (end + timedelta(days=days)).astimezone(UTC).replace(hour=21, minute=0, second=0, microsecond=0)


def history(end: datetime) -> list[Happening]:
    """Three months of the page, oldest first, before the rest of the story (it begins 20 days ago)."""
    blocks: list[list[Happening]] = []
    for number, (days, hours, severity, components, title, first, last) in enumerate(INCIDENTS, start=1):
        blocks.append(
            [
                Happening(
                    f"{days} days ago: {title}.",
                    "ezra",
                    OpenIncident(title=title, severity=severity, components=components, message=first, public=True),
                    days,
                ),
                Happening(
                    "Priya answers the impact consult.", "priya", AnswerImpact(number=number, impact="A few customers.")
                ),
                Happening(
                    "Ezra resolves it.",
                    "ezra",
                    ResolveIncident(number=number, message=last, public=True),
                    days - hours / 24,
                ),
                *(Happening(f"{who} reads it.", who, MarkIncidentSeen(number=number)) for who in READERS),
            ]
        )
    blocks += [*_hand_history(), _maintenance_done(end)]
    blocks.sort(key=lambda block: -(block[0].days_ago or 0))  # each block in its time, the oldest first
    return [happening for block in blocks for happening in block]


def _hand_history() -> list[list[Happening]]:
    degraded, operational = ComponentStatus.DEGRADED_PERFORMANCE, ComponentStatus.OPERATIONAL
    note = "Push notifications arrive late."
    return [
        [
            Happening(
                "The ledger database (private) fails over.",
                "ezra",
                SetComponentStatus(component="ledger-db", status=ComponentStatus.MAJOR_OUTAGE, note="replica lag"),
                60,
            ),
            Happening(
                "It is back.", "ezra", SetComponentStatus(component="ledger-db", status=operational), 60 - 1 / 24
            ),
        ],
        [
            Happening(
                "Ezra marks notifications degraded by hand.",
                "ezra",
                SetComponentStatus(component="notifications", status=degraded, note=note),
                45,
            ),
            Happening(
                "And operational again.",
                "ezra",
                SetComponentStatus(component="notifications", status=operational),
                45 - 6 / 24,
            ),
        ],
    ]


def _maintenance_done(end: datetime) -> list[Happening]:
    begins = _evening(end, -30)
    schedule = ScheduleMaintenance(
        name="Search index upgrade",
        components=["search"],
        scheduled_for=begins,
        scheduled_until=begins + timedelta(hours=2),
        message="Search may return incomplete results during the upgrade.",
    )

    def at(minutes: int) -> float:
        return _ago(end, begins + timedelta(minutes=minutes))

    return [
        Happening("Ezra announces a maintenance.", "ezra", schedule, _ago(end, begins - timedelta(days=3))),
        Happening(
            "It begins.",
            "ezra",
            UpdateMaintenance(
                number=1, status=MaintenanceStatus.IN_PROGRESS, message="The upgrade has begun.", public=True
            ),
            at(-10),
        ),
        Happening("An internal note.", "ezra", UpdateMaintenance(number=1, message="Reindex at 40%."), at(45)),
        Happening(
            "Verifying.",
            "ezra",
            UpdateMaintenance(number=1, status=MaintenanceStatus.VERIFYING, message="Checking results.", public=True),
            at(80),
        ),
        Happening(
            "Done.",
            "ezra",
            UpdateMaintenance(
                number=1, status=MaintenanceStatus.COMPLETED, message="Search is fully back.", public=True
            ),
            at(95),
        ),
    ]


def present(end: datetime) -> list[Happening]:
    """Today: notifications set degraded by hand, and a maintenance announced for the coming days."""
    begins = _evening(end, 3)
    schedule = ScheduleMaintenance(
        name="Payments database upgrade",
        components=["payments", "ledger-db"],
        scheduled_for=begins,
        scheduled_until=begins + timedelta(hours=2),
        message="Card payments may pause for up to a minute during the upgrade.",
    )
    note = "Email receipts arrive up to 10 minutes late."
    return [
        Happening(
            "Ezra sets notifications degraded, with a public note.",
            "ezra",
            SetComponentStatus(component="notifications", status=ComponentStatus.DEGRADED_PERFORMANCE, note=note),
            0.05,
        ),
        Happening("Ezra announces the payments database upgrade.", "ezra", schedule),
        Happening(
            "And notes the runbook for the team (internal).", "ezra", UpdateMaintenance(number=2, message=INTERNAL)
        ),
    ]

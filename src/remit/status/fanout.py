"""What a status page's confirmed subscribers receive, written to the outbox in the transaction of the change
that caused it (a ``within`` writer on the bus), so a notice is never sent for a change that rolled back.

``NEWS`` maps each event kind to the function that says what the public should hear of it (a ``Notice``), or
nothing: an incident opened with a public message, a public update (a status change, resolving included,
only when its line is public), a postmortem linked publicly; a maintenance announced, and each of its public
lines or status changes. Another kind is one function and one entry. Each notice is read from the public
snapshot (``status/queries.py``), the same one the page shows, so nothing but published text leaves: never an
internal line, the commander, the customer impact, an internal postmortem link or a private component."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from remit.incidents.events import IncidentOpened, IncidentUpdated, PostmortemLinked
from remit.kernel.events import BUS, Event, Recorded
from remit.kernel.messages import Message
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.status import documents, model, queries
from remit.status.events import MaintenanceScheduled, MaintenanceUpdated
from remit.status.maintenance import WORDS as MAINTENANCE_WORDS
from remit.status.maintenance import MaintenanceStatus
from remit.status.subscription_handlers import base_url, tell
from remit.status.subscription_tables import SubscriptionRow
from remit.status.subscriptions import State, wants


@dataclass(frozen=True)
class Notice:
    """What the subscribers of ``components`` (or of everything) hear: an email's words and a webhook's document
    (Statuspage's shape: ``page`` and ``incident``; ``meta`` is added per subscriber)."""

    components: tuple[str, ...]
    message: Message


Reader = Callable[[UnitOfWork, TeamRow, Recorded], Notice | None]


def incident_notice(uow: UnitOfWork, team: TeamRow, record: Recorded) -> Notice | None:
    event = record.event
    if not isinstance(event, IncidentOpened | IncidentUpdated | PostmortemLinked) or not event.public:
        return None
    snap = queries.snapshot(uow=uow, team=team.name, url=f"{base_url()}/status/{team.name}")
    incident = next((i for i in snap.incidents if i.number == event.number), None)
    update = next((u for u in incident.updates if u.id == event.update), None) if incident else None
    if incident is None or update is None:  # not published after all: nothing leaves
        return None
    opened = isinstance(event, IncidentOpened)
    what = "new incident" if opened else ("resolved" if update.status == "resolved" else update.status)
    lines = [f"{update.status.capitalize()}: {update.body}"]
    if incident.components:
        lines.append(f"Affects: {', '.join(incident.components)}")
    message = Message(
        topic="status.incident",
        subject=f"[{snap.name}] {incident.name} ({what})",
        lines=tuple(lines),
        link=f"/status/{team.name}",
        facts=(("Status", update.status), ("Impact", incident.impact)),
        data={"page": _page(snap), "incident": documents.incident_json(snap, incident)},
    )
    return Notice(incident.components, message)


def _page(snap: model.Snapshot) -> dict[str, Any]:
    return {
        "id": snap.page_id,
        "status_indicator": snap.indicator,
        "status_description": model.DESCRIPTIONS[snap.indicator],
        "url": snap.url,
    }


def maintenance_notice(uow: UnitOfWork, team: TeamRow, record: Recorded) -> Notice | None:
    """A maintenance announced, or moved along or spoken of in public; an internal note alone says nothing.
    Statuspage's webhooks carry a maintenance as an ``incident`` (impact ``maintenance``): so does Remit's."""
    event = record.event
    if not isinstance(event, MaintenanceScheduled | MaintenanceUpdated):
        return None
    moved = isinstance(event, MaintenanceUpdated) and event.status_from not in (None, event.status)
    if isinstance(event, MaintenanceUpdated) and not (event.public or moved):
        return None
    snap = queries.snapshot(uow=uow, team=team.name, url=f"{base_url()}/status/{team.name}")
    found = next((m for m in snap.maintenances if m.number == event.number), None)
    if found is None or not found.components:  # private components only: the public never sees it
        return None
    line = next((u for u in found.updates if u.id == event.update), None)
    status = MaintenanceStatus(found.status_at(snap.now))
    said = line.body if line is not None and line.body else MAINTENANCE_WORDS[status]
    what = "scheduled maintenance" if isinstance(event, MaintenanceScheduled) else MAINTENANCE_WORDS[status].lower()
    lines = [f"{MAINTENANCE_WORDS[status]}: {said}", f"Affects: {', '.join(found.components)}"]
    message = Message(
        topic="status.maintenance",
        subject=f"[{snap.name}] {found.name} ({what})",
        lines=(*lines, f"Window: {found.scheduled_for} to {found.scheduled_until} (UTC)"),
        link=f"/status/{team.name}",
        facts=(("Status", status), ("Begins", found.scheduled_for), ("Ends", found.scheduled_until)),
        data={"page": _page(snap), "incident": documents.maintenance_json(snap, found)},
    )
    return Notice(found.components, message)


NEWS: dict[type[Event], Reader] = {
    IncidentOpened: incident_notice,
    IncidentUpdated: incident_notice,
    PostmortemLinked: incident_notice,
    MaintenanceScheduled: maintenance_notice,
    MaintenanceUpdated: maintenance_notice,
}


def _listened(uow: UnitOfWork, team_id: int) -> bool:
    """Whether the team has a confirmed subscriber: one look-up on an index, before any notice is read."""
    found = uow.session.scalar(
        select(SubscriptionRow.id)
        .where(SubscriptionRow.team_id == team_id, SubscriptionRow.state == State.CONFIRMED.value)
        .limit(1)
    )
    return found is not None


@BUS.within(*NEWS)
def tell_subscribers(uow: UnitOfWork, records: Sequence[Recorded]) -> None:
    """Each record's notice, to the confirmed subscribers of its components. A team nobody listens to costs
    one look-up per transaction: no snapshot is read for it."""
    listened: dict[int, bool] = {}
    for record in records:
        if record.team_id not in listened:
            listened[record.team_id] = _listened(uow, record.team_id)
        if not listened[record.team_id]:
            continue
        team = uow.session.get_one(TeamRow, record.team_id)
        notice = NEWS[type(record.event)](uow, team, record)
        if notice is None:
            continue
        confirmed = uow.session.scalars(
            select(SubscriptionRow)
            .where(SubscriptionRow.team_id == team.id, SubscriptionRow.state == State.CONFIRMED.value)
            .order_by(SubscriptionRow.id)
        ).all()
        for row in confirmed:
            if wants(list(row.components), notice.components):
                tell(uow, team, row, notice.message)

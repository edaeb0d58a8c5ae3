"""The delivery pipeline's transactions, each short and never around a send:

1. ``expand``: new outbox messages become deliveries, one per message × channel, resolving the recipient's
   channels (roster and app) and what they want to receive *now*; the expansion is marked in the same
   transaction, so a message is expanded once even with several workers.
2. ``gather``: held deliveries whose digest is due become one digest delivery per person × channel.
3. ``claim``: a batch of due deliveries is leased to one worker (``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite takes one writer at a time). A lease that runs out (a worker that died) makes them claimable again.
4. ``record``: after sending, outside any transaction, the results: sent; or due again after a back-off;
   or dead. A result is kept only while its lease still holds the delivery.

So a crash between a send and its record can repeat that one delivery (at most once per lease that ran
out); each delivery's stable ``key`` goes with every attempt so a receiver can drop the repeat."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.sql import Select

from remit.charter.model import Charter
from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version
from remit.kernel.errors import StoreRefused
from remit.kernel.messages import Message
from remit.kernel.tables import OutboxRow, TeamRow
from remit.kernel.uow import UnitOfWork
from remit.notify.channels import (
    MAX_ATTEMPTS,
    Digest,
    Preferences,
    Topic,
    area_of,
    digest_due,
    kind_of,
    masked,
    stranger,
)
from remit.notify.channels import retry_delay as back_off
from remit.notify.tables import ChannelRow, DeliveryRow, ExpandedRow, PreferenceRow, State

log = logging.getLogger("remit.notify")


def _skip_locked(uow: UnitOfWork, query: Select[Any]) -> Select[Any]:
    """On PostgreSQL, rows another worker holds are skipped, not waited for (SQLite has one writer anyway)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def preferences(row: PreferenceRow | None) -> Preferences:
    if row is None:
        return Preferences()
    return Preferences(
        frozenset(Topic(topic) for topic in row.topics if topic in Topic._value2member_map_), Digest(row.digest)
    )


@dataclass
class _Team:
    """What expanding one team's messages needs, read once per transaction."""

    row: TeamRow
    charter: Charter
    people: dict[str, int]  # active handle -> person id
    wanted: dict[int, Preferences] = field(default_factory=dict)  # read once per person and transaction
    channels: dict[int, list[str]] = field(default_factory=dict)


def expand(uow: UnitOfWork, *, limit: int = 200) -> int:
    """Turn up to ``limit`` unexpanded outbox messages into deliveries; returns how many were expanded."""
    try:
        with uow:
            query = (
                select(OutboxRow)
                .outerjoin(ExpandedRow, ExpandedRow.outbox_id == OutboxRow.id)
                .where(ExpandedRow.outbox_id.is_(None))
                .order_by(OutboxRow.id)
                .limit(limit)
            )
            if uow.session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=OutboxRow)
            rows = uow.session.scalars(query).all()
            if not rows:  # nothing new: no commit (on PostgreSQL each commit waits for the disk)
                return 0
            teams: dict[int, _Team] = {}
            for row in rows:
                team = teams.get(row.team_id) or teams.setdefault(row.team_id, _team(uow, row.team_id))
                message = Message.from_dict(row.message)
                made = _deliveries(uow, team, row, message)
                uow.session.add(ExpandedRow(outbox_id=row.id, expanded_at=uow.now, deliveries=made))
            uow.commit()
            return len(rows)
    except StoreRefused:  # another worker expanded the same messages first (PostgreSQL): theirs stand
        return 0


def _team(uow: UnitOfWork, team_id: int) -> _Team:
    row = uow.session.get_one(TeamRow, team_id)
    charter = charter_from_text(current_version(uow, row).text)
    people = dict(
        uow.session.execute(
            select(PersonRow.handle, PersonRow.id).where(PersonRow.team_id == team_id, PersonRow.active.is_(True))
        ).all()
    )
    return _Team(row, charter, people)


def person_channels(uow: UnitOfWork, charter: Charter, handle: str, person_id: int) -> list[str]:
    """A person's channels: their roster's, then those they added in the app (each URL once)."""
    member = charter.person(handle)
    urls = list(member.notify) if member is not None else []
    added = uow.session.scalars(
        select(ChannelRow.url)
        .where(ChannelRow.person_id == person_id, ChannelRow.removed_at.is_(None))
        .order_by(ChannelRow.id)
    )
    return list(dict.fromkeys([*urls, *added]))


def _deliveries(uow: UnitOfWork, team: _Team, row: OutboxRow, message: Message) -> int:
    state, due = State.PENDING, uow.now
    if message.address is not None:  # a status page subscriber: that address, and nobody else
        urls = [message.address]
    elif message.to is None:  # the team's channels: every message, and the messages of its area
        urls = list(
            dict.fromkeys([*team.charter.notify.get("all", ()), *team.charter.notify.get(area_of(message.topic), ())])
        )
    else:
        person_id = team.people.get(message.to)
        if person_id is None:  # no longer on the roster: nobody to tell
            return 0
        if person_id not in team.wanted:
            team.wanted[person_id] = preferences(uow.session.get(PreferenceRow, person_id))
            team.channels[person_id] = person_channels(uow, team.charter, message.to, person_id)
        wanted = team.wanted[person_id]
        if not wanted.wants(message.topic, message.asks):
            return 0
        if wanted.holds(message.asks):
            state, due = State.HELD, digest_due(wanted.digest, uow.now)
        urls = team.channels[person_id]
    for url in urls:
        refused = stranger(url, team.charter)
        uow.session.add(
            DeliveryRow(
                key=uuid.uuid4().hex,
                team_id=team.row.id,
                outbox_id=row.id,
                recipient=message.to,
                url=url,
                shown=masked(url),
                kind=kind_of(url).value,
                message=row.message,
                state=State.DEAD.value if refused else state.value,
                attempts=0,
                created_at=uow.now,
                due_at=due,
                last_error=NOT_THE_CHARTERS if refused else None,
            )
        )
    return len(urls)


# Only the charter's channels may name a secret kept on the server (the team reviews and adopts the charter):
# a channel added in the app, or a status page subscriber's address, is never sent with one put in.
NOT_THE_CHARTERS = (
    "not sent: only a channel in the charter may name a secret kept on the server (${NAME}); "
    "this one was added in the app or by a status page subscriber"
)


def gather(uow: UnitOfWork, *, base_url: str) -> int:
    """Held deliveries whose digest is due, as one digest per person and channel; returns how many digests."""
    with uow:
        query = _skip_locked(
            uow,
            select(DeliveryRow)
            .where(DeliveryRow.state == State.HELD.value, DeliveryRow.due_at <= uow.now)
            .order_by(DeliveryRow.id),
        )
        held = uow.session.scalars(query).all()
        if not held:
            return 0
        groups: dict[tuple[int, str | None, str], list[DeliveryRow]] = {}
        for row in held:
            groups.setdefault((row.team_id, row.recipient, row.url), []).append(row)
        for (team_id, recipient, url), rows in groups.items():
            messages = [Message.from_dict(row.message) for row in rows]
            digest = Message(
                topic="digest",
                subject=f"Remit: {len(messages)} update{'s' if len(messages) != 1 else ''} for you",
                lines=tuple(f"{each.subject} — {base_url.rstrip('/')}{each.link}" for each in messages),
                link="/",
                to=recipient,
            )
            made = DeliveryRow(
                key=uuid.uuid4().hex,
                team_id=team_id,
                outbox_id=None,
                recipient=recipient,
                url=url,
                shown=masked(url),
                kind=kind_of(url).value,
                message=digest.as_dict(),
                state=State.PENDING.value,
                attempts=0,
                created_at=uow.now,
                due_at=uow.now,
            )
            uow.session.add(made)
            uow.session.flush()
            for row in rows:
                row.state, row.digest_id = State.DIGESTED.value, made.id
        uow.commit()
        return len(groups)


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    url: str
    message: Message
    attempts: int
    lease: str


def claim(uow: UnitOfWork, *, limit: int, lease: timedelta) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries (and any whose lease ran out) to this caller."""
    with uow:
        due = or_(
            and_(DeliveryRow.state == State.PENDING.value, DeliveryRow.due_at <= uow.now),
            and_(DeliveryRow.state == State.SENDING.value, DeliveryRow.lease_until < uow.now),
        )
        query = _skip_locked(
            uow, select(DeliveryRow).where(due).order_by(DeliveryRow.due_at, DeliveryRow.id).limit(limit)
        )
        rows = uow.session.scalars(query).all()
        if not rows:
            return []
        token = uuid.uuid4().hex
        for row in rows:
            row.state, row.lease, row.lease_until = State.SENDING.value, token, uow.now + lease
            row.attempts += 1
        claimed = [
            Claimed(row.id, row.key, row.url, Message.from_dict(row.message), row.attempts, token) for row in rows
        ]
        uow.commit()
        return claimed


@dataclass(frozen=True)
class Result:
    claimed: Claimed
    error: str | None = None  # None: sent
    permanent: bool = False


def record(uow: UnitOfWork, results: Sequence[Result], *, rng: random.Random | None = None) -> int:
    """Keep the results of a batch; returns how many were kept (a lease that ran out keeps none: another
    worker holds the delivery now)."""
    kept = 0
    with uow:
        ids = [result.claimed.id for result in results]
        rows = {
            row.id: row
            for row in uow.session.scalars(select(DeliveryRow).where(DeliveryRow.id.in_(ids)).with_for_update())
        }
        for result in results:
            row = rows.get(result.claimed.id)
            if row is None or row.lease != result.claimed.lease:
                log.warning("a delivery's lease ran out before its result came", extra={"delivery": result.claimed.id})
                continue
            row.lease, row.lease_until = None, None
            if result.error is None:
                row.state, row.sent_at, row.last_error = State.SENT.value, uow.now, None
            elif result.permanent or row.attempts >= MAX_ATTEMPTS:
                row.state, row.last_error = State.DEAD.value, result.error[:2000]
                log.error("a delivery is dead", extra={"delivery": row.id, "channel": row.shown, "error": result.error})
            else:
                row.state, row.last_error = State.PENDING.value, result.error[:2000]
                row.due_at = uow.now + back_off(row.attempts, rng)
            kept += 1
        uow.commit()
    return kept

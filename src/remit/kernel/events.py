"""Events: past-tense facts a handler raises (``DecisionOpened``, ``PositionRecorded``, ...).

The unit of work writes each one to the team's audit chain as it is raised (its class name is the entry's
kind, its fields the payload) and, once the transaction has committed and the writers' lock is released,
hands them to the subscribers on the ``Bus``. Nothing slow or external runs inside a transaction: a subscriber
that fails is logged, and the write stands. What must stand or fall with the change itself (the notices, the
outbox's messages) is written by a ``within`` subscriber, in the same transaction, just before it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar

log = logging.getLogger("remit.events")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Event:
    """A fact. Subclasses are frozen dataclasses named in the past tense; a field named ``from_`` is recorded
    as ``from`` (a Python keyword)."""

    kinds: ClassVar[dict[str, type[Event]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Event.kinds[cls.__name__] = cls

    @property
    def kind(self) -> str:
        return type(self).__name__

    def payload(self) -> dict[str, Any]:
        return {item.name.rstrip("_"): _plain(getattr(self, item.name)) for item in fields(self)}


@dataclass(frozen=True)
class Recorded:
    """An event as the audit chain recorded it: for whom, by whom, when, about which decision."""

    team: str
    team_id: int
    actor: str
    at: datetime
    decision_id: int | None
    event: Event


Subscriber = Callable[[Any, Sequence[Recorded]], None]  # (the store, the events): the store is the kernel's
# ``Store``, typed loosely here because the unit of work imports this module
Within = Callable[[Any, Sequence[Recorded]], None]  # (the unit of work, the events), inside its transaction


class Bus:
    """Who hears which events after commit. A subscriber gets every event of its kinds that one unit of
    work committed, in the order they were raised, in one call."""

    def __init__(self) -> None:
        self.subscribers: list[tuple[tuple[type[Event], ...], Subscriber]] = []
        self.writers: list[tuple[tuple[type[Event], ...], Within]] = []

    def within(self, *kinds: type[Event]) -> Callable[[Within], Within]:
        """Register a subscriber that writes in the transaction that raised the events, just before it commits:
        what must stand or fall with the change (the notices, the outbox's messages). It only writes rows: no
        network, nothing slow. If it fails, the action fails and nothing of it is kept."""

        def register(writer: Within) -> Within:
            self.writers.append((kinds, writer))
            return writer

        return register

    def settle(self, uow: Any, raised: Sequence[Recorded]) -> None:
        """Run the ``within`` subscribers on the events ``uow`` raised, before it commits."""
        for kinds, writer in self.writers:
            mine = [record for record in raised if isinstance(record.event, kinds)]
            if mine:
                writer(uow, mine)

    def on(self, *kinds: type[Event]) -> Callable[[Subscriber], Subscriber]:
        def register(subscriber: Subscriber) -> Subscriber:
            self.subscribers.append((kinds, subscriber))
            return subscriber

        return register

    def off(self, subscriber: Subscriber) -> None:
        """Stop ``subscriber`` hearing anything (a server's subscribers, when it stops)."""
        self.subscribers = [(kinds, each) for kinds, each in self.subscribers if each != subscriber]
        self.writers = [(kinds, each) for kinds, each in self.writers if each != subscriber]

    def publish(self, store: Any, committed: Sequence[Recorded]) -> None:
        for kinds, subscriber in self.subscribers:
            mine = [record for record in committed if isinstance(record.event, kinds)]
            if not mine:
                continue
            try:
                subscriber(store, mine)
            except Exception:  # the write has committed; a subscriber's failure must not undo or hide it
                log.exception("an after-commit subscriber failed", extra={"subscriber": subscriber.__qualname__})


BUS = Bus()  # the process's bus: each capability subscribes when its handlers module is imported

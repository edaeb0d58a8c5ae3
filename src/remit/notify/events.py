"""What happens to a person's notification settings and to deliveries, in the past tense. A channel is
recorded masked (``channels.masked``): the chain never holds a channel's secret."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class ChannelAdded(Event):
    person: str
    channel: int
    shown: str  # the URL masked


@dataclass(frozen=True)
class ChannelRemoved(Event):
    person: str
    channel: int
    shown: str


@dataclass(frozen=True)
class NotifyPreferencesSet(Event):
    person: str
    topics: list[str]
    digest: str


@dataclass(frozen=True)
class DeliveryRequeued(Event):
    """A dead delivery sent again by someone who may (``remit notify retry``)."""

    delivery: int
    shown: str
    attempts: int

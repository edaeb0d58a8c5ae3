"""What happens to status page subscriptions, in the past tense; each is one audit entry. No raw address is
ever recorded: ``shown`` is the masked address (``p…@example.com``, ``https://hooks.example.com/…``), and
what a stakeholder does is recorded with the actor ``public``."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class StatusSubscribed(Event):
    """Someone asked, on the public page, for notices to an address; a confirmation was sent to it."""

    subscription: int
    channel: str  # email or webhook
    shown: str
    components: list[str]


@dataclass(frozen=True)
class StatusSubscriptionConfirmed(Event):
    subscription: int
    shown: str


@dataclass(frozen=True)
class StatusUnsubscribed(Event):
    """The subscriber followed an unsubscribe link."""

    subscription: int
    shown: str


@dataclass(frozen=True)
class StatusSubscriberRemoved(Event):
    """Someone on the team removed a subscriber."""

    subscription: int
    shown: str
    role: str

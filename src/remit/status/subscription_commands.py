"""The status page subscription actions, one typed command each. A stakeholder's (``Subscribe``,
``ConfirmSubscription``, ``Unsubscribe``) needs no account: the public pages and the public API dispatch them
as ``public``. ``RemoveSubscriber`` is the team's (incident-response's key holders). Handlers:
``status/subscription_handlers.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import Field

from remit.charter.rights import Action
from remit.kernel.commands import Command, Text

Token = Annotated[str, Text("token", 200, one_line=True)]


@dataclass(frozen=True)
class SubscriptionDone:
    """What a subscription action did: the subscription's id, state, masked address, components, and the
    sentence that says it (``sent`` when a confirmation went out)."""

    id: int
    state: str
    shown: str
    kind: str
    components: list[str] = field(default_factory=list)
    sentence: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "shown": self.shown,
            "kind": self.kind,
            "components": list(self.components),
            "message": self.sentence,
        }


class Subscribe(Command[SubscriptionDone]):
    """Ask for the status page's notices at an email address or a webhook URL, for every public component or
    the ones named; a confirmation link is sent there, and nothing else until it is opened."""

    address: Annotated[str, Text("address", 600, one_line=True), Field(examples=["ops@example.com"])]
    components: list[Annotated[str, Text("component", 100, one_line=True)]] = Field(
        default_factory=list, max_length=50, description="none: every public component"
    )


class ConfirmSubscription(Command[SubscriptionDone]):
    """Confirm a subscription with the token of the link that was sent."""

    token: Token


class Unsubscribe(Command[SubscriptionDone]):
    """End a subscription with the token of an unsubscribe link."""

    token: Token


class RemoveSubscriber(Command[SubscriptionDone]):
    """Remove a subscriber of the team's status page (incident-response's key holders)."""

    action: ClassVar[str | None] = Action.MANAGE_STATUS_SUBSCRIBERS
    subscription: Annotated[int, Field(ge=1, le=2**31 - 1, description="the subscription's id")]

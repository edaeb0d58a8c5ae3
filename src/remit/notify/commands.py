"""A person's notification settings, and re-queuing a dead delivery: one typed command each."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from remit.charter.rights import Action
from remit.kernel.commands import Command, OneOf, Text
from remit.notify.channels import Digest, Topic
from remit.notify.views import ChannelView, DeliveryView, Settings

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class AddChannel(Command[ChannelView]):
    """Add a channel of yours: an Apprise URL (mailto://, slack://, json://, ...). It is kept, and shown masked."""

    url: Annotated[
        str,
        Text("url", 2000, one_line=True, hint="e.g. mailto://smtp.example.com?to=you@example.com"),
        Field(examples=["mailto://smtp.example.com?to=priya@example.com"]),
    ]


class RemoveChannel(Command[ChannelView]):
    """Remove a channel you added in the app (roster channels change with the charter)."""

    channel_id: Id


class SetPreferences(Command[Settings]):
    """Choose what you receive (the topics you leave out are not sent) and whether news waits for a digest."""

    topics: Annotated[list[Annotated[Topic, OneOf("topic")]], Field(max_length=10)]
    digest: Annotated[Digest, OneOf("digest")] = Digest.OFF


class RetryDelivery(Command[DeliveryView]):
    """Send a dead delivery again (a key holder of the charter or of team-process)."""

    action: ClassVar[str | None] = Action.MANAGE_DELIVERIES
    delivery_id: Id

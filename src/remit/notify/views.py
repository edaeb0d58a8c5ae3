"""What the notification pages, the API and the command line show: channels masked, never their URLs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChannelView:
    id: int | None  # None: a roster channel (it changes with the charter)
    shown: str
    source: str  # "roster" or "app"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Settings:
    handle: str
    channels: list[ChannelView]
    topics: list[str]  # chosen
    digest: str
    choices: list[tuple[str, str]] = field(default_factory=list)  # (topic, words)
    may_manage: bool = False  # sees the deliveries page

    def as_dict(self) -> dict[str, Any]:
        plain = asdict(self)
        plain["channels"] = [channel.as_dict() for channel in self.channels]
        plain["choices"] = [{"topic": topic, "words": words} for topic, words in self.choices]
        return plain


@dataclass(frozen=True)
class DeliveryView:
    id: int
    key: str
    recipient: str | None
    channel: str
    subject: str
    state: str
    attempts: int
    created_at: str
    due_at: str
    sent_at: str | None
    last_error: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Status:
    team: str
    counts: dict[str, int]
    outbox_waiting: int  # messages not yet expanded
    dead: list[DeliveryView]
    retrying: list[DeliveryView]

    def as_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "counts": self.counts,
            "outbox_waiting": self.outbox_waiting,
            "dead": [view.as_dict() for view in self.dead],
            "retrying": [view.as_dict() for view in self.retrying],
        }

"""What Remit tells or asks beyond the app: a ``Message`` is plain data that any channel can render (an email's
subject and text, a Slack Block Kit layout, a JSON webhook). A handler, or a subscriber running inside its
transaction, writes it to the outbox with ``uow.tell(team, message)``: in the same transaction as the change
that caused it, so a message is never sent for a change that rolled back, and never lost for one that
committed. Delivering it (the channels, retries, what a person wants to receive) is the ``notify``
capability's job, after commit and outside any lock."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """One message, readable on its own.

    ``topic`` says what it is about, dotted (``decision.opened``, ``incident.severity``): what a person may
    choose to receive or not. ``to`` is a person's handle; ``None`` addresses the team's own channels (the
    charter's ``[notify]`` table). ``link`` is a path in the app (``/decisions/12``); the deliverer puts the
    server's address in front. ``facts`` are short label/value pairs shown as fields (severity, state)."""

    topic: str
    subject: str
    lines: tuple[str, ...]
    link: str
    to: str | None = None
    asks: bool = False  # a question (a consult) rather than news
    facts: tuple[tuple[str, str], ...] = field(default=())
    # A status page subscriber's message (``status/fanout.py``): ``address`` is the channel URL it goes to as it
    # is (not a person's, not the team's); ``unsubscribe`` the absolute link that ends the subscription (every
    # form shows it; an email carries it as List-Unsubscribe); ``data`` what a JSON webhook receives instead of
    # the message as data (Statuspage's webhook shape).
    address: str | None = None
    unsubscribe: str = ""
    data: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        plain = asdict(self)
        plain["lines"] = list(self.lines)
        plain["facts"] = [list(pair) for pair in self.facts]
        return plain

    @classmethod
    def from_dict(cls, plain: dict[str, Any]) -> Message:
        return cls(
            topic=plain["topic"],
            subject=plain["subject"],
            lines=tuple(plain.get("lines", ())),
            link=plain.get("link", "/"),
            to=plain.get("to"),
            asks=bool(plain.get("asks", False)),
            facts=tuple((str(label), str(value)) for label, value in plain.get("facts", ())),
            address=plain.get("address"),
            unsubscribe=str(plain.get("unsubscribe") or ""),
            data=plain.get("data"),
        )

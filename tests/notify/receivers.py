"""Real local receivers for the notification tests: an SMTP server (aiosmtpd) and helpers around
pytest-httpserver's HTTP server, standing in for Slack and JSON webhooks."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from remit.charter import load_preset
from remit.charter.model import Person
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """Every email the SMTP server accepted, parsed."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.mails.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def charter_with_channels(
    channels: dict[str, tuple[str, ...]], team_channels: dict[str, tuple[str, ...]] | None = None
) -> str:
    """The default preset with the sample roster, each person given ``channels[handle]``."""
    base = load_preset("default")
    people: dict[str, Person] = {}
    for person in sample_roster(base):
        people[person.handle] = replace(person, notify=channels.get(person.handle, ()))
    charter = replace(base, name="checkout", preset="default", people=people, notify=team_channels or {})
    return render_charter(charter, team="checkout")

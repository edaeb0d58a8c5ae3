"""Secrets a charter's channel names instead of writing them: ``slack://${SLACK_INCIDENTS}``,
``mailto://relay:${SMTP_PASSWORD}@smtp.example.com?to=oncall@example.com``.

A ``${NAME}`` is put in when the delivery is sent, from the environment variable ``REMIT_SECRET_NAME`` of the
process that sends (``remit serve``, ``remit notify run``); nothing else ever sees the value: the database,
the pages, the API, the audit chain and the charter check keep the URL as written. Only the charter's
channels may name a secret (the team reviews and adopts the charter, so it says where a secret may go); a
channel a person adds in the app or a status page subscriber's address may not (``outbox`` refuses them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from remit.charter.model import PLACEHOLDER, SECRET_PREFIX


def named(url: str) -> tuple[str, ...]:
    """The secrets ``url`` names (``SLACK_INCIDENTS``), each once, in order."""
    return tuple(dict.fromkeys(PLACEHOLDER.findall(url)))


def variable(name: str) -> str:
    return SECRET_PREFIX + name


@dataclass(frozen=True)
class Resolved:
    url: str  # with the secrets put in: for the sender only, never stored or shown
    values: dict[str, str]  # the name each value stands for
    missing: tuple[str, ...]  # the environment variables not set (or empty)

    def scrub(self, text: str) -> str:
        """``text`` (an error a receiver or a library gave) with every value put back as its ``${NAME}``."""
        for name, value in sorted(self.values.items(), key=lambda item: -len(item[1])):
            for form in dict.fromkeys((value, quote(value, safe=""), quote(value))):
                text = text.replace(form, "${" + name + "}")
        return text

    def why_missing(self) -> str:
        return (
            f"the channel names a secret the sending server does not have: set {', '.join(self.missing)} "
            "in the environment of `remit serve` and `remit notify run` (docs/deploy.md)"
        )


def resolve(url: str, environ: Mapping[str, str] | None = None) -> Resolved:
    """``url`` with each ``${NAME}`` replaced by ``REMIT_SECRET_NAME``'s value, as it stands (write a password
    with ``@``, ``/`` or ``:`` percent-encoded, as in the URL itself)."""
    environ = os.environ if environ is None else environ
    values = {name: environ.get(variable(name), "") for name in named(url)}
    missing = tuple(variable(name) for name, value in values.items() if not value)
    filled = PLACEHOLDER.sub(lambda found: values[found.group(1)], url)
    return Resolved(filled, {name: value for name, value in values.items() if value}, missing)

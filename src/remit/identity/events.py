"""What happens to people's credentials, in the past tense (never a secret in the payload)."""

from __future__ import annotations

from dataclasses import dataclass

from remit.kernel.events import Event


@dataclass(frozen=True)
class PasswordSet(Event):
    person: str


@dataclass(frozen=True)
class LoginLinkIssued(Event):
    person: str


@dataclass(frozen=True)
class TokenIssued(Event):
    token: int
    name: str


@dataclass(frozen=True)
class TokenRevoked(Event):
    token: int
    name: str

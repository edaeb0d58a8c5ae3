"""What happens to people's credentials, in the past tense (never a secret in the payload)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


@dataclass(frozen=True)
class SignInFailed(Event):
    """A refused sign-in: the handle as typed (perhaps nobody's), the client's address, and why (``Failure``);
    never the password."""

    person: str
    address: str
    reason: str
    via: str  # "password" or "link"


@dataclass(frozen=True)
class SignInLimited(Event):
    """A sign-in window filled up (``limit``: "account" or "address"): recorded once per window; the attempts
    refused after it are counted, not recorded one by one."""

    person: str
    address: str
    limit: str
    retry_after: int


@dataclass(frozen=True)
class SessionsEnded(Event):
    """A person's web sessions ended at once: by "sign out everywhere", or a password change (the session it
    was changed from stays, so ``kept`` is 1)."""

    person: str
    ended: int
    kept: int
    reason: str


@dataclass(frozen=True)
class TimeZoneSet(Event):
    """A person chose the zone they read and write times in (``None``: the team's again)."""

    person: str
    time_zone: str | None


class Failure(StrEnum):
    WRONG_PASSWORD = "wrong password"  # noqa: S105 (a reason, not a password)
    UNKNOWN_PERSON = "unknown person"
    NO_PASSWORD = "no password set"  # noqa: S105
    LINK_SPENT = "link used up or expired"

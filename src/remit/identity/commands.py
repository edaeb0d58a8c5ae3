"""A person's own credential actions, one typed command each: their API tokens, their password and their web
sessions. (Signing in, sign-in links and the operator's `remit people password` and `login-link` are the
identity protocol, not commands: they act before anyone is known, or for whoever runs the database.)"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from remit.identity.views import EndedSessions, NewToken, TimeZoneView, TokenView
from remit.kernel.commands import Command, Text, Zone


class CreateToken(Command[NewToken]):
    """Create an API token for yourself (its secret is shown once; only its hash is kept)."""

    name: Annotated[
        str, Text("token's name", 100, hint="e.g. deploy-pipeline", one_line=True), Field(examples=["deploy-pipeline"])
    ]
    expires_in_days: int | None = Field(default=None, ge=1, le=3650, description="no expiry when left out")


class RevokeToken(Command[TokenView]):
    """Revoke one of your API tokens: it stops working at once."""

    token_id: Annotated[int, Field(ge=1, le=2**31 - 1)]


class ChangePassword(Command[None]):
    """Change your password: the current one must be right. Every other web session of yours ends."""

    current: Annotated[str, Field(min_length=1, max_length=1_000)]
    new: Annotated[str, Field(min_length=1, max_length=1_000)]
    keep_session: int | None = Field(
        default=None, exclude=True, description="the web session it is changed from, which stays signed in"
    )


class EndSessions(Command[EndedSessions]):
    """Sign out everywhere: every web session of yours ends (your API tokens keep working: revoke them)."""


class SetTimeZone(Command[TimeZoneView]):
    """Choose the time zone you read and write times in (an IANA name), or none to follow the team's."""

    time_zone: Annotated[str | None, Zone("time_zone")] = Field(
        default=None, description="an IANA name such as Europe/Berlin; null or empty: the team's"
    )

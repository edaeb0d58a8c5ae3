"""``remit people``: the operator's identity commands: passwords, sign-in links, tokens; and a person's own
time zone (``remit people time-zone``, as yourself: locally with ``--as``, on a server as the token's person).

Whoever can open the server's database is its operator; these commands act on it directly. People then
manage their own passwords and tokens through the web app and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from remit.cli.context import console, ctx, local
from remit.kernel.errors import InvalidInput

# The database stack (identity.accounts) and pydantic (the commands) load inside the commands that use them.

people = typer.Typer(no_args_is_help=True, help="Sign-ins and API tokens for the people on a team's roster.")


@people.command("password")
def set_password(
    typer_ctx: typer.Context,
    handle: str,
    password: Annotated[
        str | None, typer.Option(envvar="REMIT_PASSWORD", help="the new password (asked for when not given)")
    ] = None,
) -> None:
    """Set HANDLE's password for the web app (stored as an argon2id hash)."""
    context = local(typer_ctx)  # before asking for the password: with --server there is nothing to set
    if password is None:
        password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    from remit.identity import accounts as identity

    identity.set_password(uow=context.store().uow(), team=context.team, handle=handle, password=password)
    console.print(f"{handle} can now sign in to team {context.team} (their web sessions have ended)")


@people.command("sign-out")
def sign_out_everywhere(typer_ctx: typer.Context, handle: str) -> None:
    """End every web session of HANDLE (a lost laptop, a shared browser). Their API tokens keep working."""
    context = local(typer_ctx)
    from remit.identity.commands import EndSessions
    from remit.kernel.commands import act

    ended = act(context.store(), context.team, handle, EndSessions())  # the operator acts as HANDLE
    console.print(f"{handle} is signed out everywhere: {ended.sentence}")


@people.command("login-link")
def login_link(
    typer_ctx: typer.Context,
    handle: str,
    base_url: Annotated[str, typer.Option("--url", help="where the server is")] = "http://127.0.0.1:8000",
    minutes: Annotated[int, typer.Option(help="how long the link works")] = 30,
) -> None:
    """A one-time sign-in link for HANDLE (first sign-in, or a forgotten password)."""
    if not 1 <= minutes <= 7 * 24 * 60:
        raise InvalidInput("a sign-in link lasts between 1 minute and 7 days")
    context = local(typer_ctx)
    from remit.identity import accounts as identity

    token = identity.create_login_link(
        uow=context.store().uow(), team=context.team, handle=handle, ttl=timedelta(minutes=minutes)
    )
    typer.echo(f"{base_url.rstrip('/')}/login/link/{token}")


@people.command("token")
def create_token(
    typer_ctx: typer.Context,
    handle: str,
    name: Annotated[str, typer.Option(help="what the token is for, e.g. deploy-pipeline")],
    days: Annotated[int | None, typer.Option(help="expire after this many days")] = None,
) -> None:
    """Create an API token for HANDLE and print it (once: only its hash is kept)."""
    context = local(typer_ctx)
    from remit.identity.commands import CreateToken
    from remit.kernel.commands import act, build

    command = build(CreateToken, name=name, expires_in_days=days)
    new = act(context.store(), context.team, handle, command)  # the operator makes it as HANDLE
    typer.echo(new.token)


@people.command("time-zone")
def time_zone(
    typer_ctx: typer.Context,
    zone: Annotated[str, typer.Argument(help="an IANA name such as Europe/Berlin, or 'team' for the team's zone")],
    actor: Annotated[
        str | None, typer.Option("--as", help="whose (a handle on the roster); with --server, the token's person")
    ] = None,
) -> None:
    """Choose the time zone you read times in and type deadlines in on the web (yours only)."""
    from remit.identity.commands import SetTimeZone
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    command = build(SetTimeZone, time_zone=None if zone == "team" else zone)
    who = backend.actor(actor)
    chosen = backend.act(who, command)
    follows = "" if chosen["own_time_zone"] else " (the team's)"
    console.print(f"{who}: times are shown in {chosen['time_zone']}{follows}")

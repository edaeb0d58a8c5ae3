"""``remit notify``: the delivery worker (``run``), the team's deliveries (``status``, ``retry``), and a
person's own channels and choices (``settings``, ``add``, ``remove``, ``choose``)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from remit.charter.model import PLACEHOLDER, Charter
from remit.charter.problems import Problem, toml_key
from remit.cli.context import console, ctx, emit_json, local

# The database stack, httpx and pydantic load inside the commands that use them.

app = typer.Typer(no_args_is_help=True, help="Notifications: the delivery worker, deliveries, your channels.")
As = Annotated[str | None, typer.Option("--as", help="who acts (a handle on the roster); with --server, the token's")]
Json = Annotated[bool, typer.Option("--json")]


def check_channels(charter: Charter, source: str) -> list[Problem]:
    """`remit charter check`'s deeper look at the channels: a URL Remit or Apprise cannot deliver is an error
    (named by its place in the list, never quoted: it may hold a secret)."""
    from remit.notify.senders import undeliverable  # Apprise loads only when a charter lists channels

    listed = [
        (f"people.{toml_key(person.handle)}.notify", person.handle, person.notify) for person in charter.people.values()
    ]
    listed += [(f"notify.{toml_key(area)}", area, urls) for area, urls in charter.notify.items()]
    problems = []
    for key, owner, urls in listed:
        for index, url in enumerate(urls, start=1):
            why = undeliverable(url)
            if why:
                problems.append(Problem(source, key, f"channel {index} cannot be delivered: {why}", FIX))
            written = literal_secret(url, owner)
            if written:
                what, fix = written
                problems.append(Problem(source, key, f"channel {index} {what}", fix, severity="warning"))
    return problems


FIX = "docs/notify.md lists the schemes Remit sends itself and how Apprise's URLs are written"
TOKEN = re.compile(r"[A-Za-z0-9]{16,}")  # a Slack webhook's last part (24 letters and digits)


def literal_secret(url: str, owner: str) -> tuple[str, str] | None:
    """What looks like a secret written in a charter's channel (which the whole team reads), and how to keep
    it on the server instead (``${NAME}``); None when nothing does. Never quotes the secret."""
    from remit.notify.senders import slack_target

    name = re.sub(r"[^A-Z0-9_]", "_", owner.upper())[:50]
    scheme, _, rest = url.partition("://")
    target = slack_target(url) if scheme.lower() == "slack" else None
    last = (target or "").rpartition("/")[2]
    if (target and TOKEN.fullmatch(last)) or (scheme.lower() == "slack" and rest.startswith("xox")):
        return (
            "carries what looks like a Slack token, which everyone who reads the charter sees",
            f"keep it on the server: write slack://${{SLACK_{name}}} and set REMIT_SECRET_SLACK_{name} to "
            "the webhook's T…/B…/… (or the bot token) where Remit sends (docs/notify.md, Secrets kept on the server)",
        )
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password and not PLACEHOLDER.fullmatch(password):
        return (
            "carries a password (user:password@), which everyone who reads the charter sees",
            f"keep it on the server: write user:${{PASSWORD_{name}}}@ and set REMIT_SECRET_PASSWORD_{name} "
            "where Remit sends (docs/notify.md, Secrets kept on the server)",
        )
    return None


@app.command("run")
def run(
    typer_ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="deliver what is due now and stop (for cron)")] = False,
    every: Annotated[float, typer.Option(help="seconds between passes when running on", min=0.1)] = 5.0,
    base_url: Annotated[
        str | None, typer.Option("--base-url", envvar="REMIT_BASE_URL", help="the server's address, for the links")
    ] = None,
    batch: Annotated[int, typer.Option(help="deliveries claimed at a time", min=1, max=1000)] = 50,
    lease: Annotated[float, typer.Option(help="seconds a claim holds its deliveries", min=1)] = 300.0,
) -> None:
    """Deliver the outbox: expand new messages into deliveries, send what is due, retry what failed. Runs
    until stopped (Ctrl+C), or once with --once. Safe beside `remit serve` and other workers."""
    import signal
    import threading
    from datetime import timedelta

    from remit.notify.worker import Worker
    from remit.notify.worker import base_url as default_base

    context = local(typer_ctx)
    worker = Worker(context.store(), base_url=default_base(base_url), batch=batch, lease=timedelta(seconds=lease))
    if once:
        console.print(worker.run_once().sentence())
        return
    stop = threading.Event()

    def stopping(*_: object) -> None:
        stop.set()
        worker.wake()

    signal.signal(signal.SIGTERM, stopping)
    console.print(f"delivering notifications every {every:g} s (links to {worker.base_url}); Ctrl+C stops")
    try:
        worker.run(stop, every=every)
    except KeyboardInterrupt:
        stop.set()


def _delivery_line(item: dict[str, Any]) -> str:
    to = item["recipient"] or "the team"
    error = f" — {item['last_error']}" if item["last_error"] else ""
    head = f"  {item['id']:>5}  {item['state']:<8} {item['attempts']:>2} tries  to {to} via {item['channel']}"
    return f"{head}: {item['subject']}{error}"


@app.command("status")
def status(typer_ctx: typer.Context, json_out: Json = False) -> None:
    """The team's deliveries: how many in each state, the dead ones and those being retried."""
    from remit.notify.handlers import status as read_status

    context = local(typer_ctx)
    result = read_status(uow=context.store().uow(), team=context.team).as_dict()
    if json_out:
        emit_json(result)
        return
    counts = ", ".join(f"{count} {state}" for state, count in result["counts"].items())
    console.print(f"team {result['team']}: {counts}; {result['outbox_waiting']} message(s) not yet expanded")
    for title, key in (("dead (`remit notify retry ID` sends one again)", "dead"), ("retrying", "retrying")):
        if result[key]:
            console.print(f"{title}:")
            for item in result[key]:
                console.print(_delivery_line(item), markup=False)


@app.command("retry")
def retry(typer_ctx: typer.Context, delivery: int, actor: As = None) -> None:
    """Send dead delivery DELIVERY again (a key holder of the charter or team-process)."""
    from remit.kernel.commands import build
    from remit.notify.commands import RetryDelivery

    backend = ctx(typer_ctx).backend()
    view = backend.act(backend.actor(actor), build(RetryDelivery, delivery_id=delivery))
    console.print(f"delivery {view['id']} to {view['recipient'] or 'the team'} via {view['channel']} is due again")


def _print_settings(result: dict[str, Any]) -> None:
    console.print(f"{result['handle']}'s channels:")
    for channel in result["channels"] or []:
        ident = f"{channel['id']:>4}" if channel["id"] else "   -"
        console.print(f"  {ident}  {channel['shown']}  ({channel['source']})", markup=False)
    if not result["channels"]:
        console.print("  none: nothing reaches you beyond the app")
    console.print(f"receives: {', '.join(result['topics']) or 'nothing but what concerns everyone'}")
    console.print(f"digest: {result['digest']}")


@app.command("settings")
def settings(typer_ctx: typer.Context, actor: As = None, json_out: Json = False) -> None:
    """Your channels (masked), what you receive, and your digest."""
    from remit.notify.handlers import my_settings

    context = local(typer_ctx)
    if not actor:
        from remit.kernel.errors import InvalidInput

        raise InvalidInput("whose settings? name yourself with --as HANDLE", hint="e.g. --as priya")
    result = my_settings(uow=context.store().uow(), team=context.team, handle=actor).as_dict()
    if json_out:
        emit_json(result)
        return
    _print_settings(result)


@app.command("add")
def add(typer_ctx: typer.Context, url: str, actor: As = None) -> None:
    """Add a channel of yours: an Apprise URL (mailto://..., slack://..., json://...)."""
    from remit.kernel.commands import build
    from remit.notify.commands import AddChannel

    backend = ctx(typer_ctx).backend()
    view = backend.act(backend.actor(actor), build(AddChannel, url=url))
    console.print(f"channel {view['id']} added: {view['shown']}", markup=False)


@app.command("remove")
def remove(typer_ctx: typer.Context, channel: int, actor: As = None) -> None:
    """Remove channel CHANNEL that you added (roster channels change with the charter)."""
    from remit.kernel.commands import build
    from remit.notify.commands import RemoveChannel

    backend = ctx(typer_ctx).backend()
    view = backend.act(backend.actor(actor), build(RemoveChannel, channel_id=channel))
    console.print(f"channel {view['id']} removed: {view['shown']}", markup=False)


@app.command("choose")
def choose(
    typer_ctx: typer.Context,
    topic: Annotated[
        list[str] | None,
        typer.Option(help="a topic to receive (repeat): decisions-asked, decisions-told, state-changes, incidents"),
    ] = None,
    digest: Annotated[str, typer.Option(help="off, hourly or daily (08:00 UTC): news waits; questions never")] = "off",
    actor: As = None,
) -> None:
    """Choose what you receive (topics left out are not sent) and whether news waits for a digest."""
    from remit.kernel.commands import build
    from remit.notify.commands import SetPreferences

    backend = ctx(typer_ctx).backend()
    result = backend.act(backend.actor(actor), build(SetPreferences, topics=topic or [], digest=digest))
    _print_settings(result)

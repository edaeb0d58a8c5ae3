"""``remit status show``: the public status summary, as anyone reading the page sees it (``--json``: the
Statuspage v2 ``summary.json`` document). Locally from the database; with ``--server``, from the server's
public API, with no token. ``remit status export DIR``: every public page, document and feed as static files
(``status/export.py``), from the local database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from remit.cli.context import console, ctx, emit_json, local
from remit.status import subscribers_cli
from remit.status.words import manage_lines, summary_lines

app = typer.Typer(no_args_is_help=True, help="The public status page: what the team published.")
app.add_typer(subscribers_cli.app, name="subscribers")


def _summary(typer_ctx: typer.Context) -> dict[str, Any]:
    context = ctx(typer_ctx)
    if context.server:
        import httpx

        from remit.kernel.errors import InvalidInput, NotFound

        try:  # the team named here; none named: the server's own (the one it serves at /status)
            path = f"/status/{context.team}/api/v2/summary.json"
        except InvalidInput:
            path = "/api/v2/summary.json"
        answer = httpx.get(context.server.rstrip("/") + path, timeout=30)
        if answer.status_code == 404:
            raise NotFound(f"no public status page at {context.server.rstrip('/')}{path}", hint="check --team")
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found
    team = context.team
    import os

    from remit.status import documents, queries

    store = context.store()
    base = (os.environ.get("REMIT_BASE_URL") or "").rstrip("/")  # where the server that publishes it is seen
    snap = queries.snapshot(uow=store.uow(), team=team, url=f"{base}/status")
    return documents.documents(snap)["summary.json"]


@app.command()
def show(typer_ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The summary the public sees: the overall state, each component's, the open incidents and their public
    updates."""
    summary = _summary(typer_ctx)
    if json_out:
        emit_json(summary)
        return
    for line in summary_lines(summary):
        console.print(line, markup=False, highlight=False)


# -- the team's side: components set by hand, maintenance (``--as`` locally; the token's person on a server) --

component = typer.Typer(no_args_is_help=True, help="Set a component's state by hand (with a public note).")
maintenance = typer.Typer(no_args_is_help=True, help="Scheduled maintenance: schedule, update, list.")
app.add_typer(component, name="component")
app.add_typer(maintenance, name="maintenance")
As = Annotated[
    str | None, typer.Option("--as", help="who acts (a handle on the roster); with --server, the token's person")
]
Json = Annotated[bool, typer.Option("--json")]
TIMES = "now, in 2 days, 2026-12-03 22:00 (UTC) or ISO 8601 with an offset"


def _act(typer_ctx: typer.Context, actor: str | None, command: Any) -> dict[str, Any]:
    backend = ctx(typer_ctx).backend()
    done: dict[str, Any] = backend.act(backend.actor(actor), command)
    return done


@component.command("set")
def component_set(
    typer_ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="a component of the charter's [status] components")],
    state: Annotated[
        str, typer.Argument(help="operational, degraded_performance, partial_outage, major_outage, under_maintenance")
    ],
    note: Annotated[str, typer.Option("--note", help="a public note shown beside it")] = "",
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Set a component's state by hand (operational takes the hand off); the page shows the worst of this,
    its open incidents and any maintenance under way."""
    from remit.kernel.commands import build
    from remit.status.commands import SetComponentStatus

    done = _act(typer_ctx, actor, build(SetComponentStatus, component=name, status=state, note=note))
    if json_out:
        emit_json(done)
        return
    console.print(f"{done['component']}: set to {done['status']}; the public page shows {done['effective']}.")


@maintenance.command("schedule")
def maintenance_schedule(
    typer_ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="what the public reads, e.g. 'Database upgrade'")],
    begins: Annotated[str, typer.Option("--for", help=f"when it begins: {TIMES}")],
    ends: Annotated[str, typer.Option("--until", help=f"when it ends: {TIMES}")],
    message: Annotated[str, typer.Option("--message", help="the public announcement")],
    component_names: Annotated[list[str], typer.Option("--component", help="a component it takes down; repeat")],
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Announce a maintenance window; its components show under maintenance while it is under way."""
    from datetime import UTC, datetime

    from remit.kernel.commands import build
    from remit.status.commands import ScheduleMaintenance
    from remit.status.maintenance import read_time

    now = datetime.now(UTC)
    command = build(
        ScheduleMaintenance,
        name=name,
        components=component_names,
        scheduled_for=read_time(begins, now=now, zone="UTC", field="scheduled_for"),
        scheduled_until=read_time(ends, now=now, zone="UTC", field="scheduled_until"),
        message=message,
    )
    _said(_act(typer_ctx, actor, command), json_out, "scheduled")


@maintenance.command("update")
def maintenance_update(
    typer_ctx: typer.Context,
    number: int,
    status: Annotated[
        str | None, typer.Option(help="in_progress, verifying, completed; cancelled before it begins")
    ] = None,
    message: Annotated[str, typer.Option("--message", help="a public line or an internal note")] = "",
    public: Annotated[bool, typer.Option("--public", help="the message may go on the public status page")] = False,
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Move a maintenance along, with a message (internal unless --public)."""
    from remit.kernel.commands import build
    from remit.status.commands import UpdateMaintenance

    command = build(UpdateMaintenance, number=number, status=status, message=message, public=public)
    _said(_act(typer_ctx, actor, command), json_out, "updated")


def _said(done: dict[str, Any], json_out: bool, verb: str) -> None:
    if json_out:
        emit_json(done)
        return
    from remit.kernel import times

    window = f"{times.exact(done['scheduled_for'], 'UTC')} to {times.exact(done['scheduled_until'], 'UTC')}"
    console.print(f"maintenance #{done['number']} {done['name']}: {verb}; {done['status']} ({window})")


@maintenance.command("list")
def maintenance_list(typer_ctx: typer.Context, json_out: Json = False) -> None:
    """The maintenances, the latest window first, with every line (internal notes marked), and the components
    as the team manages them."""
    found = ctx(typer_ctx).backend().status_board()
    if json_out:
        emit_json(found)
        return
    for line in manage_lines(found):
        console.print(line, markup=False, highlight=False)


@app.command()
def export(
    typer_ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="the web root to write (created if missing)", metavar="DIR")],
    base_url: Annotated[
        str | None,
        typer.Option(help="where the pages will be read (their links and the feeds' addresses): REMIT_BASE_URL"),
    ] = None,
) -> None:
    """Write every team's public page, Statuspage v2 JSON, Atom and RSS feeds and published bug board as
    static files in DIR, as the server serves them, for nginx or a CDN. Only changed files are rewritten."""
    import os

    from remit.kernel.errors import InvalidInput, NotFound
    from remit.status import export as exporting
    from remit.status.web import Published

    context = local(typer_ctx)
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file, not a folder", hint="name a folder (it is created if missing)")
    base = base_url or os.environ.get("REMIT_BASE_URL") or exporting.DEFAULT_BASE_URL
    published = Published(context.store(), base)
    teams = published.render_all()
    if not teams:
        raise NotFound("there is no team in this database", hint="create one first: remit init")
    try:
        done = exporting.export(published, folder)
    except OSError as error:
        raise InvalidInput(f"cannot write {folder}: {error.strerror}", hint="check the folder and its rights") from None
    console.print(f"{folder}: {done.sentence}; teams {', '.join(teams)} (links to {published.url(teams[0])})")

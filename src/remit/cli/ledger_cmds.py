"""The ledger commands: log, audit verify, export madr, gate, expire, db upgrade, demo."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from remit.cli.context import console, ctx, emit_json, err_console
from remit.integrations import madr
from remit.services import queries

audit = typer.Typer(no_args_is_help=True, help="The append-only, hash-chained audit log.")
export = typer.Typer(no_args_is_help=True, help="Export the ledger.")
db = typer.Typer(no_args_is_help=True, help="The database.")
Json = Annotated[bool, typer.Option("--json")]


def log(
    typer_ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="the last N entries")] = None,
    json_out: Json = False,
) -> None:
    """The team's audit log, oldest first."""
    c = ctx(typer_ctx)
    rows = queries.audit_log(uow=c.store().uow(), team=c.team, limit=limit)
    if json_out:
        emit_json(rows)
        return
    for row in rows:
        number = f" #{row['decision']}" if row["decision"] else ""
        detail = ", ".join(
            f"{k}={v}" for k, v in row["payload"].items() if k not in ("number",) and v not in (None, [], {}, "")
        )
        console.print(
            f"{row['seq']:>5} {row['at'][:19]} [bold]{row['kind']}[/]{number} by {row['actor']}: [dim]{detail[:160]}[/]"
        )


@audit.command("verify")
def verify(typer_ctx: typer.Context, json_out: Json = False) -> None:
    """Recompute every hash; exit 1 naming the first bad entry if any row was altered or removed."""
    c = ctx(typer_ctx)
    reports = queries.verify_audit(uow=c.store().uow(), team=c.team_name)
    if json_out:
        emit_json([report.__dict__ for report in reports])
    for report in reports:
        if report.ok and not json_out:
            console.print(f"team {report.team}: {report.entries} entries, chain intact")
        elif not report.ok:
            err_console.print(
                f"[bold red]team {report.team}: chain broken at entry {report.first_bad}[/]: {report.problem}"
            )
    if any(not report.ok for report in reports):
        raise typer.Exit(1)


@export.command("madr")
def export_madr(typer_ctx: typer.Context, directory: Path) -> None:
    """Write one MADR markdown file per settled decision into DIRECTORY."""
    c = ctx(typer_ctx)
    settled = [
        s
        for s in queries.list_decisions(uow=c.store().uow(), team=c.team)
        if s.state in ("approved", "withdrawn", "expired")
    ]
    views = [queries.show_decision(uow=c.store().uow(), team=c.team, number=s.number).as_dict() for s in settled]
    directory.mkdir(parents=True, exist_ok=True)
    for view in views:
        target = directory / madr.filename(view)
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8", suffix=".tmp") as tmp:
            tmp.write(madr.render(view))
        Path(tmp.name).replace(target)  # whole files only, even if interrupted
    console.print(f"wrote {len(views)} decision record(s) to {directory}")


def gate(typer_ctx: typer.Context, number: int, json_out: Json = False) -> None:
    """Exit 0 only if decision NUMBER is an approved release; else print why and exit 1."""
    c = ctx(typer_ctx)
    answer = queries.gate(uow=c.store().uow(), team=c.team, number=number)
    if json_out:
        emit_json(answer.as_dict())
    elif answer.approved:
        console.print(f"[green]gate open[/]: {answer.reason}")
    else:
        err_console.print(f"[red]gate closed[/]: {answer.reason}")
    if not answer.approved:
        raise typer.Exit(1)


def expire(typer_ctx: typer.Context) -> None:
    """Record the expiry of overdue decisions now (for cron; every command also does it first)."""
    from remit.services.decisions import expire_decisions

    c = ctx(typer_ctx)
    numbers = expire_decisions(uow=c.store().uow(), team=c.team)
    console.print(f"expired: {', '.join(f'#{n}' for n in numbers)}" if numbers else "nothing overdue")


@db.command("upgrade")
def upgrade(typer_ctx: typer.Context) -> None:
    """Bring the database schema up to date (the same migrations on SQLite and PostgreSQL)."""
    ctx(typer_ctx).store(migrate=True)
    console.print("database schema is up to date")


def demo(
    typer_ctx: typer.Context,
    keep: Annotated[Path | None, typer.Option(help="keep the demo's database and charter in this folder")] = None,
) -> None:
    """A narrated walk-through of the seed's story on a throw-away database."""
    from remit.cli.demo import run_demo

    run_demo(keep)

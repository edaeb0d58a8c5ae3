"""The ledger commands: log, audit verify, export madr|csv|json, gate, expire, db upgrade, demo."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from remit.audit.export_records import Table
from remit.cli.context import console, ctx, emit_json, err_console, local
from remit.decisions import show
from remit.decisions.views import AuditEntry
from remit.kernel.errors import InvalidInput
from remit.quick import gate_answer

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
    rows = ctx(typer_ctx).backend().audit_log(limit=limit)
    if json_out:
        emit_json(rows)
        return
    show.audit_log([AuditEntry.from_dict(row) for row in rows])


@audit.command("verify")
def verify(
    typer_ctx: typer.Context,
    json_out: Json = False,
    checkpoint: Annotated[
        list[Path] | None, typer.Option("--checkpoint", help="a kept checkpoint: the chain must still hold it; repeat")
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="check checkpoints with this public key, not the key in use")
    ] = None,
) -> None:
    """Recompute every hash, then replay the chain against the tables; exit 1 naming the first bad entry, or
    every difference (table, row, field, what the chain says, what the table says); with --checkpoint, also
    if the chain no longer holds what a signed checkpoint saw."""
    from remit.audit import checkpoint_cli as anchors  # cryptography: only when checking

    backend = ctx(typer_ctx).backend()
    reports = backend.verify_audit()
    kept = anchors.check_files(backend, checkpoint or [], public_key)
    if json_out:
        emit_json({"chains": reports, "checkpoints": kept} if checkpoint else reports)
    else:
        for report in reports:
            _verified(report)
        anchors.show(kept)
    if any(not report["ok"] for report in [*reports, *kept]):
        raise typer.Exit(1)


def _verified(report: dict[str, Any]) -> None:
    team, entries = report["team"], report["entries"]
    differences = report.get("differences", [])
    if report["ok"]:
        console.print(f"team {team}: {entries} entries, chain intact; the tables match the chain")
    elif not report.get("replayed", False):
        err_console.print(f"[bold red]team {team}: chain broken at entry {report['first_bad']}[/]: {report['problem']}")
        err_console.print(f"team {team}: the tables were not compared with a broken chain")
    else:
        from remit.audit.replay import Difference  # the replay's module loads the database stack

        err_console.print(
            f"[bold red]team {team}: {entries} entries, chain intact, but the tables differ from it "
            f"in {len(differences)} place(s)[/]:"
        )
        for difference in differences:
            err_console.print(Difference(**difference).sentence(), markup=False, highlight=False)


@audit.command("checkpoint")
def checkpoint(
    typer_ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help="write it to this file (default: print it)")] = None,
) -> None:
    """A signed checkpoint of the team's chain head, to keep outside the database (see docs/ledger.md)."""
    from remit.audit import checkpoint_cli as anchors

    anchors.write(ctx(typer_ctx).backend().checkpoint(), out)


def write_whole(path: Path, pieces: Iterable[bytes]) -> int:
    """Write ``pieces`` to ``path`` through a temporary file beside it, renamed into place at the end: the
    file is whole or absent, even if the export fails or is interrupted half-way. The bytes written."""
    size = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            try:
                for piece in pieces:
                    tmp.write(piece)
                    size += len(piece)
            except BaseException:
                tmp.close()
                Path(tmp.name).unlink()
                raise
        Path(tmp.name).replace(path)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror or error}", hint="check the path") from None
    return size


def _a_directory(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"{path} is a file, not a directory", hint="name a directory (it is made if missing)")


@export.command("madr")
def export_madr(typer_ctx: typer.Context, directory: Path) -> None:
    """Write one MADR markdown file per settled decision into DIRECTORY."""
    records = ctx(typer_ctx).backend().madr_records()
    _a_directory(directory)
    for name, text in records:
        write_whole(directory / name, [text.encode("utf-8")])
    console.print(f"wrote {len(records)} decision record(s) to {directory}")


@export.command("csv")
def export_csv(typer_ctx: typer.Context, directory: Path) -> None:
    """Write the ledger into DIRECTORY as CSV, one file per table (decisions.csv, positions.csv, audit.csv…)."""
    backend = ctx(typer_ctx).backend()
    _a_directory(directory)
    for table in Table:
        write_whole(directory / f"{table.value}.csv", backend.export_csv(table.value))
    console.print(f"wrote {len(Table)} CSV files to {directory}: {', '.join(f'{t.value}.csv' for t in Table)}")


@export.command("json")
def export_json(
    typer_ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="write to this file (else to standard output)")] = None,
) -> None:
    """The whole ledger as one JSON document, its audit chain re-verifiable from the document alone."""
    pieces = ctx(typer_ctx).backend().export_json()
    if out is None:
        sys.stdout.flush()
        for piece in pieces:
            sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
        return
    size = write_whole(out, pieces)
    console.print(f"wrote the ledger ({size:,} bytes) to {out}")


def gate(typer_ctx: typer.Context, number: int, json_out: Json = False) -> None:
    """Exit 0 only if decision NUMBER is an approved release; else print why and exit 1."""
    code = gate_answer(ctx(typer_ctx).backend(), number, json_out=json_out)
    if code:
        raise typer.Exit(code)


def expire(typer_ctx: typer.Context) -> None:
    """Record the expiry of overdue decisions now (for cron; every command also does it first)."""
    from remit.decisions.commands import ExpireDecisions
    from remit.decisions.handlers import expire_decisions
    from remit.kernel.commands import Caller

    c = local(typer_ctx)
    numbers = expire_decisions(c.store().uow(), Caller(c.team, "remit"), ExpireDecisions())
    console.print(f"expired: {', '.join(f'#{n}' for n in numbers)}" if numbers else "nothing overdue")


@db.command("upgrade")
def upgrade(typer_ctx: typer.Context) -> None:
    """Bring the database schema up to date (the same migrations on SQLite and PostgreSQL)."""
    local(typer_ctx).store(migrate=True)
    console.print("database schema is up to date")


def demo(
    typer_ctx: typer.Context,
    keep: Annotated[Path | None, typer.Option(help="keep the demo's database and charter in this folder")] = None,
) -> None:
    """A narrated walk-through of the seed's story on a throw-away database."""
    from remit.demo import run_demo

    local(typer_ctx)
    run_demo(keep)

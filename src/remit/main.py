"""``remit``: the command line's composition root. It assembles every capability's commands; each is thin:
parse, ask the backend (the local handlers and queries, or the team's server with --server), render. Errors
print once, in red, exit 1. The console script (``entry.py``) answers `remit who`, `resolve` and `gate` without
building this tree when their arguments are plain, and hands everything else to ``main`` here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from remit import ledger as ledger_cmds
from remit import serve as server_cmds
from remit.charter import cli as charter_cmds
from remit.charter import preset_names
from remit.charter.check import DEEPER_CHECKS
from remit.charter.pick import pick_charter
from remit.charter.render import render_charter
from remit.charter.roster import parse_person, sample_roster
from remit.cli.context import Context, console, ctx, err_console, local
from remit.decisions import cli as decision_cmds
from remit.identity import cli as identity_cli
from remit.incidents import cli as incident_cmds
from remit.kernel.errors import Conflict, InvalidInput, RemitError
from remit.notify import cli as notify_cli
from remit.quick import connect, open_store, report, resolve_answer, who_answer
from remit.status import cli as status_cli
from remit.tracker import cli as tracker_cli

app = typer.Typer(
    name="remit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Decision rights for product and engineering teams: written down, enforced, visible.",
)
app.add_typer(charter_cmds.app, name="charter")
app.add_typer(decision_cmds.app, name="decision")
app.add_typer(decision_cmds.rules, name="rule")
app.add_typer(incident_cmds.app, name="incident")
app.add_typer(ledger_cmds.audit, name="audit")
app.add_typer(ledger_cmds.export, name="export")
app.add_typer(ledger_cmds.db, name="db")
app.add_typer(identity_cli.people, name="people")
app.add_typer(notify_cli.app, name="notify")
DEEPER_CHECKS.append(notify_cli.check_channels)  # `remit charter check`: can each channel be delivered?
app.add_typer(tracker_cli.bugs, name="bugs")
app.add_typer(status_cli.app, name="status")
app.command()(server_cmds.serve)
for command in (decision_cmds.queue, ledger_cmds.log, ledger_cmds.gate, ledger_cmds.expire, ledger_cmds.demo):
    app.command()(command)

PresetOpt = Annotated[str | None, typer.Option("--preset", help="a preset: " + ", ".join(preset_names()))]
CharterOpt = Annotated[Path | None, typer.Option("--charter", help="a charter file (default: the team's remit.toml)")]


@app.callback()
def root(
    typer_ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option("--database", envvar="REMIT_DATABASE_URL", help="database URL (default sqlite:///remit.db)"),
    ] = None,
    charter: Annotated[Path, typer.Option("--file", help="the team's charter file")] = Path("remit.toml"),
    team: Annotated[
        str | None, typer.Option("--team", envvar="REMIT_TEAM", help="the team (default: from the file)")
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(
            "--server",
            envvar="REMIT_SERVER",
            help="act through the team's Remit server (http://host:port), not --database",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="REMIT_TOKEN", help="your API token for --server", show_default=False),
    ] = None,
) -> None:
    typer_ctx.obj = Context(
        database=database,
        charter_path=charter,
        team_name=team,
        server=server,
        token=token,
        connect=connect,
        opener=open_store,
    )
    typer_ctx.call_on_close(typer_ctx.obj.close)


@app.command()
def init(
    typer_ctx: typer.Context,
    preset: Annotated[str | None, typer.Option(help="start from this preset and write the charter file")] = None,
    team: Annotated[str | None, typer.Option("--team", help="the team's name")] = None,
    person: Annotated[list[str] | None, typer.Option(help="handle=role[,role][@manager]; repeat")] = None,
) -> None:
    """Write remit.toml (charter + roster) from a preset and adopt it; or adopt an existing remit.toml."""
    context = local(typer_ctx)
    path = context.charter_path
    if preset is not None:
        if path.exists():
            raise Conflict(
                f"{path} already exists", hint="run `remit init` without --preset to adopt it, or remove it first"
            )
        if not team:
            raise InvalidInput("a new charter needs a team name", hint="add --team NAME")
        base = pick_charter(preset, None, path)
        people = [parse_person(item) for item in person] if person else sample_roster(base)
        from dataclasses import replace

        charter = replace(base, name=team, preset=preset, people={p.handle: p for p in people})
        text = render_charter(charter, team=team)
    else:
        if not path.exists():
            raise InvalidInput(
                f"no {path} to adopt", hint="start from a preset: remit init --preset default --team NAME"
            )
        text = path.read_text(encoding="utf-8")
    from remit.charter import teams

    adopted = teams.init_team(uow=context.store(migrate=True).uow(), text=text, source=str(path))
    if preset is not None:
        path.write_text(text, encoding="utf-8")
        console.print(
            f"wrote {path} from preset [bold]{preset}[/]"
            + ("" if person else " with a sample roster (edit it, then `remit charter propose`)")
        )
    console.print(
        f"team [bold]{adopted.team}[/] adopted charter v{adopted.version} "
        f"({adopted.people} people, sha256 {adopted.sha256[:12]}); the audit chain starts here"
    )
    from remit.audit.checkpoint_cli import ensure_key  # cryptography: only for the commands that sign

    ensure_key()


@app.command("who")
def who_cmd(
    typer_ctx: typer.Context,
    domain: str,
    preset: PresetOpt = None,
    charter: CharterOpt = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Who decides, blocks (on which bases), has voice, is consulted and informed in DOMAIN."""
    who_answer(ctx(typer_ctx).charter_path, domain, preset=preset, charter=charter, json_out=json_out)


@app.command("resolve")
def resolve_cmd(
    typer_ctx: typer.Context,
    domain: str,
    position: Annotated[list[str] | None, typer.Option(help="ROLE=STANCE[:BASIS], in order; repeat")] = None,
    evidence: Annotated[list[str] | None, typer.Option(help="evidence NAME present; repeat")] = None,
    preset: PresetOpt = None,
    charter: CharterOpt = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Resolve DOMAIN for the given positions, without touching any database (pure)."""
    resolve_answer(
        ctx(typer_ctx).charter_path,
        domain,
        position=position,
        evidence=evidence,
        preset=preset,
        charter=charter,
        json_out=json_out,
    )


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="remit")
    except RemitError as error:
        report(error, err_console)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()

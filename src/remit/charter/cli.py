"""``remit charter``: check, show, diff, propose, status."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from remit.charter import Charter, Right, load_preset, preset_names, read_charter
from remit.charter.diff import diff_charters
from remit.charter.model import either
from remit.charter.pick import pick_charter
from remit.cli.context import console, ctx, emit_json, err_console, read_file

app = typer.Typer(no_args_is_help=True, help="The team's charter: check it, show it, compare it, change it.")

FileArg = Annotated[Path | None, typer.Argument(help="the charter file (default: remit.toml)")]


@app.command()
def check(
    typer_ctx: typer.Context, file: FileArg = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Check a charter file: exit 0, or exit 1 listing every problem with its fix."""
    path = file or ctx(typer_ctx).charter_path
    charter, problems = read_charter(read_file(path), str(path))
    if charter is not None:
        from remit.charter.check import DEEPER_CHECKS

        problems += [problem for deeper in DEEPER_CHECKS for problem in deeper(charter, str(path))]
    errors = [problem for problem in problems if problem.severity == "error"]
    if json_out:
        emit_json({"file": str(path), "ok": not errors, "problems": [p.as_dict() for p in problems]})
    else:
        for problem in problems:
            colour = "red" if problem.severity == "error" else "yellow"
            err_console.print(
                f"[{colour}]{problem.severity}[/] {problem.file}: [bold]{problem.key}[/]: "
                f"{problem.what}\n    fix: {problem.fix}"
            )
        if not errors:
            console.print(f"{path}: ok" + (f" ({len(problems)} warning(s))" if problems else ""))
    if errors:
        raise typer.Exit(1)


@app.command("show")
def show_cmd(
    typer_ctx: typer.Context,
    preset: Annotated[str | None, typer.Option(help="a preset: " + ", ".join(preset_names()))] = None,
    charter: Annotated[Path | None, typer.Option(help="a charter file")] = None,
    why: Annotated[bool, typer.Option("--why", help="print the seed sentence behind each right")] = False,
    form: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="table (a domain × role matrix), domains (a block per domain) or json; "
            "default: the table if it fits the terminal, else the blocks",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="the same as --format json")] = False,
) -> None:
    """Who holds which right in each domain, for a preset or a charter file."""
    value = pick_charter(preset, charter, ctx(typer_ctx).charter_path)
    if json_out or form is Format.JSON:
        emit_json(charter_json(value))
        return
    table = _matrix(value)
    if form is None:
        wide = console.measure(table, options=console.options.update_width(10_000)).maximum
        form = Format.TABLE if wide <= console.width else Format.DOMAINS
    if form is Format.TABLE:
        console.print(table)
        console.print(LEGEND)
    else:
        _domains(value)
    if why:
        _why(value)


def charter_json(value: Charter) -> dict[str, Any]:
    return {
        "name": value.name,
        "preset": value.preset,
        "domains": {
            d.name: {
                "about": d.about,
                "rights": {
                    g.role: {
                        "right": g.right.value,
                        "on": None if g.bases is None else sorted(g.bases),
                        "why": g.why,
                        "note": g.note,
                    }
                    for g in d.grants.values()
                },
            }
            for d in value.domains.values()
        },
    }


@app.command()
def diff(
    typer_ctx: typer.Context,
    file: FileArg = None,
    preset: Annotated[str | None, typer.Option(help="compare with this preset (default: the file's own)")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Where a team's charter departs from a preset."""
    path = file or ctx(typer_ctx).charter_path
    team = pick_charter(None, path, path)
    base_name = preset or team.preset or "default"
    changes = diff_charters(load_preset(base_name), team)
    if json_out:
        emit_json({"file": str(path), "preset": base_name, "changes": [c.as_dict() for c in changes]})
        return
    if not changes:
        console.print(f"{path} grants exactly the rights of preset {base_name}")
    for change in changes:
        console.print(f"{change.domain} · {change.role}: {change.text}")


@app.command()
def status(
    typer_ctx: typer.Context, file: FileArg = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """The adopted charter version, and whether the file on disk matches it."""
    context = ctx(typer_ctx)
    path = file or context.charter_path
    text = read_file(path) if path.exists() else None
    result = context.backend().charter_status(file_text=text)
    if json_out:
        emit_json(result)
        return
    console.print(f"team {result['team']}: charter v{result['version']} adopted {result['adopted_at']}")
    if result["file_matches"] is False:
        console.print(
            f"[yellow]{path} differs from the adopted charter[/]: `remit charter propose --as YOU` to change it"
        )
    elif result["file_matches"]:
        console.print(f"{path} is the adopted charter (sha256 {result['sha256'][:12]})")


class Format(StrEnum):
    TABLE = "table"
    DOMAINS = "domains"
    JSON = "json"


CELL = {
    Right.DECIDE: "[bold]DECIDE[/]",
    Right.BLOCK: "[red]block[/]",
    Right.VOICE: "voice",
    Right.CONSULT: "consult",
    Right.INFORM: "[dim]inform[/]",
}
SAYS = {  # the same rights in words, for the blocks
    Right.DECIDE: "decides",
    Right.BLOCK: "may block",
    Right.VOICE: "has a voice, not binding",
    Right.CONSULT: "is consulted and informed",
    Right.INFORM: "is informed",
}
LEGEND = (
    "[bold]DECIDE[/] decides, and may block · [red]block[/] may block, not decide · voice: heard, never binding · "
    "consult: asked before, told after · inform: told after · "
    "[dim]on <grounds>[/]: a no-go counts only on those grounds"
)


def _matrix(charter: Charter) -> Table:
    roles = list(dict.fromkeys(role for d in charter.domains.values() for role in d.grants))
    table = Table(title=f"{charter.name}: who holds which right")
    table.add_column("domain", style="bold", no_wrap=True)
    for role in roles:
        table.add_column(role, no_wrap=True)
    for domain in charter.domains.values():
        cells = []
        for role in roles:
            grant = domain.grant(role)
            if grant is None:
                cells.append("")
                continue
            cell = CELL[grant.right]
            if grant.can_block and grant.bases is not None:
                cell += f"\n[dim]on {', '.join(sorted(grant.bases))}[/]"
            cells.append(cell)
        table.add_row(domain.name, *cells)
    return table


def _domains(charter: Charter) -> None:
    """One block per domain, rights in words: readable at any width."""
    console.print(f"[bold]{charter.name}[/]: who holds which right")
    for domain in charter.domains.values():
        console.print(f"\n[bold]{domain.name}[/] [dim]— {domain.about}[/]")
        for right in Right:
            holders = []
            for grant in domain.grants.values():
                if grant.right is right:
                    scoped = grant.bases if grant.can_block else None
                    grounds = f" [dim](may block on {either(scoped)} grounds)[/]" if scoped else ""
                    holders.append(f"{grant.role}{grounds}")
            if holders:
                console.print(f"  {SAYS[right]}: {', '.join(holders)}")


def _why(charter: Charter) -> None:
    for domain in charter.domains.values():
        console.print(f"\n[bold]{domain.name}[/] — {domain.about}")
        for grant in domain.grants.values():
            scope = f" on {', '.join(sorted(grant.bases))}" if grant.bases is not None else ""
            console.print(f"  {grant.role}: {grant.right.value}{scope}")
            if grant.why:
                console.print(f"    [italic]“{grant.why}”[/]")
            if grant.note:
                console.print(f"    [dim]Remit's choice: {grant.note}[/]")

"""What `remit who`, `remit resolve` and `remit gate` do, as plain functions of their parsed options, with no
command-line framework; and where the commands' actions go (``connect``, ``open_store``).

The Typer commands (``main.py``, ``ledger.py``) call these functions; so does the console script's quick path
(``entry.py``), which parses these three commands by hand and so answers them without loading Typer, pydantic or
every capability's handlers (issue [5/11] asks them to start in under 0.25 s: bench/cli_startup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from remit.charter import Charter, DomainRights
from remit.charter.pick import pick_charter
from remit.charter.rights import who
from remit.cli.context import Backend, Context, console, emit_json, err_console
from remit.decisions.resolve import parse_position, resolve
from remit.kernel.errors import InvalidInput, RemitError

if TYPE_CHECKING:
    from rich.console import Console

    from remit.kernel.uow import Store


def connect(context: Context) -> Backend:
    """Where the commands' actions go: the team's server with --server, else the local database."""
    if context.server:
        from remit.remote import RemoteBackend  # imports the HTTP client and the API's routes: only when needed

        return RemoteBackend(context.server, context.token, team=context.team_name)
    from remit.backend import LocalBackend  # the database stack and the queries

    return LocalBackend(context.store, lambda: context.team, context.team_name)


def open_store(database: str | None, migrate: bool) -> Store:
    """The local database, with every capability's tables and handlers registered: loaded only by the
    commands that open it, so that `remit who` and `remit resolve` start quickly."""
    from remit import capabilities  # noqa: F401 - every table (for the foreign keys) and handler

    return open_reading_store(database, migrate)


def open_reading_store(database: str | None, migrate: bool) -> Store:
    """The local database for a command that only reads (`remit gate`): the queries it calls import the
    tables they read; no handler, subscriber or projector is registered, for none is called."""
    from remit.kernel.uow import Store

    return Store.open(database, migrate=migrate)


def who_answer(default: Path, domain: str, *, preset: str | None, charter: Path | None, json_out: bool) -> None:
    """`remit who DOMAIN`: who decides, blocks (on which bases), has voice, is consulted and informed."""
    rights = domain_of(pick_charter(preset, charter, default), domain)
    answer = who(rights)
    if json_out:
        emit_json(answer)
        return
    console.print(f"[bold]{domain}[/] — {rights.about}")
    for key in ("decide", "voice", "consult", "inform"):
        console.print(f"  {key}: {', '.join(answer[key]) or '-'}")  # type: ignore[arg-type]
    for role, bases in answer["block"].items():  # type: ignore[attr-defined]
        console.print(f"  {role} can block on: {', '.join(bases)}")


def resolve_answer(
    default: Path,
    domain: str,
    *,
    position: list[str] | None,
    evidence: list[str] | None,
    preset: str | None,
    charter: Path | None,
    json_out: bool,
) -> None:
    """`remit resolve DOMAIN`: the resolution of the given positions, without touching any database (pure)."""
    from remit.decisions import show

    rights = domain_of(pick_charter(preset, charter, default), domain)
    positions = [parse_position(item) for item in position or []]
    result = resolve(rights, positions, evidence=set(evidence or []))
    if json_out:
        emit_json(result.as_dict())
    else:
        show.resolution(result)


def gate_answer(backend: Backend, number: int, *, json_out: bool) -> int:
    """`remit gate NUMBER`: print why the gate is open or closed; the exit code (0 only if open)."""
    answer = backend.gate(number)
    if json_out:
        emit_json(answer)
    elif answer["approved"]:
        console.print(f"[green]gate open[/]: {answer['reason']}")
    else:
        err_console.print(f"[red]gate closed[/]: {answer['reason']}")
    return 0 if answer["approved"] is True else 1


def domain_of(charter: Charter, domain: str) -> DomainRights:
    rights = charter.domain(domain)
    if rights is None:
        raise InvalidInput(f"{charter.name} has no domain '{domain}'", hint=f"domains: {', '.join(charter.domains)}")
    return rights


def report(error: RemitError, to: Console) -> None:
    """An error, printed once, in red: the message, the hint, the problems (exit 1 is the caller's)."""
    to.print(f"[bold red]error:[/] {error.message}")
    if error.hint:
        to.print(f"[red]hint:[/] {error.hint}")
    for problem in getattr(error, "problems", [])[:50]:
        to.print(f"  - {problem}")

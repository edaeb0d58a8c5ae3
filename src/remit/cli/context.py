"""What every command shares: global options, the backend (the local store, or a server with --server),
the charter file, output helpers."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Console

from remit.kernel import times
from remit.kernel.errors import InvalidInput, NotFound

if TYPE_CHECKING:  # the database stack (and pydantic) load only when a command needs them: `remit who` is quick
    import typer  # and so does Typer: `remit who`, `resolve` and `gate` are parsed without it (remit/quick.py)

    from remit.kernel.commands import Command
    from remit.kernel.uow import Store

Json = dict[str, Any]
SETTLED = ("approved", "withdrawn", "expired")


class Backend(Protocol):
    """What the commands can do to a team. Writes name the ``actor``, already checked by ``actor()``."""

    def actor(self, given: str | None) -> str:
        """Who acts: ``--as`` locally; the token's person on a server (``--as``, if given, must match)."""
        ...

    def act(self, actor: str, command: Command[Any]) -> Json:
        """Carry out ``command`` as ``actor``; the result's JSON body."""
        ...

    def show_decision(self, number: int) -> Json: ...

    def list_decisions(self, *, state: str | None, domain: str | None, waiting_on: str | None) -> list[Json]:
        """Every matching decision (a server's pages are followed to the end)."""
        ...

    def madr_records(self) -> list[tuple[str, str]]:
        """(file name, MADR markdown) for every settled decision."""
        ...

    def export_json(self) -> Iterator[bytes]:
        """The team's ledger as one JSON document (UTF-8, in pieces)."""
        ...

    def export_csv(self, table: str) -> Iterator[bytes]:
        """One table of the team's ledger as CSV (UTF-8, in pieces)."""
        ...

    def list_rules(self, *, include_retired: bool) -> list[Json]: ...

    def charter_status(self, *, file_text: str | None) -> Json:
        """{team, version, sha256, adopted_at, file_matches}; file_matches is None without a file."""
        ...

    def audit_log(self, *, limit: int | None) -> list[Json]:
        """The newest ``limit`` entries (all without one), oldest first."""
        ...

    def verify_audit(self) -> list[Json]: ...

    def checkpoint(self) -> Json:
        """A signed checkpoint of the team's chain head (locally with the signing key; a server signs its own)."""
        ...

    def check_checkpoint(self, checkpoint: Json, source: str, public_key: str | None) -> Json:
        """``checkpoint`` (read from ``source``) against the chain: signed by ``public_key`` (PEM; None: the key in
        use), the team's, and still anchored. {team, seq, hash, at, ok, problem}."""
        ...

    def gate(self, number: int) -> Json:
        """{number, approved, reason}."""
        ...

    def queue(self, *, handle: str, limit: int, cursor: str | None) -> Json:
        """My queue; ``next_cursor`` is an opaque string to pass back as ``cursor``."""
        ...

    def show_incident(self, number: int) -> Json:
        """An incident: its state, timeline (public and internal), impact consult, timings, crossings."""
        ...

    def list_incidents(self, *, open_only: bool) -> list[Json]:
        """The team's incidents, newest first."""
        ...

    def incident_concerns(self, *, handle: str) -> list[Json]:
        """What incidents asked or told ``handle`` that they have not opened yet, newest first."""
        ...

    def bugs(self, asked: Json) -> Json:
        """One page of the team's bug board: {team, items, total, counts, published}; ``asked`` holds q, label,
        component, customer, status and limit."""
        ...

    def status_board(self) -> Json:
        """The status page as the team manages it: {team, time_zone, components, maintenances, may_set,
        may_manage} (every maintenance line, internal notes included)."""
        ...

    def close(self) -> None: ...


Connect = Callable[["Context"], Backend]  # the composition root's: the local store, or the team's server
Opener = Callable[[str | None, bool], "Store"]  # the composition root's: (database URL, migrate) -> the store


console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Context:
    database: str | None = None
    charter_path: Path = Path("remit.toml")
    team_name: str | None = None
    server: str | None = None
    token: str | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    connect: Connect | None = field(default=None, repr=False)
    opener: Opener | None = field(default=None, repr=False)
    _backend: Backend | None = field(default=None, repr=False)

    def store(self, *, migrate: bool = False) -> Store:
        if self.server:
            raise _needs_database("this command")
        if self._store is None:
            if self.opener is None:  # pragma: no cover - set by the root callback
                raise RuntimeError("remit's root callback gives the context its store")
            self._store = self.opener(self.database, migrate)
        return self._store

    def backend(self) -> Backend:
        """Where the actions go: the team's server with --server, else the local database."""
        if self._backend is None:
            if self.connect is None:  # pragma: no cover - set by the root callback
                raise RuntimeError("remit's root callback gives the context its backend")
            self._backend = self.connect(self)
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if self._store is not None:
            self._store.close()

    @property
    def team(self) -> str:
        """The team: --team, else REMIT_TEAM, else [team] name in the charter file."""
        if self.team_name:
            return self.team_name
        if os.environ.get("REMIT_TEAM"):
            return os.environ["REMIT_TEAM"]
        if self.charter_path.exists():
            try:
                raw = tomllib.loads(self.charter_path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise InvalidInput(
                    f"{self.charter_path} is not valid TOML: {error}", hint="fix it, or name the team with --team"
                ) from error
            name = raw.get("team", {}).get("name")
            if isinstance(name, str) and name:
                return name
        raise InvalidInput(
            "which team? no --team given and no team name in " + str(self.charter_path),
            hint="run in the folder holding remit.toml, or pass --team NAME",
        )


def ctx(typer_ctx: typer.Context) -> Context:
    obj = typer_ctx.find_root().obj
    if not isinstance(obj, Context):  # pragma: no cover - set by the root callback
        raise TypeError("remit's root callback did not run")
    return obj


def local(typer_ctx: typer.Context) -> Context:
    """The context of a command that has no API form: it refuses --server, naming itself."""
    context = ctx(typer_ctx)
    if context.server:
        raise _needs_database(f"`{typer_ctx.command_path}`")
    return context


def _needs_database(what: str) -> InvalidInput:
    return InvalidInput(
        f"{what} has no API form: it needs a local --database, not --server",
        hint="run it where the database is, without --server (and REMIT_SERVER): e.g. remit --database URL ...",
    )


def read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"no file {path}", hint="run `remit init` to write one, or give the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from error


def emit_json(value: Any) -> None:
    """The value as indented JSON on standard output (written and flushed as ``typer.echo`` does)."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def parse_deadline(text: str | None, now: datetime | None = None) -> datetime | None:
    """``in 3 days``, ``36 hours``, ``3d``, ``48h``, ``90m``, ``2w``, or an ISO date/time (UTC unless it
    says otherwise): the one reading the web forms use too (``kernel.times``)."""
    return times.parse_deadline(text, now=now or datetime.now(UTC))


def pairs(items: list[str], option: str) -> list[tuple[str, str]]:
    """NAME=TEXT pairs of a repeated option."""
    result = []
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{option} '{item}' is not NAME=TEXT", hint=f'e.g. {option} cost-of-delay="..."')
        result.append((name.strip(), text))
    return result

"""The ``remit`` console script. `remit who`, `remit resolve` and `remit gate`, given plain arguments, are parsed
here by hand and answered at once (``remit/quick.py``), without building the Typer tree of every command: Typer
converts each parameter through pydantic and the tree imports every capability's commands, which together cost
more than the 0.25 s issue [5/11] allows these commands (bench/cli_startup.py).

Anything else, and anything here that is not plain (``--help``, an option this table does not know, a repeated
option, a value that is empty or looks like an option, a missing or extra argument, a gate number that is not
digits, shell completion), goes to the Typer application in ``remit.main``, which parses it as it always has:
its help, its errors, its exit codes. So the quick path only ever answers what Typer would have answered the
same way; the tables below are checked against the Typer commands' own parameters by tests/unit/test_cli_quick.py."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

Value = str | bool | list[str] | None


@dataclass(frozen=True)
class Opt:
    """One option as Typer declares it: a flag, a value, or a value that may repeat (a list); ``name`` is the
    Typer parameter's."""

    name: str
    kind: str = "value"  # "value", "flag" or "repeat"
    envvar: str | None = None


ROOT = {
    "--database": Opt("database", envvar="REMIT_DATABASE_URL"),
    "--file": Opt("charter"),
    "--team": Opt("team", envvar="REMIT_TEAM"),
    "--server": Opt("server", envvar="REMIT_SERVER"),
    "--token": Opt("token", envvar="REMIT_TOKEN"),
}
COMMANDS = {
    "who": {"--preset": Opt("preset"), "--charter": Opt("charter"), "--json": Opt("json_out", "flag")},
    "resolve": {
        "--position": Opt("position", "repeat"),
        "--evidence": Opt("evidence", "repeat"),
        "--preset": Opt("preset"),
        "--charter": Opt("charter"),
        "--json": Opt("json_out", "flag"),
    },
    "gate": {"--json": Opt("json_out", "flag")},
}
NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")
COMPLETION = "_REMIT_COMPLETE"  # Click's shell-completion variable: Typer answers it


@dataclass
class Plain:
    """A hot command's arguments, as Typer would have parsed them."""

    root: dict[str, Value] = field(default_factory=dict)
    command: str = ""
    options: dict[str, Value] = field(default_factory=dict)
    argument: str = ""


def parse(args: Sequence[str]) -> Plain | None:
    """``args`` read as a plain call of a hot command; None for anything else (Typer reads it then)."""
    if os.environ.get(COMPLETION):
        return None
    plain, rest = Plain(), list(args)
    while rest and rest[0].startswith("-"):
        if not _take(rest, ROOT, plain.root):
            return None
    if not rest or rest[0] not in COMMANDS:
        return None
    plain.command = rest.pop(0)
    table, arguments = COMMANDS[plain.command], []
    while rest:
        if not rest[0].startswith("-"):
            arguments.append(rest.pop(0))
        elif not _take(rest, table, plain.options):
            return None
    if len(arguments) != 1 or (plain.command == "gate" and not NUMBER.fullmatch(arguments[0])):
        return None
    plain.argument = arguments[0]
    for opt in ROOT.values():  # an option not given takes its environment variable, if set and not empty
        if opt.envvar and plain.root.get(opt.name) is None:
            plain.root[opt.name] = os.environ.get(opt.envvar) or None
    return plain


def _take(rest: list[str], table: dict[str, Opt], into: dict[str, Value]) -> bool:
    """Move the option at the head of ``rest`` (``--name value``, ``--name=value`` or a flag) into ``into``."""
    name, equals, value = rest.pop(0).partition("=")
    opt = table.get(name)
    if opt is None or (opt.kind != "repeat" and opt.name in into):
        return False
    if opt.kind == "flag":
        into[opt.name] = True
        return not equals
    if not equals:
        if not rest or rest[0].startswith("-"):
            return False
        value = rest.pop(0)
    if not value:  # an empty value is Typer's to judge
        return False
    if opt.kind == "repeat":
        into[opt.name] = [*(_texts(into.get(opt.name)) or []), value]
    else:
        into[opt.name] = value
    return True


def answer(plain: Plain) -> int:
    """Run a plainly parsed hot command, as the Typer command would: the exit code."""
    from remit.cli.context import Context, err_console
    from remit.kernel.errors import RemitError
    from remit.quick import connect, gate_answer, open_reading_store, report, resolve_answer, who_answer

    root, options = plain.root, plain.options
    file, charter = _text(root.get("charter")), _text(options.get("charter"))
    context = Context(
        database=_text(root.get("database")),
        charter_path=Path("remit.toml") if file is None else Path(file),
        team_name=_text(root.get("team")),
        server=_text(root.get("server")),
        token=_text(root.get("token")),
        connect=connect,
        opener=open_reading_store,  # the gate only reads
    )
    preset, json_out = _text(options.get("preset")), options.get("json_out") is True
    try:
        try:
            if plain.command == "who":
                who_answer(
                    context.charter_path,
                    plain.argument,
                    preset=preset,
                    charter=None if charter is None else Path(charter),
                    json_out=json_out,
                )
                return 0
            if plain.command == "resolve":
                resolve_answer(
                    context.charter_path,
                    plain.argument,
                    position=_texts(options.get("position")),
                    evidence=_texts(options.get("evidence")),
                    preset=preset,
                    charter=None if charter is None else Path(charter),
                    json_out=json_out,
                )
                return 0
            return gate_answer(context.backend(), int(plain.argument), json_out=json_out)
        finally:
            context.close()
    except RemitError as error:
        report(error, err_console)
        return 1


def _text(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Value) -> list[str] | None:
    return value if isinstance(value, list) else None


def main(argv: Sequence[str] | None = None) -> None:
    """``remit``: a hot command answered here, or the whole command line (``remit.main``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    plain = parse(args)
    if plain is None:
        from remit.main import main as everything

        everything(args)
        return
    try:
        code = answer(plain)
    except KeyboardInterrupt:
        code = 130  # as Typer exits on ^C
    except BrokenPipeError:  # as Click does when the reader goes away (`remit who release | head -1`)
        sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - Python flushes stdout at exit
        code = 1
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()

"""The console script's quick path (``remit/entry.py``) reads `remit who`, `resolve` and `gate` by hand: its
tables must say what the Typer commands declare, and what it does not read plainly must go to Typer."""

from __future__ import annotations

import pytest
import typer.main

from remit import entry
from remit.main import app


def declared(params: list[typer.core.TyperOption | typer.core.TyperArgument]) -> tuple[dict[str, entry.Opt], int]:
    """The options (as the quick path's tables write them) and the number of arguments of a Typer command."""
    options, arguments = {}, 0
    for param in params:
        if param.param_type_name == "argument":
            assert param.nargs == 1 and param.required
            arguments += 1
            continue
        assert param.secondary_opts == [] and all(opt.startswith("--") for opt in param.opts)
        kind = "flag" if param.is_flag else "repeat" if param.multiple else "value"
        envvar = param.envvar if isinstance(param.envvar, str) else None
        options.update({opt: entry.Opt(str(param.name), kind, envvar) for opt in param.opts})
    return options, arguments


def test_the_quick_tables_are_the_typer_commands_own() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert declared(group.params) == (entry.ROOT, 0)
    for name, table in entry.COMMANDS.items():
        command = group.commands[name]
        assert declared(command.params) == (table, 1), name
        assert command.allow_interspersed_args and not command.ignore_unknown_options
        assert command.context_settings == {}
    assert group.commands["gate"].params[0].type_descriptor.annotation is int


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["who", "release"], ("who", {}, {}, "release")),
        (
            ["who", "--json", "release", "--preset=default"],
            ("who", {}, {"json_out": True, "preset": "default"}, "release"),
        ),
        (
            ["--file", "t.toml", "--team=x", "resolve", "release", "--position", "pm=go", "--position=em=go"],
            ("resolve", {"charter": "t.toml", "team": "x"}, {"position": ["pm=go", "em=go"]}, "release"),
        ),
        (
            ["--database", "sqlite:///r.db", "gate", "12", "--json"],
            ("gate", {"database": "sqlite:///r.db"}, {"json_out": True}, "12"),
        ),
    ],
)
def test_plain_calls_are_read(args: list[str], expected: tuple[object, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    for opt in entry.ROOT.values():
        if opt.envvar:
            monkeypatch.delenv(opt.envvar, raising=False)
    plain = entry.parse(args)
    assert plain is not None
    root = {name: value for name, value in plain.root.items() if value is not None}
    assert (plain.command, root, plain.options, plain.argument) == expected


def test_an_empty_environment_variable_is_not_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMIT_TEAM", "")
    monkeypatch.setenv("REMIT_SERVER", "http://team:8000")
    plain = entry.parse(["gate", "1"])
    assert plain is not None and plain.root["team"] is None and plain.root["server"] == "http://team:8000"
    assert entry.parse(["--server", "http://other", "gate", "1"]).root["server"] == "http://other"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["who", "--help"],
        ["who", "release", "-h"],
        ["who"],
        ["who", "release", "backlog"],
        ["who", "release", "--preset"],
        ["who", "release", "--preset", "--json"],
        ["who", "release", "--preset", "a", "--preset", "b"],
        ["who", "release", "--json", "--json"],
        ["who", "release", "--json=yes"],
        ["who", "release", "--preset="],
        ["--file", "", "who", "release"],
        ["who", "release", "--as", "priya"],
        ["who", "release", "--team", "x"],
        ["who", "--", "release"],
        ["--file", "who", "release"],
        ["--verbose", "who", "release"],
        ["resolve", "release", "--positions", "pm=go"],
        ["gate"],
        ["gate", "x"],
        ["gate", "-1"],
        ["gate", "01"],
        ["gate", " 1"],
        ["gate", "1.0"],
        ["gate", "1" * 19],
        ["gate", "1", "2"],
        ["charter", "show"],
        ["decision", "open", "release", "x"],
        ["Who", "release"],
    ],
)
def test_anything_not_plain_goes_to_typer(args: list[str]) -> None:
    assert entry.parse(args) is None


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(entry.COMPLETION, "bash_complete")
    assert entry.parse(["who", "release"]) is None


def test_the_schema_head_read_from_the_scripts_is_alembic_s() -> None:
    """The gate opens the database without Alembic: the head it checks the schema against is read from the
    migration scripts' text, and must be the one Alembic finds."""
    from remit.kernel import db

    assert db.head_revision() == db.alembic_head()

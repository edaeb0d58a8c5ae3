"""The command line loads the database and server stacks only for the commands that need them: `remit who`
and `remit resolve` answer from the charter alone, and the console script (``remit.entry``) answers them and
`remit gate` without Typer, pydantic or the handlers of every capability (issue [5/11] asks them to start in
under 0.25 s; the time is measured in bench/cli_startup.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# pydantic is not listed: typer (0.29) itself loads it to convert a command's parameters. Remit's commands,
# which are pydantic models, are: they load only in the commands that send one.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "argon2",
    "remit.kernel.commands",
)
# What the console script's quick path leaves out, on top of HEAVY: the command-line framework and the
# validation library under it, the migrations tool, the other database's dialect, every capability's handlers.
QUICK = (
    *HEAVY,
    "typer",
    "click",
    "pydantic",
    "mako",
    "pygments",
    "sqlalchemy.dialects.postgresql",
    "cryptography",
    "remit.main",
    "remit.capabilities",
    "remit.decisions.handlers",
    "remit.decisions.subscribers",
    "remit.identity.accounts",
    "remit.audit.replay",
)
PROBE = """
import json, sys
from {module} import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def loaded(tmp_path: Path, *args: str, module: str = "remit.main", heavy: tuple[str, ...] = HEAVY) -> list[str]:
    probe = PROBE.format(module=module, heavy=heavy)
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def test_who_resolve_and_help_load_no_database_or_server_stack(tmp_path: Path) -> None:
    assert loaded(tmp_path, "who", "release", "--preset", "default") == []
    assert loaded(tmp_path, "resolve", "release", "--preset", "default", "--position", "em=no-go:technical") == []
    assert loaded(tmp_path, "--help") == []
    assert loaded(tmp_path, "charter", "show", "--preset", "default") == []


def test_the_probe_sees_a_stack_when_a_command_loads_it(tmp_path: Path) -> None:
    assert "sqlalchemy" in loaded(tmp_path, "--database", f"sqlite:///{tmp_path / 'r.db'}", "db", "upgrade")


def quick(tmp_path: Path, *args: str) -> list[str]:
    """What the console script loads of QUICK for ``remit args``."""
    return loaded(tmp_path, *args, module="remit.entry", heavy=QUICK)


def test_the_console_script_answers_who_resolve_and_gate_with_neither_typer_nor_pydantic(tmp_path: Path) -> None:
    assert quick(tmp_path, "who", "release", "--preset", "default") == []
    assert quick(tmp_path, "resolve", "release", "--preset", "default", "--position", "em=no-go:technical") == []
    assert quick(tmp_path, "resolve", "release", "--preset", "default", "--json") == []
    assert loaded(tmp_path, "init", "--preset", "default", "--team", "probe")  # the database, for the gate
    assert loaded(tmp_path, "decision", "open", "release", "probe", "--as", "priya")
    gate = quick(tmp_path, "gate", "1")
    assert set(gate) == {"sqlalchemy"}  # SQLite's gate needs the database stack, and no more of QUICK
    remote = quick(tmp_path, "--server", "http://127.0.0.1:9", "--token", "t", "gate", "1", "--json")
    assert set(remote) == {"httpx", "click", "pygments"}  # httpx, which loads its own command line's (httpx._main)


def test_the_probe_sees_typer_when_the_console_script_hands_a_command_over(tmp_path: Path) -> None:
    assert "typer" in quick(tmp_path, "--help")
    assert "typer" in quick(tmp_path, "who", "--help")

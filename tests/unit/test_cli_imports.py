"""The command line loads the database and server stacks only for the commands that need them: `remit who`
and `remit resolve` answer from the charter alone (issue [5/11] asks them to start in under 0.25 s; the time
is measured in bench/cli_startup.py, not here)."""

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
PROBE = """
import json, sys
from remit.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)
"""


def loaded(tmp_path: Path, *args: str) -> list[str]:
    probe = PROBE.format(heavy=HEAVY)
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

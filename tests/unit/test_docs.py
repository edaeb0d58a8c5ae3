"""The docs are tested: every command, preset and right is written down somewhere a user will look."""

from __future__ import annotations

from pathlib import Path

import typer
import typer.main

from remit.charter import preset_names
from remit.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def command_paths(command: object, prefix: str = "remit") -> list[str]:
    if hasattr(command, "commands"):
        return [path for name, sub in command.commands.items() for path in command_paths(sub, f"{prefix} {name}")]
    return [prefix]


def test_every_cli_command_is_in_the_reference() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [path for path in command_paths(typer.main.get_command(app)) if f"`{path}" not in reference]
    assert not missing, f"undocumented in docs/cli.md: {missing}"


def test_every_preset_has_a_section() -> None:
    presets = (ROOT / "docs" / "presets.md").read_text(encoding="utf-8")
    assert [name for name in preset_names() if f"## {name}\n" not in presets] == []


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make demo") < readme.index("make test") < readme.index("## ")

"""An error's hint that names a CLI command names one that exists: every ``hint=`` in ``src/remit`` (the
status page's among them) is read from the source, and each ``remit ...`` in it is walked down Typer's
command tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer.core
import typer.main

from remit.main import app

SRC = Path(__file__).resolve().parents[2] / "src" / "remit"
MENTION = re.compile(r"\bremit((?: [a-z][a-z0-9-]*)+)")  # the words after "remit", up to an option or a quote


def named(words: list[str]) -> str | None:
    """The command path the words name (what follows a command is its arguments), or None when a word is not
    one of its group's commands."""
    command, path = typer.main.get_command(app), ["remit"]
    for word in words:
        if not isinstance(command, typer.core.TyperGroup):
            break
        found = command.commands.get(word)
        if found is None:
            return None
        command, path = found, [*path, word]
    return " ".join(path)


def hints(folder: Path) -> list[tuple[str, str]]:
    """Each ``remit ...`` said in a ``hint=`` argument under ``folder``: (where, the words)."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.keyword) and node.arg == "hint"):
                continue
            texts = [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            where = f"{path.relative_to(SRC)}:{node.value.lineno}"
            found += [(where, m.group(0)) for text in texts for m in MENTION.finditer(text)]
    return found


def test_every_command_a_hint_names_exists() -> None:
    said = hints(SRC)
    status = {words for where, words in said if where.startswith("status/")}
    assert {"remit status maintenance list", "remit status subscribers list", "remit init"} <= status
    wrong = [f"{where}: {words}" for where, words in said if named(words.split()[1:]) is None]
    assert not wrong, f"hints naming no command: {wrong}"


@pytest.mark.parametrize(
    ("words", "path"),
    [
        ("remit status maintenance list", "remit status maintenance list"),
        ("remit status subscribers remove 3", "remit status subscribers remove"),
        ("remit status maintenance lists", None),
        ("remit statuses show", None),
    ],
)
def test_a_hint_is_walked_down_the_command_tree(words: str, path: str | None) -> None:
    assert named(words.split()[1:]) == path

"""`remit who`, `resolve` and `gate` answer the same through the console script's quick path (``remit.entry``)
as through the Typer application (``remit.main``): the same output, errors and exit codes, on SQLite and
PostgreSQL, locally and over --server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from remit import entry
from remit import main as typer_main
from remit.kernel.uow import Store

Outcome = tuple[int, str, str]
ENV = ("REMIT_DATABASE_URL", "REMIT_TEAM", "REMIT_SERVER", "REMIT_TOKEN")


def outcome(capsys: pytest.CaptureFixture[str], run: Callable[[list[str]], None], args: list[str]) -> Outcome:
    """Both entry points end every command with ``sys.exit``: its code, and what was printed."""
    with pytest.raises(SystemExit) as exited:
        run(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def both(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., Outcome]]:
    """``both(*args)``: run ``remit args`` through the quick path and through Typer; the one outcome, once they
    are checked to be equal (and the quick path to have been taken)."""
    monkeypatch.chdir(tmp_path)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    url = store.engine.url.render_as_string(hide_password=False)
    store.close()
    monkeypatch.setenv("REMIT_DATABASE_URL", url)

    def compared(*args: str) -> Outcome:
        assert entry.parse(list(args)) is not None, args
        quick = outcome(capsys, entry.main, list(args))
        full = outcome(capsys, typer_main.main, list(args))
        assert quick == full, args
        return quick

    setup = [
        ["init", "--preset", "default", "--team", "checkout"],
        ["decision", "open", "release", "Ship onboarding", "--as", "priya"],
        ["decision", "open", "release", "Ship dark mode", "--as", "priya"],
        ["decision", "position", "2", "go", "--as", "ezra", "--reason", "ok"],
        ["decision", "position", "2", "go", "--as", "priya", "--reason", "ok"],
        ["decision", "open", "backlog-prioritization", "Reorder", "--as", "priya"],
    ]
    for args in setup:
        assert outcome(capsys, typer_main.main, args)[0] == 0, args
    yield compared


def test_who_and_resolve_answer_the_same(both: Callable[..., Outcome]) -> None:
    assert both("who", "release")[0] == 0
    assert both("who", "release", "--json")[0] == 0
    assert both("who", "--preset=default", "tech-debt-strategy")[0] == 0
    assert both("--file", "remit.toml", "who", "release", "--charter", "remit.toml")[0] == 0
    assert both("resolve", "release", "--position", "pm=go", "--position", "em=no-go:technical")[0] == 0
    assert both("resolve", "release", "--position=pm=go", "--evidence", "rollback-plan", "--json")[0] == 0
    assert both("resolve", "release", "--preset", "lean")[0] in (0, 1)


def test_their_errors_are_the_same(both: Callable[..., Outcome]) -> None:
    code, _, err = both("who", "nowhere")
    assert code == 1 and "error: checkout has no domain 'nowhere'" in err and "hint: domains:" in err
    assert both("who", "release", "--preset", "nope")[0] == 1
    assert both("who", "release", "--preset", "default", "--charter", "remit.toml")[0] == 1
    assert both("who", "release", "--charter", "missing.toml")[0] == 1
    assert both("--file", "missing.toml", "who", "release")[0] == 1
    assert both("resolve", "release", "--position", "pm")[0] == 1
    assert both("resolve", "release", "--position", "pm=maybe")[0] == 1


def test_the_gate_answers_the_same(both: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = both("gate", "1")
    assert code == 1 and "gate closed: #1 is still open" in err
    code, out, _ = both("gate", "2")
    assert code == 0 and "gate open: #2 'Ship dark mode' was approved" in out
    assert both("gate", "2", "--json")[0] == 0
    assert both("gate", "3", "--json")[0] == 1  # not a release
    assert both("gate", "99")[0] == 1
    assert both("gate", "0")[0] == 1
    assert both("--team", "checkout", "gate", "2")[0] == 0
    assert both("--team", "nobody", "gate", "2")[0] == 1
    code, _, err = both("--file", "elsewhere.toml", "gate", "2")
    assert code == 1 and "which team? no --team given and no team name in elsewhere.toml" in err
    monkeypatch.setenv("REMIT_TEAM", "checkout")
    assert both("--file", "elsewhere.toml", "gate", "2")[0] == 0
    monkeypatch.setenv("REMIT_TEAM", "")
    assert both("--file", "elsewhere.toml", "gate", "2")[0] == 1  # an empty variable is no team


def test_the_gate_s_database_errors_are_the_same(both: Callable[..., Outcome], tmp_path: Path) -> None:
    code, _, err = both("--database", f"sqlite:///{tmp_path / 'empty.db'}", "gate", "1")
    assert code == 1 and "no Remit database at" in err
    assert both("--database", "nonsense", "gate", "1")[0] == 1


def test_the_gate_over_a_server_that_is_not_there(
    both: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = both("--server", "http://127.0.0.1:9", "gate", "1")
    assert code == 1 and "--server needs your API token" in err
    monkeypatch.setenv("REMIT_TOKEN", "remit_nothing")
    code, _, err = both("--server", "http://127.0.0.1:9", "gate", "1")
    assert code == 1 and "cannot reach the Remit server at http://127.0.0.1:9" in err

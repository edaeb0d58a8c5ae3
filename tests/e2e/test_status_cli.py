"""`remit status show` as a user runs it: locally on the team's database and against a server (`--server`,
from its public Statuspage v2 API, no token needed): the public summary, never an internal line."""

# ruff: noqa: F811 - the CLI tests' fixtures, imported here, are the tests' arguments

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_cli import initialised, run, workdir  # noqa: F401 - fixtures
from tests.e2e.test_cli_remote import Cli, Remote, clean, cli, remote  # noqa: F401 - fixtures


def test_the_summary_shows_the_public_line_and_never_the_internal_one(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "status", "show")
    assert code == 0, err
    assert "checkout: All Systems Operational (times in UTC" in out and "Open incidents: none" in out
    steps = [
        ("open", "Search is slow", "--severity", "sev3", "--component", "search", "--as", "ezra"),
        ("update", "1", "--message", "Slower than usual.", "--public", "--as", "ezra"),
        ("update", "1", "--message", "zq-internal: the index rebuild", "--as", "ezra"),
    ]
    for step in steps:
        code, _, err = run(capsys, "incident", *step)
        assert code == 0, err
    code, out, _ = run(capsys, "status", "show")
    assert "checkout: Minor Service Outage" in out
    assert "  search  degraded_performance" in out
    assert "Search is slow — investigating, minor impact" in out and "investigating: Slower than usual." in out
    assert "zq-internal" not in out
    code, out, _ = run(capsys, "status", "show", "--json")
    summary = json.loads(out)
    assert summary["status"] == {"indicator": "minor", "description": "Minor Service Outage"}
    assert [u["body"] for u in summary["incidents"][0]["incident_updates"]] == ["Slower than usual."]


def test_against_a_server_it_reads_the_public_api(remote: Remote, cli: Cli) -> None:
    code, out, err = cli("sol", "status", "show", "--json")
    assert code == 0, err
    assert json.loads(out) == httpx.get(f"{remote.url}/api/v2/summary.json").json()
    code, out, _ = cli("sol", "status", "show")
    assert "Search results are slow — identified, minor impact" in out
    assert "Search is slower than usual; results are correct." in out and "index rebuild" not in out
    code, _, err = cli("sol", "--team", "nobody", "status", "show")
    assert code == 1 and "no public status page" in err and "Traceback" not in err

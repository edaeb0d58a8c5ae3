"""`remit status show` as a user runs it: locally on the team's database and against a server (`--server`,
from its public Statuspage v2 API, no token needed): the public summary, never an internal line."""

# ruff: noqa: F811 - the CLI tests' fixtures, imported here, are the tests' arguments

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_cli import first_init, initialised, run, workdir  # noqa: F401 - fixtures
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


def test_the_team_sets_a_component_and_runs_a_maintenance_from_the_command_line(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "status", "component", "set", "search", "partial_outage", "--note", "Slow filters.")
    assert code == 1 and "who acts?" in err  # no --as
    code, out, err = run(
        capsys, "incident", "open", "Slow", "--severity", "sev3", "--component", "search", "--as", "ezra"
    )
    assert code == 0, err
    code, out, err = run(
        capsys, "status", "component", "set", "search", "partial_outage", "--note", "Slow filters.", "--as", "ezra"
    )
    assert code == 0 and out.strip() == "search: set to partial_outage; the public page shows partial_outage.", err
    code, _, err = run(capsys, "status", "component", "set", "search", "broken", "--as", "ezra")
    assert code == 1 and "unknown component status 'broken'" in err and "Traceback" not in err
    code, _, err = run(capsys, "status", "component", "set", "search", "operational", "--as", "sol")
    assert code == 1 and "sol (stakeholder) may not set a component's status" in err
    schedule = ["status", "maintenance", "schedule", "Index rebuild", "--component", "search"]
    schedule += ["--for", "in 2 days", "--until", "in 50 hours", "--message", "Search may be slow.", "--as", "ezra"]
    code, out, err = run(capsys, *schedule)
    assert code == 0 and "maintenance #1 Index rebuild: scheduled; scheduled (" in out, err
    code, _, err = run(capsys, "status", "maintenance", "update", "1", "--status", "completed", "--as", "ezra")
    assert code == 1 and "it may move to in_progress, cancelled, not completed" in err
    steps = [("--status", "in_progress", "--message", "Started.", "--public"), ("--message", "zq-note: at 50%")]
    for step in steps:
        code, _, err = run(capsys, "status", "maintenance", "update", "1", *step, "--as", "ezra")
        assert code == 0, err
    code, out, _ = run(capsys, "status", "maintenance", "list")
    assert "  search  partial_outage (set by hand: partial_outage; Slow filters.)" in out
    assert "#1 Index rebuild — in_progress" in out and "in_progress (internal): zq-note: at 50%" in out
    code, out, _ = run(capsys, "status", "show", "--json")
    summary = json.loads(out)
    [active] = summary["scheduled_maintenances"]
    assert active["status"] == "in_progress" and "zq-note" not in out
    assert {c["name"]: c["status"] for c in summary["components"]}["search"] == "partial_outage"


def test_against_a_server_the_team_sets_components_and_lists_maintenance(remote: Remote, cli: Cli) -> None:
    code, out, err = cli("ezra", "status", "component", "set", "payments", "degraded_performance", "--json")
    assert code == 0 and json.loads(out)["effective"] == "degraded_performance", err
    code, _, err = cli("sol", "status", "component", "set", "payments", "operational")
    assert code == 1 and "sol (stakeholder) may not set a component's status" in err
    code, out, err = cli("sol", "status", "maintenance", "list", "--json")
    found = json.loads(out)
    assert code == 0 and not found["may_manage"] and "Payments database upgrade" in out, err
    assert any(u["public"] is False for m in found["maintenances"] for u in m["updates"])  # the team reads notes
    summary = httpx.get(f"{remote.url}/api/v2/summary.json").json()
    assert {c["name"]: c["status"] for c in summary["components"]}["payments"] == "degraded_performance"

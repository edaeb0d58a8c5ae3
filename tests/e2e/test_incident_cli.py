"""`remit incident` as a user runs it: locally on the team's database and over HTTP (`--server`), the same
output and JSON, clear refusals and errors, never a traceback."""

# ruff: noqa: F811 - the CLI tests' fixtures, imported here, are the tests' arguments

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import first_init, initialised, run, workdir  # noqa: F401 - fixtures
from tests.e2e.test_cli_remote import Cli, Remote, clean, cli, remote  # noqa: F401 - fixtures


def test_an_incident_from_open_to_postmortem_on_the_command_line(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "incident", "open", "Card payments failing", "--severity", "sev2", "--component", "payments",
        "--component", "checkout", "--as", "ezra", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) | {"update": 0} == {
        "number": 1, "title": "Card payments failing", "severity": "sev2", "status": "investigating",
        "commander": "ezra", "update": 0,
    }  # fmt: skip
    code, _, err = run(capsys, "incident", "update", "1", "--severity", "sev1", "--as", "priya")
    assert code == 1 and "priya (pm) may not change an incident's severity" in err and "Traceback" not in err
    code, out, err = run(capsys, "incident", "impact", "1", "EU card checkouts first", "--as", "priya")
    assert code == 0 and "customer impact answered" in out, err
    code, out, _ = run(capsys, "incident", "commander", "1", "sam", "--as", "ezra")
    assert "commander sam" in out
    code, out, _ = run(capsys, "incident", "mine", "--as", "sam")
    assert code == 0 and "you were named its commander: you run it now" in out
    code, out, _ = run(capsys, "incident", "mine", "--as", "sol")
    assert code == 0 and "#1 sev2 investigating Card payments failing — told as stakeholder: opened" in out
    code, out, _ = run(capsys, "incident", "mine", "--as", "theo")  # no part in incident-response
    assert code == 0 and out.strip() == "Nothing from incidents waits on you."
    steps = [
        ("update", "1", "--status", "identified", "--message", "bad deploy", "--as", "sam"),
        ("update", "1", "--status", "monitoring", "--message", "Fixed; watching.", "--public", "--as", "sam"),
        ("resolve", "1", "--message", "All good.", "--public", "--as", "sam"),
        ("postmortem", "1", "https://wiki.example.com/pm/1", "--as", "ezra"),
    ]
    for step in steps:
        code, out, err = run(capsys, "incident", *step)
        assert code == 0, err
    code, out, _ = run(capsys, "incident", "show", "1")
    assert code == 0
    assert "Incident #1 is sev2 (major impact), resolved, with its postmortem; commander sam" in out
    assert "public   status identified → monitoring: Fixed; watching." in out
    assert "internal status investigating → identified: bad deploy" in out
    assert "refused: priya (pm) may not change an incident's severity" in out
    code, out, _ = run(capsys, "incident", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["impact"]["answer"] == "EU card checkouts first" and shown["postmortem_url"].startswith("https://")
    assert [line["public"] for line in shown["timeline"]] == [False, False, False, False, True, True, False]
    code, out, _ = run(capsys, "incident", "list", "--open")
    assert out.strip() == "No open incidents."
    code, out, _ = run(capsys, "incident", "list")
    assert out.startswith("#1 sev2 postmortem")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("incident", "open", "x", "--severity", "sev9", "--as", "ezra"), "unknown severity 'sev9'"),
        (("incident", "show", "7"), "no incident #7"),
        (("incident", "update", "7", "--message", "hi", "--as", "ezra"), "no incident #7"),
        (("incident", "postmortem", "1", "not-a-url", "--as", "ezra"), "not an http(s) address"),
        (("incident", "update", "1", "--status", "done", "--as", "ezra"), "unknown status 'done'"),
        (("incident", "open", "x", "--severity", "sev2", "--as", "sol"), "sol (stakeholder) may not open"),
    ],
)
def test_bad_incident_input_is_one_clear_line(
    initialised: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], says: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 1 and says in err and "Traceback" not in err + out


@pytest.mark.parametrize("args", [("incident", "show", "1"), ("incident", "show", "2"), ("incident", "list")])
def test_incident_json_over_http_is_the_local_json(
    remote: Remote, cli: Cli, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, local, _ = run(capsys, "--database", remote.database, "--team", "checkout", *args, "--json")
    assert code == 0
    assert cli("sol", *args, "--json") == (code, local, "")


def test_the_em_runs_an_incident_over_http_and_the_pm_is_refused(cli: Cli) -> None:
    code, out, err = cli("ezra", "incident", "open", "Login errors", "--severity", "sev3", "--json")
    assert code == 0, err
    number = str(json.loads(out)["number"])
    code, _, err = cli("priya", "incident", "update", number, "--status", "identified")
    assert code == 1 and "priya (pm) may not change an incident's status" in err
    code, out, err = cli("priya", "incident", "mine")
    assert code == 0 and f"#{number} sev3 investigating Login errors" in out, err
    assert "your view on customer impact is asked (as pm): not answered yet" in out
    code, out, err = cli("priya", "incident", "impact", number, "SSO customers are locked out")
    assert code == 0, err
    code, out, err = cli("priya", "incident", "mine", "--json")
    mine = [item["answered"] for item in json.loads(out) if item["number"] == int(number)]
    assert code == 0 and mine == [True], err
    code, out, err = cli("ezra", "incident", "update", number, "--severity", "sev2", "--status", "identified")
    assert code == 0 and "sev2" in out, err
    code, out, err = cli("ezra", "incident", "resolve", number)
    assert code == 0 and "resolved" in out, err
    code, out, err = cli("ezra", "incident", "postmortem", number, "https://wiki.example.com/pm/sso")
    assert code == 0 and "with its postmortem" in out, err
    code, out, _ = cli("sol", "incident", "show", number)
    assert "customer impact" in out.lower() and "refused: priya (pm)" in out

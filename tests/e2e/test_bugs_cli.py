"""`remit bugs` as a user runs it: imports from the real exports (counted independently), incremental, the
unreadable rows named, the board listed and searched, a stakeholder refused, a live import from a local
server; errors in one red line, never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import shared_data
from tests.e2e import test_cli
from tests.e2e.test_cli import run

workdir = test_cli.workdir  # the fixture: a fresh folder, no REMIT_* variables
initialised = test_cli.initialised  # the fixture: that folder after `remit init --preset default --team checkout`
first_init = test_cli.first_init


def test_import_jira_then_list_and_search(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    storm = shared_data("jira/storm-bugs.jsonl.gz")
    with gzip.open(storm, "rt", encoding="utf-8") as lines:
        keys = {json.loads(line)["key"] for line in lines if line.strip()}

    code, out, err = run(capsys, "bugs", "import", "jira", str(storm), "--as", "ezra")
    assert code == 0, err
    assert f"imported {len(keys)} jira issues from storm-bugs.jsonl.gz: {len(keys)} added, 0 updated" in out

    code, out, _ = run(capsys, "bugs", "import", "jira", str(storm), "--as", "sam", "--json")
    assert code == 0 and json.loads(out)["unchanged"] == len(keys)

    code, out, _ = run(capsys, "bugs", "list", "--q", "STORM-10", "--limit", "3")
    assert code == 0 and out.splitlines()[1].startswith("STORM-10 ")
    code, out, _ = run(capsys, "bugs", "list", "--component", "storm-core", "--status", "in-progress", "--json")
    body = json.loads(out)
    assert body["total"] == len(body["items"]) and all(bug["category"] == "in-progress" for bug in body["items"])


def test_unreadable_lines_are_printed_and_a_stakeholder_is_refused(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with gzip.open(shared_data("jira/storm-bugs.jsonl.gz"), "rt", encoding="utf-8") as lines:
        first = [next(lines) for _ in range(4)]
    export = initialised / "some.jsonl"
    export.write_text("".join(first[:2]) + "not json\n" + "".join(first[2:]), encoding="utf-8")

    code, out, _ = run(capsys, "bugs", "import", "jira", str(export), "--as", "sam")
    assert code == 0 and "4 added" in out and "not read: line 3: not JSON" in out

    code, out, err = run(capsys, "bugs", "import", "jira", str(export), "--as", "sol")
    assert code == 1 and "sol (stakeholder) has no right in team-process" in err and "Traceback" not in err
    code, _, err = run(capsys, "bugs", "import", "jira", "--as", "sam")
    assert code == 1 and "give an export FILE or --url" in err
    code, _, err = run(capsys, "bugs", "import", "github", str(initialised / "missing.json"), "--as", "sam")
    assert code == 1 and "no file" in err


def test_a_live_github_import_and_publishing(
    initialised: Path, capsys: pytest.CaptureFixture[str], httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = json.loads(shared_data("github/ants-issues.json").read_text(encoding="utf-8"))
    httpserver.expect_request(
        "/repos/panjf2000/ants/issues", headers={"Authorization": "Bearer gh-test"}
    ).respond_with_json(items)
    monkeypatch.setenv("MY_GITHUB_TOKEN", "gh-test")

    code, out, err = run(
        capsys, "bugs", "import", "github", "--repo", "panjf2000/ants", "--token-env", "MY_GITHUB_TOKEN",
        "--api-url", httpserver.url_for("/"), "--as", "sam",
    )  # fmt: skip
    issues = [item for item in items if "pull_request" not in item]
    assert code == 0, err
    assert f"{len(issues)} added" in out and f"skipped: {len(items) - len(issues)} pull requests" in out

    code, out, _ = run(capsys, "bugs", "publish", "--as", "ezra")
    assert code == 0 and "published at /public/checkout/bugs" in out


def test_link_a_bug_to_an_incident_list_by_incident_and_unlink(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "bugs", "import", "github", str(shared_data("github/ants-issues.json")), "--as", "sam")[0] == 0
    code, out, err = run(capsys, "incident", "open", "Pool workers stall", "--severity", "sev2", "--as", "ezra")
    assert code == 0, err
    key = "panjf2000/ants#31"

    code, out, err = run(capsys, "bugs", "link", key, "1", "--as", "ezra")
    assert code == 0 and out.strip() == f"{key} is linked to incident #1 Pool workers stall (investigating)", err
    code, out, _ = run(capsys, "bugs", "list", "--incident", "1")
    assert code == 0 and out.splitlines()[0].startswith("1 bugs") and "incident #1 Pool workers stall" in out
    code, _, err = run(capsys, "bugs", "link", key, "1", "--as", "sol")
    assert code == 1 and "refused: sol (stakeholder)" in err and "Traceback" not in err
    code, _, err = run(capsys, "bugs", "link", key, "9", "--as", "ezra")
    assert code == 1 and "error: no incident #9 in team checkout" in err
    code, _, err = run(capsys, "bugs", "link", "NOPE-1", "1", "--as", "ezra")
    assert code == 1 and "error: there is no bug 'NOPE-1' on team checkout's board" in err
    code, out, _ = run(capsys, "bugs", "unlink", key, "--as", "ezra")
    assert code == 0 and "is linked to no incident (it was linked to #1)" in out
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "the tables match the chain" in out

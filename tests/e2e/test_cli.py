"""The command line as a user runs it: exit codes, JSON contracts, clear errors and never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from remit import demo
from remit.cli.context import console
from remit.decisions import insights, queries
from remit.decisions.rules import list_rules
from remit.kernel.uow import Store
from remit.main import main
from remit.seed import DEMO_TEAM, demo_text


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("REMIT_DATABASE_URL", "REMIT_TEAM", "REMIT_SERVER", "REMIT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def first_init(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the process's first `remit init` is kept for the later tests (empty until it ran)."""
    return tmp_path_factory.mktemp("first-init")


@pytest.fixture
def initialised(workdir: Path, capsys: pytest.CaptureFixture[str], first_init: Path) -> Path:
    """The folder after `remit init --preset default --team checkout` (remit.toml, remit.db, the signing key).
    The first test of the process runs it; the later ones start from a copy of what it made, as init
    migrates a new database (a second or two each; the tests of init itself run it every time)."""
    if (first_init / "remit.toml").exists():
        shutil.copytree(first_init, workdir, dirs_exist_ok=True)
        return workdir
    code, out, _ = run(capsys, "init", "--preset", "default", "--team", "checkout")
    assert code == 0, out
    with closing(sqlite3.connect(workdir / "remit.db")) as connection:  # all in the one file, nothing in the WAL
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(workdir, first_init, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    return workdir


def test_who_release_json_is_the_documented_contract(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "who", "release", "--preset", "default", "--json")
    assert code == 0
    assert json.loads(out) == {
        "domain": "release",
        "decide": ["pm", "em"],
        "block": {"pm": ["business", "market"], "em": ["safety", "technical"]},
        "voice": [],
        "consult": ["designer", "tech-lead"],
        "inform": ["designer", "tech-lead", "stakeholder"],  # a consulted role is also informed
    }


def test_resolve_json_reports_the_veto_and_the_crossing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "resolve",
        "release",
        "--preset",
        "default",
        "--position",
        "em=no-go:technical",
        "--position",
        "pm=no-go:technical",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["state"] == "blocked"
    assert result["blocked_by"] == [{"role": "em", "basis": "technical"}]
    assert [(c["role"], c["basis"]) for c in result["boundary_crossings"]] == [("pm", "technical")]
    assert set(result["waiting_on"]) >= {"roles", "evidence"}


def test_init_writes_a_charter_that_checks_clean(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (initialised / "remit.toml").exists()
    assert (initialised / "remit.db").exists()
    code, out, _ = run(capsys, "charter", "check")
    assert code == 0 and "ok" in out
    code, out, _ = run(capsys, "charter", "diff", "--preset", "default")
    assert code == 0 and "exactly the rights" in out


def test_init_with_a_dotted_handle_writes_a_charter_its_own_check_accepts(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "init", "--preset", "default", "--team", "checkout", "--person", "mary.jones=pm", "--person", "ezra=em"
    )
    assert code == 0, err
    assert '[people."mary.jones"]' in (workdir / "remit.toml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "charter", "check")
    assert code == 0 and "remit.toml: ok" in out, err
    code, out, _ = run(capsys, "charter", "status")
    assert code == 0 and "is the adopted charter" in out


def test_charter_check_lists_every_problem_with_its_fix(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "bad.toml").write_text(
        '[team]\nname = "x"\n[domains.release]\nrights.pm = { right = "decide", on = ["vibes"] }\n'
        'rights.cto = { right = "block", on = ["technical"] }\n[domains.charter]\nrights.em = { right = "decide" }\n'
        '[people.a]\nroles = ["pm"]\nreports_to = "b"\n[people.b]\nroles = ["em"]\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "charter", "check", "bad.toml")
    assert code == 1
    for expected in ("unknown basis 'vibes'", "unknown role 'cto'", "pm a reports", "fix:"):
        assert expected in err
    assert "Traceback" not in err


def test_the_seed_story_through_the_cli(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "decision", "open", "release", "Ship onboarding", "--as", "priya")[0] == 0
    code, out, _ = run(
        capsys,
        "decision",
        "position",
        "1",
        "no-go",
        "--as",
        "ezra",
        "--basis",
        "technical",
        "--reason",
        "index",
        "--json",
    )
    assert code == 0 and json.loads(out)["state"] == "blocked"
    code, _, err = run(capsys, "gate", "1")
    assert code == 1 and "blocked by em" in err
    code, _, err = run(capsys, "decision", "position", "1", "go", "--as", "sol", "--reason", "ship it")
    assert code == 1 and "refused" in err and "Traceback" not in err
    assert run(capsys, "decision", "position", "1", "go", "--as", "ezra", "--reason", "ok")[0] == 0
    assert run(capsys, "decision", "position", "1", "go", "--as", "priya", "--reason", "ok")[0] == 0
    code, out, _ = run(capsys, "gate", "1", "--json")
    assert code == 0 and json.loads(out)["approved"] is True
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "chain intact" in out
    code, out, _ = run(capsys, "export", "madr", "adr")
    assert code == 0
    [record] = list((initialised / "adr").glob("*.md"))
    assert "status: accepted" in record.read_text(encoding="utf-8")


def test_audit_verify_names_each_table_that_departs_from_the_chain(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "decision", "open", "release", "Ship onboarding", "--as", "priya")[0] == 0
    store = Store.open(f"sqlite:///{initialised / 'remit.db'}")
    try:
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE decisions SET state = 'approved' WHERE number = 1"))
        code, _, err = run(capsys, "audit", "verify")
        assert code == 1
        assert "team checkout: 2 entries, chain intact, but the tables differ from it in 1 place(s):" in err
        assert "decisions #1 state: the chain says open, the table says approved" in err.splitlines()
        code, out, _ = run(capsys, "audit", "verify", "--json")
        [report] = json.loads(out)
        assert code == 1 and (report["ok"], report["replayed"]) == (False, True)
        assert report["differences"] == [
            {"table": "decisions", "row": "#1", "field": "state", "expected": "open", "found": "approved"}
        ]
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        code, _, err = run(capsys, "audit", "verify")
        assert code == 1 and "chain broken at entry 2" in err
        assert "the tables were not compared with a broken chain" in err
    finally:
        store.close()


def test_errors_are_one_clear_line_with_a_hint(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decision", "show", "99")
    assert code == 1
    assert "error: team checkout has no decision #99" in err and "hint:" in err
    code, _, err = run(capsys, "decision", "open", "release", "x", "--as", "priya", "--deadline", "yesterday")
    assert code == 1 and "cannot read the deadline" in err


def test_commands_without_a_database_say_how_to_get_one(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--team", "checkout", "decision", "list")
    assert code == 1 and "run `remit init` first" in err


def test_demo_tells_the_story_from_real_results(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--keep", "kept")
    assert code == 0
    assert "release — Release timing: whether and when a release ships. Both can block; neither can force" in out
    assert "blocked by ezra (em) on technical grounds" in out
    assert "boundary crossing: pm may block release only on business, market, not on technical" in out
    assert "boundary crossing: em may block release only on safety, technical, not on market" in out
    assert "waiting on evidence system-risk from em" in out
    assert "refused: sol (stakeholder) is only informed in release" in out
    assert "`remit gate 1`: closed — #1 is blocked by em on technical grounds" in out
    # What it told is what the engine recorded: the kept database answers the same, to the second.
    store = Store.open(f"sqlite:///{workdir / 'kept' / 'remit-demo.db'}")
    try:
        uow = store.uow
        opened = re.findall(r"^opened #(\d+) (.+)$", out, re.MULTILINE)
        assert opened == [
            (str(n), queries.show_decision(uow=uow(), team=DEMO_TEAM, number=n).summary.title) for n in range(1, 6)
        ]
        for number in (1, 2):
            answer = queries.gate(uow=uow(), team=DEMO_TEAM, number=number)
            said = re.findall(rf"`remit gate {number}`: (.+)$", out, re.MULTILINE)[-1]
            assert said == f"{'open' if answer.approved else 'closed'} — {answer.reason}"
        [payoff] = insights.team_insights(uow=uow(), team=DEMO_TEAM).rules
        assert (payoff.before_count, payoff.after_count) == (1, 2)
        assert payoff.before_median_hours and payoff.after_median_hours
        assert (
            f"time to decision in release: {payoff.before_median_hours / 24:.1f} days before rule 1 (median of 1), "
            f"{payoff.after_median_hours:.1f} hours under it (median of 2)"
        ) in out
        [chain] = queries.verify_audit(uow=uow(), team=DEMO_TEAM)
        assert f"audit chain: {chain.entries} entries, intact" in out
    finally:
        store.close()


def test_demo_tells_what_the_charter_decides_not_a_script(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wider = 'rights.pm = { right = "decide", on = ["business", "market", "technical"]'
    text = demo_text().replace('rights.pm = { right = "decide", on = ["business", "market"]', wider, 1)
    assert wider in text
    monkeypatch.setattr(demo, "demo_text", lambda: text)
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "blocked by priya (pm) on technical grounds" in out
    assert "pm may block release only on" not in out
    assert "boundary crossings in release by the pm" not in out


def untimed(rows: Sequence[Any]) -> list[dict[str, object]]:
    return [{key: value for key, value in row.as_dict().items() if key != "at"} for row in rows]


def test_remit_demo_plays_the_story_the_server_seeds(
    workdir: Path, capsys: pytest.CaptureFixture[str], demo_store: Store
) -> None:
    assert run(capsys, "demo", "--keep", "kept")[0] == 0
    told = Store.open(f"sqlite:///{workdir / 'kept' / 'remit-demo.db'}")

    def story(store: Store) -> list[object]:
        """What the story made, less the times (the two ran on different days; durations are compared)."""
        decisions = []
        for number in range(1, 6):
            view = queries.show_decision(uow=store.uow(), team=DEMO_TEAM, number=number)
            made = (view.summary.title, view.summary.state, view.summary.proposer, view.summary.domain)
            decisions.append((*made, untimed(view.positions), untimed(view.evidence), untimed(view.crossings)))
        rules = [(rule.because, rule.evidence, rule.origin) for rule in list_rules(uow=store.uow(), team=DEMO_TEAM)]
        found = insights.team_insights(uow=store.uow(), team=DEMO_TEAM)
        timing = [(payoff.before_median_hours, payoff.after_median_hours) for payoff in found.rules]
        return [decisions, rules, found.crossings, timing]

    try:
        assert story(told) == story(demo_store)
    finally:
        told.close()


def test_the_queue_says_what_waits_on_whom(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for title in ("Ship onboarding", "Ship reorder"):
        assert run(capsys, "decision", "open", "release", title, "--as", "priya")[0] == 0
    code, out, _ = run(capsys, "queue", "--as", "ezra")
    assert code == 0
    assert out.splitlines()[:3] == [
        "waiting on ezra (em):",
        "  #2 Ship reorder (release, open): your go as em",
        "  #1 Ship onboarding (release, open): your go as em",
    ]
    code, out, _ = run(capsys, "queue", "--as", "priya")
    assert "  #2 Ship reorder (release, open): waiting on a go from pm (priya); a go from em (ezra)" in out
    code, out, _ = run(capsys, "queue", "--as", "ezra", "--limit", "1", "--json")
    page = json.loads(out)
    assert [item["number"] for item in page["waiting_on_me"]] == [2] and page["next_cursor"] == "2"
    code, out, _ = run(capsys, "queue", "--as", "ezra", "--cursor", page["next_cursor"], "--json")
    assert [item["number"] for item in json.loads(out)["waiting_on_me"]] == [1]
    code, out, _ = run(capsys, "queue", "--as", "ezra", "--limit", "1", "--all", "--json")
    assert [item["number"] for item in json.loads(out)["waiting_on_me"]] == [2, 1]
    code, _, err = run(capsys, "queue")
    assert code == 1 and "error: who acts? name yourself with --as HANDLE" in err
    code, _, err = run(capsys, "queue", "--as", "nobody")
    assert code == 1 and "nobody called 'nobody' is on team checkout's roster" in err


def test_charter_propose_opens_a_charter_decision(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "charter", "propose", "--as", "ezra")
    assert code == 1 and "remit.toml is already the adopted charter v1: nothing to propose" in err
    charter = initialised / "remit.toml"
    charter.write_text(charter.read_text(encoding="utf-8").replace('"Dana Kim"', '"Dana Kim-Lee"'), encoding="utf-8")
    code, out, _ = run(capsys, "charter", "status")
    assert "remit.toml differs from the adopted charter" in out
    code, out, _ = run(capsys, "charter", "propose", "--as", "ezra", "--json")
    assert code == 0 and json.loads(out)["state"] == "open"
    code, out, _ = run(capsys, "decision", "show", str(json.loads(out)["number"]), "--json")
    assert json.loads(out)["title"] == "adopt remit.toml as charter v2" and json.loads(out)["domain"] == "charter"


def test_serve_on_a_taken_port_says_so_in_one_line_before_any_work(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "serve", "--demo", "--port", str(port))
    assert code == 1
    assert f"127.0.0.1:{port} is already in use" in err
    assert f"make serve PORT={port + 11}" in err
    assert "serving" not in out and not (workdir / "remit-demo.db").exists()  # nothing done before the check


def test_charter_show_is_readable_at_80_columns_and_offers_each_format(
    initialised: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 80)
    code, out, _ = run(capsys, "charter", "show")
    assert code == 0
    assert "…" not in out  # nothing truncated: one block per domain, rights in words
    assert (
        "  decides: pm (may block on business or market grounds), em (may block on safety or technical grounds)" in out
    )
    assert "  has a voice, not binding: pm" in out
    code, out, _ = run(capsys, "charter", "show", "--format", "table")
    assert code == 0 and "DECIDE decides, and may block" in out  # the matrix, with its legend
    monkeypatch.setattr(console, "width", 250)
    _, wide, _ = run(capsys, "charter", "show")
    assert "┃ domain" in wide and "…" not in wide  # the matrix when it fits
    _, as_json, _ = run(capsys, "charter", "show", "--format", "json")
    _, legacy, _ = run(capsys, "charter", "show", "--json")
    assert json.loads(as_json) == json.loads(legacy)
    assert json.loads(as_json)["domains"]["release"]["rights"]["em"]["on"] == ["safety", "technical"]
    code, _, err = run(capsys, "charter", "show", "--format", "yaml")
    assert code == 2 and "yaml" in err

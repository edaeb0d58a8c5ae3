"""The command line against a real server (`--server`, `--token`): the seed's story over HTTP, the same output
and JSON as local, the token's person as the only actor, and clear errors when the server says no, the
token is bad, or the server is not there."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rich.console import Console

import remit.main
from remit.audit.export_records import Table
from remit.decisions.commands import RecordPosition, WithdrawDecision
from remit.demo_story import SEARCH
from remit.identity.commands import CreateToken
from remit.kernel.commands import act, build
from remit.kernel.errors import RemitError
from remit.kernel.uow import Store
from remit.remote import RemoteBackend
from tests.conftest import shared_data
from tests.e2e.test_cli import run
from tests.integration.test_exports import recompute_chain
from tests.live.server import LiveServer, free_port

Cli = Callable[..., tuple[int, str, str]]
ENV = ("REMIT_DATABASE_URL", "REMIT_TEAM", "REMIT_SERVER", "REMIT_TOKEN")


@dataclass
class Remote:
    url: str
    database: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    """One `remit serve --demo` on SQLite for the module, and API tokens for ezra (em), priya (pm), sol."""
    folder = tmp_path_factory.mktemp("server")
    database = f"sqlite:///{folder / 'r.db'}"
    server = LiveServer(database, log=folder / "serve.log").start()
    try:
        store = Store.open(database)
        try:
            tokens = {
                handle: act(store, "checkout", handle, CreateToken(name="cli")).token
                for handle in ("ezra", "priya", "sol")
            }
        finally:
            store.close()
        yield Remote(server.url, database, tokens)
    finally:
        server.stop()


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def cli(remote: Remote, clean: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("ezra", "gate", "1")``: remit --server URL --token EZRAS_TOKEN gate 1."""

    def as_(handle: str, *args: str) -> tuple[int, str, str]:
        return run(capsys, "--server", remote.url, "--token", remote.tokens[handle], *args)

    return as_


def opened(cli: Cli, title: str, *extra: str) -> int:
    code, out, err = cli("priya", "decision", "open", "release", title, *extra, "--json")
    assert code == 0, err
    return int(json.loads(out)["number"])


@pytest.mark.parametrize(
    "args",
    [
        ("queue", "--as", "priya"),
        ("decision", "show", "1"),
        ("decision", "list", "--state", "open"),
        ("gate", "1"),
        ("gate", "2"),
        ("rule", "list", "--all"),
        ("log", "--limit", "5"),
        ("audit", "verify"),
        ("charter", "status"),
        ("bugs", "list", "--q", "refund"),
        ("bugs", "list", "--status", "open", "--component", "payments"),
        ("bugs", "list", "--incident", "1"),
    ],
)
def test_json_over_http_is_the_local_json(
    remote: Remote, cli: Cli, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """The same command, locally on the server's own database and through the server: the same document."""
    code, local, _ = run(capsys, "--database", remote.database, "--team", "checkout", *args, "--json")
    assert code in (0, 1)
    assert cli("priya", *args, "--json") == (code, local, "")
    assert json.loads(local)


def test_the_seed_story_over_http(cli: Cli, clean: Path) -> None:
    number = opened(cli, "Ship dark mode", "--evidence", "cost-of-delay=support tickets pile up")
    code, out, _ = cli(
        "ezra", "decision", "position", str(number), "no-go", "--basis", "technical", "--reason", "contrast", "--json"
    )
    assert code == 0 and json.loads(out)["state"] == "blocked"
    code, _, err = cli("ezra", "gate", str(number))
    assert code == 1 and f"gate closed: #{number} is blocked by em on technical grounds" in err
    code, out, _ = cli("priya", "gate", str(number), "--json")
    assert code == 1 and json.loads(out) == {
        "number": number,
        "approved": False,
        "reason": f"#{number} is blocked by em on technical grounds",
    }
    code, out, _ = cli("ezra", "decision", "evidence", str(number), "system-risk", "low: behind a flag")
    assert code == 0 and f"#{number}: evidence system-risk added by ezra" in out
    code, out, _ = cli("ezra", "decision", "position", str(number), "go", "--reason", "contrast fixed")
    assert code == 0 and "ezra said go" in out
    code, out, _ = cli("priya", "decision", "position", str(number), "go", "--as", "priya", "--reason", "ship")
    assert code == 0 and "state: approved" in out
    code, out, _ = cli("sol", "gate", str(number))
    assert code == 0 and f"gate open: #{number} 'Ship dark mode' was approved" in out
    code, out, _ = cli("ezra", "decision", "show", str(number))
    assert code == 0 and "evidence system-risk from ezra (em): low: behind a flag" in out
    code, out, _ = cli("ezra", "audit", "verify")
    assert code == 0 and "team checkout:" in out and "chain intact" in out
    code, out, _ = cli("ezra", "log", "--limit", "2", "--json")
    assert code == 0 and [entry["decision"] for entry in json.loads(out)] == [number, number]
    code, out, _ = cli("ezra", "export", "madr", "adr")
    assert code == 0
    record = next(Path("adr").glob(f"{number:04d}-*.md"))
    assert "status: accepted" in record.read_text(encoding="utf-8")


def test_a_stakeholder_is_refused_in_red(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    colour = Console(stderr=True, force_terminal=True, color_system="standard", highlight=False, soft_wrap=True)
    monkeypatch.setattr(remit.main, "err_console", colour)
    code, _, err = cli("sol", "decision", "position", "2", "go", "--reason", "customers want it")
    assert code == 1 and "Traceback" not in err
    assert "\x1b[1;31merror:\x1b[0m refused: sol (stakeholder) is only informed in release" in err
    assert "\x1b[31mhint:\x1b[0m" in err


def test_you_act_only_as_the_token_s_person(cli: Cli) -> None:
    code, _, err = cli("priya", "decision", "position", "2", "go", "--as", "ezra", "--reason", "sure")
    assert code == 1
    assert "error: you act as yourself: this token is priya's, not ezra's" in err and "hint:" in err
    code, out, _ = cli("ezra", "queue", "--as", "ezra")
    assert code == 0 and "waiting on ezra (em)" in out


def test_a_garbage_or_revoked_token_is_a_clear_error(
    remote: Remote, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--server", remote.url, "--token", "remit_not-a-token", "decision", "list")
    assert code == 1 and "error: this API token is not valid" in err and "--token or REMIT_TOKEN" in err
    code, out, _ = run(
        capsys, "--database", remote.database, "--team", "checkout", "people", "token", "ezra", "--name", "x"
    )
    assert code == 0
    token = out.strip()
    headers = {"Authorization": f"Bearer {token}"}
    [mine] = [t for t in httpx.get(f"{remote.url}/api/v1/tokens", headers=headers).json()["items"] if t["name"] == "x"]
    assert httpx.delete(f"{remote.url}/api/v1/tokens/{mine['id']}", headers=headers).status_code == 200
    code, _, err = run(capsys, "--server", remote.url, "--token", token, "queue")
    assert code == 1 and "error: this API token is not valid" in err and "Traceback" not in err
    code, _, err = run(capsys, "--server", remote.url, "queue")
    assert code == 1 and "error: --server needs your API token" in err


def test_a_server_that_is_down_is_a_clear_error(
    remote: Remote, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    for args in (("decision", "list"), ("decision", "open", "release", "x")):
        code, _, err = run(capsys, "--server", down, "--token", remote.tokens["priya"], *args)
        assert code == 1 and "Traceback" not in err
        assert f"error: cannot reach the Remit server at {down}: connection refused" in err
        assert "is `remit serve` running there?" in err


def test_a_server_that_is_not_remit_is_a_clear_error(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    class Html(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>hello</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Html)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code, _, err = run(capsys, "--server", f"http://127.0.0.1:{server.server_port}", "--token", "t", "queue")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1 and "Traceback" not in err
    assert "answered HTTP 200 (text/html), not Remit's JSON" in err


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("init", ()),
        ("db upgrade", ()),
        ("demo", ()),
        ("expire", ()),
        ("serve", ()),
        ("people password", ("ezra",)),  # refused before it asks for the password
        ("people login-link", ("ezra",)),
        ("people token", ("ezra", "--name", "x")),
    ],
)
def test_commands_without_an_api_form_ask_for_a_local_database(cli: Cli, command: str, args: tuple[str, ...]) -> None:
    code, _, err = cli("ezra", *command.split(), *args)
    assert code == 1
    assert f"error: `remit {command}` has no API form: it needs a local --database, not --server" in err


def test_the_queue_over_http(cli: Cli) -> None:
    code, out, _ = cli("ezra", "queue")
    assert code == 0
    assert "#2 Ship one-click reorder (release, open): your go as em; evidence 'system-risk' from em" in out
    code, out, _ = cli("priya", "queue", "--json")
    body = json.loads(out)
    assert body["person"] == "priya" and body["roles"] == ["pm"]
    assert 2 in [item["number"] for item in body["mine"]]
    code, out, _ = cli("priya", "queue")
    assert "#2 Ship one-click reorder (release, open): waiting on a go from pm (priya); a go from em (ezra)" in out


def test_the_charter_over_http(remote: Remote, cli: Cli, clean: Path) -> None:
    code, out, _ = cli("ezra", "charter", "status", "--json")
    assert code == 0 and json.loads(out)["file_matches"] is None  # no remit.toml here
    headers = {"Authorization": f"Bearer {remote.tokens['ezra']}"}
    text = httpx.get(f"{remote.url}/api/v1/charter/versions/1", headers=headers).text
    (clean / "remit.toml").write_text(text, encoding="utf-8")
    code, out, _ = cli("ezra", "charter", "status")
    assert code == 0 and "remit.toml is the adopted charter" in out
    code, _, err = cli("ezra", "charter", "propose")
    assert code == 1 and "is already the adopted charter v1: nothing to propose" in err
    (clean / "remit.toml").write_text(text.replace('"Dana Kim"', '"Dana Kim-Lee"'), encoding="utf-8")
    code, out, _ = cli("ezra", "charter", "status")
    assert "remit.toml differs from the adopted charter" in out
    code, out, err = cli("ezra", "charter", "propose", "--json")
    assert code == 0, err
    number = json.loads(out)["number"]
    code, out, _ = cli("ezra", "decision", "show", str(number), "--json")
    assert json.loads(out)["domain"] == "charter" and json.loads(out)["title"] == "adopt remit.toml as charter v2"
    (clean / "bad.toml").write_text('[team]\nname = "checkout"\n[domains.release]\nrights.cto = "decide"\n')
    code, _, err = cli("ezra", "charter", "propose", "bad.toml")
    assert code == 1 and "problem(s)" in err and "  - " in err


def test_rules_over_http(cli: Cli) -> None:
    code, out, _ = cli(
        "ezra", "rule", "add", "release", "--requires", "rollback-plan:em", "--because", "undo", "--json"
    )
    assert code == 0
    rule = json.loads(out)
    assert rule["created_by"] == "ezra" and rule["evidence"] == [{"name": "rollback-plan", "role": "em"}]
    code, _, err = cli("ezra", "rule", "retire", str(rule["id"]))
    assert code == 1 and "say why the rule is retired" in err
    code, out, _ = cli("ezra", "rule", "retire", str(rule["id"]), "--because", "folded into system-risk")
    assert code == 0 and f"rule {rule['id']} retired" in out
    code, out, _ = cli("ezra", "rule", "list", "--all")
    assert f"rule {rule['id']} · release: rollback-plan from em — undo (retired" in out


def test_bugs_are_imported_over_http_and_a_stakeholder_refused(cli: Cli) -> None:
    export = shared_data("github/ants-issues.json")
    issues = [item for item in json.loads(export.read_text(encoding="utf-8")) if "pull_request" not in item]
    code, out, err = cli("ezra", "bugs", "import", "github", str(export), "--json")
    assert code == 0, err
    assert json.loads(out)["added"] + json.loads(out)["unchanged"] == len(issues)
    code, out, _ = cli("sol", "bugs", "list", "--q", "panjf2000/ants", "--limit", "200", "--json")
    assert json.loads(out)["total"] == len(issues)
    code, _, err = cli("sol", "bugs", "import", "github", str(export))
    assert code == 1 and "sol (stakeholder) has no right in team-process" in err


def test_a_bug_whose_key_holds_a_slash_and_a_hash_is_linked_and_unlinked_over_http(cli: Cli) -> None:
    export = shared_data("github/ants-issues.json")
    assert cli("ezra", "bugs", "import", "github", str(export))[0] == 0
    code, out, _ = cli("sol", "bugs", "list", "--q", "panjf2000/ants", "--limit", "1", "--json")
    key = json.loads(out)["items"][0]["key"]
    code, out, err = cli("ezra", "bugs", "link", key, str(SEARCH))
    assert code == 0, err
    assert out.strip() == f"{key} is linked to incident #{SEARCH} Search results are slow (identified)"
    code, out, _ = cli("sol", "bugs", "list", "--incident", str(SEARCH), "--json")
    assert key in [bug["key"] for bug in json.loads(out)["items"]]
    code, _, err = cli("sol", "bugs", "unlink", key)
    assert code == 1 and "sol (stakeholder)" in err
    code, _, err = cli("ezra", "bugs", "link", "NOPE-1", str(SEARCH))
    assert code == 1 and "error: there is no bug 'NOPE-1' on team checkout's board" in err
    code, out, err = cli("ezra", "bugs", "unlink", key)
    assert code == 0 and out.strip() == f"{key} is linked to no incident (it was linked to #{SEARCH})"


def test_amend_and_withdraw_over_http(cli: Cli) -> None:
    number = opened(cli, "Ship the beta banner")
    code, out, _ = cli("priya", "decision", "amend", str(number), "--title", "Ship the beta banner, smaller")
    assert code == 0 and f"#{number}: amended: positions cleared" in out
    code, _, err = cli("ezra", "decision", "withdraw", str(number))
    assert code == 1 and "only the proposer" in err
    code, out, _ = cli("priya", "decision", "withdraw", str(number), "--reason", "later", "--json")
    assert code == 0 and json.loads(out) == {"number": number, "state": "withdrawn"}
    code, out, _ = cli("priya", "decision", "list", "--state", "withdrawn", "--json")
    assert number in [row["number"] for row in json.loads(out)]


class LoseFirstAnswer(httpx.HTTPTransport):
    """The first write reaches the server, but its answer is lost on the way back."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST":
            self.keys.append(request.headers["Idempotency-Key"])
            if len(self.keys) == 1:
                response.read()
                response.close()
                raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_a_retried_write_never_acts_twice(remote: Remote, cli: Cli) -> None:
    number = opened(cli, "Ship the retry-safe checkout")
    transport = LoseFirstAnswer()
    backend = RemoteBackend(remote.url, remote.tokens["ezra"], transport=transport, retry_pause=0)
    try:
        command = build(RecordPosition, number=number, stance="no-go", reason="flaky", basis="technical")
        outcome = backend.act("ezra", command)
        view = backend.show_decision(number)
    finally:
        backend.close()
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1]
    assert outcome["state"] == "blocked"
    assert [p["person"] for p in view["positions"]] == ["ezra"]  # recorded once, the answer replayed


def test_a_server_that_does_not_answer_in_time_is_a_clear_error() -> None:
    calls: list[httpx.Request] = []

    def hang(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    backend = RemoteBackend("http://remit.test", "remit_t", transport=httpx.MockTransport(hang), retry_pause=0)
    with pytest.raises(RemitError, match=r"the Remit server at http://remit.test did not answer within 10s"):
        backend.act("priya", WithdrawDecision(number=1))
    assert len(calls) == 2 and calls[0].headers["Idempotency-Key"] == calls[1].headers["Idempotency-Key"]


# -- remit export csv|json, locally and over HTTP: the same files, written whole -----------------------------


def test_the_csv_export_over_http_is_the_local_one(
    remote: Remote, cli: Cli, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--database", remote.database, "--team", "checkout", "export", "csv", "local")
    assert code == 0, err
    assert out.startswith("wrote 10 CSV files to local: decisions.csv, revisions.csv")
    code, out, err = cli("sol", "export", "csv", "remote")
    assert code == 0, err
    for table in Table:
        local = (clean / "local" / f"{table.value}.csv").read_bytes()
        assert local == (clean / "remote" / f"{table.value}.csv").read_bytes(), table
    assert sorted(path.name for path in (clean / "remote").iterdir()) == sorted(f"{t.value}.csv" for t in Table)


def test_the_json_export_to_a_file_and_to_standard_output(
    remote: Remote, cli: Cli, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli("sol", "export", "json", "--out", "ledger.json")
    assert code == 0 and out.startswith("wrote the ledger (") and out.rstrip().endswith("bytes) to ledger.json")
    over_http = json.loads((clean / "ledger.json").read_text(encoding="utf-8"))
    assert recompute_chain(over_http) == (over_http["chain"]["entries"], over_http["chain"]["head"])
    code, out, err = run(capsys, "--database", remote.database, "--team", "checkout", "export", "json")
    assert code == 0, err
    local = json.loads(out)
    assert {key: value for key, value in local.items() if key != "exported_at"} == {
        key: value for key, value in over_http.items() if key != "exported_at"
    }


def test_an_export_says_clearly_what_went_wrong(
    remote: Remote, cli: Cli, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (clean / "taken").write_text("", encoding="utf-8")
    code, _, err = cli("sol", "export", "csv", "taken")
    assert code == 1 and "taken is a file, not a directory" in err and "Traceback" not in err
    code, _, err = run(capsys, "--database", remote.database, "--team", "nope", "export", "json")
    assert code == 1 and "no team 'nope'" in err
    code, _, err = run(capsys, "--server", remote.url, "--token", "remit_wrong", "export", "json", "--out", "x.json")
    assert code == 1 and "token" in err and not (clean / "x.json").exists()


def test_notification_settings_over_http(cli: Cli, clean: Path) -> None:
    code, added, err = cli("sol", "notify", "add", "mailto://sol:pw-secret@smtp.example.com?to=sol@example.com")
    assert code == 0, err
    assert added.startswith("channel ") and added.strip().endswith("added: mailto://smtp.example.com/…")
    code, out, err = cli("sol", "notify", "choose", "--topic", "incidents", "--digest", "hourly")
    assert code == 0, err
    assert "receives: incidents" in out and "digest: hourly" in out and "pw-secret" not in out
    channel = added.split()[1]
    code, out, err = cli("sol", "notify", "remove", channel)
    assert code == 0 and out.strip() == f"channel {channel} removed: mailto://smtp.example.com/…", err
    code, _out, err = cli("sol", "notify", "retry", "1")
    assert code == 1 and "holds no key in charter or team-process" in err
    code, _out, err = cli("sol", "notify", "status")
    assert code == 1 and "no API form" in err

"""Secrets kept on the server: a charter's channel names one (``slack://${SLACK_INCIDENTS}``) and the sender puts
in ``REMIT_SECRET_SLACK_INCIDENTS`` when it sends, to real local receivers (pytest-httpserver, an aiosmtpd
server that asks for a password). The charter check, the masking and the failed deliveries keep the name,
never the value; a channel added in the app may not name one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from remit import capabilities  # noqa: F401
from remit.charter import teams
from remit.charter.loader import read_charter
from remit.charter.tables import PersonRow
from remit.kernel.commands import act
from remit.kernel.errors import Conflict, InvalidInput
from remit.kernel.messages import Message
from remit.kernel.uow import Store
from remit.notify import handlers, secrets
from remit.notify.channels import masked
from remit.notify.commands import AddChannel, RetryDelivery
from remit.notify.outbox import NOT_THE_CHARTERS
from remit.notify.tables import ChannelRow, DeliveryRow
from remit.notify.worker import Worker
from tests.e2e.test_cli import run
from tests.notify.receivers import Mailbox, charter_with_channels, free_port

BASE = "https://remit.example.com"
TOKEN = "T0AAAA/B0BBBB/s3cr3tW3bh00kT0k3nXYZ"  # what the environment holds, never shown


def tell_team(store: Store, subject: str = "sev2: checkout down") -> None:
    with store.uow() as uow:
        team = uow.team("checkout")
        uow.tell(team, Message(topic="incident.opened", subject=subject, lines=("a",), link="/incidents/1"))
        uow.commit()


def start(store: Store, **team: tuple[str, ...]) -> None:
    teams.init_team(uow=store.uow(), text=charter_with_channels({}, team), source="remit.toml")


def deliveries(store: Store) -> list[DeliveryRow]:
    with store.sessions() as session:
        return list(session.scalars(select(DeliveryRow).order_by(DeliveryRow.id)))


# The charter's check: the name is enough


@pytest.mark.parametrize(
    "url",
    [
        "slack://${SLACK_INCIDENTS}",
        "slack://T0AAAA/B0BBBB/${SLACK_TOKEN}",
        "mailto://relay:${SMTP_PASSWORD}@smtp.example.com?to=oncall@example.com",
        "jsons://hooks.example.com/in?+Authorization=${HOOK_AUTH}",
        "discord://${DISCORD_WEBHOOK}",
    ],
)
def test_a_charter_channel_may_name_a_secret_and_the_check_needs_no_value(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in secrets.named(url):
        monkeypatch.delenv(secrets.variable(name), raising=False)
    text = charter_with_channels({}, {"incidents": (url,)})
    charter, problems = read_charter(text)
    assert charter is not None and charter.notify == {"incidents": (url,)}
    assert problems == []
    path = tmp_path / "remit.toml"
    path.write_text(text)
    code, out, _err = run(capsys, "charter", "check", "--json", str(path))
    assert code == 0 and json.loads(out)["problems"] == [], out


@pytest.mark.parametrize("url", ["slack://${slack_incidents}", "slack://${SLACK", "slack://${}/x", "slack://${9X}"])
def test_a_placeholder_that_is_no_secrets_name_is_a_problem(url: str) -> None:
    charter, problems = read_charter(charter_with_channels({}, {"incidents": (url,)}))
    assert charter is None or charter.notify == {"incidents": ()}
    [problem] = problems
    assert (problem.key, problem.severity) == ("notify.incidents", "error")
    assert problem.what == "channel 1 has a '${' that is not a secret's name" and "REMIT_SECRET_" in problem.fix


def test_the_check_warns_of_a_secret_written_in_the_charter_and_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = {
        "incidents": (f"slack://{TOKEN}",),
        "all": ("mailto://relay:hunter2@smtp.example.com?to=oncall@example.com", "slack://T1/B2/C3"),
    }
    path = tmp_path / "remit.toml"
    path.write_text(charter_with_channels({"priya": ("json://priya:pw0rd@hooks.example.com/in",)}, written))
    code, out, _err = run(capsys, "charter", "check", "--json", str(path))
    assert code == 0, out
    problems = json.loads(out)["problems"]
    assert {(p["key"], p["severity"], p["what"]) for p in problems} == {
        (
            "notify.incidents",
            "warning",
            "channel 1 carries what looks like a Slack token, which everyone who reads the charter sees",
        ),
        (
            "notify.all",
            "warning",
            "channel 1 carries a password (user:password@), which everyone who reads the charter sees",
        ),
        (
            "people.priya.notify",
            "warning",
            "channel 1 carries a password (user:password@), which everyone who reads the charter sees",
        ),
    }
    fixes = {p["key"]: p["fix"] for p in problems}
    assert "slack://${SLACK_INCIDENTS}" in fixes["notify.incidents"]
    assert "REMIT_SECRET_SLACK_INCIDENTS" in fixes["notify.incidents"]
    assert "${PASSWORD_ALL}" in fixes["notify.all"]
    for secret in ("s3cr3tW3bh00kT0k3n", "hunter2", "pw0rd"):
        assert secret not in out
    code, out, err = run(capsys, "charter", "check", str(path))
    assert code == 0 and out.strip() == f"{path}: ok (3 warning(s))"
    assert "warning" in err and "hunter2" not in err


# Masking: the name as written, never the value


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("slack://${SLACK_INCIDENTS}", "slack://${SLACK_INCIDENTS}"),
        ("slack://${SLACK_TOKEN}/#alerts", "slack://${SLACK_TOKEN}/…"),
        ("slack://T0AAAA/B0BBBB/${SLACK_TOKEN}", "slack://T0A…/… (${SLACK_TOKEN})"),
        (
            "mailto://relay:${SMTP_PASSWORD}@smtp.example.com?to=oncall@example.com",
            "mailto://smtp.example.com/… (${SMTP_PASSWORD})",
        ),
        ("json://${HOOK_HOST}/in", "json://… (${HOOK_HOST})"),
    ],
)
def test_a_channel_naming_a_secret_is_shown_with_the_name_as_written(
    url: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in secrets.named(url):
        monkeypatch.setenv(secrets.variable(name), TOKEN)
    assert masked(url) == shown, "the secret set in the environment is never put in to show a channel"


def test_only_remit_secret_variables_are_read() -> None:
    environ = {"REMIT_DATABASE_URL": "postgresql://admin:pw@db/remit", "REMIT_SECRET_DATABASE_URL": "decoy"}
    resolved = secrets.resolve("json://hooks.example.com/${DATABASE_URL}", environ)
    assert resolved.url == "json://hooks.example.com/decoy"
    missing = secrets.resolve("slack://${SLACK_INCIDENTS}", {"SLACK_INCIDENTS": TOKEN, "REMIT_SECRET_X": ""})
    assert missing.missing == ("REMIT_SECRET_SLACK_INCIDENTS",) and TOKEN not in missing.url


# Sending: the secret is put in, to real receivers


def test_the_sender_puts_the_secret_in_from_its_environment(
    store: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/services/T0AAAA/B0BBBB/s3cr3tW3bh00kT0k3nXYZ", method="POST").respond_with_data("ok")
    monkeypatch.setenv("REMIT_SECRET_SLACK_INCIDENTS", TOKEN)
    start(store, incidents=(f"slack+http://127.0.0.1:{httpserver.port}/services/${{SLACK_INCIDENTS}}",))
    tell_team(store)
    tally = Worker(store, base_url=BASE).run_once()
    assert (tally.sent, tally.failed) == (1, 0)
    [(request, _response)] = httpserver.log
    payload = json.loads(request.get_data())
    assert payload["text"] == "sev2: checkout down"
    [row] = deliveries(store)
    assert row.url.endswith("/services/${SLACK_INCIDENTS}") and TOKEN not in row.url
    assert row.shown == "slack+http://127.0.0.1/… (${SLACK_INCIDENTS})"


class PasswordBox(Mailbox):
    """An SMTP server that asks for a login, and keeps the logins it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"relay-pa55word")


@pytest.fixture
def password_smtp() -> Iterator[tuple[PasswordBox, int]]:
    box, port = PasswordBox(), free_port()
    controller = Controller(
        box, hostname="127.0.0.1", port=port, authenticator=box, auth_require_tls=False, auth_required=True
    )
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a receiver on the same machine
def test_an_smtp_password_named_in_the_charter_logs_in(
    store: Store, password_smtp: tuple[PasswordBox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    box, port = password_smtp
    monkeypatch.setenv("REMIT_SECRET_SMTP_PASSWORD", "relay-pa55word")
    start(store, incidents=(f"mailto://relay:${{SMTP_PASSWORD}}@127.0.0.1:{port}?to=oncall@example.com",))
    tell_team(store)
    assert Worker(store, base_url=BASE).run_once().sent == 1
    assert box.logins == [("relay", "relay-pa55word")]
    [mail] = box.mails
    assert mail["Subject"] == "sev2: checkout down" and mail["To"] == "oncall@example.com"


def test_a_missing_secret_is_a_failed_delivery_naming_the_variable(
    store: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REMIT_SECRET_SLACK_INCIDENTS", raising=False)
    start(store, incidents=(f"slack+http://127.0.0.1:{httpserver.port}/${{SLACK_INCIDENTS}}",))
    tell_team(store)
    tally = Worker(store, base_url=BASE).run_once()
    assert (tally.sent, tally.failed) == (0, 1), "failed, and the worker carries on"
    assert httpserver.log == []
    shown = handlers.status(uow=store.uow(), team="checkout")
    [retrying] = shown.retrying
    assert retrying.last_error == (
        "the channel names a secret the sending server does not have: set REMIT_SECRET_SLACK_INCIDENTS in the "
        "environment of `remit serve` and `remit notify run` (docs/deploy.md)"
    )
    assert retrying.channel == "slack+http://127.0.0.1/… (${SLACK_INCIDENTS})"
    httpserver.expect_request("/s3cr3t").respond_with_data("ok")
    monkeypatch.setenv("REMIT_SECRET_SLACK_INCIDENTS", "s3cr3t")
    store.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert Worker(store, base_url=BASE).run_once().sent == 1, "set, it goes at the next try"


def test_an_error_that_quotes_the_secret_shows_its_name_instead(
    store: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def echo(request: Request) -> Response:
        return Response(f"nothing at {request.path}", status=404)

    httpserver.expect_request("/hooks/s3cr3tW3bh00k").respond_with_handler(echo)
    monkeypatch.setenv("REMIT_SECRET_HOOK", "s3cr3tW3bh00k")
    start(store, all=(f"json://127.0.0.1:{httpserver.port}/hooks/${{HOOK}}",))
    tell_team(store)
    assert Worker(store, base_url=BASE).run_once().failed == 1
    [dead] = handlers.status(uow=store.uow(), team="checkout").dead
    assert dead.last_error == "HTTP 404: nothing at /hooks/${HOOK}"
    assert "s3cr3t" not in json.dumps(dead.as_dict())


# Only the charter may name a secret


def test_a_channel_added_in_the_app_cannot_name_a_secret(store: Store) -> None:
    start(store)
    with pytest.raises(InvalidInput, match="cannot name a secret kept on the server"):
        act(store, "checkout", "dana", AddChannel(url="json://hooks.example.com/${SLACK_INCIDENTS}"))


def test_a_stranger_channel_naming_a_secret_is_never_sent_with_it(
    store: Store, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMIT_SECRET_SLACK_INCIDENTS", TOKEN)
    start(store)
    url = f"json://127.0.0.1:{httpserver.port}/steal?t=${{SLACK_INCIDENTS}}"
    with store.uow() as uow:  # slipped in past AddChannel (an old row), or a status subscriber's address
        team = uow.team("checkout")
        person = uow.session.scalars(select(PersonRow).where(PersonRow.handle == "dana")).one()
        uow.session.add(ChannelRow(team_id=team.id, person_id=person.id, url=url, shown=masked(url), added_at=uow.now))
        uow.tell(team, Message(topic="digest", subject="hello", lines=("a",), link="/", to="dana"))
        uow.commit()
    Worker(store, base_url=BASE).run_once()
    assert httpserver.log == []
    [row] = deliveries(store)
    assert (row.state, row.last_error) == ("dead", NOT_THE_CHARTERS)
    with pytest.raises(Conflict, match="its channel is not the charter's"):
        act(store, "checkout", "ezra", RetryDelivery(delivery_id=row.id))
    Worker(store, base_url=BASE).run_once()
    assert httpserver.log == []

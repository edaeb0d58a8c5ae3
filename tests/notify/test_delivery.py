"""Delivering the outbox to real local receivers (an HTTP server standing in for Slack and JSON webhooks, an
SMTP server), on SQLite and PostgreSQL: the payloads, the retries, and nothing sent twice."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from remit import capabilities  # noqa: F401
from remit.app import Settings, create_app
from remit.charter import teams
from remit.decisions.commands import OpenDecision
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.notify import outbox
from remit.notify.tables import DeliveryRow
from remit.notify.worker import Worker
from tests.notify.receivers import Mailbox, charter_with_channels, free_port, smtp_server

BASE = "https://remit.example.com"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    yield from smtp_server()


def start(store: Store, channels: dict[str, tuple[str, ...]], **team: tuple[str, ...]) -> None:
    teams.init_team(uow=store.uow(), text=charter_with_channels(channels, team or None), source="remit.toml")


def open_release(store: Store, title: str = "Ship 2.4 on Friday") -> int:
    return act(store, "checkout", "priya", OpenDecision(domain="release", title=title)).number


def posts(server: HTTPServer, path: str) -> list[dict[str, object]]:
    return [json.loads(request.get_data()) for request, _response in server.log if request.path == path]


def test_slack_gets_block_kit_with_the_facts_and_a_link_back(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/slack/dana", method="POST").respond_with_data("ok")
    start(store, {"dana": (f"slack+http://127.0.0.1:{httpserver.port}/slack/dana",)})
    number = open_release(store)
    tally = Worker(store, base_url=BASE).run_once()
    assert tally.sent == 1 and tally.failed == 0
    [payload] = posts(httpserver, "/slack/dana")
    blocks = payload["blocks"]
    assert isinstance(blocks, list)
    assert [block["type"] for block in blocks] == ["header", "section", "section", "actions", "context"]
    assert blocks[0]["text"]["text"] == payload["text"]
    assert f"#{number}" in blocks[0]["text"]["text"] and "Ship 2.4 on Friday" in blocks[0]["text"]["text"]
    assert "consulted as designer" in blocks[1]["text"]["text"]
    assert {"type": "mrkdwn", "text": "*Domain*\nrelease"} in blocks[2]["fields"]
    button = blocks[3]["elements"][0]
    assert button["url"] == f"{BASE}/decisions/{number}" and button["text"]["text"] == "Answer in Remit"
    [(request, _)] = httpserver.log
    with store.sessions() as session:
        key = session.scalars(select(DeliveryRow.key)).one()
    assert request.headers["X-Remit-Delivery"] == key


def test_a_json_webhook_gets_the_message_as_data(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    start(store, {"sol": (f"json://127.0.0.1:{httpserver.port}/hook?+X-Team=checkout",)})
    number = open_release(store)
    Worker(store, base_url=BASE).run_once()
    [payload] = posts(httpserver, "/hook")
    assert payload["topic"] == "decision.opened" and payload["to"] == "sol" and payload["asks"] is False
    assert payload["url"] == f"{BASE}/decisions/{number}"
    assert ["State", "open"] in payload["facts"]
    [(request, _)] = httpserver.log
    assert request.headers["X-Team"] == "checkout" and request.headers["X-Remit-Delivery"] == payload["delivery"]


def test_email_has_the_subject_a_text_part_and_an_html_part(store: Store, smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    start(store, {"theo": (f"mailto://127.0.0.1:{port}?to=theo@example.com&from=remit@example.com",)})
    number = open_release(store)
    assert Worker(store, base_url=BASE).run_once().sent == 1
    [mail] = box.mails
    assert mail["Subject"] == f"Your view is asked: decision #{number} opened: Ship 2.4 on Friday"
    assert mail["To"] == "theo@example.com" and mail["From"] == "remit@example.com"
    with store.sessions() as session:
        key = session.scalars(select(DeliveryRow.key)).one()
    assert mail["Message-ID"] == f"<{key}@remit>" and mail["X-Remit-Delivery"] == key
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert f"{BASE}/decisions/{number}" in text.get_content() and "Domain: release" in text.get_content()
    assert (
        f'href="{BASE}/decisions/{number}"' in html.get_content() and "<th align=left>State</th>" in html.get_content()
    )


def test_a_receiver_that_is_down_for_a_while_gets_everything_once_it_is_back(store: Store) -> None:
    port = free_port()
    start(store, {handle: (f"json://127.0.0.1:{port}/{handle}",) for handle in ("dana", "theo", "sol")})
    for title in ("One", "Two", "Three"):
        open_release(store, title)
    worker = Worker(store, base_url=BASE)
    down = worker.run_once()
    assert (down.expanded, down.sent, down.failed) == (9, 0, 9)
    assert worker.run_once().failed == 0, "nothing is due again before its back-off"
    server = HTTPServer(host="127.0.0.1", port=port)
    server.expect_request("/dana").respond_with_data("")
    server.expect_request("/theo").respond_with_data("")
    server.expect_request("/sol").respond_with_data("")
    server.start()
    try:
        store.clock.advance(minutes=2)  # type: ignore[attr-defined]
        back = worker.run_once()
        assert (back.sent, back.failed) == (9, 0)
        assert worker.run_once().sent == 0
        keys = [request.headers["X-Remit-Delivery"] for request, _ in server.log]
    finally:
        server.clear()
        server.stop()
    assert len(keys) == len(set(keys)) == 9
    with store.sessions() as session:
        rows = session.scalars(select(DeliveryRow)).all()
    assert {row.state for row in rows} == {"sent"} and all(row.attempts == 2 for row in rows)


def test_a_delivery_that_keeps_failing_is_dead_and_a_retry_sends_it(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/flaky").respond_with_data("busy", status=503)
    start(
        store,
        {"sol": (f"json://127.0.0.1:{httpserver.port}/flaky",)},
    )
    open_release(store)
    worker = Worker(store, base_url=BASE)
    for _attempt in range(10):
        worker.run_once()
        store.clock.advance(hours=2)  # type: ignore[attr-defined]
    with store.sessions() as session:
        row = session.scalars(select(DeliveryRow)).one()
    assert (row.state, row.attempts, row.last_error) == ("dead", 10, "HTTP 503: busy")
    assert worker.run_once().sent == 0, "a dead delivery is not tried again by itself"


def test_a_rejected_delivery_is_dead_at_once(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no such hook", status=404)
    start(store, {"sol": (f"json://127.0.0.1:{httpserver.port}/gone",)})
    open_release(store)
    Worker(store, base_url=BASE).run_once()
    with store.sessions() as session:
        row = session.scalars(select(DeliveryRow)).one()
    assert (row.state, row.attempts) == ("dead", 1)


def test_two_workers_never_claim_the_same_delivery(store: Store) -> None:
    start(store, {handle: (f"json://127.0.0.1:9/{handle}",) for handle in ("dana", "theo", "sol")})
    for title in ("One", "Two"):
        open_release(store, title)
    assert outbox.expand(store.uow()) == 6
    assert outbox.expand(store.uow()) == 0, "a message is expanded once"
    first = outbox.claim(store.uow(), limit=4, lease=timedelta(minutes=5))
    second = outbox.claim(store.uow(), limit=4, lease=timedelta(minutes=5))
    assert len(first) == 4 and len(second) == 2
    assert not {claimed.id for claimed in first} & {claimed.id for claimed in second}
    assert outbox.claim(store.uow(), limit=4, lease=timedelta(minutes=5)) == []
    store.clock.advance(minutes=6)  # type: ignore[attr-defined]
    again = outbox.claim(store.uow(), limit=10, lease=timedelta(minutes=5))
    assert {claimed.id for claimed in again} == {claimed.id for claimed in first + second}, "a lease that ran out"
    late = outbox.record(store.uow(), [outbox.Result(first[0])])
    assert late == 0, "the result of a lease that ran out is not kept: another worker holds the delivery now"


def test_team_channels_get_the_messages_addressed_to_the_team(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/all").respond_with_data("")
    httpserver.expect_request("/incidents").respond_with_data("")
    url = f"json://127.0.0.1:{httpserver.port}"
    start(store, {}, all=(f"{url}/all",), incidents=(f"{url}/incidents",))
    from remit.kernel.messages import Message

    with store.uow() as uow:
        team = uow.team("checkout")
        uow.tell(
            team, Message(topic="incident.opened", subject="sev2: checkout down", lines=("a",), link="/incidents/1")
        )
        uow.tell(team, Message(topic="decision.approved", subject="approved", lines=("b",), link="/decisions/1"))
        uow.commit()
    assert Worker(store, base_url=BASE).run_once().sent == 3
    assert [payload["subject"] for payload in posts(httpserver, "/incidents")] == ["sev2: checkout down"]
    assert sorted(str(payload["subject"]) for payload in posts(httpserver, "/all")) == [
        "approved",
        "sev2: checkout down",
    ]


def test_workers_racing_on_one_database_send_each_delivery_once(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("")
    channel = (f"json://127.0.0.1:{httpserver.port}/hook",)
    start(store, {"dana": channel, "theo": channel, "sol": channel})
    for n in range(10):
        open_release(store, f"Release {n}")
    workers = [Worker(store, base_url=BASE, batch=3, threads=2) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        tallies = list(pool.map(lambda worker: worker.run_once(), workers))
    assert sum(tally.sent for tally in tallies) == 30 and sum(tally.expanded for tally in tallies) == 30
    keys = [request.headers["X-Remit-Delivery"] for request, _ in httpserver.log]
    assert len(keys) == len(set(keys)) == 30


def test_the_server_delivers_after_each_commit(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("")
    start(store, {"sol": (f"json://127.0.0.1:{httpserver.port}/hook",)})
    settings = Settings(sweep_seconds=0, notify_seconds=60, base_url=BASE)  # only a commit can wake it in time
    with TestClient(create_app(settings, store=store)):
        number = open_release(store)
        deadline = time.monotonic() + 30
        while not httpserver.log and time.monotonic() < deadline:
            time.sleep(0.01)  # waiting for the worker's thread, not a timed assertion
    [payload] = posts(httpserver, "/hook")
    assert payload["url"] == f"{BASE}/decisions/{number}"

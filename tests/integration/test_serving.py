"""What serving fast must not change: the queue's bytes (orjson against FastAPI's own serialisation), every
status the routing gives (each router asked only for its own paths), the probes, and the body limit inside
the one middleware."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from remit.api.deps import encode_cursor
from remit.api.dispatch import could_hold_path, literal_head
from remit.app import Settings, create_app
from remit.decisions import queue
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from tests.conftest import Api


@pytest.mark.parametrize("handle", ["priya", "ezra", "sol"])
def test_the_queue_sends_the_bytes_fastapi_would_have_sent(api: Api, handle: str) -> None:
    answer = api.client.get("/api/v1/queue?limit=50", headers=api.as_(handle))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    body = queue.my_queue(uow=api.store.uow(), team=DEMO_TEAM, handle=handle, limit=50, before=None).as_dict()
    body["next_cursor"] = encode_cursor(body["next_cursor"])
    assert answer.content == TypeAdapter(dict[str, Any]).dump_json(body)


def test_the_queue_is_documented_as_before(api: Api) -> None:
    queue_get = api.client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/queue"]["get"]
    schema = queue_get["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "object" and schema.get("additionalProperties") is True


ASKED = [
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/login"),
    ("GET", "/login/"),
    ("GET", "/decisions"),
    ("GET", "/decisions/"),
    ("GET", "/decisions/1"),
    ("GET", "/decisions/not-a-number"),
    ("POST", "/decisions/1/positions"),
    ("GET", "/charter"),
    ("GET", "/ledger"),
    ("GET", "/incidents"),
    ("GET", "/notifications"),
    ("GET", "/api/v1/queue"),
    ("DELETE", "/api/v1/queue"),
    ("GET", "/api/v1/queue/"),
    ("GET", "/api/v1/decisions/1"),
    ("PUT", "/api/v1/decisions/1"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/audit/head"),
    ("GET", "/api/v1/export.json"),
    ("GET", "/api/v1/nowhere"),
    ("GET", "/api/v1"),
    ("GET", "/api"),
    ("GET", "/nowhere/at/all"),
    ("GET", "/static/remit.css"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/openapi.json"),
]


def test_every_route_answers_as_it_did_before_the_routers_were_gated(demo_store: Store) -> None:
    gated = create_app(Settings(sweep_seconds=0), store=demo_store)
    plain = create_app(Settings(sweep_seconds=0), store=demo_store)
    for route in plain.router.routes:  # FastAPI's own matching, every router asked
        if "matches" in vars(route):
            del route.matches
    with TestClient(gated) as fast, TestClient(plain) as slow:
        for method, path in ASKED:
            one = fast.request(method, path, follow_redirects=False)
            other = slow.request(method, path, follow_redirects=False)
            assert (one.status_code, one.headers.get("location")) == (
                other.status_code,
                other.headers.get("location"),
            ), (method, path)


@pytest.mark.parametrize(
    ("path", "head"),
    [("/", ()), ("/api/v1/queue", ("api", "v1", "queue")), ("/decisions/{number}/amend", ("decisions",))],
)
def test_a_routes_head_is_its_literal_start(path: str, head: tuple[str, ...]) -> None:
    assert literal_head(path) == head


@pytest.mark.parametrize(
    ("path", "holds"),
    [
        ("/api/v1/queue", True),
        ("/api/v1/queue/", True),
        ("/api/v1/decisions/7/positions", True),
        ("/api/v1/incidents", False),
        ("/decisions", False),
        ("/", False),
    ],
)
def test_a_router_is_asked_only_for_paths_it_could_hold(path: str, holds: bool) -> None:
    heads = frozenset({("api", "v1", "queue"), ("api", "v1", "decisions")})
    assert could_hold_path(heads, path) is holds


def test_the_liveness_probe_answers_from_the_event_loop_and_is_not_logged(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    answer = api.client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    assert "x-request-id" in answer.headers and answer.headers["x-content-type-options"] == "nosniff"
    assert api.client.get("/readyz").json() == {"status": "ok"}
    assert 'route="/healthz"' in api.client.get("/metrics").text  # counted, though not logged


def test_a_body_over_the_limit_is_a_413_in_remits_words_with_a_request_id(demo_store: Store) -> None:
    with TestClient(create_app(Settings(sweep_seconds=0, max_body_bytes=100), store=demo_store)) as client:
        declared = client.post("/api/v1/decisions", content=b"x" * 200, headers={"content-type": "application/json"})
        assert declared.status_code == 413 and declared.json()["code"] == "too_large"
        assert "x-request-id" in declared.headers

        def chunks() -> Any:
            yield b"x" * 80
            yield b"x" * 80

        streamed = client.post("/api/v1/decisions", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413


@pytest.mark.parametrize(("worker", "scheduled"), [(None, True), ("0", True), ("1", False), ("3", False)])
def test_the_schedules_run_in_worker_0_alone(
    monkeypatch: pytest.MonkeyPatch, worker: str | None, scheduled: bool
) -> None:
    if worker is None:
        monkeypatch.delenv("REMIT_WORKER", raising=False)
    else:
        monkeypatch.setenv("REMIT_WORKER", worker)
    monkeypatch.setenv("REMIT_THREADS", "4")
    settings = Settings.from_env()
    assert (settings.sweep_seconds > 0, settings.checkpoint_seconds > 0) == (scheduled, scheduled)
    assert settings.notify_seconds > 0 and settings.threads == 4  # deliveries and the thread cap: every worker

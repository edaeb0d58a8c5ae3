"""Sign-in under attack, on SQLite and PostgreSQL: a brute force on loopback meets a 429 with Retry-After
(no password checked, the right one refused too) until the window has passed; guessing across handles meets
the per-address limit; API tokens and sign-in links are no way around it; every failure is in the team's
audit chain; an honest person is never limited.

The `limits` library reads the time from ``time.time()``; these tests point it (and the throttle) at the
store's test clock, so a 15-minute window passes when the test moves the clock, not by sleeping.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import limits.storage.memory
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.decisions import queries
from remit.identity import accounts as identity
from remit.identity import throttle
from remit.identity.throttle import SignInLimits, TooManySignIns
from remit.kernel.errors import NotAuthenticated
from remit.kernel.uow import Store
from remit.seed import DEMO_PASSWORD, DEMO_TEAM
from tests.conftest import Clock, sign_in
from tests.integration.test_web import Browser

WRONG = "not-the-password"


@pytest.fixture
def clock(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The store's clock, read (not ticked) by the limits' storage and the throttle."""
    clock = demo_store.clock
    assert isinstance(clock, Clock)
    now = types.SimpleNamespace(time=lambda: clock.now.timestamp())
    monkeypatch.setattr(limits.storage.memory, "time", now)
    monkeypatch.setattr(throttle, "time", now)
    return clock


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password argon2 verified (a spy on the sign-in's one verification)."""
    calls: list[str] = []
    real = identity._verified

    def spy(stored: str | None, password: str) -> bool:
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(identity, "_verified", spy)
    return calls


def app_with(store: Store, *, account: str = "5 per 15 minutes", address: str = "1000 per 15 minutes") -> Any:
    settings = Settings(sweep_seconds=0, sign_in_limit_per_account=account, sign_in_limit_per_address=address)
    return create_app(settings, store=store)


def recorded(store: Store, kind: str) -> list[dict[str, Any]]:
    return [entry.payload for entry in queries.audit_log(uow=store.uow(), team=DEMO_TEAM) if entry.kind == kind]


def test_a_brute_force_on_the_sign_in_form_meets_429_until_the_window_has_passed(
    demo_store: Store, clock: Clock, verified: list[str]
) -> None:
    with TestClient(app_with(demo_store), follow_redirects=False) as client:
        web = Browser(client)
        answers = [web.sign_in("priya", password=WRONG) for _ in range(50)]

        assert [answer.status_code for answer in answers[:5]] == [401] * 5
        assert {answer.status_code for answer in answers[5:]} == {429}
        for answer in answers[5:]:
            assert 1 <= int(answer.headers["Retry-After"]) <= 15 * 60
            assert "too many failed sign-ins for this account" in answer.text
        assert verified == [WRONG] * 5  # the 45 refused attempts checked no password

        right = web.sign_in("priya")
        assert right.status_code == 429 and "Retry-After" in right.headers  # refused while limited
        assert len(verified) == 5

        clock.advance(minutes=15)
        after = web.sign_in("priya")
        assert after.status_code == 303 and after.headers["location"] == "/"
        assert web.get("/").status_code == 200

    failed = recorded(demo_store, "SignInFailed")
    assert failed == [{"person": "priya", "address": "testclient", "reason": "wrong password", "via": "password"}] * 5
    limited = recorded(demo_store, "SignInLimited")
    assert len(limited) == 1 and limited[0]["limit"] == "account" and limited[0]["person"] == "priya"
    assert WRONG not in str(queries.audit_log(uow=demo_store.uow(), team=DEMO_TEAM))
    assert all(report.ok for report in queries.verify_audit(uow=demo_store.uow()))


def test_the_address_limit_catches_guessing_across_many_handles(demo_store: Store, clock: Clock) -> None:
    limits = SignInLimits(per_account="5 per 15 minutes", per_address="10 per 15 minutes")
    outcomes = []
    for number in range(30):
        try:
            sign_in(demo_store, DEMO_TEAM, f"guess{number}", WRONG, limits, address="203.0.113.9")
        except (NotAuthenticated, TooManySignIns) as refused:
            outcomes.append(refused.status)
    assert outcomes == [401] * 10 + [429] * 20
    with pytest.raises(TooManySignIns, match="your address"):  # the right password too, from that address
        sign_in(demo_store, DEMO_TEAM, "priya", DEMO_PASSWORD, limits, address="203.0.113.9")

    assert sign_in(demo_store, DEMO_TEAM, "priya", DEMO_PASSWORD, limits, address="198.51.100.2").identity.handle
    reasons = {entry["reason"] for entry in recorded(demo_store, "SignInFailed")}
    assert reasons == {"unknown person"}
    assert [entry["limit"] for entry in recorded(demo_store, "SignInLimited")] == ["address"]

    clock.advance(minutes=15)
    assert sign_in(demo_store, DEMO_TEAM, "priya", DEMO_PASSWORD, limits, address="203.0.113.9").identity.handle


def test_an_honest_person_is_never_limited(demo_store: Store, clock: Clock) -> None:
    limits = SignInLimits(per_account="3 per 15 minutes", per_address="3 per 15 minutes")
    for _ in range(10):  # right the first time, every time
        assert sign_in(demo_store, DEMO_TEAM, "ezra", DEMO_PASSWORD, limits).identity.handle == "ezra"
    for attempt in range(3):  # a typo, then the right one: the account's count starts again
        address = f"192.0.2.{attempt + 10}"
        for _typo in range(2):
            with pytest.raises(NotAuthenticated):
                sign_in(demo_store, DEMO_TEAM, "ezra", WRONG, limits, address=address)
        assert sign_in(demo_store, DEMO_TEAM, "ezra", DEMO_PASSWORD, limits, address=address).identity.handle


def test_an_unknown_team_has_no_chain_so_its_failures_are_logged(
    demo_store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    before = len(queries.audit_log(uow=demo_store.uow(), team=DEMO_TEAM))
    with caplog.at_level(logging.WARNING, logger="remit.identity"), pytest.raises(NotAuthenticated):
        sign_in(demo_store, "nowhere", "priya", WRONG)
    assert [record.msg for record in caplog.records] == ["sign-in refused for a team that is not here"]
    assert caplog.records[0].__dict__["team"] == "nowhere" and caplog.records[0].__dict__["address"] == "192.0.2.1"
    assert len(queries.audit_log(uow=demo_store.uow(), team=DEMO_TEAM)) == before


def test_guessing_api_tokens_meets_the_address_limit(demo_store: Store, clock: Clock) -> None:
    from tests.conftest import Api

    with TestClient(app_with(demo_store, address="5 per 15 minutes")) as client:
        api = Api(client, demo_store)
        good = api.as_("priya")
        assert client.get("/api/v1/me", headers=good).status_code == 200
        answers = [
            client.get("/api/v1/me", headers={"Authorization": f"Bearer remit_guess{n}"}).status_code for n in range(8)
        ]
        assert answers == [401] * 5 + [429] * 3
        limited = client.get("/api/v1/me", headers=good)  # from that address, no token is looked at
        assert limited.status_code == 429
        assert limited.json()["code"] == "too_many_sign_ins" and int(limited.headers["Retry-After"]) >= 1

        clock.advance(minutes=15)
        assert client.get("/api/v1/me", headers=good).status_code == 200


def test_a_spent_sign_in_link_is_recorded_and_counts_against_the_address(demo_store: Store, clock: Clock) -> None:
    limits = SignInLimits(per_address="3 per 15 minutes")
    token = identity.create_login_link(uow=demo_store.uow(), team=DEMO_TEAM, handle="dana")

    def use(secret: str) -> str:
        uow = demo_store.uow()
        try:
            return identity.use_login_link(uow=uow, limits=limits, address="203.0.113.7", token=secret).identity.handle
        except (NotAuthenticated, TooManySignIns) as refused:
            return refused.code

    assert use(token) == "dana"
    refused = [use(token), use("made-up"), use("made-up-too"), use(token)]
    assert refused == ["not_authenticated"] * 3 + ["too_many_sign_ins"]
    assert recorded(demo_store, "SignInFailed") == [
        {"person": "dana", "address": "203.0.113.7", "reason": "link used up or expired", "via": "link"}
    ]


@pytest.fixture
def limited_app(demo_store: Store, clock: Clock) -> Iterator[TestClient]:
    with TestClient(app_with(demo_store, account="2 per 15 minutes"), follow_redirects=False) as client:
        yield client


def test_the_right_password_is_refused_while_the_account_is_limited_from_anywhere(
    demo_store: Store, limited_app: TestClient
) -> None:
    web = Browser(limited_app)
    assert [web.sign_in("sol", password=WRONG).status_code for _ in range(3)] == [401, 401, 429]
    with TestClient(limited_app.app, follow_redirects=False, client=("198.51.100.40", 4000)) as elsewhere:
        assert Browser(elsewhere).sign_in("sol").status_code == 429  # the account's window, whoever asks


def test_a_sign_in_link_from_a_full_address_gets_the_429_page(demo_store: Store, clock: Clock) -> None:
    with TestClient(app_with(demo_store, address="1 per 15 minutes"), follow_redirects=False) as client:
        web = Browser(client)
        assert web.sign_in("priya", password=WRONG).status_code == 401
        token = identity.create_login_link(uow=demo_store.uow(), team=DEMO_TEAM, handle="priya")
        csrf = web.csrf(f"/login/link/{token}")
        page = client.post(f"/login/link/{token}", data={"csrf": csrf})
        assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
        assert "too many failed sign-ins for your address" in page.text and "<html" in page.text


REDIS = "redis://127.0.0.1:6379"


def test_workers_sharing_redis_share_the_counts() -> None:
    """Two servers' limits on one Redis (as --workers or several machines would be): a guesser cannot spread
    its guesses over them. Skipped when no Redis answers on 127.0.0.1:6379."""
    first = SignInLimits(per_address="3 per 15 minutes", where=REDIS)
    try:
        first.storage.check() or pytest.skip(f"no Redis answers at {REDIS}")
    except Exception as error:  # whatever the client raises, there is no Redis to test with
        pytest.skip(f"no Redis answers at {REDIS}: {error}")
    second = SignInLimits(per_address="3 per 15 minutes", where=REDIS)
    address = f"203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"  # this run's own keys
    first.failed(address)
    second.failed(address)
    assert first.address_full(address) is None
    first.failed(address)
    for worker in (first, second):
        full = worker.address_full(address)
        assert full is not None and full.which == "address" and 1 <= full.retry_after <= 900


def test_two_sign_ins_at_once_both_succeed_when_one_of_them_rehashes_the_password(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sign-in after the hashing parameters changed rewrites the hash; another sign-in of the same
    person, verified against the old hash at the same moment (on this server or another), still opens its
    session: the hash moved, the password did not."""
    monkeypatch.setattr(identity, "HASHER", PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    opening = identity._open_session
    raced: list[identity.NewSession] = []
    calls: list[str] = []

    def the_other_first(*args: Any, **kwargs: Any) -> identity.NewSession:
        calls.append(args[3])
        if len(calls) == 1:  # between this sign-in's check and its write, the other one rehashes and signs in
            raced.append(sign_in(demo_store, DEMO_TEAM, "priya", DEMO_PASSWORD, address="192.0.2.9"))
        return opening(*args, **kwargs)

    monkeypatch.setattr(identity, "_open_session", the_other_first)
    session = sign_in(demo_store, DEMO_TEAM, "priya", DEMO_PASSWORD)
    assert session.token and raced and raced[0].token != session.token
    assert len(calls) == 3 and calls[0] == calls[1] != calls[2]  # the first write found the hash moved, then took it
    with pytest.raises(NotAuthenticated):  # a password that did change still ends a sign-in on the old one
        sign_in(demo_store, DEMO_TEAM, "priya", WRONG)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis server of this test's own, on a free port (skipped, saying so, where redis-server is absent)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: the shared sign-in counts need one")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def test_processes_sharing_one_redis_count_failed_sign_ins_together(redis_url: str) -> None:
    """Two server processes (two limiters) on one Redis: the failures sent to either fill one window, so the
    limit holds whichever process a guess reaches (with memory://, each would allow the full limit)."""
    first, second = (SignInLimits("3 per 15 minutes", "100 per 15 minutes", redis_url) for _ in range(2))
    team, handle = f"team-{uuid.uuid4().hex[:6]}", "priya"
    assert first.attempt(team, handle, "192.0.2.7") is None
    assert second.attempt(team, handle, "192.0.2.8") is None
    assert first.attempt(team, handle, "192.0.2.9") is None
    limited = second.attempt(team, handle, "192.0.2.10")
    assert limited is not None and limited.which == "account"
    first.succeeded(team, handle)  # a right password on one process clears the window for both
    assert second.attempt(team, handle, "192.0.2.10") is None

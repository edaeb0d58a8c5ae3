"""Many people writing to one team at once, against a real server: nothing acknowledged is lost or doubled,
the writes serialise (each answer is the resolver's answer on the positions stored up to it), the stored
state is the resolver's answer, and the audit chain holds.

PostgreSQL (two server processes; writers queue on the team row, locked FOR UPDATE) and SQLite (one server
process; writers take turns on the store's writer lock, then BEGIN IMMEDIATE).
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from remit import capabilities  # noqa: F401
from remit.charter.tables import CrossingRow
from remit.decisions.commands import OpenDecision, RecordPosition
from remit.decisions.model import Stance
from remit.decisions.tables import DecisionRow
from remit.kernel.commands import act
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from tests.e2e.crowd import (
    TEAM,
    Crowd,
    assert_whole,
    database,
    handles,
    make_crowd,
    resolver_answer,
    stored_positions,
)
from tests.live.server import LiveServer

POSITIONS_EACH = 6
TOKENS_MADE = 8
OK_REFUSALS = {403, 409, 422}  # not allowed, settled, no-go without a basis: answered, and nothing stored


def script(handle: str, rng: random.Random, holdout: bool) -> list[dict[str, Any]]:
    """What one person says, in order: a mix of go / no-go (in and out of their scope, with and without a
    basis) / abstain fitting their role. The holdout never says go, so decision #1 stays blocked."""
    role = handle.rsplit("-", 1)[0]
    choices: dict[str, list[tuple[str, str | None]]] = {
        "pm": [("go", None), ("no-go", "business"), ("no-go", "technical"), ("no-go", None), ("abstain", None)],
        "em": [("go", None), ("no-go", "technical"), ("no-go", "market"), ("abstain", None)],
        "designer": [("go", None), ("no-go", None), ("no-go", "safety"), ("abstain", None)],
        "tech-lead": [("go", None), ("no-go", "technical"), ("abstain", None)],
        "engineer": [("go", None), ("no-go", "technical")],
        "stakeholder": [("go", None)],
    }[role]
    steps = []
    for k in range(POSITIONS_EACH):
        stance, basis = rng.choice(choices)
        number = 1 if k % 2 == 0 else 2
        if holdout and number == 1:
            stance, basis = "no-go", "technical"
        body: dict[str, Any] = {"stance": stance, "reason": f"{handle} says {stance} #{k}"}
        if basis:
            body["basis"] = basis
        steps.append({"number": number, "body": body})
    return steps


@dataclass(frozen=True)
class Answer:
    handle: str
    number: int
    reason: str
    status: int
    body: dict[str, Any]


@dataclass
class Acks:
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, handle: str, number: int, reason: str, response: httpx.Response) -> None:
        with self.lock:
            self.answers.append(Answer(handle, number, reason, response.status_code, response.json()))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def crowd(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Crowd, LiveServer]]:
    with database(request.param, tmp_path) as url:
        made = make_crowd(url)
        store = Store.open(url)
        try:  # decision 1 carries em-0's technical veto before anyone else speaks; decision 2 does not
            for title in ("Ship the search rewrite", "Ship dark mode"):
                act(store, TEAM, "pm-0", OpenDecision(domain="release", title=title))
            act(
                store,
                TEAM,
                "em-0",
                RecordPosition(number=1, stance=Stance("no-go"), basis="technical", reason="holdout"),
            )
        finally:
            store.close()
        workers = 1 if request.param == "sqlite" else 2
        server = LiveServer(url, demo=False, workers=workers, log=tmp_path / "server.log").start()
        try:
            yield made, server
        finally:
            server.stop()


def test_concurrent_positions_are_stored_once_each_in_one_serial_order(crowd: tuple[Crowd, LiveServer]) -> None:
    made, server = crowd
    people = [h for role in ("pm", "em", "designer", "tech-lead", "engineer", "stakeholder") for h in handles(role)]
    rng = random.Random(20261121)  # noqa: S311 - a test's script, not a secret
    scripts = {handle: script(handle, rng, holdout=handle == "em-0") for handle in people}
    twin_key, twin_body = str(uuid.uuid4()), {"stance": "abstain", "reason": "designer-5 sent this twice"}
    acks = Acks()
    twins: list[httpx.Response] = []
    tokens_made: list[httpx.Response] = []
    start = threading.Barrier(len(people) + 3)

    def speak(handle: str) -> None:
        with httpx.Client(base_url=server.url, headers=made.auth(handle), timeout=60) as client:
            start.wait()
            for step in scripts[handle]:
                try:
                    response = client.post(f"/api/v1/decisions/{step['number']}/positions", json=step["body"])
                except httpx.HTTPError as error:
                    acks.failures.append(f"{handle}: {error!r}")
                    continue
                acks.add(handle, step["number"], step["body"]["reason"], response)

    def twin() -> None:  # the same write delivered twice at once, with one Idempotency-Key
        with httpx.Client(base_url=server.url, headers=made.auth("designer-5"), timeout=60) as client:
            start.wait()
            twins.append(
                client.post("/api/v1/decisions/1/positions", json=twin_body, headers={"Idempotency-Key": twin_key})
            )

    def make_tokens() -> None:  # a write that appends to the same audit chain without a decision
        with httpx.Client(base_url=server.url, headers=made.auth("stakeholder-1"), timeout=60) as client:
            start.wait()
            tokens_made.extend(client.post("/api/v1/tokens", json={"name": f"ci-{i}"}) for i in range(TOKENS_MADE))

    threads = [threading.Thread(target=speak, args=(handle,)) for handle in people]
    threads += [threading.Thread(target=twin), threading.Thread(target=twin), threading.Thread(target=make_tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert acks.failures == []
    answers = acks.answers
    assert [a for a in answers if a.status != 201 and a.status not in OK_REFUSALS] == []
    statuses = Counter(a.status for a in answers)
    assert statuses[201] > len(people)  # most of the storm was acknowledged
    outsiders = set(handles("engineer") + handles("stakeholder"))  # no say in release: refused, or 409 once settled
    assert {a.status for a in answers if a.handle in outsiders} <= {403, 409}
    assert {a.handle for a in answers if a.status == 403} <= outsiders

    # The twin deliveries: one answer, replayed to the other; one position.
    assert [t.status_code for t in twins] == [201, 201] and twins[0].json() == twins[1].json()
    assert sorted(t.headers.get("Idempotent-Replayed", "") for t in twins) == ["", "true"]
    assert [t.status_code for t in tokens_made] == [201] * TOKENS_MADE

    store = Store.open(made.url)
    try:
        stored = [p for p in stored_positions(store) if p.reason != "holdout"]
        acked = [a for a in answers if a.status == 201]
        # Every acknowledged write is stored exactly once; nothing refused is stored.
        stored_reasons = Counter(p.reason for p in stored)
        assert stored_reasons == Counter([a.reason for a in acked] + [twin_body["reason"]])
        assert max(stored_reasons.values()) == 1
        assert Counter(p.person for p in stored) == Counter([a.handle for a in acked] + ["designer-5"])

        # One serial order: each acknowledged answer is the resolver's answer on the positions stored up to
        # (and including) its own, in the order the team lock let them in.
        by_reason = {p.reason: p for p in stored}
        for answer in acked:
            position = by_reason[answer.reason]
            assert (position.person, position.number) == (answer.handle, answer.number)
            said = {k: v for k, v in answer.body.items() if k not in ("number", "crossing")}
            assert said == resolver_answer(store, answer.number, upto=position.id), answer

        # A settled decision takes nothing more: no position after the one that settled it.
        for number in (1, 2):
            states = [resolver_answer(store, number, upto=p.id)["state"] for p in stored if p.number == number]
            if "approved" in states:
                assert states.index("approved") == len(states) - 1
            else:
                assert all(a.status != 409 for a in answers if a.number == number)
        with store.sessions() as session:
            assert session.scalars(select(DecisionRow.state).where(DecisionRow.number == 1)).one() == "blocked"
            refused = session.scalar(select(func.count()).select_from(CrossingRow).where(CrossingRow.refused))
            kinds = Counter(session.scalars(select(AuditRow.kind)))
        assert refused == kinds["ActionRefused"] == statuses[403]
        assert kinds["TokenIssued"] == len(made.tokens) + TOKENS_MADE

        # The stored state is the resolver's answer; queue and audit rows match; the chain verifies.
        assert_whole(store)
        final = {number: resolver_answer(store, number)["state"] for number in (1, 2)}
    finally:
        store.close()
    with httpx.Client(base_url=server.url, headers=made.auth("pm-1"), timeout=60) as client:
        for number in (1, 2):
            assert client.get(f"/api/v1/decisions/{number}").json()["state"] == final[number]
        verified = client.get("/api/v1/audit/verify").json()
    assert verified["ok"] is True, verified

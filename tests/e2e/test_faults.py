"""kill -9 of the server in the middle of a stream of writes, then a restart on the same database: every
acknowledged write is there exactly once, a write whose answer was lost is safe to retry with its
Idempotency-Key, no action is half-written, and the audit chain verifies.

Clients open decisions (some with evidence), record positions and add evidence, each write under an
Idempotency-Key, and remember the answer to each. The server is killed (SIGKILL to its whole process
group: no shutdown, no rollback by the server) once enough writes were acknowledged and while some are in
flight; this happens at least twice, then everything is checked after a last restart.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from remit import capabilities  # noqa: F401
from remit.decisions.commands import OpenDecision
from remit.decisions.tables import DecisionRow, EvidenceRow, PositionRow
from remit.kernel.commands import act
from remit.kernel.uow import Store
from tests.e2e.crowd import TEAM, Crowd, assert_whole, database, make_crowd
from tests.live.server import REMIT, LiveServer

ROSTER = {"pm": 3, "em": 3, "designer": 2, "tech-lead": 2}
WRITERS = 4
ACKS_PER_ROUND = 30
ROUNDS = 2
MAX_ROUNDS = 6
STANCES = {
    "pm": [("go", None), ("no-go", "business"), ("no-go", "technical"), ("abstain", None)],
    "em": [("go", None), ("no-go", "technical"), ("abstain", None)],
    "designer": [("go", None), ("no-go", None), ("abstain", None)],
    "tech-lead": [("go", None), ("abstain", None)],
}


@dataclass
class Write:
    kind: str  # open, position, evidence
    handle: str
    path: str
    body: dict[str, Any]
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: int | None = None  # None: no answer (the server died with it in flight)
    answer: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False  # the answer was the stored answer of an earlier delivery

    @property
    def mark(self) -> str:
        """What makes the stored row findable: the title, the reason, the evidence text."""
        return str(self.body.get("title") or self.body.get("reason") or self.body.get("text"))


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    writes: list[Write] = field(default_factory=list)
    numbers: list[int] = field(default_factory=lambda: [1])
    in_flight: int = 0
    acked: int = 0
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def next_write(self, rng: random.Random) -> Write:
        with self.lock:
            k = next(self.counter)
            number = rng.choice(self.numbers[-6:])  # the newest decisions: most are still open
        roll = rng.random()
        if roll < 0.25:
            handle = f"pm-{rng.randrange(ROSTER['pm'])}"
            body: dict[str, Any] = {"domain": "release", "title": f"release {k}"}
            if rng.random() < 0.5:
                body["evidence"] = [{"name": "cost-of-delay", "text": f"evidence with release {k}"}]
            return Write("open", handle, "/api/v1/decisions", body)
        role = rng.choice(list(ROSTER))
        handle = f"{role}-{rng.randrange(ROSTER[role])}"
        if roll < 0.8:
            stance, basis = rng.choice(STANCES[role])
            body = {"stance": stance, "reason": f"position {k}"} | ({"basis": basis} if basis else {})
            return Write("position", handle, f"/api/v1/decisions/{number}/positions", body)
        body = {"name": f"note-{k % 5}", "text": f"evidence {k}"}
        return Write("evidence", handle, f"/api/v1/decisions/{number}/evidence", body)


def send(client: httpx.Client, crowd: Crowd, write: Write) -> None:
    headers = crowd.auth(write.handle) | {"Idempotency-Key": write.key}
    response = client.post(write.path, json=write.body, headers=headers)
    write.status, write.answer = response.status_code, response.json()
    write.replayed = response.headers.get("Idempotent-Replayed") == "true"


def writer(server: LiveServer, crowd: Crowd, ledger: Ledger, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a test's script, not a secret
    with httpx.Client(base_url=server.url, timeout=30) as client:
        while not stop.is_set():
            write = ledger.next_write(rng)
            with ledger.lock:
                ledger.writes.append(write)
                ledger.in_flight += 1
            try:
                send(client, crowd, write)
            except httpx.TransportError:
                return  # the server is gone; this write's fate is unknown until it is retried
            finally:
                with ledger.lock:
                    ledger.in_flight -= 1
            with ledger.lock:
                if write.status is not None and write.status < 300:
                    ledger.acked += 1
                    if write.kind == "open":
                        ledger.numbers.append(write.answer["number"])


def run_until_killed(url: str, crowd: Crowd, ledger: Ledger, log: Path, seed: int) -> None:
    """Start the server, let the writers go until ACKS_PER_ROUND more writes are acknowledged and at least
    one is in flight, then kill -9 it."""
    server = LiveServer(url, demo=False, workers=1 if url.startswith("sqlite") else 2, log=log).start()
    stop = threading.Event()
    target = ledger.acked + ACKS_PER_ROUND
    threads = [
        threading.Thread(target=writer, args=(server, crowd, ledger, stop, seed * 100 + i)) for i in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    try:
        while True:
            with ledger.lock:
                if ledger.acked >= target and ledger.in_flight > 0:
                    break
            time.sleep(0.001)
        stop.set()
        server.kill()
    finally:
        stop.set()
        server.kill()
        for thread in threads:
            thread.join()


def count_marks(store: Store) -> Counter[tuple[str, str]]:
    with store.sessions() as session:
        titles = session.scalars(select(DecisionRow.title))
        reasons = session.scalars(select(PositionRow.reason))
        texts = session.scalars(select(EvidenceRow.text))
        return Counter(
            [("open", t) for t in titles] + [("position", r) for r in reasons] + [("evidence", t) for t in texts]
        )


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_acknowledged_writes_survive_kill_9_and_lost_answers_retry_safely(backend: str, tmp_path: Path) -> None:
    with database(backend, tmp_path) as url:
        crowd = make_crowd(url, ROSTER)
        store = Store.open(url)
        act(store, TEAM, "pm-0", OpenDecision(domain="release", title="the first"))
        store.close()
        ledger = Ledger()
        rounds = 0  # at least ROUNDS kills, and more (rarely) until one of them cut off an answer
        while rounds < ROUNDS or (rounds < MAX_ROUNDS and not any(w.status is None for w in ledger.writes)):
            run_until_killed(url, crowd, ledger, tmp_path / "server.log", seed=rounds)
            rounds += 1
        lost = [write for write in ledger.writes if write.status is None]
        assert lost, f"{rounds} kills with writes in flight, and every answer still arrived"
        store = Store.open(url)
        try:
            before_retry = count_marks(store)  # which lost writes had committed before the kill
        finally:
            store.close()

        server = LiveServer(url, demo=False, workers=1, log=tmp_path / "server.log").start()
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for write in lost:  # the client's retry: the same request, the same Idempotency-Key
                    send(client, crowd, write)
                verified = client.get("/api/v1/audit/verify", headers=crowd.auth("pm-0")).json()
        finally:
            server.stop()
        assert verified["ok"] is True, verified
        for write in lost:  # committed before the kill: the retry gets the stored answer; else it acts now
            committed = before_retry[(write.kind, write.mark)] == 1
            assert write.replayed == committed if write.status == 201 else not committed, write

        statuses = Counter(write.status for write in ledger.writes)
        assert set(statuses) <= {201, 403, 409, 422}, statuses  # no 5xx, before or after the kills
        assert statuses[201] >= ROUNDS * ACKS_PER_ROUND

        store = Store.open(url)
        try:
            stored = count_marks(store)
            # Every acknowledged write (first answer or retry) is stored exactly once; no refused one is.
            for write in ledger.writes:
                expected = 1 if write.status == 201 else 0
                assert stored[(write.kind, write.mark)] == expected, (write, stored[(write.kind, write.mark)])
                if write.kind == "open" and write.status == 201:
                    with store.sessions() as session:
                        title = session.scalars(
                            select(DecisionRow.title).where(DecisionRow.number == write.answer["number"])
                        ).one()
                    assert title == write.mark
                    if "evidence" in write.body:
                        assert stored[("evidence", write.body["evidence"][0]["text"])] == 1
            # No half-written action; stored state = the resolver's; queue rows match; the chain verifies.
            assert_whole(store)
        finally:
            store.close()
        cli = subprocess.run(
            [REMIT, "--database", url, "--team", TEAM, "audit", "verify"], capture_output=True, text=True, check=False
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr
        assert "chain intact" in cli.stdout

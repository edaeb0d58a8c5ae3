"""The worker killed with ``kill -9`` mid-batch (``remit notify run`` as a process, a file SQLite database,
many messages, a slow receiver): afterwards every delivery has arrived, and the only ids that arrived twice
are deliveries that were in flight (claimed, perhaps sent, not yet recorded) when the worker died."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from remit import capabilities  # noqa: F401
from remit.charter import teams
from remit.decisions.commands import OpenDecision
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.notify.tables import DeliveryRow
from remit.notify.worker import Worker
from tests.live.server import REMIT
from tests.notify.receivers import charter_with_channels

DECISIONS = 40  # x 3 people told or asked: 120 deliveries


class Receiver:
    """A slow webhook: every request takes ``delay`` seconds; it keeps the delivery ids it received."""

    def __init__(self, delay: float) -> None:
        self.delay, self.keys, self.lock = delay, Counter[str](), threading.Lock()

    def __call__(self, request: Request) -> Response:
        time.sleep(self.delay)
        with self.lock:
            self.keys[request.headers["X-Remit-Delivery"]] += 1
        return Response("", status=204)

    def count(self) -> int:
        with self.lock:
            return sum(self.keys.values())


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    receiver = Receiver(delay=0.03)
    httpserver.expect_request("/hook").respond_with_handler(receiver)
    url = f"sqlite:///{tmp_path / 'remit.db'}"
    store = Store.open(url, migrate=True)
    try:
        channel = (f"json://127.0.0.1:{httpserver.port}/hook",)
        text = charter_with_channels({"dana": channel, "theo": channel, "sol": channel})
        teams.init_team(uow=store.uow(), text=text, source="remit.toml")
        for n in range(DECISIONS):
            act(store, "checkout", "priya", OpenDecision(domain="release", title=f"Release {n}"))
    finally:
        store.close()

    command = [REMIT, "--database", url, "--team", "checkout", "notify", "run", "--batch", "10", "--every", "0.2"]
    worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while receiver.count() < 25 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.01)  # waiting for the worker to be mid-way, not a timed assertion
        assert worker.poll() is None, "the worker is still running when it is killed"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert 25 <= receiver.count() < DECISIONS * 3, "killed mid-batch: some delivered, not all"

    later = datetime.now(UTC) + timedelta(minutes=10)  # past the dead worker's lease (5 minutes)
    store = Store.open(url, clock=lambda: later)
    try:
        with store.sessions() as session:
            in_flight = set(session.scalars(select(DeliveryRow.key).where(DeliveryRow.state == "sending")))
        assert in_flight, "the worker died holding a claimed batch"
        assert len(in_flight) <= 10, "at most one batch is in flight"
        Worker(store, base_url="http://remit.test").run_once()
        with store.sessions() as session:
            rows = session.scalars(select(DeliveryRow)).all()
    finally:
        store.close()
    assert len(rows) == DECISIONS * 3 and {row.state for row in rows} == {"sent"}
    assert set(receiver.keys) == {row.key for row in rows}, "everything arrived"
    repeated = {key for key, times in receiver.keys.items() if times > 1}
    assert repeated <= in_flight, "only a delivery in flight when the worker died can arrive twice"
    assert max(receiver.keys.values()) <= 2

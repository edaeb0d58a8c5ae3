"""The worker: expands the outbox, gathers digests, and sends what is due, outside any transaction and any
team lock. It runs inside ``remit serve`` (a thread, started and stopped with the app, woken after each
commit) and as ``remit notify run [--once]`` for cron. Several workers share the work through the database's
leases (``notify/outbox.py``): no delivery is sent by two of them at once."""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from remit.kernel.uow import Store
from remit.notify import outbox, senders
from remit.notify.outbox import Claimed, Result

log = logging.getLogger("remit.notify")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url(explicit: str | None = None) -> str:
    """Where the links in messages point: ``REMIT_BASE_URL``, else the server's own address."""
    return (explicit or os.environ.get("REMIT_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


Send = Callable[[senders.Outgoing], None]


@dataclass
class Tally:
    expanded: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        self.expanded += other.expanded
        self.digests += other.digests
        self.sent += other.sent
        self.failed += other.failed
        return self

    def sentence(self) -> str:
        return (
            f"{self.expanded} message(s) expanded, {self.digests} digest(s) gathered, "
            f"{self.sent} delivery(ies) sent, {self.failed} failed"
        )


@dataclass
class Worker:
    store: Store
    base_url: str = field(default_factory=base_url)
    batch: int = 50
    lease: timedelta = timedelta(minutes=5)  # longer than a batch can take (each send times out at 10 s)
    threads: int = 8
    send: Send = senders.send
    rng: random.Random = field(default_factory=random.Random)
    wakeup: threading.Event = field(default_factory=threading.Event)
    mail_relay: str | None = field(default_factory=lambda: os.environ.get("REMIT_MAIL_URL") or None)

    def wake(self, _store: Any = None, _records: Sequence[Any] = ()) -> None:
        """Something committed (a bus subscriber): look at the outbox now rather than at the next tick."""
        self.wakeup.set()

    def run_once(self, *, stop: threading.Event | None = None) -> Tally:
        """Everything due now: expand, gather, then claim, send and record batch after batch until nothing is
        due (or ``stop`` is set)."""
        tally = Tally()
        while (expanded := outbox.expand(self.store.uow())) > 0:
            tally.expanded += expanded
        tally.digests = outbox.gather(self.store.uow(), base_url=self.base_url)
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="remit-notify") as pool:
            while stop is None or not stop.is_set():
                claimed = outbox.claim(self.store.uow(), limit=self.batch, lease=self.lease)
                if not claimed:
                    break
                results = list(pool.map(self._attempt, claimed))
                outbox.record(self.store.uow(), results, rng=self.rng)
                tally.sent += sum(result.error is None for result in results)
                tally.failed += sum(result.error is not None for result in results)
        return tally

    def _attempt(self, claimed: Claimed) -> Result:
        outgoing = senders.Outgoing(claimed.key, claimed.url, claimed.message, self.base_url, self.mail_relay)
        try:
            self.send(outgoing)
        except senders.SendFailed as failed:
            return Result(claimed, failed.reason, failed.permanent)
        except Exception as error:  # a sender's bug must not stop the others; the delivery is retried
            log.exception("a sender failed unexpectedly", extra={"delivery": claimed.id})
            return Result(claimed, f"{type(error).__name__}: {error}")
        return Result(claimed)

    def run(self, stop: threading.Event, *, every: float = 5.0) -> None:
        """Until ``stop``: a pass now, then one after each wake-up or every ``every`` seconds."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                tally = self.run_once(stop=stop)
                if tally.sent or tally.failed:
                    log.info("notifications delivered", extra={"tally": tally.sentence()})
            except Exception:  # the database away for a moment: try again at the next tick
                log.exception("the notification worker's pass failed")
            self.wakeup.wait(every)
            if stop.is_set():
                break


class Running:
    """A worker on a thread of its own, woken by every commit on the store's bus (the server's)."""

    def __init__(self, worker: Worker, *, every: float = 5.0) -> None:
        from remit.kernel.events import Event

        self.worker, self.stop = worker, threading.Event()
        self.thread = threading.Thread(target=worker.run, args=(self.stop,), kwargs={"every": every}, daemon=True)
        worker.store.bus.on(Event)(worker.wake)
        self.thread.start()

    def close(self, timeout: float = 15.0) -> None:
        self.worker.store.bus.off(self.worker.wake)
        self.stop.set()
        self.worker.wakeup.set()
        self.thread.join(timeout)

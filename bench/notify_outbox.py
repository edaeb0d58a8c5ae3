"""How fast does the outbox deliver, and how long after the commit does a message arrive?

One process, a SQLite file (and a PostgreSQL database when one answers), the default preset with the sample
roster; Dana, Theo and Sol each have a JSON webhook on a local HTTP receiver (the standard library's
threading server, answering 204 and noting when each delivery id arrived). Each decision opened in the
release domain writes three messages to the outbox (Dana and Theo asked, Sol told).

- Throughput: ``--burst`` decisions are opened with no worker running, then one worker (``Worker``, 8
  sending threads, as in ``remit serve``) delivers the whole outbox; deliveries per second from its start
  to the last arrival. Peer, in the same run: the same payloads POSTed straight to the same receiver with
  httpx from 8 threads, no outbox (what sending inline would cost at best, without durability).
- Delay: ``--paced`` decisions opened one every ``--gap`` seconds while the worker runs on its thread,
  woken by each commit (as in ``remit serve``); the delay from the action's return (just after its commit)
  to the arrival at the receiver, p50 and p99. Peer: one straight POST's latency.

    python bench/notify_outbox.py [--burst 200] [--paced 100] [--gap 0.05] [--write BENCHMARKS.md]

Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from loadkit import database, heading, percentile, postgres_reachable, write_section
from remit import capabilities  # noqa: F401 - registers the handlers
from remit.charter import load_preset, teams
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster
from remit.decisions.commands import OpenDecision
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.notify.worker import Running, Worker

SECTION = "notify_outbox"
TEAM = "checkout"


class Receiver(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the standard library's 5 drops connections under 8 senders (a 1 s SYN retry)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.arrived: dict[str, float] = {}  # subject -> arrival (perf_counter)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self) -> int:
        with self.lock:
            return len(self.arrived)


class Handler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"  # keep-alive, as a real webhook receiver

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = f"{body['subject']}|{body['to']}"
        with self.server.lock:
            self.server.arrived.setdefault(key, time.perf_counter())
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return


def team_text(url: str) -> str:
    base = load_preset("default")
    hook = (f"json://{url.removeprefix('http://')}/hook",)
    people = {
        p.handle: replace(p, notify=hook if p.handle in ("dana", "theo", "sol") else ()) for p in sample_roster(base)
    }
    return render_charter(replace(base, name=TEAM, preset="default", people=people), team=TEAM)


def wait_for(receiver: Receiver, count: int, timeout: float = 300) -> None:
    end = time.perf_counter() + timeout
    while receiver.count() < count and time.perf_counter() < end:
        time.sleep(0.002)
    if receiver.count() < count:
        sys.exit(f"only {receiver.count()} of {count} deliveries arrived in {timeout} s")


def direct(receiver: Receiver, payloads: list[dict[str, object]]) -> float:
    """The peer: the same payloads POSTed straight, from 8 threads; deliveries per second."""
    with httpx.Client() as client:

        def post(payload: dict[str, object]) -> None:
            client.post(
                f"{receiver.url}/direct", content=json.dumps(payload), headers={"Content-Type": "application/json"}
            )

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(post, payloads))
        return len(payloads) / (time.perf_counter() - start)


def one_post_ms(receiver: Receiver, calls: int = 200) -> list[float]:
    took = []
    with httpx.Client() as client:
        for n in range(calls):
            start = time.perf_counter()
            client.post(f"{receiver.url}/direct", json={"subject": f"latency {n}", "to": "x"})
            took.append((time.perf_counter() - start) * 1000)
    return took


def measure(backend: str, burst: int, paced: int, gap: float) -> dict[str, object]:
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        with database(backend) as url:
            store = Store.open(url, migrate=True)
            try:
                teams.init_team(uow=store.uow(), text=team_text(receiver.url), source="bench")
                for n in range(burst):
                    act(store, TEAM, "priya", OpenDecision(domain="release", title=f"burst {n}"))
                worker = Worker(store, base_url="http://remit.bench")
                start = time.perf_counter()
                worker.run_once()
                wait_for(receiver, burst * 3)
                outbox_rate = burst * 3 / (max(receiver.arrived.values()) - start)
                payloads = [{"subject": f"direct {n}", "to": "x", "lines": ["a", "b"]} for n in range(burst * 3)]
                direct_rate = direct(receiver, payloads)

                running = Running(Worker(store, base_url="http://remit.bench"), every=5.0)
                committed: dict[str, float] = {}
                try:
                    for n in range(paced):
                        outcome = act(store, TEAM, "priya", OpenDecision(domain="release", title=f"paced {n}"))
                        committed[f"#{outcome.number} "] = time.perf_counter()
                        time.sleep(gap)
                    wait_for(receiver, burst * 3 + burst * 3 + paced * 3)
                finally:
                    running.close()
                delays = []
                for key, arrived in receiver.arrived.items():
                    subject = key.split("|")[0]
                    if "paced" in subject:
                        number = "#" + subject.split("#", 1)[1].split(" ", 1)[0] + " "
                        delays.append((arrived - committed[number]) * 1000)
            finally:
                store.close()
    finally:
        receiver.shutdown()
    return {"backend": backend, "outbox_rate": outbox_rate, "direct_rate": direct_rate, "delays": delays}


def post_latency() -> list[float]:
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        return one_post_ms(receiver)
    finally:
        receiver.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--burst", type=int, default=200, help="decisions opened before the worker starts")
    parser.add_argument("--paced", type=int, default=100, help="decisions opened while the worker runs")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between paced decisions")
    parser.add_argument("--write", type=Path, help="write the results into this markdown file")
    args = parser.parse_args(argv)
    backends = ["sqlite", *(["postgres"] if postgres_reachable() else [])]
    direct_ms = post_latency()
    lines = [
        "| store | outbox deliveries/s | straight POSTs/s (peer) | ratio | commit → delivery p50 | p99 "
        "| one straight POST p50 (peer) | ratio p50 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend in backends:
        result = measure(backend, args.burst, args.paced, args.gap)
        delays = result["delays"]
        assert isinstance(delays, list)
        p50, p99, post = percentile(delays, 50), percentile(delays, 99), percentile(direct_ms, 50)
        outbox, straight = float(result["outbox_rate"]), float(result["direct_rate"])  # type: ignore[arg-type]
        lines.append(
            f"| {backend} | {outbox:.0f} | {straight:.0f} | {outbox / straight:.2f} | {p50:.1f} ms | {p99:.1f} ms "
            f"| {post:.2f} ms | {p50 / post:.1f} |"
        )
        print(lines[-1], flush=True)
    body = "\n".join(
        [
            heading("Notifications: the outbox's throughput and delay", "notify_outbox.py", argv),
            f"{args.burst} decisions opened (×3 messages) then delivered by one worker (8 sending threads) to a local "
            f"JSON webhook; then {args.paced} opened {args.gap:g} s apart with the worker woken by each commit. The "
            "peers: the same payloads POSTed straight with httpx from 8 threads (no outbox, no durability), and one "
            "straight POST's latency.",
            "",
            *lines,
        ]
    )
    print(body)
    if args.write:
        write_section(args.write, SECTION, body)


if __name__ == "__main__":
    main()

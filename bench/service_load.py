"""Throughput and latency of the team service under concurrent load: "record a position" (POST) and "get my
queue" (GET), on SQLite and on PostgreSQL, each beside the server's own /healthz (one database round trip)
measured on the same server in the same run.

For each backend: a fresh database; a team on the default preset with a roster of 40 (6 PMs, 6 EMs,
4 designers, 4 tech leads, 16 engineers, 4 stakeholders) and an API token each; a release rule asking for a
`load-test` from the EM that nobody supplies, so no decision settles under load; 200 open release
decisions. Then ``remit serve`` with ``--workers 1`` and ``--workers 2`` on each backend (``--sqlite-workers``,
``--postgres-workers``) and, per endpoint, a warm-up and a timed wrk run on loopback:

- healthz: ``GET /healthz`` (liveness: no database since [8/11]; ``/readyz`` does the ``SELECT 1``);
- queue: ``GET /api/v1/queue?limit=50`` as a random person of the 40 (token check + the queue);
- position: ``POST /api/v1/decisions/N/positions``, N random among the 200, as a random PM / EM /
  designer / tech lead, with a stance and basis their role may give (go, no-go in or out of scope,
  abstain): token check, the team lock, the write, re-resolution, queue rows, the audit row, commit.

Every request must answer 2xx (the script fails otherwise). Latency is wrk's (from send to full response,
per request, no coordinated-omission correction: a closed loop of ``--connections`` clients).

    python bench/service_load.py [--backends sqlite,postgres] [--seconds 10] [--connections 16]
                                 [--sqlite-workers 1,2] [--postgres-workers 1,2] [--write BENCHMARKS.md]

Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from loadkit import (
    ROSTER,
    TEAM,
    Server,
    database,
    load_average,
    machine,
    postgres_reachable,
    roster_text,
    write_section,
    wrk_version,
)
from remit import capabilities  # noqa: F401
from remit.charter import teams
from remit.decisions.commands import AddRule, OpenDecision
from remit.identity.commands import CreateToken
from remit.kernel.commands import act
from remit.kernel.uow import Store

HERE = Path(__file__).resolve().parent
LUA = HERE / "service_load.lua"
SECTION = "service_load"
DECISIONS = 200
ENDPOINTS = ("healthz", "queue", "position")
VOICES = ("pm", "em", "designer", "tech-lead")  # the roles with a say in release
WRK = shutil.which("wrk") or "/usr/bin/wrk"


@dataclass(frozen=True)
class Run:
    backend: str
    workers: int
    endpoint: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    load: str

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def prepare(url: str, tokens_dir: Path) -> tuple[Path, Path]:
    """The team, its tokens (written to files wrk reads: everyone, and the people with a say in release),
    the rule that keeps decisions open, and the open decisions."""
    store = Store.open(url, migrate=True)
    try:
        teams.init_team(uow=store.uow(), text=roster_text(), source="bench")
        lines = []
        for role, count in ROSTER.items():
            for i in range(count):
                token = act(store, TEAM, f"{role}-{i}", CreateToken(name="bench")).token
                lines.append(f"{token} {role}")
        act(
            store,
            TEAM,
            "em-0",
            AddRule(
                domain="release", because="every release under load waits for a load test", requires=["load-test:em"]
            ),
        )
        for n in range(DECISIONS):
            act(store, TEAM, f"pm-{n % 6}", OpenDecision(domain="release", title=f"r{n}"))
    finally:
        store.close()
    everyone, voices = tokens_dir / "everyone.txt", tokens_dir / "voices.txt"
    everyone.write_text("\n".join(lines) + "\n", encoding="utf-8")
    voices.write_text("\n".join(line for line in lines if line.split()[1] in VOICES) + "\n", encoding="utf-8")
    return everyone, voices


def wrk(server: Server, endpoint: str, tokens: Path, seconds: int, connections: int) -> dict[str, float]:
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA), server.url]
    command += ["--", endpoint, str(tokens), "1", str(DECISIONS)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - wrk, our arguments
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    return result


def measure(
    backend: str, workers: list[int], endpoints: list[str], seconds: int, warmup: int, connections: int
) -> list[Run]:
    runs = []
    with database(backend) as url, tempfile.TemporaryDirectory(prefix="remit-bench-") as directory:
        everyone, voices = prepare(url, Path(directory))
        for count in workers:
            with Server(url, count) as server:
                for endpoint in endpoints:
                    tokens = voices if endpoint == "position" else everyone
                    wrk(server, endpoint, tokens, warmup, connections)
                    load = load_average()
                    result = wrk(server, endpoint, tokens, seconds, connections)
                    errors = sum(int(result[k]) for k in ("connect", "read", "write", "status", "timeout"))
                    run = Run(
                        backend,
                        count,
                        endpoint,
                        int(result["requests"]),
                        result["duration_us"] / 1e6,
                        result["p50_us"] / 1e3,
                        result["p90_us"] / 1e3,
                        result["p99_us"] / 1e3,
                        errors,
                        load,
                    )
                    print(
                        f"{backend:>8} w{count} {endpoint:>8}: {run.per_second:8.1f}/s  p50 {run.p50_ms:7.2f} ms  "
                        f"p99 {run.p99_ms:7.2f} ms  errors {errors}  (load {load})",
                        flush=True,
                    )
                    runs.append(run)
    return runs


def table(runs: list[Run]) -> str:
    health = {(r.backend, r.workers): r for r in runs if r.endpoint == "healthz"}
    lines = [
        "| backend | workers | endpoint | requests/s | p50 ms | p90 ms | p99 ms | ÷ /healthz req/s | non-2xx | load |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        ratio = r.per_second / health[(r.backend, r.workers)].per_second
        lines.append(
            f"| {r.backend} | {r.workers} | {r.endpoint} | {r.per_second:,.0f} | {r.p50_ms:.1f} | {r.p90_ms:.1f} | "
            f"{r.p99_ms:.1f} | {ratio:.2f} | {r.errors} | {r.load} |"
        )
    return "\n".join(lines)


def versus(runs: list[Run]) -> str:
    """PostgreSQL against SQLite, per endpoint, at each worker count measured on both."""
    lines = [
        "| workers | endpoint | PostgreSQL ÷ SQLite: requests/s | p50 | p99 |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    found = {(r.backend, r.workers, r.endpoint): r for r in runs}
    for workers in sorted({r.workers for r in runs}):
        for endpoint in ENDPOINTS:
            a, b = found.get(("postgres", workers, endpoint)), found.get(("sqlite", workers, endpoint))
            if a is None or b is None:
                continue
            lines.append(
                f"| {workers} | {endpoint} | {a.per_second / b.per_second:.2f} | {a.p50_ms / b.p50_ms:.2f} | "
                f"{a.p99_ms / b.p99_ms:.2f} |"
            )
    return "\n".join(lines) if len(lines) > 2 else ""


def section(runs: list[Run], command: str, seconds: int, connections: int) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "## The team service under load",
            "",
            f"- Command: `{command}`",
            f"- Date: {now}",
            f"- Machine: {machine()}",
            f"- Load generator: wrk {wrk_version(WRK)} on loopback, 1 thread, {connections} connections (a closed "
            f"loop), {seconds} s per row after a warm-up, on the same 2 cores as the server and the database.",
            f"- Data: {DECISIONS} open release decisions, a roster of {sum(ROSTER.values())}, a token each; "
            "queue = `GET /api/v1/queue?limit=50` as a random person; position = `POST "
            "/api/v1/decisions/N/positions` as a random PM / EM / designer / tech lead with a stance their role "
            "may give (decisions never settle: a rule waits on evidence nobody supplies).",
            "",
            table(runs),
            "",
            versus(runs),
            "",
            "The ÷ /healthz column is the endpoint's requests per second over /healthz's on the same server in the "
            "same run (/healthz answers on the event loop with no database: the floor any endpoint pays for HTTP "
            "and the framework). Every write takes the team lock (one writer at a time per team), so the POST row "
            "is the rate at which one team can record positions. The load column is the machine's load average "
            "(1 / 5 minutes) as the row started: above about 2 on these 2 cores, something else was running too.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=10, help="timed seconds per row")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per row (not recorded)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS), help="a subset of " + ", ".join(ENDPOINTS))
    parser.add_argument("--sqlite-workers", default="1,2", help="server processes on SQLite, e.g. 1 or 1,2")
    parser.add_argument("--postgres-workers", default="1,2", help="server processes on PostgreSQL, e.g. 2 or 1,2")
    parser.add_argument("--write", type=Path, metavar="FILE", help="write/replace the section in FILE")
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if "postgres" in backends and not postgres_reachable():
        print("PostgreSQL is not reachable; measuring SQLite only", file=sys.stderr)
        backends.remove("postgres")
    workers = {"sqlite": args.sqlite_workers, "postgres": args.postgres_workers}
    runs: list[Run] = []
    for backend in backends:
        counts = [int(w) for w in workers[backend].split(",")]
        endpoints = ["healthz", *(e for e in args.endpoints.split(",") if e in ENDPOINTS and e != "healthz")]
        runs += measure(backend, counts, endpoints, args.seconds, args.warmup, args.connections)
    if any(run.errors for run in runs):
        print("some requests failed (non-2xx or socket errors): nothing written", file=sys.stderr)
        return 1
    print()
    print(table(runs))
    print()
    print(versus(runs))
    if args.write is not None:
        command = "python bench/service_load.py " + " ".join(argv if argv is not None else sys.argv[1:])
        write_section(args.write, SECTION, section(runs, command.strip(), args.seconds, args.connections))
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

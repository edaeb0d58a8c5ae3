"""Does every worker work? ``/healthz`` and a signed-in ``GET /api/v1/queue?limit=50`` against the server run
N ways, with 1 and 2 worker processes, reporting requests per second and the cores the server's processes
used (their CPU time from ``/proc/<pid>/stat`` over the timed run), and how that time split between them.

Ways to serve (``--ways``):

- ``shared-h11``: uvicorn's supervisor with one listening socket shared by the workers, h11 on asyncio: what
  ``remit serve --workers N`` was before (with ``TCP_NODELAY`` on the shared socket);
- ``shared``: the same shared socket with httptools on uvloop;
- ``remit``: ``remit serve --workers N`` as shipped: a socket per worker on ``SO_REUSEPORT`` (``remit/workers.py``),
  httptools on uvloop;
- ``granian``: granian's own workers (Rust HTTP, ``--interface asgi``), if granian is installed.

The data is service_load.py's: a team of 40 with a token each and 200 open decisions, on PostgreSQL (SQLite
wants one writer process). Load: wrk on loopback, one thread, ``--connections`` keep-alive connections.

    python bench/workers.py [--ways shared-h11,shared,remit,granian] [--workers 1,2] [--seconds 10]
                            [--connections 64] [--write BENCHMARKS.md]

Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from loadkit import REMIT, database, free_port, heading, load_average, postgres_reachable, write_section
from service_load import WRK, prepare, wrk

SECTION = "workers"
WAYS = ("shared-h11", "shared", "remit", "granian")
ENDPOINTS = ("healthz", "queue")
TICKS = os.sysconf("SC_CLK_TCK")


def serve_shared(port: int, workers: int, http: str, loop: str) -> None:
    """The server as ``remit serve`` ran it before: uvicorn's supervisor, one shared socket (in this process)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "remit.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        http=http,  # type: ignore[arg-type]
        loop=loop,  # type: ignore[arg-type]
    )
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if workers <= 1:
        uvicorn.Server(config).run(sockets=[sock])
    else:
        Multiprocess(config, sockets=[sock]).run()


def command(way: str, port: int, workers: int, url: str) -> list[str]:
    if way == "remit":
        return [REMIT, "--database", url, "serve", "--port", str(port), "--workers", str(workers)]
    if way == "granian":
        granian = str(Path(sys.executable).with_name("granian"))
        return [
            granian,
            "--interface",
            "asgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--loop",
            "uvloop",
            "--log-level",
            "warning",
            "--no-access-log",
            "remit.app:create_app",
        ]
    http, loop = ("h11", "asyncio") if way == "shared-h11" else ("httptools", "uvloop")
    return [sys.executable, __file__, "--serve-shared", f"{port},{workers},{http},{loop}"]


@dataclass
class Running:
    way: str
    workers: int
    threads: int
    url: str
    process: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        """The server's processes: every process in its session (it was started in a new one)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid:  # field 6, the session id
                found.append(int(entry.name))
        return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return times


def held_connections(port: int) -> list[int]:
    """Established connections to ``port`` per server process (``ss``), most first."""
    done = subprocess.run(  # noqa: S603 - ss, our arguments
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],  # noqa: S607 - ss on PATH
        capture_output=True,
        text=True,
        check=False,
    )
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", done.stdout):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def start(way: str, workers: int, url: str, directory: Path, threads: int) -> Running:
    port = free_port()
    env = {**os.environ, "REMIT_DATABASE_URL": url, "REMIT_CHECKPOINT_DIR": str(directory / "checkpoints")}
    env["REMIT_THREADS"] = str(threads)
    env["REMIT_SIGNING_KEY_FILE"] = str(directory / "signing-key.pem")
    process = subprocess.Popen(  # noqa: S603 - our own server, our own arguments
        command(way, port, workers, url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=directory,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{way} exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                time.sleep(1 + workers)  # every worker up, not only the first
                return Running(way, workers, threads, base, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{way} did not answer within 90 s")


def stop(running: Running) -> None:
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGTERM)
        try:
            running.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(running.process.pid, signal.SIGKILL)
            running.process.wait(10)


@dataclass(frozen=True)
class Row:
    way: str
    workers: int
    threads: int
    endpoint: str
    per_second: float
    p99_ms: float
    cores: float
    split: list[float]  # cores per process, busiest first
    held: list[int]  # connections per process halfway through, most first
    errors: int
    load: str


def timed(running: Running, endpoint: str, tokens: Path, seconds: int, warmup: int, connections: int) -> Row:
    wrk(running, endpoint, tokens, warmup, connections)  # type: ignore[arg-type]  # wrk reads .url only
    pids = running.pids()
    load = load_average()
    before, began = cpu_seconds(pids), time.monotonic()
    held: list[list[int]] = []
    sampler = threading.Timer(seconds / 2, lambda: held.append(held_connections(int(running.url.rsplit(":", 1)[1]))))
    sampler.start()
    result = wrk(running, endpoint, tokens, seconds, connections)  # type: ignore[arg-type]
    sampler.join()
    after, wall = cpu_seconds(pids), time.monotonic() - began
    used = sorted(((after[pid] - before.get(pid, after[pid])) / wall for pid in after), reverse=True)
    errors = sum(int(result[k]) for k in ("connect", "read", "write", "status", "timeout"))
    return Row(
        running.way,
        running.workers,
        running.threads,
        endpoint,
        result["requests"] / (result["duration_us"] / 1e6),
        result["p99_us"] / 1e3,
        sum(used),
        [share for share in used if share >= 0.01],
        held[0] if held else [],
        errors,
        load,
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| way | workers | threads | endpoint | requests/s | p99 ms | cores used | requests per core-second "
        "| per process | connections held "
        "| errors | load |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    for r in rows:
        split = " + ".join(f"{share:.2f}" for share in r.split)
        lines.append(
            f"| {r.way} | {r.workers} | {r.threads} | {r.endpoint} | {r.per_second:,.0f} | {r.p99_ms:.1f} | "
            f"{r.cores:.2f} | {r.per_second / max(r.cores, 0.01):,.0f} | {split} | {' / '.join(map(str, r.held))} | "
            f"{r.errors} | {r.load} |"
        )
    return "\n".join(lines)


def section(rows: list[Row], argv: list[str] | None, seconds: int, connections: int) -> str:
    return "\n".join(
        [
            heading("Workers: does every worker work?", "workers.py", argv),
            f"- Load: wrk, 1 thread, {connections} keep-alive connections, {seconds} s per row after a warm-up, "
            "on the same 2 cores as the server and PostgreSQL; the load column is the load average (1 / 5 min) "
            "as the row started (the machine is shared: above 2, something else was running too).",
            "- Cores used: the server's processes' CPU time (user + system, `/proc/<pid>/stat`) over the timed "
            "run, divided by its wall time; PostgreSQL's and wrk's are not counted. Requests per core-second: "
            "requests/s ÷ cores used, what a core buys whatever else the machine runs. Per process: the same, for "
            "each process over 0.01 cores (the supervisor idles). Connections held: wrk's keep-alive "
            "connections each process held halfway through the run (`ss`).",
            "- Ways: `shared-h11` is uvicorn's supervisor with one shared socket, h11 on asyncio (`remit serve` "
            "before); `shared` the same with httptools on uvloop; `remit` is `remit serve` now (a socket per "
            "worker on `SO_REUSEPORT`, httptools on uvloop); `granian` is granian's own workers.",
            "",
            table(rows),
        ]
    )


def plan(ways: list[str], counts: list[int], threads: list[int]) -> list[tuple[str, int, int]]:
    """Every way at every worker count; `remit` at every thread pool size too, the others at the first."""
    return [
        (way, count, size) for way in ways for count in counts for size in (threads if way == "remit" else threads[:1])
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", default="8", help="REMIT_THREADS values to measure `remit` at, e.g. 4,8,40")
    parser.add_argument("--write", type=Path, metavar="FILE")
    parser.add_argument("--section", default=SECTION, help="the BENCHMARKS.md section to write (e.g. workers_threads)")
    parser.add_argument("--serve-shared", help=argparse.SUPPRESS)  # PORT,WORKERS,HTTP,LOOP: run a server
    args = parser.parse_args(argv)
    if args.serve_shared:
        port, workers, http, loop = args.serve_shared.split(",")
        serve_shared(int(port), int(workers), http, loop)
        return 0
    if not Path(WRK).exists():
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    if not postgres_reachable():
        print("PostgreSQL is not reachable: several workers want it; nothing measured", file=sys.stderr)
        return 2
    ways = [w for w in args.ways.split(",") if w in WAYS]
    if "granian" in ways and importlib.util.find_spec("granian") is None:
        print("granian is not installed (pip install granian): not measured", file=sys.stderr)
        ways.remove("granian")
    counts = [int(n) for n in args.workers.split(",")]
    endpoints = [e for e in args.endpoints.split(",") if e in ENDPOINTS]
    rows: list[Row] = []
    with database("postgres") as url, tempfile.TemporaryDirectory(prefix="remit-bench-") as folder:
        everyone, _voices = prepare(url, Path(folder))
        for way, count, threads in plan(ways, counts, [int(n) for n in args.threads.split(",")]):
            running = start(way, count, url, Path(folder), threads)
            try:
                for endpoint in endpoints:
                    row = timed(running, endpoint, everyone, args.seconds, args.warmup, args.connections)
                    print(
                        f"{way:>10} w{count} t{threads} {endpoint:>8}: {row.per_second:8.1f}/s "
                        f"p99 {row.p99_ms:7.1f} ms "
                        f"cores {row.cores:.2f} ({' + '.join(f'{s:.2f}' for s in row.split)}) "
                        f"connections {' / '.join(map(str, row.held))} "
                        f"errors {row.errors} (load {row.load})",
                        flush=True,
                    )
                    rows.append(row)
            finally:
                stop(running)
    print()
    print(table(rows))
    if args.write is not None:
        write_section(args.write, args.section, section(rows, argv, args.seconds, args.connections))
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

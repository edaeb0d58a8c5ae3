"""The public status page when everyone reloads it during an outage: requests/s and latency of
``/api/v2/summary.json`` and the HTML page ``/status`` served by Remit (the demo, on SQLite), against nginx
serving the same bytes as static files, on the same machine, in the same run, with the same client.

Remit's demo is seeded into a fresh SQLite file; ``remit serve`` renders its public bodies, and the bench
fetches them (with their headers) and writes them into a directory that nginx serves (a generated config,
``worker_processes`` = the machine's cores, the same headers added, its own ETag). Then, one server at a time
on a free loopback port, per request kind a warm-up and a timed wrk run at ``--connections`` (64):

- ``summary.json``: ``GET /api/v2/summary.json``, 200 and the whole body;
- ``page``: ``GET /status``, the HTML page;
- ``summary.json 304``: the same with ``If-None-Match`` set to the server's own ETag, so every answer is a
  304 with no body (what a browser or a CDN that reloads sends).

The servers (``--servers``, a subset of ``SERVERS``):

- ``nginx``: the static files;
- ``remit``, ``remit-w2``: ``remit serve`` as shipped (uvicorn, with httptools + uvloop when installed, as
  they are by ``make bench``), 1 and 2 worker processes;
- ``uvicorn-h11``: the same app on uvicorn with its pure-Python parser and asyncio's loop (what ``remit
  serve`` gets without the ``bench`` extra);
- ``granian``, ``granian-w2``: the same app on granian (a Rust HTTP server), 1 and 2 workers;
- ``bare``: the floor: a bare ASGI app (``bare_asgi.py``) answering the same bytes from a dict, on uvicorn
  with httptools + uvloop.

Every server is first checked to answer the same bytes as nginx (and a 304 to its ETag); wrk's socket or
status errors fail the run. Nothing asserts on time; the numbers are reported, with the load average.

    python bench/status_surge.py [--seconds 5] [--warmup 1] [--connections 64] [--servers nginx,remit,...]
                                 [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx

from loadkit import REMIT, free_port, launch, load_average, machine, stop, write_section, wrk_version
from nginx_static import NGINX, nginx_conf, nginx_version, publish
from remit.kernel.uow import Store
from remit.seed import seed_demo
from remit.status import web as status_web

HERE = Path(__file__).resolve().parent
LUA = HERE / "status_surge.lua"
SECTION = "status_surge"
BASE = "http://status.bench.invalid"  # the links in the bodies: the same bytes whatever port serves them
PATHS = {"summary.json": "/api/v2/summary.json", "page": "/status"}
REQUESTS = (("summary.json", False), ("page", False), ("summary.json", True))  # (body, conditional)
SERVERS = ("remit", "remit-w2", "uvicorn-h11", "granian", "granian-w2", "bare")
SKIPPED_HEADERS = {"date", "server", "content-length", "content-type", "etag", "last-modified", "connection"}
WRK = shutil.which("wrk")
GRANIAN = str(Path(sys.executable).with_name("granian"))


@dataclass(frozen=True)
class Run:
    server: str
    request: str
    conditional: bool
    requests: int
    seconds: float
    bytes: int
    p50_ms: float
    p99_ms: float
    cpu_us: float  # the server's CPU time per answer
    load: str

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def name(self) -> str:
        return f"{self.request} 304" if self.conditional else self.request


@dataclass(frozen=True)
class Bodies:
    """What Remit served for each path: the bytes, the content type, the other headers nginx should add."""

    content: dict[str, bytes]
    content_type: dict[str, str]
    headers: dict[str, dict[str, str]]
    etag: dict[str, str]


def has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def uvicorn_stack() -> str:
    """What uvicorn's ``auto`` picks here, so what ``remit serve`` runs on."""
    http = "httptools" if has("httptools") else "h11"
    loop = "uvloop" if has("uvloop") else "asyncio"
    return f"{http} + {loop}"


def describe(server: str, workers: int) -> tuple[str, str]:
    """(the row's label, the command it ran, with placeholders for the port and paths)."""
    app = "remit.app:create_app"
    serve = f"remit serve --port P --workers {workers}"
    return {
        "nginx": (
            f"nginx {nginx_version()}, static files",
            "nginx -e DIR/nginx-error.log -c DIR/nginx.conf -p DIR -g 'daemon off;'",
        ),
        "remit": (f"remit serve (uvicorn, {uvicorn_stack()})", serve),
        "uvicorn-h11": (
            "the same app on uvicorn, h11 + asyncio",
            f"uvicorn --factory {app} --http h11 --loop asyncio --no-access-log",
        ),
        "granian": (
            f"the same app on granian {package('granian')}",
            f"granian --interface asgi --factory --workers {workers} {app}",
        ),
        "bare": (
            "a bare ASGI app, same bytes, uvicorn httptools + uvloop",
            "uvicorn --app-dir bench bare_asgi:app --http httptools --loop uvloop --no-access-log",
        ),
    }[server.removesuffix("-w2")]


def workers_of(server: str) -> int:
    return 2 if server.endswith("-w2") else 1


def missing_tools(servers: list[str]) -> list[str]:
    """What this run cannot do without: wrk and nginx (the baseline), in words with the install line."""
    missing = []
    if WRK is None:
        missing.append("wrk (the load generator): apt-get install -y wrk")
    if NGINX is None:
        missing.append("nginx (the baseline): apt-get install -y nginx-light")
    if "bare" in servers and not (has("httptools") and has("uvloop")):
        missing.append("httptools and uvloop (the bare row): pip install -e '.[bench]' (make bench does)")
    return missing


def available(servers: list[str]) -> list[str]:
    """The servers this machine can run; granian without its package is skipped, and said so."""
    if any(s.startswith("granian") for s in servers) and not Path(GRANIAN).exists():
        print("granian is not installed (pip install -e '.[bench]'): its rows are skipped", file=sys.stderr)
        servers = [s for s in servers if not s.startswith("granian")]
    return servers


def remit_env(directory: Path, database: str) -> dict[str, str]:
    """The environment of every Remit server in the run: one database, one base URL (so every copy renders
    the same bytes), warnings only, no notification worker (nothing to deliver; one less thread)."""
    return {
        **os.environ,
        "REMIT_DATABASE_URL": database,
        "REMIT_BASE_URL": BASE,
        "REMIT_LOG_LEVEL": "warning",
        "REMIT_NOTIFY_SECONDS": "0",
        "REMIT_CHECKPOINT_DIR": str(directory / "checkpoints"),
    }


def command_for(server: str, port: int, database: str) -> list[str]:
    workers = str(workers_of(server))
    python, app = sys.executable, "remit.app:create_app"
    where = ["--host", "127.0.0.1", "--port", str(port)]
    quiet = ["--no-access-log", "--log-level", "warning"]
    kind = server.removesuffix("-w2")
    if kind == "remit":
        return [REMIT, "--database", database, "serve", "--port", str(port), "--workers", workers]
    if kind == "uvicorn-h11":
        return [python, "-m", "uvicorn", "--factory", app, *where, "--http", "h11", "--loop", "asyncio", *quiet]
    if kind == "granian":
        granian = [GRANIAN, "--interface", "asgi", "--factory", *where, "--workers", workers]
        return [*granian, "--log-level", "warning", app]
    if kind == "bare":
        fast = ["--http", "httptools", "--loop", "uvloop"]
        return [python, "-m", "uvicorn", "--app-dir", str(HERE), "bare_asgi:app", *where, *fast, *quiet]
    raise ValueError(server)


@contextlib.contextmanager
def running(server: str, directory: Path, database: str) -> Iterator[tuple[str, int]]:
    """The server on a free loopback port, until the block ends; its URL and its process group."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = directory / f"{server}.log"
    if server == "nginx":
        conf = nginx_conf(directory, port)
        command = [NGINX or "nginx", "-e", str(directory / "nginx-error.log"), "-c", str(conf), "-p", str(directory)]
        process = launch([*command, "-g", "daemon off;"], url + PATHS["summary.json"], cwd=directory, log=log)
    else:
        env = remit_env(directory, database) | {"REMIT_BENCH_BODIES": str(directory / "public")}
        probe = url + ("/healthz" if server != "bare" else PATHS["summary.json"])
        process = launch(command_for(server, port, database), probe, env=env, cwd=directory, log=log)
    try:
        yield url, process.pid
    finally:
        stop(process)


def fetch(url: str) -> Bodies:
    """Remit's public bodies and headers, as a client gets them."""
    content, kinds, headers, etags = {}, {}, {}, {}
    for name, path in PATHS.items():
        answer = httpx.get(url + path, timeout=10)
        answer.raise_for_status()
        content[name], kinds[name], etags[name] = answer.content, answer.headers["content-type"], answer.headers["etag"]
        headers[name] = {k: v for k, v in answer.headers.items() if k.lower() not in SKIPPED_HEADERS}
    return Bodies(content, kinds, headers, etags)


def check(url: str, bodies: Bodies) -> dict[str, str]:
    """The server answers the same bytes as Remit rendered, and a 304 to its ETag; its ETags."""
    etags = {}
    for name, path in PATHS.items():
        answer = httpx.get(url + path, timeout=10)
        if answer.status_code != 200 or answer.content != bodies.content[name]:
            raise RuntimeError(f"{url}{path} answered {answer.status_code}, not the same bytes as Remit rendered")
        etags[name] = answer.headers["etag"]
        again = httpx.get(url + path, headers={"If-None-Match": etags[name]}, timeout=10)
        if again.status_code != 304:
            raise RuntimeError(f"{url}{path} answered {again.status_code} to its own ETag, not 304")
    return etags


def cpu_seconds(group: int) -> float:
    """User + system CPU seconds of the live processes of a process group (the server and its workers), from
    /proc: what the server spent, whatever else the machine was doing."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, connections: int, threads: int, etag: str | None) -> dict[str, float]:
    command = [WRK or "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA)]
    if etag is not None:
        command += ["-H", f"If-None-Match: {etag}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)  # noqa: S603 - wrk
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    errors = sum(int(result[k]) for k in ("connect", "read", "write", "status", "timeout"))
    if errors:
        raise RuntimeError(f"wrk saw {errors} socket or status errors on {url}: {result}")
    return result


@dataclass(frozen=True)
class Target:
    """A running server: its name, URL, process group and ETags."""

    server: str
    url: str
    group: int
    etags: dict[str, str]


def timed(target: Target, name: str, conditional: bool, args: argparse.Namespace) -> Run:
    """A warm-up, then a timed wrk run of one request kind against one server, with its CPU time."""
    url, etag = target.url + PATHS[name], target.etags[name] if conditional else None
    wrk(url, args.warmup, args.connections, args.threads, etag)
    load, spent = load_average(), cpu_seconds(target.group)
    result = wrk(url, args.seconds, args.connections, args.threads, etag)
    spent = cpu_seconds(target.group) - spent
    run = Run(
        target.server,
        name,
        conditional,
        int(result["requests"]),
        result["duration_us"] / 1e6,
        int(result["bytes"]),
        result["p50_us"] / 1e3,
        result["p99_us"] / 1e3,
        spent / max(int(result["requests"]), 1) * 1e6,
        load,
    )
    print(
        f"{target.server:>11} {run.name:>16}: {run.per_second:9,.0f}/s  p50 {run.p50_ms:6.2f} ms  "
        f"p99 {run.p99_ms:6.2f} ms  {run.cpu_us:5.0f} µs CPU/answer  "
        f"{run.bytes / max(run.requests, 1):5,.0f} B  (load {load})",
        flush=True,
    )
    return run


def measure(
    server: str, directory: Path, database: str, bodies: Bodies, nginx: Target, args: argparse.Namespace
) -> list[tuple[Run, Run]]:
    """Each request kind against the server, each right after the same against nginx: (nginx's, the row's).
    On a machine others share, the two runs of a pair see about the same load."""
    pairs = []
    with running(server, directory, database) as (url, group):
        target = Target(server, url, group, check(url, bodies))
        for name, conditional in REQUESTS:
            pairs.append((timed(nginx, name, conditional, args), timed(target, name, conditional, args)))
    return pairs


def front_cost(database: str, calls: int = 20_000) -> dict[str, float]:
    """Microseconds per ``Front.serve`` call in this process, no server, no socket (best of 5): the share of
    an answer that is Remit's own code, for summary.json's 200 and its 304."""
    store = Store.open(database, migrate=False)
    published = status_web.Published(store, BASE)
    published.start()
    front = status_web.Front(published)
    body = published.body(None, "summary.json")
    assert body is not None

    async def send(_message: object) -> None:
        return None

    async def timed(headers: list[tuple[bytes, bytes]]) -> float:
        scope = {"type": "http", "method": "GET", "path": PATHS["summary.json"], "headers": headers}
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls):
                await front.serve(scope, send)
            best = min(best, (time.perf_counter() - start) / calls * 1e6)
        return best

    common = [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk"), (b"accept", b"*/*")]
    try:
        return {
            "200": asyncio.run(timed(common)),
            "304": asyncio.run(timed([*common, (b"if-none-match", body.etag.encode())])),
        }
    finally:
        published.stop()
        store.close()


def table(pairs: list[tuple[Run, Run]]) -> str:
    lines = [
        "| server | workers | request | requests/s | nginx, just before | ÷ nginx | p50 ms | p99 ms "
        "| server CPU µs/answer | nginx's | ÷ nginx by CPU | bytes/answer | load |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for base, r in pairs:
        lines.append(
            f"| {describe(r.server, workers_of(r.server))[0]} | {workers_of(r.server)} | {r.name} "
            f"| {r.per_second:,.0f} | {base.per_second:,.0f} | {r.per_second / base.per_second:.2f}× "
            f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.cpu_us:,.0f} | {base.cpu_us:,.0f} | {base.cpu_us / r.cpu_us:.2f}× "
            f"| {r.bytes / max(r.requests, 1):,.0f} | {r.load} |"
        )
    label = describe("nginx", 1)[0]
    for name in dict.fromkeys(r.name for r, _ in pairs):
        runs = [base for base, _ in pairs if base.name == name]
        rates = sorted(r.per_second for r in runs)
        lines.append(
            f"| {label}: its {len(runs)} runs | auto | {name} | {rates[0]:,.0f} to {rates[-1]:,.0f} | | 1× "
            f"| {statistics.median(r.p50_ms for r in runs):.2f} | {statistics.median(r.p99_ms for r in runs):.2f} "
            f"| {statistics.median(r.cpu_us for r in runs):,.0f} | | 1× "
            f"| {runs[0].bytes / max(runs[0].requests, 1):,.0f} | |"
        )
    return "\n".join(lines)


def commands(servers: list[str]) -> str:
    return "\n".join(f"- `{s}`: `{describe(s, workers_of(s))[1]}`" for s in servers)


def verdict(pairs: list[tuple[Run, Run]]) -> str:
    """Whether the best Remit row reaches half of nginx, per request, by rate and by CPU."""
    lines = []
    for name in dict.fromkeys(r.name for _, r in pairs):
        ours = [(b, r) for b, r in pairs if r.name == name and r.server != "bare"]
        if not ours:
            continue
        base, best = max(ours, key=lambda pair: pair[1].per_second / pair[0].per_second)
        ratio = best.per_second / base.per_second
        thrifty = max(ours, key=lambda pair: pair[0].cpu_us / pair[1].cpu_us)
        reached = "reaches" if ratio >= 0.5 else "does not reach"
        lines.append(
            f"- {name}: the best Remit row, `{best.server}`, answers {ratio:.2f}× nginx's rate ({reached} the 0.5× "
            f"aim); by CPU per answer the best is `{thrifty[1].server}` at "
            f"{thrifty[0].cpu_us / thrifty[1].cpu_us:.2f}×"
        )
    return "\n".join(lines)


def section(pairs: list[tuple[Run, Run]], servers: list[str], argv: list[str] | None, args: argparse.Namespace) -> str:
    command = "python bench/status_surge.py " + " ".join(argv if argv is not None else sys.argv[1:])
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes = ", ".join(f"{name} {len(content):,} B" for name, content in BODIES_SEEN.items())
    return "\n".join(
        [
            "## The public status page under a surge",
            "",
            f"- Command: `{command.strip()}`",
            f"- Date: {now}",
            f"- Machine: {machine()}; nginx {nginx_version()}, uvicorn {package('uvicorn')}, "
            f"httptools {package('httptools')}, uvloop {package('uvloop')}, granian {package('granian')}",
            f"- Load generator: wrk {wrk_version(WRK or 'wrk')} on loopback, {args.threads} thread(s), "
            f"{args.connections} "
            f"connections (a closed loop), {args.seconds} s per row after {args.warmup} s of warm-up, on the same "
            "cores as the server.",
            f"- Bodies: the demo's, rendered by Remit ({sizes}), served by nginx from files with the same content "
            "type and headers; every server is checked to answer the same bytes and a 304 to its own ETag first.",
            f"- Remit's own code per answer: `Front.serve` takes {FRONT.get('200', 0):.1f} µs for summary.json "
            f"and {FRONT.get('304', 0):.1f} µs for its 304, called in-process with no server (best of 5 × 20,000 "
            "calls); the rest of the server CPU column is the ASGI server's and the event loop's.",
            "",
            table(pairs),
            "",
            verdict(pairs),
            "",
            "The servers, as run (P: a free port; DIR: the run's temporary directory):",
            "",
            commands(servers),
            "",
            "÷ nginx is the row's requests/s over nginx's for the same request, measured just before it (nginx runs "
            "throughout; each row is paired with its own nginx run, so both see about the same load); ÷ nginx by CPU "
            "is "
            "nginx's server CPU time per answer over the row's: the ratio the two would reach if each had the same "
            "CPU to itself, which moves less with what else the machine runs. The load column is "
            "the machine's load average (1 / 5 minutes) as the row started: above about 2 on 2 cores, something "
            "else was running too, and every row of the run is lower for it.",
        ]
    )


BODIES_SEEN: dict[str, bytes] = {}
FRONT: dict[str, float] = {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=5, help="timed seconds per row")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per row (not recorded)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
    parser.add_argument("--servers", default=",".join(SERVERS), help="a subset of " + ", ".join(SERVERS))
    parser.add_argument("--write", type=Path, metavar="FILE", help="write/replace the section in FILE")
    args = parser.parse_args(argv)
    servers = [s for s in args.servers.split(",") if s in SERVERS]
    missing = missing_tools(servers)
    if missing:
        print("status_surge cannot run; missing:\n  " + "\n  ".join(missing), file=sys.stderr)
        print("(bench/README.md says how to install them)", file=sys.stderr)
        return 2
    servers = available(servers)
    pairs: list[tuple[Run, Run]] = []
    with tempfile.TemporaryDirectory(prefix="remit-surge-") as folder:
        directory = Path(folder)
        database = f"sqlite:///{directory}/remit.db"
        store = Store.open(database, migrate=True)
        try:
            seed_demo(store, BASE)
        finally:
            store.close()
        with running("remit", directory, database) as (url, _group):
            bodies = fetch(url)
        BODIES_SEEN.update(bodies.content)
        FRONT.update(front_cost(database))
        print(f"Front.serve in-process: {FRONT['200']:.1f} µs per 200, {FRONT['304']:.1f} µs per 304", flush=True)
        publish(bodies, directory, PATHS)
        with running("nginx", directory, database) as (url, group):
            nginx = Target("nginx", url, group, check(url, bodies))
            for server in servers:
                pairs += measure(server, directory, database, bodies, nginx, args)
    print()
    print(table(pairs))
    print()
    print(verdict(pairs))
    if args.write is not None:
        write_section(args.write, SECTION, section(pairs, ["nginx", *servers], argv, args))
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

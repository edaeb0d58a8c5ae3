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
import contextlib
import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx
from loadkit import REMIT, free_port, launch, load_average, machine, stop, write_section

from remit.kernel.uow import Store
from remit.seed import seed_demo

HERE = Path(__file__).resolve().parent
LUA = HERE / "status_surge.lua"
SECTION = "status_surge"
BASE = "http://status.bench.invalid"  # the links in the bodies: the same bytes whatever port serves them
PATHS = {"summary.json": "/api/v2/summary.json", "page": "/status"}
REQUESTS = (("summary.json", False), ("page", False), ("summary.json", True))  # (body, conditional)
SERVERS = ("nginx", "remit", "remit-w2", "uvicorn-h11", "granian", "granian-w2", "bare")
SKIPPED_HEADERS = {"date", "server", "content-length", "content-type", "etag", "last-modified", "connection"}
WRK = shutil.which("wrk")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
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
        "nginx": (f"nginx {nginx_version()}, static files", "nginx -c DIR/nginx.conf -p DIR -g 'daemon off;'"),
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


def nginx_version() -> str:
    if NGINX is None:
        return "missing"
    done = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=False)  # noqa: S603 - nginx
    return (done.stderr or done.stdout).strip().rpartition("/")[2] or "unknown"


def wrk_version() -> str:
    done = subprocess.run([WRK or "wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S603 - wrk
    words = (done.stdout + done.stderr).split()
    return words[1] if len(words) > 1 else "unknown"


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
        return [GRANIAN, "--interface", "asgi", "--factory", *where, "--workers", workers, "--log-level", "warning", app]
    if kind == "bare":
        fast = ["--http", "httptools", "--loop", "uvloop"]
        return [python, "-m", "uvicorn", "--app-dir", str(HERE), "bare_asgi:app", *where, *fast, *quiet]
    raise ValueError(server)


@contextlib.contextmanager
def running(server: str, directory: Path, database: str) -> Iterator[str]:
    """The server on a free loopback port, until the block ends; its URL."""
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
        yield url
    finally:
        stop(process)


def fetch(url: str) -> Bodies:
    """Remit's public bodies and headers, as a client gets them."""
    content, kinds, headers = {}, {}, {}
    for name, path in PATHS.items():
        answer = httpx.get(url + path, timeout=10)
        answer.raise_for_status()
        content[name], kinds[name] = answer.content, answer.headers["content-type"]
        headers[name] = {k: v for k, v in answer.headers.items() if k.lower() not in SKIPPED_HEADERS}
    return Bodies(content, kinds, headers)


def publish(bodies: Bodies, directory: Path) -> None:
    """The bytes as files nginx (and the bare app) serve, readable by nginx's unprivileged workers."""
    public = directory / "public"
    public.mkdir(mode=0o755)
    manifest = {}
    for name, path in PATHS.items():
        (public / name).write_bytes(bodies.content[name])
        (public / name).chmod(0o644)
        manifest[path] = [name, bodies.content_type[name]]
    (public / "bodies.json").write_text(json.dumps(manifest), encoding="utf-8")
    directory.chmod(0o755)
    (directory / "bodies.json").write_text(json.dumps({"headers": bodies.headers}), encoding="utf-8")


def nginx_conf(directory: Path, port: int) -> Path:
    """A minimal nginx config serving each path from its file, with Remit's content type and headers."""
    saved = json.loads((directory / "bodies.json").read_text(encoding="utf-8"))["headers"]
    manifest = json.loads((directory / "public" / "bodies.json").read_text(encoding="utf-8"))
    locations = []
    for path, (name, kind) in manifest.items():
        added = "".join(
            f'      add_header {key} "{value}" always;\n'
            for key, value in saved[name].items()
            if '"' not in value and "$" not in value
        )
        locations.append(
            f"    location = {path} {{\n      alias {directory / 'public' / name};\n"
            f'      default_type "{kind}";\n{added}    }}\n'
        )
    conf = directory / "nginx.conf"
    conf.write_text(
        f"worker_processes {os.cpu_count() or 1};\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'nginx-error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n  types { }\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n"
        "  keepalive_requests 10000000;\n  server_tokens off;\n  open_file_cache max=16 inactive=60s;\n"
        + "".join(f"  {kind}_temp_path {directory / ('nginx-' + kind)};\n" for kind in TEMP_PATHS)
        + f"  server {{\n    listen 127.0.0.1:{port};\n"
        + "".join(locations)
        + "  }\n}\n",
        encoding="utf-8",
    )
    return conf


TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


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


def measure(server: str, directory: Path, database: str, bodies: Bodies, args: argparse.Namespace) -> list[Run]:
    runs = []
    with running(server, directory, database) as url:
        etags = check(url, bodies)
        for name, conditional in REQUESTS:
            etag = etags[name] if conditional else None
            wrk(url + PATHS[name], args.warmup, args.connections, args.threads, etag)
            load = load_average()
            result = wrk(url + PATHS[name], args.seconds, args.connections, args.threads, etag)
            run = Run(
                server,
                name,
                conditional,
                int(result["requests"]),
                result["duration_us"] / 1e6,
                int(result["bytes"]),
                result["p50_us"] / 1e3,
                result["p99_us"] / 1e3,
                load,
            )
            print(
                f"{server:>11} {run.name:>16}: {run.per_second:9,.0f}/s  p50 {run.p50_ms:6.2f} ms  "
                f"p99 {run.p99_ms:6.2f} ms  {run.bytes / max(run.requests, 1):6,.0f} B/answer  (load {load})",
                flush=True,
            )
            runs.append(run)
    return runs


def table(runs: list[Run]) -> str:
    nginx = {r.name: r for r in runs if r.server == "nginx"}
    lines = [
        "| server | workers | request | requests/s | ÷ nginx | p50 ms | p99 ms | bytes/answer | load |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        base = nginx.get(r.name)
        ratio = f"{r.per_second / base.per_second:.2f}×" if base else "–"
        lines.append(
            f"| {describe(r.server, workers_of(r.server))[0]} | {workers_of(r.server) if r.server != 'nginx' else 'auto'} "
            f"| {r.name} | {r.per_second:,.0f} | {ratio} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {r.bytes / max(r.requests, 1):,.0f} | {r.load} |"
        )
    return "\n".join(lines)


def commands(servers: list[str]) -> str:
    return "\n".join(f"- `{s}`: `{describe(s, workers_of(s))[1]}`" for s in servers)


def verdict(runs: list[Run]) -> str:
    """Whether the best Python server reaches half of nginx, per request."""
    nginx = {r.name: r for r in runs if r.server == "nginx"}
    lines = []
    for name in dict.fromkeys(r.name for r in runs):
        ours = [r for r in runs if r.name == name and r.server not in ("nginx", "bare")]
        if name not in nginx or not ours:
            continue
        best = max(ours, key=lambda r: r.per_second)
        ratio = best.per_second / nginx[name].per_second
        reached = "reaches" if ratio >= 0.5 else "does not reach"
        lines.append(f"- {name}: best Remit row `{best.server}` at {ratio:.2f}× nginx ({reached} the 0.5× aim)")
    return "\n".join(lines)


def section(runs: list[Run], servers: list[str], argv: list[str] | None, args: argparse.Namespace) -> str:
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
            f"- Load generator: wrk {wrk_version()} on loopback, {args.threads} thread(s), {args.connections} "
            f"connections (a closed loop), {args.seconds} s per row after {args.warmup} s of warm-up, on the same "
            "cores as the server.",
            f"- Bodies: the demo's, rendered by Remit ({sizes}), served by nginx from files with the same content "
            "type and headers; every server is checked to answer the same bytes and a 304 to its own ETag first.",
            "",
            table(runs),
            "",
            verdict(runs),
            "",
            "The servers, as run (P: a free port; DIR: the run's temporary directory):",
            "",
            commands(servers),
            "",
            "÷ nginx is the row's requests/s over nginx's for the same request in the same run. The load column is "
            "the machine's load average (1 / 5 minutes) as the row started: above about 2 on 2 cores, something "
            "else was running too, and every row of the run is lower for it.",
        ]
    )


BODIES_SEEN: dict[str, bytes] = {}


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
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="remit-surge-") as folder:
        directory = Path(folder)
        database = f"sqlite:///{directory}/remit.db"
        store = Store.open(database, migrate=True)
        try:
            seed_demo(store, BASE)
        finally:
            store.close()
        with running("remit", directory, database) as url:
            bodies = fetch(url)
        BODIES_SEEN.update(bodies.content)
        publish(bodies, directory)
        for server in servers:
            runs += measure(server, directory, database, bodies, args)
    print()
    print(table(runs))
    print()
    print(verdict(runs))
    if args.write is not None:
        write_section(args.write, SECTION, section(runs, servers, argv, args))
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

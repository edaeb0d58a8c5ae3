"""What the service benchmarks share: a throw-away database (a SQLite file or a new PostgreSQL database), a
team with a big roster, a real ``remit serve`` in a subprocess, the machine's description, and writing a
marked section into BENCHMARKS.md. Nothing here is timed."""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from remit.charter import Person, load_preset
from remit.charter.render import render_charter

REMIT = str(Path(sys.executable).with_name("remit"))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEAM = "bench"
ROSTER = {"pm": 6, "em": 6, "designer": 4, "tech-lead": 4, "engineer": 16, "stakeholder": 4}


def roster_text(roster: dict[str, int] = ROSTER, team: str = TEAM) -> str:
    base = load_preset("default")
    people = [Person(f"{role}-{i}", f"{role} {i}", (role,)) for role, count in roster.items() for i in range(count)]
    return render_charter(replace(base, name=team, preset="default", people={p.handle: p for p in people}), team=team)


def pg_admin_url() -> str:
    return os.environ.get("REMIT_BENCH_POSTGRES_URL") or os.environ.get("REMIT_TEST_POSTGRES_URL") or DEFAULT_PG


def postgres_reachable() -> bool:
    try:
        engine = create_engine(pg_admin_url())
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:  # any failure means: no PostgreSQL to measure
        return False
    return True


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, empty database: a SQLite file in a temporary directory, or a new PostgreSQL database."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="remit-bench-") as directory:
            yield f"sqlite:///{directory}/remit.db"
        return
    admin = pg_admin_url()
    name = f"remit_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(
    command: list[str],
    probe: str,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    timeout: float = 60,
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a process group of its own and wait until ``probe`` (a URL) answers 200; its
    output goes to ``log`` (appended), whose end is shown if it exits first."""
    name = Path(command[0]).name
    with log.open("ab") if log else contextlib.nullcontext(subprocess.DEVNULL) as output:
        process = subprocess.Popen(  # noqa: S603 - our own servers, our own arguments
            command, stdout=output, stderr=output, env=env, cwd=cwd, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"{name} exited with {process.returncode}: {' '.join(command)}\n{said}")
        try:
            if httpx.get(probe, timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{name} did not answer {probe} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group (the server and its workers), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(15)


@dataclass
class Server:
    """``remit serve`` on a free loopback port, as an operator would run it."""

    database: str
    workers: int
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    start_seconds: float = 60  # a busy machine, or many teams to render the status pages of, start slowly

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.port = free_port()
        command = [REMIT, "--database", self.database, "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        env = {**os.environ, "REMIT_DATABASE_URL": self.database}
        self.process = launch(command, f"{self.url}/healthz", env=env, timeout=self.start_seconds)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            stop(self.process)


def postgres_version() -> str:
    try:
        engine = create_engine(pg_admin_url())
        with engine.connect() as connection:
            full = str(connection.execute(text("SHOW server_version")).scalar())
        engine.dispose()
    except Exception:  # reported as unknown, never fatal
        return "unknown"
    return full.split()[0]


def machine() -> str:
    import sqlite3

    return (
        f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"CPython {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {postgres_version()} "
        f"(local, default settings), SQLAlchemy {version('sqlalchemy')}, psycopg {version('psycopg')}, "
        f"uvicorn {version('uvicorn')}; remit {version('remit')}"
    )


def wrk_version(wrk: str = "wrk") -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)  # noqa: S603 - wrk
    words = (done.stdout + done.stderr).split()
    return words[1] if len(words) > 1 else "unknown"


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def heading(title: str, script: str, argv: list[str] | None) -> str:
    """A section's opening: its title, the command that wrote it (to run it again), the date, the machine."""
    command = f"python bench/{script} " + " ".join(argv if argv is not None else sys.argv[1:])
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"## {title}\n\n- Command: `{command.strip()}`\n- Date: {now}\n- Machine: {machine()}\n"


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` (or append it)."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    start, stop = current.find(begin), current.find(end)
    if start != -1 and stop > start:
        updated = current[:start] + block + current[stop + len(end) :]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(updated, encoding="utf-8")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

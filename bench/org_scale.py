"""An organisation on one PostgreSQL: many teams, a mixed load, against the same machine's pgbench.

Seeds ``--teams`` teams of 10 people (pm, em, designer, tech-lead, 5 engineers, a stakeholder), each with
``--decisions`` release decisions. The teams, their charters, their rule ("every release under load waits for
a load test", so open decisions stay open) go through the real commands; the decisions are bulk SQL run by
PostgreSQL itself (``INSERT ... SELECT generate_series``), consistent with what the app reads: each with its
revision, the positions that settled it and the resolution the real resolver gives for them; the newest
``--active`` of each team open, bound to the rule, with their ``decision_waits`` rows; the API tokens hashed as
``CreateToken`` stores them. Notices and the audit entries of the bulk decisions are not written.

Then, against ``remit serve`` (``--workers``) on that database, wrk runs (``bench/org_scale.lua``):

- the mix: the queue (``GET /api/v1/queue?limit=50``) 70 %, a decision's view 20 %, recording a position 10 %,
  at 16 and 64 connections, each request as a random person of a random team;
- each part alone at 64 connections, ``/api/v1/me`` (an authenticated request that only checks its token: the
  floor under every API call) and ``/healthz``, for the ratios;
- the CPU the server's processes and PostgreSQL's spent over each run (``/proc``), as cores busy;
- ``pgbench -i`` on a scratch database, then ``pgbench -N -c 64 -T SECONDS``, in the same run.

And in-process, without HTTP: cProfile of the queue and of "record a position" (the top entries by own
time), the statements each runs, and how many of a write's statements run while it holds the team's row lock.

    python bench/org_scale.py [--quick] [--teams 200] [--decisions 10000] [--active 300] [--seconds 10]
                              [--workers 2] [--profile-only] [--write BENCHMARKS.md]

``--quick``: 20 teams x 1,000 decisions, 5 s runs. Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from loadkit import Server, database, heading, load_average, pg_admin_url, roster_text, write_section
from remit import capabilities  # noqa: F401 - registers every handler
from remit.charter import teams
from remit.decisions import abilities, queue
from remit.decisions.commands import AddRule, RecordPosition
from remit.decisions.model import EvidenceNeed, Position, Rule, Stance
from remit.decisions.resolve import resolve
from remit.decisions.waiting import waits_of
from remit.identity.accounts import TOKEN_PREFIX, digest
from remit.kernel.commands import COMMANDS, Caller, act
from remit.kernel.uow import Store

SECTION = "org_scale"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = Path(__file__).with_name("org_scale.lua")
ROSTER = {"pm": 1, "em": 1, "designer": 1, "tech-lead": 1, "engineer": 5, "stakeholder": 1}
MIX = "queue:70,view:20,position:10"
EPOCH = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
RULE = "every release under load waits for a load test"
APPROVED = [("pm", Stance.GO, None), ("em", Stance.GO, None)]


def team_name(i: int) -> str:
    return f"team-{i:03d}"


@dataclass(frozen=True)
class Size:
    teams: int
    decisions: int
    active: int

    @property
    def total(self) -> int:
        return self.teams * self.decisions


def shapes(size: Size) -> dict[str, Any]:
    """The resolutions the real resolver gives: approved by both keys; open waiting on everyone (bound to the
    rule); open waiting, with no rule (what a withdrawn or expired one last stood at)."""
    charter = teams.charter_from_text(roster_text(ROSTER, team_name(0)))
    rights = charter.domains["release"]
    rule = Rule(domain="release", because=RULE, id=None, evidence=(EvidenceNeed("load-test", "em"),))
    positions = [Position(role, stance, basis, f"{role}-0", "as discussed") for role, stance, basis in APPROVED]
    approved = resolve(rights, positions)
    assert approved.state.value == "approved", approved
    waiting = resolve(rights, [], rules=[rule])
    return {
        "approved": json.dumps(approved.as_dict()),
        "open_rule": json.dumps(waiting.as_dict()),
        "open_plain": json.dumps(resolve(rights, []).as_dict()),
        "waits": waits_of("open", waiting.as_dict()),
    }


def seed(url: str, size: Size, tokens_file: Path) -> float:
    """Teams through the commands, decisions in bulk SQL; returns the seconds it took."""
    started = time.perf_counter()
    store = Store.open(url, migrate=True)
    try:
        for i in range(size.teams):
            name = team_name(i)
            teams.init_team(uow=store.uow(), text=roster_text(ROSTER, name), source="bench")
            act(store, name, "em-0", AddRule(domain="release", because=RULE, requires=["load-test:em"]))
        _bulk(store.engine, size, tokens_file)
    finally:
        store.close()
    return time.perf_counter() - started


def _bulk(engine: Engine, size: Size, tokens_file: Path) -> None:
    shape = shapes(size)
    first_active = size.decisions - size.active + 1
    lines = []
    with engine.begin() as connection:
        people = connection.execute(text("SELECT id, handle FROM people ORDER BY id")).all()
        tokens = []
        for person_id, handle in people:
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            lines.append(f"{token} {handle.rsplit('-', 1)[0]}")
            tokens.append({"h": digest(token), "p": token[:12], "person": person_id, "at": EPOCH})
        connection.execute(
            text(
                "INSERT INTO api_tokens (token_hash, prefix, person_id, name, created_at) "
                "VALUES (:h, :p, :person, 'bench', :at)"
            ),
            tokens,
        )
        state = (
            "CASE WHEN n >= :first THEN 'open' WHEN n % 100 < 85 THEN 'approved' "
            "WHEN n % 100 < 93 THEN 'withdrawn' ELSE 'expired' END"
        )
        connection.execute(
            text(
                "INSERT INTO decisions (team_id, number, domain, title, proposer_id, charter_version_id, state, "
                "revision, opened_at, settled_at, resolution) "
                "SELECT t.id, n, 'release', 'release decision ' || n, p.id, v.id, " + state + ", 1, "
                "CAST(:epoch AS timestamptz) + n * interval '90 seconds', "
                "CASE WHEN n >= :first THEN NULL "
                "ELSE CAST(:epoch AS timestamptz) + n * interval '90 seconds' + interval '30 hours' END, "
                "CAST(CASE WHEN n >= :first THEN :open_rule WHEN n % 100 < 85 THEN :approved "
                "ELSE :open_plain END AS json) "
                "FROM teams t JOIN people p ON p.team_id = t.id AND p.handle = 'pm-0' "
                "JOIN charter_versions v ON v.team_id = t.id CROSS JOIN generate_series(1, :decisions) AS n "
                "ORDER BY t.id, n"
            ),
            {
                "first": first_active,
                "decisions": size.decisions,
                "epoch": EPOCH,
                "approved": shape["approved"],
                "open_rule": shape["open_rule"],
                "open_plain": shape["open_plain"],
            },
        )
        connection.execute(
            text(
                "INSERT INTO revisions (decision_id, number, title, context, must_go, created_by_id, created_at) "
                "SELECT id, 1, title, '', CAST('[]' AS json), proposer_id, opened_at FROM decisions"
            )
        )
        for k, (role, stance, basis) in enumerate(APPROVED):
            connection.execute(
                text(
                    "INSERT INTO positions (decision_id, revision, person_id, role, stance, basis, reason, "
                    "recorded_at) SELECT d.id, 1, p.id, :role, :stance, :basis, 'as discussed', "
                    "d.opened_at + :k * interval '1 hour' FROM decisions d "
                    "JOIN people p ON p.team_id = d.team_id AND p.handle = :handle WHERE d.state = 'approved'"
                ),
                {"role": role, "stance": stance.value, "basis": basis, "k": k + 1, "handle": f"{role}-0"},
            )
        connection.execute(
            text(
                "INSERT INTO decision_rules (decision_id, rule_id) SELECT d.id, r.id FROM decisions d "
                "JOIN rules r ON r.team_id = d.team_id WHERE d.number >= :first"
            ),
            {"first": first_active},
        )
        for wait in shape["waits"]:
            connection.execute(
                text(
                    "INSERT INTO decision_waits (team_id, decision_id, kind, role, person_id, what) "
                    "SELECT d.team_id, d.id, :kind, :role, NULL, :what FROM decisions d WHERE d.number >= :first"
                ),
                {"kind": str(wait.kind), "role": wait.role, "what": wait.what, "first": first_active},
            )
        connection.execute(text("UPDATE teams SET decision_seq = :n"), {"n": size.decisions})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    tokens_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- in-process: statements, the lock, the profile ---------------------------------------------------------------


@dataclass
class Counted:
    on: bool = False
    statements: int = 0
    under_lock: int = 0
    locked: bool = False
    lock_started: float = 0.0
    lock_held: list[float] = field(default_factory=list)


@contextmanager
def counting(engine: Engine) -> Iterator[Counted]:
    """Count the statements, and those run while a ``SELECT ... FOR UPDATE`` on the team row is held (from it
    to the transaction's end), and time the lock."""
    counted = Counted()

    def before(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
        if not counted.on or statement.startswith("SELECT 1"):
            return
        counted.statements += 1
        if not counted.locked and "FOR UPDATE" in statement and "FROM teams" in statement:
            counted.locked, counted.lock_started = True, time.perf_counter()
        if counted.locked:
            counted.under_lock += 1

    def ended(_conn: Any) -> None:
        if counted.locked:
            counted.lock_held.append(time.perf_counter() - counted.lock_started)
            counted.locked = False

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)


@dataclass(frozen=True)
class Profiled:
    what: str
    calls: int
    ms_per_call: float
    cpu_ms_per_call: float  # this process's CPU: the Python of the call, whatever the machine's load
    statements: float
    under_lock: float
    lock_ms: float
    top: str


def profile(url: str, size: Size, calls: int) -> list[Profiled]:
    """The queue of a PM (a full page waiting) and "record a position" on open decisions, in-process."""
    store = Store.open(url)
    out = []
    try:
        first_active = size.decisions - size.active + 1

        def ask(i: int) -> object:
            return queue.my_queue(uow=store.uow(), team=team_name(i % size.teams), handle="pm-0", limit=50)

        def view(i: int) -> object:
            number = 1 + (i * 37) % size.decisions
            return abilities.opened(uow=store.uow(), team=team_name(i % size.teams), handle="pm-0", number=number)

        def write(i: int) -> object:
            number = first_active + (i // size.teams) % size.active  # a new decision each call
            command = RecordPosition(number=number, stance=Stance.ABSTAIN, reason=f"profile {i}")
            return COMMANDS.dispatch(store, Caller(team_name(i % size.teams), "designer-0"), command)

        plan = (("queue (my_queue, a PM's full page)", ask), ("a decision's view", view), ("record a position", write))
        for what, action in plan:
            for i in range(5):
                action(i)  # warm: compiled statements, parsed charters
            with counting(store.engine) as counted:
                counted.on = True
                started, cpu = time.perf_counter(), time.process_time()
                for i in range(5, 5 + calls):
                    action(i)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                counted.on = False
            profiler = cProfile.Profile()
            profiler.enable()
            for i in range(5 + calls, 5 + 2 * calls):
                action(i)
            profiler.disable()
            held = counted.lock_held
            out.append(
                Profiled(
                    what,
                    calls,
                    elapsed / calls * 1000,
                    cpu / calls * 1000,
                    counted.statements / calls,
                    counted.under_lock / calls,
                    sum(held) / len(held) * 1000 if held else 0.0,
                    _top(profiler, calls),
                )
            )
    finally:
        store.close()
    return out


def _top(profiler: cProfile.Profile, calls: int, entries: int = 12) -> str:
    """The functions that take the most time of their own (tottime), per call, with their cumulative time."""
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    rows = []
    for (path, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, ncalls, _where(path, line, name)))
    rows.sort(reverse=True)
    lines = ["| own ms/call | cumulative ms/call | calls/call | function |", "| ---: | ---: | ---: | --- |"]
    for tottime, cumtime, ncalls, where in rows[:entries]:
        lines.append(
            f"| {tottime / calls * 1000:.3f} | {cumtime / calls * 1000:.3f} | {ncalls / calls:.1f} | `{where}` |"
        )
    return "\n".join(lines)


def _where(path: str, line: int, name: str) -> str:
    short = re.sub(r".*/site-packages/", "", path)
    short = re.sub(r".*/src/remit/", "remit/", short)
    return f"{short}:{line}({name})" if line else name


# -- against the server ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    what: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: str
    server_cores: float = float("nan")  # the server's processes' CPU seconds per second of the run
    postgres_cores: float = float("nan")  # PostgreSQL's

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(postgres_pids: set[int] | None = None) -> tuple[dict[int, float], dict[int, float]]:
    """Every process's user + system CPU seconds by its session id (the server runs in a session of its own),
    and those of ``postgres_pids`` (PostgreSQL's backends serving the benchmark's database), from /proc."""
    by_session: dict[int, float] = {}
    postgres: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rpartition(")")[2]
        except OSError:  # ended meanwhile
            continue
        fields = rest.split()
        spent = (int(fields[11]) + int(fields[12])) / TICKS
        pid = int(stat.parent.name)
        if postgres_pids and pid in postgres_pids:
            postgres[pid] = spent
        by_session[int(fields[3])] = by_session.get(int(fields[3]), 0.0) + spent
    return by_session, postgres


def backends(url: str) -> set[int]:
    """The PostgreSQL backends serving the database at ``url`` (their CPU is PostgreSQL's share of a run; the
    machine's other databases are not counted)."""
    name = make_url(url).database
    engine = create_engine(pg_admin_url())
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            return {int(row[0]) for row in rows}
    finally:
        engine.dispose()


def spent_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def wrk(server: Server, mix: str, tokens: Path, size: Size, seconds: int, connections: int) -> dict[str, float]:
    command = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA), server.url]
    command += ["--", mix, str(tokens), str(size.decisions), str(size.active)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - wrk, our arguments
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    return result


def load_runs(url: str, tokens: Path, size: Size, seconds: int, workers: int) -> list[Run]:
    plan = [
        ("mix", MIX, 16),
        ("mix", MIX, 64),
        ("queue", "queue:100", 64),
        ("view", "view:100", 64),
        ("position", "position:100", 64),
        ("/api/v1/me", "me:100", 64),
        ("/healthz", "healthz:100", 64),
    ]
    runs = []
    with Server(url, workers, start_seconds=600) as server:
        for what, mix, connections in plan:
            wrk(server, mix, tokens, size, 2, connections)  # warm
            load = load_average()
            session = server.process.pid if server.process else -1
            serving = backends(url)
            before, pg_before = cpu_seconds(serving)
            result = wrk(server, mix, tokens, size, seconds, connections)
            after, pg_after = cpu_seconds(serving | backends(url))
            wall = result["duration_us"] / 1e6
            errors = sum(int(result[k]) for k in ("connect", "read", "write", "status", "timeout"))
            run = Run(
                what,
                connections,
                int(result["requests"]),
                result["duration_us"] / 1e6,
                result["p50_us"] / 1e3,
                result["p99_us"] / 1e3,
                errors,
                load,
                (after.get(session, 0.0) - before.get(session, 0.0)) / wall,
                spent_between(pg_before, pg_after) / wall,
            )
            print(
                f"{what:>10} c{connections}: {run.per_second:8.1f}/s  p50 {run.p50_ms:7.2f} ms  "
                f"p99 {run.p99_ms:7.2f} ms  errors {errors}  cores {run.server_cores:.2f} + "
                f"{run.postgres_cores:.2f}  (load {load})",
                flush=True,
            )
            runs.append(run)
    return runs


def pgbench(seconds: int, connections: int = 64) -> Run:
    """``pgbench -i`` on a scratch database, then ``pgbench -N -c 64 -T seconds`` (simple-update, no branch
    contention), as the issue compares."""
    admin = make_url(pg_admin_url())
    env = {**os.environ, "PGHOST": admin.host or "127.0.0.1", "PGPORT": str(admin.port or 5432)}
    env["PGUSER"] = admin.username or "postgres"
    if admin.password:
        env["PGPASSWORD"] = admin.password
    with database("postgres") as scratch:
        name = make_url(scratch).database or ""
        subprocess.run(["pgbench", "-i", "-q", name], env=env, check=True, capture_output=True)  # noqa: S603, S607
        load = load_average()
        done = subprocess.run(  # noqa: S603
            ["pgbench", "-N", "-c", str(connections), "-j", "2", "-T", str(seconds), name],  # noqa: S607
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed: {done.stderr.strip()[-500:]}")
    tps = float(re.search(r"tps = ([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    mean = float(re.search(r"latency average = ([\d.]+) ms", done.stdout).group(1))  # type: ignore[union-attr]
    print(f"  pgbench c{connections}: {tps:8.1f} tps  mean {mean:.2f} ms  (load {load})", flush=True)
    return Run("pgbench -N", connections, round(tps * seconds), float(seconds), mean, float("nan"), 0, load)


# -- the report --------------------------------------------------------------------------------------------------


def table(runs: list[Run], bench: Run) -> str:
    lines = [
        "| load | connections | requests/s | p50 ms | p99 ms | non-2xx or errors | server cores | PostgreSQL cores "
        "| server CPU ms per request | load avg (1/5 min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run.what} | {run.connections} | {run.per_second:,.0f} | {run.p50_ms:.1f} | {run.p99_ms:.1f} | "
            f"{run.errors} | {run.server_cores:.2f} | {run.postgres_cores:.2f} | "
            f"{run.server_cores / run.per_second * 1000:.2f} | {run.load} |"
        )
    lines.append(
        f"| `pgbench -N` (tps; mean latency) | {bench.connections} | {bench.per_second:,.0f} | {bench.p50_ms:.1f} | "
        f"– | 0 | – | – | – | {bench.load} |"
    )
    return "\n".join(lines)


def goals(runs: list[Run], bench: Run) -> str:
    by = {(run.what, run.connections): run for run in runs}
    writes, mixed = by[("position", 64)], by[("mix", 64)]
    queue_run, health, floor = by[("queue", 64)], by[("/healthz", 64)], by[("/api/v1/me", 64)]
    ratio_w = writes.per_second / bench.per_second
    ratio_q = queue_run.per_second / health.per_second
    ratio_f = queue_run.per_second / floor.per_second
    return "\n".join(
        [
            "| goal | measured | met |",
            "| --- | --- | --- |",
            f"| writes ≥ 0.25× pgbench TPS | {writes.per_second:,.0f}/s ÷ {bench.per_second:,.0f} = "
            f"{ratio_w:.3f}× | {'yes' if ratio_w >= 0.25 else 'no'} |",
            f"| p99 ≤ 50 ms at 64 connections (the mix) | {mixed.p99_ms:.0f} ms | "
            f"{'yes' if mixed.p99_ms <= 50 else 'no'} |",
            f"| queue ≥ 0.5× /healthz | {queue_run.per_second:,.0f}/s ÷ {health.per_second:,.0f} = {ratio_q:.2f}× | "
            f"{'yes' if ratio_q >= 0.5 else 'no'} |",
            f"| (not a goal) the queue against an authenticated no-op, `/api/v1/me` | {queue_run.per_second:,.0f}/s "
            f"÷ {floor.per_second:,.0f} = {ratio_f:.2f}× | – |",
        ]
    )


def profiles(found: list[Profiled]) -> str:
    parts = [
        "| in-process | ms/call (wall) | CPU ms/call (this process) | statements/call | of them under the team lock "
        "| lock held ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in found:
        lock = f"{item.under_lock:.1f}" if item.under_lock else "–"
        held = f"{item.lock_ms:.2f}" if item.lock_ms else "–"
        parts.append(
            f"| {item.what} | {item.ms_per_call:.2f} | {item.cpu_ms_per_call:.2f} | {item.statements:.1f} | {lock} "
            f"| {held} |"
        )
    for item in found:
        parts += ["", f"Top entries by own time, {item.what} ({item.calls} calls, cProfile):", "", item.top]
    return "\n".join(parts)


def _command(argv: list[str] | None) -> str:
    return ("python bench/org_scale.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20 teams x 1,000 decisions, 5 s runs")
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=10_000, help="per team")
    parser.add_argument("--active", type=int, default=300, help="open decisions per team")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="remit serve --workers")
    parser.add_argument("--calls", type=int, default=200, help="in-process calls profiled")
    parser.add_argument("--profile-only", action="store_true", help="seed and profile in-process; no load")
    parser.add_argument("--write", type=Path, help="write the section into this markdown file")
    parser.add_argument("--label", default="after", help="--profile-only: the section's name (before, after)")
    parser.add_argument("--note", default="", help="--profile-only: a note on the code measured")
    args = parser.parse_args(argv)
    if args.quick:
        args.teams, args.decisions, args.seconds = 20, 1_000, 5
    size = Size(args.teams, args.decisions, min(args.active, args.decisions))
    if not shutil.which("pgbench") or not Path(WRK).exists():
        print("org_scale needs wrk and pgbench (apt-get install wrk postgresql-client)", file=sys.stderr)
        return 1
    with database("postgres") as url, tempfile.TemporaryDirectory(prefix="remit-bench-") as directory:
        tokens = Path(directory) / "tokens.txt"
        load = load_average()
        print(f"seeding {size.teams} teams x {size.decisions:,} decisions ...", flush=True)
        seconds = seed(url, size, tokens)
        print(f"  seeded {size.total:,} decisions in {seconds:.0f} s", flush=True)
        found = profile(url, size, args.calls)
        for item in found:
            print(
                f"  {item.what}: {item.ms_per_call:.2f} ms, {item.statements:.1f} statements, "
                f"{item.under_lock:.1f} under the lock ({item.lock_ms:.2f} ms)",
                flush=True,
            )
        if args.profile_only:
            body = "\n\n".join(
                [
                    f"### Where the time goes: {args.label}",
                    f"- Command: `{_command(argv)}`" + (f" ({args.note})" if args.note else ""),
                    f"- {size.teams} teams × {size.decisions:,} decisions; load average at the start: {load}",
                    profiles(found),
                ]
            )
            print(body)
            if args.write:
                write_section(args.write, f"{SECTION}_profile_{args.label}", body)
            return 0
        runs = load_runs(url, tokens, size, args.seconds, args.workers)
    bench = pgbench(args.seconds)
    body = "\n\n".join(
        [
            heading("Organisation scale: many teams on one PostgreSQL", "org_scale.py", argv),
            f"- Seeded: {size.teams} teams × 10 people × {size.decisions:,} decisions = {size.total:,} decisions "
            f"({size.active} open per team) in {seconds:.0f} s; `remit serve --workers {args.workers}`; "
            f"wrk -t2, {args.seconds} s per run after 2 s of warm-up; load average at the start: {load_average()}",
            table(runs, bench),
            goals(runs, bench),
            "### Where the time goes (in-process, no HTTP)",
            profiles(found),
        ]
    )
    print(body)
    if args.write:
        write_section(args.write, SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

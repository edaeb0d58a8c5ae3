"""Does "my queue" stay flat as the store grows? Latency of the queue (and of showing one decision) at 10k,
100k and 1M stored decisions, on SQLite and PostgreSQL, with the query plans.

The store is grown in steps by bulk-inserting realistic rows with SQL (not through the services, which
would take hours): a team on the default preset with a roster of 18; decisions over six domains, each with
its first revision and the positions that brought it to its state (resolutions computed by the real
resolver from those positions); about 4 % with a recorded boundary crossing; most settled (approved,
withdrawn, expired), and a constant 300 open or blocked ones with their ``decision_waits`` rows: the 250
newest of each step plus 50 scattered among the older ones (long-lived decisions). At each new step the
previous step's open ones expire, as they would. Notices as ``services.notices.notify`` leaves them (most
of the asked seen, most of the told not). The audit log is not filled (neither path reads it by team;
``show`` reads it by the indexed decision id).

At each size, sequentially and in-process (the services over a real engine, so what is measured is the
store and the service code, without HTTP): ``my_queue`` for a PM (a full page of 50 waiting), an EM, a
designer (consulted), an engineer (nothing waiting) and a stakeholder (many unseen notices), and
``show_decision`` of random settled
decisions; ``--calls`` each after a warm-up; p50 and p99 in ms. Statements per call are counted (a
constant count means no N+1), and at the largest size each statement of the PM's queue and of ``show`` is
EXPLAINed (PostgreSQL after ANALYZE, which autovacuum would do; SQLite as shipped, without ANALYZE).

    python bench/queue_scale.py [--sizes 10000,100000,1000000] [--backends sqlite,postgres]
                                [--calls 200] [--write BENCHMARKS.md]

Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, event, insert, select, text, update

from loadkit import TEAM, database, load_average, machine, percentile, postgres_reachable, roster_text, write_section
from remit.charter import Right, teams
from remit.charter.tables import CrossingRow, PersonRow
from remit.decisions import queries, queue
from remit.decisions.model import Position, Stance
from remit.decisions.resolve import crossing_why, resolve
from remit.decisions.tables import DecisionRow, DecisionWaitRow, NoticeRow, PositionRow, RevisionRow
from remit.decisions.waiting import waits_of
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store

SECTION = "queue_scale"  # + the largest size, e.g. queue_scale_100k: a quick run keeps the recorded 1M one
ACTIVE_NEW, ACTIVE_OLD = 250, 50
DOMAINS = {  # share of decisions
    "release": 0.5,
    "architecture": 0.15,
    "backlog-prioritization": 0.1,
    "engineering-hiring": 0.1,
    "tech-debt-strategy": 0.1,
    "team-process": 0.05,
}
WHO = ("pm-0", "em-0", "designer-0", "engineer-0", "stakeholder-0")
ROSTER = {"pm": 2, "em": 2, "designer": 2, "tech-lead": 2, "engineer": 8, "stakeholder": 2}  # one team of 18
SEEN = {"asked": 0.9, "told": 0.1}  # the consulted open what they are asked about; stakeholders rarely look
CHUNK = 20_000
EPOCH = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)


@dataclass
class Shape:
    """What one decision looks like: its positions (role, stance, basis) and the resolver's answer."""

    positions: list[tuple[str, Stance, str | None]]
    state: str
    crossing: bool = False


@dataclass
class Grower:
    store: Store
    rng: random.Random = field(default_factory=lambda: random.Random(20261121))
    size: int = 0
    active: list[int] = field(default_factory=list)
    ids: dict[str, list[int]] = field(default_factory=dict)  # role -> person ids
    handles: dict[int, str] = field(default_factory=dict)
    team_id: int = 0
    version_id: int = 0
    next_position: int = 1

    def setup(self) -> None:
        teams.init_team(uow=self.store.uow(), text=roster_text(ROSTER), source="bench")
        with self.store.sessions() as session:
            self.team_id = session.scalars(select(TeamRow.id).where(TeamRow.name == TEAM)).one()
            self.version_id = session.scalar(text("SELECT id FROM charter_versions")) or 0
            for person in session.scalars(select(PersonRow)):
                role = person.handle.rsplit("-", 1)[0]
                self.ids.setdefault(role, []).append(person.id)
                self.handles[person.id] = person.handle
        self.charter = teams.charter_from_text(roster_text(ROSTER))
        self.handle_ids = {handle: pid for pid, handle in self.handles.items()}

    def shapes(self, domain: str) -> dict[str, Shape]:
        rights = self.charter.domains[domain]
        deciders = rights.deciders
        consults = rights.roles_with(Right.CONSULT)
        blocker = next(role for role, grant in rights.grants.items() if grant.can_block)
        grant = rights.grants[blocker]
        basis = sorted(grant.bases)[0] if grant.bases else None
        approved = [(role, Stance.GO, None) for role in deciders] + [(role, Stance.ABSTAIN, None) for role in consults]
        # open: one key of two turned (either), or, with one key, only a consulted role or the blocker spoke
        last = deciders[-1] if len(deciders) > 1 else (consults or [blocker])[0]
        first: list[tuple[str, Stance, str | None]] = [
            (last, Stance.ABSTAIN if len(deciders) == 1 else Stance.GO, None)
        ]
        second: list[tuple[str, Stance, str | None]] = [(deciders[0], Stance.GO, None)] if len(deciders) > 1 else first
        return {
            "approved": Shape(approved, "approved"),
            "open": Shape(first, "open"),
            "open-b": Shape(second, "open"),
            "blocked": Shape([(deciders[0], Stance.GO, None), (blocker, Stance.NO_GO, basis)], "blocked"),
        }

    def person(self, role: str) -> int:
        return self.rng.choice(self.ids[role])

    def grow(self, target: int) -> float:
        """Add decisions up to ``target``; returns the seconds it took."""
        started = time.perf_counter()
        shapes = {domain: self.shapes(domain) for domain in DOMAINS}
        domains, weights = list(DOMAINS), list(DOMAINS.values())
        first, last = self.size + 1, target
        newest = range(max(first, last - ACTIVE_NEW + 1), last + 1)
        older = self.rng.sample(range(first, newest.start), min(ACTIVE_OLD, newest.start - first))
        active = set(newest) | set(older)
        with self.store.engine.begin() as connection:
            if self.active:  # the previous step's open decisions have expired since
                for chunk in _chunks(self.active, 500):
                    connection.execute(delete(DecisionWaitRow).where(DecisionWaitRow.decision_id.in_(chunk)))
                    connection.execute(update(DecisionRow).where(DecisionRow.id.in_(chunk)).values(state="expired"))
            for start in range(first, last + 1, CHUNK):
                rows = self._rows(range(start, min(last, start + CHUNK - 1) + 1), active, shapes, domains, weights)
                for table, values in rows.items():
                    if values:
                        connection.execute(insert(table), values)
            connection.execute(update(TeamRow).where(TeamRow.id == self.team_id).values(decision_seq=last))
            if connection.dialect.name == "postgresql":
                for table in ("decisions", "revisions", "positions", "crossings", "decision_waits"):
                    setval = f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"  # noqa: S608 - our names
                    connection.execute(text(setval))
        if self.store.engine.dialect.name == "postgresql":
            with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        self.size, self.active = last, sorted(active)
        return time.perf_counter() - started

    def _rows(
        self,
        numbers: range,
        active: set[int],
        shapes: dict[str, dict[str, Shape]],
        domains: list[str],
        weights: list[float],
    ) -> dict[Any, list[dict[str, Any]]]:
        out: dict[Any, list[dict[str, Any]]] = {
            DecisionRow: [],
            RevisionRow: [],
            PositionRow: [],
            CrossingRow: [],
            DecisionWaitRow: [],
            NoticeRow: [],
        }
        for number in numbers:
            domain = self.rng.choices(domains, weights)[0]
            rights = self.charter.domains[domain]
            opened = EPOCH + dt.timedelta(minutes=number * 1.5)
            if number in active:
                kind = "blocked" if self.rng.random() < 0.2 else "open"
                state = kind
            else:
                roll = self.rng.random()
                kind = "approved" if roll < 0.85 else "open"
                state = "approved" if roll < 0.85 else ("withdrawn" if roll < 0.93 else "expired")
            shape = shapes[domain]["open-b" if kind == "open" and self.rng.random() < 0.5 else kind]
            positions = [
                Position(role, stance, basis, self.handles[pid], "as discussed")
                for role, stance, basis in shape.positions
                for pid in [self.person(role)]
            ]
            crossing = None
            if domain == "release" and self.rng.random() < 0.08:  # a PM's no-go on technical grounds
                crossing = Position("pm", Stance.NO_GO, "technical", self.handles[self.person("pm")], "too risky")
                positions.insert(0, crossing)
            resolution = resolve(rights, positions)
            assert resolution.state.value == shape.state, (domain, kind, resolution.state)
            proposer = self.person(rights.deciders[0])
            out[DecisionRow].append(
                {
                    "id": number,
                    "team_id": self.team_id,
                    "number": number,
                    "domain": domain,
                    "title": f"{domain} decision {number}",
                    "proposer_id": proposer,
                    "charter_version_id": self.version_id,
                    "state": state,
                    "revision": 1,
                    "deadline": None,
                    "opened_at": opened,
                    "settled_at": None if state in ("open", "blocked") else opened + dt.timedelta(hours=30),
                    "resolution": resolution.as_dict(),
                    "proposed_charter": None,
                }
            )
            out[RevisionRow].append(
                {
                    "id": number,
                    "decision_id": number,
                    "number": 1,
                    "title": f"{domain} decision {number}",
                    "context": "",
                    "must_go": [],
                    "created_by_id": proposer,
                    "created_at": opened,
                }
            )
            handle_ids = self.handle_ids
            for k, position in enumerate(positions):
                out[PositionRow].append(
                    {
                        "id": self.next_position,
                        "decision_id": number,
                        "revision": 1,
                        "person_id": handle_ids[position.person or ""],
                        "role": position.role,
                        "stance": position.stance.value,
                        "basis": position.basis,
                        "reason": position.reason,
                        "recorded_at": opened + dt.timedelta(hours=k + 1),
                    }
                )
                self.next_position += 1
            if crossing is not None:
                out[CrossingRow].append(
                    {
                        "team_id": self.team_id,
                        "decision_id": number,
                        "domain": domain,
                        "person_id": handle_ids[crossing.person or ""],
                        "role": "pm",
                        "action": "record-position",
                        "basis": "technical",
                        "why": crossing_why(rights, rights.grant("pm"), crossing) or "",
                        "refused": False,
                        "at": opened + dt.timedelta(hours=1),
                    }
                )
            for wait in waits_of(state, resolution.as_dict()):
                out[DecisionWaitRow].append(
                    {
                        "team_id": self.team_id,
                        "decision_id": number,
                        "kind": wait.kind,
                        "role": wait.role,
                        "person_id": handle_ids.get(wait.person or ""),
                        "what": wait.what,
                    }
                )
            settled = None if state == "open" else opened + dt.timedelta(hours=30)
            out[NoticeRow] += self._notices(number, rights, state, opened, settled)
        return out

    def _notices(
        self, number: int, rights: Any, state: str, opened: dt.datetime, changed: dt.datetime | None
    ) -> list[dict[str, Any]]:
        """As ``services.notices.notify`` leaves them: on opening, the consulted are asked and the informed
        told; on each change of state (blocked, approved, withdrawn, expired) the informed are told again."""
        events = [("opened", opened)] + ([(state, changed)] if changed is not None else [])
        rows = []
        for happened, at in events:
            kinds = [("told", role) for role in rights.roles_with(Right.INFORM)]
            if happened == "opened":
                kinds += [("asked", role) for role in rights.roles_with(Right.CONSULT)]
            for kind, role in kinds:
                for person in self.ids.get(role, []):
                    seen = self.rng.random() < SEEN[kind]
                    rows.append(
                        {
                            "team_id": self.team_id,
                            "decision_id": number,
                            "person_id": person,
                            "role": role,
                            "kind": kind,
                            "event": happened,
                            "created_at": at,
                            "seen_at": at + dt.timedelta(hours=2) if seen else None,
                        }
                    )
        return rows


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass
class Captured:
    statements: list[tuple[str, Any]] = field(default_factory=list)
    on: bool = False


def capture(engine: Engine) -> Captured:
    captured = Captured()

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if captured.on and not statement.startswith(("BEGIN", "SELECT 1")):
            captured.statements.append((statement, parameters))

    return captured


@dataclass(frozen=True)
class Timing:
    backend: str
    size: int
    what: str
    p50_ms: float
    p99_ms: float
    statements: int
    items: int


def timed(calls: int, action: Callable[[int], int]) -> tuple[float, float, int]:
    for i in range(max(10, calls // 10)):  # warm-up: connections, caches, the charter parse
        action(i)
    samples, items = [], 0
    for i in range(calls):
        started = time.perf_counter()
        items = action(i)
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50), percentile(samples, 99), items


def measure(grower: Grower, backend: str, calls: int, captured: Captured) -> list[Timing]:
    store, out = grower.store, []
    for handle in WHO:

        def ask(_i: int, handle: str = handle) -> int:
            result = queue.my_queue(uow=store.uow(), team=TEAM, handle=handle, limit=50)
            return len(result.waiting_on_me) + len(result.mine) + len(getattr(result, "unseen", []))

        p50, p99, items = timed(calls, ask)
        captured.statements.clear()
        captured.on = True
        ask(0)
        captured.on = False
        out.append(Timing(backend, grower.size, f"queue of {handle}", p50, p99, len(captured.statements), items))
    settled = [n for n in grower.rng.sample(range(1, grower.size + 1), 400) if n not in set(grower.active)]

    def show(i: int) -> int:
        view = queries.show_decision(uow=store.uow(), team=TEAM, number=settled[i % len(settled)])
        return len(view.positions)

    p50, p99, items = timed(calls, show)
    captured.statements.clear()
    captured.on = True
    show(0)
    captured.on = False
    out.append(Timing(backend, grower.size, "show a settled decision", p50, p99, len(captured.statements), items))
    return out


def explain(store: Store, captured: Captured, action: Callable[[], object]) -> list[str]:
    """Each statement the action runs, with its plan."""
    captured.statements.clear()
    captured.on = True
    action()
    captured.on = False
    lines = []
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in captured.statements:
            flat = " ".join(statement.split())
            lines.append(f"-- {flat[:160]}{'…' if len(flat) > 160 else ''}")
            if store.engine.dialect.name == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement, parameters)
                lines += [f"   {row[0]}" for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                lines += [f"   {row[3]}" for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return lines


def run(backend: str, sizes: list[int], calls: int) -> tuple[list[Timing], list[str], list[str]]:
    timings: list[Timing] = []
    with database(backend) as url:
        store = Store.open(url, migrate=True)
        try:
            grower = Grower(store)
            grower.setup()
            captured = capture(store.engine)
            for size in sizes:
                seconds = grower.grow(size)
                print(f"{backend}: {size:,} decisions stored (+{seconds:.0f} s to insert)", flush=True)
                for timing in measure(grower, backend, calls, captured):
                    timings.append(timing)
                    print(
                        f"  {timing.what:<26} p50 {timing.p50_ms:7.2f} ms  p99 {timing.p99_ms:7.2f} ms  "
                        f"{timing.statements} statements, {timing.items} items  (load {load_average()})",
                        flush=True,
                    )
            plan_queue = explain(store, captured, lambda: queue.my_queue(uow=store.uow(), team=TEAM, handle="pm-0"))
            number = next(n for n in range(grower.size // 2, grower.size) if n not in set(grower.active))
            plan_show = explain(
                store, captured, lambda: queries.show_decision(uow=store.uow(), team=TEAM, number=number)
            )
        finally:
            store.close()
    return timings, plan_queue, plan_show


def table(timings: list[Timing], sizes: list[int]) -> str:
    header = "| backend | call | " + " | ".join(f"{s:,}: p50 / p99 ms" for s in sizes)
    header += f" | p50 {sizes[-1]:,} ÷ {sizes[0]:,} | statements |"
    lines = [header, "| --- | --- | " + " | ".join("---:" for _ in sizes) + " | ---: | ---: |"]
    keys = list(dict.fromkeys((t.backend, t.what) for t in timings))
    for backend, what in keys:
        row = {t.size: t for t in timings if (t.backend, t.what) == (backend, what)}
        cells = [f"{row[s].p50_ms:.2f} / {row[s].p99_ms:.2f}" if s in row else "–" for s in sizes]
        ratio = row[sizes[-1]].p50_ms / row[sizes[0]].p50_ms if sizes[-1] in row and sizes[0] in row else 0
        counts = sorted({t.statements for t in row.values()})
        lines.append(
            f"| {backend} | {what} | " + " | ".join(cells) + f" | {ratio:.2f} | {'/'.join(map(str, counts))} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--write", metavar="FILE", help="write/replace the section in FILE")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = [b for b in args.backends.split(",") if b]
    if "postgres" in backends and not postgres_reachable():
        print("PostgreSQL is not reachable; measuring SQLite only", file=sys.stderr)
        backends.remove("postgres")
    timings: list[Timing] = []
    plans: dict[str, tuple[list[str], list[str]]] = {}
    for backend in backends:
        found, plan_queue, plan_show = run(backend, sizes, args.calls)
        timings += found
        plans[backend] = (plan_queue, plan_show)
    print()
    print(table(timings, sizes))
    if args.write:
        from pathlib import Path

        command = "python bench/queue_scale.py " + " ".join(argv if argv is not None else sys.argv[1:])
        name = f"{SECTION}_{_short(sizes[-1])}"
        write_section(Path(args.write), name, section(timings, sizes, plans, command.strip(), args.calls))
        print(f"\nwrote the section to {args.write}")
    return 0


def _short(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def section(
    timings: list[Timing], sizes: list[int], plans: dict[str, tuple[list[str], list[str]]], command: str, calls: int
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"## The queue as the store grows, up to {sizes[-1]:,} decisions",
        "",
        f"- Command: `{command}`",
        f"- Date: {now}",
        f"- Machine: {machine()}",
        f"- Data: decisions bulk-inserted in steps up to {sizes[-1]:,} (see `bench/queue_scale.py`): 85 % approved, "
        "the rest withdrawn or expired, about 4 % with a boundary crossing, each with its revision, positions and "
        "notices; "
        f"a constant {ACTIVE_NEW + ACTIVE_OLD} open or blocked with their queue rows ({ACTIVE_NEW} newest, "
        f"{ACTIVE_OLD} scattered). Sequential in-process calls of the services, {calls} per row after a warm-up.",
        "",
        table(timings, sizes),
        "",
    ]
    for backend, (plan_queue, plan_show) in plans.items():
        parts += [
            f"<details><summary>{backend}: the statements of the PM's queue and of showing a decision, "
            f"with their plans at {sizes[-1]:,} decisions</summary>",
            "",
            "```",
            "# queue",
            *plan_queue,
            "# show",
            *plan_show,
            "```",
            "</details>",
            "",
        ]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())

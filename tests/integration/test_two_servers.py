"""Two `remit serve` processes on two ports share one fresh PostgreSQL database and nothing else: no memory, no
cache, no lock between them but the database's (the two share a working directory, so also the checkpoint
key file and folder, as servers on one host would). A write storm goes to both at once: positions,
evidence, new decisions, decisions withdrawn (each signs a checkpoint), incident updates, sign-ins whose
session is used and ended on the other server, and the same Idempotency-Key sent to both at the same moment.

Then: every acknowledged write is stored exactly once and the counts match; `remit audit verify` passes (the
hash chain, the replay, every checkpoint the two signed); both outbox workers ran and a local webhook
received each delivery exactly once; the two expiry sweeps expired a decision past its deadline once; and
the public status page of one server shows what was published through the other.

PostgreSQL only (two processes on one SQLite file is not a deployment); skipped, saying so, without it, and
required where REMIT_REQUIRE_POSTGRES is set (CI)."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from remit import capabilities  # noqa: F401 - the handlers, and the projectors the replay runs
from remit.audit import replay
from remit.charter import load_preset, teams
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster
from remit.decisions.commands import OpenDecision
from remit.decisions.tables import DecisionRow, EvidenceRow, PositionRow
from remit.identity import accounts
from remit.identity.commands import CreateToken
from remit.incidents.commands import OpenIncident
from remit.incidents.model import Severity
from remit.incidents.tables import IncidentUpdateRow
from remit.kernel.commands import act
from remit.kernel.tables import AuditRow, OutboxRow, TeamRow
from remit.kernel.uow import Store
from remit.notify.tables import DeliveryRow, ExpandedRow
from tests.e2e.crowd import fresh_postgres
from tests.live.server import REMIT, LiveServer

pytestmark = pytest.mark.postgres

TEAM, QUIET = "storm", "quiet"
PASSWORD = "storm-pass-1234"
THREADS, ROUNDS, TWINS, SIGN_INS = 8, 8, 4, 2
DECISIONS = 4  # opened before the storm; positions and evidence go to them
SETTLE = 40.0  # seconds the outbox, the sweepers and the status refresh get to catch up


class Receiver(http.server.ThreadingHTTPServer):
    """A JSON webhook on 127.0.0.1 that counts each delivery key (X-Remit-Delivery) it receives."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server_address[1]}/remit"


class _Hook(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.keys[self.headers.get("X-Remit-Delivery", "")] += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:  # quiet
        pass


def charter(name: str, hook: str) -> str:
    """The default preset and the sample roster; every message to the team goes to ``hook``."""
    base = load_preset("default")
    people = {person.handle: person for person in sample_roster(base)}
    return render_charter(replace(base, name=name, preset="default", people=people, notify={"all": (hook,)}), team=name)


def past_clock(start: datetime) -> Callable[[], datetime]:
    moments = iter(start + timedelta(seconds=k) for k in range(10**6))
    return lambda: next(moments)


@dataclass
class Seeded:
    url: str
    tokens: dict[str, str]
    quiet_decision: int


def seed(url: str, hook: str) -> Seeded:
    """The storm team (passwords, tokens, open decisions, an open incident) and a quiet team whose one
    decision passed its deadline yesterday (nobody writes there: only a sweep can expire it)."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    store = Store.open(url, migrate=True, clock=past_clock(yesterday))
    try:
        teams.init_team(uow=store.uow(), text=charter(QUIET, hook), source="quiet.toml")
        deadline = yesterday + timedelta(hours=1)
        quiet = act(store, QUIET, "priya", OpenDecision(domain="release", title="Renew the cert", deadline=deadline))
    finally:
        store.close()
    store = Store.open(url)
    try:
        teams.init_team(uow=store.uow(), text=charter(TEAM, hook), source="storm.toml")
        accounts.set_password(uow=store.uow(), team=TEAM, handle="priya", password=PASSWORD)
        tokens = {h: act(store, TEAM, h, CreateToken(name="storm")).token for h in ("priya", "ezra", "dana", "theo")}
        for k in range(DECISIONS):
            act(store, TEAM, "priya", OpenDecision(domain="release", title=f"Ship part {k + 1}"))
        act(
            store,
            TEAM,
            "ezra",
            OpenIncident(title="Checkout slow", severity=Severity.SEV2, message="looking", public=True),
        )
    finally:
        store.close()
    return Seeded(url, tokens, quiet.as_dict()["number"])


@dataclass
class Acks:
    """What the servers acknowledged, and what went wrong on the way."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    positions: list[str] = field(default_factory=list)  # reasons
    evidence: list[str] = field(default_factory=list)  # names
    titles: list[str] = field(default_factory=list)  # decisions opened
    updates: list[str] = field(default_factory=list)  # incident update texts
    withdrawn: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, kind: str, value: Any) -> None:
        with self.lock:
            getattr(self, kind).append(value)


@dataclass
class Storm:
    seeded: Seeded
    servers: list[LiveServer]
    receiver: Receiver
    acks: Acks = field(default_factory=Acks)

    def client(self, k: int, handle: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.seeded.tokens[handle]}"} if handle else {}
        return httpx.Client(base_url=self.servers[k % 2].url, headers=headers, timeout=60)

    def post(self, clients: dict[str, httpx.Client], handle: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = clients[handle].post(path, json=body)
        if response.status_code not in (200, 201):
            raise AssertionError(f"{handle} POST {path} {body}: {response.status_code} {response.text[:300]}")
        answer: dict[str, Any] = response.json()
        return answer

    def writer(self, t: int, start: threading.Barrier) -> None:
        """ROUNDS writes of every kind in turn, each to the other server than the last."""
        people = ("priya", "ezra", "dana", "theo")
        both = [{handle: self.client(side, handle) for handle in people} for side in (0, 1)]
        start.wait()
        for r in range(ROUNDS):
            k, uid = t + r, f"t{t}r{r}-{uuid.uuid4().hex[:6]}"
            clients, other = both[k % 2], both[(k + 1) % 2]
            number = 1 + (t + r) % DECISIONS
            try:
                match (t + r) % 5:
                    case 0:
                        who = "dana" if r % 2 else "theo"
                        body = {"stance": "go", "reason": f"position {uid}"}
                        self.post(clients, who, f"/api/v1/decisions/{number}/positions", body)
                        self.acks.add("positions", body["reason"])
                    case 1:
                        body = {"name": f"note-{uid}", "text": "measured"}
                        self.post(clients, "ezra", f"/api/v1/decisions/{number}/evidence", body)
                        self.acks.add("evidence", body["name"])
                    case 2:
                        body = {"domain": "release", "title": f"decision {uid}"}
                        self.post(clients, "priya", "/api/v1/decisions", body)
                        self.acks.add("titles", body["title"])
                    case 3:
                        message = f"update {uid}"
                        self.post(clients, "ezra", "/api/v1/incidents/1/updates", {"message": message, "public": True})
                        self.acks.add("updates", message)
                    case _:  # open on one server, withdraw on the other: settling signs a checkpoint
                        title = f"withdrawn {uid}"
                        opened = self.post(clients, "priya", "/api/v1/decisions", {"domain": "release", "title": title})
                        self.acks.add("titles", title)
                        path = f"/api/v1/decisions/{opened['number']}/withdraw"
                        done = self.post(other, "priya", path, {"reason": "not now"})
                        assert done["state"] == "withdrawn", done
                        self.acks.add("withdrawn", opened["number"])
            except (AssertionError, httpx.HTTPError) as error:
                self.acks.add("problems", f"writer {t} round {r}: {error!r}")
        for clients in both:
            for client in clients.values():
                client.close()

    def twin(
        self, pair: int, side: int, barrier: threading.Barrier, answers: dict[tuple[int, int], httpx.Response]
    ) -> None:
        """The same write with the same Idempotency-Key, sent to both servers at the same moment."""
        body = {"domain": "release", "title": f"twin {pair}"}
        with self.client(side, "priya") as client:
            barrier.wait()
            try:
                answers[pair, side] = client.post(
                    "/api/v1/decisions", json=body, headers={"Idempotency-Key": f"storm-twin-{pair}"}
                )
            except httpx.HTTPError as error:
                self.acks.add("problems", f"twin {pair} on server {side}: {error!r}")

    def sign_in(self, n: int, start: threading.Barrier) -> None:
        """Sign in on one server; the session works on the other; sign out there; it has ended on the first."""
        start.wait()
        here, there = n % 2, (n + 1) % 2
        try:
            with self.client(here) as first, self.client(there) as second:
                form = first.get("/login")
                csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
                assert csrf, "no CSRF token on the sign-in form"
                fields = {"team": TEAM, "handle": "priya", "password": PASSWORD, "csrf": csrf[1], "next": "/tokens"}
                signed = first.post("/login", data=fields)
                assert signed.status_code == 303, f"sign-in answered {signed.status_code}: {signed.text[:300]}"
                second.cookies = first.cookies  # the browser takes its cookie to whichever server answers
                page = second.get("/tokens")
                assert page.status_code == 200 and "priya" in page.text, f"the session on the other server: {page}"
                token = re.search(r'name="csrf" value="([^"]+)"', page.text)
                assert token, "no CSRF token on the tokens page"
                assert second.post("/logout", data={"csrf": token[1]}).status_code == 303
                ended = first.get("/tokens")
                assert ended.status_code == 303 and "ended=1" in ended.headers["location"], (
                    "the session outlived sign-out"
                )
        except (AssertionError, httpx.HTTPError) as error:
            self.acks.add("problems", f"sign-in {n}: {error!r}")


@pytest.fixture
def storm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Storm]:
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    with fresh_postgres() as url:
        seeded = seed(url, receiver.url)
        for name, value in {
            "REMIT_SWEEP_SECONDS": "1",  # both servers sweep every second: one of them acts per pass
            "REMIT_NOTIFY_SECONDS": "1",
            "REMIT_CHECKPOINT_MINUTES": "0.05",  # both sign on a schedule too, into the one folder
            "REMIT_LOG_LEVEL": "warning",
            "REMIT_RATE_LIMIT_STORAGE": "memory://",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("REMIT_SIGNING_KEY", raising=False)
        monkeypatch.delenv("REMIT_SIGNING_KEY_FILE", raising=False)
        monkeypatch.delenv("REMIT_CHECKPOINT_DIR", raising=False)
        servers = [LiveServer(url, demo=False, log=tmp_path / f"server-{k}.log") for k in (0, 1)]
        try:
            starting = [threading.Thread(target=server.start) for server in servers]
            for thread in starting:
                thread.start()
            for thread in starting:
                thread.join()
            for server in servers:
                httpx.get(f"{server.url}/healthz", timeout=5).raise_for_status()
            yield Storm(seeded, servers, receiver)
        finally:
            for server in servers:
                server.stop()
            receiver.shutdown()
            receiver.server_close()
    # a failure's server logs: tmp_path/server-0.log and server-1.log


def once(values: list[str], stored: list[str], what: str) -> None:
    counted = Counter(stored)
    lost = [value for value in values if counted[value] == 0]
    doubled = [value for value, n in counted.items() if n > 1]
    assert not lost, f"{len(lost)} acknowledged {what} not stored, e.g. {lost[:3]}"
    assert not doubled, f"{what} stored twice: {doubled[:3]}"


def test_a_write_storm_on_two_servers_loses_nothing_doubles_nothing_and_the_chains_verify(
    storm: Storm, tmp_path: Path
) -> None:
    twins: dict[tuple[int, int], httpx.Response] = {}
    start = threading.Barrier(THREADS + SIGN_INS)
    threads = [threading.Thread(target=storm.writer, args=(t, start)) for t in range(THREADS)]
    threads += [threading.Thread(target=storm.sign_in, args=(n, start)) for n in range(SIGN_INS)]
    for pair in range(TWINS):
        barrier = threading.Barrier(2)
        threads += [threading.Thread(target=storm.twin, args=(pair, side, barrier, twins)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    acks = storm.acks
    assert not acks.problems, acks.problems[:5]

    # the same Idempotency-Key on both servers at once: one decision, one answer, replayed to the other
    for pair in range(TWINS):
        first, second = twins[pair, 0], twins[pair, 1]
        assert first.status_code == second.status_code == 201, (first.text, second.text)
        assert first.json()["number"] == second.json()["number"]
        replayed = [r.headers.get("Idempotent-Replayed") == "true" for r in (first, second)]
        assert sorted(replayed) == [False, True], f"twin {pair}: replayed {replayed}"

    # the last public update, through server 0, for server 1's status page to show
    last = f"all clear {uuid.uuid4().hex[:6]}"
    with storm.client(0, "ezra") as ezra:
        assert ezra.post("/api/v1/incidents/1/updates", json={"message": last, "public": True}).status_code == 201
    acks.updates.append(last)

    store = Store.open(storm.seeded.url)
    try:
        settled = wait_until_settled(store, storm, last)
        with store.sessions() as session:
            team_id = session.scalar(select(TeamRow.id).where(TeamRow.name == TEAM))
            mine = DecisionRow.team_id == team_id
            once(acks.positions, list(session.scalars(select(PositionRow.reason))), "positions")
            once(
                acks.evidence, list(session.scalars(select(EvidenceRow.name).join(DecisionRow).where(mine))), "evidence"
            )
            titles = list(session.scalars(select(DecisionRow.title).where(mine)))
            once(acks.titles + [f"twin {pair}" for pair in range(TWINS)], titles, "decisions")
            assert len(titles) == DECISIONS + len(acks.titles) + TWINS
            updates = list(session.scalars(select(IncidentUpdateRow.text).where(IncidentUpdateRow.team_id == team_id)))
            once(acks.updates, updates, "incident updates")
            withdrawn = session.scalar(select(func.count()).where(mine, DecisionRow.state == "withdrawn"))
            assert withdrawn == len(acks.withdrawn)
            kinds = Counter(session.scalars(select(AuditRow.kind).where(AuditRow.team_id == team_id)))
            assert kinds["PositionRecorded"] == len(acks.positions)
            assert kinds["EvidenceAdded"] == len(acks.evidence)
            assert kinds["DecisionOpened"] == len(titles)
            assert kinds["DecisionWithdrawn"] == len(acks.withdrawn)
            quiet = session.execute(
                select(AuditRow.kind, DecisionRow.state)
                .join(TeamRow, TeamRow.id == AuditRow.team_id)
                .join(DecisionRow, DecisionRow.id == AuditRow.decision_id)
                .where(TeamRow.name == QUIET, AuditRow.kind == "DecisionExpired")
            ).all()
            assert quiet == [("DecisionExpired", "expired")], f"the sweepers expired the quiet decision {quiet}"
        for team in (TEAM, QUIET):
            (report,) = replay.verify(uow=store.uow(), team=team)
            assert report.ok, report.problem or [d.sentence() for d in report.differences[:5]]
    finally:
        store.close()

    # every delivery reached the webhook exactly once, with both servers' workers running
    keys = settled.delivered
    receiver_keys = storm.receiver.keys
    assert receiver_keys, "nothing was delivered"
    doubled = {key: n for key, n in receiver_keys.items() if n > 1}
    assert not doubled, f"{len(doubled)} deliveries received more than once"
    assert set(receiver_keys) == keys

    # the chain and every checkpoint the two servers signed, as an operator checks them (the same key file)
    folder = tmp_path / ".remit" / "checkpoints" / TEAM
    signed = sorted(folder.glob("0*.json"))
    assert signed, "no checkpoint was signed"
    latest = json.loads((folder / "latest.json").read_text())
    assert latest["seq"] == max(json.loads(path.read_text())["seq"] for path in signed), "latest.json went back"
    command = [REMIT, "--database", storm.seeded.url, "--team", TEAM, "audit", "verify"]
    command += [arg for path in [*signed, folder / "latest.json"] for arg in ("--checkpoint", str(path))]
    verified = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"team {TEAM}:" in verified.stdout and "chain intact" in verified.stdout, verified.stdout


@dataclass(frozen=True)
class Settled:
    delivered: set[str]


def wait_until_settled(store: Store, storm: Storm, last: str) -> Settled:
    """Until every outbox message is expanded and every delivery sent, and server 1's public page shows
    ``last`` (posted through server 0): the outbox workers, the sweepers and the status refresh caught up."""
    deadline = time.monotonic() + SETTLE
    shown = pending = None
    while time.monotonic() < deadline:
        with store.sessions() as session:
            unexpanded = session.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .outerjoin(ExpandedRow, ExpandedRow.outbox_id == OutboxRow.id)
                .where(ExpandedRow.outbox_id.is_(None))
            )
            states = Counter(session.scalars(select(DeliveryRow.state)))
            keys = set(session.scalars(select(DeliveryRow.key)))
        pending = {"unexpanded": unexpanded, **states}
        public = httpx.get(f"{storm.servers[1].url}/status/{TEAM}/api/v2/incidents.json", timeout=5)
        shown = last in public.text
        if not unexpanded and set(states) == {"sent"} and shown:
            return Settled(keys)
        time.sleep(0.5)
    raise AssertionError(f"not settled within {SETTLE}s: outbox {pending}, status page shows the last update: {shown}")

"""The jobs several server processes on one database must not each do: the expiry sweep and the checkpoint
schedule run in one process per pass (a PostgreSQL advisory lock; the others skip the pass), and a team's
checkpoint is signed by one process at a time, so ``latest.json`` in a shared directory never goes back.

Two stores on one PostgreSQL database stand for two server processes (each has its own engine and pool)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text

from remit.app import _sweep_once
from remit.audit import anchoring, checkpoints
from remit.audit.keys import SigningKey
from remit.audit.notary import LATEST, Notary
from remit.charter import teams
from remit.decisions.commands import OpenDecision
from remit.kernel.commands import act
from remit.kernel.singleton import lock_keys, one_process
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from tests.conftest import open_store, team_text
from tests.e2e.crowd import fresh_postgres

KEY = SigningKey(Ed25519PrivateKey.generate(), "test")
TEAM = "checkout"


@pytest.fixture
def pg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """One server process's store on PostgreSQL, holding the sample team."""
    opened = open_store(request, "postgres", tmp_path)
    teams.init_team(uow=opened.uow(), text=team_text(), source="remit.toml")
    yield opened
    opened.close()


@pytest.fixture
def other(pg: Store) -> Iterator[Store]:
    """A second process's store on the same database (and the same test clock)."""
    opened = Store.open(pg.engine.url.render_as_string(hide_password=False), clock=pg.clock)
    yield opened
    opened.close()


def holders(store: Store, job: str) -> int:
    """How many sessions hold ``job``'s advisory lock, as PostgreSQL shows it."""
    space, key = lock_keys(job)
    query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = :s AND objid::bigint = :k"
    with store.engine.connect() as connection:
        return int(connection.scalar(text(query), {"s": space & 0xFFFFFFFF, "k": key & 0xFFFFFFFF}) or 0)


@pytest.mark.postgres
def test_a_job_another_process_holds_is_skipped_then_taken_once_it_is_free(pg: Store, other: Store) -> None:
    with one_process(pg.engine, "expiry sweep") as mine:
        assert mine
        assert holders(pg, "expiry sweep") == 1
        with one_process(other.engine, "expiry sweep") as theirs:
            assert not theirs
        with one_process(other.engine, "checkpoint sweep") as another_job:
            assert another_job  # each job has its own lock
    assert holders(pg, "expiry sweep") == 0
    with one_process(other.engine, "expiry sweep") as theirs:
        assert theirs


@pytest.mark.postgres
def test_a_process_that_waits_for_a_job_gets_it_when_the_holder_is_done(pg: Store, other: Store) -> None:
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with one_process(pg.engine, "checkpoint checkout", wait=True):
            held.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with one_process(other.engine, "checkpoint checkout", wait=True) as mine:
        order.append("second in")
        assert mine
    thread.join()
    assert order == ["first done", "second in"]


def test_on_sqlite_the_one_server_process_always_holds_its_jobs(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'remit.db'}", migrate=True)
    with one_process(store.engine, "expiry sweep") as mine, one_process(store.engine, "expiry sweep") as again:
        assert mine and again
    store.close()


@pytest.mark.postgres
def test_the_expiry_sweep_runs_in_one_process_per_pass(pg: Store, other: Store) -> None:
    deadline = pg.clock() + timedelta(hours=1)
    act(pg, TEAM, "priya", OpenDecision(domain="release", title="Ship it", deadline=deadline))
    pg.clock.advance(hours=2)  # type: ignore[attr-defined]
    with one_process(pg.engine, "expiry sweep"):  # this process is sweeping: the other skips its pass
        assert _sweep_once(other) is False
    assert expired(pg) == 0
    assert _sweep_once(other) is True
    assert _sweep_once(pg) is True  # nothing left to expire: no second entry
    assert expired(pg) == 1


def expired(store: Store) -> int:
    with store.sessions() as session:
        return int(session.scalar(select(func.count()).where(AuditRow.kind == "DecisionExpired")) or 0)


@pytest.mark.postgres
def test_the_checkpoint_schedule_runs_in_one_process_per_pass(pg: Store, other: Store, tmp_path: Path) -> None:
    mine, theirs = Notary(pg, KEY, tmp_path), Notary(other, KEY, tmp_path)
    with one_process(pg.engine, "checkpoint sweep"):
        assert theirs.sweep() is False
    assert not (tmp_path / TEAM).exists()
    assert theirs.sweep() is True
    assert mine.current(TEAM) == checkpoints.read(tmp_path / TEAM / LATEST)  # signed once, then read back


def test_latest_never_goes_back_to_an_older_head(store: Store, team: str, tmp_path: Path) -> None:
    """A slower process (SQLite has no advisory lock) signing an older head keeps it beside the others but
    leaves the newer ``latest.json`` in place."""
    notary = Notary(store, KEY, tmp_path)
    older = anchoring.take(uow=store.uow(), team=team, key=KEY)
    act(store, team, "priya", OpenDecision(domain="release", title="Ship it"))
    newer = notary.current(team)
    assert newer.seq > older.seq
    notary._keep(older)
    assert checkpoints.read(tmp_path / team / LATEST) == newer
    assert (tmp_path / team / f"{older.seq:010d}.json").exists()


@pytest.mark.postgres
def test_servers_starting_together_on_a_new_database_migrate_it_in_turn() -> None:
    """Every `remit serve` brings the schema up to date at start; several starting at once (a deploy) take
    turns on the migrations' lock, so the second finds the schema done instead of creating it twice."""
    with fresh_postgres() as url:
        start = threading.Barrier(3)
        opened: list[Store] = []
        failed: list[BaseException] = []

        def serve() -> None:
            start.wait()
            try:
                opened.append(Store.open(url, migrate=True))
            except BaseException as error:
                failed.append(error)

        threads = [threading.Thread(target=serve) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for store in opened:
            store.close()
        assert not failed, failed
        assert len(opened) == 3

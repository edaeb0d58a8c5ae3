"""Shared fixtures: a store on SQLite and on PostgreSQL, a clock the tests move, a team to work with.

PostgreSQL: REMIT_TEST_POSTGRES_URL, else 127.0.0.1:5432/test as the local user. Each test process gets a
database of its own (migrated once) and every test starts from empty tables. Without a server the
PostgreSQL cases skip, saying so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from remit.app import Settings, create_app
from remit.charter import load_preset, teams
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster
from remit.identity import accounts as identity
from remit.identity.accounts import NewSession
from remit.identity.commands import CreateToken
from remit.identity.throttle import SignInLimits
from remit.kernel.commands import act
from remit.kernel.tables import Base
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM, seed_demo

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # real records, read at test time, never committed


def shared_data(relative: str) -> Path:
    """A file of ``../shared/data`` (real trackers' exports); the test skips, saying so, where it is absent."""
    path = DATA / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real-data tests need ../shared/data beside the repository")
    return path


DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin = os.environ.get("REMIT_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"remit_test_{uuid.uuid4().hex[:10]}"
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any failure means: no PostgreSQL here
        if os.environ.get("REMIT_REQUIRE_POSTGRES"):
            pytest.fail(f"REMIT_REQUIRE_POSTGRES is set but PostgreSQL is not reachable at {admin}: {error}")
        pytest.skip(
            f"PostgreSQL not reachable at {admin} ({type(error).__name__}); "
            "set REMIT_TEST_POSTGRES_URL to run these cases"
        )
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    Store.open(url, migrate=True).close()
    yield url
    engine.dispose()
    drop_later(admin, name)


class Drops:
    """The databases tests made, dropped on a thread of their own. DROP DATABASE waits for a checkpoint of the
    whole server (every dirty page written and synced: seconds on a busy disk) that no test needs to wait
    for; the session waits for the last drop at its end (``pytest_sessionfinish``), and a drop that fails
    fails the run there."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")
        self.pending: list[Future[None]] = []

    def add(self, admin: str, name: str) -> None:
        self.pending.append(self.pool.submit(self.drop, admin, name))

    @staticmethod
    def drop(admin: str, name: str) -> None:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()

    def wait(self) -> None:
        pending, self.pending = self.pending, []
        for dropping in pending:
            dropping.result()


DROPS = Drops()


def drop_later(admin: str, name: str) -> None:
    """Drop the database ``name`` (on the server of the URL ``admin``) while the tests go on."""
    DROPS.add(admin, name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    DROPS.wait()


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class SqliteStarts:
    """The files a test's SQLite store starts from, made once per test process: the schema migrated (the
    migrations run about a second and a half; a copy of their result takes milliseconds) and the demo team
    seeded on it through the real handlers (a second or more). Each test gets a copy of its own, and a clock
    at the moment the seeding left its own at, so that it sees what migrating and seeding it would have."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[bool, tuple[Path, datetime]] = {}

    def start(self, demo: bool) -> tuple[Path, datetime]:
        if demo not in self.made:
            path, clock = self.folder / ("demo.db" if demo else "migrated.db"), Clock()
            if demo:
                shutil.copyfile(self.start(demo=False)[0], path)
                seeding = Store.open(f"sqlite:///{path}", clock=clock)
                seed_demo(seeding)
            else:
                seeding = Store.open(f"sqlite:///{path}", migrate=True, clock=clock)
            seeding.close()
            with closing(sqlite3.connect(path)) as connection:  # everything in the one file, nothing in the WAL
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.made[demo] = (path, clock.now)
        return self.made[demo]


@pytest.fixture(scope="session")
def sqlite_starts(tmp_path_factory: pytest.TempPathFactory) -> SqliteStarts:
    return SqliteStarts(tmp_path_factory.mktemp("starts"))


class PostgresStarts:
    """Empty tables, or the demo team, on the test process's PostgreSQL database, for each test in turn.
    Emptying deletes every row and restarts the sequences: what TRUNCATE ... RESTART IDENTITY leaves, in a
    twentieth of its time (TRUNCATE makes new files for every table and index). The demo is seeded once,
    through the real handlers, and its rows copied into the schema ``demo_start``; each later test gets those
    rows back and the sequences where the seeding left them."""

    SCHEMA = "demo_start"
    SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"

    def __init__(self, url: str) -> None:
        self.tables = [f'"{table.name}"' for table in Base.metadata.sorted_tables]  # referred-to tables first
        self.demo: tuple[str, datetime] | None = None
        engine = create_engine(url)
        with engine.connect() as connection:
            sequences = connection.execute(text(self.SEQUENCES)).all()
        engine.dispose()
        self.emptying = self.script([f'ALTER SEQUENCE "{name}" RESTART' for name, _ in sequences])

    def script(self, then: list[str]) -> str:
        """Every row deleted (referring tables first), then ``then``: one round trip."""
        return "; ".join([f"DELETE FROM {table}" for table in reversed(self.tables)] + then)  # noqa: S608 - our names

    def start(self, store: Store, demo: bool) -> None:
        with store.engine.begin() as connection:
            connection.exec_driver_sql(self.demo[0] if demo and self.demo else self.emptying)
        if not demo:
            return
        assert isinstance(store.clock, Clock)
        if self.demo:
            store.clock.now = self.demo[1]
            return
        seed_demo(store)
        with store.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE; CREATE SCHEMA {self.SCHEMA}")
            for table in self.tables:
                connection.exec_driver_sql(f"CREATE TABLE {self.SCHEMA}.{table} AS TABLE {table}")
            sequences = connection.execute(text(self.SEQUENCES)).all()
        restored = [f"INSERT INTO {table} SELECT * FROM {self.SCHEMA}.{table}" for table in self.tables]  # noqa: S608
        restored += [
            f"SELECT setval('\"{name}\"', {value})" if value is not None else f'ALTER SEQUENCE "{name}" RESTART'
            for name, value in sequences
        ]
        self.demo = (self.script(restored), store.clock.now)


@pytest.fixture(scope="session")
def postgres_starts(postgres_url: str) -> PostgresStarts:
    return PostgresStarts(postgres_url)


def open_store(request: pytest.FixtureRequest, kind: str, folder: Path, *, demo: bool = False) -> Store:
    """An empty, migrated store on ``kind`` ("sqlite" in ``folder``, or "postgres"), on a clock tests move;
    ``demo``: holding the demo team (``seed_demo``) instead."""
    clock = Clock()
    if kind == "sqlite":
        start, clock.now = request.getfixturevalue("sqlite_starts").start(demo)
        shutil.copyfile(start, folder / "remit.db")
        return Store.open(f"sqlite:///{folder / 'remit.db'}", clock=clock)
    opened = Store.open(request.getfixturevalue("postgres_url"), clock=clock)
    request.getfixturevalue("postgres_starts").start(opened, demo)
    return opened


@pytest.fixture(params=DATABASES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Empty tables; for a test on the demo team (``demo_store`` among its fixtures), the demo team."""
    opened = open_store(request, request.param, tmp_path, demo="demo_store" in request.fixturenames)
    yield opened
    opened.close()


def team_text(preset: str = "default", name: str = "checkout") -> str:
    base = load_preset(preset)
    charter = replace(base, name=name, preset=preset, people={p.handle: p for p in sample_roster(base)})
    return render_charter(charter, team=name)


@pytest.fixture
def team(store: Store) -> str:
    teams.init_team(uow=store.uow(), text=team_text(), source="remit.toml")
    return "checkout"


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing() -> Iterator[None]:
    """argon2id at test strength in this process: the demo seed sets eight passwords and the tests sign in a
    lot. (The production parameters are argon2-cffi's defaults; servers started by the tests use those.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(identity, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


ADDRESS = "192.0.2.1"  # a documentation address (RFC 5737): the client the sign-in tests sign in from


def sign_in(
    store: Store, team: str, handle: str, password: str, limits: SignInLimits | None = None, address: str = ADDRESS
) -> NewSession:
    """Sign in as the web form does, under ``limits`` (fresh ones, the defaults, when not given)."""
    return identity.sign_in(
        uow=store.uow(), limits=limits or SignInLimits(), address=address, team=team, handle=handle, password=password
    )


class Api:
    """A test client on the app, over a store holding the demo team; ``as_(handle)`` gives that person's
    API token header (tokens are made on first use)."""

    def __init__(self, client: TestClient, store: Store) -> None:
        self.client = client
        self.store = store
        self._tokens: dict[str, str] = {}

    def token(self, handle: str) -> str:
        if handle not in self._tokens:
            self._tokens[handle] = act(self.store, DEMO_TEAM, handle, CreateToken(name="tests")).token
        return self._tokens[handle]

    def as_(self, handle: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(handle)}"}


@pytest.fixture
def demo_store(store: Store) -> Store:
    """The store (SQLite and PostgreSQL) holding the demo team `remit serve --demo` starts with (``store``
    opens it so: a copy of the team seed_demo made once in this process)."""
    return store


@pytest.fixture
def api(demo_store: Store) -> Iterator[Api]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store)) as client:
        yield Api(client, demo_store)

"""Shared fixtures: a store on SQLite and on PostgreSQL, a clock the tests move, a team to work with.

PostgreSQL: REMIT_TEST_POSTGRES_URL, else 127.0.0.1:5432/test as the local user. Each test process gets a
database of its own (migrated once) and every test starts from empty tables. Without a server the
PostgreSQL cases skip, saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def open_store(request: pytest.FixtureRequest, kind: str, folder: Path) -> Store:
    """An empty, migrated store on ``kind`` ("sqlite" in ``folder``, or "postgres"), on a clock tests move."""
    clock = Clock()
    if kind == "sqlite":
        return Store.open(f"sqlite:///{folder / 'remit.db'}", migrate=True, clock=clock)
    url = request.getfixturevalue("postgres_url")
    opened = Store.open(url, clock=clock)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with opened.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return opened


@pytest.fixture(params=DATABASES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(request, request.param, tmp_path)
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
    """The store (SQLite and PostgreSQL) holding the demo team `remit serve --demo` starts with."""
    seed_demo(store)
    return store


@pytest.fixture
def api(demo_store: Store) -> Iterator[Api]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store)) as client:
        yield Api(client, demo_store)

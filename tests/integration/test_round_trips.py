"""Round trips to PostgreSQL, the cost that adds up on every request: a read opens no transaction (no BEGIN,
no ROLLBACK), a checkout sends no ``SELECT 1``, and a connection PostgreSQL has ended is replaced without
failing the request that finds it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg._connection_base import BaseConnection
from sqlalchemy import create_engine, select, text, update

from remit import capabilities  # noqa: F401
from remit.app import Settings, create_app
from remit.decisions import queue
from remit.identity import tokens
from remit.identity.commands import CreateToken
from remit.identity.tables import ApiTokenRow
from remit.identity.throttle import SignInLimits
from remit.kernel.commands import act
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store, UnitOfWork
from remit.seed import DEMO_TEAM, seed_demo
from tests.conftest import ADDRESS, open_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_store(request, "postgres", tmp_path)
    seed_demo(opened)
    yield opened
    opened.close()


@contextmanager
def round_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The exchanges with the server: each statement a cursor runs, and each command the connection sends of
    its own (BEGIN, COMMIT, ROLLBACK)."""
    count = [0]
    execute, command = psycopg.Cursor.execute, BaseConnection._exec_command

    def executed(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return execute(self, *args, **kwargs)

    def commanded(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return command(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(psycopg.Cursor, "execute", executed)
        patched.setattr(BaseConnection, "_exec_command", commanded)
        yield count


def test_the_token_check_is_one_round_trip(pg: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    token = act(pg, DEMO_TEAM, "priya", CreateToken(name="ci")).token
    check = tokens.token_identity
    check(uow=pg.uow(), limits=SignInLimits(), address=ADDRESS, token=token)  # notes its first use
    with round_trips(monkeypatch) as count:
        who = check(uow=pg.uow(), limits=SignInLimits(), address=ADDRESS, token=token)
    assert who.handle == "priya"
    assert count == [1]  # no SELECT 1 at checkout, no BEGIN, no ROLLBACK


def test_the_queue_is_as_many_round_trips_as_statements(pg: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    queue.my_queue(uow=pg.uow(), team=DEMO_TEAM, handle="priya")
    with round_trips(monkeypatch) as count:
        mine = queue.my_queue(uow=pg.uow(), team=DEMO_TEAM, handle="priya")
    assert mine.waiting_on_me or mine.mine
    assert count == [5]


def test_a_read_only_unit_of_work_refuses_to_write(pg: Store) -> None:
    """Without a transaction to throw away, a write in a read would be kept at once: it is refused instead."""
    with pytest.raises(RuntimeError, match="does not write"), pg.uow().reading() as uow:
        uow.session.execute(update(TeamRow).where(TeamRow.name == DEMO_TEAM).values(name="renamed"))
    with pg.uow().reading() as uow:
        assert uow.session.scalars(select(TeamRow.name)).all() == [DEMO_TEAM]


def test_connections_postgresql_ended_are_replaced_without_a_failed_request(pg: Store) -> None:
    """As after a restart of PostgreSQL: every pooled connection is ended by the server. The next requests
    find that out at checkout, without a round trip, and are answered on new connections."""
    with TestClient(create_app(Settings(sweep_seconds=0), store=pg)) as client:
        token = act(pg, DEMO_TEAM, "priya", CreateToken(name="ci")).token
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/queue", headers=headers).status_code == 200
        pooled = pg.engine.pool.checkedin()
        assert pooled >= 1
        admin = create_engine(pg.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            ended = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": pg.engine.url.database},
            ).scalar_one()
        admin.dispose()
        assert ended >= pooled
        for _ in range(3):
            answer = client.get("/api/v1/queue", headers=headers)
            assert answer.status_code == 200, answer.text


def test_a_snapshot_read_sees_the_database_as_at_its_first_statement(pg: Store) -> None:
    """An export or a verification reads one snapshot: a write committed meanwhile is not half in it. A
    plain read sees each statement's newest committed data (READ COMMITTED, as inside a transaction)."""

    def names(uow: UnitOfWork) -> list[str]:
        return list(uow.session.scalars(select(ApiTokenRow.name).order_by(ApiTokenRow.id)))

    with pg.uow().reading(snapshot=True) as snapshot:
        before = names(snapshot)
        act(pg, DEMO_TEAM, "priya", CreateToken(name="meanwhile"))
        assert names(snapshot) == before
    with pg.uow().reading() as plain:
        seen = names(plain)
        act(pg, DEMO_TEAM, "priya", CreateToken(name="later"))
        assert names(plain) == [*seen, "later"] and "meanwhile" in seen


def test_a_connection_past_descriptor_1024_is_checked_all_the_same(pg: Store) -> None:
    """A server with many clients holds more than 1,024 descriptors; the checkout check must not fail there
    (``select.select`` refuses descriptors past FD_SETSIZE)."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"this process may open only {hard} descriptors")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    pg.engine.dispose()  # the pool's descriptors freed first, then the low ones taken: new connections get
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]  # descriptors past 1,024
    try:
        with pg.uow().reading() as uow:
            connection = uow.session.connection().connection.dbapi_connection
            assert connection is not None and connection.fileno() > 1024
            assert uow.session.scalars(select(TeamRow.name)).all() == [DEMO_TEAM]
        with pg.uow().reading() as uow:  # checked out again: the check ran on it
            assert uow.session.scalars(select(TeamRow.name)).all() == [DEMO_TEAM]
    finally:
        for descriptor in held:
            os.close(descriptor)
        pg.engine.dispose()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

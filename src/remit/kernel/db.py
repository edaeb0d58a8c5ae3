"""Engines and migrations. Nothing here runs at import time: callers ask for an engine.

SQLite is the zero-set-up default (one file; WAL; a transaction that may write begins ``BEGIN IMMEDIATE``
so two writers queue instead of failing half-way, one that only reads begins deferred so it reads a
snapshot without queueing behind writers); PostgreSQL comes through ``REMIT_DATABASE_URL``. Both run the
same Alembic migrations.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from remit.kernel.errors import InvalidInput, unavailable

DEFAULT_URL = "sqlite:///remit.db"
READ_ONLY = "remit_read_only"  # a connection execution option: this transaction never writes


def database_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("REMIT_DATABASE_URL") or DEFAULT_URL
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Writers take SQLite's write lock up front (a deferred transaction that reads and then writes can fail
    half-way with SQLITE_BUSY); read-only transactions take no lock at all, so they neither wait for writers
    (SQLite's busy handler polls with sleeps of up to 100 ms) nor make writers wait for them."""
    connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise InvalidInput(
            f"not a database URL: {url!r}", hint="e.g. sqlite:///remit.db or postgresql://user@127.0.0.1:5432/remit"
        ) from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "remit.kernel:migrations")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError("no Alembic migrations found in remit.kernel.migrations")
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (idempotent), or to ``revision``.

    On SQLite, a migration that changes a table's constraints copies the table into a new one and drops the
    old, which the tables referring to it would refuse: foreign keys are not enforced while the migrations
    run (SQLite ignores that switch inside a transaction, so it is flipped outside one), and every key is
    checked before the migrations commit."""
    config = _alembic_config()
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                    if sqlite:
                        _check_foreign_keys(connection)
            finally:
                if sqlite:
                    _sqlite_foreign_keys(connection, on=True)
    except OperationalError as error:
        raise unavailable(error, engine.url.render_as_string()) from error


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:  # pragma: no cover - the migrations keep every key; this is the proof
        raise RuntimeError(f"the migration left {len(broken)} broken foreign key(s), e.g. {tuple(broken[0])}")


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise unavailable(error, engine.url.render_as_string()) from error

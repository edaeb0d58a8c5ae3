"""Engines and migrations. Nothing here runs at import time: callers ask for an engine.

SQLite is the zero-set-up default (one file; WAL; a transaction that may write begins ``BEGIN IMMEDIATE``
so two writers queue instead of failing half-way, one that only reads begins deferred so it reads a
snapshot without queueing behind writers); PostgreSQL comes through ``REMIT_DATABASE_URL``. Both run the
same Alembic migrations.
"""

from __future__ import annotations

import ast
import os
import select
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError

from remit.kernel.errors import InvalidInput, unavailable
from remit.kernel.singleton import lock_in_transaction

if TYPE_CHECKING:  # Alembic (and the Mako and Pygments it loads) only for the commands that migrate
    from alembic.config import Config

DEFAULT_URL = "sqlite:///remit.db"
READ_ONLY = "remit_read_only"  # a connection execution option: this transaction never writes
# A read-only unit of work on PostgreSQL runs without a transaction (autocommit): under READ COMMITTED, which
# Remit uses, each statement of a transaction reads its own snapshot anyway, so BEGIN and ROLLBACK bought
# nothing but two round trips per read. ``_reads_only`` refuses a write on such a connection, which would
# otherwise be kept at once where the transaction used to throw it away.
READING: dict[str, dict[str, Any]] = {"postgresql": {READ_ONLY: True, "isolation_level": "AUTOCOMMIT"}}
SNAPSHOT: dict[str, dict[str, Any]] = {  # one snapshot for a whole read (an export, a verification)
    "postgresql": {READ_ONLY: True, "isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
}

# PostgreSQL connections per process: ``pool_size`` kept open, ``max_overflow`` more opened under load and closed
# when returned; a request that finds none free waits up to ``pool_timeout`` seconds for one (it queues, it
# does not fail). A request holds a connection only while its transaction runs, a few milliseconds, so a
# handful serve many concurrent requests: more connections than cores only adds waiting inside PostgreSQL.
# Size them so that every process together stays under PostgreSQL's ``max_connections`` (100 by default,
# 3 of them reserved for superusers): processes x (pool + overflow) + migrations, psql and backups < 97.
# The defaults (8 + 4 = 12 per process) leave room for 6 web processes (72) and the CLI. See
# docs/architecture.md "Connections".
POOL_SIZE, POOL_OVERFLOW, POOL_TIMEOUT = 8, 4, 30.0
POOL_ENV = {
    "pool_size": "REMIT_DB_POOL_SIZE",
    "max_overflow": "REMIT_DB_MAX_OVERFLOW",
    "pool_timeout": "REMIT_DB_POOL_TIMEOUT",
}


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
    engine = create_engine(url, **pool_settings())
    event.listen(engine, "checkout", _still_open)
    event.listen(engine, "before_cursor_execute", _reads_only)
    return engine


def _reads_only(connection: Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
    writes = context is not None and (context.isinsert or context.isupdate or context.isdelete)
    if writes and connection.get_execution_options().get(READ_ONLY):
        raise RuntimeError(f"a read-only unit of work does not write: {statement.split(None, 1)[0]}")


def _still_open(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    """A pooled connection's liveness, checked at checkout without a round trip (``pool_pre_ping`` sends a
    ``SELECT 1`` each time: a round trip per transaction, two per API request). An idle connection has
    nothing to read: when PostgreSQL restarts or ends a backend it sends its last word and closes, so the
    socket turns readable (or the driver already knows it is closed). Raising ``DisconnectionError`` makes
    the pool throw that connection away and check out another, up to three times (SQLAlchemy's "custom
    pessimistic ping"). A connection that dies silently (a network cut) is still noticed at its first
    statement, which fails with a 503 and invalidates the pool."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the database connection is closed")
    poller = select.poll()  # poll, not select: a busy server's descriptors go past select's 1024
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):  # readable, or hung up
        raise DisconnectionError("the database ended this connection")


def pool_settings(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The PostgreSQL pool's size, overflow and wait, from ``REMIT_DB_POOL_SIZE``, ``REMIT_DB_MAX_OVERFLOW``
    and ``REMIT_DB_POOL_TIMEOUT`` (seconds) or the defaults above; a value that is not a number is refused."""
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_TIMEOUT}
    for key, name in POOL_ENV.items():
        raw = env.get(name, "").strip()
        if not raw:
            continue
        try:
            value = float(raw) if key == "pool_timeout" else int(raw)
        except ValueError:
            value = -1
        if value < (1 if key == "pool_size" else 0):
            raise InvalidInput(
                f"{name}={raw!r} is not a usable number",
                hint=f"{name} is a whole number of connections (default {settings[key]})"
                if key != "pool_timeout"
                else f"{name} is seconds to wait for a free connection (default {POOL_TIMEOUT:g})",
            )
        settings[key] = value
    return settings


VERSIONS = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "remit.kernel:migrations")
    return config


def alembic_head() -> str:
    """The newest migration as Alembic finds it (it imports every migration script)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError("no Alembic migrations found in remit.kernel.migrations")
    return head


@cache
def head_revision() -> str:
    """The newest migration: the one revision no other names as its ``down_revision``, read from the scripts'
    text, without loading Alembic (a command that only reads opens the database without it). A history that
    is not one plain line (a branch, a merge, a script this cannot read) is left to Alembic."""
    revisions: dict[str, object] = {}
    for script in sorted(VERSIONS.glob("*.py")):
        assigned: dict[str, ast.expr | None] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:  # `revision = ...`, `revision: str = ...`
            value: ast.expr | None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name):
                assigned[target.id] = value
        revision, down = assigned.get("revision"), assigned.get("down_revision")
        if not isinstance(revision, ast.Constant) or not isinstance(down, ast.Constant):
            return alembic_head()
        revisions[str(revision.value)] = down.value
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1 or len(revisions) != len(set(revisions.values())):
        return alembic_head()
    (head,) = heads
    return str(head)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (idempotent), or to ``revision``.

    On SQLite, a migration that changes a table's constraints copies the table into a new one and drops the
    old, which the tables referring to it would refuse: foreign keys are not enforced while the migrations
    run (SQLite ignores that switch inside a transaction, so it is flipped outside one), and every key is
    checked before the migrations commit."""
    from alembic import command

    config = _alembic_config()
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            try:
                with connection.begin():
                    lock_in_transaction(connection, "migrations")  # servers starting together migrate in turn
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
    """The schema's revision, read from Alembic's version table (None: no Remit database there)."""
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                return None
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()  # noqa: S608
            if len(rows) > 1:  # pragma: no cover - Remit's history is one line; Alembic explains a branched one
                from alembic.runtime.migration import MigrationContext

                return MigrationContext.configure(connection).get_current_revision()
            return str(rows[0]) if rows else None
    except OperationalError as error:
        raise unavailable(error, engine.url.render_as_string()) from error

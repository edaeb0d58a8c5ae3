"""Jobs that several server processes share one database for, done by one of them at a time: the expiry
sweep, the checkpoint schedule, a team's checkpoint, the migrations at start. On PostgreSQL an advisory
lock, named by the job, says who holds it; on SQLite (one server process) there is nobody to share with.

The lock is taken on a connection of its own, in autocommit (no transaction stays open while the job runs,
so nothing holds back vacuum), and given back when the job ends. A process that dies holding it loses it
with its connection: the next pass of another process takes it."""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, text

log = logging.getLogger("remit.server")
NAMESPACE = "remit"  # the first key of every Remit advisory lock: other applications on the database use others


def _int4(name: str) -> int:
    """A stable signed 32-bit number for ``name`` (PostgreSQL's two-key advisory locks take int4)."""
    value = zlib.crc32(name.encode())
    return value - 2**32 if value >= 2**31 else value


def lock_keys(job: str) -> tuple[int, int]:
    """The two keys of ``job``'s advisory lock (what ``pg_locks`` shows as classid and objid)."""
    return _int4(NAMESPACE), _int4(job)


def lock_in_transaction(connection: Connection, job: str) -> None:
    """Take ``job``'s lock for the rest of ``connection``'s transaction (PostgreSQL; waits for a holder)."""
    if connection.dialect.name == "postgresql":
        space, key = lock_keys(job)
        connection.execute(text("SELECT pg_advisory_xact_lock(:space, :job)"), {"space": space, "job": key})


@contextlib.contextmanager
def one_process(engine: Engine, job: str, *, wait: bool = False) -> Iterator[bool]:
    """Hold ``job``'s lock while the block runs: yields True when this process holds it. ``wait`` False: a
    lock another process holds is not waited for (yields False: that process is doing the job now); True:
    wait for it (always yields True)."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    keys = dict(zip(("space", "job"), lock_keys(job), strict=True))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        if wait:
            connection.execute(text("SELECT pg_advisory_lock(:space, :job)"), keys)
            held = True
        else:
            held = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:space, :job)"), keys))
        try:
            yield held
        finally:
            if held:
                try:
                    connection.execute(text("SELECT pg_advisory_unlock(:space, :job)"), keys)
                except Exception:  # never hand a pooled connection back holding the lock: close it, which frees it
                    log.warning("could not release the advisory lock of %s: closing its connection", job)
                    connection.invalidate()

"""The unit of work: one transaction per action, the team lock, the clock, and the events it raises (written
to the audit chain at once, published to the bus after commit and after the writers' lock).

Only handlers enter a writing ``UnitOfWork`` and only they commit; queries enter it ``reading()``, and a
query called inside another shares its transaction. ``Store`` is the handle an entry point opens once (CLI
command, web app, test) and passes down.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeAlias

from sqlalchemy import Engine, bindparam, insert, select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from remit.kernel import audit
from remit.kernel.db import (
    READ_ONLY,
    READING,
    SNAPSHOT,
    current_revision,
    database_url,
    head_revision,
    make_engine,
    upgrade,
)
from remit.kernel.errors import ClaimTaken, InvalidInput, NotFound, RemitError, StoreRefused, unavailable
from remit.kernel.events import BUS, Bus, Event, Recorded
from remit.kernel.messages import Message
from remit.kernel.tables import OUTBOX, TEAMS, IdempotencyRow, TeamRow

Clock = Callable[[], datetime]
NOTHING: Any = object()
WRITER_WAIT = 10.0  # seconds a SQLite writer waits its turn in this process (SQLite's busy_timeout after that)

_TEAM = select(TeamRow).where(TeamRow.name == bindparam("name"))  # statements built once: calls only bind values
_TEAM_LOCKED = _TEAM.with_for_update().execution_options(populate_existing=True)  # the head as last left
_TEAM_NAMES = select(TeamRow.name).order_by(TeamRow.name)
_TELL = insert(OUTBOX)
_LOCK_HEAD = select(TEAMS.c.audit_seq, TEAMS.c.audit_head).where(TEAMS.c.id == bindparam("team_id")).with_for_update()


@dataclass(frozen=True)
class Team:
    """A team's id and name, read with Core (no ORM row to build and track)."""

    id: int
    name: str


TeamRef: TypeAlias = TeamRow | Team  # a team as the unit of work appends to its chain


@dataclass(frozen=True)
class Claim:
    """An Idempotency-Key sent with a write. The action's result is rendered to ``(status, body)`` and stored
    in the action's own transaction, so a retry after a lost answer replays it instead of acting twice."""

    person_id: int
    key: str
    fingerprint: str
    render: Callable[[Any], tuple[int, dict[str, Any]]]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Store:
    engine: Engine
    clock: Clock = utcnow
    bus: Bus = BUS
    sessions: sessionmaker[Session] = field(init=False)
    writers: threading.Lock | None = field(init=False)
    reading: dict[str, Any] = field(init=False)  # the execution options of a read-only unit of work
    snapshot: dict[str, Any] = field(init=False)  # and of one that reads a snapshot

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one write lock per file. Writers of this process wait their turn on a lock of ours, which
        # hands over the moment it is free, rather than in SQLite's busy handler, which polls with sleeps of
        # up to 100 ms (under load some writers lose every race and wait seconds). Other processes still meet
        # at SQLite's own lock. PostgreSQL queues writers on the team row's lock.
        self.writers = threading.Lock() if self.engine.dialect.name == "sqlite" else None
        self.reading = READING.get(self.engine.dialect.name, {READ_ONLY: True})
        self.snapshot = SNAPSHOT.get(self.engine.dialect.name, {READ_ONLY: True})

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = False, clock: Clock = utcnow, bus: Bus = BUS) -> Store:
        """Open the database; ``migrate`` brings its schema up to date, otherwise it must already be."""
        engine = make_engine(database_url(url))
        where = engine.url.render_as_string()  # the password hidden
        try:
            if migrate:
                upgrade(engine)
            current = current_revision(engine)  # an unreachable database is Unavailable (503), not bad input
        except RemitError:
            engine.dispose()
            raise
        if current != head_revision():
            engine.dispose()
            if current is None:
                raise RemitError(
                    f"no Remit database at {where}",
                    hint="run `remit init` first, or point --database / REMIT_DATABASE_URL at one",
                )
            raise RemitError(
                f"the database at {where} is at schema {current}, Remit needs {head_revision()}",
                hint="run `remit db upgrade`",
            )
        return cls(engine, clock, bus)

    @property
    def where(self) -> str:
        return self.engine.url.render_as_string()

    def uow(self, claim: Claim | None = None) -> UnitOfWork:
        return UnitOfWork(self, claim)

    def replayed(self, person_id: int, key: str) -> tuple[str, int, Any] | None:
        """The stored answer to ``person_id``'s write under Idempotency-Key ``key``: (fingerprint, status, body)."""
        with self.uow().reading() as uow:
            row = uow.session.scalars(
                select(IdempotencyRow).where(IdempotencyRow.person_id == person_id, IdempotencyRow.key == key)
            ).one_or_none()
            return None if row is None else (row.fingerprint, row.status, row.body)

    def close(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    session: Session
    now: datetime

    def __init__(self, store: Store, claim: Claim | None = None) -> None:
        self.store = store
        self.claim = claim
        self.read_only = False
        self._turn = False  # holding the store's writer lock (SQLite)
        self._heads: dict[int, audit.ChainHead] = {}  # teams whose row this transaction holds locked: their head
        self._depth = 0  # a read entered inside another unit of work's ``with`` shares its transaction
        self._outer_read_only = False
        self._snapshot = False
        self._raised: list[Recorded] = []  # events of this transaction, in order
        self._committed: list[Recorded] = []  # events whose transaction committed: published on exit
        self._told: list[dict[str, Any]] = []  # outbox rows of this transaction, written in one statement at commit

    def reading(self, *, snapshot: bool = False) -> Self:
        """Enter as a read-only unit of work (``with uow.reading():``), for a service that never writes: on
        SQLite its transaction begins deferred, a snapshot that takes no lock (see ``store.db``); on
        PostgreSQL it opens no transaction at all (``kernel/db.py`` ``READING``): each statement reads what is
        committed, as it would in a READ COMMITTED transaction, without the BEGIN and ROLLBACK round trips.
        ``snapshot``: every statement reads the database as it was at the first (PostgreSQL: a REPEATABLE
        READ, READ ONLY transaction), for a read of a whole ledger that must hold together, such as an
        export or a verification, and for one that streams its rows."""
        self.read_only = True
        self._snapshot = snapshot
        return self

    def __enter__(self) -> Self:
        if self._depth:  # already inside: a query called by a query (one page, one unit of work)
            self._depth += 1
            self.read_only = self._outer_read_only
            return self
        self._depth = 1
        self._outer_read_only = self.read_only
        if not self.read_only and self.store.writers is not None:
            self._turn = self.store.writers.acquire(timeout=WRITER_WAIT)  # before the clock: writes stay in order
        self.session = self.store.sessions()
        self._heads.clear()
        self._raised.clear()
        self._committed.clear()
        self._told.clear()
        try:
            self.now = self.store.clock()
            if self.read_only:
                options = self.store.snapshot if self._snapshot else self.store.reading
                self.session.connection(execution_options=options)
        except BaseException as error:
            self.__exit__(type(error), error, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth:
            return
        try:
            try:
                self.session.rollback()  # a no-op after commit; otherwise nothing of a failed action is kept
                self.session.close()
            except OperationalError:
                if not isinstance(error, OperationalError):
                    raise
            if isinstance(error, OperationalError):  # the database is down or unreachable: say so, no traceback
                raise unavailable(error, self.store.where) from error
            if isinstance(error, IntegrityError):  # a constraint no check caught: say which, keep nothing
                reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else "a constraint"
                raise StoreRefused(
                    f"the database refused the change ({reason}); nothing of it was kept",
                    hint="run `remit db upgrade` if this database is older than this Remit; otherwise this is a "
                    "bug in Remit: report it with this message",
                ) from error
            if isinstance(error, DataError) and "NUL" in str(error.orig):  # a value no command checked (a query
                raise InvalidInput(  # parameter, a sign-in form): PostgreSQL cannot store a NUL byte
                    "a value contains a NUL byte (U+0000)", hint="remove it and send the request again"
                ) from None
        finally:
            self.read_only = self._snapshot = False
            if self._turn and self.store.writers is not None:
                self._turn = False
                self.store.writers.release()
            committed, self._committed = self._committed, []
            if committed:  # after the transaction and the writers' lock: nothing slow runs inside them
                self.store.bus.publish(self.store, committed)

    def commit(self, result: Any = NOTHING) -> None:
        """Commit. An action passes its ``result``: under an idempotency claim it is stored with the write."""
        if self.read_only:
            raise RuntimeError("a read-only unit of work does not commit; enter it with `with uow:` to write")
        if self._raised:  # what stands or falls with the change: written in its transaction
            self.store.bus.settle(self, list(self._raised))
        if self._told:  # the outbox's messages of this transaction, in one statement
            told, self._told = self._told, []
            self.session.execute(_TELL, told)
        self._heads.clear()  # the transaction ends, and its row locks with it
        if self.claim is not None and result is not NOTHING:
            status, body = self.claim.render(result)
            self.session.add(
                IdempotencyRow(
                    person_id=self.claim.person_id,
                    key=self.claim.key,
                    fingerprint=self.claim.fingerprint,
                    status=status,
                    body=body,
                    created_at=self.now,
                )
            )
        try:
            self.session.commit()
        except IntegrityError:
            if self.claim is None:
                raise
            raise ClaimTaken(self.claim.key) from None  # the same key, sent twice at once: the other one won
        self._committed.extend(self._raised)
        self._raised.clear()

    def rollback(self) -> None:
        self._heads.clear()
        self._raised.clear()
        self._told.clear()
        self.session.rollback()

    def team(self, name: str, *, lock: bool = True) -> TeamRow:
        """The team row; locked for the transaction so audit rows of one team append one at a time."""
        team = self.session.scalars(_TEAM_LOCKED if lock else _TEAM, {"name": name}).one_or_none()
        if team is None:
            known = self.session.scalars(_TEAM_NAMES).all()
            raise NotFound(
                f"no team '{name}' in this database",
                hint=f"teams here: {', '.join(known)}" if known else "run `remit init` first",
            )
        if lock:
            self._heads[team.id] = audit.ChainHead(team.audit_seq, team.audit_head)
        return team

    def holds(self, team_id: int, seq: int, head: str) -> None:
        """Note that this transaction has just locked the team's row itself (``SELECT ... FOR UPDATE``, reading
        its chain's head ``seq`` and ``head``), so ``record`` appends without locking it again."""
        self._heads[team_id] = audit.ChainHead(seq, head)

    def record(
        self, team: TeamRef, event: Event, *, actor: str, decision_id: int | None = None, at: datetime | None = None
    ) -> None:
        """Append ``event`` to the team's audit chain now (in order, in this transaction) and publish it to the
        bus once the transaction has committed."""
        self.session.flush()  # what the entry refers to is written first
        head = self._heads.get(team.id)
        if head is None:  # appended by an action that did not lock the team: lock it now, and read the chain's
            seq, digest = self.session.execute(_LOCK_HEAD, {"team_id": team.id}).one()  # head as last left
            head = audit.ChainHead(seq, digest)
        moment = at or self.now
        head = audit.append(
            self.session,
            team_id=team.id,
            team=team.name,
            head=head,
            at=moment,
            actor=actor,
            kind=event.kind,
            payload=event.payload(),
            decision_id=decision_id,
        )
        self._heads[team.id] = head
        row = self.session.identity_map.get(self.session.identity_key(TeamRow, team.id))
        if row is not None:  # the team's row, if this session holds it, says what the table now says
            set_committed_value(row, "audit_seq", head.seq)
            set_committed_value(row, "audit_head", head.hash)
        self._raised.append(Recorded(team.name, team.id, actor, moment, decision_id, event))

    def tell(self, team: TeamRef, message: Message) -> None:
        """Put ``message`` in the outbox, in this transaction: delivered after commit by ``notify``, or never if
        this transaction rolls back."""
        self._told.append(
            {
                "team_id": team.id,
                "created_at": self.now,
                "topic": message.topic,
                "recipient": message.to,
                "message": message.as_dict(),
            }
        )

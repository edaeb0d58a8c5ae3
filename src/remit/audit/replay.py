"""The chain is the record: replay a team's audit chain and compare what its events rebuild with the tables.

``verify`` first checks the chain itself (every hash, every seq, the head: ``kernel.audit.verify``). Only an
intact chain is replayed: each capability's projector (registered by the composition root,
``capabilities.py``) folds its events into the rows they should have made and reads its tables in the same
shape; each difference names the table, the row, the field, what the chain says and what the table says.
A row the chain records and the table lacks, or the other way round, is a difference of the whole row."""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.kernel import audit
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows
from remit.kernel.tables import AuditRow, TeamRow
from remit.kernel.uow import UnitOfWork

PRESENT, ABSENT = "present", "absent"  # a whole row: recorded by one side and not the other
SHOWN = 80  # characters of a value a sentence shows


@dataclass(frozen=True)
class Difference:
    """Where a table departs from the chain. ``field`` is None for a whole row, and then ``expected`` and
    ``found`` are ``present`` or ``absent``."""

    table: str
    row: str
    field: str | None
    expected: Any  # what the chain says
    found: Any  # what the table holds

    def sentence(self) -> str:
        where = f"{self.table} {self.row}"
        if self.field is None:
            if self.found == ABSENT:
                return f"{where}: the chain records it, the table has no such row"
            return f"{where}: the table has it, the chain never recorded it"
        return f"{where} {self.field}: the chain says {_shown(self.expected)}, the table says {_shown(self.found)}"


def _shown(value: Any) -> str:
    """A value as a sentence shows it: a word as it is, other text quoted, long text cut short."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
    cut = value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
    return cut if value and not any(character.isspace() for character in value) else json.dumps(cut, ensure_ascii=False)


@dataclass(frozen=True)
class Verified:
    """One team's chain, checked (``ok``, ``first_bad``, ``problem`` as ``kernel.audit.ChainReport``) and, if
    it is intact, replayed against the tables (``replayed``, ``differences``)."""

    team: str
    entries: int
    ok: bool
    first_bad: int | None = None
    problem: str = ""
    replayed: bool = False
    differences: list[Difference] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Projector(Protocol):
    """One capability's tables, rebuilt from its events (pure: no database) and read from the database."""

    kinds: tuple[type[Event], ...]  # the events it folds

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        """The rows the events say there should be, in chain order. ``found`` (the tables' rows) is only for
        naming a row the chain did not number (an entry written before its event recorded the row's id)."""
        ...

    def read(self, session: Session, team_id: int) -> Rows:
        """The rows the tables hold, in the same shape: each table read once (no query per row)."""
        ...


class Projectors:
    """Each capability's projector, registered once by the composition root."""

    def __init__(self) -> None:
        self.registered: dict[str, Projector] = {}

    def register(self, name: str, projector: Projector) -> None:
        self.registered[name] = projector


PROJECTORS = Projectors()


def verify(*, uow: UnitOfWork, team: str | None = None) -> list[Verified]:
    """Verify every team's chain (or one team's) and replay each intact one against the tables."""
    if not PROJECTORS.registered:  # a composition root that forgot `remit.capabilities` would compare nothing
        raise RuntimeError("no projectors registered: import remit.capabilities first")
    with uow.reading(snapshot=True):
        query = select(TeamRow).order_by(TeamRow.name)
        if team is not None:
            uow.team(team, lock=False)
            query = query.where(TeamRow.name == team)
        reports = []
        for row in uow.session.scalars(query).all():
            chain = audit.verify(uow.session, row)
            if not chain.ok:
                reports.append(Verified(chain.team, chain.entries, False, chain.first_bad, chain.problem))
                continue
            differences = replay(uow.session, row)
            reports.append(Verified(chain.team, chain.entries, not differences, replayed=True, differences=differences))
        return reports


def replay(session: Session, team: TeamRow) -> list[Difference]:
    """Fold the team's chain through every projector and compare with its tables (each table read once)."""
    wanted = {kind.__name__ for projector in PROJECTORS.registered.values() for kind in projector.kinds}
    entries: list[Recorded] = []
    differences: list[Difference] = []
    rows = session.scalars(
        select(AuditRow).where(AuditRow.team_id == team.id, AuditRow.kind.in_(wanted)).order_by(AuditRow.seq)
    )
    for row in rows:
        try:
            event = _event(row.kind, row.payload)
        except (KeyError, TypeError, ValueError) as error:
            differences.append(Difference("audit_log", f"entry {row.seq}", "payload", f"a {row.kind}", str(error)))
            continue
        entries.append(Recorded(team.name, team.id, row.actor, datetime.fromisoformat(row.at), row.decision_id, event))
    for projector in PROJECTORS.registered.values():
        found = projector.read(session, team.id)
        mine = [entry for entry in entries if isinstance(entry.event, projector.kinds)]
        differences += compare(projector.rebuild(mine, found), found)
    return differences


def _event(kind: str, payload: str) -> Event:
    """The event an entry records (its payload's keys are its fields; ``from`` is ``from_``)."""
    cls = Event.kinds[kind]
    names = {item.name.rstrip("_"): item.name for item in fields(cls)}
    data = json.loads(payload)
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise ValueError(f"{kind} has no field {', '.join(unknown)}")
    return cls(**{names[key]: value for key, value in data.items()})


def compare(expected: Rows, found: Rows) -> list[Difference]:
    """Every field the chain gives that the table does not hold as given, and every row on one side only."""
    differences: list[Difference] = []
    for table in dict.fromkeys([*expected, *found]):
        want: dict[Hashable, Row] = expected.get(table, {})
        have: dict[Hashable, Row] = found.get(table, {})
        for key, row in want.items():
            other = have.get(key)
            if other is None:
                differences.append(Difference(table, row.label, None, PRESENT, ABSENT))
                continue
            for name, value in row.fields.items():
                held = other.fields.get(name)
                if held != value:
                    differences.append(Difference(table, row.label, name, value, held))
        extra = [row for key, row in have.items() if key not in want]
        differences += [Difference(table, row.label, None, ABSENT, PRESENT) for row in extra]
    return differences

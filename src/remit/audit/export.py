"""The ledger exported whole, for a spreadsheet or for a third party who wants to check it: one JSON
document, or one CSV file per table.

Each export reads one snapshot (one read-only unit of work) and is produced piece by piece, so a server
streams it and a team of any size costs a page of rows in memory, not the whole ledger.

**JSON** (``json_document``): the team, its roster and charter versions (with their text and sha256), the
rules, every decision with its revisions, positions, evidence and the rules it applies, the boundary
crossings, and the audit chain's entries with their hashes. Anyone can re-verify the chain from the document
alone, with ``hashlib`` and ``json``: for each entry, in ``seq`` order from 1, ::

    payload = json.dumps(entry["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    body = json.dumps({"team": team, "seq": entry["seq"], "at": entry["at"], "actor": entry["actor"],
                       "kind": entry["kind"], "decision": entry["decision_id"], "payload": payload},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    hash = sha256((prev_hash + body).encode("utf-8")).hexdigest()

where ``prev_hash`` is the previous entry's ``hash`` (64 zeros before entry 1), and the last hash is
``chain.head``. (``decision_id`` is the decision's row id, which the hash covers; ``decision`` its number.)

**CSV** (``csv_table``): one file per table, UTF-8, RFC 4180 quoting by the ``csv`` module (commas, quotes
and line breaks stay inside their cell), one header row. A cell that a spreadsheet would run as a formula
(one starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break, or their full-width forms) is prefixed
with ``'`` (OWASP's advice); the JSON export holds every value exactly. Lists are JSON text; the audit
table's ``payload`` is the exact text the hash covers.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from typing import Any

from sqlalchemy import ColumnElement, select

from remit.audit.export_records import (
    AppliedRule,
    CharterVersion,
    Crossing,
    Decision,
    Entry,
    Evidence,
    Person,
    Position,
    Revision,
    Table,
    record,
)
from remit.charter.tables import CharterVersionRow, CrossingRow, PersonRow
from remit.decisions import rules
from remit.decisions.results import RuleView
from remit.decisions.tables import DecisionRow, DecisionRuleRow, EvidenceRow, PositionRow, RevisionRow
from remit.kernel.audit import GENESIS, canonical
from remit.kernel.tables import AuditRow, TeamRow
from remit.kernel.uow import UnitOfWork

FORMAT = "remit-ledger"
VERSION = 1
PAGE = 500  # rows read at a time
CHUNK = 64 * 1024  # characters handed on at a time (a server sends each piece as it comes)
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class Snapshot:
    """One team's ledger, read inside an open read-only unit of work."""

    def __init__(self, uow: UnitOfWork, team: TeamRow) -> None:
        self.uow = uow
        self.team = team
        people = uow.session.execute(select(PersonRow.id, PersonRow.handle).where(PersonRow.team_id == team.id))
        self.handles: dict[int, str] = dict(people.all())

    def _stream(self, query: Any) -> Iterator[Any]:  # a Select of any columns
        yield from self.uow.session.execute(query.execution_options(yield_per=PAGE))

    def _numbered(self, table: Any, order: Any) -> Iterator[tuple[Any, int | None]]:
        """The team's rows of ``table``, each with the number of the decision it names (or None)."""
        query = (
            select(table, DecisionRow.number)
            .outerjoin(DecisionRow, DecisionRow.id == table.decision_id)
            .where(table.team_id == self.team.id)
            .order_by(order)
        )
        yield from self._stream(query)

    def people(self) -> Iterator[Person]:
        query = select(PersonRow).where(PersonRow.team_id == self.team.id).order_by(PersonRow.handle)
        for (row,) in self._stream(query):
            yield Person(row.handle, row.name, row.active)

    def charter_versions(self) -> Iterator[CharterVersion]:
        for row, number in self._numbered(CharterVersionRow, CharterVersionRow.version):
            yield CharterVersion(row.version, row.sha256, row.adopted_at.isoformat(), number, row.text)

    def rules(self) -> Iterator[RuleView]:
        yield from rules.list_rules(uow=self.uow, team=self.team.name, include_retired=True)

    def decisions(self, *, after: int = 0, limit: int | None = None) -> Iterator[Decision]:
        query = (
            select(DecisionRow, CharterVersionRow.version)
            .join(CharterVersionRow, CharterVersionRow.id == DecisionRow.charter_version_id)
            .where(DecisionRow.team_id == self.team.id, DecisionRow.number > after)
            .order_by(DecisionRow.number)
            .limit(limit)
        )
        for row, version in self._stream(query):
            yield Decision(
                row.number,
                row.domain,
                row.title,
                row.state,
                self.handles[row.proposer_id],
                version,
                row.revision,
                row.opened_at.isoformat(),
                _iso(row.deadline),
                _iso(row.settled_at),
                row.proposed_charter,
            )

    def _of_decisions(self, table: Any, where: ColumnElement[bool] | None) -> Iterator[tuple[Any, int]]:
        query = (
            select(table, DecisionRow.number)
            .join(DecisionRow, DecisionRow.id == table.decision_id)
            .where(DecisionRow.team_id == self.team.id)
            .order_by(DecisionRow.number, *table.__table__.primary_key.columns)
        )
        yield from self._stream(query if where is None else query.where(where))

    def revisions(self, where: ColumnElement[bool] | None = None) -> Iterator[Revision]:
        for row, number in self._of_decisions(RevisionRow, where):
            who = self.handles[row.created_by_id]
            yield Revision(number, row.number, row.title, row.context, row.must_go, who, row.created_at.isoformat())

    def positions(self, where: ColumnElement[bool] | None = None) -> Iterator[Position]:
        for row, number in self._of_decisions(PositionRow, where):
            who = self.handles[row.person_id]
            at = row.recorded_at.isoformat()
            yield Position(row.revision, who, row.role, row.stance, row.basis, row.reason, at, number)

    def evidence(self, where: ColumnElement[bool] | None = None) -> Iterator[Evidence]:
        for row, number in self._of_decisions(EvidenceRow, where):
            who = self.handles[row.person_id]
            yield Evidence(row.name, row.text, who, row.role, row.recorded_at.isoformat(), number, row.revision)

    def decision_rules(self, where: ColumnElement[bool] | None = None) -> Iterator[AppliedRule]:
        for row, number in self._of_decisions(DecisionRuleRow, where):
            yield AppliedRule(number, row.rule_id)

    def crossings(self) -> Iterator[Crossing]:
        for row, number in self._numbered(CrossingRow, CrossingRow.id):
            who = self.handles.get(row.person_id or 0)
            yield Crossing(
                who, row.role, row.action, row.basis, row.why, row.refused, row.at.isoformat(), number, row.domain
            )

    def audit(self) -> Iterator[Entry]:
        for row, number in self._numbered(AuditRow, AuditRow.seq):
            yield Entry(
                row.seq,
                row.at,
                row.actor,
                row.kind,
                number,
                row.decision_id,
                json.loads(row.payload),
                row.prev_hash,
                row.hash,
            )

    def table(self, name: Table) -> Iterator[Any]:
        readers: dict[Table, Callable[[], Iterator[Any]]] = {
            Table.DECISIONS: self.decisions,
            Table.REVISIONS: self.revisions,
            Table.POSITIONS: self.positions,
            Table.EVIDENCE: self.evidence,
            Table.DECISION_RULES: self.decision_rules,
            Table.RULES: self.rules,
            Table.CROSSINGS: self.crossings,
            Table.CHARTER_VERSIONS: self.charter_versions,
            Table.PEOPLE: self.people,
            Table.AUDIT: self.audit,
        }
        return readers[name]()


KINDS: dict[Table, type] = {
    Table.DECISIONS: Decision,
    Table.REVISIONS: Revision,
    Table.POSITIONS: Position,
    Table.EVIDENCE: Evidence,
    Table.DECISION_RULES: AppliedRule,
    Table.RULES: RuleView,
    Table.CROSSINGS: Crossing,
    Table.CHARTER_VERSIONS: CharterVersion,
    Table.PEOPLE: Person,
    Table.AUDIT: Entry,
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _reading(uow: UnitOfWork, team: str, produce: Callable[[Snapshot], Iterable[str]]) -> Iterator[str]:
    """The pieces ``produce`` makes of the team's snapshot. The read opens and the team is found before this
    returns, so an unknown team is an error before the first byte is sent."""

    def pieces() -> Iterator[str]:
        with uow.reading(snapshot=True):
            snapshot = Snapshot(uow, uow.team(team, lock=False))
            yield ""  # the read is open and the team found
            yield from _chunks(produce(snapshot))

    started = pieces()
    next(started)
    return started


def _chunks(pieces: Iterable[str]) -> Iterator[str]:
    """Small pieces gathered into chunks of about ``CHUNK`` characters."""
    gathered: list[str] = []
    size = 0
    for piece in pieces:
        gathered.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(gathered)
            gathered, size = [], 0
    if gathered:
        yield "".join(gathered)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _array(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + _dump(item)
    yield "]"


def _decisions(snapshot: Snapshot) -> Iterator[dict[str, Any]]:
    """Each decision with its revisions, positions, evidence and rules, a page of decisions at a time."""
    after = 0
    while True:
        page = list(snapshot.decisions(after=after, limit=PAGE))
        if not page:
            return
        numbers = DecisionRow.number.in_([decision.number for decision in page])
        children: dict[str, dict[int, list[Any]]] = {}
        for name, rows in (
            ("revisions", snapshot.revisions(numbers)),
            ("positions", snapshot.positions(numbers)),
            ("evidence", snapshot.evidence(numbers)),
        ):
            grouped = children[name] = defaultdict(list)
            for row in rows:
                grouped[row.decision].append({k: v for k, v in record(row).items() if k != "decision"})
        applied: dict[int, list[int]] = defaultdict(list)
        for link in snapshot.decision_rules(numbers):
            applied[link.decision].append(link.rule)
        for decision in page:
            nested = {name: grouped.get(decision.number, []) for name, grouped in children.items()}
            yield record(decision) | nested | {"rules": applied.get(decision.number, [])}
        after = page[-1].number


def json_document(*, uow: UnitOfWork, team: str) -> Iterator[str]:
    """The team's whole ledger as one JSON document (UTF-8 text, in pieces)."""

    def produce(snapshot: Snapshot) -> Iterator[str]:
        row = snapshot.team
        head = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": uow.now.isoformat(),
            "team": {"name": row.name, "created_at": row.created_at.isoformat()},
            "chain": {
                "algorithm": "sha256",
                "genesis": GENESIS,
                "entries": row.audit_seq,
                "head": row.audit_head or GENESIS,
                "hashed": "sha256(prev_hash + json({team, seq, at, actor, kind, decision: decision_id, "
                "payload: json(payload)})), json = json.dumps(sort_keys=True, separators=(',', ':'), "
                "ensure_ascii=False)",
            },
        }
        yield _dump(head)[:-1]
        sections: list[tuple[str, Iterable[dict[str, Any]]]] = [
            ("people", map(record, snapshot.people())),
            ("charter_versions", map(record, snapshot.charter_versions())),
            ("rules", map(record, snapshot.rules())),
            ("decisions", _decisions(snapshot)),
            ("crossings", map(record, snapshot.crossings())),
            ("audit", map(record, snapshot.audit())),
        ]
        for name, items in sections:
            yield f',\n"{name}":'
            yield from _array(items)
        yield "}\n"

    return _reading(uow, team, produce)


def cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = canonical(value) if isinstance(value, list | dict) else str(value)
    return "'" + text if text.startswith(FORMULA) else text


def csv_table(*, uow: UnitOfWork, team: str, table: Table) -> Iterator[str]:
    """One table of the team's ledger as CSV text, in pieces: a header row, then a row per record."""
    columns = [column.name for column in fields(KINDS[table])]

    def produce(snapshot: Snapshot) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for index, item in enumerate(snapshot.table(table), start=1):
            values = record(item)
            writer.writerow([cell(values[column]) for column in columns])
            if index % PAGE == 0:
                yield _drain(buffer)
        yield _drain(buffer)

    return _reading(uow, team, produce)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text

"""What the load and fault tests share: a team with a big roster, a fresh database of its own (SQLite file or
a new PostgreSQL database), API tokens for everyone, and the checks that what the store holds is whole:
each decision's state is the pure resolver's answer on its stored positions, its queue rows match, every
action has its audit row, and the audit chain verifies."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from remit import capabilities  # noqa: F401 - the handlers, and the projectors the replay runs
from remit.audit import replay
from remit.charter import Person, load_preset, teams
from remit.charter.render import render_charter
from remit.charter.tables import CharterVersionRow, PersonRow
from remit.decisions.acting import to_rule
from remit.decisions.model import Position, Stance
from remit.decisions.resolve import resolve
from remit.decisions.tables import (
    DecisionRow,
    DecisionRuleRow,
    DecisionWaitRow,
    EvidenceRow,
    PositionRow,
    RevisionRow,
    RuleRow,
)
from remit.decisions.waiting import waits_of
from remit.identity.commands import CreateToken
from remit.kernel.commands import act
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from tests.conftest import DEFAULT_PG, drop_later

TEAM = "crowd"
# In the default preset's release domain: pm and em decide (each on its own bases), designer and tech-lead
# are consulted, engineers have no right (refused), stakeholders are only informed (refused).
ROSTER = {"pm": 7, "em": 7, "designer": 6, "tech-lead": 6, "engineer": 4, "stakeholder": 2}


def crowd_text(roster: dict[str, int] = ROSTER) -> str:
    base = load_preset("default")
    people = [Person(f"{role}-{i}", f"{role} {i}", (role,)) for role, count in roster.items() for i in range(count)]
    charter = replace(base, name=TEAM, preset="default", people={person.handle: person for person in people})
    return render_charter(charter, team=TEAM)


def handles(role: str) -> list[str]:
    return [f"{role}-{i}" for i in range(ROSTER[role])]


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new PostgreSQL database for one test, dropped after it while the tests go on (conftest's ``drop_later``)."""
    admin = os.environ.get("REMIT_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"remit_e2e_{uuid.uuid4().hex[:10]}"
    try:
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any failure means: no PostgreSQL here
        if os.environ.get("REMIT_REQUIRE_POSTGRES"):
            pytest.fail(f"REMIT_REQUIRE_POSTGRES is set but PostgreSQL is not reachable at {admin}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {admin} ({type(error).__name__}); set REMIT_TEST_POSTGRES_URL")
    engine.dispose()
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_later(admin, name)


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'remit.db'}"
    else:
        with fresh_postgres() as url:
            yield url


@dataclass
class Crowd:
    url: str
    tokens: dict[str, str]

    def auth(self, handle: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[handle]}"}


def make_crowd(url: str, roster: dict[str, int] = ROSTER) -> Crowd:
    """Migrate the database, create the team and a token for each person on its roster."""
    store = Store.open(url, migrate=True)
    try:
        teams.init_team(uow=store.uow(), text=crowd_text(roster), source="crowd.toml")
        tokens = {
            f"{role}-{i}": act(store, TEAM, f"{role}-{i}", CreateToken(name="e2e")).token
            for role, count in roster.items()
            for i in range(count)
        }
    finally:
        store.close()
    return Crowd(url, tokens)


@dataclass(frozen=True)
class StoredPosition:
    id: int
    number: int
    person: str
    role: str
    stance: str
    basis: str | None
    reason: str
    revision: int


def stored_positions(store: Store) -> list[StoredPosition]:
    """Every stored position of the team, in the order they were recorded (the order of the team lock)."""
    with store.sessions() as session:
        rows = session.execute(
            select(PositionRow, DecisionRow.number, PersonRow.handle)
            .join(DecisionRow, DecisionRow.id == PositionRow.decision_id)
            .join(PersonRow, PersonRow.id == PositionRow.person_id)
            .order_by(PositionRow.id)
        ).all()
    return [
        StoredPosition(p.id, number, handle, p.role, p.stance, p.basis, p.reason, p.revision)
        for p, number, handle in rows
    ]


def resolver_answer(store: Store, number: int, upto: int | None = None) -> dict[str, object]:
    """The pure resolver's answer on decision ``number``'s stored positions (those with id <= ``upto``):
    rights from the charter version it is bound to, latest position per person counts."""
    with store.sessions() as session:
        decision = session.scalars(select(DecisionRow).where(DecisionRow.number == number)).one()
        text_ = session.get_one(CharterVersionRow, decision.charter_version_id).text
        rights = teams.charter_from_text(text_).domains[decision.domain]
        query = (
            select(PositionRow, PersonRow.handle)
            .join(PersonRow, PersonRow.id == PositionRow.person_id)
            .where(PositionRow.decision_id == decision.id, PositionRow.revision == decision.revision)
            .order_by(PositionRow.id)
        )
        if upto is not None:
            query = query.where(PositionRow.id <= upto)
        rows = session.execute(query).all()
        positions = [Position(p.role, Stance(p.stance), p.basis, handle, p.reason) for p, handle in rows]
        evidence = set(session.scalars(select(EvidenceRow.name).where(EvidenceRow.decision_id == decision.id)))
        must_go = session.scalars(
            select(RevisionRow.must_go).where(
                RevisionRow.decision_id == decision.id, RevisionRow.number == decision.revision
            )
        ).one()
        rules = [
            to_rule(row)
            for row in session.scalars(
                select(RuleRow)
                .join(DecisionRuleRow, DecisionRuleRow.rule_id == RuleRow.id)
                .where(DecisionRuleRow.decision_id == decision.id)
                .order_by(RuleRow.id)
            )
        ]
    return resolve(rights, positions, evidence=evidence, rules=rules, must_go=must_go).as_dict()


def assert_whole(store: Store) -> None:
    """No half-written action and no drift: every decision has its first revision and its DecisionOpened
    audit row; every position and piece of evidence its audit row; each decision's stored state and
    resolution are the resolver's answer; its queue rows are the ones that answer implies; the chain verifies."""
    with store.sessions() as session:
        decisions = session.scalars(select(DecisionRow).order_by(DecisionRow.number)).all()
        audit = Counter(
            (kind, decision_id)
            for kind, decision_id in session.execute(select(AuditRow.kind, AuditRow.decision_id)).all()
        )
        revisions = {(d, n) for d, n in session.execute(select(RevisionRow.decision_id, RevisionRow.number))}
        positions = Counter(session.scalars(select(PositionRow.decision_id)))
        evidence = Counter(session.scalars(select(EvidenceRow.decision_id)))
        waits = {
            decision.id: sorted(
                (w.kind, w.role, w.what)
                for w in session.scalars(select(DecisionWaitRow).where(DecisionWaitRow.decision_id == decision.id))
            )
            for decision in decisions
        }
        audit_rows = session.scalar(select(func.count()).select_from(AuditRow))
    for decision in decisions:
        where = f"decision #{decision.number}"
        assert (decision.id, 1) in revisions, f"{where} has no revision 1"
        assert audit[("DecisionOpened", decision.id)] == 1, f"{where}: DecisionOpened audit rows"
        assert audit[("PositionRecorded", decision.id)] == positions[decision.id], f"{where}: position audit rows"
        assert audit[("EvidenceAdded", decision.id)] == evidence[decision.id], f"{where}: evidence audit rows"
        answer = resolver_answer(store, decision.number)
        if decision.state in ("open", "blocked", "approved"):
            assert decision.state == answer["state"], f"{where} is stored {decision.state}, resolves {answer['state']}"
            assert decision.resolution == answer, f"{where}: stored resolution differs from the resolver's"
        expected = sorted((w.kind, w.role, w.what) for w in waits_of(decision.state, decision.resolution))
        assert waits[decision.id] == expected, f"{where}: queue rows {waits[decision.id]} != {expected}"
    (report,) = replay.verify(uow=store.uow(), team=TEAM)  # the chain intact, and the tables are what it says
    assert report.ok, report.problem or [difference.sentence() for difference in report.differences[:10]]
    assert report.entries == audit_rows

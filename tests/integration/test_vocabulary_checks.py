"""The database refuses what the domain could not read (a state, stance, kind or event outside its enum, a
basis that is not a name), on SQLite and PostgreSQL; and a database at 0004 holding the demo upgrades to
these checks with every row and the audit chain intact.

The database at 0004 is made by seeding the demo at the head and migrating down to 0004: today's code cannot
write a 0004 schema (it writes tables and columns that came later), and the downgrades are real migrations."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import CheckConstraint, create_engine, func, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DataError, IntegrityError

from remit import demo_story
from remit.charter.model import BASIS_NAME
from remit.decisions import queries
from remit.kernel import db
from remit.kernel.db import current_revision, head_revision, make_engine, upgrade
from remit.kernel.migrations import kinds
from remit.kernel.tables import Base
from remit.kernel.uow import Store
from remit.seed import seed_demo
from tests.conftest import DEFAULT_PG, Clock, drop_later

REFUSED = [
    ("decisions", "state", "pending"),
    ("decisions", "state", "Open"),
    ("positions", "stance", "maybe"),
    ("positions", "basis", "Technical"),
    ("positions", "basis", ""),
    ("crossings", "basis", "legal risk"),
    ("decision_waits", "kind", "veto"),
    ("audit_log", "kind", "DecisionDeleted"),
    ("notices", "kind", "emailed"),
    ("notices", "event", "settled"),
]


def test_the_database_refuses_a_value_outside_each_vocabulary(demo_store: Store, subtests: pytest.Subtests):
    for table, column, value in REFUSED:
        with subtests.test(f"{table}.{column} = {value!r}"):
            with demo_store.engine.connect() as connection:
                assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() > 0, table  # noqa: S608
            with pytest.raises(IntegrityError), demo_store.engine.begin() as connection:
                connection.execute(text(f"UPDATE {table} SET {column} = :value"), {"value": value})  # noqa: S608


BASES = ["technical", "data-privacy", "soc2", "x-", "9", "a" * 50, "a" * 51, "-legal", "Legal", "légal", "a_b", ""]


def test_a_basis_is_a_name_in_the_database_as_in_the_domain(demo_store: Store, subtests: pytest.Subtests):
    for value in BASES:
        with subtests.test(value):
            try:
                with demo_store.engine.begin() as connection:
                    connection.execute(text("UPDATE positions SET basis = :value"), {"value": value})
                stored = True
            except (IntegrityError, DataError):  # PostgreSQL's varchar(50) refuses the long one first
                stored = False
            assert stored == bool(BASIS_NAME.fullmatch(value))


def test_the_migrations_make_the_checks_tables_py_declares(store: Store):
    """tables.py builds its checks from the enums; 0005 wrote the lists out. If an enum grows without a
    migration, this says so."""
    inspector = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        declared = {c.name: str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)}
        found = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        assert set(found) == set(declared), table.name
        if store.engine.dialect.name == "sqlite":  # PostgreSQL hands back its own normal form
            assert found == declared, table.name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own with no tables yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'remit.db'}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails) as the other PostgreSQL cases do
    admin_url = os.environ.get("REMIT_TEST_POSTGRES_URL", DEFAULT_PG)
    name = f"remit_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    drop_later(admin_url, name)


def counts(store: Store) -> dict[str, int]:
    """Rows per table, for the tables this schema has."""
    present = set(inspect(store.engine).get_table_names())
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name in present
        }


def demo_at_0004(engine: Engine) -> None:
    """The demo seeded at the head, then the schema migrated down to 0004 (keys unchecked meanwhile on SQLite,
    as ``db.upgrade`` does). The demo as it was at 0004: incidents came later, and their entries on the chain
    cannot go below 0010."""
    upgrade(engine)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_story, "_incidents", list)
        patch.setattr(demo_story, "_status_history", lambda end: [])  # the status page's history came later
        patch.setattr(demo_story, "_status_today", lambda end: [])
        seed_demo(Store(engine, Clock()), board=False)  # the bug board records kinds a 0004 chain cannot hold
    config = db._alembic_config()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            db._sqlite_foreign_keys(connection, on=False)
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
    assert current_revision(engine) == "0004"


def test_a_database_at_0004_holding_the_demo_upgrades_with_every_row_and_the_chain_intact(empty_database: str):
    engine = make_engine(empty_database)
    try:
        demo_at_0004(engine)
        store = Store(engine, Clock())
        before = counts(store)

        upgrade(engine)

        assert current_revision(engine) == head_revision()
        after = counts(store)
        assert {table: after[table] for table in before} == before
        assert before["positions"] and before["crossings"] and before["notices"] and before["decision_waits"]
        assert all(report.ok for report in queries.verify_audit(uow=store.uow()))
        assert queries.list_decisions(uow=store.uow(), team="checkout")
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text("UPDATE decisions SET state = 'pending'"))
        with pytest.raises(IntegrityError), engine.begin() as connection:  # SQLite enforces keys again
            connection.execute(text("UPDATE positions SET decision_id = 999999"))
    finally:
        engine.dispose()


def test_an_upgrade_stops_before_changing_anything_when_a_stored_value_would_not_fit(empty_database: str):
    engine = make_engine(empty_database)
    try:
        demo_at_0004(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE decisions SET state = 'pending' WHERE number = 1"))
            connection.execute(text("UPDATE positions SET basis = 'Legal Risk' WHERE basis IS NOT NULL"))

        with pytest.raises(RuntimeError) as raised:
            upgrade(engine)

        assert "decisions.state holds 'pending'" in str(raised.value)
        assert "positions.basis holds 'Legal Risk', which is not a basis name" in str(raised.value)
        assert current_revision(engine) == "0004"
    finally:
        engine.dispose()


def test_a_downgrade_below_the_kinds_the_chain_holds_is_refused_in_words(empty_database: str):
    engine = make_engine(empty_database)
    try:
        upgrade(engine)
        seed_demo(Store(engine, Clock()))  # the demo's incidents, bug board, status page... are on the chain
        with engine.connect() as connection:
            held = set(connection.execute(text("SELECT DISTINCT kind FROM audit_log")).scalars())
        newest = max(revision for revision, added in kinds.ADDED.items() if held & set(added))
        assert newest > "0010"
        config = db._alembic_config()
        with pytest.raises(RuntimeError) as raised, engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                db._sqlite_foreign_keys(connection, on=False)
            with connection.begin():
                config.attributes["connection"] = connection
                command.downgrade(config, "0004")

        assert f"cannot go below {newest}" in str(raised.value)  # the newest kinds the chain holds refuse first
        assert kinds.ADDED[newest][0] in str(raised.value) and "append-only" in str(raised.value)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()

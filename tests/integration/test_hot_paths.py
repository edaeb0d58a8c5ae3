"""The hot paths stay cheap and say the same: the token check is one statement, the queue five, a decision's
view seven, "record a position" does its reading before the team's lock, and when the decision moves while it
reads, it starts over under the lock with the same answer (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from remit import capabilities  # noqa: F401
from remit.decisions import abilities, handlers, queries, queue, reached
from remit.decisions.commands import OpenDecision, RecordPosition
from remit.decisions.glance import Standing
from remit.decisions.model import Stance
from remit.identity import tokens
from remit.identity.commands import CreateToken
from remit.identity.throttle import SignInLimits
from remit.kernel.commands import act
from remit.kernel.db import pool_settings
from remit.kernel.errors import InvalidInput, NotFound, RightsRefused
from remit.kernel.uow import Store, UnitOfWork
from remit.seed import DEMO_TEAM
from tests.conftest import ADDRESS, Clock


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(("SELECT 1", "BEGIN", "PRAGMA")):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", before)


def test_the_token_check_is_one_statement_and_notes_its_use_at_most_every_five_minutes(store: Store, team: str) -> None:
    token = act(store, team, "ezra", CreateToken(name="ci")).token
    check = tokens.token_identity
    first = check(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=token)  # notes its first use
    with statements(store) as seen:
        again = check(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=token)
    assert again == first and again.handle == "ezra" and again.roles and again.team == team
    assert len(seen) == 1
    clock = store.clock
    assert isinstance(clock, Clock)
    clock.advance(minutes=6)
    with statements(store) as seen:
        check(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=token)
    assert len(seen) == 2 and seen[1].startswith("UPDATE api_tokens")


def test_the_queue_reads_in_five_statements_and_says_what_it_said(store: Store, team: str) -> None:
    numbers = [act(store, team, "priya", OpenDecision(domain="release", title=f"R{i}")).number for i in range(3)]
    act(store, team, "ezra", RecordPosition(number=numbers[0], stance=Stance.NO_GO, basis="technical", reason="x"))
    with statements(store) as seen:
        ezra = queue.my_queue(uow=store.uow(), team=team, handle="ezra")
    assert len(seen) == 5
    assert [item.summary.number for item in ezra.waiting_on_me] == numbers[::-1]
    listed = {s.number: s for s in queries.list_decisions(uow=store.uow(), team=team)}
    assert [item.summary for item in ezra.waiting_on_me] == [listed[n] for n in numbers[::-1]]
    priya = queue.my_queue(uow=store.uow(), team=team, handle="priya")
    assert [s.number for s in priya.mine] == numbers[::-1] and priya.mine == [listed[n] for n in numbers[::-1]]
    nobody = queue.my_queue(uow=store.uow(), team=team, handle="nobody-here")
    assert nobody.roles == [] and nobody.waiting_on_me == [] and nobody.mine == []


SHIPPED = 5  # the demo's approved release with a rule, evidence, a boundary crossing and notices dana has not seen


def test_a_decisions_view_reads_in_seven_statements_and_says_what_it_said(demo_store: Store) -> None:
    abilities.opened(uow=demo_store.uow(), team=DEMO_TEAM, handle="priya", number=SHIPPED)  # the first opening in a
    # process also checks the charter version against its adoption entry in the chain, once per version
    with statements(demo_store) as seen:
        view, unseen = abilities.opened(uow=demo_store.uow(), team=DEMO_TEAM, handle="dana", number=SHIPPED)
    assert len(seen) == 7
    with demo_store.uow().reading() as uow:
        assert unseen and sorted(unseen) == sorted(reached.unseen_here(uow, DEMO_TEAM, "dana", SHIPPED))
    assert view == queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=SHIPPED)
    assert view.rules and view.evidence and view.crossings and view.positions and view.reached
    assert [p.person for p in view.positions] == ["ezra", "ezra", "priya"] and view.proposer == "priya"
    assert [e.person for e in view.evidence] == ["priya", "ezra"] and [c.person for c in view.crossings] == ["ezra"]
    assert [r.person for r in view.reached] == ["dana", "theo", "sol", "dana", "sol", "theo"]
    assert [rule.id for rule in view.rules] == [1] and view.rules[0].evidence and view.charter_version == 1
    assert abilities.opened(uow=demo_store.uow(), team=DEMO_TEAM, handle="priya", number=SHIPPED)[1] == []
    with pytest.raises(NotFound, match="no team 'nowhere'"):
        queries.show_decision(uow=demo_store.uow(), team="nowhere", number=SHIPPED)
    with pytest.raises(NotFound, match=f"team {DEMO_TEAM} has no decision #999"):
        queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=999)


def test_a_position_takes_the_team_lock_after_its_reads(store: Store, team: str) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    with statements(store) as seen:
        act(store, team, "ezra", RecordPosition(number=number, stance=Stance.GO, reason="ready"))
    if store.engine.dialect.name == "postgresql":
        locked = next(i for i, sql in enumerate(seen) if "FOR UPDATE" in sql)
        assert "teams" in seen[locked] and locked == 1  # the reads ran before it, in one statement
        assert "decisions" in seen[locked + 1]  # then the decision, read again in a snapshot after the wait
        assert len(seen) - locked <= 8, "\n".join(seen)
    assert sum("FOR UPDATE" in sql for sql in seen) <= 1  # it did not start over


def test_a_position_racing_another_writer_is_recorded_on_what_that_writer_left(
    store: Store, team: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real second writer between the reads and the lock (PostgreSQL: SQLite's writers take turns on a
    lock of ours for the whole transaction, so there is no such moment)."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers never overlap")
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    real = handlers.lock_for
    raced: list[str] = []

    def meanwhile(uow: UnitOfWork, team_row: Any, decision: Any) -> Standing:
        if not raced:  # the PM blocks it, committed before this write takes the lock
            raced.append("racing")
            block = RecordPosition(number=number, stance=Stance.NO_GO, basis="business", reason="not yet")
            raced[0] = act(store, team, "priya", block).resolution.state.value
        return real(uow, team_row, decision)

    monkeypatch.setattr(handlers, "lock_for", meanwhile)
    outcome = act(store, team, "ezra", RecordPosition(number=number, stance=Stance.GO, reason="ready"))
    assert raced == ["blocked"] and outcome.resolution.state.value == "blocked"
    view = queries.show_decision(uow=store.uow(), team=team, number=number)
    assert [(p.person, p.stance) for p in view.positions] == [("priya", "no-go"), ("ezra", "go")]
    assert view.state == "blocked"
    assert all(report.ok for report in queries.verify_audit(uow=store.uow()))


@pytest.mark.parametrize("moved", ["state", "charter"])
def test_a_decision_that_moves_while_the_position_is_read_is_read_again_under_the_lock(
    store: Store, team: str, monkeypatch: pytest.MonkeyPatch, moved: str
) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    real = handlers.lock_for
    calls: list[int] = []

    def meanwhile(uow: UnitOfWork, team_row: Any, decision: Any) -> Standing:
        current = real(uow, team_row, decision)
        calls.append(current.version_id)
        if moved == "state":  # as if another writer had blocked it between the reads and the lock
            decision.state = "blocked"
            return current
        return replace(current, version_id=current.version_id + 1000)  # as if a new charter had been adopted

    again: list[int] = []
    real_active = handlers._active

    def started_over(*args: Any) -> Any:
        again.append(1)
        return real_active(*args)

    monkeypatch.setattr(handlers, "lock_for", meanwhile)
    monkeypatch.setattr(handlers, "_active", started_over)
    outcome = act(store, team, "ezra", RecordPosition(number=number, stance=Stance.GO, reason="ready"))
    assert calls and again  # the quick path was tried, found the decision moved, and started over under the lock
    view = queries.show_decision(uow=store.uow(), team=team, number=number)
    assert [(p.person, p.stance) for p in view.positions] == [("ezra", "go")]
    assert outcome.resolution.state.value == view.state == "open"
    assert all(report.ok for report in queries.verify_audit(uow=store.uow()))


def test_refusals_and_bad_input_come_before_the_lock_as_before(store: Store, team: str) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    with pytest.raises(InvalidInput, match="unknown basis"):
        act(store, team, "ezra", RecordPosition(number=number, stance=Stance.NO_GO, basis="vibes", reason="x"))
    with pytest.raises(RightsRefused):
        act(store, team, "ezra", RecordPosition(number=number, stance=Stance.GO, role="pm", reason="x"))
    assert queries.show_decision(uow=store.uow(), team=team, number=number).positions == []
    assert all(report.ok for report in queries.verify_audit(uow=store.uow()))


def test_pools_are_sized_from_the_environment_with_safe_defaults() -> None:
    assert pool_settings({}) == {"pool_size": 8, "max_overflow": 4, "pool_timeout": 30.0}
    env = {"REMIT_DB_POOL_SIZE": "4", "REMIT_DB_MAX_OVERFLOW": "0", "REMIT_DB_POOL_TIMEOUT": "2.5"}
    assert pool_settings(env) == {"pool_size": 4, "max_overflow": 0, "pool_timeout": 2.5}
    for bad in ({"REMIT_DB_POOL_SIZE": "0"}, {"REMIT_DB_MAX_OVERFLOW": "many"}, {"REMIT_DB_POOL_TIMEOUT": "-1"}):
        with pytest.raises(InvalidInput, match=next(iter(bad))):
            pool_settings(bad)

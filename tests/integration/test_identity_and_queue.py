"""Identities and the queue index through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from remit import capabilities  # noqa: F401
from remit.decisions import queries, queue
from remit.decisions.commands import ExpireDecisions, MarkSeen, OpenDecision, RecordPosition, WithdrawDecision
from remit.decisions.model import Stance
from remit.decisions.tables import DecisionRow, DecisionWaitRow
from remit.decisions.waiting import waits_of
from remit.identity import accounts as identity
from remit.identity import tokens
from remit.identity.commands import CreateToken, RevokeToken
from remit.identity.tables import ApiTokenRow, CredentialRow, WebSessionRow
from remit.identity.throttle import SignInLimits
from remit.kernel.commands import act
from remit.kernel.errors import InvalidInput, NotAuthenticated, NotFound
from remit.kernel.uow import Store
from tests.conftest import ADDRESS, Clock, sign_in

PASSWORD = "correct horse battery"


def waits(store: Store, number: int) -> list[tuple[str, str | None]]:
    with store.sessions() as session:
        decision_id = session.scalars(select(DecisionRow.id).where(DecisionRow.number == number)).one()
        rows = session.scalars(
            select(DecisionWaitRow).where(DecisionWaitRow.decision_id == decision_id).order_by(DecisionWaitRow.id)
        )
        return [(row.kind, row.role) for row in rows]


def test_a_password_is_stored_as_an_argon2_hash_and_signs_in(store: Store, team: str) -> None:
    identity.set_password(uow=store.uow(), team=team, handle="priya", password=PASSWORD)
    with store.sessions() as session:
        stored = session.scalars(select(CredentialRow.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    session_ = sign_in(store, team, "priya", PASSWORD)
    assert session_.identity.handle == "priya" and session_.identity.roles == ("pm",)
    with store.sessions() as session:
        assert session.scalars(select(WebSessionRow.token_hash)).one() == identity.digest(session_.token)


@pytest.mark.parametrize(
    ("handle", "password"),
    [("priya", "wrong password!"), ("nobody", PASSWORD), ("ezra", PASSWORD)],  # ezra has no password
)
def test_a_wrong_sign_in_gets_one_message_for_every_cause(store: Store, team: str, handle: str, password: str) -> None:
    identity.set_password(uow=store.uow(), team=team, handle="priya", password=PASSWORD)
    with pytest.raises(NotAuthenticated, match="wrong team, name or password"):
        sign_in(store, team, handle, password)


def test_a_short_password_is_refused(store: Store, team: str) -> None:
    with pytest.raises(InvalidInput, match="at least"):
        identity.set_password(uow=store.uow(), team=team, handle="priya", password="short")


def test_a_session_expires_and_a_signed_out_session_is_gone(store: Store, team: str) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    identity.set_password(uow=store.uow(), team=team, handle="ezra", password=PASSWORD)
    first = sign_in(store, team, "ezra", PASSWORD)
    assert identity.session_identity(uow=store.uow(), token=first.token).handle == "ezra"
    clock.advance(hours=13)
    with pytest.raises(NotAuthenticated, match="session has ended"):
        identity.session_identity(uow=store.uow(), token=first.token)
    second = sign_in(store, team, "ezra", PASSWORD)
    identity.sign_out(uow=store.uow(), token=second.token)
    with pytest.raises(NotAuthenticated):
        identity.session_identity(uow=store.uow(), token=second.token)


def test_a_login_link_works_once(store: Store, team: str) -> None:
    token = identity.create_login_link(uow=store.uow(), team=team, handle="dana")
    assert (
        identity.use_login_link(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=token).identity.handle
        == "dana"
    )
    with pytest.raises(NotAuthenticated, match="used up"):
        identity.use_login_link(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=token)


def test_an_api_token_is_shown_once_stored_hashed_and_revocable(store: Store, team: str) -> None:
    new = act(store, team, "ezra", CreateToken(name="deploy"))
    assert new.token.startswith("remit_")
    with store.sessions() as session:
        row = session.scalars(select(ApiTokenRow)).one()
    assert row.token_hash == identity.digest(new.token) and new.token not in (row.prefix, row.token_hash)
    assert (
        tokens.token_identity(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=new.token).handle == "ezra"
    )
    views = tokens.list_tokens(uow=store.uow(), person_id=row.person_id)
    assert [view.name for view in views] == ["deploy"] and "token" not in views[0].as_dict()
    act(store, team, "ezra", RevokeToken(token_id=row.id))
    with pytest.raises(NotAuthenticated, match="not valid"):
        tokens.token_identity(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=new.token)


def test_an_expired_token_is_refused(store: Store, team: str) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    new = act(store, team, "ezra", CreateToken(name="ci", expires_in_days=1))
    clock.advance(days=2)
    with pytest.raises(NotAuthenticated, match="expired"):
        tokens.token_identity(uow=store.uow(), limits=SignInLimits(), address=ADDRESS, token=new.token)


def test_nobody_revokes_someone_elses_token(store: Store, team: str) -> None:
    new = act(store, team, "ezra", CreateToken(name="ci"))
    priya = act(store, team, "priya", CreateToken(name="mine"))
    assert priya.view.id != new.view.id
    with pytest.raises(NotFound):
        act(store, team, "priya", RevokeToken(token_id=new.view.id))


def test_the_queue_follows_the_resolution_until_the_decision_settles(store: Store, team: str) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    assert ("go", "pm") in waits(store, number) and ("go", "em") in waits(store, number)
    ezra = queue.my_queue(uow=store.uow(), team=team, handle="ezra")
    assert [item.summary.number for item in ezra.waiting_on_me] == [number]
    assert ezra.waiting_on_me[0].asks == ["your go as em"]
    assert [s.number for s in queue.my_queue(uow=store.uow(), team=team, handle="priya").mine] == [number]

    act(store, team, "ezra", RecordPosition(number=number, stance=Stance("no-go"), basis="technical", reason="index"))
    assert waits(store, number) == [("blocker", "em")]  # only the veto's holder can lift it
    assert queue.my_queue(uow=store.uow(), team=team, handle="priya").waiting_on_me == []
    asks = queue.my_queue(uow=store.uow(), team=team, handle="ezra").waiting_on_me[0].asks
    assert asks == ["your no-go (technical) stands: only you can lift it"]

    act(store, team, "ezra", RecordPosition(number=number, stance=Stance("go"), reason="fixed"))
    act(store, team, "priya", RecordPosition(number=number, stance=Stance("go"), reason="ship"))
    assert waits(store, number) == []
    assert queue.my_queue(uow=store.uow(), team=team, handle="ezra").waiting_on_me == []


def rows_and_answer(
    store: Store, number: int
) -> tuple[list[tuple[str, str | None, str]], list[tuple[str, str | None, str]]]:
    """The decision's queue rows in the order written, and the waits its stored resolution implies."""
    with store.sessions() as session:
        decision = session.scalars(select(DecisionRow).where(DecisionRow.number == number)).one()
        rows = session.scalars(
            select(DecisionWaitRow).where(DecisionWaitRow.decision_id == decision.id).order_by(DecisionWaitRow.id)
        )
        stored = [(row.kind, row.role, row.what) for row in rows]
        return stored, [(w.kind.value, w.role, w.what) for w in waits_of(decision.state, decision.resolution)]


@pytest.mark.parametrize(
    "steps",
    [
        [("dana", "abstain", None), ("priya", "go", None), ("priya", "abstain", None), ("theo", "go", None)],
        [("priya", "go", None), ("ezra", "no-go", "technical"), ("dana", "go", None), ("ezra", "go", None)],
    ],
    ids=["answered, then a go taken back", "blocked, then lifted"],
)
def test_the_queue_rows_stay_the_resolutions_waits_in_order_as_they_are_answered_or_come_back(
    store: Store, team: str, steps: list[tuple[str, str, str | None]]
) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    stored, answer = rows_and_answer(store, number)
    assert stored == answer and len(answer) > 2
    for handle, stance, basis in steps:
        act(store, team, handle, RecordPosition(number=number, stance=Stance(stance), basis=basis, reason="r"))
        stored, answer = rows_and_answer(store, number)
        assert stored == answer, (handle, stance)


def test_the_queue_pages_newest_first(store: Store, team: str) -> None:
    numbers = [act(store, team, "priya", OpenDecision(domain="release", title=f"R{i}")).number for i in range(5)]
    first = queue.my_queue(uow=store.uow(), team=team, handle="ezra", limit=2)
    assert [item.summary.number for item in first.waiting_on_me] == numbers[:-3:-1]
    second = queue.my_queue(uow=store.uow(), team=team, handle="ezra", limit=2, before=first.next_cursor)
    third = queue.my_queue(uow=store.uow(), team=team, handle="ezra", limit=2, before=second.next_cursor)
    seen = [item.summary.number for page in (first, second, third) for item in page.waiting_on_me]
    assert seen == sorted(numbers, reverse=True) and third.next_cursor is None


def test_withdrawn_and_expired_decisions_leave_the_queue(store: Store, team: str) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    gone = act(store, team, "priya", OpenDecision(domain="release", title="A")).number
    late = act(
        store, team, "priya", OpenDecision(domain="release", title="B", deadline=clock.now + timedelta(hours=1))
    ).number
    act(store, team, "priya", WithdrawDecision(number=gone))
    clock.advance(hours=2)
    assert act(store, team, "remit", ExpireDecisions()) == [late]
    assert waits(store, gone) == [] and waits(store, late) == []
    listed = queries.list_decisions(uow=store.uow(), team=team, waiting_on="ezra")
    assert listed == []


def test_the_informed_are_told_at_each_change_and_the_record_says_whether_they_saw_it(store: Store, team: str) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    reached = queries.show_decision(uow=store.uow(), team=team, number=number).reached
    assert {(n.person, n.kind, n.event) for n in reached} == {
        ("sol", "told", "opened"),  # the stakeholder is informed
        ("dana", "asked", "opened"),  # designer and tech lead are consulted
        ("theo", "asked", "opened"),
    }
    assert all(n.seen_at is None for n in reached)
    sol = queue.my_queue(uow=store.uow(), team=team, handle="sol")
    assert [(n.number, n.event) for n in sol.unseen] == [(number, "opened")]

    act(
        store, team, "ezra", RecordPosition(number=number, stance=Stance("no-go"), basis="safety", reason="no rollback")
    )
    told = [n.event for n in queries.show_decision(uow=store.uow(), team=team, number=number).reached]
    assert told.count("blocked") == 3  # told of the state change: the informed and the consulted, once each
    states = queries.show_decision(uow=store.uow(), team=team, number=number).reached
    assert {(n.person, n.kind) for n in states if n.event == "blocked"} == {
        ("sol", "told"),
        ("dana", "told"),  # a consulted role is also informed; asked only once, at opening
        ("theo", "told"),
    }

    assert act(store, team, "sol", MarkSeen(number=number)) == 2
    assert act(store, team, "sol", MarkSeen(number=number)) == 0
    reached = queries.show_decision(uow=store.uow(), team=team, number=number).reached
    seen = {n.event: n.seen_at for n in reached if n.person == "sol"}
    assert seen["blocked"] is not None and queue.my_queue(uow=store.uow(), team=team, handle="sol").unseen == []


def test_a_settled_decision_tells_the_informed_once_more(store: Store, team: str) -> None:
    number = act(store, team, "priya", OpenDecision(domain="release", title="Ship")).number
    act(store, team, "priya", WithdrawDecision(number=number))
    events = [n.event for n in queries.show_decision(uow=store.uow(), team=team, number=number).reached]
    assert events.count("withdrawn") == 3  # the informed stakeholder and the two consulted roles, once each

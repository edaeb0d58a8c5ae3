"""The outbox: what Remit tells or asks beyond the app is written in the transaction of the change that
caused it, on SQLite and PostgreSQL. Delivering it is the ``notify`` capability's job."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy import func, select, text

from remit import capabilities  # noqa: F401
from remit.charter.tables import PersonRow
from remit.decisions.commands import OpenDecision
from remit.decisions.events import DecisionOpened
from remit.decisions.tables import DecisionRow, NoticeRow
from remit.kernel.commands import act
from remit.kernel.errors import StoreRefused
from remit.kernel.events import BUS, Recorded
from remit.kernel.messages import Message
from remit.kernel.tables import OutboxRow
from remit.kernel.uow import Store, UnitOfWork


def opened(store: Store, team: str) -> int:
    outcome = act(store, team, "priya", OpenDecision(domain="release", title="Ship 2.4 on Friday"))
    return outcome.number


def test_each_notice_of_a_new_decision_is_a_message_in_the_same_transaction(store: Store, team: str) -> None:
    number = opened(store, team)
    with store.sessions() as session:
        notices = session.execute(
            select(PersonRow.handle, NoticeRow.kind).join(PersonRow, PersonRow.id == NoticeRow.person_id)
        ).all()
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    told = sorted((handle, kind) for handle, kind in notices if handle != "priya")
    assert told, "the release domain reaches someone besides the proposer"
    messages = [Message.from_dict(row.message) for row in rows]
    assert sorted((m.to, "asked" if m.asks else "told") for m in messages) == told
    for row, sent in zip(rows, messages, strict=True):
        assert row.recipient == sent.to and row.topic == "decision.opened"
        assert sent.link == f"/decisions/{number}" and "Ship 2.4 on Friday" in sent.subject
        assert sent.lines and ("Decision", f"#{number}") in sent.facts


@pytest.fixture
def failing_writer() -> Iterator[None]:
    def fail(uow: UnitOfWork, records: Sequence[Recorded]) -> None:
        raise RuntimeError("the disk is full")

    BUS.within(DecisionOpened)(fail)
    try:
        yield
    finally:
        BUS.off(fail)


def test_a_change_whose_messages_cannot_be_written_is_not_kept(store: Store, team: str, failing_writer: None) -> None:
    with pytest.raises(RuntimeError, match="disk is full"):
        opened(store, team)
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DecisionRow)) == 0
        assert session.scalar(select(func.count()).select_from(NoticeRow)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0


def test_a_message_reads_back_as_it_was_written() -> None:
    sent = Message(
        topic="incident.opened", subject="sev2", lines=("a", "b"), link="/incidents/1", facts=(("Severity", "sev2"),)
    )
    assert Message.from_dict(sent.as_dict()) == sent


@pytest.fixture
def breaking_writer() -> Iterator[None]:
    def refused_by_the_database(uow: UnitOfWork, records: Sequence[Recorded]) -> None:
        uow.session.execute(text("UPDATE decisions SET state = 'pending'"))  # outside the vocabulary

    BUS.within(DecisionOpened)(refused_by_the_database)
    try:
        yield
    finally:
        BUS.off(refused_by_the_database)


def test_a_write_the_database_refuses_is_a_clear_error_and_nothing_is_kept(
    store: Store, team: str, breaking_writer: None
) -> None:
    with pytest.raises(StoreRefused, match=r"the database refused the change \(.*ck_decisions_state.*\)") as refused:
        opened(store, team)
    assert "nothing of it was kept" in refused.value.message and refused.value.status == 500
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DecisionRow)) == 0

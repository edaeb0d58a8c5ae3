"""/manage/status/subscribers on SQLite and PostgreSQL: the demo's two confirmed subscribers, masked, with the
counts per component; the EM removes one (on the record, gone from the list); a stakeholder reads nothing and
removes nothing (the 403 page, a crossing on the record); the form needs the session's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remit.app import Settings, create_app
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from remit.status.subscribers_demo import SUBSCRIBERS
from remit.status.subscription_tables import SubscriptionRow
from tests.integration.test_web import Browser

PAGE = "/manage/status/subscribers"


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def live(store: Store) -> dict[int, str]:
    """Each subscription not ended: its id and masked address."""
    with store.sessions() as session:
        rows = session.scalars(select(SubscriptionRow).where(SubscriptionRow.state != "ended")).all()
        return {row.id: row.shown for row in rows}


def kinds(store: Store) -> list[str]:
    with store.sessions() as session:
        return list(session.scalars(select(AuditRow.kind).order_by(AuditRow.seq)))


def test_the_em_sees_the_counts_and_the_masked_list_and_removes_one(web: Browser, demo_store: Store) -> None:
    web.sign_in("ezra")
    assert 'href="/manage/status/subscribers"' in web.get("/manage/status").text
    page = web.get(PAGE)
    assert page.status_code == 200, page.text
    counts = re.sub(r"\s+", " ", page.text.split('id="subscriber-counts"')[1].split("</table>")[0])
    assert '<th scope="row">All components</th><td>1</td>' in counts  # alerts@contoso: every component
    assert '<th scope="row">checkout</th><td>2</td>' in counts and '<th scope="row">payments</th><td>2</td>' in counts
    subscribers = live(demo_store)
    assert len(subscribers) == 2 and all(shown in page.text for shown in subscribers.values())
    assert all(address not in page.text for address, _components in SUBSCRIBERS)  # masked only, never the address
    assert page.text.count(">confirmed</span>") == 2 and "checkout, payments" in page.text
    first, shown = min(subscribers.items())
    done = web.post(f"{PAGE}/{first}/remove", {}, csrf_from=PAGE)
    assert done.status_code == 303 and done.headers["location"] == PAGE
    after = web.follow(done)
    assert f"removed {shown}: nothing more will be sent to it" in after.text
    assert f'id="subscriber-{first}"' not in after.text and shown not in after.text.split('id="subscriber-list"')[1]
    assert first not in live(demo_store) and kinds(demo_store)[-1] == "StatusSubscriberRemoved"
    again = web.follow(web.post(f"{PAGE}/{first}/remove", {}, csrf_from=PAGE))  # a second click: a warning, no error
    assert "flash-warning" in again.text and f"no subscriber {first}" in again.text


def test_a_stakeholder_neither_reads_nor_removes(web: Browser, demo_store: Store) -> None:
    web.sign_in("sol")
    assert 'href="/manage/status/subscribers"' not in web.get("/manage/status").text
    read = web.get(PAGE)
    assert read.status_code == 403 and "subscriber" in read.text.lower() and "@" not in read.text.split("<main")[1]
    before, audit = live(demo_store), kinds(demo_store)
    target = min(before)
    refused = web.post(f"{PAGE}/{target}/remove", {}, csrf_from="/manage/status")
    assert refused.status_code == 403 and "<html" in refused.text.lower()
    assert live(demo_store) == before
    assert "StatusSubscriberRemoved" not in kinds(demo_store)[len(audit) :]
    assert kinds(demo_store)[len(audit) :] != []  # the refusal is a crossing on the record


def test_removing_needs_the_sessions_csrf_token(web: Browser, demo_store: Store) -> None:
    web.sign_in("ezra")
    before, audit = live(demo_store), kinds(demo_store)
    target = min(before)
    for data in ({}, {"csrf": "forged"}):
        answer = web.client.post(f"{PAGE}/{target}/remove", data=data)
        assert answer.status_code == 403 and "did not come from your Remit session" in answer.text
    assert live(demo_store) == before and kinds(demo_store) == audit

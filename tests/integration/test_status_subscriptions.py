"""Status page subscriptions on SQLite and PostgreSQL, end to end through the outbox and the notification
worker to real local receivers (an HTTP server standing in for a webhook, an SMTP server): subscribe, the
confirmation, confirm, a public incident update delivered (never an internal one), unsubscribe, nothing more;
forged, altered, swapped and expired links; the links' secrets stored only as digests; the team's view."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.charter import teams
from remit.incidents.commands import OpenIncident, ResolveIncident, UpdateIncident
from remit.kernel.commands import COMMANDS, Caller, act, build
from remit.kernel.errors import InvalidInput, NotFound, RightsRefused
from remit.kernel.tables import AuditRow, OutboxRow
from remit.kernel.uow import Store
from remit.notify.worker import Worker
from remit.status import queries, subscription_handlers
from remit.status.subscription_commands import ConfirmSubscription, RemoveSubscriber, Subscribe, Unsubscribe
from remit.status.subscription_tables import SubscriptionRow
from remit.status.subscriptions import PUBLIC, BadLink
from tests.conftest import Clock, team_text
from tests.integration.test_hot_paths import statements
from tests.notify.receivers import Mailbox, smtp_server

BASE = "https://status.example.com"
SECRET = "zq-internal-5d1e"


def charter() -> str:
    return team_text() + '\n[status]\ncomponents = ["checkout", "payments", "search"]\n'


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    yield from smtp_server()


@pytest.fixture
def page(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("REMIT_BASE_URL", BASE)
    # the local receiver is on 127.0.0.1, which a stranger's webhook may not name (tested below, unpatched)
    monkeypatch.setattr(subscription_handlers, "internal_target", lambda url: None)
    teams.init_team(uow=store.uow(), text=charter(), source="remit.toml")
    return store


def public(store: Store, command: Any) -> Any:
    return COMMANDS.dispatch(store, Caller("checkout", PUBLIC), command)


def outbox(store: Store) -> list[dict[str, Any]]:
    with store.sessions() as session:
        return [row.message for row in session.scalars(select(OutboxRow).order_by(OutboxRow.id))]


def link(message: dict[str, Any], purpose: str) -> str:
    text = " ".join([*message["lines"], message.get("unsubscribe") or ""])
    found = re.search(rf"/status/checkout/{purpose}/([^\s]+)", text)
    assert found is not None, text
    return found.group(1)


def last_to(store: Store, address: str) -> dict[str, Any]:
    return [m for m in outbox(store) if m.get("address") and address in m["address"]][-1]


def posts(server: HTTPServer, path: str) -> list[dict[str, Any]]:
    return [json.loads(request.get_data()) for request, _response in server.log if request.path == path]


def worker(store: Store, port: int) -> Worker:
    return Worker(store, base_url=BASE, mail_relay=f"mailto://127.0.0.1:{port}?from=status@example.com")


def test_subscribe_confirm_hear_a_public_update_unsubscribe_and_hear_no_more(
    page: Store, httpserver: HTTPServer, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    hook = f"http://127.0.0.1:{httpserver.port}/hook"
    done = public(page, build(Subscribe, address=hook, components=["payments"]))
    assert done.state == "pending" and done.shown == "http://127.0.0.1/…"
    mail = public(page, build(Subscribe, address="Ops@Example.COM"))
    assert mail.shown == "O…@example.com" and mail.components == []
    # the confirmations went through the outbox and the worker; an unconfirmed subscription hears nothing else
    act(page, "checkout", "ezra", build(OpenIncident, title="Cards fail", severity="sev2", components=["payments"],
                                        message="We are looking.", public=True))  # fmt: skip
    tally = worker(page, port).run_once()
    assert tally.sent == 2 and tally.failed == 0
    [confirmation] = posts(httpserver, "/hook")
    assert confirmation["confirm"]["url"].startswith(f"{BASE}/status/checkout/confirm/")
    assert confirmation["meta"]["unsubscribe"].startswith(f"{BASE}/status/checkout/unsubscribe/")
    [asked] = box.mails
    assert asked["To"] == "Ops@example.com" and asked["Subject"] == "Confirm your subscription to checkout status"
    assert asked["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert asked["List-Unsubscribe"].startswith(f"<{BASE}/status/checkout/unsubscribe/")
    # confirm both
    public(page, ConfirmSubscription(token=confirmation["confirm"]["url"].rpartition("/")[2]))
    assert (
        public(page, ConfirmSubscription(token=link(last_to(page, "Ops@example.com"), "confirm"))).state == "confirmed"
    )
    # an internal update is never sent; a public one is, in Statuspage's webhook shape
    act(page, "checkout", "ezra", UpdateIncident(number=1, message=f"Rolling back {SECRET}"))
    act(
        page, "checkout", "ezra", build(UpdateIncident, number=1, status="identified", message="Found it.", public=True)
    )
    worker(page, port).run_once()
    notice = posts(httpserver, "/hook")[-1]
    assert set(notice) == {"meta", "page", "incident"}
    assert notice["page"]["status_indicator"] == "major" and notice["page"]["url"] == f"{BASE}/status/checkout"
    assert notice["incident"]["name"] == "Cards fail" and notice["incident"]["status"] == "identified"
    assert [u["body"] for u in notice["incident"]["incident_updates"]] == ["Found it.", "We are looking."]
    told = box.mails[-1]
    assert told["Subject"] == "[checkout] Cards fail (identified)"
    assert "Found it." in told.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    everything = json.dumps(posts(httpserver, "/hook")) + "".join(str(m) for m in box.mails)
    assert SECRET not in everything and "ezra" not in everything.lower()
    assert len(posts(httpserver, "/hook")) == 2 and len(box.mails) == 2
    # unsubscribe (the link every message carries), then nothing more
    public(page, Unsubscribe(token=notice["meta"]["unsubscribe"].rpartition("/")[2]))
    act(page, "checkout", "ezra", build(ResolveIncident, number=1, message="Fixed.", public=True))
    worker(page, port).run_once()
    assert len(posts(httpserver, "/hook")) == 2 and len(box.mails) == 3  # only the email subscriber heard


def test_an_incident_on_other_components_is_not_sent_to_a_subscriber_of_one(page: Store) -> None:
    public(page, build(Subscribe, address="pay@example.com", components=["payments"]))
    public(page, ConfirmSubscription(token=link(last_to(page, "pay@example.com"), "confirm")))
    before = len(outbox(page))
    act(page, "checkout", "ezra", build(OpenIncident, title="Slow search", severity="sev3", components=["search"],
                                        message="Slow.", public=True))  # fmt: skip
    assert not [m for m in outbox(page)[before:] if m.get("address")]


def test_links_are_signed_and_their_secrets_stored_only_as_digests(page: Store) -> None:
    public(page, build(Subscribe, address="ops@example.com"))
    message = last_to(page, "ops@example.com")
    confirm, leave = link(message, "confirm"), message["unsubscribe"].rpartition("/")[2]
    ident, secret, mac = confirm.split(".")
    with page.sessions() as session:
        row = session.scalars(select(SubscriptionRow)).one()
        stored = " ".join(str(value) for value in row.__dict__.values())
    assert secret not in stored and leave.split(".")[1] not in stored and len(row.confirm_digest or "") == 64
    forged = [
        f"{ident}.{secret}.{'0' * 32}",
        f"{ident}.{secret}x.{mac}",
        f"{int(ident) + 1}.{secret}.{mac}",
        "nonsense",
    ]
    for token in forged:
        with pytest.raises(BadLink):
            public(page, ConfirmSubscription(token=token))
    with pytest.raises(BadLink):  # a confirm link is not an unsubscribe link, nor the reverse
        public(page, Unsubscribe(token=confirm))
    with pytest.raises(BadLink):
        public(page, ConfirmSubscription(token=leave))


def test_an_unconfirmed_subscription_expires_and_subscribing_again_sends_a_new_link_without_a_second_row(
    page: Store,
) -> None:
    public(page, build(Subscribe, address="late@example.com"))
    first = link(last_to(page, "late@example.com"), "confirm")
    clock = page.clock
    assert isinstance(clock, Clock)
    clock.advance(hours=49)
    with pytest.raises(BadLink, match="expired"):
        public(page, ConfirmSubscription(token=first))
    public(page, build(Subscribe, address="LATE@example.com"))
    second = link(last_to(page, "late@example.com"), "confirm")
    assert second != first
    with pytest.raises(BadLink):
        public(page, ConfirmSubscription(token=first))  # the older link is spent
    assert public(page, ConfirmSubscription(token=second)).state == "confirmed"
    with page.sessions() as session:
        assert len(session.scalars(select(SubscriptionRow)).all()) == 1


@pytest.mark.parametrize(
    ("address", "components", "says"),
    [
        ("not an address", [], "not an email address"),
        ("x" * 250 + "@example.com", [], "longer than"),
        ("ftp://example.com/hook", [], "http:// or https://"),
        ("https://example.com/hook?token=1", [], "no user, password, query"),
        ("ops@example.com", ["billing"], "billing not on this status page"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_kept(
    page: Store, address: str, components: list[str], says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        public(page, build(Subscribe, address=address, components=components))
    with page.sessions() as session:
        assert session.scalars(select(SubscriptionRow)).all() == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hook", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://localhost:8000/"]
)
def test_a_webhook_inside_the_network_is_refused(store: Store, url: str) -> None:
    teams.init_team(uow=store.uow(), text=charter(), source="remit.toml")
    with pytest.raises(InvalidInput, match="must reach a public address"):
        public(store, build(Subscribe, address=url))


def test_the_team_sees_counts_and_removes_a_subscriber_and_the_chain_holds_no_address(page: Store) -> None:
    for address, components in [("a@example.com", []), ("b@example.com", ["payments"]), ("c@example.com", [])]:
        public(page, build(Subscribe, address=address, components=components))
        if address != "c@example.com":
            public(page, ConfirmSubscription(token=link(last_to(page, address), "confirm")))
    seen = subscription_handlers.subscribers(uow=page.uow(), team="checkout", handle="ezra")
    assert seen.per_component == {"checkout": 1, "payments": 2, "search": 1}
    assert [(item.shown, item.state) for item in seen.items] == [
        ("a…@example.com", "confirmed"), ("b…@example.com", "confirmed"), ("c…@example.com", "pending"),
    ]  # fmt: skip
    with pytest.raises(RightsRefused):
        subscription_handlers.subscribers(uow=page.uow(), team="checkout", handle="priya")
    with pytest.raises(RightsRefused):
        act(page, "checkout", "priya", RemoveSubscriber(subscription=seen.items[0].id))
    removed = act(page, "checkout", "ezra", RemoveSubscriber(subscription=seen.items[0].id))
    assert removed.state == "ended"
    with pytest.raises(NotFound):
        act(page, "checkout", "ezra", RemoveSubscriber(subscription=seen.items[0].id))
    with page.sessions() as session:
        entries = session.scalars(select(AuditRow).where(AuditRow.kind.like("Status%")).order_by(AuditRow.seq)).all()
        chain = " ".join(json.dumps(entry.payload) + entry.actor for entry in entries)
    assert [entry.kind for entry in entries][-1] == "StatusSubscriberRemoved"
    assert {entry.actor for entry in entries} == {PUBLIC, "ezra"}
    assert "example.com" in chain and "a@example.com" not in chain and "b@example.com" not in chain


def test_a_maintenance_announced_and_moved_reaches_its_components_subscribers_never_an_internal_note(
    page: Store,
) -> None:
    from datetime import timedelta

    from remit.status.commands import ScheduleMaintenance, UpdateMaintenance

    public(page, build(Subscribe, address="pay@example.com", components=["payments"]))
    public(page, ConfirmSubscription(token=link(last_to(page, "pay@example.com"), "confirm")))
    public(page, build(Subscribe, address="search@example.com", components=["search"]))
    public(page, ConfirmSubscription(token=link(last_to(page, "search@example.com"), "confirm")))
    before = len(outbox(page))
    window = {
        "scheduled_for": page.clock() + timedelta(days=2),
        "scheduled_until": page.clock() + timedelta(days=2, hours=1),
    }
    act(page, "checkout", "ezra", build(ScheduleMaintenance, name="Payments upgrade", components=["payments"],
                                        message="Payments pause for an hour.", **window))  # fmt: skip
    act(page, "checkout", "ezra", UpdateMaintenance(number=1, message=f"runbook {SECRET}"))  # internal: nothing
    act(page, "checkout", "ezra", build(UpdateMaintenance, number=1, status="cancelled", message="Moved.", public=True))
    told = [m for m in outbox(page)[before:] if m.get("address")]
    assert [m["address"] for m in told] == ["mailto://?to=pay@example.com"] * 2  # never the search subscriber
    assert told[0]["subject"] == "[checkout] Payments upgrade (scheduled maintenance)"
    assert told[0]["data"]["incident"]["impact"] == "maintenance" and "Payments pause" in told[0]["lines"][0]
    assert told[1]["subject"] == "[checkout] Payments upgrade (cancelled)" and "Moved." in told[1]["lines"][0]
    assert SECRET not in json.dumps(told)


def test_a_public_update_with_no_confirmed_subscriber_asks_once_and_builds_no_snapshot(
    page: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real = queries.team_snapshot

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append("snapshot")
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "team_snapshot", counted)
    public(page, build(Subscribe, address="late@example.com"))  # pending: it hears nothing yet
    opened = build(OpenIncident, title="Cards fail", severity="sev2", components=["payments"], message="Looking.",
                   public=True)  # fmt: skip
    with statements(page) as seen:
        act(page, "checkout", "ezra", opened)
        act(page, "checkout", "ezra", build(UpdateIncident, number=1, message="Found it.", public=True))
    assert built == []
    asked = [sql for sql in seen if "status_subscriptions" in sql]
    assert len(asked) == 2 and all(sql.lstrip().startswith("SELECT") for sql in asked)  # one per action
    assert not [sql for sql in seen if "maintenance" in sql or "status_component_states" in sql]
    # confirmed, the same update builds the notice (once) and tells the subscriber
    public(page, ConfirmSubscription(token=link(last_to(page, "late@example.com"), "confirm")))
    act(page, "checkout", "ezra", build(UpdateIncident, number=1, message="Fixing.", public=True))
    assert built == ["snapshot"]
    assert last_to(page, "late@example.com")["subject"] == "[checkout] Cards fail (investigating)"


def test_a_link_opened_twice_answers_already_and_records_nothing_more(page: Store) -> None:
    public(page, build(Subscribe, address="twice@example.com"))
    message = last_to(page, "twice@example.com")
    confirm, leave = link(message, "confirm"), message["unsubscribe"].rpartition("/")[2]
    assert public(page, ConfirmSubscription(token=confirm)).state == "confirmed"

    def recorded() -> list[str]:
        with page.sessions() as session:
            return list(session.scalars(select(AuditRow.kind).where(AuditRow.kind.like("Status%"))))

    before = recorded()
    again = public(page, ConfirmSubscription(token=confirm))
    assert (again.state, again.sentence) == ("confirmed", "t…@example.com is subscribed already")
    assert recorded() == before
    assert public(page, Unsubscribe(token=leave)).state == "ended"
    before = recorded()
    again = public(page, Unsubscribe(token=leave))
    assert (again.state, again.sentence) == ("ended", "t…@example.com is unsubscribed already")
    assert recorded() == before

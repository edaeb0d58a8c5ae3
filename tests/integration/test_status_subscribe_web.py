"""The public subscription pages and the API, on SQLite and PostgreSQL: the form and its 422 with what was
typed, the link pages (a button, never a write on GET), a forged link's page in words, RFC 8058's one-click
POST, the rate limit, the public JSON subscribe, the team's list and removal."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.app import Settings, create_app
from remit.charter import teams
from remit.identity.commands import CreateToken
from remit.kernel.commands import act
from remit.kernel.tables import OutboxRow
from remit.kernel.uow import Store
from remit.status.subscription_tables import SubscriptionRow
from tests.conftest import team_text


@pytest.fixture
def client(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("REMIT_BASE_URL", "https://status.example.com")
    text = team_text() + '\n[status]\ncomponents = ["checkout", "payments", "search"]\n'
    teams.init_team(uow=store.uow(), text=text, source="remit.toml")
    with TestClient(create_app(Settings(sweep_seconds=0), store=store)) as opened:
        opened.app.state.store = store
        yield opened


def sent_link(store: Store, purpose: str) -> str:
    with store.sessions() as session:
        messages = [row.message for row in session.scalars(select(OutboxRow).order_by(OutboxRow.id))]
    text = " ".join(" ".join([*m["lines"], m.get("unsubscribe") or ""]) for m in messages)
    found = re.findall(rf"https://status\.example\.com(/status/checkout/{purpose}/[^\s]+)", text)
    assert found, text
    return str(found[-1])


def state(store: Store) -> str:
    with store.sessions() as session:
        return session.scalars(select(SubscriptionRow.state)).one()


def test_the_status_page_links_to_the_form_which_lists_the_public_components(client: TestClient) -> None:
    assert 'href="/status/checkout/subscribe"' in client.get("/status/checkout").text
    form = client.get("/status/checkout/subscribe")
    assert form.status_code == 200 and "Subscribe to checkout status" in form.text
    assert all(f'value="{c}"' in form.text for c in ("checkout", "payments", "search"))


def test_subscribe_confirm_and_unsubscribe_through_the_pages(client: TestClient, store: Store) -> None:
    said = client.post("/status/checkout/subscribe", data={"address": "ops@example.com", "components": ["search"]})
    assert said.status_code == 200 and "Check your inbox" in said.text and "o…@example.com" in said.text
    confirm = sent_link(store, "confirm")
    shown = client.get(confirm)
    assert (
        shown.status_code == 200 and "(search) to o…@example.com?" in shown.text and ">Confirm</button>" in shown.text
    )
    assert state(store) == "pending"  # a GET never confirms (a mail scanner fetching the link)
    assert "is subscribed" in client.post(confirm).text and state(store) == "confirmed"
    leave = sent_link(store, "unsubscribe")
    assert ">Unsubscribe</button>" in client.get(leave).text and state(store) == "confirmed"
    one_click = client.post(leave, content="List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert one_click.status_code == 200 and "unsubscribed" in one_click.text and state(store) == "ended"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"address": "not-an-address"}, "not an email address or a webhook URL"),
        ({"address": "ops@example.com", "components": ["billing"]}, "billing not on this status page"),
        ({"address": "http://127.0.0.1:9/hook"}, "must reach a public address, not 127.0.0.1"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_422(client: TestClient, data: dict[str, object], says: str) -> None:
    answer = client.post("/status/checkout/subscribe", data=data)
    assert answer.status_code == 422 and says in answer.text
    assert f'value="{data["address"]}"' in answer.text  # what was typed, kept


def test_a_forged_or_altered_link_is_a_page_in_words(client: TestClient, store: Store) -> None:
    client.post("/status/checkout/subscribe", data={"address": "ops@example.com"})
    confirm = sent_link(store, "confirm")
    for path in [confirm[:-1] + ("0" if confirm[-1] != "0" else "1"), "/status/checkout/confirm/12.abc.def",
                 "/status/checkout/unsubscribe/nonsense", confirm.replace("/confirm/", "/unsubscribe/")]:  # fmt: skip
        for answer in (client.get(path), client.post(path)):
            assert answer.status_code == 404, path
            assert "not one we sent" in answer.text or "no longer valid" in answer.text
            assert "Traceback" not in answer.text
    assert state(store) == "pending"


def test_the_form_cannot_flood_one_inbox(client: TestClient) -> None:
    answers = [client.post("/status/checkout/subscribe", data={"address": "victim@example.com"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "too many subscription requests for this address" in answers[-1].text


def test_the_api_subscribes_for_anyone_and_lists_and_removes_for_the_team(client: TestClient, store: Store) -> None:
    answer = client.post("/api/v1/status/checkout/subscriptions", json={"address": "dev@example.com"})
    assert answer.status_code == 202 and answer.json()["state"] == "pending"
    refused = client.post("/api/v1/status/checkout/subscriptions", json={"address": "nope"})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_input"
    client.post(sent_link(store, "confirm"))
    ezra = {"Authorization": f"Bearer {act(store, 'checkout', 'ezra', CreateToken(name='t')).token}"}
    priya = {"Authorization": f"Bearer {act(store, 'checkout', 'priya', CreateToken(name='t')).token}"}
    assert client.get("/api/v1/status/subscribers").status_code == 401
    assert client.get("/api/v1/status/subscribers", headers=priya).status_code == 403
    listed = client.get("/api/v1/status/subscribers", headers=ezra).json()
    assert listed["per_component"] == {"checkout": 1, "payments": 1, "search": 1} and listed["all_components"] == 1
    [item] = listed["items"]
    assert item["shown"] == "d…@example.com" and "dev@example.com" not in str(listed)
    assert client.delete(f"/api/v1/status/subscribers/{item['id']}", headers=priya).status_code == 403
    removed = client.delete(f"/api/v1/status/subscribers/{item['id']}", headers=ezra)
    assert removed.status_code == 200 and removed.json()["state"] == "ended"
    assert client.get("/api/v1/status/subscribers", headers=ezra).json()["items"] == []

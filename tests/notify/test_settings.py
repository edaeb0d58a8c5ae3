"""A person's channels and choices, by API, web form and command line, on SQLite and PostgreSQL: secrets
shown masked, bad input refused naming the field, each change on the audit chain; the team's deliveries only
for the charter's key holders; what a person chose is what is delivered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from remit.app import Settings, create_app
from remit.charter.tables import CrossingRow
from remit.decisions import queries
from remit.decisions.commands import OpenDecision, WithdrawDecision
from remit.kernel.commands import act
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from remit.notify import outbox
from remit.notify.channels import internal_target
from remit.notify.commands import SetPreferences
from remit.notify.tables import DeliveryRow
from remit.notify.worker import Worker
from remit.seed import DEMO_TEAM, NOWHERE
from tests.conftest import Api
from tests.e2e.test_cli import run
from tests.integration.test_web import Browser

SECRET = "mailto://someone:hunter2-secret@smtp.example.com:587?to=someone@example.com"


def test_my_settings_show_my_channels_masked(api: Api) -> None:
    mine = api.client.get("/api/v1/me/notify", headers=api.as_("dana")).json()
    assert mine["channels"] == [{"id": None, "shown": "json://127.0.0.1/…", "source": "roster"}]
    assert mine["digest"] == "off" and "decisions-asked" in mine["topics"]
    added = api.client.post("/api/v1/me/notify/channels", json={"url": SECRET}, headers=api.as_("dana"))
    assert added.status_code == 201, added.text
    assert added.json() == {"id": 1, "shown": "mailto://smtp.example.com/…", "source": "app"}
    again = api.client.get("/api/v1/me/notify", headers=api.as_("dana"))
    assert "hunter2" not in again.text and "hunter2" not in added.text
    assert len(again.json()["channels"]) == 2
    entries = queries.audit_log(uow=api.store.uow(), team=DEMO_TEAM)
    assert "hunter2" not in str(entries)
    with api.store.sessions() as session:
        kinds = session.scalars(select(AuditRow.kind).order_by(AuditRow.seq.desc()).limit(1)).all()
    assert kinds == ["ChannelAdded"]
    gone = api.client.delete("/api/v1/me/notify/channels/1", headers=api.as_("dana"))
    assert gone.status_code == 200 and gone.json()["shown"] == "mailto://smtp.example.com/…"
    assert api.client.delete("/api/v1/me/notify/channels/1", headers=api.as_("dana")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"url": "slack://T/B/C\nX"}, "url"),
        ({"url": ""}, "url"),
    ],
)
def test_a_bad_channel_is_refused_naming_the_field(api: Api, body: dict[str, str], field: str) -> None:
    answer = api.client.post("/api/v1/me/notify/channels", json=body, headers=api.as_("priya"))
    assert answer.status_code == 422, answer.text
    assert field in answer.text


INTERNAL = [
    "json://127.0.0.1:8000/hook",
    "json://user:pw@169.254.169.254/latest/meta-data",  # the cloud metadata service
    "jsons://localhost/x",
    "json://10.1.2.3/x",
    "slack+http://192.168.0.7/relay",
    "json://[::1]:9/x",
    "json://[::ffff:127.0.0.1]/x",
    "json://127.1/x",
    "json://2130706433/x",
    "json://0.0.0.0/x",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_a_channel_of_your_own_cannot_point_the_server_at_its_own_network(api: Api, url: str) -> None:
    answer = api.client.post("/api/v1/me/notify/channels", json={"url": url}, headers=api.as_("priya"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"].startswith("url: a channel you add yourself must reach a public address")
    assert "pw" not in answer.text and "charter's roster" in answer.json()["hint"]
    with api.store.sessions() as session:
        assert session.scalars(select(AuditRow.kind).where(AuditRow.kind == "ChannelAdded")).all() == []


@pytest.mark.parametrize(
    "url",
    ["json://hooks.example.com/x", "slack://T000/B000/XXX", "mailto://smtp.example.com?to=a@b.c", "json://8.8.8.8/"],
)
def test_a_public_channel_is_not_taken_for_an_internal_one(url: str) -> None:
    assert internal_target(url) is None


def test_an_unknown_topic_or_digest_is_refused_in_words(api: Api) -> None:
    answer = api.client.put(
        "/api/v1/me/notify/preferences", json={"topics": ["gossip"], "digest": "off"}, headers=api.as_("priya")
    )
    assert answer.status_code == 422 and "unknown topic 'gossip'" in answer.text
    answer = api.client.put(
        "/api/v1/me/notify/preferences", json={"topics": [], "digest": "weekly"}, headers=api.as_("priya")
    )
    assert answer.status_code == 422 and "unknown digest 'weekly'" in answer.text


def test_the_deliveries_are_for_the_charters_key_holders(api: Api) -> None:
    assert api.client.get("/api/v1/notify/deliveries", headers=api.as_("ezra")).status_code == 200
    refused = api.client.get("/api/v1/notify/deliveries", headers=api.as_("sol"))
    assert refused.status_code == 403 and "holds no key in charter or team-process" in refused.text
    with api.store.sessions() as session:
        before = len(session.scalars(select(CrossingRow)).all())
    retry = api.client.post("/api/v1/notify/deliveries/1/retry", headers=api.as_("sol"))
    assert retry.status_code == 403
    with api.store.sessions() as session:
        crossings = session.scalars(select(CrossingRow).order_by(CrossingRow.id)).all()
    assert len(crossings) == before + 1 and crossings[-1].action == "manage-deliveries"


def test_a_dead_delivery_is_sent_again_by_a_key_holder(api: Api) -> None:
    store = api.store
    outbox.expand(store.uow())
    with store.uow() as uow:
        row = uow.session.scalars(select(DeliveryRow).order_by(DeliveryRow.id).limit(1)).one()
        row.state, row.attempts, row.last_error = "dead", 10, "ConnectError: refused"
        dead = row.id
        uow.commit()
    shown = api.client.get("/api/v1/notify/deliveries", headers=api.as_("ezra")).json()
    assert [item["id"] for item in shown["dead"]] == [dead] and shown["dead"][0]["channel"].startswith("json://")
    again = api.client.post(f"/api/v1/notify/deliveries/{dead}/retry", headers=api.as_("ezra"))
    assert again.status_code == 200 and again.json()["state"] == "pending" and again.json()["attempts"] == 0
    twice = api.client.post(f"/api/v1/notify/deliveries/{dead}/retry", headers=api.as_("ezra"))
    assert twice.status_code == 409 and "not dead" in twice.text


@pytest.fixture
def channelled(store: Store) -> str:
    from remit.charter import teams as charter_teams
    from tests.notify.receivers import charter_with_channels

    text = charter_with_channels({"dana": (NOWHERE,), "sol": (NOWHERE,)})
    charter_teams.init_team(uow=store.uow(), text=text, source="remit.toml")
    return "checkout"


def test_what_a_person_chose_is_what_is_delivered(store: Store, channelled: str) -> None:
    act(store, channelled, "sol", SetPreferences(topics=["decisions-asked", "state-changes"], digest="off"))
    act(store, channelled, "dana", SetPreferences(topics=["decisions-asked"], digest="hourly"))
    act(store, channelled, "priya", OpenDecision(domain="release", title="Ship it"))
    outbox.expand(store.uow())
    with store.sessions() as session:
        rows = {row.recipient: row for row in session.scalars(select(DeliveryRow))}
    assert "sol" not in rows, "sol left out the decisions he is told of"
    assert rows["dana"].state == "pending", "a question is never held for a digest"
    act(store, channelled, "sol", SetPreferences(topics=["decisions-told", "state-changes"], digest="hourly"))
    number = act(store, channelled, "priya", OpenDecision(domain="release", title="Ship it too")).number
    act(store, channelled, "priya", WithdrawDecision(number=number, reason="not now"))
    outbox.expand(store.uow())
    with store.sessions() as session:
        held = session.scalars(select(DeliveryRow).where(DeliveryRow.state == "held")).all()
    assert [row.recipient for row in held] == ["sol", "sol"]
    assert outbox.gather(store.uow(), base_url="https://remit.example.com") == 0, "not due before the hour"
    store.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert outbox.gather(store.uow(), base_url="https://remit.example.com") == 1
    with store.sessions() as session:
        digest = session.scalars(select(DeliveryRow).where(DeliveryRow.outbox_id.is_(None))).one()
        digested = session.scalars(select(DeliveryRow).where(DeliveryRow.state == "digested")).all()
    assert digest.state == "pending" and digest.message["subject"] == "Remit: 2 updates for you"
    assert [row.digest_id for row in digested] == [digest.id, digest.id]
    assert "opened" in digest.message["lines"][0] and "withdrawn" in digest.message["lines"][1]
    assert f"https://remit.example.com/decisions/{number}" in digest.message["lines"][1]


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def test_the_settings_page_adds_removes_and_chooses(web: Browser) -> None:
    web.sign_in("dana")
    page = web.get("/notifications")
    assert page.status_code == 200 and "json://127.0.0.1/…" in page.text and "from the team's charter" in page.text
    added = web.follow(web.post("/notifications/channels", {"url": SECRET}, csrf_from="/notifications"))
    assert "channel added: mailto://smtp.example.com/…" in added.text and "hunter2" not in added.text
    refused = web.post("/notifications/channels", {"url": "nope"}, csrf_from="/notifications")
    assert refused.status_code in (303, 422)
    chose = web.follow(
        web.post("/notifications/preferences", {"topic": "incidents", "digest": "daily"}, csrf_from="/notifications")
    )
    assert "your choices are saved" in chose.text
    assert 'id="digest-daily" name="digest" value="daily" checked' in chose.text
    assert 'value="decisions-asked" checked' not in chose.text
    removed = web.follow(web.post("/notifications/channels/1/remove", {}, csrf_from="/notifications"))
    assert "channel removed" in removed.text


def test_the_deliveries_page_is_for_key_holders(web: Browser) -> None:
    web.sign_in("sol")
    assert web.get("/notifications/deliveries").status_code == 403
    assert "The team's deliveries" not in web.get("/notifications").text


def test_the_worker_delivers_the_demo_and_the_cli_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    from remit.seed import seed_demo

    store = Store.open(url, migrate=True)
    try:
        seed_demo(store, "http://127.0.0.1:9")  # Ezra's hook is refused too: nothing listens there
        Worker(store, base_url="http://127.0.0.1:9").run_once()
    finally:
        store.close()
    code, out, _ = run(capsys, "--database", url, "--team", DEMO_TEAM, "notify", "status")
    assert code == 0, out
    assert "retrying:" in out and "ConnectError" in out and "to dana via json://127.0.0.1/…" in out
    code, out, _ = run(capsys, "--database", url, "--team", DEMO_TEAM, "notify", "add", SECRET, "--as", "sol")
    assert code == 0 and out.strip() == "channel 1 added: mailto://smtp.example.com/…"
    code, out, _ = run(capsys, "--database", url, "--team", DEMO_TEAM, "notify", "settings", "--as", "sol")
    assert "1  mailto://smtp.example.com/…  (app)" in out and "hunter2" not in out
    code, out, _ = run(
        capsys, "--database", url, "--team", DEMO_TEAM, "notify", "choose", "--topic", "incidents", "--as", "sol"
    )
    assert code == 0 and "receives: incidents" in out
    code, out, _ = run(capsys, "--database", url, "--team", DEMO_TEAM, "notify", "retry", "1", "--as", "sol")
    assert code == 1
    code, out, _ = run(capsys, "--database", url, "--team", DEMO_TEAM, "notify", "run", "--once")
    assert code == 0 and "expanded" in out


def test_a_channel_slipped_into_the_table_or_revived_is_named_by_verify(demo_store: Store) -> None:
    from remit.audit import replay
    from remit.charter.tables import PersonRow
    from remit.notify.commands import AddChannel, RemoveChannel
    from remit.notify.tables import ChannelRow

    act(demo_store, DEMO_TEAM, "sol", AddChannel(url="json://hooks.example.com/sol"))
    act(demo_store, DEMO_TEAM, "sol", RemoveChannel(channel_id=1))
    act(demo_store, DEMO_TEAM, "dana", SetPreferences(topics=["incidents"], digest="daily"))
    [clean] = replay.verify(uow=demo_store.uow(), team=DEMO_TEAM)
    assert clean.ok and clean.differences == []
    with demo_store.uow() as uow:
        sol = uow.session.scalars(select(PersonRow).where(PersonRow.handle == "sol")).one()
        uow.session.get_one(ChannelRow, 1).removed_at = None  # revived behind Remit's back
        uow.session.add(
            ChannelRow(
                team_id=sol.team_id,
                person_id=sol.id,
                url="json://evil.example.com/",
                shown="json://evil.example.com/…",
                added_at=uow.now,
            )
        )
        uow.commit()
    [report] = replay.verify(uow=demo_store.uow(), team=DEMO_TEAM)
    said = [difference.sentence() for difference in report.differences]
    assert any(sentence.startswith("notify_channels 1 removed_at: the chain says") for sentence in said), said
    assert "notify_channels 2: the table has it, the chain never recorded it" in said

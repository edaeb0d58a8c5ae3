"""The public status page and the Statuspage v2 JSON API, on SQLite and PostgreSQL: the shapes field for
field, only what was published (every public endpoint searched for private markers), bytes rendered when an
incident changes (not per request) with ETags and 304s, one page per team, and the charter's [status] list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.app import Settings, create_app
from remit.charter import teams
from remit.charter.loader import read_charter
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.kernel.commands import act, build
from remit.kernel.events import Bus
from remit.kernel.uow import Store
from remit.status import model
from remit.status.commands import ScheduleMaintenance, SetComponentStatus, UpdateMaintenance
from tests.conftest import team_text

API = [
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
]
PUBLIC = ["/status", "/status/", "/status/checkout", *(f"/api/v2/{p}" for p in API)]
PUBLIC += [f"/status/checkout/api/v2/{p}" for p in API]
PUBLIC += [f"{at}history.{kind}" for at in ("/status/", "/status/checkout/", "/") for kind in ("atom", "rss")]
SECRET = "zq-internal-7f3a"  # in every internal line
HIDDEN = "zq-private-db"  # a private component: set by hand, named by an incident and by maintenance
MAINTENANCE_NOTE = "zq-maint-internal-2d8e"  # a maintenance's internal note
IMPACT = "zq-impact-9c2e"  # the PM's customer-impact answer
POSTMORTEM = "https://wiki.example.com/zq-postmortem-4b1d"
COMPONENT_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date",
    "group_id", "page_id", "group", "only_show_if_degraded",
}  # fmt: skip
INCIDENT_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact", "shortlink",
    "started_at", "page_id", "incident_updates", "components",
}  # fmt: skip
UPDATE_KEYS = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at", "affected_components",
    "deliver_notifications", "custom_tweet", "tweet_id",
}  # fmt: skip


@dataclass
class Page:
    client: TestClient
    store: Store


def charter_with_status(name: str = "checkout", components: str = '["checkout", "payments", "search"]') -> str:
    return team_text(name=name) + f"\n[status]\ncomponents = {components}\n"


@pytest.fixture
def page(store: Store) -> Iterator[Page]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=private_team(store))) as client:
        yield Page(client, store)


def private_team(store: Store) -> Store:
    """A team full of private facts: internal lines, a commander, the PM's impact answer, a postmortem link."""
    components = f'["checkout", "payments", "search", "{HIDDEN}"]\nprivate = ["{HIDDEN}"]'
    teams.init_team(uow=store.uow(), text=charter_with_status(components=components), source="remit.toml")
    payments = {"title": "Card payments failing", "severity": "sev2", "components": ["payments", HIDDEN]}
    first = act(store, "checkout", "ezra", build(OpenIncident, **payments, message="We are looking.", public=True))
    act(store, "checkout", "ezra", NameCommander(number=first.number, handle="sam"))
    act(store, "checkout", "priya", AnswerImpact(number=first.number, impact=f"EU checkouts {IMPACT}"))
    act(store, "checkout", "sam", UpdateIncident(number=first.number, message=f"Rolling back {SECRET}"))
    act(store, "checkout", "sam", ResolveIncident(number=first.number, message="Payments work again.", public=True))
    act(store, "checkout", "ezra", LinkPostmortem(number=first.number, url=POSTMORTEM))
    search = {"title": "Search is slow", "severity": "sev3", "components": ["search", "ranking"]}
    second = act(store, "checkout", "ezra", build(OpenIncident, **search, message=f"cause {SECRET}"))
    act(store, "checkout", "ezra", NameCommander(number=second.number, handle="sam"))
    act(store, "checkout", "ezra", UpdateIncident(number=second.number, message="Slower than usual.", public=True))
    act(store, "checkout", "ezra", UpdateIncident(number=second.number, message=f"index {SECRET}"))
    act(store, "checkout", "ezra", SetComponentStatus(component=HIDDEN, status="major_outage", note=f"{HIDDEN} lag"))
    window = {
        "scheduled_for": store.clock() + timedelta(days=3),
        "scheduled_until": store.clock() + timedelta(days=3, hours=1),
    }
    upgrade = {"name": "Payments upgrade", "components": ["payments", HIDDEN], "message": "Payments pause briefly."}
    act(store, "checkout", "ezra", build(ScheduleMaintenance, **upgrade, **window))
    act(store, "checkout", "ezra", UpdateMaintenance(number=1, message=f"runbook {MAINTENANCE_NOTE}"))
    only_private = {"name": f"Rebuild {HIDDEN}", "components": [HIDDEN], "message": f"{HIDDEN} rebuild"}
    act(store, "checkout", "ezra", build(ScheduleMaintenance, **only_private, **window))
    return store


def test_no_public_endpoint_shows_anything_that_was_not_published(page: Page) -> None:
    private = [SECRET, IMPACT, POSTMORTEM, "zq-postmortem", "Sam Alvarez", "Ezra", "Priya", "commander"]
    private += [HIDDEN, MAINTENANCE_NOTE]
    for path in PUBLIC:
        answer = page.client.get(path)
        assert answer.status_code == 200, path
        for marker in private:
            assert marker not in answer.text, (path, marker)
    html = page.client.get("/status").text
    assert "We are looking." in html and "Slower than usual." in html and "Payments work again." in html


def test_the_summary_is_statuspage_v2_field_for_field(page: Page) -> None:
    summary = page.client.get("/api/v2/summary.json").json()
    assert set(summary) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert set(summary["page"]) == {"id", "name", "url", "time_zone", "updated_at"}
    assert summary["page"]["url"].endswith("/status") and summary["page"]["time_zone"] == "UTC"
    assert summary["status"] == {"indicator": "minor", "description": "Minor Service Outage"}
    states = {c["name"]: c["status"] for c in summary["components"]}
    # the charter's list in its order, then the components only an incident named
    assert [c["name"] for c in summary["components"]] == ["checkout", "payments", "search", "ranking"]
    assert states == {
        "checkout": "operational",
        "payments": "operational",  # its incident is resolved
        "search": "degraded_performance",  # a sev3 is open
        "ranking": "degraded_performance",
    }
    for component in summary["components"]:
        assert set(component) == COMPONENT_KEYS and component["page_id"] == summary["page"]["id"]
        assert component["status"] in model.COMPONENT_STATUSES
    [incident] = summary["incidents"]
    assert set(incident) == INCIDENT_KEYS
    assert (incident["name"], incident["status"], incident["impact"]) == ("Search is slow", "investigating", "minor")
    assert [u["body"] for u in incident["incident_updates"]] == ["Slower than usual."]
    assert set(incident["incident_updates"][0]) == UPDATE_KEYS
    assert [m["name"] for m in summary["scheduled_maintenances"]] == ["Payments upgrade"]  # not the private one


def test_every_document_has_the_page_and_the_incidents_carry_only_public_updates(page: Page) -> None:
    documents = {p: page.client.get(f"/api/v2/{p}").json() for p in API}
    for document in documents.values():
        assert document["page"] == documents["summary.json"]["page"]
    assert documents["status.json"]["status"]["indicator"] == "minor"
    incidents = documents["incidents.json"]["incidents"]
    assert [(i["name"], i["status"]) for i in incidents] == [
        ("Search is slow", "investigating"),
        ("Card payments failing", "postmortem"),
    ]
    resolved = incidents[1]
    assert resolved["impact"] == "major" and resolved["resolved_at"] is not None
    assert [(u["status"], u["body"]) for u in resolved["incident_updates"]] == [
        ("resolved", "Payments work again."),  # newest first, as Statuspage lists them
        ("investigating", "We are looking."),
    ]
    assert [c["name"] for c in resolved["components"]] == ["payments"]
    assert [i["name"] for i in documents["incidents/unresolved.json"]["incidents"]] == ["Search is slow"]
    listed = {path: [m["name"] for m in documents[path]["scheduled_maintenances"]] for path in API[-3:]}
    assert listed == {  # the maintenance of a private component only is not there
        "scheduled-maintenances.json": ["Payments upgrade"],
        "scheduled-maintenances/upcoming.json": ["Payments upgrade"],
        "scheduled-maintenances/active.json": [],
    }


def test_a_conditional_request_gets_a_304_and_a_published_change_a_new_etag(page: Page) -> None:
    for path in ("/status", "/api/v2/summary.json"):
        first = page.client.get(path)
        assert first.headers["cache-control"].startswith("public, max-age=")
        etag = first.headers["etag"]
        again = page.client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert page.client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    before = page.client.get("/api/v2/summary.json")
    assert page.client.get("/api/v2/summary.json").content == before.content  # the same bytes, not re-rendered
    act(page.store, "checkout", "ezra", UpdateIncident(number=2, status="monitoring", message="Fixed.", public=True))
    after = page.client.get("/api/v2/summary.json", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    [incident] = after.json()["incidents"]
    assert incident["status"] == "monitoring" and incident["monitoring_at"] is not None
    assert incident["incident_updates"][0]["body"] == "Fixed."
    assert "Fixed." in page.client.get("/status").text


def test_an_internal_line_changes_no_public_byte_it_shows(page: Page) -> None:
    before = page.client.get("/api/v2/incidents.json").json()
    act(page.store, "checkout", "ezra", UpdateIncident(number=2, message=f"more {SECRET}"))
    after = page.client.get("/api/v2/incidents.json")
    assert SECRET not in after.text and after.json() == before


def test_the_public_bytes_bypass_the_app_and_head_answers_without_a_body(page: Page) -> None:
    answer = page.client.head("/api/v2/status.json")
    assert answer.status_code == 200 and answer.content == b""
    assert "x-request-id" not in page.client.get("/api/v2/status.json").headers  # no middleware stack ran
    assert "x-request-id" in page.client.get("/healthz").headers  # which every response of the app carries
    assert page.client.get("/api/v2/status.json").headers["access-control-allow-origin"] == "*"
    assert page.client.post("/api/v2/status.json").status_code in (404, 405)  # only reads are public


def test_each_team_has_its_page_and_the_first_is_at_the_root(page: Page) -> None:
    teams.init_team(uow=page.store.uow(), text=charter_with_status("growth", '["signup"]'), source="g.toml")
    growth = page.client.get("/status/growth/api/v2/summary.json").json()
    assert growth["page"]["name"] == "growth" and growth["page"]["url"].endswith("/status/growth")
    assert [c["name"] for c in growth["components"]] == ["signup"] and growth["incidents"] == []
    assert growth["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert page.client.get("/api/v2/summary.json").json()["page"]["name"] == "checkout"
    assert "growth status" in page.client.get("/status/growth").text
    assert page.client.get("/status/nobody").status_code == 404
    assert page.client.get("/status/nobody/api/v2/summary.json").status_code == 404
    assert page.client.get("/api/v2/nothing.json").status_code == 404


def test_a_server_renders_the_first_team_at_start_and_another_on_its_first_request(page: Page) -> None:
    from remit.status.web import Published

    teams.init_team(uow=page.store.uow(), text=charter_with_status("growth", '["signup"]'), source="g.toml")
    published = Published(page.store, "https://status.example.com")
    published.start()
    assert list(published.teams) == ["checkout"]  # an organisation's hundreds wait for their first request
    growth = published.body("growth", "page")
    assert growth is not None and b"growth status" in growth.content and set(published.teams) == {"checkout", "growth"}
    everyone = Published(page.store, "https://status.example.com")
    everyone.start(every_team=True)  # what a static export needs
    assert set(everyone.teams) == {"checkout", "growth"}
    published.stop()
    everyone.stop()


def test_the_page_names_its_time_zone_and_shows_exact_times(page: Page) -> None:
    html = page.client.get("/status").text
    assert "Times are in UTC" in html and " ago" not in html  # bytes kept for a while: no "3 minutes ago"


def test_the_charter_status_list_must_be_distinct_names() -> None:
    _, problems = read_charter(team_text() + '\n[status]\ncomponents = ["a", "a"]\n')
    assert any(p.key == "status.components" for p in problems)
    _, problems = read_charter(team_text() + "\n[status]\ncomponents = 3\n")
    assert any(p.key == "status.components" for p in problems)
    _, problems = read_charter(team_text() + '\n[status]\ngroups = ["a"]\n')
    assert any(p.key.startswith("status") for p in problems)


def test_the_demo_status_page_is_alive_on_first_run(api: object) -> None:
    client = api.client  # type: ignore[attr-defined]
    summary = client.get("/api/v2/summary.json").json()
    names = [c["name"] for c in summary["components"]]
    assert names == ["storefront", "checkout", "search", "money", "payments", "notifications"]  # ledger-db: private
    assert [i["name"] for i in summary["incidents"]] == ["Search results are slow"]
    [upcoming] = summary["scheduled_maintenances"]
    assert upcoming["name"] == "Payments database upgrade" and upcoming["status"] == "scheduled"
    notifications = next(c for c in summary["components"] if c["name"] == "notifications")
    assert notifications["description"] == "Email receipts arrive up to 10 minutes late."
    [done] = [
        m
        for m in client.get("/api/v2/scheduled-maintenances.json").json()["scheduled_maintenances"]
        if m["status"] == "completed"
    ]
    assert [u["status"] for u in done["incident_updates"]] == ["completed", "verifying", "in_progress", "scheduled"]
    html = client.get("/status").text
    assert "Search is slower than usual; results are correct." in html
    assert "The index rebuild after yesterday" not in html  # the internal note
    assert "Card payments work again for every customer." in html  # the recently resolved one
    assert "Times are in Europe/Berlin" in html
    assert "ledger-db" not in html and "Runbook" not in html and "Reindex at 40%" not in html
    cells = html.count('class="day day-')
    assert cells == 90 * 4 and html.count("day-major_outage") >= 1 and html.count("day-partial_outage") >= 2


def test_adopting_a_charter_with_another_zone_and_components_rebuilds_the_page(page: Page) -> None:
    text = charter_with_status(components='["search", "api"]').replace(
        "[team]\n", '[team]\ntime_zone = "Asia/Tokyo"\n', 1
    )
    with page.store.uow() as uow:
        teams.adopt_charter(uow=uow, team=uow.team("checkout"), text=text, actor="ezra", decision_id=None)
        uow.commit()
    summary = page.client.get("/api/v2/summary.json").json()
    assert summary["page"]["time_zone"] == "Asia/Tokyo"
    assert [c["name"] for c in summary["components"]][:2] == ["search", "api"]
    assert "Times are in Asia/Tokyo" in page.client.get("/status").text


def test_what_another_server_process_commits_is_published_on_the_next_refresh(page: Page) -> None:
    """Another process has its own bus: this one hears nothing, and its refresh sees the team's chain move."""
    published = page.client.app.front.published  # type: ignore[attr-defined]
    assert published.refresh() == []
    other = Store.open(page.store.engine.url.render_as_string(hide_password=False), bus=Bus())
    try:
        act(other, "checkout", "ezra", UpdateIncident(number=2, status="monitoring", message="Elsewhere.", public=True))
    finally:
        other.close()
    assert "Elsewhere." not in page.client.get("/status").text  # not heard here
    assert published.refresh() == ["checkout"]
    assert "Elsewhere." in page.client.get("/status").text
    assert page.client.get("/api/v2/summary.json").json()["incidents"][0]["status"] == "monitoring"

"""The status page's own facts, on SQLite and PostgreSQL: components set by hand (the worst of the hand,
open incidents and maintenance), groups and private components, scheduled maintenance through Statuspage's
statuses and moved by the clock, the Statuspage v2 maintenance documents field for field, the uptime bar on
the page, the rights (incident-response), the API, the team's page, and the audit chain."""

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
from remit.identity.commands import CreateToken
from remit.incidents.commands import NameCommander, OpenIncident, ResolveIncident, UpdateIncident
from remit.kernel.commands import act, build
from remit.kernel.errors import Conflict, InvalidInput, RightsRefused
from remit.kernel.uow import Store
from remit.status import board, queries
from remit.status.commands import ScheduleMaintenance, SetComponentStatus, UpdateMaintenance
from tests.conftest import team_text

STATUS = """
[status]
components = ["checkout", "payments", "search", "ledger-db"]
groups = { core = ["checkout", "payments"] }
private = ["ledger-db"]
"""
MAINTENANCE_KEYS = {
    "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact", "shortlink",
    "started_at", "page_id", "incident_updates", "components", "scheduled_for", "scheduled_until",
}  # fmt: skip
NOTE = "zq-maint-note-51c7"  # an internal maintenance note
DB = "ledger-db"  # the private component


@dataclass
class Team:
    store: Store
    client: TestClient

    def now(self):  # type: ignore[no-untyped-def]
        return self.store.clock.now  # type: ignore[attr-defined]

    def schedule(self, handle: str = "ezra", *, hours: float = 2, length: float = 1, **changes: object):  # type: ignore[no-untyped-def]
        values: dict[str, object] = {
            "name": "Payments database upgrade",
            "components": ["payments", DB],
            "scheduled_for": self.now() + timedelta(hours=hours),
            "scheduled_until": self.now() + timedelta(hours=hours + length),
            "message": "Card payments pause for up to an hour.",
        }
        return act(self.store, "checkout", handle, build(ScheduleMaintenance, **(values | changes)))

    def doc(self, path: str) -> dict:  # type: ignore[type-arg]
        found: dict = self.client.get(f"/api/v2/{path}").json()  # type: ignore[type-arg]
        return found


@pytest.fixture
def team(store: Store) -> Iterator[Team]:
    teams.init_team(uow=store.uow(), text=team_text() + STATUS, source="remit.toml")
    with TestClient(create_app(Settings(sweep_seconds=0), store=store)) as client:
        yield Team(store, client)


def test_old_charters_stay_valid_and_a_bad_status_table_is_named() -> None:
    charter, problems = read_charter(team_text() + '\n[status]\ncomponents = ["a"]\n')
    assert charter is not None and not problems and charter.status_groups == {} and charter.status_private == ()
    for bad in ('groups = { g = ["zz"] }', 'groups = { a = ["a"] }', 'private = ["zz"]', "groups = 3"):
        _, problems = read_charter(team_text() + f'\n[status]\ncomponents = ["a", "b"]\n{bad}\n')
        assert any(p.key.startswith("status.") for p in problems), bad


def test_a_component_set_by_hand_shows_with_its_note_and_the_worst_state_wins(team: Team) -> None:
    done = act(
        team.store,
        "checkout",
        "ezra",
        SetComponentStatus(component="search", status="degraded_performance", note="Slow filters"),
    )
    assert (done.status, done.effective) == ("degraded_performance", "degraded_performance")
    states = {c["name"]: (c["status"], c["description"]) for c in team.doc("components.json")["components"]}
    assert states["search"] == ("degraded_performance", "Slow filters")
    act(team.store, "checkout", "ezra", OpenIncident(title="Search down", severity="sev1", components=["search"]))
    assert {c["name"]: c["status"] for c in team.doc("components.json")["components"]}["search"] == "major_outage"
    act(team.store, "checkout", "ezra", ResolveIncident(number=1))
    assert {c["name"]: c["status"] for c in team.doc("components.json")["components"]}[
        "search"
    ] == "degraded_performance"
    act(team.store, "checkout", "ezra", SetComponentStatus(component="search", status="operational"))
    search = {c["name"]: c for c in team.doc("components.json")["components"]}["search"]
    assert (search["status"], search["description"]) == ("operational", None)
    html = team.client.get("/status").text
    assert 'title="2026-11-02: major outage' in html or "major outage" in html  # the day's cell names it


def test_the_uptime_bar_counts_each_stretch_of_an_incident_in_the_severity_it_had(team: Team) -> None:
    """Raised from sev3 to sev1 after two hours, on an internal line, resolved an hour later: two hours of
    degraded performance and one of major outage, as the page showed them at the time."""
    act(team.store, "checkout", "ezra", OpenIncident(title="Search slow", severity="sev3", components=["search"]))
    team.store.clock.advance(hours=2)  # type: ignore[attr-defined]
    act(team.store, "checkout", "ezra", UpdateIncident(number=1, severity="sev1", message="worse"))
    team.store.clock.advance(hours=1)  # type: ignore[attr-defined]
    act(team.store, "checkout", "ezra", ResolveIncident(number=1))
    page = queries.snapshot(uow=team.store.uow(), team="checkout", url="https://status.example.com")
    assert [(c[1]) for c in page.incidents[0].changes] == ["major_outage"]
    seconds: dict[str, int] = {}
    for day in page.bar("search"):
        for state, spent in day.seconds.items():
            seconds[state] = seconds.get(state, 0) + spent
    minutes = {state: round(spent / 60) for state, spent in seconds.items()}  # each act moves the clock a little
    assert minutes == {"degraded_performance": 120, "major_outage": 60}


def test_groups_are_statuspage_group_objects_and_private_components_are_nowhere_public(team: Team) -> None:
    act(team.store, "checkout", "ezra", SetComponentStatus(component=DB, status="major_outage", note="replica lag"))
    act(team.store, "checkout", "ezra", OpenIncident(title="Ledger", severity="sev2", components=[DB, "payments"]))
    components = team.doc("components.json")["components"]
    assert [c["name"] for c in components] == ["core", "checkout", "payments", "search"]
    core = components[0]
    assert core["group"] is True and core["components"] == [components[1]["id"], components[2]["id"]]
    assert core["status"] == "partial_outage" and components[1]["group_id"] == core["id"]
    assert components[3]["group_id"] is None and "components" not in components[3]
    [incident] = team.doc("incidents/unresolved.json")["incidents"]
    assert [c["name"] for c in incident["components"]] == ["payments"]
    for path in ("summary.json", "components.json", "incidents.json"):
        assert DB not in team.client.get(f"/api/v2/{path}").text
    assert DB not in team.client.get("/status").text and "replica lag" not in team.client.get("/status").text
    view = board.manage_view(uow=team.store.uow(), team="checkout", handle="ezra")
    assert {c["name"]: c["effective"] for c in view.components}[DB] == "major_outage"  # the team sees it


def test_a_maintenance_goes_scheduled_in_progress_verifying_completed_field_for_field(team: Team) -> None:
    done = team.schedule()
    assert (done.number, done.status) == (1, "scheduled")
    [upcoming] = team.doc("scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert set(upcoming) == MAINTENANCE_KEYS and upcoming["impact"] == "maintenance"
    assert upcoming["status"] == "scheduled" and [c["name"] for c in upcoming["components"]] == ["payments"]
    assert [u["body"] for u in upcoming["incident_updates"]] == ["Card payments pause for up to an hour."]
    assert team.doc("summary.json")["scheduled_maintenances"] == [upcoming]
    assert team.doc("scheduled-maintenances/active.json")["scheduled_maintenances"] == []
    act(
        team.store,
        "checkout",
        "ezra",
        UpdateMaintenance(number=1, status="in_progress", message="Starting.", public=True),
    )
    [active] = team.doc("scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert (
        active["status"] == "in_progress"
        and team.doc("scheduled-maintenances/upcoming.json")["scheduled_maintenances"] == []
    )
    payments = {c["name"]: c["status"] for c in team.doc("components.json")["components"]}["payments"]
    assert payments == "under_maintenance"
    act(team.store, "checkout", "ezra", UpdateMaintenance(number=1, message=f"replica {NOTE}"))  # internal
    act(
        team.store,
        "checkout",
        "ezra",
        UpdateMaintenance(number=1, status="verifying", message="Checking.", public=True),
    )
    act(team.store, "checkout", "ezra", UpdateMaintenance(number=1, status="completed", message="Done.", public=True))
    [m] = team.doc("scheduled-maintenances.json")["scheduled_maintenances"]
    assert m["status"] == "completed" and m["resolved_at"] and m["monitoring_at"]
    assert [u["status"] for u in m["incident_updates"]] == ["completed", "verifying", "in_progress", "scheduled"]
    assert NOTE not in team.client.get("/api/v2/scheduled-maintenances.json").text
    assert NOTE not in team.client.get("/status").text
    lines = board.manage_view(uow=team.store.uow(), team="checkout", handle="ezra").maintenances[0]["updates"]
    assert [u["public"] for u in lines if NOTE in u["text"]] == [False]  # the team reads its note


def test_the_clock_starts_and_ends_a_scheduled_maintenance_and_the_page_follows(team: Team) -> None:
    team.schedule(hours=1, length=1)
    published = team.client.app.front.published  # type: ignore[attr-defined]
    assert published.refresh() == []
    assert "Maintenance under way" not in team.client.get("/status").text
    team.store.clock.advance(hours=1, minutes=5)  # type: ignore[attr-defined]
    assert published.refresh() == ["checkout"]  # nothing was recorded: the clock moved it
    [active] = team.doc("scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert active["status"] == "in_progress"
    assert active["incident_updates"][0]["body"].startswith("Scheduled maintenance is currently in progress")
    assert "Maintenance under way" in team.client.get("/status").text
    team.store.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert published.refresh() == ["checkout"]
    [m] = team.doc("scheduled-maintenances.json")["scheduled_maintenances"]
    assert m["status"] == "completed" and m["resolved_at"] == m["scheduled_until"]


def test_a_cancelled_maintenance_is_completed_for_statuspage_and_takes_nothing_down(team: Team) -> None:
    team.schedule()
    act(
        team.store,
        "checkout",
        "ezra",
        UpdateMaintenance(number=1, status="cancelled", message="Postponed.", public=True),
    )
    [m] = team.doc("scheduled-maintenances.json")["scheduled_maintenances"]
    assert m["status"] == "completed" and m["incident_updates"][0]["body"] == "Postponed."
    with pytest.raises(Conflict, match="cancelled: it may move to nothing"):
        act(team.store, "checkout", "ezra", UpdateMaintenance(number=1, status="in_progress"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"components": ["nope"]}, "components"),  # not on the page: neither the charter's nor an incident's
        ({"length": -0.5}, "scheduled_until"),
        ({"hours": -5}, "until"),
        ({"length": 24 * 40}, "scheduled_until"),
    ],
)
def test_a_bad_maintenance_is_refused_in_words_and_nothing_is_kept(team: Team, changes: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as refused:
        team.schedule(**changes)
    assert refused.value.field == field
    assert team.doc("scheduled-maintenances.json")["scheduled_maintenances"] == []


@pytest.mark.parametrize("handle", ["sol", "priya", "sam", "theo", "victor"])
def test_only_the_owner_side_manages_maintenance_and_sets_components(team: Team, handle: str) -> None:
    with pytest.raises(RightsRefused):
        team.schedule(handle)
    with pytest.raises(RightsRefused):
        act(team.store, "checkout", handle, SetComponentStatus(component="search", status="major_outage"))
    assert not board.may_manage(uow=team.store.uow(), team="checkout", handle=handle)


def test_the_commander_of_an_open_incident_sets_components_but_plans_no_maintenance(team: Team) -> None:
    act(team.store, "checkout", "ezra", OpenIncident(title="Checkout slow", severity="sev3"))
    act(team.store, "checkout", "ezra", NameCommander(number=1, handle="sam"))
    act(team.store, "checkout", "sam", SetComponentStatus(component="checkout", status="partial_outage"))
    with pytest.raises(RightsRefused):
        team.schedule("sam")
    act(team.store, "checkout", "sam", ResolveIncident(number=1))
    with pytest.raises(RightsRefused):
        act(team.store, "checkout", "sam", SetComponentStatus(component="checkout", status="operational"))


def test_the_api_and_the_team_page(team: Team) -> None:
    token = act(team.store, "checkout", "ezra", CreateToken(name="t")).token
    auth = {"Authorization": f"Bearer {token}"}
    answer = team.client.put(
        "/api/v1/status/components/search", json={"status": "partial_outage", "note": "EU"}, headers=auth
    )
    assert answer.status_code == 200 and answer.json()["effective"] == "partial_outage", answer.json()
    body = {
        "name": "Search reindex",
        "components": ["search"],
        "scheduled_for": (team.now() + timedelta(hours=3)).isoformat(),
        "scheduled_until": (team.now() + timedelta(hours=4)).isoformat(),
        "message": "Search may be slow.",
    }
    answer = team.client.post("/api/v1/status/maintenances", json=body, headers=auth)
    assert answer.status_code == 201 and answer.json()["status"] == "scheduled"
    answer = team.client.post("/api/v1/status/maintenances/1/updates", json={"status": "paused"}, headers=auth)
    assert answer.status_code == 422 and "unknown maintenance status 'paused'" in answer.json()["message"]
    answer = team.client.post("/api/v1/status/maintenances/9/updates", json={"message": "x"}, headers=auth)
    assert answer.status_code == 404
    found = team.client.get("/api/v1/status", headers=auth).json()
    assert found["may_manage"] and [m["name"] for m in found["maintenances"]] == ["Search reindex"]
    assert team.client.get("/api/v1/status").status_code == 401
    sol = act(team.store, "checkout", "sol", CreateToken(name="t")).token
    answer = team.client.put(
        "/api/v1/status/components/search", json={"status": "operational"}, headers={"Authorization": f"Bearer {sol}"}
    )
    assert answer.status_code == 403
    assert (
        "Scheduled maintenance" in team.client.get("/status").text
        and "Search reindex" in team.client.get("/status").text
    )


def test_the_ledger_replays_the_status_page_and_finds_a_change_made_behind_its_back(team: Team) -> None:
    from sqlalchemy import text

    from remit.audit import replay

    act(team.store, "checkout", "ezra", SetComponentStatus(component="search", status="major_outage", note="down"))
    team.schedule()
    act(team.store, "checkout", "ezra", UpdateMaintenance(number=1, status="cancelled", message="Postponed."))
    [report] = replay.verify(uow=team.store.uow(), team="checkout")
    assert report.ok and report.differences == []
    with team.store.engine.begin() as connection:
        connection.execute(text("UPDATE maintenances SET status = 'completed'"))
        connection.execute(text("UPDATE status_component_states SET note = 'fine'"))
    [report] = replay.verify(uow=team.store.uow(), team="checkout")
    said = sorted(f"{d.table} {d.row} {d.field}" for d in report.differences)
    assert said == ["maintenances maintenance #1 status", "status_component_states search note"]

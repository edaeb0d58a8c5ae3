"""Each person's time zone: the command on SQLite and PostgreSQL, only ever one's own, bad zones refused in
words from the API, the form and the command line, and the pages reading every time in the viewer's zone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from remit.app import Settings, create_app
from remit.audit import replay
from remit.charter.tables import PersonRow
from remit.decisions import queries
from remit.identity.commands import SetTimeZone
from remit.kernel.commands import act, build
from remit.kernel.errors import InvalidInput
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from tests.conftest import Api
from tests.integration.test_web import Browser

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"


def own_zones(store: Store) -> dict[str, str | None]:
    with store.uow().reading() as uow:
        return {person.handle: person.time_zone for person in uow.session.scalars(select(PersonRow))}


def kinds(store: Store, team: str) -> list[str]:
    return [entry.kind for entry in queries.audit_log(uow=store.uow(), team=team)]


def test_a_person_sets_their_own_zone_and_goes_back_to_the_teams(store: Store, team: str) -> None:
    chosen = act(store, team, "priya", SetTimeZone(time_zone=NEW_YORK))
    assert chosen.as_dict() == {"time_zone": NEW_YORK, "own_time_zone": NEW_YORK, "team_time_zone": "UTC"}
    assert own_zones(store)["priya"] == NEW_YORK and own_zones(store)["ezra"] is None
    act(store, team, "priya", SetTimeZone(time_zone=NEW_YORK))  # the same again: nothing to record
    assert kinds(store, team).count("TimeZoneSet") == 1
    back = act(store, team, "priya", build(SetTimeZone, time_zone=""))
    assert back.zone == "UTC" and back.own is None and own_zones(store)["priya"] is None
    entries = queries.audit_log(uow=store.uow(), team=team)
    assert [(e.actor, e.payload) for e in entries if e.kind == "TimeZoneSet"] == [
        ("priya", {"person": "priya", "time_zone": NEW_YORK}),
        ("priya", {"person": "priya", "time_zone": None}),
    ]
    [report] = replay.verify(uow=store.uow(), team=team)
    assert (report.ok, report.replayed, report.differences) == (True, True, [])


def test_a_zone_the_chain_never_recorded_is_a_difference(store: Store, team: str) -> None:
    act(store, team, "priya", SetTimeZone(time_zone=BERLIN))
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE people SET time_zone = 'Asia/Tokyo' WHERE handle IN ('priya', 'ezra')"))
    [report] = replay.verify(uow=store.uow(), team=team)
    assert report.replayed and not report.ok
    found = {(d.table, d.row, d.field, d.expected, d.found) for d in report.differences}
    assert ("time_zones", "priya", "time_zone", BERLIN, "Asia/Tokyo") in found
    assert ("time_zones", "ezra", None, "absent", "present") in found


@pytest.mark.parametrize("zone", ["Europe/Berln", "Mars/Olympus_Mons", "../../etc/passwd", "CET\nUTC", "x" * 200])
def test_an_unknown_zone_is_refused_naming_the_field_and_nothing_is_recorded(
    store: Store, team: str, zone: str
) -> None:
    before = kinds(store, team)
    with pytest.raises(InvalidInput) as refused:
        build(SetTimeZone, time_zone=zone)
    assert refused.value.field == "time_zone" and "time_zone" in refused.value.message
    assert kinds(store, team) == before and own_zones(store)["priya"] is None


def test_the_command_names_nobody_so_no_one_sets_anothers_zone() -> None:
    with pytest.raises(InvalidInput, match="handle"):
        build(SetTimeZone, time_zone=BERLIN, handle="ezra")


def test_the_api_sets_the_callers_zone_only_and_me_says_which_is_in_force(api: Api) -> None:
    me = api.client.get("/api/v1/me", headers=api.as_("priya")).json()
    assert (me["time_zone"], me["own_time_zone"]) == (BERLIN, None)  # the demo team's zone
    put = api.client.put("/api/v1/me/time-zone", json={"time_zone": NEW_YORK}, headers=api.as_("priya"))
    assert put.status_code == 200
    assert put.json() == {"time_zone": NEW_YORK, "own_time_zone": NEW_YORK, "team_time_zone": BERLIN}
    assert api.client.get("/api/v1/me", headers=api.as_("priya")).json()["time_zone"] == NEW_YORK

    other = api.client.put(
        "/api/v1/me/time-zone", json={"time_zone": "UTC", "handle": "ezra"}, headers=api.as_("priya")
    )
    assert other.status_code == 422 and "handle" in other.json()["message"]
    assert own_zones(api.store)["ezra"] is None and own_zones(api.store)["priya"] == NEW_YORK

    bad = api.client.put("/api/v1/me/time-zone", json={"time_zone": "Europe/Berln"}, headers=api.as_("priya"))
    assert bad.status_code == 422
    assert bad.json()["message"] == "time_zone: unknown time zone 'Europe/Berln'"
    assert bad.json()["hint"].startswith("did you mean Europe/Berlin?")
    cleared = api.client.put("/api/v1/me/time-zone", json={"time_zone": None}, headers=api.as_("priya"))
    assert cleared.json()["own_time_zone"] is None and own_zones(api.store)["priya"] is None


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def titles(html: str) -> list[str]:
    """The exact times a page puts on hover."""
    return re.findall(r'<time datetime="[^"]+" title="([^"]+)">', html)


def test_the_settings_page_sets_my_zone_and_every_page_reads_times_in_it(web: Browser, demo_store: Store) -> None:
    web.sign_in("ezra")
    settings = web.get("/settings").text
    assert '<option value="" selected>The team\'s zone (Europe/Berlin)</option>' in settings
    assert 'Times in Europe/Berlin · <a href="/settings">change</a>' in settings
    decision = web.get("/decisions/2").text
    assert titles(decision) and all(t.endswith((" CET", " CEST")) for t in titles(decision))

    saved = web.post("/settings/time-zone", {"time_zone": NEW_YORK})
    assert "Times are shown in America/New_York" in web.follow(saved).text
    assert own_zones(demo_store)["ezra"] == NEW_YORK and own_zones(demo_store)["priya"] is None
    for path in ("/", "/decisions", "/decisions/2", "/insights", "/charter"):
        page = web.get(path).text
        assert "Times in America/New_York" in page, path
        assert all(t.endswith((" EST", " EDT")) for t in titles(page)), path
    assert titles(web.get("/decisions/2").text)

    refused = web.post("/settings/time-zone", {"time_zone": "Europe/Berln"})
    assert refused.status_code == 422
    assert 'id="time_zone-error">unknown time zone &#39;Europe/Berln&#39; — did you mean Europe/Berlin?' in refused.text
    assert 'aria-invalid="true"' in refused.text and own_zones(demo_store)["ezra"] == NEW_YORK


def test_a_deadline_typed_on_the_form_is_read_in_my_zone(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    web.post("/settings/time-zone", {"time_zone": NEW_YORK})
    form = web.get("/decisions/new").text
    assert "(optional: a day and a time in America/New_York)" in form
    opened = web.post("/decisions", {"domain": "release", "title": "Ship it", "deadline": "2099-01-02T09:00"})
    number = int(opened.headers["location"].rsplit("/", 1)[1])
    view = queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=number)
    assert view.deadline == "2099-01-02T14:00:00+00:00"  # 09:00 in New York, in winter
    assert 'title="2099-01-02 09:00 EST">2099-01-02 09:00 EST</time>' in web.get(f"/decisions/{number}").text

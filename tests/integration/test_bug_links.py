"""Bugs linked to incidents, on SQLite and PostgreSQL: who may link (incident response, or the incident's
commander; never a stakeholder), what the board, its API, its public form and the incident page show, that a
re-import keeps the link, bad keys and numbers refused with nothing written, and the link replayed from the
chain so a link written behind its back is caught."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from remit.app import Settings, create_app
from remit.audit.replay import verify
from remit.incidents.commands import NameCommander, OpenIncident, UpdateIncident
from remit.integrations import github
from remit.integrations.issues import Source
from remit.kernel.commands import act
from remit.kernel.errors import InvalidInput, RightsRefused
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from remit.tracker import board
from remit.tracker.commands import LinkBug, PublishBoard, UnlinkBug, import_command
from remit.tracker.tables import BugIncidentRow
from tests.conftest import Api, shared_data
from tests.integration.test_web import Browser

ANTS = "github/ants-issues.json"


def import_ants(store: Store, team: str, data: bytes | None = None) -> Any:
    parsed = github.read(data if data is not None else shared_data(ANTS).read_bytes())
    return act(store, team, "sam", import_command(Source.GITHUB, "ants-issues.json", parsed))


def first_key(store: Store, team: str) -> str:
    return board.board(uow=store.uow(), team=team, search=board.Search(), limit=1).items[0].key


def links(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(BugIncidentRow)).scalar_one()


def kinds(store: Store, kind: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(AuditRow).where(AuditRow.kind == kind)).scalar_one()


def shown(store: Store, team: str, key: str) -> board.Bug:
    (bug,) = [b for b in board.board(uow=store.uow(), team=team, search=board.Search(q=key)).items if b.key == key]
    return bug


@pytest.fixture
def linked_team(store: Store, team: str) -> tuple[str, str, int]:
    import_ants(store, team)
    number = act(store, team, "ezra", OpenIncident(title="Pool workers stall", severity="sev2")).number
    return team, first_key(store, team), number


def test_the_em_links_a_bug_and_the_board_shows_the_incident(store: Store, linked_team: tuple[str, str, int]):
    team, key, number = linked_team
    assert "/" in key and "#" in key  # panjf2000/ants#NNN: a key is kept as the tracker spells it

    done = act(store, team, "ezra", LinkBug(key=key, incident=number))

    assert done.changed and done.incident is not None and done.incident.title == "Pool workers stall"
    assert done.sentence == f"{key} is linked to incident #{number} Pool workers stall (investigating)"
    assert shown(store, team, key).incident == board.LinkedIncident(number, "Pool workers stall", "investigating")
    act(store, team, "ezra", UpdateIncident(number=number, status="identified"))
    assert shown(store, team, key).incident.status == "identified"  # type: ignore[union-attr] - the live status
    only = board.board(uow=store.uow(), team=team, search=board.Search(incident=number))
    assert [bug.key for bug in only.items] == [key] and only.total == 1
    assert board.board(uow=store.uow(), team=team, search=board.Search(incident=number + 1)).total == 0
    again = act(store, team, "ezra", LinkBug(key=key, incident=number))
    assert not again.changed and again.sentence.endswith("it already was")
    assert kinds(store, "BugLinked") == 1


def test_linking_again_moves_the_bug_and_unlinking_takes_it_off(store: Store, linked_team: tuple[str, str, int]):
    team, key, number = linked_team
    other = act(store, team, "ezra", OpenIncident(title="Memory leak", severity="sev3")).number
    act(store, team, "ezra", LinkBug(key=key, incident=number))

    moved = act(store, team, "priya", LinkBug(key=key.upper(), incident=other))  # the PM is consulted: takes part

    assert (moved.previous, moved.incident.number if moved.incident else None) == (number, other)
    assert board.board(uow=store.uow(), team=team, search=board.Search(incident=number)).total == 0
    gone = act(store, team, "ezra", UnlinkBug(key=key))
    assert gone.incident is None and gone.sentence == f"{key} is linked to no incident (it was linked to #{other})"
    assert shown(store, team, key).incident is None and links(store) == 0
    with pytest.raises(InvalidInput, match="is linked to no incident"):
        act(store, team, "ezra", UnlinkBug(key=key))


def test_a_stakeholder_may_not_link_and_the_refusal_is_on_the_incidents_record(
    store: Store, linked_team: tuple[str, str, int]
):
    team, key, number = linked_team
    with pytest.raises(RightsRefused, match="sol \\(stakeholder\\)"):
        act(store, team, "sol", LinkBug(key=key, incident=number))
    with pytest.raises(RightsRefused, match="sam \\(engineer\\) has no right in incident-response") as refused:
        act(store, team, "sam", LinkBug(key=key, incident=number))  # an engineer: not in incident response
    assert refused.value.hint.endswith("the incident's commander may link bugs to it too")
    act(store, team, "ezra", NameCommander(number=number, handle="sam"))
    assert act(store, team, "sam", LinkBug(key=key, incident=number)).changed  # ...unless they command it
    with pytest.raises(RightsRefused):
        act(store, team, "sol", UnlinkBug(key=key))
    assert links(store) == 1 and kinds(store, "ActionRefused") == 3


@pytest.mark.parametrize(
    ("key", "number", "says", "field"),
    [
        ("NOPE-1", 1, "there is no bug 'NOPE-1' on team checkout's board", "key"),
        (None, 99, "no incident #99 in team checkout", "incident"),
    ],
)
def test_an_unknown_bug_or_incident_is_bad_input_and_nothing_is_written(
    store: Store, linked_team: tuple[str, str, int], key: str | None, number: int, says: str, field: str
):
    team, first, _number = linked_team
    with pytest.raises(InvalidInput, match=says) as raised:
        act(store, team, "ezra", LinkBug(key=key or first, incident=number))
    assert raised.value.field == field
    assert links(store) == 0 and kinds(store, "BugLinked") == 0


def test_a_re_import_keeps_the_link(store: Store, linked_team: tuple[str, str, int]):
    team, key, number = linked_team
    act(store, team, "ezra", LinkBug(key=key, incident=number))
    items = json.loads(shared_data(ANTS).read_text(encoding="utf-8"))
    changed = next(item for item in items if item["html_url"].endswith("/" + key.rsplit("#", 1)[1]))
    changed["title"], changed["updated_at"] = "Renamed upstream", "2026-11-30T10:00:00Z"

    again = import_ants(store, team, json.dumps(items).encode())

    assert again.updated == 1
    bug = shown(store, team, key)
    assert (bug.title, bug.incident.number if bug.incident else None) == ("Renamed upstream", number)


def test_a_link_written_behind_the_chains_back_is_a_difference(store: Store, linked_team: tuple[str, str, int]):
    team, key, number = linked_team
    other = act(store, team, "ezra", OpenIncident(title="Memory leak", severity="sev3")).number
    act(store, team, "ezra", LinkBug(key=key, incident=number))
    act(store, team, "ezra", LinkBug(key=key, incident=other))
    second = board.board(uow=store.uow(), team=team, search=board.Search(), limit=2).items[1].key
    act(store, team, "ezra", LinkBug(key=second, incident=number))
    act(store, team, "ezra", UnlinkBug(key=second))
    assert [report.differences for report in verify(uow=store.uow(), team=team)] == [[]]
    with store.engine.begin() as connection:
        ids = dict(connection.execute(text("SELECT number, id FROM incidents")).all())
        connection.execute(text("UPDATE bug_incidents SET incident_id = :id"), {"id": ids[number]})

    (report,) = verify(uow=store.uow(), team=team)

    assert [d.sentence() for d in report.differences] == [
        f"bug_incidents {key} (github) incident: the chain says {other}, the table says {number}"
    ]


# -- the API, the public board and the pages, over the demo team -------------------------------------------------


def test_the_api_links_and_unlinks_by_key_and_filters_the_board(api: Api):
    path = f"/api/v1/bugs/{quote('CHK-139', safe='')}/incident"
    refused = api.client.post(path, json={"incident": 1}, headers=api.as_("sol"))
    assert refused.status_code == 403, refused.text
    done = api.client.post(path, json={"incident": 1}, headers=api.as_("ezra"))
    assert done.status_code == 200, done.text
    assert done.json()["incident"]["number"] == 1
    listed = api.client.get("/api/v1/bugs", params={"incident": 1}, headers=api.as_("sol")).json()
    assert "CHK-139" in [bug["key"] for bug in listed["items"]]
    assert {bug["incident"]["number"] for bug in listed["items"]} == {1}
    unknown = api.client.post("/api/v1/bugs/NOPE-1/incident", json={"incident": 1}, headers=api.as_("ezra"))
    assert unknown.status_code == 422 and "no bug 'NOPE-1'" in unknown.json()["message"]
    no_incident = api.client.post(path, json={"incident": 999}, headers=api.as_("ezra"))
    assert no_incident.status_code == 422 and "no incident #999" in no_incident.json()["message"]
    gone = api.client.delete(path, headers=api.as_("ezra"))
    assert gone.status_code == 200 and gone.json()["incident"] is None


def test_the_public_board_shows_a_linked_incident_only_by_its_public_number_name_and_status(api: Api):
    api.client.post("/api/v1/bugs/CHK-142/incident", json={"incident": 1}, headers=api.as_("ezra"))
    public = api.client.get(f"/api/v1/public/{DEMO_TEAM}/bugs", params={"q": "CHK-142"}).json()
    (bug,) = public["items"]
    assert set(bug["incident"]) == {"number", "name", "status"} and bug["incident"]["number"] == 1
    page = api.client.get(f"/public/{DEMO_TEAM}/bugs", params={"q": "CHK-142"})
    assert page.status_code == 200 and bug["incident"]["name"] in page.text
    internal = api.client.get("/api/v1/incidents/1", headers=api.as_("ezra")).json()
    assert internal["commander"] and internal["severity"]
    for secret in (internal["commander"], internal["severity"], internal["impact"]["answer"] or "commander"):
        assert secret not in json.dumps(public) and secret not in page.text


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def test_the_incident_page_lists_its_bugs_and_offers_the_link_form_to_its_responders(web: Browser):
    web.sign_in("ezra")
    page = web.get("/incidents/1")
    assert "Linked bugs" in page.text and 'action="/bugs/link"' in page.text
    done = web.follow(web.post("/bugs/link", {"key": "CHK-139", "incident": "1"}, csrf_from="/incidents/1"))
    assert "CHK-139 is linked to incident #1" in done.text
    bad = web.follow(web.post("/bugs/link", {"key": "NOPE-1", "incident": "1"}, csrf_from="/incidents/1"))
    assert "there is no bug &#39;NOPE-1&#39;" in bad.text
    web.client.cookies.clear()
    web.sign_in("sol")
    page = web.get("/incidents/1")
    assert "CHK-139" in page.text and 'action="/bugs/link"' not in page.text
    assert "incident #1" in web.get("/bugs?incident=1").text.lower()


def test_publishing_is_unchanged_by_links(store: Store, linked_team: tuple[str, str, int]):
    team, key, number = linked_team
    act(store, team, "ezra", LinkBug(key=key, incident=number))
    act(store, team, "ezra", PublishBoard(published=True))
    found = board.board(uow=store.uow(), team=team, search=board.Search(q=key), public=True).items[0]
    assert found.public()["incident"] == {"number": number, "name": "Pool workers stall", "status": "investigating"}

"""The bug board on SQLite and PostgreSQL: the real exports imported (counts checked against plain json and
gzip), re-imports incremental, search and filters, rights (a stakeholder reads, never imports), the board
published or not, and its API and pages."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remit.app import Settings, create_app
from remit.integrations import github, jira
from remit.integrations.issues import Source
from remit.kernel.commands import act, build
from remit.kernel.errors import InvalidInput, RightsRefused
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from remit.tracker import board
from remit.tracker.commands import ImportIssues, PublishBoard, import_command
from remit.tracker.demo import BUGS
from tests.conftest import Api, shared_data
from tests.integration.test_web import Browser


def kinds(store: Store, kind: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(AuditRow).where(AuditRow.kind == kind)).scalar_one()


def storm_bytes() -> bytes:
    return shared_data("jira/storm-bugs.jsonl.gz").read_bytes()


def storm_raw() -> list[dict[str, Any]]:
    with gzip.open(shared_data("jira/storm-bugs.jsonl.gz"), "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def import_storm(store: Store, team: str, data: bytes | None = None, handle: str = "ezra") -> Any:
    parsed = jira.read(data if data is not None else storm_bytes())
    return act(store, team, handle, import_command(Source.JIRA, "storm-bugs.jsonl.gz", parsed))


def search(store: Store, team: str, **asked: str) -> board.Board:
    return board.board(uow=store.uow(), team=team, search=board.Search(**asked), limit=200)


def test_the_jira_export_is_imported_whole_and_recorded_once(store: Store, team: str):
    raw = storm_raw()
    keys = {issue["key"] for issue in raw}

    imported = import_storm(store, team)

    assert (imported.added, imported.updated, imported.unchanged, imported.unreadable) == (len(keys), 0, 0, [])
    everything = search(store, team)
    assert everything.total == len(keys) == 1507
    statuses = Counter(issue["fields"]["status"]["statusCategory"]["key"] for issue in raw)
    assert everything.counts == {
        "open": statuses["new"],
        "in-progress": statuses["indeterminate"],
        "done": statuses["done"],
    }
    assert kinds(store, "IssuesImported") == 1  # one event for 1,507 issues


def test_the_github_export_imports_its_issues_not_its_pull_requests(store: Store, team: str):
    items = json.loads(shared_data("github/ants-issues.json").read_text(encoding="utf-8"))
    issues = [item for item in items if "pull_request" not in item]

    parsed = github.read(shared_data("github/ants-issues.json").read_bytes())
    imported = act(store, team, "sam", import_command(Source.GITHUB, "ants-issues.json", parsed))

    assert imported.added == len(issues) and imported.skipped == {"pull requests": len(items) - len(issues)}
    assert search(store, team).total == len(issues)
    assert "16 pull requests" in imported.sentence


def test_a_re_import_changes_only_what_changed(store: Store, team: str):
    import_storm(store, team)
    again = import_storm(store, team)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1507)

    raw = storm_raw()
    changed = next(issue for issue in raw if issue["key"] == "STORM-10")
    changed["fields"]["status"] = {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}
    changed["fields"]["updated"] = "2026-11-30T10:00:00.000+0000"
    changed["fields"]["assignee"] = {"displayName": "Sam Alvarez"}
    lines = "\n".join(json.dumps(issue) for issue in raw).encode()

    third = import_storm(store, team, lines)

    assert (third.added, third.updated, third.unchanged) == (0, 1, 1506)
    found = search(store, team, q="STORM-10").items[0]
    assert (found.key, found.status, found.category, found.assignee) == (
        "STORM-10",
        "In Progress",
        "in-progress",
        "Sam Alvarez",
    )
    assert kinds(store, "IssuesImported") == 3


def test_an_unreadable_line_is_reported_back_with_its_number_and_the_rest_imported(store: Store, team: str):
    lines = storm_bytes()
    text = gzip.decompress(lines).decode().splitlines()
    text.insert(9, '{"key": "STORM-BROKEN", ')

    imported = import_storm(store, team, "\n".join(text).encode())

    assert imported.added == 1507
    assert [row["where"] for row in imported.unreadable] == ["line 10"]
    assert imported.unreadable[0]["reason"].startswith("not JSON")
    entry = _last_entry(store)
    assert (entry["added"], entry["unreadable"]) == (1507, 1)


def _last_entry(store: Store) -> dict[str, Any]:
    with store.engine.connect() as connection:
        payload = connection.execute(
            select(AuditRow.payload).where(AuditRow.kind == "IssuesImported").order_by(AuditRow.id.desc())
        ).first()
    assert payload is not None
    recorded: dict[str, Any] = json.loads(payload[0])
    return recorded


def test_search_by_key_text_label_component_customer_and_filter_by_status(store: Store, team: str):
    import_storm(store, team)
    raw = storm_raw()

    by_key = search(store, team, q="storm-10")
    assert by_key.items[0].key == "STORM-10"  # the exact key first, then STORM-100...
    words = [
        issue
        for issue in raw
        if "nimbus" in issue["fields"]["summary"].lower() and "leader" in issue["fields"]["summary"].lower()
    ]
    assert {b.key for b in search(store, team, q="Nimbus leader").items} >= {issue["key"] for issue in words}
    core = [issue for issue in raw if any(c["name"] == "storm-core" for c in issue["fields"]["components"])]
    assert search(store, team, component="storm-core").total == len(core)
    open_core = [issue for issue in core if issue["fields"]["status"]["statusCategory"]["key"] == "new"]
    assert search(store, team, component="STORM-CORE", status="open").total == len(open_core)
    labelled = Counter(label for issue in raw for label in issue["fields"]["labels"])
    label, count = labelled.most_common(1)[0]
    assert search(store, team, label=label).total == count
    assert search(store, team, q="100%_").total == 0  # LIKE's wildcards are searched for as they are
    with pytest.raises(InvalidInput, match="unknown status 'closed'"):
        search(store, team, status="closed")


def test_a_customer_named_in_a_label_is_searchable(store: Store, team: str):
    raw = storm_raw()[:3]
    raw[1]["fields"]["labels"] = ["customer:Northwind"]
    import_storm(store, team, "\n".join(json.dumps(issue) for issue in raw).encode())
    assert [b.key for b in search(store, team, customer="northwind").items] == [raw[1]["key"]]
    assert [b.key for b in search(store, team, q="northwind").items] == [raw[1]["key"]]


def test_a_stakeholder_reads_the_board_but_cannot_import_and_the_refusal_is_recorded(store: Store, team: str):
    import_storm(store, team)
    assert search(store, team, q="STORM-10").items  # reads need no right: any member of the team
    with pytest.raises(RightsRefused, match="sol \\(stakeholder\\) has no right in team-process"):
        import_storm(store, team, handle="sol")
    with pytest.raises(RightsRefused, match="holds no key in team-process"):
        act(store, team, "sam", PublishBoard(published=True))
    assert kinds(store, "ActionRefused") == 2 and kinds(store, "IssuesImported") == 1
    can = board.abilities(uow=store.uow(), team=team, handle="sol")
    assert (can.can_import, can.can_publish) == (False, False)


def test_publishing_is_a_setting_on_the_record_and_opens_the_public_board(store: Store, team: str):
    import_storm(store, team)
    with pytest.raises(Exception, match="no public bug board"):
        board.board(uow=store.uow(), team=team, search=board.Search(), public=True)
    assert act(store, team, "ezra", PublishBoard(published=True)).published
    assert act(store, team, "ezra", PublishBoard(published=True)).published  # no change: nothing recorded
    assert board.board(uow=store.uow(), team=team, search=board.Search(), public=True).total == 1507
    act(store, team, "ezra", PublishBoard(published=False))
    assert (kinds(store, "BugBoardPublished"), kinds(store, "BugBoardUnpublished")) == (1, 1)


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"tracker": "gitlab", "origin": "x"}, "unknown tracker 'gitlab'"),
        ({"tracker": "jira", "origin": ""}, "origin is empty"),
        ({"tracker": "jira", "origin": "x", "issues": [{"key": "A-1"}]}, "issues.0.title"),
    ],
)
def test_an_import_that_does_not_fit_is_refused_naming_the_field(values: dict[str, Any], says: str):
    with pytest.raises(InvalidInput, match=says):
        build(ImportIssues, **values)


# -- the API and the pages, over the demo team (its board: the demo's bugs, published) -------------------------


def test_the_api_lists_and_filters_the_board_for_a_stakeholder(api: Api):
    answer = api.client.get("/api/v1/bugs", params={"q": "refund"}, headers=api.as_("sol"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [bug["key"] for bug in body["items"]] == ["CHK-142"] and body["published"] is True
    assert body["items"][0]["customer"] == "northwind"
    payments = api.client.get(
        "/api/v1/bugs", params={"component": "payments", "status": "open"}, headers=api.as_("sol")
    )
    expected = sum(1 for bug in BUGS if "payments" in bug[6] and bug[3].value == "open")
    assert payments.json()["total"] == expected
    assert api.client.get("/api/v1/bugs").status_code == 401
    assert api.client.get("/api/v1/bugs", params={"status": "closed"}, headers=api.as_("sol")).status_code == 422


def test_the_api_imports_a_raw_export_and_refuses_a_stakeholder(api: Api):
    data = shared_data("github/ants-issues.json").read_bytes()
    refused = api.client.post("/api/v1/bugs/import/github", content=data, headers=api.as_("sol"))
    assert refused.status_code == 403 and "stakeholder" in refused.json()["message"]
    done = api.client.post("/api/v1/bugs/import/github", content=data, headers=api.as_("sam"))
    assert done.status_code == 200, done.text
    assert (done.json()["added"], done.json()["skipped"]) == (26, {"pull requests": 16})
    again = api.client.post("/api/v1/bugs/import/github", content=data, headers=api.as_("sam"))
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 26)
    bad = api.client.post("/api/v1/bugs/import/jira", content=b"{", headers=api.as_("sam"))
    assert bad.status_code == 422 and "not JSON" in bad.json()["message"]


def test_the_public_board_shows_only_the_boards_fields_and_only_when_published(api: Api):
    public = api.client.get(f"/api/v1/public/{DEMO_TEAM}/bugs", params={"q": "CHK-142"})
    assert public.status_code == 200
    assert set(public.json()["items"][0]) == {"key", "title", "status", "category", "updated", "url", "incident"}
    page = api.client.get(f"/public/{DEMO_TEAM}/bugs")
    assert page.status_code == 200 and "CHK-142" in page.text and "northwind" not in page.text
    assert api.client.post("/api/v1/bugs/board", json={"published": False}, headers=api.as_("ezra")).status_code == 200
    assert api.client.get(f"/api/v1/public/{DEMO_TEAM}/bugs").status_code == 404
    assert api.client.get(f"/public/{DEMO_TEAM}/bugs").status_code == 404
    hidden = api.client.get("/api/v1/public/no-such-team/bugs").json()
    assert "teams here" not in hidden.get("hint", "")  # an anonymous reader learns no team names


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def test_the_board_page_for_a_stakeholder_and_the_publish_form_only_for_the_em(web: Browser):
    assert web.get("/bugs").headers["location"] == "/login?next=/bugs"
    web.sign_in("sol")
    page = web.get("/bugs?q=CHK-142")
    assert page.status_code == 200
    assert "Refunds to expired cards" in page.text and "Sam Alvarez" in page.text
    assert 'href="https://tracker.example.com/browse/CHK-142"' in page.text
    assert "Address autocomplete" not in page.text
    assert "/bugs/publish" not in page.text and "Import bugs" not in page.text
    assert "team checkout" in web.get("/bugs?q=CHK-139").text  # no assignee: the team's
    web.client.cookies.clear()
    web.sign_in("ezra")
    assert "/bugs/publish" in web.get("/bugs").text
    done = web.follow(web.post("/bugs/publish", {"published": "false"}, csrf_from="/bugs"))
    assert "for the team only" in done.text and "Publish the board" in done.text


def test_a_board_published_behind_the_chains_back_is_a_difference(store: Store, team: str):
    from sqlalchemy import text

    from remit.audit.replay import verify

    act(store, team, "ezra", PublishBoard(published=True))
    act(store, team, "ezra", PublishBoard(published=False))
    act(store, team, "ezra", PublishBoard(published=True))
    assert [report.differences for report in verify(uow=store.uow(), team=team)] == [[]]
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE bug_boards SET published = false"))

    (report,) = verify(uow=store.uow(), team=team)

    assert [d.sentence() for d in report.differences] == [
        "bug_boards the bug board published: the chain says true, the table says false"
    ]

"""The live clients against a local HTTP server (pytest-httpserver) serving pages built from the real
exports: GitHub's Link pagination and rate limits, Jira's startAt/maxResults. Never the internet."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from remit.integrations.clients import GitHubClient, JiraClient
from remit.kernel.errors import InvalidInput, NotAuthenticated, Unavailable
from tests.conftest import shared_data

REPO = "panjf2000/ants"
PATH = f"/repos/{REPO}/issues"


def ants() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(shared_data("github/ants-issues.json").read_text(encoding="utf-8"))
    return items


def github_pages(server: HTTPServer, items: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    """Serve ``items`` as GitHub does, ``size`` a page, each page linking the next and the last."""
    pages = [items[start : start + size] for start in range(0, len(items), size)]

    def answer(request: Request) -> Response:
        assert request.headers["Authorization"] == "Bearer secret-token"
        assert request.args["state"] == "all" and request.args["per_page"] == "100"
        number = int(request.args.get("page", "1"))
        links = []
        if number < len(pages):
            links.append(f'<{server.url_for(PATH)}?state=all&per_page=100&page={number + 1}>; rel="next"')
        links.append(f'<{server.url_for(PATH)}?state=all&per_page=100&page={len(pages)}>; rel="last"')
        headers = {"Link": ", ".join(links), "X-RateLimit-Remaining": "4999"}
        return Response(json.dumps(pages[number - 1]), headers=headers, content_type="application/json")

    server.expect_request(PATH).respond_with_handler(answer)
    return pages


def test_github_pages_are_followed_to_the_end_and_pull_requests_skipped(httpserver: HTTPServer):
    items = ants()
    pages = github_pages(httpserver, items, 10)
    issues = [item for item in items if "pull_request" not in item]
    seen: list[tuple[int, int | None]] = []

    with GitHubClient("secret-token", base_url=httpserver.url_for("/")) as client:
        parsed = client.issues(REPO, lambda done, total: seen.append((done, total)))

    assert len(pages) == 5 and seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert {issue.key for issue in parsed.issues} == {f"{REPO}#{item['number']}" for item in issues}
    assert parsed.skipped == {"pull requests": len(items) - len(issues)}


def test_github_an_unreadable_issue_is_reported_with_its_page_and_index(httpserver: HTTPServer):
    items = ants()
    broken = next(index for index, item in enumerate(items) if "pull_request" not in item and index >= 10)
    items[broken] = {**items[broken], "state": "merged"}
    github_pages(httpserver, items, 10)

    with GitHubClient("secret-token", base_url=httpserver.url_for("/")) as client:
        parsed = client.issues(REPO)

    assert [row.where for row in parsed.unreadable] == [f"page {broken // 10 + 1}, index {broken % 10}"]
    assert "'merged'" in parsed.unreadable[0].reason


def test_github_retry_after_is_waited_out_then_the_page_is_read(httpserver: HTTPServer):
    items = [item for item in ants() if "pull_request" not in item][:3]
    httpserver.expect_ordered_request(PATH).respond_with_json(
        {"message": "secondary rate limit"}, status=403, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request(PATH).respond_with_json(items)
    waits: list[float] = []

    with GitHubClient("secret-token", base_url=httpserver.url_for("/"), sleep=waits.append) as client:
        parsed = client.issues(REPO)

    assert waits == [7.0] and len(parsed.issues) == 3


def test_github_an_exhausted_rate_limit_waits_for_its_reset_before_the_next_page(httpserver: HTTPServer):
    items = [item for item in ants() if "pull_request" not in item]
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    reset = int(now.timestamp()) + 30
    first = {
        "Link": f'<{httpserver.url_for(PATH)}?page=2>; rel="next"',
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(reset),
    }
    httpserver.expect_ordered_request(PATH).respond_with_json(items[:5], headers=first)
    httpserver.expect_ordered_request(PATH, query_string="page=2").respond_with_json(items[5:8])
    waits: list[float] = []

    with GitHubClient("t", base_url=httpserver.url_for("/"), sleep=waits.append, clock=lambda: now) as client:
        parsed = client.issues(REPO)

    assert waits == [31.0] and len(parsed.issues) == 8


def test_github_a_wait_too_long_is_refused_and_a_bad_token_said_so(httpserver: HTTPServer):
    httpserver.expect_ordered_request(PATH).respond_with_json({}, status=429, headers={"Retry-After": "3600"})
    with (
        GitHubClient("t", base_url=httpserver.url_for("/"), sleep=lambda _s: None) as client,
        pytest.raises(Unavailable, match="asks to wait 3600s"),
    ):
        client.issues(REPO)
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_json({"message": "Bad credentials"}, status=401)
    with GitHubClient("t", base_url=httpserver.url_for("/")) as client:
        with pytest.raises(NotAuthenticated, match="Bad credentials"):
            client.issues(REPO)
        with pytest.raises(InvalidInput, match="not OWNER/NAME"):
            client.issues("../etc")


def storm() -> list[dict[str, Any]]:
    with gzip.open(shared_data("jira/storm-bugs.jsonl.gz"), "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_jira_search_pages_are_read_until_the_total(httpserver: HTTPServer):
    issues = storm()[:250]
    asked: list[tuple[int, int]] = []

    def answer(request: Request) -> Response:
        assert request.args["jql"] == "project = STORM AND type = Bug"
        assert request.headers["Authorization"] == "Bearer pat"
        start, size = int(request.args["startAt"]), int(request.args["maxResults"])
        asked.append((start, size))
        page = {"startAt": start, "maxResults": size, "total": len(issues), "issues": issues[start : start + size]}
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/jira/rest/api/2/search").respond_with_handler(answer)
    seen: list[tuple[int, int | None]] = []

    with JiraClient(httpserver.url_for("/jira"), "pat") as client:
        parsed = client.search("project = STORM AND type = Bug", lambda done, total: seen.append((done, total)))

    assert asked == [(0, 100), (100, 100), (200, 100)] and seen == [(1, 3), (2, 3), (3, 3)]
    assert [issue.key for issue in parsed.issues] == [issue["key"] for issue in issues]
    assert parsed.issues[0].url == httpserver.url_for(f"/jira/browse/{issues[0]['key']}")


def test_jira_cloud_credentials_are_sent_as_basic_auth_and_a_bad_query_said_so(httpserver: HTTPServer):
    httpserver.expect_request(
        "/rest/api/2/search", headers={"Authorization": "Basic bWVAZXhhbXBsZS5jb206dG9rZW4="}
    ).respond_with_json({"errorMessages": ["Error in the JQL Query"]}, status=400)
    with (
        JiraClient(httpserver.url_for("/"), "me@example.com:token") as client,
        pytest.raises(InvalidInput, match="Error in the JQL Query"),
    ):
        client.search("project = ")


def test_an_unreachable_tracker_is_one_clear_error():
    with JiraClient("http://127.0.0.1:9", "pat") as client, pytest.raises(Unavailable, match="cannot reach Jira"):
        client.search("type = Bug")

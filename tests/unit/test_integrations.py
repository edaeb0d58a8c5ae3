"""The importers on the real exports in ../shared/data, checked against counts made here with plain json and
gzip; and every row they cannot read reported with where it was and why."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from remit.integrations import github, jira
from remit.integrations.issues import Category, Source, customer_of
from remit.kernel.errors import InvalidInput
from tests.conftest import shared_data


def ants() -> list[dict[str, object]]:
    items: list[dict[str, object]] = json.loads(shared_data("github/ants-issues.json").read_text(encoding="utf-8"))
    return items


def storm_lines() -> list[str]:
    with gzip.open(shared_data("jira/storm-bugs.jsonl.gz"), "rt", encoding="utf-8") as lines:
        return [line for line in lines.read().splitlines() if line.strip()]


def test_github_issues_are_read_and_pull_requests_skipped_and_counted():
    items = ants()
    pulls = [item for item in items if "pull_request" in item]
    issues = [item for item in items if "pull_request" not in item]
    assert len(items) == 42 and pulls and issues  # the export holds both

    parsed = github.read(shared_data("github/ants-issues.json").read_bytes())

    assert len(parsed.issues) == len(issues)
    assert parsed.skipped == {"pull requests": len(pulls)}
    assert parsed.unreadable == []
    assert {i.key for i in parsed.issues} == {f"panjf2000/ants#{item['number']}" for item in issues}
    closed = sum(1 for item in issues if item["state"] == "closed")
    assert sum(1 for i in parsed.issues if i.category is Category.DONE) == closed
    first = next(i for i in parsed.issues if i.key == f"panjf2000/ants#{issues[0]['number']}")
    assert first.url == issues[0]["html_url"] and first.source is Source.GITHUB
    assert first.created == datetime.fromisoformat(str(issues[0]["created_at"]).replace("Z", "+00:00"))


def test_jira_json_lines_gzipped_are_read_with_the_status_categories_jira_gives():
    lines = storm_lines()
    raw = [json.loads(line) for line in lines]
    assert len(raw) == 1507
    by_category = {"new": 0, "indeterminate": 0, "done": 0}
    for issue in raw:
        by_category[issue["fields"]["status"]["statusCategory"]["key"]] += 1

    parsed = jira.read(shared_data("jira/storm-bugs.jsonl.gz").read_bytes())

    assert len(parsed.issues) == len(raw) and parsed.unreadable == []
    counted = {category: sum(1 for i in parsed.issues if i.category is category) for category in Category}
    assert counted == {
        Category.OPEN: by_category["new"],
        Category.IN_PROGRESS: by_category["indeterminate"],
        Category.DONE: by_category["done"],
    }
    storm10 = next(i for i in parsed.issues if i.key == "STORM-10")
    assert storm10.url == "https://issues.apache.org/jira/browse/STORM-10"
    assert storm10.components == ("storm-core",) and storm10.priority == "Major"
    assert storm10.created == datetime(2013, 12, 11, 14, 23, tzinfo=UTC)


def test_a_malformed_line_is_reported_with_its_line_number_and_the_others_read():
    lines = storm_lines()[:5]
    broken = [*lines[:2], '{"key": "STORM-X", "fields": ', lines[2], json.dumps({"key": "STORM-Y"}), *lines[3:]]

    parsed = jira.read("\n".join(broken).encode())

    assert len(parsed.issues) == 5
    assert [(row.where, row.reason.split(":")[0]) for row in parsed.unreadable] == [
        ("line 3", "not JSON"),
        ("line 5", "STORM-Y"),
    ]
    assert "no fields" in parsed.unreadable[1].reason


def test_a_github_item_that_cannot_be_read_is_reported_with_its_index():
    items = ants()[:6]
    items[2] = {**items[2], "created_at": "yesterday"}
    items.insert(4, "not an issue")  # type: ignore[arg-type]
    pulls = sum(1 for item in items if isinstance(item, dict) and "pull_request" in item)

    parsed = github.read(json.dumps(items).encode())

    where = {row.where: row.reason for row in parsed.unreadable}
    assert set(where) == {"index 4"} | ({"index 2"} if "pull_request" not in items[2] else set())
    assert len(parsed.issues) + len(parsed.unreadable) + pulls == len(items)


def test_a_search_response_and_a_single_issue_are_read_too():
    raw = [json.loads(line) for line in storm_lines()[:3]]
    search = jira.read(json.dumps({"startAt": 0, "maxResults": 3, "total": 3, "issues": raw}).encode())
    single = jira.read(json.dumps(raw[0]).encode())
    assert [i.key for i in search.issues] == [issue["key"] for issue in raw]
    assert [i.key for i in single.issues] == [raw[0]["key"]]


@pytest.mark.parametrize(
    ("reader", "data", "says"),
    [
        (github.read, b"", "is empty"),
        (github.read, b'{"message": "Not Found"}', "expected a list of issues"),
        (jira.read, b"[1, 2", "is not JSON"),
        (jira.read, b'{"values": []}', "expected an issue, a search response or JSON lines"),
        (jira.read, b"\x1f\x8b\x08 not gzip", "not a readable gzip file"),
        (jira.read, "é".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_whole(reader, data, says):
    with pytest.raises(InvalidInput, match=says):
        reader(data, "upload.json")


def test_a_label_or_field_names_the_customer():
    assert customer_of(("bug", "customer: Northwind")) == "Northwind"
    assert customer_of(("Customer/Globex",)) == "Globex"
    assert customer_of(("customers-wanted",)) is None
    raw = json.loads(storm_lines()[0])
    raw["fields"]["customer"] = {"value": "Initech"}
    assert jira.read(json.dumps(raw).encode()).issues[0].customer == "Initech"

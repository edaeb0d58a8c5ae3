"""GitHub's REST issues JSON (``GET /repos/{owner}/{repo}/issues``: a list of issue objects) as
``TrackedIssue``s. Pull requests come through the same endpoint (objects with a ``pull_request`` key): they
are not bugs, so they are skipped and counted. Pure."""

from __future__ import annotations

import re
from typing import Any

from remit.integrations.formats import documents, unpack
from remit.integrations.issues import (
    Category,
    Parsed,
    RowError,
    Source,
    TrackedIssue,
    Unreadable,
    customer_of,
    moment,
    names,
    optional_moment,
    text_of,
)
from remit.kernel.errors import InvalidInput

PULL_REQUESTS = "pull requests"
REPO = re.compile(r"/repos/([^/]+/[^/]+)/?$")
HTML = re.compile(r"^https?://[^/]+/([^/]+/[^/]+)/issues/\d+")
WORKING = {"in progress", "in-progress", "wip", "doing", "status: in progress"}
PRIORITY = re.compile(r"^(?:priority\s*[:/]\s*(.+)|(p[0-4]))$", re.IGNORECASE)


def read(data: bytes, source: str = "the GitHub export") -> Parsed:
    """A file holding the issues endpoint's JSON: one list (or several pages, one list per line)."""
    whole, lines, unreadable = documents(unpack(data, source), source)
    parsed = Parsed(unreadable=list(unreadable))
    if whole is not None:
        if not isinstance(whole, list):
            raise InvalidInput(
                f"{source} is not GitHub's issues JSON: expected a list of issues",
                hint="save the answer of GET /repos/OWNER/REPO/issues?state=all",
                field="file",
            )
        parsed.extend(issues(whole))
        return parsed
    for number, page in lines:
        items = page if isinstance(page, list) else [page]
        parsed.extend(issues(items, where=lambda index, n=number: f"line {n}, index {index}"))
    return parsed


def issues(items: list[Any], *, where: Any = None) -> Parsed:
    """The issues of one page of the endpoint's answer; ``where(index)`` names a row (default "index N")."""
    parsed = Parsed()
    for index, item in enumerate(items):
        if isinstance(item, dict) and "pull_request" in item:
            parsed.skip(PULL_REQUESTS)
            continue
        try:
            parsed.issues.append(issue(item))
        except RowError as error:
            parsed.unreadable.append(Unreadable(where(index) if where else f"index {index}", str(error)))
    return parsed


def issue(item: Any) -> TrackedIssue:
    if not isinstance(item, dict):
        raise RowError("not an issue object")
    number = item.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise RowError("no issue number")
    url = text_of(item.get("html_url"), "html_url") or ""
    repo = _repo(item, url)
    labels = names(item.get("labels"), "labels")
    state = text_of(item.get("state"), "state")
    if state not in ("open", "closed"):
        raise RowError(f"state is {state!r}, not open or closed")
    reason = item.get("state_reason")
    status = "closed (not planned)" if state == "closed" and reason == "not_planned" else state
    working = any(label.lower() in WORKING for label in labels)
    category = Category.DONE if state == "closed" else Category.IN_PROGRESS if working else Category.OPEN
    return TrackedIssue(
        source=Source.GITHUB,
        key=f"{repo}#{number}",
        title=text_of(item.get("title"), "title") or "",
        status=status,
        category=category,
        created=moment(item.get("created_at"), "created_at"),
        updated=moment(item.get("updated_at"), "updated_at"),
        url=url,
        assignee=_assignee(item),
        labels=labels,
        priority=_priority(labels),
        resolved=optional_moment(item.get("closed_at"), "closed_at"),
        customer=customer_of(labels),
    )


def _repo(item: dict[str, Any], url: str) -> str:
    found = REPO.search(str(item.get("repository_url") or "")) or HTML.match(url)
    if found is None:
        raise RowError("no repository_url or html_url naming the repository")
    return found.group(1)


def _assignee(item: dict[str, Any]) -> str | None:
    people = [item.get("assignee"), *(item.get("assignees") or [])]
    for person in people:
        if isinstance(person, dict) and isinstance(person.get("login"), str):
            return text_of(person["login"], "assignee", limit=100)
    return None


def _priority(labels: tuple[str, ...]) -> str | None:
    for label in labels:
        found = PRIORITY.match(label.strip())
        if found:
            return (found.group(1) or found.group(2)).strip()
    return None

"""Jira's REST v2 issue JSON as ``TrackedIssue``s: a single issue, a search response (``{"issues": [...]}``),
or JSON lines of issues (gzipped or not). Pure.

The status category Jira gives each status (``new``, ``indeterminate``, ``done``) is the board's category;
a status without one is placed by its name."""

from __future__ import annotations

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
    named,
    names,
    optional_moment,
    text_of,
)
from remit.kernel.errors import InvalidInput

CATEGORIES = {"new": Category.OPEN, "indeterminate": Category.IN_PROGRESS, "done": Category.DONE}
DONE_NAMES = {"done", "closed", "resolved", "fixed", "won't fix", "wont fix", "cancelled", "duplicate"}
WORKING_NAMES = {"in progress", "in review", "in development", "review", "testing", "patch available"}


def read(data: bytes, source: str = "the Jira export") -> Parsed:
    """A file: one issue, a search response, a list of issues, or JSON lines of issues (or of search pages)."""
    whole, lines, unreadable = documents(unpack(data, source), source)
    parsed = Parsed(unreadable=list(unreadable))
    if whole is not None:
        if isinstance(whole, dict) and isinstance(whole.get("issues"), list):
            parsed.extend(issues(whole["issues"]))
        elif isinstance(whole, dict) and ("key" in whole or "fields" in whole):
            parsed.extend(issues([whole], where=lambda _index: "the issue"))
        elif isinstance(whole, list):
            parsed.extend(issues(whole))
        else:
            raise InvalidInput(
                f"{source} is not Jira's issue JSON: expected an issue, a search response or JSON lines",
                hint="save the answer of GET /rest/api/2/search?jql=... or /rest/api/2/issue/KEY",
                field="file",
            )
        return parsed
    for number, value in lines:
        if isinstance(value, dict) and isinstance(value.get("issues"), list):
            parsed.extend(issues(value["issues"], where=lambda index, n=number: f"line {n}, index {index}"))
        else:
            parsed.extend(issues([value], where=lambda _index, n=number: f"line {n}"))
    return parsed


def issues(items: list[Any], *, where: Any = None, base_url: str | None = None) -> Parsed:
    """The issues of one list (a search page); ``where(index)`` names a row (default "index N")."""
    parsed = Parsed()
    for index, item in enumerate(items):
        try:
            parsed.issues.append(issue(item, base_url=base_url))
        except RowError as error:
            parsed.unreadable.append(Unreadable(where(index) if where else f"index {index}", str(error)))
    return parsed


def issue(item: Any, *, base_url: str | None = None) -> TrackedIssue:
    if not isinstance(item, dict):
        raise RowError("not an issue object")
    key = text_of(item.get("key"), "key", limit=100) or ""
    fields = item.get("fields")
    if not isinstance(fields, dict):
        raise RowError(f"{key}: no fields")
    try:
        status, category = _status(fields.get("status"))
        labels = names(fields.get("labels"), "labels")
        return TrackedIssue(
            source=Source.JIRA,
            key=key,
            title=text_of(fields.get("summary"), "summary") or "",
            status=status,
            category=category,
            created=moment(fields.get("created"), "created"),
            updated=moment(fields.get("updated") or fields.get("created"), "updated"),
            url=_browse(item, key, base_url),
            assignee=named(fields.get("assignee"), "assignee", "displayName"),
            labels=labels,
            components=names(fields.get("components"), "components"),
            priority=named(fields.get("priority"), "priority"),
            resolved=optional_moment(fields.get("resolutiondate"), "resolutiondate"),
            customer=customer_of(labels) or _customer(fields.get("customer")),
        )
    except RowError as error:
        raise RowError(f"{key}: {error}") from None


def _status(value: Any) -> tuple[str, Category]:
    if not isinstance(value, dict):
        raise RowError("no status")
    name = text_of(value.get("name"), "status name", limit=100) or ""
    category = value.get("statusCategory")
    if isinstance(category, dict) and category.get("key") in CATEGORIES:
        return name, CATEGORIES[str(category["key"])]
    lowered = name.lower()
    if lowered in DONE_NAMES:
        return name, Category.DONE
    return name, Category.IN_PROGRESS if lowered in WORKING_NAMES else Category.OPEN


def _browse(item: dict[str, Any], key: str, base_url: str | None) -> str:
    """The issue's page for people: BASE/browse/KEY, BASE from the client or from the issue's ``self``."""
    base = base_url
    if base is None:
        link = item.get("self")
        if not isinstance(link, str) or "/rest/api/" not in link:
            raise RowError("no self link to build the issue's address from")
        base = link.split("/rest/api/", 1)[0]
    return f"{base.rstrip('/')}/browse/{key}"


def _customer(value: Any) -> str | None:
    """A ``customer`` field: text, or an option object (``{"value": "Acme"}``)."""
    if isinstance(value, dict):
        value = value.get("value") or value.get("name")
    if isinstance(value, list):
        value = next((each.get("value") if isinstance(each, dict) else each for each in value), None)
    return text_of(value, "customer", required=False, limit=200) if isinstance(value, str) else None

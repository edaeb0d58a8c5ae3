"""One plain issue, whatever tracker it came from, and the rows an import could not read. Pure.

Importers (``github.py``, ``jira.py``) map each tracker's JSON onto ``TrackedIssue`` and report every row
they cannot read as an ``Unreadable`` naming where it was (a line number or a list index) and why: nothing
is dropped silently."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    GITHUB = "github"
    JIRA = "jira"


class Category(StrEnum):
    """Where an issue stands, whatever the tracker calls its status."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"


@dataclass(frozen=True)
class TrackedIssue:
    """An issue as the board shows it. Dates are aware UTC; ``labels`` and ``components`` keep the tracker's
    order; ``customer`` is set when a label (``customer:acme``) or a field names one."""

    source: Source
    key: str
    title: str
    status: str
    category: Category
    created: datetime
    updated: datetime
    url: str
    assignee: str | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    priority: str | None = None
    resolved: datetime | None = None
    customer: str | None = None

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["labels"], values["components"] = list(self.labels), list(self.components)
        for name in ("created", "updated", "resolved"):
            moment = values[name]
            values[name] = moment.isoformat() if moment is not None else None
        return values


@dataclass(frozen=True)
class Unreadable:
    """A row the importer could not read: ``where`` is "line 12" or "item 3"; ``reason`` says what was wrong."""

    where: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


@dataclass
class Parsed:
    """What an importer read: the issues, the rows it could not read, and what it skipped on purpose (pull
    requests are not bugs), counted."""

    issues: list[TrackedIssue] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def extend(self, other: Parsed) -> None:
        self.issues += other.issues
        self.unreadable += other.unreadable
        for why, count in other.skipped.items():
            self.skipped[why] = self.skipped.get(why, 0) + count


class RowError(ValueError):
    """Why one row cannot be read (becomes an ``Unreadable``)."""


CUSTOMER_LABEL = re.compile(r"^customer\s*[:/=]\s*(.+)$", re.IGNORECASE)


def customer_of(labels: tuple[str, ...]) -> str | None:
    """The customer a label names: ``customer:acme``, ``customer/acme`` or ``Customer = ACME``."""
    for label in labels:
        found = CUSTOMER_LABEL.match(label.strip())
        if found and found.group(1).strip():
            return found.group(1).strip()
    return None


def moment(value: Any, name: str) -> datetime:
    """An ISO 8601 time as the trackers write it (``2018-08-02T03:09:57Z``, ``2013-12-11T14:23:00.000+0000``),
    in UTC."""
    found = optional_moment(value, name)
    if found is None:
        raise RowError(f"no {name}")
    return found


def optional_moment(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RowError(f"{name} is not a date: {value!r}")
    text = value.strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):  # +0000 -> +00:00
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"{name} is not a date: {value!r}") from None
    if parsed.tzinfo is None:
        raise RowError(f"{name} has no time zone: {value!r}")
    return parsed.astimezone(UTC)


def text_of(value: Any, name: str, *, required: bool = True, limit: int = 1000) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowError(f"no {name}")
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise RowError(f"{name} is not text: {value!r}"[:200])
    cleaned = " ".join(str(value).split())  # one line: trackers keep stray spaces and line breaks in titles
    cleaned = "".join(char for char in cleaned if char.isprintable())
    return cleaned[:limit]


def named(value: Any, name: str, key: str = "name") -> str | None:
    """The ``key`` of an object field (``{"name": "Major"}``), or None when the field is empty."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RowError(f"{name} is not an object")
    return text_of(value.get(key), name, required=False, limit=200)


def names(value: Any, name: str, key: str = "name") -> tuple[str, ...]:
    """The ``key`` of each object in a list field (labels, components); plain strings are taken as they are."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RowError(f"{name} is not a list")
    found = []
    for item in value:
        text = text_of(item, name, required=False, limit=200) if isinstance(item, str) else named(item, name, key)
        if text:
            found.append(text)
    return tuple(found)

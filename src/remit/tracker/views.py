"""What the board's actions and reads return: plain data with the JSON the API answers. Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PUBLIC_FIELDS = ("key", "title", "status", "category", "updated", "url")  # what a published board shows
UPLOAD_LIMIT = 20 * 1024 * 1024  # a tracker's export sent whole (the web form's file, the API's raw body)
UPLOAD_WORDS = "20 MB"


def public_path(team: str) -> str:
    """Where a published board is read without signing in."""
    return f"/public/{team}/bugs"


@dataclass(frozen=True)
class Imported:
    """One import's outcome: how many issues were added, updated or unchanged, and every row not read."""

    source: str
    origin: str
    added: int
    updated: int
    unchanged: int
    unreadable: list[dict[str, str]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"sentence": self.sentence}

    @property
    def sentence(self) -> str:
        read = self.added + self.updated + self.unchanged
        said = (
            f"{read} {self.source} issue{'s' if read != 1 else ''} from {self.origin}: {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.unreadable)} unreadable"
        )
        skipped = ", ".join(f"{count} {why}" for why, count in self.skipped.items())
        return said + (f" (skipped: {skipped})" if skipped else "")


@dataclass(frozen=True)
class BoardSetting:
    team: str
    published: bool
    public_path: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LinkedIncident:
    """The incident a bug is linked to, as the board shows it: its number, title and status. A published board
    shows the same three, as the public status page names them (number, name, status): nothing internal."""

    number: int
    title: str
    status: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def public(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.title, "status": self.status}


@dataclass(frozen=True)
class BugLink:
    """A link's outcome: the bug, the incident it is linked to now (None: unlinked), the one before."""

    source: str
    key: str
    incident: LinkedIncident | None
    previous: int | None
    changed: bool

    def as_dict(self) -> dict[str, Any]:
        said = {"incident": self.incident.as_dict() if self.incident else None, "sentence": self.sentence}
        return asdict(self) | said

    @property
    def sentence(self) -> str:
        if self.incident is None:
            return f"{self.key} is linked to no incident (it was linked to #{self.previous})"
        now = f"{self.key} is linked to incident #{self.incident.number} {self.incident.title} ({self.incident.status})"
        if not self.changed:
            return f"{now}: it already was"
        return now + (f", no longer to #{self.previous}" if self.previous is not None else "")


@dataclass(frozen=True)
class Bug:
    source: str
    key: str
    title: str
    status: str
    category: str
    assignee: str | None
    labels: list[str]
    components: list[str]
    priority: str | None
    customer: str | None
    created: str
    updated: str
    resolved: str | None
    url: str
    incident: LinkedIncident | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def public(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in PUBLIC_FIELDS}
        return shown | {"incident": self.incident.public() if self.incident else None}


@dataclass(frozen=True)
class Board:
    """One page of the board: the matching bugs (most recently updated first), how many match in all, and
    how many match in each category."""

    team: str
    items: list[Bug]
    total: int
    counts: dict[str, int]
    next_offset: int | None
    published: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "items": [bug.as_dict() for bug in self.items],
            "total": self.total,
            "counts": self.counts,
            "published": self.published,
        }

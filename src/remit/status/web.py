"""The public status page and the Statuspage v2 JSON API, served as bytes rendered when something is
published, not per request.

``Published`` keeps each team's rendered page and JSON documents in memory, with their ETags. It renders them
when the server starts, again after any incident change or charter adoption commits (an after-commit
subscriber on the bus), and on first use for a team created since. ``Front`` is a small ASGI layer in front
of the app: it answers ``GET``/``HEAD`` on the public paths from those bytes (``304`` to a matching
``If-None-Match``) so they never pass through the app's middleware stack, and hands every other request to
the app.

Paths: a team's page is ``/status/{team}``, its API ``/status/{team}/api/v2/...`` and its feeds
``/status/{team}/history.atom`` and ``.rss``; the first team of the database (the only one, on most servers)
is also served at ``/status``, ``/api/v2/...``, ``/status/history.atom`` and (where Statuspage serves its
feeds) ``/history.atom``. A team's published bug board,
bare (no search, its first page), is ``/public/{team}/bugs``; with a query string it is the app's.

Whoever wants the bytes as they change (``status/export.py``: the static export) listens with ``on_rebuild``."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from remit.charter.events import CharterAdopted
from remit.incidents.events import IncidentOpened, IncidentUpdated, PostmortemLinked
from remit.kernel import times
from remit.kernel.errors import NotFound, RemitError
from remit.kernel.events import Event, Recorded
from remit.kernel.uow import Store
from remit.status import documents, feeds, model, queries
from remit.status.events import ComponentStatusSet, MaintenanceScheduled, MaintenanceUpdated
from remit.status.maintenance import WORDS as MAINTENANCE_WORDS
from remit.status.maintenance import maintenance_lines
from remit.status.sections import sections
from remit.tracker import web as board_pages
from remit.tracker.board import Search
from remit.tracker.events import BugBoardPublished, BugBoardUnpublished, BugLinked, BugUnlinked, IssuesImported
from remit.web.render import ENV, HEADERS

log = logging.getLogger("remit.status")
MAX_AGE = 10  # seconds a client or a CDN may reuse a public body before asking again (with its ETag)
# what can change what the public sees: an incident's public facts, the charter (its zone, its components), a
# component set by hand, a maintenance (the clock moves maintenance too: ``Published.due``)
EVENTS: tuple[type[Event], ...] = (
    IncidentOpened,
    IncidentUpdated,
    PostmortemLinked,
    CharterAdopted,
    ComponentStatusSet,
    MaintenanceScheduled,
    MaintenanceUpdated,
)
EVENTS += (IssuesImported, BugBoardPublished, BugBoardUnpublished, BugLinked, BugUnlinked)  # the published bug board
PAGE = "page"  # the key of the HTML page among a team's bodies
BOARD = "public-bugs"  # the key of the published bug board's page
HTML = "text/html; charset=utf-8"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True)
class Body:
    content: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, content: bytes, content_type: str) -> Body:
        return cls(content, content_type, '"' + hashlib.sha256(content).hexdigest()[:32] + '"')

    @functools.cached_property
    def raw_headers(self) -> tuple[Headers, Headers]:
        """The headers of a 200 and of a 304, encoded once, not on every request (bench/status_surge.py)."""
        headers = dict(HEADERS) | {
            "Cache-Control": f"public, max-age={MAX_AGE}",
            "ETag": self.etag,
            "Content-Type": self.content_type,
        }
        if self.content_type.startswith("application/json"):
            headers["Access-Control-Allow-Origin"] = "*"  # as Statuspage's public API: any page may read it
        raw = tuple((k.lower().encode(), v.encode()) for k, v in headers.items())
        return (*raw, (b"content-length", str(len(self.content)).encode())), raw


def _exact(value: str | None, zone: str) -> str:
    return times.exact(value, zone) if value else ""


def render_page(s: model.Snapshot, now: datetime) -> str:
    """The public page: components and their state, open incidents and the recently resolved ones, each with
    its public updates only; times exact (never "3 minutes ago": the bytes outlive the moment) in the team's
    zone, which the page names."""
    return ENV.get_template("status.html").render(
        viewer=None,
        csrf="",
        flash=None,
        flash_tone=None,
        path="/status",
        zone=s.time_zone,
        title=f"{s.name} status",
        snap=s,
        description=model.DESCRIPTIONS[s.indicator],
        states=[(c, s.state(c), model.STATUS_WORDS[s.state(c)]) for c in s.components],
        sections=sections(s),
        status_words=model.STATUS_WORDS,
        active=s.active,
        upcoming=s.upcoming,
        maintenance_words=MAINTENANCE_WORDS,
        maintenance_lines=lambda m: list(reversed(maintenance_lines(m, s.now))),
        open_incidents=s.unresolved,
        resolved=queries.recently_resolved(s, now),
        exact=lambda value: _exact(value, s.time_zone),
        api=s.url.removesuffix("/status") if s.url.endswith("/status") else s.url,
    )


def render(s: model.Snapshot, now: datetime) -> dict[str, Body]:
    """Every public body of one team: the page, and each JSON document by its path under ``api/v2/``."""
    bodies = {PAGE: Body.of(render_page(s, now).encode(), HTML)}
    for path, document in documents.documents(s).items():
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        bodies[path] = Body.of(text.encode(), "application/json; charset=utf-8")
    bodies |= {name: Body.of(content, feeds.FEEDS[name]) for name, content in feeds.feeds(s).items()}
    return bodies


def public_board(store: Store, team: str) -> dict[str, Body]:
    """The team's bug board, bare, if the team published it (none: the app answers 404)."""
    try:
        return {BOARD: Body.of(board_pages.public_html(store, team, Search()).encode(), HTML)}
    except NotFound:
        return {}


class Published:
    """Each team's public bodies, rendered when something is published."""

    def __init__(self, store: Store, base_url: str) -> None:
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.teams: dict[str, dict[str, Body]] = {}
        self.default: str | None = None
        self.seen: dict[str, int] = {}  # each team's audit sequence when its bodies were last rendered
        self.due: dict[str, str] = {}  # when the clock alone changes a team's page (maintenance, the day)
        self.listeners: list[Callable[[Published], None]] = []  # told after each rebuild (the static export)
        self._lock = threading.Lock()

    def url(self, team: str) -> str:
        return f"{self.base_url}/status" if team == self.default else f"{self.base_url}/status/{team}"

    def rebuild(self, team: str) -> dict[str, Body]:
        with self._lock:  # one render at a time; readers keep the old bodies until the new ones are ready
            self.seen[team] = queries.heads(uow=self.store.uow()).get(team, 0)
            snap = queries.snapshot(uow=self.store.uow(), team=team, url=self.url(team))
            bodies = self.teams[team] = render(snap, self.store.clock()) | public_board(self.store, team)
            due = snap.next_change()
            if due is None:
                self.due.pop(team, None)
            else:
                self.due[team] = due
            self._tell()
            return bodies

    def on_rebuild(self, listener: Callable[[Published], None]) -> None:
        """Call ``listener`` now (if anything was rendered) and after every rebuild, one call at a time."""
        with self._lock:
            self.listeners.append(listener)
            self._tell()

    def _tell(self) -> None:
        for listener in self.listeners if self.teams else ():
            try:
                listener(self)
            except Exception:  # the bytes are served all the same; the failure is logged
                log.exception("a listener to the status bytes failed")

    def start(self, *, every_team: bool = False) -> None:
        """Render the default team's bodies (or ``every_team``'s, for a static export) and hear what changes
        them. Another team's are rendered on its first request: an organisation's server holds hundreds of
        teams, and rendering them all would hold its start for a minute. A database that does not answer yet
        is logged: the bodies are rendered on first request, or by the next ``refresh``."""
        self.store.bus.on(*EVENTS)(self.after_commit)
        try:
            if every_team:
                self.render_all()
                return
            names = queries.teams(uow=self.store.uow())
            self.default = names[0] if names else None
            if self.default is not None:
                self.rebuild(self.default)
        except RemitError as error:
            log.warning("status page not rendered at start: %s", error.message)

    def render_all(self) -> list[str]:
        """Render every team's bodies; the teams, the default (the first created) first."""
        names = queries.teams(uow=self.store.uow())
        self.default = names[0] if names else None
        for name in names:
            self.rebuild(name)
        return names

    def refresh(self) -> list[str]:
        """Render again the teams something was recorded for since their bodies were rendered (what another
        server process committed, which this one's bus never hears), and those whose page the clock changed
        (a maintenance beginning or ending on time, a new day on the uptime bar). The teams rendered."""
        now = self.store.clock().isoformat()
        moved = [
            team
            for team, seq in queries.heads(uow=self.store.uow()).items()
            if self.seen.get(team) != seq or (team in self.due and self.due[team] <= now)
        ]
        for team in moved:  # a team never asked for waits for its first request, unless someone listens
            if team in self.teams or team == self.default or self.listeners:
                self.rebuild(team)
        return moved

    async def watch(self, every: float = MAX_AGE) -> None:
        """``refresh`` on a schedule, so copies of the server behind one load balancer agree within ``every``."""
        while True:
            await asyncio.sleep(every)
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:  # keep watching; the failure is logged
                log.exception("status page refresh failed")

    def stop(self) -> None:
        self.store.bus.off(self.after_commit)

    def after_commit(self, _store: object, records: Sequence[Recorded]) -> None:
        for team in dict.fromkeys(record.team for record in records):
            self.rebuild(team)

    def body(self, team: str | None, key: str) -> Body | None:
        if team is None:
            if self.default is None:  # no team yet when the server started: look again
                names = queries.teams(uow=self.store.uow())
                self.default = names[0] if names else None
            team = self.default
        if team is None:
            return None
        bodies = self.teams.get(team)
        if bodies is None:
            try:
                bodies = self.rebuild(team)  # a team created since the server started
            except NotFound:
                return None
        return bodies.get(key)


def route(path: str) -> tuple[str | None, str] | None:
    """(team or None for the default team, body key) for a public path; None for any other path."""
    team: str | None = None
    if path.startswith("/public/") and path.endswith("/bugs"):
        named = path.removeprefix("/public/").removesuffix("/bugs")
        return (named, BOARD) if named and "/" not in named else None
    if path.startswith("/status/") and path != "/status/":
        team, _, rest = path.removeprefix("/status/").partition("/")
        if team in feeds.FEEDS and not rest:
            return None, team
        if not team:
            return None
        if rest in feeds.FEEDS:
            return team, rest
        path = "/" + rest if rest else "/status"
    if path in ("/status", "/status/"):
        return team, PAGE
    if team is None and path.removeprefix("/") in feeds.FEEDS:  # /history.atom: where Statuspage has them
        return None, path.removeprefix("/")
    if path.startswith("/api/v2/"):
        return team, path.removeprefix("/api/v2/")
    return None


def matches(header: str, etag: str) -> bool:
    if header == etag:  # what a browser or a CDN sends back: the one tag it was given
        return True
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


class Front:
    """The ASGI layer in front of the app for the public paths."""

    def __init__(self, published: Published | None = None) -> None:
        self.published = published

    async def serve(self, scope: Scope, send: Send) -> bool:
        """Answer ``scope`` from the published bodies; False when it is not a public request (the app's)."""
        if self.published is None or scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        found = route(scope["path"])
        if found is None or (found[1] == BOARD and scope.get("query_string")):
            return False  # the app's: any other path, and a search of the board or its next page
        try:
            body = self.published.body(*found)
        except RemitError as error:  # the database does not answer and nothing was rendered yet
            await _plain(send, error.status, error.message)
            return True
        if body is None:
            return False  # the app answers: a 404 in its own words
        full, bare = body.raw_headers
        status, headers, content = 200, full, body.content
        for key, value in scope["headers"]:
            if key == b"if-none-match" and matches(value.decode("latin-1"), body.etag):
                status, headers, content = 304, bare, b""
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else content})
        return True


async def _plain(send: Send, status: int, text: str) -> None:
    content = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})

"""The static export, on SQLite and PostgreSQL: served by Python's http.server it answers every public path
with the live app's bytes; a server run with an export folder rewrites the files a published change moves
(and only those), and removes the board when it is unpublished."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.demo_story import SEARCH
from remit.incidents.commands import UpdateIncident
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.notify.worker import DEFAULT_BASE_URL
from remit.seed import DEMO_TEAM
from remit.status import export
from remit.status.web import Published
from remit.tracker.commands import PublishBoard
from tests.integration.test_status import API

BASE = "https://status.example.com"
PATHS = ["/status", "/status/checkout", "/status/history.atom", "/status/checkout/history.rss", "/history.atom"]
PATHS += [f"/api/v2/{p}" for p in API] + [f"/status/checkout/api/v2/{p}" for p in API]
PATHS += [f"/public/{DEMO_TEAM}/bugs", "/static/remit.css"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def static(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served by http.server, as `python -m http.server -d DIR` would."""
    root = tmp_path / "export"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def live(demo_store: Store, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """The app on the demo team, keeping an export current in ``tmp_path/live``."""
    folder = tmp_path / "live"
    settings = Settings(sweep_seconds=0, base_url=BASE, status_export_dir=folder)
    with TestClient(create_app(settings, store=demo_store)) as client:
        yield client, folder


def test_the_export_served_by_http_server_answers_the_live_apps_bytes(
    demo_store: Store, static: tuple[Path, str], live: tuple[TestClient, Path]
) -> None:
    root, url = static
    client, _ = live
    published = Published(demo_store, BASE)
    assert published.render_all() == [DEMO_TEAM]
    done = export.export(published, root)
    assert done.unchanged == 0 and not done.removed and len(done.changed) == 26
    with httpx.Client(base_url=url, follow_redirects=True) as files:  # /status is a folder: 301 to /status/
        for path in PATHS:
            served, answered = files.get(path), client.get(path)
            assert served.status_code == answered.status_code == 200, path
            assert served.content == answered.content, path
    assert export.export(published, root).changed == []  # nothing moved: nothing rewritten


def test_a_server_with_an_export_rewrites_what_a_published_update_changes(
    demo_store: Store, live: tuple[TestClient, Path]
) -> None:
    client, folder = live
    summary, board = folder / "api/v2/summary.json", folder / f"public/{DEMO_TEAM}/bugs/index.html"
    assert summary.read_bytes() == client.get("/api/v2/summary.json").content  # written when the server started
    before = {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}
    act(demo_store, DEMO_TEAM, "ezra", UpdateIncident(number=SEARCH, message="An internal note only."))
    assert {path: path.stat().st_mtime_ns for path in before} == before  # no public byte moved: no file touched
    act(
        demo_store,
        DEMO_TEAM,
        "ezra",
        UpdateIncident(number=SEARCH, status="monitoring", message="Fix out.", public=True),
    )
    assert b'"status":"monitoring"' in summary.read_bytes()
    assert summary.read_bytes() == client.get("/api/v2/summary.json").content
    assert b"Fix out." in (folder / "status/history.atom").read_bytes()
    assert b"(monitoring)" in board.read_bytes()  # the board shows its bugs' linked incident as it stands now
    act(demo_store, DEMO_TEAM, "ezra", PublishBoard(published=False))
    assert not board.exists() and client.get(f"/public/{DEMO_TEAM}/bugs").status_code == 404
    assert f"public/{DEMO_TEAM}/bugs/index.html" not in (folder / export.MANIFEST).read_text()
    act(demo_store, DEMO_TEAM, "ezra", PublishBoard(published=True))
    assert board.read_bytes() == client.get(f"/public/{DEMO_TEAM}/bugs").content


def test_the_export_touches_only_the_files_it_wrote(tmp_path: Path) -> None:
    root = tmp_path / "www"
    (root / "status").mkdir(parents=True)
    (root / "status" / "mine.html").write_text("someone else's")
    (root / "robots.txt").write_text("User-agent: *\n")
    export.write(root, {"status/index.html": b"one", "api/v2/status.json": b"{}"})
    done = export.write(root, {"status/index.html": b"two"})
    assert (done.changed, done.removed, done.unchanged) == (["status/index.html"], ["api/v2/status.json"], 0)
    assert (root / "status" / "mine.html").read_text() == "someone else's" and (root / "robots.txt").exists()
    assert not (root / "api" / "v2").exists()  # the folder it left empty goes too
    (root / export.MANIFEST).write_text("../outside.txt\n/etc/passwd\nstatus/mine.html\n")  # a tampered list
    (tmp_path / "outside.txt").write_text("keep")
    assert export.write(root, {"status/index.html": b"two"}).removed == ["status/mine.html"]
    assert (tmp_path / "outside.txt").read_text() == "keep"


def test_the_cli_default_address_is_the_servers() -> None:
    assert export.DEFAULT_BASE_URL == DEFAULT_BASE_URL

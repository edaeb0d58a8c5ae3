"""The board's upload form: a tracker's export imported as the CLI imports it, its outcome on the page (each
row not read, with its line and reason), the 20 MB limit refused in words, the session's CSRF token required,
and only for those who may import."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from remit.app import Settings, create_app
from remit.kernel.tables import AuditRow
from remit.kernel.uow import Store
from remit.tracker.views import UPLOAD_LIMIT
from tests.conftest import shared_data
from tests.integration.test_web import Browser

HTML = {"Accept": "text/html"}


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def upload(web: Browser, tracker: str, name: str, data: bytes, csrf: str | None = None) -> httpx.Response:
    token = web.csrf("/bugs") if csrf is None else csrf
    return web.client.post(
        "/bugs/upload",
        data={"csrf": token, "tracker": tracker},
        files={"file": (name, data, "application/octet-stream")},
        headers=HTML,
    )


def imports(store: Store) -> int:
    with store.engine.connect() as connection:
        kind = AuditRow.kind == "IssuesImported"
        return connection.execute(select(func.count()).select_from(AuditRow).where(kind)).scalar_one()


def test_an_uploaded_jira_export_is_imported_and_each_unreadable_line_shown(web: Browser, demo_store: Store):
    lines = gzip.decompress(shared_data("jira/storm-bugs.jsonl.gz").read_bytes()).decode().splitlines()
    lines.insert(3, '{"key": "STORM-BROKEN", ')
    web.sign_in("sam")
    before = imports(demo_store)

    answer = upload(web, "jira", "storm.jsonl.gz", gzip.compress("\n".join(lines).encode()))

    assert answer.status_code == 200, answer.text
    text = answer.text
    assert "Imported 1507 jira issues from storm.jsonl.gz: 1507 added, 0 updated, 0 unchanged, 1 unreadable" in text
    assert "<strong>line 4</strong>: not JSON" in text
    assert imports(demo_store) == before + 1


def test_a_file_that_is_not_an_export_is_refused_whole_and_nothing_imported(web: Browser, demo_store: Store):
    web.sign_in("sam")
    before = imports(demo_store)
    answer = upload(web, "github", "notes.txt", b"these are not issues")
    assert answer.status_code == 422
    assert "Not imported: " in answer.text and "not JSON" in answer.text
    assert upload(web, "gitlab", "x.json", b"[]").status_code == 422
    assert imports(demo_store) == before


def test_a_file_over_20_mb_is_refused_in_words(web: Browser, demo_store: Store):
    web.sign_in("sam")
    before = imports(demo_store)
    over = upload(web, "github", "huge.json", b" " * (UPLOAD_LIMIT + 1))
    assert over.status_code == 413
    assert "huge.json is over the 20 MB limit" in over.text
    far_over = upload(web, "github", "huger.json", b" " * (UPLOAD_LIMIT + 200_000))
    assert far_over.status_code == 413  # refused before it is read
    assert "<html" in far_over.text.lower() and "over the limit" in far_over.text
    assert imports(demo_store) == before


def test_an_upload_needs_the_sessions_csrf_token_and_the_right_to_import(web: Browser, demo_store: Store):
    data = shared_data("github/ants-issues.json").read_bytes()
    web.sign_in("sam")
    assert upload(web, "github", "ants-issues.json", data, csrf="forged").status_code == 403
    web.client.cookies.clear()
    web.sign_in("sol")
    refused = upload(web, "github", "ants-issues.json", data)
    assert refused.status_code == 403 and "stakeholder" in refused.text
    assert 'action="/bugs/upload"' not in web.get("/bugs").text
    assert imports(demo_store) == 0 + 1  # the demo's own import only

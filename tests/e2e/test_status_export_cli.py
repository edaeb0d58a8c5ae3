"""`remit status export DIR` as a user runs it on the team's database: the files a web server serves, written
again only when a public byte moved; a bad folder and --server refused in words."""

# ruff: noqa: F811 - the CLI tests' fixtures, imported here, are the tests' arguments

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from tests.e2e.test_cli import first_init, initialised, run, workdir  # noqa: F401 - fixtures


def test_the_export_writes_the_public_files_and_rewrites_only_what_changed(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "status", "export", "site", "--base-url", "https://status.example.com")
    assert code == 0, err
    assert "site: 25 written, 0 unchanged, 0 removed (25 files in all); teams checkout" in out  # no board yet
    site = initialised / "site"
    assert (site / "status/index.html").is_file() and (site / "status/checkout/index.html").is_file()
    assert json.loads((site / "api/v2/status.json").read_text())["status"]["indicator"] == "none"
    assert (site / "static/remit.css").is_file() and not (site / "public").exists()
    steps = [
        ("open", "Search is slow", "--severity", "sev3", "--component", "search", "--as", "ezra"),
        ("update", "1", "--message", "Slower than usual.", "--public", "--as", "ezra"),
    ]
    for step in steps:
        assert run(capsys, "incident", *step)[0] == 0
    code, out, _ = run(capsys, "status", "export", "site", "--base-url", "https://status.example.com")
    assert code == 0 and "site: 24 written, 1 unchanged" in out  # each document names the page's updated_at; the CSS
    feed = feedparser.parse((site / "status/history.atom").read_bytes())
    assert feed.entries[0].title == "Search is slow" and feed.feed.id.startswith("urn:uuid:")
    assert next(link.href for link in feed.feed.links if link.rel == "self") == (
        "https://status.example.com/status/history.atom"
    )
    documents = {path: path.read_bytes() for path in site.rglob("*") if path.is_file() and path.suffix != ".html"}
    assert run(capsys, "incident", "update", "1", "--message", "zq-internal", "--as", "ezra")[0] == 0
    code, out, _ = run(capsys, "status", "export", "site", "--base-url", "https://status.example.com")
    # an internal line moves no JSON or feed byte; the two HTML pages may move with the clock alone (today's
    # uptime cell counts the open incident's minutes until now)
    assert {path: path.read_bytes() for path in documents} == documents
    assert "site: 0 written, 25 unchanged" in out or "site: 2 written, 23 unchanged" in out
    assert not any(b"zq-internal" in path.read_bytes() for path in site.rglob("*") if path.is_file())


def test_a_file_for_a_folder_and_a_server_are_refused_in_words(
    initialised: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (initialised / "taken").write_text("a file")
    code, _, err = run(capsys, "status", "export", "taken")
    assert code == 1 and "taken is a file, not a folder" in err and "Traceback" not in err
    code, _, err = run(capsys, "--server", "http://127.0.0.1:9", "status", "export", "site")
    assert code == 1 and "needs a local --database" in err


def test_a_server_asked_to_export_where_it_cannot_write_says_so_before_it_starts(
    initialised: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("REMIT_BASE_URL", "REMIT_STATUS_EXPORT_DIR", "REMIT_CHECKPOINT_DIR", "REMIT_SIGNING_KEY_FILE"):
        monkeypatch.setenv(name, "")  # what serve sets for its workers: recorded, so undone after the test
        monkeypatch.delenv(name)
    (initialised / "taken").write_text("a file")
    code, _, err = run(capsys, "serve", "--port", "0", "--export", "taken/site")
    assert code == 1 and "cannot write the status export in" in err and "Not a directory" in err
    assert "Traceback" not in err

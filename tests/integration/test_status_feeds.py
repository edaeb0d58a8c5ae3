"""The incident history as Atom and RSS, read by a real feed parser (feedparser), and the published bug board
served as bytes with the status pages: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import feedparser
import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.incidents.commands import OpenIncident, UpdateIncident
from remit.kernel.commands import act, build
from remit.kernel.errors import InvalidInput
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from remit.tracker.commands import PublishBoard
from tests.conftest import Api
from tests.integration.test_status import IMPACT, POSTMORTEM, SECRET, Page, private_team

FEEDS = [f"{at}history.{kind}" for at in ("/status/", "/status/checkout/", "/") for kind in ("atom", "rss")]
HOSTILE = "]]> <script>alert('x')</script> & \"quoted\" <![CDATA[ ok"


@pytest.fixture
def private(store: Store) -> Iterator[Page]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=private_team(store))) as client:
        yield Page(client, store)


def public_lines(private: Page) -> dict[str, list[str]]:
    """Each incident's public updates, newest first, as the JSON API publishes them."""
    incidents = private.client.get("/api/v2/incidents.json").json()["incidents"]
    return {i["name"]: [u["body"] for u in i["incident_updates"]] for i in incidents}


@pytest.mark.parametrize("path", FEEDS)
def test_the_feeds_read_in_a_real_parser_and_hold_the_public_updates_only(private: Page, path: str) -> None:
    answer = private.client.get(path)
    assert answer.status_code == 200
    kind = "atom" if path.endswith(".atom") else "rss"
    assert answer.headers["content-type"] == f"application/{kind}+xml; charset=utf-8"
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if kind == "atom" else "rss20")
    assert parsed.feed.title == "checkout status: incident history"
    assert parsed.feed.link.endswith("/status")
    self_link = next(link.href for link in parsed.feed.links if link.rel == "self")
    assert self_link.endswith(f"/status/history.{kind}")  # the default team's page names its own address
    lines = public_lines(private)
    assert [e.title for e in parsed.entries] == list(lines)  # newest incident first, as incidents.json
    for entry in parsed.entries:
        assert entry.id.startswith("urn:uuid:")
        assert entry.link.endswith(f"#incident-{1 if entry.title.startswith('Card') else 2}")
        text = entry.content[0].value if kind == "atom" else entry.summary
        positions = [text.index(body) for body in lines[entry.title]]
        assert positions == sorted(positions)  # every public line, newest first
        for marker in (SECRET, IMPACT, POSTMORTEM, "Sam Alvarez", "commander"):
            assert marker not in text
    if kind == "atom":
        assert parsed.feed.id.startswith("urn:uuid:") and parsed.feed.updated_parsed is not None
        assert all(e.updated_parsed and e.published_parsed for e in parsed.entries)


def test_feed_ids_are_stable_and_a_public_update_moves_the_feed(private: Page) -> None:
    before = private.client.get("/status/history.atom")
    again = private.client.get("/status/history.atom", headers={"If-None-Match": before.headers["etag"]})
    assert again.status_code == 304
    act(private.store, "checkout", "ezra", UpdateIncident(number=2, message=f"inside {SECRET}"))
    same = private.client.get("/status/history.atom", headers={"If-None-Match": before.headers["etag"]})
    assert same.status_code == 304  # an internal line changes no byte of the feed
    act(private.store, "checkout", "ezra", UpdateIncident(number=2, status="monitoring", message="Fixed.", public=True))
    after = private.client.get("/status/history.atom", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    old, new = feedparser.parse(before.content), feedparser.parse(after.content)
    assert [e.id for e in old.entries] == [e.id for e in new.entries]
    assert new.entries[0].updated_parsed > old.entries[0].updated_parsed
    assert "Fixed." in new.entries[0].content[0].value and "monitoring" in new.entries[0].content[0].value
    rss = private.client.get("/status/history.rss")
    assert rss.headers["etag"] != after.headers["etag"] and "Fixed." in feedparser.parse(rss.content).entries[0].summary


def test_a_hostile_title_and_update_are_text_in_every_feed(private: Page) -> None:
    number = act(
        private.store,
        "checkout",
        "ezra",
        build(OpenIncident, title=HOSTILE, severity="sev3", components=["search"], message=HOSTILE, public=True),
    ).number
    with pytest.raises(InvalidInput, match="control character"):
        build(OpenIncident, title="bad \x07 bell", severity="sev3", components=["search"])  # refused upstream
    for path in FEEDS:
        answer = private.client.get(path)
        assert b"<script>" not in answer.content and b"]]> " not in answer.content
        parsed = feedparser.parse(answer.content)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        entry = parsed.entries[0]
        assert entry.title == HOSTILE and entry.link.endswith(f"#incident-{number}")
        text = entry.content[0].value if path.endswith(".atom") else entry.summary
        assert "<script>" not in text  # the update's words are text, escaped once more inside the HTML
        assert "&lt;script&gt;alert(" in text and "&lt;/script&gt;" in text and "]]&gt;" in text


def test_the_status_page_advertises_its_feeds(private: Page) -> None:
    html = private.client.get("/status").text
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert '/status/history.atom">' in html and '/status/history.rss">' in html
    assert ">Atom feed</a>" in html and ">RSS</a>" in html
    assert "/status/growth/history.atom" not in html


def test_the_published_board_is_bytes_with_an_etag_and_a_search_is_the_apps(api: Api) -> None:
    path = f"/public/{DEMO_TEAM}/bugs"
    bare = api.client.get(path)
    assert bare.status_code == 200 and "CHK-142" in bare.text and "northwind" not in bare.text
    assert "x-request-id" not in bare.headers and bare.headers["cache-control"].startswith("public, max-age=")
    assert " ago" not in bare.text and "Times are in Europe/Berlin" in bare.text
    assert api.client.get(path, headers={"If-None-Match": bare.headers["etag"]}).status_code == 304
    searched = api.client.get(path, params={"q": "CHK-142"})
    assert searched.status_code == 200 and "x-request-id" in searched.headers  # through the app
    assert "Refunds to expired cards" in searched.text and "Times are in Europe/Berlin" in searched.text
    assert searched.headers["cache-control"] == "no-store"
    assert api.client.get("/public/no-such-team/bugs").status_code == 404


def test_an_unpublished_board_answers_404_with_nothing_of_the_board(api: Api) -> None:
    path = f"/public/{DEMO_TEAM}/bugs"
    etag = api.client.get(path).headers["etag"]
    act(api.store, DEMO_TEAM, "ezra", PublishBoard(published=False))
    for asked in ({}, {"If-None-Match": etag}):
        gone = api.client.get(path, headers=asked)
        assert gone.status_code == 404 and "CHK-142" not in gone.text and "Refunds" not in gone.text
    assert api.client.get(path, params={"q": "CHK"}).status_code == 404
    act(api.store, DEMO_TEAM, "ezra", PublishBoard(published=True))
    assert api.client.get(path).headers["etag"] == etag  # the same bytes again

"""The feeds from a snapshot, with no database: every text escaped, characters XML cannot carry replaced,
the same bytes for the same snapshot, ids that do not depend on the address."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace

import feedparser
import pytest

from remit.status import feeds
from remit.status.model import PublicIncident, PublicUpdate, Snapshot

TITLE = "]]> <script>alert(1)</script> & 'q' \x01 \ufffe end"  # \x01 and \ufffe: what an import might carry


def snapshot(title: str = TITLE, body: str = "<b>not bold</b> ]]> &amp;\nsecond line") -> Snapshot:
    update = PublicUpdate(7, "2026-11-02T09:01:00+00:00", "investigating", body)
    incident = PublicIncident(
        1, title, "investigating", "minor", "degraded_performance", ("search",), "2026-11-02T09:00:00+00:00", None,
        (update,),
    )  # fmt: skip
    return Snapshot("checkout", "Checkout", "https://status.example.com/status", "Europe/Berlin",
                    "2026-11-01T08:00:00+00:00", ("search",), (incident,))  # fmt: skip


@pytest.mark.parametrize("render", [feeds.atom, feeds.rss])
def test_every_text_is_escaped_and_what_xml_cannot_carry_is_replaced(render: Callable[[Snapshot], bytes]) -> None:
    written = render(snapshot())
    ET.fromstring(written)  # noqa: S314 - our own bytes: well-formed XML 1.0
    assert b"<script>" not in written and b"]]>" not in written and b"\x01" not in written
    parsed = feedparser.parse(written)
    assert not parsed.bozo
    [entry] = parsed.entries
    assert entry.title == "]]> <script>alert(1)</script> & 'q' \ufffd \ufffd end"
    html = entry.content[0].value if render is feeds.atom else entry.summary
    assert "&lt;b&gt;not bold&lt;/b&gt; ]]&gt; &amp;amp;<br />second line" in html
    assert "2026-11-02 10:01 CET" in html  # the update's time in the team's zone


def test_the_same_snapshot_gives_the_same_bytes_and_ids_survive_a_new_address() -> None:
    assert feeds.atom(snapshot()) == feeds.atom(snapshot())
    moved = replace(snapshot(), url="https://other.example.org/status")
    ids = [e.id for e in feedparser.parse(feeds.atom(snapshot())).entries]
    assert ids == [e.id for e in feedparser.parse(feeds.atom(moved)).entries]
    other_install = replace(snapshot(), since="2025-01-01T00:00:00+00:00")  # another Remit's team of that name
    assert feeds.urn(other_install, "incident", 1) != feeds.urn(snapshot(), "incident", 1)


def test_an_incident_with_no_public_update_says_so() -> None:
    quiet = replace(snapshot(), incidents=(replace(snapshot().incidents[0], updates=()),))
    assert "No update published yet." in feedparser.parse(feeds.rss(quiet)).entries[0].summary

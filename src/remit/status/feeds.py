"""A team's incident history as an Atom 1.0 feed (RFC 4287) and an RSS 2.0 feed, from the public ``Snapshot``:
one entry per incident (the newest 50, as ``incidents.json``), its content the incident's public updates,
newest first. Plain Python: the standard library only.

Written with ``xml.etree.ElementTree``, whose serializer escapes every text and attribute (``<``, ``&``,
``]]>`` and quotes: no CDATA, no hand-built XML). An entry's content is HTML carried as escaped text
(``type="html"``), its own texts escaped with ``html.escape`` first. XML 1.0 cannot carry most control
characters at all, escaped or not: the commands refuse them, and any that came in another way (an import)
become U+FFFD here, so a feed always parses.

Ids are ``urn:uuid:`` names derived from the team, the day it was created and the incident's number: stable
across restarts, servers and a change of address, and distinct from another Remit's team of the same name."""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import format_datetime

from remit.kernel import times
from remit.status.model import INCIDENTS_LISTED, PublicIncident, Snapshot

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
FEEDS = {"history.atom": ATOM_TYPE, "history.rss": RSS_TYPE}  # each feed's name beside the page, and its type
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # what XML 1.0 cannot carry


def clean(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text)


def urn(s: Snapshot, *parts: object) -> str:
    """A stable ``urn:uuid:`` for the team's feed or one of its incidents."""
    name = "\x1f".join(str(part) for part in ("remit-status", s.team, s.since[:10], *parts))
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def feed_url(s: Snapshot, name: str) -> str:
    return f"{s.url}/{name}"


def title(s: Snapshot) -> str:
    return f"{s.name} status: incident history"


def incidents(s: Snapshot) -> tuple[PublicIncident, ...]:
    return s.incidents[:INCIDENTS_LISTED]


def content(s: Snapshot, incident: PublicIncident) -> str:
    """The entry's HTML: what it affects and its impact, then each public update, newest first."""
    facts = f"{incident.impact} impact"
    if incident.components:
        facts += " · affects " + ", ".join(incident.components)
    parts = [f"<p>{html.escape(facts)}</p>"]
    for update in reversed(incident.updates):
        when = html.escape(times.exact(update.at, s.time_zone))
        body = html.escape(update.body).replace("\n", "<br>")
        parts.append(f"<p><small>{when}</small><br><strong>{html.escape(update.status)}</strong> - {body}</p>")
    if not incident.updates:
        parts.append("<p>No update published yet.</p>")
    return "".join(parts)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True, short_empty_elements=True)
    return written + b"\n"


def atom(s: Snapshot) -> bytes:
    """The Atom feed: id, title, updated, the self and alternate links, an author; each entry with id, title,
    published, updated, a link to the incident on the page, and its updates as HTML content."""
    feed = ET.Element("feed", {"xmlns": ATOM})
    _sub(feed, "id", urn(s, "feed"))
    _sub(feed, "title", title(s))
    _sub(feed, "updated", s.updated_at)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url(s, "history.atom"))
    _sub(feed, "link", rel="alternate", type="text/html", href=s.url)
    _sub(_sub(feed, "author"), "name", s.name)
    for incident in incidents(s):
        entry = _sub(feed, "entry")
        _sub(entry, "id", urn(s, "incident", incident.number))
        _sub(entry, "title", incident.name)
        _sub(entry, "published", incident.created_at)
        _sub(entry, "updated", incident.updated_at)
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{s.url}#incident-{incident.number}")
        _sub(entry, "category", term=incident.status)
        _sub(entry, "content", content(s, incident), type="html")
    return _bytes(feed)


def _rfc822(value: str) -> str:
    return format_datetime(datetime.fromisoformat(value), usegmt=True)


def rss(s: Snapshot) -> bytes:
    """The RSS 2.0 feed: the channel (with an ``atom:link`` to itself, as the RSS Advisory Board advises) and an
    item per incident, its guid the Atom entry's id."""
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM})
    channel = _sub(root, "channel")
    _sub(channel, "title", title(s))
    _sub(channel, "link", s.url)
    _sub(channel, "description", f"Incidents and their public updates on the {s.name} status page")
    _sub(channel, "lastBuildDate", _rfc822(s.updated_at))
    _sub(channel, "atom:link", rel="self", type="application/rss+xml", href=feed_url(s, "history.rss"))
    for incident in incidents(s):
        item = _sub(channel, "item")
        _sub(item, "title", incident.name)
        _sub(item, "link", f"{s.url}#incident-{incident.number}")
        _sub(item, "guid", urn(s, "incident", incident.number), isPermaLink="false")
        _sub(item, "pubDate", _rfc822(incident.updated_at))
        _sub(item, "category", incident.status)
        _sub(item, "description", content(s, incident))
    return _bytes(root)


def feeds(s: Snapshot) -> dict[str, bytes]:
    """Both feeds, by their name beside the page (``history.atom``, ``history.rss``)."""
    return {"history.atom": atom(s), "history.rss": rss(s)}

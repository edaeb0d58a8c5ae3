"""Channels and what a person wants to receive: plain Python.

A channel is an Apprise URL. ``kind_of`` says who sends it: Remit itself for Slack (Block Kit), email
(a plain-text part and an HTML part) and JSON webhooks, which Apprise cannot shape as the message needs;
Apprise for every other scheme it knows. ``masked`` is how a URL is shown anywhere (pages, API, command
line, the audit chain): its scheme and a hint of its host, never the tokens or passwords it carries."""

from __future__ import annotations

import ipaddress
import random
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from remit.charter.model import PLACEHOLDER, Charter
from remit.kernel.errors import InvalidInput


class Kind(StrEnum):
    SLACK = "slack"  # slack://T/B/C (hooks.slack.com), slack+http(s)://host/path (a relay, or a test receiver)
    EMAIL = "email"  # mailto://, mailtos://
    JSON = "json"  # json://, jsons://
    APPRISE = "apprise"  # anything else Apprise knows


SCHEMES = {
    "slack": Kind.SLACK,
    "slack+http": Kind.SLACK,
    "slack+https": Kind.SLACK,
    "mailto": Kind.EMAIL,
    "mailtos": Kind.EMAIL,
    "json": Kind.JSON,
    "jsons": Kind.JSON,
}
MAX_URL = 2000


def scheme_of(url: str) -> str:
    return url.partition("://")[0].lower()


def kind_of(url: str) -> Kind:
    return SCHEMES.get(scheme_of(url), Kind.APPRISE)


def masked(url: str) -> str:
    """``slack://T0…/…``, ``mailto://smtp.example.com/…``: the scheme, the host's first letters (the whole
    host for mail and relays, which carry no secret there), nothing else. The secrets a charter's channel
    names are shown by name, as written, never their values: ``slack://${SLACK_INCIDENTS}``,
    ``mailto://smtp.example.com/… (${SMTP_PASSWORD})``."""
    scheme, _, rest = url.partition("://")
    if PLACEHOLDER.search(rest) and not PLACEHOLDER.sub("", rest).strip("/"):  # names only: nothing to hide
        return url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    host = "" if "${" in host else host  # a secret's name, lower-cased: shown below as written
    first = PLACEHOLDER.match(rest)
    if kind_of(url) in (Kind.EMAIL, Kind.JSON) or scheme.startswith("slack+"):
        shown = host  # a server's address; the user, password, path and query stay hidden
    elif first:
        shown = first.group(0)
    else:
        shown = rest[:3] + "…" if len(rest) > 12 else ""  # the first part is a token for most services
    plain = f"{scheme}://{shown}/…" if shown else f"{scheme}://…"
    names = [
        name for name in dict.fromkeys(found.group(0) for found in PLACEHOLDER.finditer(rest)) if name not in plain
    ]
    return f"{plain} ({', '.join(names)})" if names else plain


def checked_url(url: str) -> str:
    """A channel URL as a person typed it, trimmed, or ``InvalidInput`` (never quoting it: it may be a
    secret)."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not rest or any(character.isspace() for character in url):
        raise InvalidInput(
            "url: not a channel URL",
            hint="write it as scheme://..., e.g. mailto://smtp.example.com?to=you@example.com or slack://T/B/C",
        )
    if len(url) > MAX_URL:
        raise InvalidInput(f"url: longer than {MAX_URL} characters")
    return url


def internal_target(url: str) -> str | None:
    """The host of ``url`` when it names this machine or a private network outright: ``localhost``, or an
    address that is loopback, private, link-local (the cloud metadata service), reserved or unspecified,
    however it is written (``127.1``, ``0x7f000001``, ``[::1]``). ``None`` otherwise. A name that only
    resolves to such an address is not caught here (resolving it now would not hold when it is sent)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        try:  # the forms inet_aton also reads: 127.1, 0x7f.1, 2130706433
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    internal = address.is_loopback or address.is_private or address.is_link_local
    return host if internal or address.is_reserved or address.is_unspecified or address.is_multicast else None


def charter_channels(charter: Charter) -> frozenset[str]:
    """The channels the charter lists (the roster's and the team's): the only ones that may name a secret kept on
    the server (``${NAME}``), since the team reviews and adopts the charter."""
    listed = [url for person in charter.people.values() for url in person.notify]
    return frozenset([*listed, *(url for urls in charter.notify.values() for url in urls)])


def stranger(url: str, charter: Charter) -> bool:
    """Whether ``url`` names a secret but is not the charter's (added in the app, a status page subscriber's):
    it is never sent with the secret put in."""
    return PLACEHOLDER.search(url) is not None and url not in charter_channels(charter)


class Topic(StrEnum):
    """What a person may choose to receive. A message of none of them (a digest) always arrives."""

    DECISIONS_ASKED = "decisions-asked"  # a consulted role: your view is asked
    DECISIONS_TOLD = "decisions-told"  # an informed role: a decision opened
    STATE_CHANGES = "state-changes"  # a decision was blocked, approved, withdrawn, expired, reopened
    INCIDENTS = "incidents"  # incident notices, and the customer-impact consult


CHOSEN = tuple(Topic)
TOPIC_WORDS = {
    Topic.DECISIONS_ASKED: "decisions you are consulted on",
    Topic.DECISIONS_TOLD: "decisions you are told of, when they open",
    Topic.STATE_CHANGES: "a decision's state changes (blocked, approved, withdrawn, expired)",
    Topic.INCIDENTS: "incidents (opened, severity and status changes, the impact consult)",
}


def topic_of(topic: str, asks: bool) -> Topic | None:
    area, _, what = topic.partition(".")
    if area == "incident":
        return Topic.INCIDENTS
    if area == "decision":
        if what == "opened":
            return Topic.DECISIONS_ASKED if asks else Topic.DECISIONS_TOLD
        return Topic.DECISIONS_ASKED if asks else Topic.STATE_CHANGES
    return None


def area_of(topic: str) -> str:
    """The team's ``[notify]`` area a message to the team goes to (besides ``all``)."""
    return {"decision": "decisions", "incident": "incidents"}.get(topic.partition(".")[0], "")


class Digest(StrEnum):
    """News may wait for a digest; a question (a consult) never does."""

    OFF = "off"
    HOURLY = "hourly"
    DAILY = "daily"  # at DAILY_HOUR UTC


DAILY_HOUR = 8


def digest_due(digest: Digest, now: datetime) -> datetime:
    """When a message held for ``digest`` at ``now`` goes out: the next hour, or the next 08:00 UTC."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    if digest is Digest.HOURLY:
        return hour + timedelta(hours=1)
    morning = hour.replace(hour=DAILY_HOUR)
    return morning if morning > now else morning + timedelta(days=1)


@dataclass(frozen=True)
class Preferences:
    topics: frozenset[Topic] = frozenset(CHOSEN)
    digest: Digest = Digest.OFF

    def wants(self, topic: str, asks: bool) -> bool:
        chosen = topic_of(topic, asks)
        return chosen is None or chosen in self.topics

    def holds(self, asks: bool) -> bool:
        """Whether a message waits for the digest."""
        return self.digest is not Digest.OFF and not asks


# Retries: exponential back-off from FIRST_RETRY, capped at LONGEST_WAIT, with full jitter on the upper half
# (so many failing deliveries do not retry in step); dead after MAX_ATTEMPTS.
FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 10


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1, 2, ...)."""
    ceiling = min(LONGEST_WAIT, FIRST_RETRY * (1 << min(20, max(0, attempts - 1))))
    share: float = (rng or random.Random()).uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret
    return ceiling * share

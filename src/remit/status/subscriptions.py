"""Status page subscriptions: who asked to hear of the page, and the links that confirm and end it. Plain
Python (the standard library and the kernel's errors).

A subscriber is an email address or a webhook URL. A subscription is ``pending`` until its confirmation link
is opened (double opt-in; it expires after ``PENDING_FOR``), then ``confirmed`` (the only state that receives
notices), then ``ended`` (unsubscribed, or removed by the team).

Links. Each link names the subscription, carries a secret, and is signed: ``{id}.{secret}.{mac}``, where
``mac`` is an HMAC-SHA256 of the purpose (``confirm`` or ``unsubscribe``), the team, the id and the secret,
under the team's link key. A link whose signature does not hold is refused before anything is looked up; one
whose secret's SHA-256 is not the one stored (a link of an older subscription, or used already) is refused
after. The confirmation secret is random and used once. The unsubscribe secret is derived from the key and a
random salt kept with the subscription, because every message must carry it long after it was made; a new
subscription of the same address gets a new salt, so older links stop working. Only the secrets' digests are
stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from remit.kernel.errors import InvalidInput, RemitError

PENDING_FOR = timedelta(hours=48)
MAX_EMAIL = 254  # RFC 5321's longest path
MAX_URL = 500
MAX_COMPONENTS = 50
PUBLIC = "public"  # the audit chain's actor for what a stakeholder does on the public page
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class Kind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class State(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    ENDED = "ended"


class Purpose(StrEnum):
    CONFIRM = "confirm"
    UNSUBSCRIBE = "unsubscribe"


class BadLink(RemitError):
    """A confirm or unsubscribe link that is not one Remit sent, was altered, was used already, or expired."""

    code = "bad_link"
    status = 404


@dataclass(frozen=True)
class Address:
    kind: Kind
    value: str  # the email address (its domain lower-cased), or the webhook URL as given

    @property
    def key(self) -> str:
        """What finds the same subscriber again: the address's SHA-256 (the email case-folded)."""
        plain = self.value.lower() if self.kind is Kind.EMAIL else self.value
        return hashlib.sha256(f"{self.kind}:{plain}".encode()).hexdigest()

    @property
    def shown(self) -> str:
        """How the address is shown to the team and on the audit chain: an email's first letter and domain
        (``p…@example.com``); a webhook's scheme and host (``https://hooks.example.com/…``)."""
        if self.kind is Kind.EMAIL:
            local, _, domain = self.value.rpartition("@")
            return f"{local[:1]}…@{domain}"
        parts = urlsplit(self.value)
        return f"{parts.scheme}://{parts.hostname}/…"

    @property
    def channel(self) -> str:
        """The notify channel URL that reaches it: an email through the server's mail relay
        (``mailto://?to=...``), a webhook as Remit's JSON webhook (``json://`` / ``jsons://``)."""
        if self.kind is Kind.EMAIL:
            return "mailto://?to=" + self.value
        scheme, _, rest = self.value.partition("://")
        return ("jsons://" if scheme.lower() == "https" else "json://") + rest


def parse_address(text: str) -> Address:
    """An email address or an http(s) webhook URL, or ``InvalidInput`` saying which it is not."""
    value = text.strip()
    if not value:
        raise InvalidInput("address: empty", hint="give an email address or a webhook URL", field="address")
    if "://" in value:
        return _webhook(value)
    if len(value) > MAX_EMAIL:
        raise InvalidInput(f"address: longer than {MAX_EMAIL} characters", field="address")
    if not EMAIL.match(value):
        raise InvalidInput(
            "address: not an email address or a webhook URL",
            hint="write it as name@example.com, or https://example.com/hook",
            field="address",
        )
    local, _, domain = value.rpartition("@")
    return Address(Kind.EMAIL, f"{local}@{domain.lower()}")


def _webhook(value: str) -> Address:
    if len(value) > MAX_URL:
        raise InvalidInput(f"address: a webhook URL longer than {MAX_URL} characters", field="address")
    parts = urlsplit(value)
    try:
        host = parts.hostname if parts.port is None or parts.port > 0 else None
    except ValueError:  # a port that is not a number
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host or any(c.isspace() for c in value):
        raise InvalidInput(
            "address: a webhook URL is http:// or https:// and names a host",
            hint="e.g. https://example.com/status-hook",
            field="address",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInput(
            "address: a webhook URL carries no user, password, query or fragment",
            hint="put any secret in the path: https://example.com/hooks/SECRET",
            field="address",
        )
    return Address(Kind.WEBHOOK, value)


def chosen(components: list[str], public: tuple[str, ...]) -> list[str]:
    """The components a subscriber chose, each once, in the page's order; none: all of them. A component the
    page does not show publicly is ``InvalidInput``."""
    unknown = [name for name in dict.fromkeys(components) if name not in public]
    if unknown:
        listed = ", ".join(public) or "none"
        raise InvalidInput(
            f"components: {', '.join(unknown)} not on this status page",
            hint=f"choose among {listed}, or none for all",
            field="components",
        )
    return [name for name in public if name in components]


def wants(components: list[str], affected: tuple[str, ...]) -> bool:
    """Whether a subscriber to ``components`` (none: all) hears of what affects ``affected``."""
    return not components or bool(set(components) & set(affected))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(18)


def new_key() -> str:
    return secrets.token_hex(32)


def _mac(key: str, purpose: Purpose, team: str, ident: int, secret: str) -> str:
    message = f"{purpose}|{team}|{ident}|{secret}".encode()
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_secret(key: str, team: str, ident: int, salt: str) -> str:
    """The unsubscribe secret of a subscription, derived again for each message."""
    message = f"unsubscribe-secret|{team}|{ident}|{salt}".encode()
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()[:32]


def link_token(key: str, purpose: Purpose, team: str, ident: int, secret: str) -> str:
    return f"{ident}.{secret}.{_mac(key, purpose, team, ident, secret)}"


def split_token(token: str) -> tuple[int, str, str]:
    """(id, secret, mac) of a link's token, or ``BadLink``."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12 or not parts[1] or len(token) > 200:
        raise BadLink("this link is not one we sent", hint="copy the whole link from the message")
    return int(parts[0]), parts[1], parts[2]


def check_token(key: str, purpose: Purpose, team: str, token: str) -> tuple[int, str]:
    """(id, secret) of a link whose signature holds, or ``BadLink``."""
    ident, secret, mac = split_token(token)
    if not hmac.compare_digest(mac.encode(), _mac(key, purpose, team, ident, secret).encode()):
        raise BadLink("this link is not one we sent, or it was changed", hint="copy the whole link from the message")
    return ident, secret

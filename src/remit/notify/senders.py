"""Sending one delivery to one channel, outside any transaction.

Remit sends three kinds itself, because Apprise cannot shape them as the message needs:
- Slack: Apprise's Slack plugin builds its own blocks from a title and a body; Remit posts its Block Kit
  layout (``render.slack``) to the incoming webhook. ``slack://T/B/C`` is Slack's own
  ``https://hooks.slack.com/services/T/B/C``; ``slack+https://host/path`` (and ``slack+http://`` for a test
  receiver or a relay on the same machine) posts the same payload to that address.
- Email: Apprise sends one body, text or HTML; Remit sends a multipart message (a plain-text part and an
  HTML part) with ``smtplib``, reading Apprise's ``mailto://`` / ``mailtos://`` URLs.
- JSON webhooks: Apprise's ``json://`` plugin posts its own envelope (title, message, type); Remit posts the
  message as data (``render.document``).
Every other scheme goes through Apprise (title and text body).

Each delivery carries its stable id (``key``): ``X-Remit-Delivery`` on HTTP, ``Message-ID`` and
``X-Remit-Delivery`` on email, so a receiver can drop the repeat the one-in-flight case may cause."""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
import threading
from dataclasses import dataclass, replace
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx

from remit.charter.model import PLACEHOLDER
from remit.kernel.messages import Message
from remit.notify import render, secrets
from remit.notify.channels import Kind, kind_of, scheme_of

log = logging.getLogger("remit.notify")
TIMEOUT = 10.0
SLACK_HOOKS = "https://hooks.slack.com/services/"
RETRYABLE = frozenset({408, 425, 429})


class SendFailed(Exception):
    """The channel did not take the delivery. ``permanent``: trying again cannot help (a 4xx, an unknown
    scheme), so it is dead at once."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


@dataclass(frozen=True)
class Outgoing:
    key: str  # the delivery's stable id
    url: str
    message: Message
    base_url: str
    relay: str | None = None  # the server's mail relay (REMIT_MAIL_URL), for a mailto URL that names no host

    @property
    def link(self) -> str:
        return render.absolute(self.base_url, self.message.link)


def send(outgoing: Outgoing, *, timeout: float = TIMEOUT) -> None:
    """Deliver, or raise ``SendFailed``. A secret the URL names (``${SLACK_INCIDENTS}``) is put in here, from
    this process's environment, and kept out of any error (put back as its name)."""
    if not secrets.named(outgoing.url):
        _send(outgoing, timeout)
        return
    resolved = secrets.resolve(outgoing.url)
    if resolved.missing:  # retried: the operator sets it and restarts the sender
        raise SendFailed(resolved.why_missing())
    try:
        _send(replace(outgoing, url=resolved.url), timeout)
    except SendFailed as failed:
        raise SendFailed(resolved.scrub(failed.reason), permanent=failed.permanent) from None
    except Exception as error:  # the worker would quote it: it must not quote the secret
        raise SendFailed(resolved.scrub(f"{type(error).__name__}: {error}")) from None


def _send(outgoing: Outgoing, timeout: float) -> None:
    kind = kind_of(outgoing.url)
    if kind is Kind.SLACK:
        target = slack_target(outgoing.url)
        if target is None:  # a bot token (slack://xoxb-...): Apprise posts through Slack's API
            _apprise(outgoing)
            return
        payload = render.slack(outgoing.message, outgoing.link, outgoing.key)
        _post(target, payload, outgoing.key, timeout)
    elif kind is Kind.JSON:
        target, headers, auth = json_target(outgoing.url)
        _post(
            target, render.document(outgoing.message, outgoing.link, outgoing.key), outgoing.key, timeout, headers, auth
        )
    elif kind is Kind.EMAIL:
        _email(outgoing, timeout)
    else:
        _apprise(outgoing)


def slack_target(url: str) -> str | None:
    scheme, _, rest = url.partition("://")
    if scheme.lower() in ("slack+http", "slack+https"):
        return f"{scheme.lower().removeprefix('slack+')}://{rest}"
    path = rest.split("?")[0].rpartition("@")[2]  # slack://botname@T/B/C: the name is not a token
    tokens = [part for part in path.split("/") if part and not part.startswith(("#", "@"))]
    if len(tokens) >= 3 and not tokens[0].startswith("xox"):
        return SLACK_HOOKS + "/".join(tokens[-3:])
    return None


def json_target(url: str) -> tuple[str, dict[str, str], tuple[str, str] | None]:
    """``json://user:pass@host:port/path?+X-Header=value`` as Apprise reads it: the address, the extra headers
    (``+name=value``) and basic auth."""
    parts = urlsplit(url)
    secure = scheme_of(url) == "jsons"
    port = f":{parts.port}" if parts.port else ""
    target = f"{'https' if secure else 'http'}://{parts.hostname}{port}{parts.path or '/'}"
    query = parse_qs(re.sub(r"(^|&)\+", r"\1%2B", parts.query))  # a leading + names a header, not a space
    headers = {name[1:]: values[-1] for name, values in query.items() if name.startswith("+")}
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    return target, headers, auth


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def client() -> httpx.Client:
    """One HTTP client per process, shared by the sending threads (httpx's client is thread-safe): its
    connections are reused, and its TLS context is built once (building one costs tens of milliseconds)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(timeout=TIMEOUT, headers={"User-Agent": "Remit"})
        return _client


def _post(
    target: str,
    payload: dict[str, object],
    key: str,
    timeout: float,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> None:
    sent = {"Content-Type": "application/json", "User-Agent": "Remit", "X-Remit-Delivery": key, **(headers or {})}
    try:
        login = httpx.BasicAuth(*auth) if auth else httpx.USE_CLIENT_DEFAULT
        response = client().post(target, content=json.dumps(payload), headers=sent, timeout=timeout, auth=login)
    except httpx.HTTPError as error:
        raise SendFailed(f"{type(error).__name__}: {error}") from None
    if response.status_code >= 300:
        permanent = 400 <= response.status_code < 500 and response.status_code not in RETRYABLE
        raise SendFailed(f"HTTP {response.status_code}: {response.text[:200]}", permanent=permanent)


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    secure: bool
    user: str | None
    password: str | None
    sender: str
    to: tuple[str, ...]


def mailbox(url: str, relay: str | None = None) -> Mailbox:
    """Apprise's email URL: ``mailto://[user:password@]host[:port]?to=a@x,b@y&from=remit@x[&smtp=server]``.
    With no ``to``, the mail goes to ``user@host``; ``mailtos://`` uses TLS (port 465: TLS from the start;
    otherwise STARTTLS, port 587 by default). A URL with no host (``mailto://?to=a@x``, a status page
    subscriber's) goes through ``relay``, the server's own ``mailto://`` URL, to its ``to``."""
    if relay and not urlsplit(url).hostname:
        recipient = parse_qs(urlsplit(url).query).get("to", [""])[-1]
        url = relay.split("?")[0] + "?" + "&".join([f"to={quote(recipient, safe='@')}", *_relay_options(relay)])
    parts = urlsplit(url)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    secure = scheme_of(url) == "mailtos"
    host = parts.hostname or ""
    user = unquote(parts.username) if parts.username else None
    to = tuple(address.strip() for address in query.get("to", "").split(",") if address.strip())
    if not to and user:
        to = (f"{user}@{host}",)
    if to and not host:
        raise SendFailed("no mail relay to send through: set REMIT_MAIL_URL (mailto://smtp.example.com?from=...)")
    if not to or not host:
        raise SendFailed("the mailto URL names no recipient (add ?to=someone@example.com)", permanent=True)
    return Mailbox(
        host=query.get("smtp", host),
        port=parts.port or (587 if secure else 25),
        secure=secure,
        user=user,
        password=unquote(parts.password) if parts.password else None,
        sender=query.get("from") or (f"{user}@{host}" if user else f"remit@{host}"),
        to=to,
    )


def _relay_options(relay: str) -> list[str]:
    """The relay URL's options other than its recipients (``from``, ``smtp``)."""
    query = urlsplit(relay).query
    return [part for part in query.split("&") if part and not part.startswith("to=")]


# RFC 5322's longest line: a List-Unsubscribe URL is kept whole (folding it would encode it, and mail clients
# read it as it stands)
HEADERS_WHOLE = email_policy.default.clone(max_line_length=998)


def email(outgoing: Outgoing, box: Mailbox) -> EmailMessage:
    """The email: subject = the message's subject, a plain-text part and an HTML part."""
    mail = EmailMessage(policy=HEADERS_WHOLE)
    mail["Subject"] = outgoing.message.subject
    mail["From"] = box.sender
    mail["To"] = ", ".join(box.to)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = f"<{outgoing.key}@remit>"
    mail["X-Remit-Delivery"] = outgoing.key
    if outgoing.message.unsubscribe:  # RFC 2369 and RFC 8058: one click in the mail client unsubscribes (a POST)
        mail["List-Unsubscribe"] = f"<{outgoing.message.unsubscribe}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(render.text(outgoing.message, outgoing.link))
    mail.add_alternative(render.html(outgoing.message, outgoing.link), subtype="html")
    return mail


def _email(outgoing: Outgoing, timeout: float) -> None:
    box = mailbox(outgoing.url, outgoing.relay)
    mail = email(outgoing, box)
    try:
        if box.secure and box.port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                box.host, box.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(box.host, box.port, timeout=timeout)
        with client:
            if box.secure and box.port != 465:
                client.starttls(context=ssl.create_default_context())
            if box.user and box.password:
                client.login(box.user, box.password)
            client.send_message(mail)
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        raise SendFailed(f"SMTP {error.smtp_code}: {error.smtp_error!r}", permanent=permanent) from None
    except (OSError, smtplib.SMTPException) as error:
        raise SendFailed(f"{type(error).__name__}: {error}") from None


def _apprise(outgoing: Outgoing) -> None:
    import apprise  # loaded only for the channels Remit does not send itself

    sender = apprise.Apprise()
    if not sender.add(outgoing.url):
        raise SendFailed(f"Apprise does not know the scheme '{scheme_of(outgoing.url)}://'", permanent=True)
    with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
        ok = sender.notify(title=outgoing.message.subject, body=render.text(outgoing.message, outgoing.link))
    if not ok:
        raise SendFailed(f"Apprise: {captured.getvalue().strip()[-300:] or 'not delivered'}")


def undeliverable(url: str) -> str:
    """Why ``url`` cannot be delivered ("" if it can): a scheme neither Remit nor Apprise sends, or a URL of
    Remit's own kinds that names no address. A secret it names (``${NAME}``) is not needed: its shape is
    checked with a stand-in, and a Slack URL's secret may be the whole webhook (``slack://${SLACK_INCIDENTS}``)."""
    kind = kind_of(url)
    if secrets.named(url):
        if kind is Kind.SLACK or kind is Kind.APPRISE:
            return "" if kind is Kind.SLACK or _apprise_knows(scheme_of(url)) else _unknown(url)
        url = PLACEHOLDER.sub("secret", url)
    if kind is Kind.SLACK:
        return (
            "" if slack_target(url) is not None or "xox" in url else "a Slack URL is slack://T.../B.../... (a webhook)"
        )
    if kind is Kind.EMAIL:
        try:
            mailbox(url)
        except SendFailed as failed:
            return failed.reason
        return ""
    if kind is Kind.JSON:
        return "" if urlsplit(url).hostname else "a JSON webhook needs a host: json://host/path"
    import apprise

    known = apprise.Apprise.instantiate(url) is not None
    return "" if known else _unknown(url)


def _unknown(url: str) -> str:
    return f"Apprise does not know the scheme '{scheme_of(url)}://', or the URL is incomplete"


def _apprise_knows(scheme: str) -> bool:
    import apprise

    for service in apprise.Apprise().details()["schemas"]:
        for protocols in (service.get("protocols"), service.get("secure_protocols")):
            if scheme == protocols or (isinstance(protocols, list | tuple) and scheme in protocols):
                return True
    return False

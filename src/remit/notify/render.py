"""A message as each channel shows it: plain text and HTML for email, a Slack Block Kit layout, a JSON
document for webhooks. Plain Python. Each is readable on its own, with the link back made absolute."""

from __future__ import annotations

from html import escape
from typing import Any

from remit.kernel.messages import Message

SLACK_HEADER = 150  # Slack's limit for a header block's text
SLACK_TEXT = 3000  # and for a section's


def absolute(base_url: str, link: str) -> str:
    return base_url.rstrip("/") + "/" + link.lstrip("/")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text(message: Message, link: str) -> str:
    """The plain-text form (an email's text part, Apprise's body)."""
    parts = [*message.lines, ""]
    parts += [f"{label}: {value}" for label, value in message.facts]
    parts += ["", f"Open it in Remit: {link}"]
    if message.unsubscribe:
        parts += [f"Unsubscribe: {message.unsubscribe}"]
    return "\n".join(parts).strip() + "\n"


def html(message: Message, link: str) -> str:
    """The HTML form (an email's HTML part): the same content, with a real link."""
    lines = "".join(f"<p>{escape(line)}</p>" for line in message.lines)
    facts = "".join(
        f"<tr><th align=left>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in message.facts
    )
    table = f"<table>{facts}</table>" if facts else ""
    leave = (
        f'<p style="font-size:0.9em"><a href="{escape(message.unsubscribe, quote=True)}">Unsubscribe</a></p>'
        if message.unsubscribe
        else ""
    )
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(message.subject)}</title></head><body>'
        f'<h1 style="font-size:1.2em">{escape(message.subject)}</h1>{lines}{table}'
        f'<p><a href="{escape(link, quote=True)}">Open it in Remit</a></p>{leave}</body></html>'
    )


def slack(message: Message, link: str, key: str) -> dict[str, Any]:
    """Block Kit: a header (the subject), a section with the lines, the facts as fields, a button back. The
    top-level ``text`` is the notification's fallback; ``X-Remit-Delivery`` rides in the context block too."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(message.subject, SLACK_HEADER)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut("\n".join(message.lines), SLACK_TEXT)}},
    ]
    if message.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": _cut(f"*{label}*\n{value}", 2000)} for label, value in message.facts[:10]
                ],
            }
        )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Answer in Remit" if message.asks else "Open in Remit"},
                    "url": link,
                    "action_id": "open",
                }
            ],
        }
    )
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Remit delivery {key}"}]})
    return {"text": message.subject, "blocks": blocks}


def document(message: Message, link: str, key: str) -> dict[str, Any]:
    """What a JSON webhook receives: the message as data, its absolute link and the delivery's id; or, for a
    message that carries its own document (a status page subscriber's), that document."""
    if message.data is not None:
        return message.data
    return {"delivery": key, **message.as_dict(), "url": link}

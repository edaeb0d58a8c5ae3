"""What a notice says: a consulted role is asked when a decision opens; an informed role is told when it
opens, when its state changes and when it settles. Plain data, no I/O (the rows live in ``store``)."""

from __future__ import annotations

from enum import StrEnum

from remit.decisions.model import State
from remit.kernel.messages import Message


class NoticeKind(StrEnum):
    ASKED = "asked"  # a consulted role: their view is wanted
    TOLD = "told"  # an informed role: for their information


class NoticeEvent(StrEnum):
    """The decision opened, or the state it moved to."""

    OPENED = "opened"
    OPEN = State.OPEN.value
    BLOCKED = State.BLOCKED.value
    APPROVED = State.APPROVED.value
    WITHDRAWN = State.WITHDRAWN.value
    EXPIRED = State.EXPIRED.value


_NEWS = {
    "opened": "opened",
    "open": "is open again",
    "blocked": "is blocked",
    "approved": "was approved",
    "withdrawn": "was withdrawn",
    "expired": "expired with no decision",
}


def message(
    *, number: int, title: str, domain: str, state: str, event: NoticeEvent, kind: NoticeKind, role: str, to: str
) -> Message:
    """The notice as a message beyond the app: readable on its own, with the way back to the decision."""
    news = _NEWS[event.value]
    if kind is NoticeKind.ASKED:
        subject = f"Your view is asked: decision #{number} {news}: {title}"
        why = f"You are consulted as {role}: say what you think before it settles. It does not wait for you."
    else:
        subject = f"Decision #{number} {news}: {title}"
        why = f"You are told as {role}, for your information; nothing is asked of you."
    return Message(
        topic=f"decision.{event.value}",
        subject=subject,
        lines=(f"{title} ({domain}) {news}.", why),
        link=f"/decisions/{number}",
        to=to,
        asks=kind is NoticeKind.ASKED,
        facts=(("Decision", f"#{number}"), ("Domain", domain), ("State", state)),
    )

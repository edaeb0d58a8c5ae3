"""What a notice says: a consulted role is asked when a decision opens; an informed role is told when it
opens, when its state changes and when it settles. Plain data, no I/O (the rows live in ``store``)."""

from __future__ import annotations

from enum import StrEnum

from remit.decisions.model import State


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

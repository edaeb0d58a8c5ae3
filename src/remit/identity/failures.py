"""Failed sign-ins on the record: each is appended to the team's audit chain (``SignInFailed``), in a
transaction of its own, after the refused attempt's own work is over. A full sign-in window is recorded
once per window (``SignInLimited``); what it refuses after that is counted, not written, so the limits bound
how much a guesser can make the team's chain (and its writers' lock) take. A name that is no team here
has no chain: that failure is logged (``remit.identity``, structured) instead, as are refused API tokens
and unknown sign-in links, which name no team either.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from sqlalchemy import select

from remit.identity.events import SignInFailed, SignInLimited
from remit.identity.throttle import Limited, SignInLimits
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

log = logging.getLogger("remit.identity")
RECORDER = "remit"  # the audit entry's actor: nobody is signed in; the handle typed is in the payload


def as_typed(text: str) -> str:
    """Attacker-chosen text as it may be recorded: one line, no control characters, at most 100 characters."""
    return "".join(char if char.isprintable() else "\ufffd" for char in text[:100])


def record(uow: UnitOfWork, team: str, event: SignInFailed | SignInLimited) -> None:
    """Append ``event`` to ``team``'s chain; a team that does not exist gets a log line instead."""
    with uow:
        row = uow.session.scalars(select(TeamRow).where(TeamRow.name == team)).one_or_none()
        if row is None:
            log.warning(
                "sign-in refused for a team that is not here",
                extra={"team": as_typed(team), "person": event.person, "address": event.address},
            )
            return
        uow.record(row, event, actor=RECORDER)
        uow.commit()


def refuse_limited(
    uow: UnitOfWork, limits: SignInLimits, limited: Limited, *, team: str, handle: str, address: str
) -> NoReturn:
    """Record the first refusal of a full window (once per window and account or address), then refuse."""
    about = (team, handle) if limited.which == "account" else (address, team)
    if limits.first_refusal(limited, *about):
        event = SignInLimited(as_typed(handle), address, limited.which, limited.retry_after)
        record(uow, team, event)
    raise limited.error()

"""How many wrong secrets a client may send: a moving window per account (team and handle) and per client
address, counted with the `limits` library (in this process's memory by default, or in a shared store such
as Redis given by a storage URI).

- An account's window counts its sign-in attempts and is cleared by a right password, so it holds the
  failures since the last success: the first try of an honest person is never refused. ``hit`` is atomic,
  so simultaneous guesses cannot overshoot it.
- An address's window counts failures only (wrong passwords, unknown people, spent sign-in links, refused
  API tokens), whoever was named: guessing across many handles, or across teams, meets it. Concurrent
  requests from one address can overshoot it by as many as are in flight at once.
- Once a window is full, the attempt is refused before any password is checked (no argon2 work) with
  ``TooManySignIns`` (429) saying when to come back (``retry_after``, seconds); the right password too.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage, strategies
from limits.errors import ConfigurationError

from remit.kernel.errors import InvalidInput, RateLimited

PER_ACCOUNT = "10 per 15 minutes"
PER_ADDRESS = "50 per 15 minutes"
STORAGE = "memory://"


class TooManySignIns(RateLimited):
    code = "too_many_sign_ins"


@dataclass(frozen=True)
class Limited:
    """A full window: which one (``account`` or ``address``), and the seconds until it has room again."""

    which: str
    retry_after: int
    window: int  # the window's length, seconds

    def error(self) -> TooManySignIns:
        whose = "this account" if self.which == "account" else "your address"
        return TooManySignIns(
            f"too many failed sign-ins for {whose}: try again in {self.retry_after} seconds",
            retry_after=self.retry_after,
            hint="wait that long; if you forgot your password, ask your team for a sign-in link",
        )


def _rate(setting: str, what: str) -> RateLimitItem:
    try:
        return parse(setting)
    except ValueError:
        raise InvalidInput(
            f"the {what} limit {setting!r} is not a rate", hint="write it as `10 per 15 minutes`"
        ) from None


def _key(*parts: str) -> str:
    """One short identifier for attacker-chosen text (no separator tricks, bounded length)."""
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


class SignInLimits:
    def __init__(self, per_account: str = PER_ACCOUNT, per_address: str = PER_ADDRESS, where: str = STORAGE) -> None:
        self.per_account = _rate(per_account, "per-account")
        self.per_address = _rate(per_address, "per-address")
        try:
            self.storage = storage.storage_from_string(where)
        except ConfigurationError as error:
            raise InvalidInput(
                f"cannot keep the sign-in counts in {where!r}: {error}",
                hint="use memory://, or redis://host:6379 with the redis package installed (pip install redis)",
            ) from None
        self.window = strategies.MovingWindowRateLimiter(self.storage)

    def _full(self, which: str, item: RateLimitItem, key: str) -> Limited:
        reset = self.window.get_window_stats(item, "signin", which, key).reset_time
        return Limited(which, max(1, math.ceil(reset - time.time())), item.get_expiry())

    def address_full(self, address: str) -> Limited | None:
        """The address's window, if it is full (tested, not counted)."""
        if self.window.test(self.per_address, "signin", "address", _key(address)):
            return None
        return self._full("address", self.per_address, _key(address))

    def attempt(self, team: str, handle: str, address: str) -> Limited | None:
        """Count a sign-in attempt against the account, unless a window is full: then say which."""
        full = self.address_full(address)
        if full is not None:
            return full
        account = _key(team, handle)
        if self.window.hit(self.per_account, "signin", "account", account):
            return None
        return self._full("account", self.per_account, account)

    def succeeded(self, team: str, handle: str) -> None:
        self.window.clear(self.per_account, "signin", "account", _key(team, handle))

    def failed(self, address: str) -> None:
        """Count a failure from ``address`` (the account's attempt is already counted)."""
        self.window.hit(self.per_address, "signin", "address", _key(address))

    def first_refusal(self, limited: Limited, *about: str) -> bool:
        """True once per window for a full window: so a refusal is recorded once, not for every attempt."""
        once = parse(f"1 per {limited.window} seconds")
        return self.window.hit(once, "signin", "noted", limited.which, _key(*about))

"""How often the public subscribe form may be used: a moving window per client address and one per address
subscribed (its digest), counted with the `limits` library (as the sign-in limits, ``identity/throttle.py``:
in this process's memory, or in the shared store the server is given). The second window is what keeps the
form from being used to flood someone's inbox with confirmation messages from many client addresses."""

from __future__ import annotations

import hashlib
import math
import time

from limits import parse, storage, strategies

from remit.kernel.errors import RateLimited

PER_CLIENT = "10 per hour"
PER_ADDRESS = "3 per hour"


class TooManySubscriptions(RateLimited):
    code = "too_many_subscriptions"


class SubscribeLimits:
    def __init__(self, where: str = "memory://", per_client: str = PER_CLIENT, per_address: str = PER_ADDRESS) -> None:
        self.window = strategies.MovingWindowRateLimiter(storage.storage_from_string(where))
        self.per_client, self.per_address = parse(per_client), parse(per_address)

    def hit(self, team: str, client: str, address: str) -> None:
        """Count one request, or raise ``TooManySubscriptions`` (429) saying when to come back."""
        folded = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
        for item, key, whose in (
            (self.per_client, f"client:{client}", "your network address"),
            (self.per_address, f"address:{team}:{folded}", "this address"),
        ):
            if not self.window.hit(item, "status-subscribe", key):
                reset = self.window.get_window_stats(item, "status-subscribe", key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                raise TooManySubscriptions(
                    f"too many subscription requests for {whose}: try again in {wait} seconds",
                    retry_after=wait,
                    hint="a confirmation link was sent already; look for it in the inbox (or the spam folder)",
                )

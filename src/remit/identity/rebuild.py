"""API tokens as the chain's ``TokenIssued`` and ``TokenRevoked`` entries say they should be: events in, rows
out (``identity/replay.py`` reads the table to compare). Plain Python.

People's own time zones too (``TimeZoneSet``): a zone the chain never recorded is a difference.

Only what the chain records is compared: whose token, its name, when it was issued and whether (and when) it
was revoked. Never a secret: a token's digest and expiry are not in the chain. Passwords, sessions and
sign-in links are not replayed: the chain records that a password was set or a link issued, nothing to
compare a stored hash with."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from remit.identity.events import TimeZoneSet, TokenIssued, TokenRevoked
from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc

KINDS = (TimeZoneSet, TokenIssued, TokenRevoked)


def rebuild(entries: Sequence[Recorded]) -> Rows:
    tokens: dict[Hashable, Row] = {}
    zones: dict[Hashable, Row] = {}
    for entry in entries:
        match entry.event:
            case TokenIssued(token=token, name=name):
                fields = {"person": entry.actor, "name": name, "created_at": utc(entry.at), "revoked_at": None}
                tokens[token] = Row(str(token), fields)
            case TokenRevoked(token=token) if token in tokens:
                tokens[token].fields["revoked_at"] = utc(entry.at)
            case TimeZoneSet(person=person, time_zone=None):
                zones.pop(person, None)
            case TimeZoneSet(person=person, time_zone=zone):
                zones[person] = Row(person, {"time_zone": zone})
    return {"api_tokens": tokens, "time_zones": zones}

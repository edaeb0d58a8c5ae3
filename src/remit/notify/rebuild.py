"""A person's channels and choices as the chain's ``ChannelAdded``, ``ChannelRemoved`` and
``NotifyPreferencesSet`` entries say they should be: events in, rows out (``notify/replay.py`` reads the
tables to compare). Plain Python. A channel is compared as the chain records it, masked: its URL is never
on the chain. Deliveries are not replayed: they are the worker's state, not a decision anyone took."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from remit.kernel.events import Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.notify.events import ChannelAdded, ChannelRemoved, NotifyPreferencesSet

KINDS = (ChannelAdded, ChannelRemoved, NotifyPreferencesSet)


def rebuild(entries: Sequence[Recorded]) -> Rows:
    channels: dict[Hashable, Row] = {}
    choices: dict[Hashable, Row] = {}
    for entry in entries:
        match entry.event:
            case ChannelAdded(person=person, channel=channel, shown=shown):
                fields = {"person": person, "shown": shown, "added_at": utc(entry.at), "removed_at": None}
                channels[channel] = Row(str(channel), fields)
            case ChannelRemoved(channel=channel) if channel in channels:
                channels[channel].fields["removed_at"] = utc(entry.at)
            case NotifyPreferencesSet(person=person, topics=topics, digest=digest):
                choices[person] = Row(person, {"topics": list(topics), "digest": digest, "updated_at": utc(entry.at)})
    return {"notify_channels": channels, "notify_preferences": choices}

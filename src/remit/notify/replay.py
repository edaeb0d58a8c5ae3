"""Notification settings, rebuilt from the chain (``notify/rebuild.py``, pure) and read from the tables, for
``remit audit verify`` to compare: a channel the chain never recorded (one slipped into the table to
receive a team's messages), or a removed one made live again, is a difference."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.charter.tables import PersonRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.notify.rebuild import KINDS, rebuild
from remit.notify.tables import ChannelRow, PreferenceRow


class NotifyProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        channels = (
            select(ChannelRow, PersonRow.handle)
            .join(PersonRow, PersonRow.id == ChannelRow.person_id)
            .where(ChannelRow.team_id == team_id)
            .order_by(ChannelRow.id)
        )
        choices = (
            select(PreferenceRow, PersonRow.handle)
            .join(PersonRow, PersonRow.id == PreferenceRow.person_id)
            .where(PersonRow.team_id == team_id)
        )
        return {
            "notify_channels": {
                row.id: Row(
                    str(row.id),
                    {
                        "person": handle,
                        "shown": row.shown,
                        "added_at": utc(row.added_at),
                        "removed_at": utc(row.removed_at),
                    },
                )
                for row, handle in session.execute(channels)
            },
            "notify_preferences": {
                handle: Row(
                    handle, {"topics": list(row.topics), "digest": row.digest, "updated_at": utc(row.updated_at)}
                )
                for row, handle in session.execute(choices)
            },
        }


PROJECTOR = NotifyProjector()

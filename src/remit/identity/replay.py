"""API tokens, rebuilt from the chain (``identity/rebuild.py``, pure) and read from the table, for
``remit audit verify`` to compare: a token row the chain never issued (a forged credential), or a revoked
token made live again, is a difference; so is a person's time zone the chain never recorded."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.charter.tables import PersonRow
from remit.identity.rebuild import KINDS, rebuild
from remit.identity.tables import ApiTokenRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc


class TokensProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        tokens = (
            select(ApiTokenRow, PersonRow.handle)
            .join(PersonRow, PersonRow.id == ApiTokenRow.person_id)
            .where(PersonRow.team_id == team_id)
            .order_by(ApiTokenRow.id)
        )
        zones = select(PersonRow.handle, PersonRow.time_zone).where(
            PersonRow.team_id == team_id, PersonRow.time_zone.is_not(None)
        )
        return {
            "time_zones": {
                handle: Row(handle, {"time_zone": zone})
                for handle, zone in session.execute(zones.order_by(PersonRow.id))
            },
            "api_tokens": {
                row.id: Row(
                    str(row.id),
                    {
                        "person": handle,
                        "name": row.name,
                        "created_at": utc(row.created_at),
                        "revoked_at": utc(row.revoked_at),
                    },
                )
                for row, handle in session.execute(tokens)
            },
        }


PROJECTOR = TokensProjector()

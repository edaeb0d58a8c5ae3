"""The status page's own facts, rebuilt from the chain (``status/rebuild.py``, pure) and read from the tables,
for ``remit audit verify`` to compare: a component set or a maintenance moved behind the chain's back is a
difference."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc
from remit.status.rebuild import KINDS, rebuild
from remit.status.tables import ComponentStateRow, MaintenanceRow


class StatusProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        hands: dict[Hashable, Row] = {}
        states = select(ComponentStateRow).where(ComponentStateRow.team_id == team_id)
        for state in session.scalars(states.order_by(ComponentStateRow.id)):
            fields = {"status": state.status, "note": state.note, "at": utc(state.at)}
            hands[state.component] = Row(state.component, fields)
        maintenances: dict[Hashable, Row] = {}
        for row in session.scalars(select(MaintenanceRow).where(MaintenanceRow.team_id == team_id)):
            found: dict[str, Any] = {
                "name": row.name,
                "components": list(row.components),
                "scheduled_for": utc(row.scheduled_for),
                "scheduled_until": utc(row.scheduled_until),
                "status": row.status,
            }
            maintenances[row.number] = Row(f"maintenance #{row.number}", found)
        return {"status_component_states": hands, "maintenances": maintenances}


PROJECTOR = StatusProjector()

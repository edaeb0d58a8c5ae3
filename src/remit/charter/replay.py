"""Charter versions, the roster and the boundary crossings, rebuilt from the chain's ``CharterAdopted``,
``CrossingRecorded`` and ``ActionRefused`` entries (``charter/rebuild.py``, pure) and read from the tables,
for ``remit audit verify`` to compare. A version's text is compared by its digest: the chain records the
sha256 of the text it adopted, so an edited text (or an edited text with its sha256 column rewritten to
match) differs from the chain."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.charter.rebuild import KINDS, TEXT, rebuild
from remit.charter.tables import CharterVersionRow, CrossingRow, PersonRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc


class CharterProjector:
    kinds: tuple[type[Event], ...] = KINDS

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries, found)

    def read(self, session: Session, team_id: int) -> Rows:
        versions = session.scalars(
            select(CharterVersionRow).where(CharterVersionRow.team_id == team_id).order_by(CharterVersionRow.version)
        )
        people = session.scalars(select(PersonRow).where(PersonRow.team_id == team_id).order_by(PersonRow.id))
        crossings = (
            select(CrossingRow, PersonRow.handle)
            .outerjoin(PersonRow, PersonRow.id == CrossingRow.person_id)
            .where(CrossingRow.team_id == team_id)
            .order_by(CrossingRow.id)
        )
        return {
            "charter_versions": {
                row.version: Row(
                    f"v{row.version}",
                    {
                        "sha256": row.sha256,
                        TEXT: hashlib.sha256(row.text.encode()).hexdigest(),
                        "adopted_at": utc(row.adopted_at),
                        "decision_id": row.decision_id,
                    },
                )
                for row in versions
            },
            "people": {row.handle: Row(row.handle, {"name": row.name, "active": row.active}) for row in people},
            "crossings": {
                row.id: Row(str(row.id), _crossing(row, handle)) for row, handle in session.execute(crossings)
            },
        }


def _crossing(row: CrossingRow, person: str | None) -> dict[str, Any]:
    fields = {"decision_id": row.decision_id, "domain": row.domain, "person": person, "role": row.role}
    return fields | {
        "action": row.action,
        "basis": row.basis,
        "why": row.why,
        "refused": row.refused,
        "incident_id": row.incident_id,
        "at": utc(row.at),
    }


PROJECTOR = CharterProjector()

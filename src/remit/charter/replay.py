"""Charter versions and the roster, rebuilt from the chain's ``CharterAdopted`` entries and read from the
tables, for ``remit audit verify`` to compare. A version's text is compared by its digest: the chain records
the sha256 of the text it adopted, so an edited text (or an edited text with its sha256 column rewritten to
match) differs from the chain. Not replayed: boundary crossings (``crossings``), which the chain records
as ``CrossingRecorded`` and ``ActionRefused`` entries of their own (see docs/ledger.md)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from remit.charter.events import CharterAdopted
from remit.charter.rebuild import TEXT, rebuild
from remit.charter.tables import CharterVersionRow, PersonRow
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows, utc


class CharterProjector:
    kinds: tuple[type[Event], ...] = (CharterAdopted,)

    def rebuild(self, entries: Sequence[Recorded], found: Rows) -> Rows:
        return rebuild(entries)

    def read(self, session: Session, team_id: int) -> Rows:
        versions = session.scalars(
            select(CharterVersionRow).where(CharterVersionRow.team_id == team_id).order_by(CharterVersionRow.version)
        )
        people = session.scalars(select(PersonRow).where(PersonRow.team_id == team_id).order_by(PersonRow.id))
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
        }


PROJECTOR = CharterProjector()

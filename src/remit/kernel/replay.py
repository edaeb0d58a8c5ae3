"""What a capability's replay gives the ledger (``remit.audit.replay``): the rows its events rebuild and its
tables' rows, in one shape, so the ledger can compare them without knowing either. Plain Python.

Rows are keyed by what identifies them (a decision's number, a position's id) and labelled for people
(``#2``, ``14 on #2``). A field a rebuilt row leaves out is not compared: the entry was written before its
event recorded that field."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Row:
    label: str  # how a person names the row: "#2", "14 on #2", "v1", "priya"
    fields: dict[str, Any]


Rows = dict[str, dict[Hashable, Row]]  # table -> key -> row


def utc(moment: datetime | str | None) -> str | None:
    """A time as both sides give it (an aware datetime, or ISO text from the chain) in UTC, as ISO text."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).isoformat()

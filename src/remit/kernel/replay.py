"""What a capability's replay gives the ledger (``remit.audit.replay``): the rows its events rebuild and its
tables' rows, in one shape, so the ledger can compare them without knowing either. Plain Python.

Rows are keyed by what identifies them (a decision's number, a position's id) and labelled for people
(``#2``, ``14 on #2``). A field a rebuilt row leaves out is not compared: the entry was written before its
event recorded that field."""

from __future__ import annotations

from collections.abc import Callable, Hashable
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


@dataclass(frozen=True)
class Unnumbered:
    """A row whose entry was written before its event carried the row's id: the ``nth`` of its ``group`` (the
    decision it is on, ``#2``, or the team, ``""``), matched by ``pair`` to the table's row it stands for."""

    group: str
    nth: int


def pair(
    mine: dict[Hashable, Row],
    found: dict[Hashable, Row],
    group: Callable[[Row], str],
    label: Callable[[Hashable, Row], str],
) -> dict[Hashable, Row]:
    """``mine`` with each unnumbered row keyed (and labelled) as the table's row it stands for: the rows of its
    group that no numbered row claims, in the order they were written."""
    if not any(isinstance(key, Unnumbered) for key in mine):
        return mine
    free: dict[str, list[Hashable]] = {}
    for key, row in found.items():
        if key not in mine:
            free.setdefault(group(row), []).append(key)
    paired: dict[Hashable, Row] = {}
    for key, row in mine.items():
        left = free.get(key.group) if isinstance(key, Unnumbered) else None
        if left:
            paired[left[0]] = Row(label(left[0], row), row.fields)
            del left[0]
        else:
            paired[key] = row
    return paired

"""The condition of a CHECK constraint that lists a column's allowed values, as the migrations write it.

Each migration names its own values, as they stood at its revision; this only spells the condition. What it
writes must never change: the databases already migrated hold it, and ``tests/integration/
test_vocabulary_checks.py`` compares it with what ``kernel/tables.py`` declares (``one_of``)."""

from __future__ import annotations

from collections.abc import Iterable


def one_of(column: str, values: Iterable[str]) -> str:
    """``column IN ('a', 'b')``: the column holds one of ``values`` (or NULL, where the column allows it)."""
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))

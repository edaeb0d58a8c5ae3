"""The public page's components as it lays them out: each group with its members, each component with its
state, its public note, its 90 days and its uptime. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass

from remit.status import model, uptime


@dataclass(frozen=True)
class Row:
    """A component on the page: its state, its public note, its 90 days."""

    name: str
    state: str
    note: str
    days: list[uptime.Day]
    uptime: float


def sections(s: model.Snapshot) -> list[tuple[str | None, str, list[Row]]]:
    """(group or None, the group's state, its components), in the page's order: a group where its first
    member stands."""
    found: list[tuple[str | None, str, list[Row]]] = []
    for name in s.components:
        days = s.bar(name)
        row = Row(name, s.state(name), s.note(name), days, uptime.uptime(days))
        group = s.group_of(name)
        if group is not None and found and found[-1][0] == group:
            found[-1][2].append(row)
        elif group is not None and s.groups[group][0] == name:
            found.append((group, s.group_state(group), [row]))
        else:
            found.append((None, row.state, [row]))
    return found

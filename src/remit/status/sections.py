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
    """(group or None, the group's state, its components), in the page's order: a group stands where its
    first member does, with all its members."""
    found: list[tuple[str | None, str, list[Row]]] = []
    for name in s.components:
        group = s.group_of(name)
        if group is None:
            found.append((None, s.state(name), [row(s, name)]))
        elif s.groups[group][0] == name:
            found.append((group, s.group_state(group), [row(s, member) for member in s.groups[group]]))
    return found


def row(s: model.Snapshot, name: str) -> Row:
    days = s.bar(name)
    return Row(name, s.state(name), s.note(name), days, uptime.uptime(days))

"""Where a team's charter departs from a preset: per domain and role, what right changed; and what a proposed
charter changes in the adopted one: its rights, its roster, its lines."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from remit.charter.model import Charter, Grant, Person


@dataclass(frozen=True)
class Change:
    domain: str
    role: str
    preset: str | None
    team: str | None
    text: str

    def as_dict(self) -> dict[str, str | None]:
        return {"domain": self.domain, "role": self.role, "preset": self.preset, "team": self.team, "text": self.text}


def _describe(grant: Grant | None) -> str | None:
    if grant is None:
        return None
    if grant.can_block and grant.bases is not None:
        return f"{grant.right.value} on {', '.join(sorted(grant.bases))}"
    return grant.right.value


def diff_charters(preset: Charter, team: Charter) -> list[Change]:
    changes: list[Change] = []
    for name in dict.fromkeys([*preset.domains, *team.domains]):
        theirs, ours = preset.domain(name), team.domain(name)
        if ours is None:
            changes.append(Change(name, "*", "present", None, "domain dropped"))
            continue
        if theirs is None:
            changes.append(Change(name, "*", None, "present", "domain added"))
            continue
        for role in dict.fromkeys([*theirs.grants, *ours.grants]):
            before, after = _describe(theirs.grant(role)), _describe(ours.grant(role))
            if before == after:
                continue
            if before is None:
                text = f"added: {after}"
            elif after is None:
                text = f"removed (was {before})"
            else:
                text = f"{before} → {after}"
            changes.append(Change(name, role, before, after, text))
    return changes


def _roles(person: Person | None) -> str | None:
    if person is None:
        return None
    return ", ".join(person.roles) + (f" (reports to {person.reports_to})" if person.reports_to else "")


def charter_changes(before: Charter, after: Charter) -> list[Change]:
    """What adopting ``after`` changes in ``before``: each right (as ``diff_charters``, ``preset`` being the
    old side) and each person (domain ``people``, role the handle: added, removed, roles or manager changed)."""
    changes = diff_charters(before, after)
    for handle in dict.fromkeys([*before.people, *after.people]):
        was, now = before.person(handle), after.person(handle)
        old, new = _roles(was), _roles(now)
        if old == new and (was is None or now is None or was.name == now.name):
            continue
        if old is None:
            text = f"added: {new}"
        elif new is None:
            text = f"removed (was {old})"
        elif old == new:
            text = "name changed"
        else:
            text = f"{old} → {new}"
        changes.append(Change("people", handle, old, new, text))
    return changes


def text_diff(before: str, after: str, *, was: str = "adopted", now: str = "proposed") -> list[str]:
    """The lines a proposal changes in the file, as a unified diff (for a reviewer who reads TOML)."""
    return [
        line.rstrip("\n")
        for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), was, now, n=1)
    ]

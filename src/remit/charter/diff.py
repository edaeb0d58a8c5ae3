"""Where a team's charter departs from a preset: per domain and role, what right changed."""

from __future__ import annotations

from dataclasses import dataclass

from remit.charter.model import Charter, Grant


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

"""The charter as people read it: the domain × role matrix with each right's source sentence, and where
the team departs from its preset. (Changing it is a decision: ``ProposeCharter``, in ``decisions``.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from remit.charter import ROLES, Charter, load_preset
from remit.charter.diff import diff_charters
from remit.charter.teams import charter_from_text, charter_status
from remit.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class CharterView:
    team: str
    version: int
    sha256: str
    adopted_at: str
    preset: str | None
    roles: list[str]
    domains: list[dict[str, Any]]
    people: list[dict[str, Any]]
    diff: list[dict[str, Any]]
    text: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def team_charter(*, uow: UnitOfWork, team: str) -> Charter:
    """The team's adopted charter (parsed once per version per process)."""
    return charter_from_text(charter_status(uow=uow, team=team).text)


def charter_view(*, uow: UnitOfWork, team: str) -> CharterView:
    status = charter_status(uow=uow, team=team)
    charter = charter_from_text(status.text)
    used = {role for rights in charter.domains.values() for role in rights.grants}
    roles = [role for role in ROLES if role in used]
    domains = [
        {
            "name": rights.name,
            "about": rights.about,
            "grants": {
                role: {
                    "right": grant.right.value,
                    "bases": None if grant.bases is None else sorted(grant.bases),
                    "scope": grant.scope_text(),
                    "words": grant.in_words(),
                    "why": grant.why,
                    "note": grant.note,
                }
                for role, grant in rights.grants.items()
            },
        }
        for rights in charter.domains.values()
    ]
    people = [
        {"handle": p.handle, "name": p.name, "roles": list(p.roles), "reports_to": p.reports_to}
        for p in charter.people.values()
    ]
    base = charter.preset or "default"
    diff = [change.as_dict() for change in diff_charters(load_preset(base), charter)]
    return CharterView(
        team,
        status.version,
        status.sha256,
        status.adopted_at,
        charter.preset,
        roles,
        domains,
        people,
        diff,
        status.text,
    )

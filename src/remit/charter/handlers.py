"""The charter as people read it (the domain × role matrix with each right's source sentence, and where
the team departs from its preset) and as they change it: a proposal opens a ``charter`` decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from remit.charter import CHARTER_DOMAIN, ROLES, Charter, load_preset, read_charter
from remit.charter.commands import ProposeCharter
from remit.charter.diff import diff_charters
from remit.charter.teams import charter_from_text, charter_status
from remit.decisions.commands import OpenDecision
from remit.decisions.handlers import open_decision
from remit.decisions.results import Outcome
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import CharterInvalid, InvalidInput
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


@COMMANDS.handles(ProposeCharter)
def propose_charter(uow: UnitOfWork, caller: Caller, command: ProposeCharter) -> Outcome:
    """Open a ``charter`` decision to adopt the text; it is adopted in the transaction that approves it."""
    source = command.source
    _value, problems = read_charter(command.text, source)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise CharterInvalid(f"{source} has {len(errors)} problem(s)", list(errors), hint="fix them, then propose")
    status = charter_status(uow=uow, team=caller.team, file_text=command.text)
    if status.file_matches:
        raise InvalidInput(f"{source} is already the adopted charter v{status.version}: nothing to propose")
    opening = OpenDecision(
        domain=CHARTER_DOMAIN, title=command.title or f"adopt charter v{status.version + 1}", deadline=command.deadline
    )
    return open_decision(uow, caller, opening, proposed_charter=command.text)

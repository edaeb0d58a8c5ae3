"""What a person may start, worked out from the rights table so a page offers only what will be accepted:
the domains they may open a decision in, and whether they may propose a charter change."""

from __future__ import annotations

from dataclasses import dataclass

from remit.charter import CHARTER_DOMAIN, Charter, DomainRights
from remit.charter.enforce import team_charter
from remit.charter.rights import Action, Standing, allows, holders, strongest_first
from remit.kernel.uow import UnitOfWork


def roles_allowed(
    charter: Charter, rights: DomainRights, handle: str, action: Action, *, proposer: bool = False
) -> list[str]:
    """The person's roles in which the rights table lets them take ``action``, strongest first."""
    person = charter.person(handle)
    roles = strongest_first(rights, person.roles) if person else []
    return [role for role in roles if allows(action, Standing(handle, role, rights, proposer=proposer))]


@dataclass(frozen=True)
class OpenAbilities:
    """The domains a person may open a decision in (and propose a charter change), and who holds each role."""

    domains: list[tuple[str, str]]  # name, about
    propose_charter: bool
    holders: dict[str, list[str]]


def opens_in(charter: Charter, handle: str) -> list[DomainRights]:
    """The domains (the charter's own aside: it takes a proposal) the person may open a decision in."""
    return [
        rights
        for rights in charter.domains.values()
        if rights.name != CHARTER_DOMAIN and roles_allowed(charter, rights, handle, Action.OPEN_DECISION)
    ]


def open_abilities(*, uow: UnitOfWork, team: str, handle: str) -> OpenAbilities:
    with uow.reading():
        _version, charter = team_charter(uow, uow.team(team, lock=False))
        domains = [(rights.name, rights.about) for rights in opens_in(charter, handle)]
        charter_rights = charter.domain(CHARTER_DOMAIN)
        proposes = charter_rights is not None and bool(
            roles_allowed(charter, charter_rights, handle, Action.OPEN_DECISION)
        )
        return OpenAbilities(domains, proposes, holders(charter))

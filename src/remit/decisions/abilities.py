"""What a person may do, worked out ahead of time so a page offers only the forms that will be accepted.

It reads the same rights table the handlers check (``charter/rights.py``): a person acts in the roles
today's roster gives them, under the rights of the charter version the decision is bound to. Offering is
still a courtesy, never the check: every handler checks again (and records a refusal) whatever was offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from remit.charter import DomainRights
from remit.charter.abilities import roles_allowed as _roles
from remit.charter.enforce import team_charter
from remit.charter.rights import Action, holders
from remit.charter.tables import PersonRow
from remit.decisions.acting import bound_charter, bound_rules, load_decision
from remit.decisions.model import State
from remit.decisions.queries import ProposedCharter, opened_view, proposed_change
from remit.decisions.tables import EvidenceRow, RevisionRow
from remit.decisions.views import DecisionView
from remit.kernel.uow import UnitOfWork


@dataclass(frozen=True)
class DecisionAbilities:
    """What ``handle`` may do on one decision, and what the forms need to offer it."""

    active: bool  # open or blocked: it still moves
    position_roles: list[str]  # the person's roles that may take a position here, strongest first
    amend_roles: list[str]  # the person's roles they may amend in (a key role first)
    proposer: bool
    bases: list[str]  # the bases of the bound charter
    evidence_needed: list[str]  # evidence the rules still need from one of the person's roles
    title: str
    context: str  # the current revision's context
    holders: dict[str, list[str]] = field(default_factory=dict)  # role -> who holds it today
    # per role that may take a position: the bases on which its no-go is a veto (None: any basis; empty: none,
    # its no-go is voice); a no-go on any other basis counts as voice and is recorded as a boundary crossing
    veto_bases: dict[str, list[str] | None] = field(default_factory=dict)

    @property
    def position(self) -> bool:
        return self.active and bool(self.position_roles)

    @property
    def evidence(self) -> bool:
        return self.position

    @property
    def amend(self) -> bool:
        return self.active and bool(self.amend_roles)

    @property
    def withdraw(self) -> bool:
        return self.active and self.proposer

    @property
    def writes(self) -> bool:
        return self.position or self.amend or self.withdraw

    @property
    def amend_role(self) -> str | None:
        return self.amend_roles[0] if self.amend_roles else None


def decision_abilities(*, uow: UnitOfWork, team: str, handle: str, number: int) -> DecisionAbilities:
    with uow.reading():
        team_row = uow.team(team, lock=False)
        _version, today = team_charter(uow, team_row)
        decision = load_decision(uow, team_row, number)
        bound = bound_charter(uow, decision)
        rights = bound.domain(decision.domain)
        proposer = uow.session.scalar(select(PersonRow.handle).where(PersonRow.id == decision.proposer_id)) == handle
        roles = _roles(today, rights, handle, Action.RECORD_POSITION) if rights is not None else []
        amend = _roles(today, rights, handle, Action.AMEND_DECISION, proposer=proposer) if rights is not None else []
        keys = [role for role in amend if rights is not None and (grant := rights.grant(role)) and grant.holds_key]
        present = set(uow.session.scalars(select(EvidenceRow.name).where(EvidenceRow.decision_id == decision.id)))
        needed = [
            need.name
            for rule in bound_rules(uow, decision)
            for need in rule.evidence
            if need.role in roles and need.name not in present
        ]
        revision = uow.session.scalars(
            select(RevisionRow).where(RevisionRow.decision_id == decision.id, RevisionRow.number == decision.revision)
        ).one()
        return DecisionAbilities(
            active=not State(decision.state).settled,
            position_roles=roles,
            amend_roles=keys + [role for role in (amend if proposer else []) if role not in keys],
            proposer=proposer,
            bases=sorted(bound.bases),
            evidence_needed=list(dict.fromkeys(needed)),
            title=decision.title,
            context=revision.context,
            holders=holders(today),
            veto_bases={role: _vetoes(rights, role) for role in roles} if rights is not None else {},
        )


def _vetoes(rights: DomainRights, role: str) -> list[str] | None:
    grant = rights.grant(role)
    if grant is None or not grant.can_block:
        return []
    return None if grant.bases is None else sorted(grant.bases)


@dataclass(frozen=True)
class DecisionPage:
    """Everything the decision page shows a person, read in one unit of work."""

    view: DecisionView
    can: DecisionAbilities
    unseen: list[int]  # notices about it the person has not seen: the page marks them (a write, only then)
    proposal: ProposedCharter | None = None  # a charter decision: what adopting it changes


def opened(*, uow: UnitOfWork, team: str, handle: str, number: int) -> tuple[DecisionView, list[int]]:
    """A decision as ``handle`` opens it (the API's read): the view, and their notices about it not yet seen."""
    with uow.reading():
        return opened_view(uow=uow, team=team, number=number, handle=handle)


def decision_page(*, uow: UnitOfWork, team: str, handle: str, number: int) -> DecisionPage:
    with uow.reading():
        view, unseen = opened_view(uow=uow, team=team, number=number, handle=handle)
        can = decision_abilities(uow=uow, team=team, handle=handle, number=number)
        team_row = uow.team(team, lock=False)
        proposal = proposed_change(uow, team_row, load_decision(uow, team_row, number))
        return DecisionPage(view, can, unseen, proposal)

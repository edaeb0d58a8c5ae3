"""The team's decision rules: agreements that make the next call faster, enforced and measured. The two
commands' handlers, and the read of the rules in force."""

from __future__ import annotations

from sqlalchemy import select

from remit.charter import ROLES
from remit.charter.enforce import acting, check, domain_rights
from remit.charter.rights import Action
from remit.charter.tables import PersonRow
from remit.decisions.acting import load_decision, open_team
from remit.decisions.commands import AddRule, RetireRule
from remit.decisions.events import RuleAdded, RuleRetired
from remit.decisions.results import RuleView
from remit.decisions.tables import DecisionRow, RuleRow
from remit.kernel.commands import COMMANDS, Caller, check_name
from remit.kernel.errors import InvalidInput, NotFound
from remit.kernel.uow import UnitOfWork


def parse_requirement(text: str) -> tuple[str, str]:
    name, sep, role = text.partition(":")
    if not sep or not name or not role:
        raise InvalidInput(f"'{text}' is not NAME:ROLE", hint="evidence is NAME:ROLE, e.g. cost-of-delay:pm")
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}' in '{text}'", hint=f"roles: {', '.join(ROLES)}")
    return check_name("evidence name", name), role


@COMMANDS.handles(AddRule)
def add_rule(uow: UnitOfWork, caller: Caller, command: AddRule) -> RuleView:
    """Add a rule for future decisions in the domain. Only a key holder of the domain may add one; a rule
    may require the go of a role that can already stop the decision, never hand a key to anyone else
    (that is a charter change)."""
    needs = [parse_requirement(item) for item in command.requires]
    domain = command.domain
    if not needs and not command.go:
        raise InvalidInput(
            "a rule must require something", hint="require evidence (NAME:ROLE), a go from a role, or both"
        )
    with uow:
        team, _version, charter = open_team(uow, caller.team)
        rights = domain_rights(charter, domain)
        who = acting(uow, team, charter, rights, caller.handle)
        check(team, Action.ADD_RULE, who, rights)
        for role in command.go:
            grant = rights.grant(role)
            if grant is None or not grant.can_block:
                raise InvalidInput(
                    f"{role} cannot stop a {domain} decision, so a rule cannot require its go",
                    hint="giving a role a key is a charter change: propose one",
                )
        for name, role in needs:
            grant = rights.grant(role)
            if grant is None or not grant.right.may_take_position:
                raise InvalidInput(
                    f"{role} takes no part in {domain}, so it cannot supply {name}",
                    hint=f"the charter's {domain} domain shows who takes part",
                )
        origin_id = None if command.origin is None else load_decision(uow, team, command.origin).id
        row = RuleRow(
            team_id=team.id,
            domain=domain,
            because=command.because,
            evidence=[{"name": n, "role": r} for n, r in needs],
            go=list(dict.fromkeys(command.go)),
            origin_decision_id=origin_id,
            created_by_id=who.person_id,
            created_at=uow.now,
        )
        uow.session.add(row)
        uow.session.flush()
        added = RuleAdded(row.id, domain, row.because, row.evidence, row.go, command.origin)
        uow.record(team, added, actor=who.handle, decision_id=origin_id)
        view = _view(row, who.handle, command.origin)
        uow.commit(view)
        return view


@COMMANDS.handles(RetireRule)
def retire_rule(uow: UnitOfWork, caller: Caller, command: RetireRule) -> RuleView:
    """Retire a rule for future decisions (decisions already open keep the rules they were opened with)."""
    with uow:
        team, _version, charter = open_team(uow, caller.team)
        row = uow.session.get(RuleRow, command.rule_id)
        if row is None or row.team_id != team.id or row.retired_at is not None:
            raise NotFound(
                f"team {caller.team} has no rule {command.rule_id} in force", hint="the team's rules list shows them"
            )
        rights = domain_rights(charter, row.domain)
        who = acting(uow, team, charter, rights, caller.handle)
        check(team, Action.RETIRE_RULE, who, rights)
        row.retired_at = uow.now
        uow.record(team, RuleRetired(command.rule_id, command.because), actor=who.handle)
        creator = uow.session.get_one(PersonRow, row.created_by_id).handle
        origin = uow.session.get(DecisionRow, row.origin_decision_id) if row.origin_decision_id else None
        view = _view(row, creator, origin.number if origin else None)
        uow.commit(view)
        return view


def _view(row: RuleRow, created_by: str, origin: int | None) -> RuleView:
    return RuleView(
        row.id,
        row.domain,
        row.because,
        list(row.evidence),
        list(row.go),
        origin,
        created_by,
        row.created_at.isoformat(),
        row.retired_at.isoformat() if row.retired_at else None,
    )


def list_rules(*, uow: UnitOfWork, team: str, include_retired: bool = False) -> list[RuleView]:
    with uow.reading():
        team_row = uow.team(team, lock=False)
        query = (
            select(RuleRow, PersonRow.handle, DecisionRow.number)
            .join(PersonRow, PersonRow.id == RuleRow.created_by_id)
            .outerjoin(DecisionRow, DecisionRow.id == RuleRow.origin_decision_id)
            .where(RuleRow.team_id == team_row.id)
            .order_by(RuleRow.id)
        )
        if not include_retired:
            query = query.where(RuleRow.retired_at.is_(None))
        return [_view(row, handle, number) for row, handle, number in uow.session.execute(query)]

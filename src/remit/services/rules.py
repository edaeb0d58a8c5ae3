"""The team's decision rules: agreements that make the next call faster, enforced and measured."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from remit.audit_kinds import AuditKind
from remit.charter import ROLES
from remit.errors import InvalidInput, NotFound
from remit.services.acting import (
    Refusal,
    acting,
    check_name,
    current_team_charter,
    domain_rights,
    load_decision,
    recording_refusals,
)
from remit.services.uow import UnitOfWork
from remit.store.tables import DecisionRow, PersonRow, RuleRow


@dataclass(frozen=True)
class RuleView:
    id: int
    domain: str
    because: str
    evidence: list[dict[str, str]]
    go: list[str]
    origin: int | None
    created_by: str
    created_at: str
    retired_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_requirement(text: str) -> tuple[str, str]:
    name, sep, role = text.partition(":")
    if not sep or not name or not role:
        raise InvalidInput(f"'{text}' is not NAME:ROLE", hint="e.g. --requires cost-of-delay:pm")
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}' in '{text}'", hint=f"roles: {', '.join(ROLES)}")
    return check_name("evidence name", name), role


def add_rule(
    *,
    uow: UnitOfWork,
    team: str,
    actor: str,
    domain: str,
    because: str,
    requires: Sequence[str] = (),
    go: Sequence[str] = (),
    origin: int | None = None,
) -> RuleView:
    """Add a rule for future decisions in ``domain``. Only a key holder of the domain may add one; a rule
    may require the go of a role that can already stop the decision, never hand a key to anyone else
    (that is a charter change)."""
    needs = [parse_requirement(item) for item in requires]
    if not needs and not go:
        raise InvalidInput("a rule must require something", hint="add --requires NAME:ROLE and/or --go ROLE")
    if not because.strip():
        raise InvalidInput("say why the team agreed this rule", hint='--because "what the retro concluded"')
    with uow:
        team_row, _version, charter = current_team_charter(uow, team)
        rights = domain_rights(charter, domain)
        who = acting(uow, team_row, charter, rights, actor)
        with recording_refusals(uow, team):
            if who.grant is None or not who.grant.holds_key:
                raise Refusal(
                    who,
                    "add-rule",
                    domain,
                    f"{who.handle} ({who.role}) holds no key in {domain}",
                    hint=f"rules for {domain} are added by its key holders: {', '.join(rights.deciders)}",
                )
            for role in go:
                grant = rights.grant(role)
                if grant is None or not grant.can_block:
                    raise InvalidInput(
                        f"{role} cannot stop a {domain} decision, so a rule cannot require its go",
                        hint="giving a role a key is a charter change: `remit charter propose`",
                    )
            for name, role in needs:
                grant = rights.grant(role)
                if grant is None or not grant.right.may_take_position:
                    raise InvalidInput(
                        f"{role} takes no part in {domain}, so it cannot supply {name}",
                        hint=f"`remit who {domain}` shows who takes part",
                    )
            origin_id = None
            if origin is not None:
                origin_id = load_decision(uow, team_row, origin).id
            row = RuleRow(
                team_id=team_row.id,
                domain=domain,
                because=because.strip(),
                evidence=[{"name": n, "role": r} for n, r in needs],
                go=list(dict.fromkeys(go)),
                origin_decision_id=origin_id,
                created_by_id=who.person.id,
                created_at=uow.now,
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit(
                team_row,
                actor=who.handle,
                kind=AuditKind.RULE_ADDED,
                decision_id=origin_id,
                payload={
                    "rule": row.id,
                    "domain": domain,
                    "because": row.because,
                    "evidence": row.evidence,
                    "go": row.go,
                    "origin": origin,
                },
            )
        view = _view(row, who.handle, origin)
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


def retire_rule(*, uow: UnitOfWork, team: str, actor: str, rule_id: int, because: str) -> RuleView:
    """Retire a rule for future decisions (decisions already open keep the rules they were opened with)."""
    with uow:
        team_row, _version, charter = current_team_charter(uow, team)
        row = uow.session.get(RuleRow, rule_id)
        if row is None or row.team_id != team_row.id or row.retired_at is not None:
            raise NotFound(f"team {team} has no rule {rule_id} in force", hint="`remit rule list` shows them")
        rights = domain_rights(charter, row.domain)
        who = acting(uow, team_row, charter, rights, actor)
        with recording_refusals(uow, team):
            if who.grant is None or not who.grant.holds_key:
                raise Refusal(
                    who,
                    "retire-rule",
                    row.domain,
                    f"{who.handle} ({who.role}) holds no key in {row.domain}",
                    hint=f"rules are retired by the key holders: {', '.join(rights.deciders)}",
                )
            row.retired_at = uow.now
            uow.audit(
                team_row, actor=who.handle, kind=AuditKind.RULE_RETIRED, payload={"rule": rule_id, "because": because}
            )
            creator = uow.session.get_one(PersonRow, row.created_by_id).handle
            origin = uow.session.get(DecisionRow, row.origin_decision_id) if row.origin_decision_id else None
            view = _view(row, creator, origin.number if origin else None)
        uow.commit(view)
        return view

"""Decision use cases: one function per action. Each owns its transaction, its rights check and its
audit rows; the CLI (and later the API and the web app) only parse, call and render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from remit.audit_kinds import AuditKind
from remit.charter import CHARTER_DOMAIN, DomainRights, Right, parse_charter
from remit.decisions.model import Position, Resolution, Stance, State
from remit.decisions.notices import NoticeEvent
from remit.decisions.resolve import crossing_why
from remit.errors import InvalidInput
from remit.services.acting import (
    Actor,
    Refusal,
    acting,
    apply_resolution,
    bound_charter,
    bound_rules,
    check_name,
    current_team_charter,
    domain_rights,
    evaluate,
    expire_overdue,
    load_decision,
    recording_refusals,
    require_active,
    require_voice,
    stance_of,
    store_waits,
)
from remit.services.notices import notify
from remit.services.uow import UnitOfWork
from remit.store.tables import (
    CrossingRow,
    DecisionRow,
    DecisionRuleRow,
    EvidenceRow,
    PositionRow,
    RevisionRow,
    RuleRow,
    TeamRow,
)


@dataclass(frozen=True)
class Outcome:
    number: int
    resolution: Resolution
    crossing: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, **self.resolution.as_dict()} | (
            {"crossing": self.crossing} if self.crossing else {}
        )


def _text(kind: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"the {kind} is empty", hint=f"give a {kind}")
    if len(value) > limit:
        raise InvalidInput(f"the {kind} is {len(value)} characters long; the limit is {limit}")
    return value


def _add_evidence(uow: UnitOfWork, team: TeamRow, decision: DecisionRow, actor: Actor, name: str, text: str) -> None:
    name = check_name("evidence name", name)
    text = _text("evidence", text, 20_000)
    for rule in bound_rules(uow, decision):
        for need in rule.evidence:
            if need.name == name and need.role != actor.role:
                raise Refusal(
                    actor,
                    "add-evidence",
                    decision.domain,
                    f"{name} must come from {need.role}, not {actor.role} ({actor.handle})",
                    hint=f"rule {rule.id}: {rule.because}",
                    decision_id=decision.id,
                )
    uow.session.add(
        EvidenceRow(
            decision_id=decision.id,
            revision=decision.revision,
            name=name,
            text=text,
            person_id=actor.person.id,
            role=actor.role,
            recorded_at=uow.now,
        )
    )
    uow.audit(
        team,
        actor=actor.handle,
        kind=AuditKind.EVIDENCE_ADDED,
        decision_id=decision.id,
        payload={"number": decision.number, "name": name, "role": actor.role, "text": text},
    )


def open_decision(
    *,
    uow: UnitOfWork,
    team: str,
    actor: str,
    domain: str,
    title: str,
    context: str = "",
    deadline: datetime | None = None,
    evidence: Sequence[tuple[str, str]] = (),
    role: str | None = None,
    proposed_charter: str | None = None,
) -> Outcome:
    """Open a decision under the team's current charter and rules. Returns its first resolution."""
    title = _text("title", title, 300)
    with uow:
        team_row, version, charter = current_team_charter(uow, team)
        rights = domain_rights(charter, domain)
        if domain == CHARTER_DOMAIN and proposed_charter is None:
            raise InvalidInput(
                "a charter decision carries the proposed charter", hint="use `remit charter propose FILE --as PERSON`"
            )
        if proposed_charter is not None:
            parse_charter(proposed_charter, "proposed charter")
        if deadline is not None and deadline <= uow.now:
            raise InvalidInput(
                f"the deadline {deadline.isoformat()} has already passed",
                hint="give a future time, e.g. --deadline 3d or --deadline 2026-12-01T17:00Z",
            )
        who = acting(uow, team_row, charter, rights, actor, role)
        with recording_refusals(uow, team):
            require_voice(who, rights, "open-decision")
            team_row.decision_seq += 1
            decision = DecisionRow(
                team_id=team_row.id,
                number=team_row.decision_seq,
                domain=domain,
                title=title,
                proposer_id=who.person.id,
                charter_version_id=version.id,
                state=State.OPEN.value,
                revision=1,
                deadline=deadline,
                opened_at=uow.now,
                resolution={},
                proposed_charter=proposed_charter,
            )
            uow.session.add(decision)
            uow.session.flush()
            uow.session.add(
                RevisionRow(
                    decision_id=decision.id,
                    number=1,
                    title=title,
                    context=context,
                    must_go=[],
                    created_by_id=who.person.id,
                    created_at=uow.now,
                )
            )
            rules = uow.session.scalars(
                select(RuleRow).where(
                    RuleRow.team_id == team_row.id, RuleRow.domain == domain, RuleRow.retired_at.is_(None)
                )
            ).all()
            for rule in rules:
                uow.session.add(DecisionRuleRow(decision_id=decision.id, rule_id=rule.id))
            uow.audit(
                team_row,
                actor=who.handle,
                kind=AuditKind.DECISION_OPENED,
                decision_id=decision.id,
                payload={
                    "number": decision.number,
                    "domain": domain,
                    "title": title,
                    "role": who.role,
                    "charter_version": version.version,
                    "rules": [rule.id for rule in rules],
                    "deadline": deadline.isoformat() if deadline else None,
                    "consult": rights.roles_with(Right.CONSULT),
                    "inform": rights.roles_with(Right.INFORM),
                },
            )
            uow.session.flush()
            notify(uow, team_row, decision, rights, NoticeEvent.OPENED, who.handle)
            for name, text in evidence:
                _add_evidence(uow, team_row, decision, who, name, text)
            resolution = apply_resolution(uow, team_row, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


def _active(
    uow: UnitOfWork, team: str, number: int, actor: str, role: str | None
) -> tuple[TeamRow, DecisionRow, DomainRights, Actor]:
    """The decision (still open or blocked) and the actor: a person acts in a role from today's roster,
    under the rights of the charter version the decision is bound to."""
    team_row, _version, today = current_team_charter(uow, team)
    decision = load_decision(uow, team_row, number)
    require_active(decision)
    rights = domain_rights(bound_charter(uow, decision), decision.domain)
    return team_row, decision, rights, acting(uow, team_row, today, rights, actor, role)


def record_position(
    *,
    uow: UnitOfWork,
    team: str,
    actor: str,
    number: int,
    stance: str,
    reason: str,
    basis: str | None = None,
    role: str | None = None,
) -> Outcome:
    """Record the actor's go, no-go or abstain on the current revision."""
    value = stance_of(stance)
    reason = _text("reason", reason, 5_000)
    with uow:
        team_row, decision, rights, who = _active(uow, team, number, actor, role)
        with recording_refusals(uow, team):
            grant = require_voice(who, rights, "record-position", decision.id)
            if basis is not None and basis not in bound_charter(uow, decision).bases:
                raise InvalidInput(
                    f"unknown basis '{basis}'", hint=f"bases: {', '.join(sorted(bound_charter(uow, decision).bases))}"
                )
            if value is Stance.NO_GO and basis is None and grant.can_block and grant.bases is not None:
                raise InvalidInput(
                    f"a no-go from {who.role} needs a basis",
                    hint=f"add --basis: {who.role} may block {rights.name} on {grant.scope_text()}",
                )
            why = crossing_why(rights, grant, Position(who.role, value, basis, who.handle))
            uow.session.add(
                PositionRow(
                    decision_id=decision.id,
                    revision=decision.revision,
                    person_id=who.person.id,
                    role=who.role,
                    stance=value.value,
                    basis=basis,
                    reason=reason,
                    recorded_at=uow.now,
                )
            )
            if why is not None:
                uow.session.add(
                    CrossingRow(
                        team_id=team_row.id,
                        decision_id=decision.id,
                        domain=rights.name,
                        person_id=who.person.id,
                        role=who.role,
                        action="record-position",
                        basis=basis,
                        why=why,
                        refused=False,
                        at=uow.now,
                    )
                )
            uow.audit(
                team_row,
                actor=who.handle,
                kind=AuditKind.POSITION_RECORDED,
                decision_id=decision.id,
                payload={
                    "number": decision.number,
                    "revision": decision.revision,
                    "role": who.role,
                    "stance": value.value,
                    "basis": basis,
                    "reason": reason,
                    "crossing": why,
                },
            )
            resolution = apply_resolution(uow, team_row, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution, why)
        uow.commit(outcome)
        return outcome


def add_evidence(
    *, uow: UnitOfWork, team: str, actor: str, number: int, name: str, text: str, role: str | None = None
) -> Outcome:
    with uow:
        team_row, decision, rights, who = _active(uow, team, number, actor, role)
        with recording_refusals(uow, team):
            require_voice(who, rights, "add-evidence", decision.id)
            _add_evidence(uow, team_row, decision, who, name, text)
            resolution = apply_resolution(uow, team_row, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


def amend_decision(
    *,
    uow: UnitOfWork,
    team: str,
    actor: str,
    number: int,
    title: str | None = None,
    context: str = "",
    role: str | None = None,
) -> Outcome:
    """Open a new revision: positions clear (stale approvals never carry over); a veto standing at the
    time of the amendment carries over as a go its holder must give on the new revision."""
    with uow:
        team_row, decision, rights, who = _active(uow, team, number, actor, role)
        with recording_refusals(uow, team):
            if who.person.id != decision.proposer_id and (who.grant is None or not who.grant.holds_key):
                raise Refusal(
                    who,
                    "amend-decision",
                    rights.name,
                    f"{who.handle} ({who.role}) neither proposed #{decision.number} nor holds a key in {rights.name}",
                    hint="ask the proposer or a key holder to amend it",
                    decision_id=decision.id,
                )
            standing = sorted({blocker.role for blocker in evaluate(uow, decision, rights).blocked_by})
            decision.revision += 1
            new_title = _text("title", title, 300) if title else decision.title
            decision.title = new_title
            uow.session.add(
                RevisionRow(
                    decision_id=decision.id,
                    number=decision.revision,
                    title=new_title,
                    context=context,
                    must_go=standing,
                    created_by_id=who.person.id,
                    created_at=uow.now,
                )
            )
            uow.audit(
                team_row,
                actor=who.handle,
                kind=AuditKind.DECISION_AMENDED,
                decision_id=decision.id,
                payload={
                    "number": decision.number,
                    "revision": decision.revision,
                    "title": new_title,
                    "context": context,
                    "vetoes_carried": standing,
                },
            )
            uow.session.flush()
            resolution = apply_resolution(uow, team_row, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


def withdraw_decision(*, uow: UnitOfWork, team: str, actor: str, number: int, reason: str = "") -> Outcome:
    with uow:
        team_row, decision, rights, who = _active(uow, team, number, actor, None)
        with recording_refusals(uow, team):
            if who.person.id != decision.proposer_id:
                raise Refusal(
                    who,
                    "withdraw-decision",
                    rights.name,
                    f"only the proposer may withdraw #{decision.number}; {who.handle} did not propose it",
                    hint="a no-go (within your scope) is how to stop it",
                    decision_id=decision.id,
                )
            resolution = replace(evaluate(uow, decision, rights), state=State.WITHDRAWN)  # as it now stands
            decision.state, decision.settled_at = State.WITHDRAWN.value, uow.now
            store_waits(uow, team_row, decision)
            notify(uow, team_row, decision, rights, NoticeEvent.WITHDRAWN, who.handle)
            uow.audit(
                team_row,
                actor=who.handle,
                kind=AuditKind.DECISION_WITHDRAWN,
                decision_id=decision.id,
                payload={"number": decision.number, "reason": reason},
            )
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


def expire_decisions(*, uow: UnitOfWork, team: str) -> list[int]:
    """Record the expiry of every overdue decision. Every command does this first; a cron job or the
    server's sweeper calls it so expiry is recorded when it happens, not when someone next looks."""
    with uow:
        numbers = expire_overdue(uow, uow.team(team))
        uow.commit()
        return numbers

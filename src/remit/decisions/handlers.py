"""One handler per decision command. Each owns its transaction, checks the rights table, raises its events
and returns a typed result; the API, the web forms and the CLI reach it only through the registry."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import insert, select

from remit.charter import CHARTER_DOMAIN, Charter, DomainRights, Right, parse_charter, read_charter
from remit.charter.enforce import Actor, Refusal, acting, add_crossing, check, domain_rights
from remit.charter.rights import Action
from remit.charter.teams import charter_status, sha256, trusted_charter
from remit.decisions import subscribers  # noqa: F401 - the notices hear the events raised here
from remit.decisions.acting import (
    Bound,
    Decided,
    apply_resolution,
    bound_charter,
    bound_rules,
    check_on,
    evaluate,
    expire_overdue,
    load_decision,
    no_decision,
    open_team,
    require_active,
    resolved,
    store_waits,
)
from remit.decisions.commands import (
    AddEvidence,
    AmendDecision,
    ExpireDecisions,
    OpenDecision,
    ProposeCharter,
    RecordPosition,
    WithdrawDecision,
)
from remit.decisions.events import (
    DecisionAmended,
    DecisionOpened,
    DecisionWithdrawn,
    EvidenceAdded,
    PositionRecorded,
)
from remit.decisions.glance import Standing, glance, lock_for
from remit.decisions.model import Position, Stance, State
from remit.decisions.resolve import crossing_why
from remit.decisions.results import Outcome
from remit.decisions.tables import POSITIONS, DecisionRow, DecisionRuleRow, EvidenceRow, RevisionRow, RuleRow
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import CharterInvalid, InvalidInput
from remit.kernel.tables import TeamRow
from remit.kernel.uow import TeamRef, UnitOfWork

_RECORD_POSITION = insert(POSITIONS).returning(POSITIONS.c.id)  # built once; no ORM object for the row


def _add_evidence(
    uow: UnitOfWork, team: TeamRow, decision: DecisionRow, actor: Actor, name: str, text: str, *, opening: bool = False
) -> None:
    """Add evidence; a rule may say which role must supply it (refused while ``opening``: the decision itself is
    undone with the refusal, so the crossing names no decision)."""
    for rule in bound_rules(uow, decision):
        for need in rule.evidence:
            if need.name == name and need.role != actor.role:
                raise Refusal(
                    team.name,
                    actor,
                    Action.ADD_EVIDENCE,
                    decision.domain,
                    f"{name} must come from {need.role}, not {actor.role} ({actor.handle})",
                    hint=f"rule {rule.id}: {rule.because}",
                    decision_id=None if opening else decision.id,
                )
    row = EvidenceRow(
        decision_id=decision.id,
        revision=decision.revision,
        name=name,
        text=text,
        person_id=actor.person_id,
        role=actor.role,
        recorded_at=uow.now,
    )
    uow.session.add(row)
    uow.session.flush()  # the row's id goes on the record
    added = EvidenceAdded(decision.number, name, actor.role, text, row.id)
    uow.record(team, added, actor=actor.handle, decision_id=decision.id)


@COMMANDS.handles(OpenDecision)
def open_decision(
    uow: UnitOfWork, caller: Caller, command: OpenDecision, proposed_charter: str | None = None
) -> Outcome:
    """Open a decision under the team's current charter and rules. Returns its first resolution. A charter
    decision carries the proposed charter (``propose_charter`` below passes it)."""
    with uow:
        team, version, charter = open_team(uow, caller.team)
        rights = domain_rights(charter, command.domain)
        if command.domain == CHARTER_DOMAIN and proposed_charter is None:
            raise InvalidInput(
                "a charter decision carries the proposed charter",
                hint="propose a charter change instead: it carries the proposed text",
            )
        if proposed_charter is not None:
            parse_charter(proposed_charter, "proposed charter")
        deadline = command.deadline
        if deadline is not None and deadline <= uow.now:
            raise InvalidInput(
                f"the deadline {deadline.isoformat()} has already passed",
                hint="give a time in the future, e.g. three days from now",
                field="deadline",
            )
        who = acting(uow, team, charter, rights, caller.handle, command.role, action=Action.OPEN_DECISION)
        check(team, Action.OPEN_DECISION, who, rights)
        team.decision_seq += 1
        decision = DecisionRow(
            team_id=team.id,
            number=team.decision_seq,
            domain=command.domain,
            title=command.title,
            proposer_id=who.person_id,
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
                title=command.title,
                context=command.context,
                must_go=[],
                created_by_id=who.person_id,
                created_at=uow.now,
            )
        )
        rules = uow.session.scalars(
            select(RuleRow).where(
                RuleRow.team_id == team.id, RuleRow.domain == command.domain, RuleRow.retired_at.is_(None)
            )
        ).all()
        for rule in rules:
            uow.session.add(DecisionRuleRow(decision_id=decision.id, rule_id=rule.id))
        opened = DecisionOpened(
            number=decision.number,
            domain=command.domain,
            title=command.title,
            role=who.role,
            charter_version=version.version,
            rules=[rule.id for rule in rules],
            deadline=deadline.isoformat() if deadline else None,
            consult=rights.roles_with(Right.CONSULT),
            inform=rights.roles_with(Right.INFORM),
            context=command.context,
            proposed_sha256=None if proposed_charter is None else sha256(proposed_charter),
        )
        uow.record(team, opened, actor=who.handle, decision_id=decision.id)
        for item in command.evidence:
            _add_evidence(uow, team, decision, who, item.name, item.text, opening=True)
        resolution = apply_resolution(uow, team, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


def _active(
    uow: UnitOfWork, caller: Caller, action: Action, number: int, role: str | None
) -> tuple[TeamRow, DecisionRow, DomainRights, Actor]:
    """The decision (still open or blocked), its rights, and the actor the rights table lets take ``action``
    on it: a person acts in a role from today's roster, under the charter version the decision is bound to."""
    team, _version, today = open_team(uow, caller.team)
    decision = load_decision(uow, team, number)
    require_active(decision)
    rights = domain_rights(bound_charter(uow, decision), decision.domain)
    who = acting(uow, team, today, rights, caller.handle, role, action=action, decision_id=decision.id)
    check_on(team, action, who, rights, decision)
    return team, decision, rights, who


@COMMANDS.handles(RecordPosition)
def record_position(uow: UnitOfWork, caller: Caller, command: RecordPosition) -> Outcome:
    """Record the actor's go, no-go or abstain on the current revision.

    Everyone's positions on one team queue on the team's row lock, so it is held for as little as it can be:
    the decision, the charters, the person and the rights table's checks are read (in one statement,
    ``glance``) and made before it is taken; the lock's own statement reads the decision again with its
    positions, and only if it has not moved meanwhile (same state, same revision, same current charter) does
    the position go on the record at once. Otherwise it starts over under the lock, as every write did before
    (the answers are the same, in the same order)."""
    with uow:
        seen = glance(uow, caller.team, command.number, caller.handle)
        if seen is None:
            uow.team(caller.team, lock=False)  # says which teams there are
            raise AssertionError("a team with no charter")  # pragma: no cover - init adopts one
        if not seen.overdue:  # a passed deadline is recorded first, under the lock (below)
            team, decision, known, version = seen.team, seen.decision, seen.bound, seen.version
            today = trusted_charter(uow, version)
            if decision is None or known is None:
                raise no_decision(team, command.number)
            require_active(decision)
            bound_to = today if decision.charter_version_id == version.id else bound_charter(uow, decision)
            rights = domain_rights(bound_to, decision.domain)
            who = acting(
                seen.person,
                team,
                today,
                rights,
                caller.handle,
                command.role,
                action=Action.RECORD_POSITION,
                decision_id=decision.id,
            )
            check_on(team, Action.RECORD_POSITION, who, rights, decision)
            _check_basis(command, bound_to, rights, who)
            before = (decision.state, decision.revision, version.id)
            standing = lock_for(uow, team, decision)  # the decision is read again by it
            if (decision.state, decision.revision, standing.version_id) == before:
                return _record_position(uow, command, team, decision, rights, who, (known, standing))
            uow.rollback()  # it moved while we read: read it all again, this time under the lock
        team_row, decision_row, rights, who = _active(uow, caller, Action.RECORD_POSITION, command.number, command.role)
        _check_basis(command, bound_charter(uow, decision_row), rights, who)
        return _record_position(uow, command, team_row, decision_row, rights, who, None)


def _check_basis(command: RecordPosition, bound_to: Charter, rights: DomainRights, who: Actor) -> None:
    """The basis is one the bound charter knows, and a no-go that could block names one."""
    grant = who.grant
    assert grant is not None  # noqa: S101 - the rights table refused a role with no grant
    basis = command.basis
    if basis is not None and basis not in bound_to.bases:
        raise InvalidInput(f"unknown basis '{basis}'", hint=f"bases: {', '.join(sorted(bound_to.bases))}")
    if command.stance is Stance.NO_GO and basis is None and grant.can_block and grant.bases is not None:
        raise InvalidInput(
            f"a no-go from {who.role} needs a basis",
            hint=f"add --basis: {who.role} may block {rights.name} on {grant.scope_text()}",
        )


def _record_position(
    uow: UnitOfWork,
    command: RecordPosition,
    team: TeamRef,
    decision: Decided,
    rights: DomainRights,
    who: Actor,
    read: tuple[Bound, Standing] | None,
) -> Outcome:
    """The position on the record, under the team's lock: its row, its audit entry, the new resolution
    (``read``: what the decision is bound to and stood at under the lock, read before this position)."""
    basis, grant = command.basis, who.grant
    assert grant is not None  # noqa: S101 - checked by _check_basis
    mine = Position(who.role, command.stance, basis, who.handle, command.reason)
    why = crossing_why(rights, grant, mine)
    position_id = uow.session.execute(
        _RECORD_POSITION,
        {
            "decision_id": decision.id,
            "revision": decision.revision,
            "person_id": who.person_id,
            "role": who.role,
            "stance": command.stance.value,
            "basis": basis,
            "reason": command.reason,
            "recorded_at": uow.now,
        },
    ).scalar_one()
    recorded = PositionRecorded(
        decision.number, decision.revision, who.role, command.stance.value, basis, command.reason, why, position_id
    )
    uow.record(team, recorded, actor=who.handle, decision_id=decision.id)
    if why is not None:  # heard as voice, and on the record as a crossing (CrossingRecorded)
        add_crossing(uow, team, who, Action.RECORD_POSITION, rights.name, why, decision.id, basis=basis, refused=False)
    resolution = None
    if read is not None:  # the positions stood under the lock, and this one is the latest
        known, standing = read
        resolution = resolved(uow, decision, rights, [*standing.positions, mine], standing.evidence, known)
    resolution = apply_resolution(uow, team, decision, rights, who.handle, resolution)
    outcome = Outcome(decision.number, resolution, why)
    uow.commit(outcome)
    return outcome


@COMMANDS.handles(AddEvidence)
def add_evidence(uow: UnitOfWork, caller: Caller, command: AddEvidence) -> Outcome:
    with uow:
        team, decision, rights, who = _active(uow, caller, Action.ADD_EVIDENCE, command.number, command.role)
        _add_evidence(uow, team, decision, who, command.name, command.text)
        resolution = apply_resolution(uow, team, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


@COMMANDS.handles(AmendDecision)
def amend_decision(uow: UnitOfWork, caller: Caller, command: AmendDecision) -> Outcome:
    """Open a new revision: positions clear (stale approvals never carry over); a veto standing at the
    time of the amendment carries over as a go its holder must give on the new revision."""
    with uow:
        team, decision, rights, who = _active(uow, caller, Action.AMEND_DECISION, command.number, command.role)
        standing = sorted({blocker.role for blocker in evaluate(uow, decision, rights).blocked_by})
        decision.revision += 1
        decision.title = command.title or decision.title
        uow.session.add(
            RevisionRow(
                decision_id=decision.id,
                number=decision.revision,
                title=decision.title,
                context=command.context,
                must_go=standing,
                created_by_id=who.person_id,
                created_at=uow.now,
            )
        )
        amended = DecisionAmended(decision.number, decision.revision, decision.title, command.context, standing)
        uow.record(team, amended, actor=who.handle, decision_id=decision.id)
        uow.session.flush()
        resolution = apply_resolution(uow, team, decision, rights, who.handle)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


@COMMANDS.handles(WithdrawDecision)
def withdraw_decision(uow: UnitOfWork, caller: Caller, command: WithdrawDecision) -> Outcome:
    with uow:
        team, decision, rights, who = _active(uow, caller, Action.WITHDRAW_DECISION, command.number, None)
        resolution = replace(evaluate(uow, decision, rights), state=State.WITHDRAWN)  # as it now stands
        decision.state, decision.settled_at = State.WITHDRAWN.value, uow.now
        store_waits(uow, team, decision)
        uow.record(team, DecisionWithdrawn(decision.number, command.reason), actor=who.handle, decision_id=decision.id)
        outcome = Outcome(decision.number, resolution)
        uow.commit(outcome)
        return outcome


@COMMANDS.handles(ExpireDecisions)
def expire_decisions(uow: UnitOfWork, caller: Caller, command: ExpireDecisions) -> list[int]:
    """Record the expiry of every overdue decision. Every writing command does this first; the server's
    sweeper (and `remit expire` in a cron job) dispatch it so expiry is recorded when it happens."""
    with uow:
        numbers = expire_overdue(uow, uow.team(caller.team))
        uow.commit()
        return numbers


@COMMANDS.handles(ProposeCharter)
def propose_charter(uow: UnitOfWork, caller: Caller, command: ProposeCharter) -> Outcome:
    """Open a ``charter`` decision to adopt the text; it is adopted in the transaction that approves it."""
    source = command.source
    proposed, problems = read_charter(command.text, source)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise CharterInvalid(f"{source} has {len(errors)} problem(s)", list(errors), hint="fix them, then propose")
    if proposed is not None and proposed.name != caller.team:  # it could never be adopted: say so now
        raise InvalidInput(
            f"{source} is the charter of team '{proposed.name}', not '{caller.team}'",
            hint="a charter change cannot rename or move a team: keep [team] name as it is",
        )
    status = charter_status(uow=uow, team=caller.team, file_text=command.text)
    if status.file_matches:
        raise InvalidInput(f"{source} is already the adopted charter v{status.version}: nothing to propose")
    opening = OpenDecision(
        domain=CHARTER_DOMAIN, title=command.title or f"adopt charter v{status.version + 1}", deadline=command.deadline
    )
    return open_decision(uow, caller, opening, proposed_charter=command.text)

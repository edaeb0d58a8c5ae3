"""Resolution: a pure function of (domain rights, positions, evidence, rules).

One loop over the positions in the order they were recorded; the latest position of each person (or of
each role, where there are no persons) is their current one.

- A no-go inside the role's block scope is a veto. A veto stands until its holder says *go* in the same
  role: abstaining does not lift it, and nobody else's go outweighs it (no force).
- Each person has one current position per decision, so one person never turns two keys.
- A no-go from a decider or blocker outside its scope counts as voice and is a boundary crossing; a
  no-go from a role that has only voice or consult is simply its voice.
- ``approved`` needs a go from a holder of every decider role, from every role a rule (or a veto carried
  over an amendment) names, and every piece of evidence the rules require.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from remit.charter.model import DomainRights, Grant, Right
from remit.decisions.model import (
    Blocker,
    Crossing,
    EvidenceNeed,
    Position,
    Resolution,
    Rule,
    Stance,
    State,
    WaitingOn,
    Weight,
)
from remit.kernel.errors import InvalidInput


def crossing_why(domain: DomainRights, grant: Grant | None, position: Position) -> str | None:
    """Why this position steps over the charter's line, or None if it stays inside it."""
    role, name = position.role, domain.name
    if grant is None:
        return f"{role} has no right in {name}"
    if grant.right is Right.INFORM:
        return f"{role} is only informed in {name}: told, not asked"
    if position.stance is not Stance.NO_GO or grant.blocks_on(position.basis):
        return None
    if not grant.can_block:  # a voice's no-go is its voice: heard, never a veto, not a crossing
        return None
    if position.basis is None:
        return f"no basis given; {role} may block {name} only on {grant.scope_text()}"
    return f"{role} may block {name} only on {grant.scope_text()}, not on {position.basis}: the no-go counts as voice"


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def resolve(
    domain: DomainRights,
    positions: Sequence[Position],
    *,
    evidence: Collection[str] = (),
    rules: Sequence[Rule] = (),
    must_go: Collection[str] = (),
) -> Resolution:
    latest: dict[str, Position] = {}
    vetoes: dict[tuple[str, str], Position] = {}  # (person, role): a standing veto, until that go
    crossings: list[Crossing] = []
    for position in positions:
        grant = domain.grant(position.role)
        who = position.person or position.role
        why = crossing_why(domain, grant, position)
        if why is not None:
            crossings.append(Crossing(position.role, position.basis, why, position.person))
        elif position.stance is Stance.NO_GO and grant is not None and grant.blocks_on(position.basis):
            vetoes[(who, position.role)] = position
        elif position.stance is Stance.GO:
            vetoes.pop((who, position.role), None)  # lifted by its holder's go in the same role
        if grant is not None and grant.right.may_take_position:
            latest[who] = position

    blocked_by = [Blocker(veto.role, veto.basis, veto.person) for veto in vetoes.values()]
    said_go = {position.role for position in latest.values() if position.stance is Stance.GO}
    required = _unique([*domain.deciders, *(role for rule in rules for role in rule.go), *must_go])
    missing_evidence = [need for rule in rules for need in rule.evidence if need.name not in evidence]
    spoke = {position.role for position in latest.values()}
    waiting = WaitingOn(
        roles=[role for role in required if role not in said_go],
        evidence=list({need.name: need for need in missing_evidence}.values()),
        consults=[role for role in domain.roles_with(Right.CONSULT) if role not in spoke],
    )
    if not blocked_by and not waiting:  # approved: nothing left to wait on, unanswered consults included
        waiting = WaitingOn()
    if blocked_by:
        state = State.BLOCKED
    elif waiting:
        state = State.OPEN
    else:
        state = State.APPROVED
    return Resolution(
        state=state,
        blocked_by=blocked_by,
        waiting_on=waiting,
        boundary_crossings=crossings,
        keys={role: role in said_go for role in domain.deciders},
    )


def weigh(domain: DomainRights, positions: Sequence[Position]) -> list[Weight]:
    """What each position of one revision counts for, in the order recorded: a binding veto, voice only, a
    crossing, a go; or replaced by the same person's later position. A veto stays a veto until its holder
    says go (or no-go again) in the same role: an abstention in between does not replace it."""
    weights = []
    for index, position in enumerate(positions):
        who, grant = position.person or position.role, domain.grant(position.role)
        later = [p for p in positions[index + 1 :] if (p.person or p.role) == who]
        if grant is None or not grant.right.may_take_position:
            weights.append(Weight.NONE)
        elif _binding(domain, grant, position):
            renewed = any(
                p.role == position.role and (p.stance is Stance.GO or _binding(domain, grant, p)) for p in later
            )
            weights.append(Weight.REPLACED if renewed else Weight.VETO)
        elif later:
            weights.append(Weight.REPLACED)
        elif crossing_why(domain, grant, position) is not None:
            weights.append(Weight.CROSSING)
        elif position.stance is Stance.NO_GO:
            weights.append(Weight.VOICE)
        else:
            weights.append(Weight(position.stance.value))
    return weights


def _binding(domain: DomainRights, grant: Grant, position: Position) -> bool:
    return (
        position.stance is Stance.NO_GO
        and grant.blocks_on(position.basis)
        and not crossing_why(domain, grant, position)
    )


def stance_of(value: str) -> Stance:
    try:
        return Stance(value)
    except ValueError:
        raise InvalidInput(f"unknown stance '{value}'", hint="say go, no-go or abstain") from None


def parse_position(text: str) -> Position:
    """``ROLE=STANCE[:BASIS]``, e.g. ``em=no-go:technical``: a position to resolve without a database."""
    role, sep, rest = text.partition("=")
    if not sep or not role.strip():
        raise InvalidInput(f"position '{text}' is not ROLE=STANCE[:BASIS]", hint="e.g. em=no-go:technical")
    stance, _, basis = rest.partition(":")
    return Position(role.strip(), stance_of(stance.strip()), basis.strip() or None)


__all__ = ["EvidenceNeed", "crossing_why", "parse_position", "resolve"]

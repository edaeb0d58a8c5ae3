"""Properties of resolution that hold for every preset, every domain and any sequence of positions.

"Both can block; neither can force a ship over the other's objection in a healthy org." (seed 000)
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from hypothesis import event, given, settings
from hypothesis import strategies as st

from remit.charter import BASES, ROLES, load_preset, preset_names
from remit.charter.model import DomainRights, Right
from remit.decisions.model import EvidenceNeed, Position, Resolution, Rule, Stance, State
from remit.decisions.resolve import resolve

EXAMPLES = settings(max_examples=200, deadline=None)

PERSONS = (None, "ann", "bob", "cy")
EVIDENCE = ("cost-of-delay", "system-risk", "activation-data")

ALL_DOMAINS: list[DomainRights] = [domain for name in preset_names() for domain in load_preset(name).domains.values()]
MULTI_KEY_DOMAINS = [domain for domain in ALL_DOMAINS if len(domain.deciders) >= 2]

domains = st.sampled_from(ALL_DOMAINS)


ANY_ROLE = st.sampled_from(ROLES)


def positions(roles: st.SearchStrategy[str] = ANY_ROLE) -> st.SearchStrategy[list[Position]]:
    position = st.builds(
        Position,
        role=roles,
        stance=st.sampled_from(Stance),
        basis=st.sampled_from((*BASES, None)),
        person=st.sampled_from(PERSONS),
    )
    return st.lists(position, max_size=12)


def holder(position: Position) -> str:
    """Who a position belongs to: the person, or the role where no person is named (the resolver's key)."""
    return position.person or position.role


def counts(domain: DomainRights, position: Position) -> bool:
    """Whether the charter lets this role take a position at all (informed roles are told, not asked)."""
    grant = domain.grant(position.role)
    return grant is not None and grant.right.may_take_position


def latest(domain: DomainRights, sequence: list[Position]) -> dict[str, Position]:
    current: dict[str, Position] = {}
    for position in sequence:
        if counts(domain, position):
            current[holder(position)] = position
    return current


@st.composite
def in_scope_vetoes(draw: st.DrawFn, domain: DomainRights) -> Position:
    """A no-go from a role that can block, on a basis inside its scope."""
    role = draw(st.sampled_from(sorted(domain.block_scopes)))
    grant = domain.grant(role)
    assert grant is not None
    scope = sorted(grant.bases) if grant.bases is not None else [*BASES, None]
    return Position(role, Stance.NO_GO, draw(st.sampled_from(scope)), person=draw(st.sampled_from(PERSONS)))


def every_key_turns(domain: DomainRights) -> st.SearchStrategy[list[Position]]:
    """Nothing, or a go from a holder of every decider role (so approval is reachable, not only possible)."""
    gos = st.tuples(
        *(
            st.builds(Position, st.just(role), st.just(Stance.GO), person=st.sampled_from(PERSONS))
            for role in domain.deciders
        )
    )
    return st.one_of(st.just([]), gos.map(list))


@st.composite
def rules(draw: st.DrawFn, domain: DomainRights) -> list[Rule]:
    need = st.builds(EvidenceNeed, name=st.sampled_from(EVIDENCE), role=st.sampled_from(ROLES))
    rule = st.builds(
        Rule,
        domain=st.just(domain.name),
        because=st.just("a retro rule"),
        evidence=st.lists(need, max_size=2).map(tuple),
        go=st.lists(st.sampled_from(ROLES), max_size=2).map(tuple),
    )
    return draw(st.lists(rule, max_size=2))


@EXAMPLES
@given(data=st.data(), domain=st.sampled_from(MULTI_KEY_DOMAINS))
def test_no_single_role_approves_a_multi_key_decision_alone(data, domain):
    role = data.draw(st.sampled_from(ROLES))
    sequence = data.draw(positions(st.just(role)))
    evidence = data.draw(st.sets(st.sampled_from(EVIDENCE)))

    assert resolve(domain, sequence, evidence=evidence).state is not State.APPROVED


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_an_in_scope_no_go_as_its_holders_latest_position_always_blocks(data, domain):
    veto = data.draw(in_scope_vetoes(domain))
    before = data.draw(positions())
    after = [position for position in data.draw(positions()) if holder(position) != holder(veto)]
    evidence = data.draw(st.sets(st.sampled_from(EVIDENCE)))

    result = resolve(domain, [*before, veto, *after], evidence=evidence, rules=data.draw(rules(domain)))

    assert result.state is State.BLOCKED
    assert (veto.role, veto.basis, veto.person) in {(b.role, b.basis, b.person) for b in result.blocked_by}


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_no_further_positions_approve_a_blocked_decision_without_the_blockers_go(data, domain):
    opened = [*data.draw(positions()), data.draw(in_scope_vetoes(domain))]
    blocked = resolve(domain, opened)
    assert blocked.state is State.BLOCKED
    # Further positions: random ones, often with every key turning and sometimes the blockers' own go.
    further = [*data.draw(positions()), *data.draw(every_key_turns(domain))]
    if data.draw(st.booleans()):
        further += [Position(b.role, Stance.GO, person=b.person) for b in blocked.blocked_by]
    sequence = [*opened, *data.draw(st.permutations(further))]
    evidence = data.draw(st.sets(st.sampled_from(EVIDENCE)))

    result = resolve(domain, sequence, evidence=evidence)

    event(f"further positions gave {result.state.value}")
    if result.state is State.APPROVED:
        # the invariant itself: each blocker said go, in the role it vetoed in, after the veto
        for blocker in blocked.blocked_by:
            assert any(
                p.stance is Stance.GO and p.role == blocker.role and holder(p) == (blocker.person or blocker.role)
                for p in sequence[len(opened) :]
            )


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_resolution_is_deterministic_and_ignores_how_different_holders_interleave(data, domain):
    sequence = data.draw(positions())
    evidence = data.draw(st.sets(st.sampled_from(EVIDENCE)))
    team_rules = data.draw(rules(domain))
    # Re-interleave: keep each holder's own positions in order, shuffle who speaks when.
    queues: dict[str, list[Position]] = defaultdict(list)
    for position in sequence:
        queues[holder(position)].append(position)
    turns = data.draw(st.permutations([holder(position) for position in sequence]))
    interleaved = [queues[turn].pop(0) for turn in turns]

    first = resolve(domain, sequence, evidence=evidence, rules=team_rules)
    again = resolve(domain, sequence, evidence=evidence, rules=team_rules)
    shuffled = resolve(domain, interleaved, evidence=evidence, rules=team_rules)

    assert first == again
    assert summary(shuffled) == summary(first)


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_a_stored_resolution_reads_back_as_the_resolution_it_was(data, domain):
    """``decisions.resolution`` holds ``as_dict()`` as JSON; ``from_dict`` gives back the same resolution."""
    result = resolve(
        domain,
        data.draw(positions()),
        evidence=data.draw(st.sets(st.sampled_from(EVIDENCE))),
        rules=data.draw(rules(domain)),
    )
    stored = json.loads(json.dumps(result.as_dict()))

    assert Resolution.from_dict(stored) == result
    assert Resolution.from_dict(stored).as_dict() == stored


def summary(result: Resolution) -> tuple[object, ...]:
    """A resolution without the order in which blockers and crossings happened to be recorded."""
    return (
        result.state,
        result.waiting_on.as_dict(),
        result.keys,
        Counter(repr(sorted(blocker.as_dict().items())) for blocker in result.blocked_by),
        Counter(repr(sorted(crossing.as_dict().items())) for crossing in result.boundary_crossings),
    )


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_approved_means_every_key_turned_and_no_evidence_missing(data, domain):
    sequence = [*data.draw(positions()), *data.draw(every_key_turns(domain))]
    evidence = data.draw(st.sets(st.sampled_from(EVIDENCE)))
    team_rules = data.draw(rules(domain))
    must_go = data.draw(st.lists(st.sampled_from(ROLES), max_size=2))

    result = resolve(domain, sequence, evidence=evidence, rules=team_rules, must_go=must_go)

    event(f"resolved {result.state.value}")
    if result.state is State.APPROVED:
        said_go = {p.role for p in latest(domain, sequence).values() if p.stance is Stance.GO}
        required = {*domain.deciders, *must_go, *(role for rule in team_rules for role in rule.go)}
        assert required <= said_go
        assert all(need.name in evidence for rule in team_rules for need in rule.evidence)
        assert result.blocked_by == []
        assert all(result.keys.values())


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_only_a_decider_or_blocker_on_a_basis_in_its_scope_ever_blocks(data, domain):
    """Voice and consult are heard, never a veto ("a debrief voice, but no veto")."""
    result = resolve(domain, data.draw(positions()))

    for blocker in result.blocked_by:
        grant = domain.grant(blocker.role)
        assert grant is not None
        assert grant.right in (Right.DECIDE, Right.BLOCK), f"{blocker.role} holds only {grant.right} in {domain.name}"
        assert grant.blocks_on(blocker.basis)


@EXAMPLES
@given(data=st.data(), domain=domains)
def test_every_position_outside_the_charter_is_recorded_as_a_crossing(data, domain):
    sequence = data.draw(positions())

    result = resolve(domain, sequence)

    outside = [
        position
        for position in sequence
        if not counts(domain, position)
        or (
            position.stance is Stance.NO_GO
            and domain.grants[position.role].can_block
            and not domain.grants[position.role].blocks_on(position.basis)
        )
    ]
    assert [(c.role, c.basis, c.person) for c in result.boundary_crossings] == [
        (p.role, p.basis, p.person) for p in outside
    ]

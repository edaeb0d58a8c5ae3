"""The resolver as tables that read like the seed's sentences.

Each case id quotes (or closely paraphrases) the seed line it proves. Seeds: 000 = "Product manager vs
engineering manager: who owns what"; 004 = the product/engineering boundary essay.
"""

from __future__ import annotations

import json

import pytest

from remit.charter import load_preset
from remit.charter.model import DomainRights
from remit.charter.rights import who
from remit.decisions.model import EvidenceNeed, Position, Rule, Stance
from remit.decisions.resolve import resolve, weigh


def rights(domain: str, preset: str = "default") -> DomainRights:
    found = load_preset(preset).domain(domain)
    assert found is not None, f"preset {preset} has no domain {domain}"
    return found


def go(role: str, person: str | None = None) -> Position:
    return Position(role, Stance.GO, person=person)


def no_go(role: str, basis: str | None = None, person: str | None = None) -> Position:
    return Position(role, Stance.NO_GO, basis, person=person)


def abstain(role: str, person: str | None = None) -> Position:
    return Position(role, Stance.ABSTAIN, person=person)


def outcome(domain: DomainRights, positions: list[Position], **kwargs: object) -> dict[str, object]:
    """The parts of a resolution a table row names: state, who blocks, whose key is awaited, who crossed."""
    result = resolve(domain, positions, **kwargs).as_dict()  # type: ignore[arg-type]
    return {
        "state": result["state"],
        "blocked_by": [(blocker["role"], blocker["basis"]) for blocker in result["blocked_by"]],
        "waiting_on": result["waiting_on"]["roles"],
        "crossings": [(crossing["role"], crossing["basis"]) for crossing in result["boundary_crossings"]],
    }


def expect(state: str, *, blocked_by=(), waiting_on=(), crossings=()) -> dict[str, object]:
    return {
        "state": state,
        "blocked_by": list(blocked_by),
        "waiting_on": list(waiting_on),
        "crossings": list(crossings),
    }


# --- release: the dual key ------------------------------------------------------------------------------

RELEASE = [
    pytest.param(
        [go("pm")],
        expect("open", waiting_on=["em"]),
        id="Both can block; neither can force a ship - PM go alone waits on the EM",
    ),
    pytest.param(
        [go("em")],
        expect("open", waiting_on=["pm"]),
        id="Both can block; neither can force a ship - EM go alone waits on the PM",
    ),
    pytest.param(
        [go("pm"), go("em")],
        expect("approved"),
        id="every key must turn - PM go and EM go approve the release",
    ),
    pytest.param(
        [go("pm"), no_go("em", "technical")],
        expect("blocked", blocked_by=[("em", "technical")], waiting_on=["em"]),
        id="EM owns go/no-go for technical and safety reasons - EM no-go on technical blocks",
    ),
    pytest.param(
        [go("pm"), no_go("em", "safety")],
        expect("blocked", blocked_by=[("em", "safety")], waiting_on=["em"]),
        id="EM owns go/no-go for technical and safety reasons - EM no-go on safety blocks",
    ),
    pytest.param(
        [go("em"), no_go("pm", "business")],
        expect("blocked", blocked_by=[("pm", "business")], waiting_on=["pm"]),
        id="PM owns go/no-go for business and market reasons - PM no-go on business blocks",
    ),
    pytest.param(
        [go("em"), no_go("pm", "market")],
        expect("blocked", blocked_by=[("pm", "market")], waiting_on=["pm"]),
        id="PM owns go/no-go for business and market reasons - PM no-go on market blocks",
    ),
    pytest.param(
        [go("em"), no_go("pm", "technical")],
        expect("open", waiting_on=["pm"], crossings=[("pm", "technical")]),
        id="a PM blocking a release on technical grounds - counts as voice, a boundary crossing",
    ),
    pytest.param(
        [go("pm"), no_go("em", "market")],
        expect("open", waiting_on=["em"], crossings=[("em", "market")]),
        id="EM no-go on market grounds is outside its scope - counts as voice, a boundary crossing",
    ),
    pytest.param(
        [go("em"), no_go("pm")],
        expect("open", waiting_on=["pm"], crossings=[("pm", None)]),
        id="a no-go with no basis from a scoped key is a crossing, not a veto",
    ),
]


@pytest.mark.parametrize(("positions", "expected"), RELEASE)
def test_release_needs_both_keys_and_each_veto_counts_only_inside_its_scope(positions, expected):
    assert outcome(rights("release"), positions) == expected


def test_pm_no_go_on_technical_grounds_does_not_block_release():
    result = resolve(rights("release"), [go("em"), no_go("pm", "technical")])

    assert result.state.value == "open"
    assert result.blocked_by == []
    [crossing] = result.boundary_crossings
    assert "pm may block release only on business, market, not on technical" in crossing.why


def test_release_keys_show_which_key_has_turned():
    assert resolve(rights("release"), [go("pm")]).keys == {"pm": True, "em": False}
    assert resolve(rights("release"), [go("pm"), go("em")]).keys == {"pm": True, "em": True}


# --- a veto stands until its holder says go; no force ---------------------------------------------------

VETO_STANDS = [
    pytest.param(
        [go("pm"), no_go("em", "technical"), abstain("em")],
        expect("blocked", blocked_by=[("em", "technical")], waiting_on=["em"]),
        id="a veto stands until its holder says go - abstaining does not lift it",
    ),
    pytest.param(
        [go("pm"), no_go("em", "technical"), go("em")],
        expect("approved"),
        id="a veto stands until its holder says go - the EM's go lifts its own veto",
    ),
    pytest.param(
        [go("em"), no_go("pm", "business"), no_go("pm", "technical")],
        expect("blocked", blocked_by=[("pm", "business")], waiting_on=["pm"], crossings=[("pm", "technical")]),
        id="a later out-of-scope no-go does not replace an in-scope veto",
    ),
    pytest.param(
        [no_go("em", "technical"), go("pm"), go("designer"), go("tech-lead")],
        expect("blocked", blocked_by=[("em", "technical")], waiting_on=["em"]),
        id="No force - nobody else's go outweighs the EM's in-scope no-go",
    ),
    pytest.param(
        [no_go("pm", "market"), go("em"), go("designer"), go("stakeholder")],
        expect("blocked", blocked_by=[("pm", "market")], waiting_on=["pm"], crossings=[("stakeholder", None)]),
        id="neither can force a ship over the other's objection - the EM's go never outweighs the PM's veto",
    ),
]


@pytest.mark.parametrize(("positions", "expected"), VETO_STANDS)
def test_a_veto_stands_until_its_holder_says_go(positions, expected):
    assert outcome(rights("release"), positions) == expected


def test_another_em_cannot_outweigh_an_em_veto():
    """A decider's go never outweighs another's in-scope no-go, even from a holder of the same role."""
    positions = [
        no_go("em", "technical", person="erin"),
        go("em", person="eli"),
        go("pm", person="pat"),
    ]

    result = resolve(rights("release"), positions)

    assert result.state.value == "blocked"
    assert [blocker.as_dict() for blocker in result.blocked_by] == [
        {"role": "em", "basis": "technical", "person": "erin"}
    ]
    assert result.keys == {"pm": True, "em": True}


def test_the_vetoing_person_lifts_the_veto_with_their_own_go():
    positions = [
        no_go("em", "technical", person="erin"),
        go("em", person="eli"),
        go("pm", person="pat"),
        go("em", person="erin"),
    ]

    assert resolve(rights("release"), positions).state.value == "approved"


# --- sole owners and voices -----------------------------------------------------------------------------

SOLE_OWNERS = [
    pytest.param(
        "engineering-hiring",
        [go("em")],
        expect("approved"),
        id="The EM has direct authority over engineering hires - EM go alone approves",
    ),
    pytest.param(
        "engineering-hiring",
        [go("pm")],
        expect("open", waiting_on=["em"]),
        id="engineering hiring - a PM go is voice, the EM's key is still awaited",
    ),
    pytest.param(
        "engineering-hiring",
        [no_go("em", "business")],
        expect("blocked", blocked_by=[("em", "business")], waiting_on=["em"]),
        id="engineering hiring - a sole owner's no-go counts on any basis",
    ),
    pytest.param(
        "engineering-hiring",
        [no_go("pm", "business"), go("em")],
        expect("approved"),
        id="The PM has influence and sometimes a debrief voice, but no veto - PM no-go does not block",
    ),
    pytest.param(
        "engineering-hiring",
        [go("em"), no_go("pm")],
        expect("approved"),
        id="a debrief voice, but no veto - a PM no-go without basis is heard, not a crossing",
    ),
    pytest.param(
        "pm-hiring",
        [go("pm")],
        expect("approved"),
        id="PMs own hiring decisions only for their own role - PM go alone approves a PM hire",
    ),
    pytest.param(
        "pm-hiring",
        [go("em")],
        expect("open", waiting_on=["pm"]),
        id="PMs own hiring decisions for their own role - the EM cannot approve a PM hire",
    ),
    pytest.param(
        "engineering-reserve",
        [go("em")],
        expect("approved"),
        id="How that 20% is spent belongs to the EM - EM go alone approves",
    ),
    pytest.param(
        "engineering-reserve",
        [no_go("pm", "business"), go("em")],
        expect("approved"),
        id="make the user cost of delay visible, not override the allocation - PM no-go is voice",
    ),
    pytest.param(
        "team-process",
        [no_go("pm", "business"), go("em")],
        expect("approved"),
        id="The PM co-owns sprint planning prioritization, not the ceremony itself - PM no-go is voice",
    ),
]


@pytest.mark.parametrize(("domain", "positions", "expected"), SOLE_OWNERS)
def test_a_sole_owner_decides_alone_and_a_voice_never_blocks(domain, positions, expected):
    assert outcome(rights(domain), positions) == expected


def test_pm_no_go_on_an_engineering_hire_is_voice_and_does_not_block():
    result = resolve(rights("engineering-hiring"), [no_go("pm", "business"), go("em")])

    assert result.blocked_by == []
    assert result.boundary_crossings == []
    assert result.state.value == "approved"


# --- incident response: the PM is consulted, not a decision-maker ---------------------------------------

INCIDENTS = [
    pytest.param(
        [go("pm")],
        expect("open", waiting_on=["em"]),
        id="During an incident, the PM is ... not a decision-maker - PM go does not approve",
    ),
    pytest.param(
        [go("em")],
        expect("approved"),
        id="On-call and incident response. The EM owns this entirely - EM go alone approves",
    ),
    pytest.param(
        [no_go("pm", "business"), go("em")],
        expect("approved"),
        id="consulted on customer impact prioritization - a consult's no-go does not hold it up",
    ),
    pytest.param(
        [go("em"), go("stakeholder")],
        expect("approved", crossings=[("stakeholder", None)]),
        id="stakeholders are informed - a stakeholder's position is a crossing, not counted",
    ),
    pytest.param(
        [go("eng-leadership")],
        expect("open", waiting_on=["em"], crossings=[("eng-leadership", None)]),
        id="engineering leadership is informed - its go is a crossing and turns no key",
    ),
]


@pytest.mark.parametrize(("positions", "expected"), INCIDENTS)
def test_the_em_owns_incident_response_and_the_pm_is_consulted(positions, expected):
    assert outcome(rights("incident-response"), positions) == expected


CONSULTS = [
    pytest.param([], ["pm"], id="consulted on customer impact prioritization - waiting on the PM's answer"),
    pytest.param([go("pm")], [], id="the PM answered go - no longer waiting on the consult"),
    pytest.param([abstain("pm")], [], id="the PM answered abstain - a consult has answered once it speaks"),
    pytest.param([no_go("pm", "business")], [], id="the PM answered no-go - heard, no longer awaited"),
    pytest.param([go("stakeholder")], ["pm"], id="an informed stakeholder speaking does not answer for the PM"),
]


@pytest.mark.parametrize(("positions", "consults"), CONSULTS)
def test_an_open_incident_waits_on_the_pm_consult_until_the_pm_speaks(positions, consults):
    result = resolve(rights("incident-response"), positions)

    assert result.waiting_on.consults == consults


def test_an_unanswered_consult_does_not_hold_up_an_approval():
    result = resolve(rights("incident-response"), [go("em")])

    assert result.state.value == "approved"
    assert result.waiting_on.as_dict() == {"roles": [], "evidence": [], "evidence_from": {}, "consults": []}


# --- inform-only roles and roles with no right ----------------------------------------------------------

CROSSINGS = [
    pytest.param(
        "release",
        [go("pm"), go("em"), no_go("stakeholder", "business")],
        expect("approved", crossings=[("stakeholder", "business")]),
        "stakeholder is only informed in release: told, not asked",
        id="Reset the boundaries, make work visible - an informed stakeholder's no-go is a crossing",
    ),
    pytest.param(
        "release",
        [go("pm"), go("engineer")],
        expect("open", waiting_on=["em"], crossings=[("engineer", None)]),
        "engineer has no right in release",
        id="a role with no right in the domain - its go is a crossing and turns no key",
    ),
    pytest.param(
        "eval-harness",
        [no_go("pm", "business"), go("em")],
        expect("approved", crossings=[("pm", "business")]),
        "pm is only informed in eval-harness: told, not asked",
        id="eval harness quality is the EM's - the informed PM's no-go is a crossing",
    ),
]


@pytest.mark.parametrize(("domain", "positions", "expected", "why"), CROSSINGS)
def test_an_inform_only_position_is_a_boundary_crossing_and_is_not_counted(domain, positions, expected, why):
    result = resolve(rights(domain), positions)

    assert outcome(rights(domain), positions) == expected
    assert [crossing.why for crossing in result.boundary_crossings] == [why]


# --- other presets --------------------------------------------------------------------------------------

PRESETS = [
    pytest.param(
        "ai-native",
        "release",
        [go("pm"), go("em"), no_go("research-lead", "safety")],
        expect("blocked", blocked_by=[("research-lead", "safety")]),
        id="ai-native: a third actor enters - the research lead may stop a release on safety",
    ),
    pytest.param(
        "ai-native",
        "release",
        [go("pm"), go("em"), no_go("research-lead", "market")],
        expect("approved", crossings=[("research-lead", "market")]),
        id="ai-native: the research lead's no-go on market grounds is a crossing",
    ),
    pytest.param(
        "ai-native",
        "model-capability",
        [go("research-lead")],
        expect("approved"),
        id="ai-native: the research lead or ML lead who owns model capability decisions",
    ),
    pytest.param(
        "google-tlm",
        "release",
        [go("pm"), go("tlm")],
        expect("approved"),
        id="google-tlm: the TLM holds engineering's release key",
    ),
    pytest.param(
        "google-tlm",
        "release",
        [go("pm"), go("em")],
        expect("open", waiting_on=["tlm"], crossings=[("em", None)]),
        id="google-tlm: there is no EM key to turn, the TLM's is awaited",
    ),
    pytest.param(
        "amazon",
        "architecture",
        [go("em"), no_go("tech-lead", "technical")],
        expect("approved"),
        id="amazon: the EM owns team capacity and technical architecture - the tech lead is only asked",
    ),
    pytest.param(
        "amazon",
        "success-metrics",
        [go("pm")],
        expect("open", waiting_on=["em"]),
        id="amazon: both are accountable to the same business outcome - success metrics is a dual key",
    ),
    pytest.param(
        "meta",
        "success-metrics",
        [go("pm"), no_go("em", "technical")],
        expect("approved"),
        id="meta: neither has veto over the other's domain - the EM's no-go on success metrics is voice",
    ),
    pytest.param(
        "default",
        "architecture",
        [go("em"), no_go("tech-lead", "technical")],
        expect("blocked", blocked_by=[("tech-lead", "technical")]),
        id="default: architecture lives with engineering - the tech lead's technical veto stops it",
    ),
]


@pytest.mark.parametrize(("preset", "domain", "positions", "expected"), PRESETS)
def test_each_preset_resolves_as_its_seed_sentence_says(preset, domain, positions, expected):
    assert outcome(rights(domain, preset), positions) == expected


# --- rules: the retro rule ------------------------------------------------------------------------------

RETRO_RULE = Rule(
    domain="release",
    because=(
        "PM flags the user metric cost of delay, EM flags the system risk of shipping, "
        "both have to explicitly agree before we move."
    ),
    evidence=(EvidenceNeed("cost-of-delay", "pm"), EvidenceNeed("system-risk", "em")),
    go=("pm", "em"),
)

RULES = [
    pytest.param(
        [go("pm"), go("em")],
        set(),
        "open",
        ([], ["cost-of-delay", "system-risk"]),
        id="PM flags the cost of delay, EM flags the system risk - both keys turned, still waiting on both",
    ),
    pytest.param(
        [go("pm"), go("em")],
        {"cost-of-delay"},
        "open",
        ([], ["system-risk"]),
        id="PM flags the user metric cost of delay - still waiting on the EM's system risk",
    ),
    pytest.param(
        [go("pm"), go("em")],
        {"system-risk"},
        "open",
        ([], ["cost-of-delay"]),
        id="EM flags the system risk of shipping - still waiting on the PM's cost of delay",
    ),
    pytest.param(
        [go("pm")],
        {"cost-of-delay", "system-risk"},
        "open",
        (["em"], []),
        id="both have to explicitly agree before we move - evidence in, the EM has not agreed",
    ),
    pytest.param(
        [go("pm"), go("em")],
        {"cost-of-delay", "system-risk"},
        "approved",
        ([], []),
        id="both flagged and both explicitly agree - we move",
    ),
    pytest.param(
        [go("pm"), no_go("em", "technical")],
        {"cost-of-delay", "system-risk"},
        "blocked",
        (["em"], []),
        id="evidence present does not outweigh the EM's technical no-go",
    ),
]


@pytest.mark.parametrize(("positions", "evidence", "state", "waiting"), RULES)
def test_the_retro_rule_keeps_a_release_open_until_both_flags_are_in(positions, evidence, state, waiting):
    result = resolve(rights("release"), positions, evidence=evidence, rules=[RETRO_RULE])

    assert result.state.value == state
    assert (result.waiting_on.as_dict()["roles"], result.waiting_on.as_dict()["evidence"]) == waiting


def test_missing_evidence_says_who_must_supply_it():
    result = resolve(rights("release"), [go("pm"), go("em")], rules=[RETRO_RULE])

    assert result.waiting_on.as_dict()["evidence_from"] == {"cost-of-delay": "pm", "system-risk": "em"}


def test_a_rule_go_role_must_say_go_even_where_it_holds_no_key():
    rule = Rule(domain="release", because="the tech lead signs off on migrations", go=("tech-lead",))

    waiting = resolve(rights("release"), [go("pm"), go("em")], rules=[rule])
    approved = resolve(rights("release"), [go("pm"), go("em"), go("tech-lead")], rules=[rule])

    assert (waiting.state.value, waiting.waiting_on.roles) == ("open", ["tech-lead"])
    assert approved.state.value == "approved"


def test_the_same_evidence_needed_by_two_rules_is_awaited_once():
    again = Rule(domain="release", because="again", evidence=(EvidenceNeed("cost-of-delay", "pm"),))

    result = resolve(rights("release"), [go("pm"), go("em")], rules=[RETRO_RULE, again])

    assert result.waiting_on.as_dict()["evidence"] == ["cost-of-delay", "system-risk"]


# --- must_go: a veto carried over an amendment ----------------------------------------------------------

MUST_GO = [
    pytest.param(
        [go("em")], "open", ["tech-lead"], id="a carried veto - the tech lead must say go in the new revision"
    ),
    pytest.param([go("em"), abstain("tech-lead")], "open", ["tech-lead"], id="a carried veto - abstaining is not go"),
    pytest.param([go("em"), go("tech-lead")], "approved", [], id="a carried veto - lifted by the tech lead's go"),
]


@pytest.mark.parametrize(("positions", "state", "waiting"), MUST_GO)
def test_a_carried_role_must_say_go_before_approval(positions, state, waiting):
    result = resolve(rights("architecture"), positions, must_go=["tech-lead"])

    assert (result.state.value, result.waiting_on.roles) == (state, waiting)


def test_a_carried_role_is_awaited_once_when_it_also_holds_a_key():
    result = resolve(rights("release"), [], must_go=["em"])

    assert result.waiting_on.roles == ["pm", "em"]


# --- contracts: who() and as_dict() ---------------------------------------------------------------------

WHO = [
    pytest.param(
        "release",
        {
            "domain": "release",
            "decide": ["pm", "em"],
            "block": {"pm": ["business", "market"], "em": ["safety", "technical"]},
            "voice": [],
            "consult": ["designer", "tech-lead"],
            "inform": ["designer", "tech-lead", "stakeholder"],  # a consulted role is also informed
        },
        id="release - PM business and market, EM technical and safety",
    ),
    pytest.param(
        "engineering-hiring",
        {
            "domain": "engineering-hiring",
            "decide": ["em"],
            "block": {"em": ["*"]},
            "voice": ["pm"],
            "consult": ["tech-lead"],
            "inform": ["tech-lead"],
        },
        id="engineering hiring - The EM has direct authority, the PM a debrief voice",
    ),
    pytest.param(
        "incident-response",
        {
            "domain": "incident-response",
            "decide": ["em"],
            "block": {"em": ["*"]},
            "voice": [],
            "consult": ["pm"],
            "inform": ["pm", "eng-leadership", "stakeholder"],
        },
        id="incident response - The EM owns this entirely, the PM informed of severity and consulted",
    ),
]


@pytest.mark.parametrize(("domain", "expected"), WHO)
def test_who_names_every_right_in_a_domain(domain, expected):
    assert who(rights(domain)) == expected


def test_who_has_exactly_the_contract_keys():
    assert set(who(rights("release"))) == {"domain", "decide", "block", "voice", "consult", "inform"}


def test_resolution_as_dict_has_the_contract_keys_and_is_json():
    result = resolve(
        rights("release"),
        [no_go("em", "technical", person="erin"), no_go("pm", "technical")],
        rules=[RETRO_RULE],
    ).as_dict()

    assert set(result) == {"state", "blocked_by", "waiting_on", "boundary_crossings", "keys"}
    assert result["state"] == "blocked"
    assert result["blocked_by"] == [{"role": "em", "basis": "technical", "person": "erin"}]
    assert set(result["waiting_on"]) == {"roles", "evidence", "evidence_from", "consults"}
    assert result["waiting_on"]["roles"] == ["pm", "em"]
    assert result["waiting_on"]["evidence"] == ["cost-of-delay", "system-risk"]
    assert result["waiting_on"]["consults"] == ["designer", "tech-lead"]
    [crossing] = result["boundary_crossings"]
    assert set(crossing) == {"role", "basis", "why"}
    assert (crossing["role"], crossing["basis"]) == ("pm", "technical")
    assert json.loads(json.dumps(result)) == result


def test_blocked_by_and_crossings_name_no_person_in_the_pure_resolver():
    result = resolve(rights("release"), [no_go("em", "technical"), no_go("pm", "safety")]).as_dict()

    assert result["blocked_by"] == [{"role": "em", "basis": "technical"}]
    assert [set(crossing) for crossing in result["boundary_crossings"]] == [{"role", "basis", "why"}]


def test_resolution_is_a_pure_function_of_its_inputs():
    positions = [go("pm"), no_go("em", "technical"), go("stakeholder")]

    first = resolve(rights("release"), positions, rules=[RETRO_RULE])
    second = resolve(rights("release"), positions, rules=[RETRO_RULE])

    assert first == second
    assert positions == [go("pm"), no_go("em", "technical"), go("stakeholder")]


def test_a_lifted_veto_does_not_come_back_when_its_holder_later_abstains() -> None:
    from remit.charter import load_preset
    from remit.decisions.model import Position, Stance
    from remit.decisions.resolve import resolve

    domain = load_preset("default").domains["incident-response"]
    positions = [
        Position("em", Stance.NO_GO, "safety"),
        Position("em", Stance.GO),
        Position("em", Stance.ABSTAIN),
    ]
    result = resolve(domain, positions)
    assert result.state.value == "open"
    assert result.blocked_by == []


def test_weigh_marks_vetoes_voice_crossings_and_replaced_positions():
    release = rights("release")
    said = [
        abstain("em", "ezra"),  # replaced by ezra's veto
        no_go("em", "technical", "ezra"),  # a binding veto: stands, nothing lifts it
        no_go("pm", "technical", "priya"),  # outside the PM's grounds: a crossing
        no_go("designer", None, "dana"),  # a consulted role's no-go: voice
        no_go("pm", "business", "priya"),  # a veto, later lifted by priya's go: replaced
        go("pm", "priya"),
        go("stakeholder", "sol"),  # informed only: not counted
    ]
    assert [w.value for w in weigh(release, said)] == [
        "replaced",
        "veto",
        "replaced",  # priya said more later: her crossing is no longer her position
        "voice",
        "replaced",
        "go",
        "none",
    ]
    # an abstention after a veto does not replace it: the veto stands until its holder's go
    assert [w.value for w in weigh(release, [no_go("em", "safety", "ezra"), abstain("em", "ezra")])] == [
        "veto",
        "abstain",
    ]
    assert [w.value for w in weigh(release, [no_go("pm", "technical", "priya")])] == ["crossing"]

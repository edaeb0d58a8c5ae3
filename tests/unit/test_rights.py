"""The one rights table (``charter/rights.py``), read as the seed's sentences."""

from __future__ import annotations

import pytest

from remit.charter import DomainRights, Grant, Right, load_preset
from remit.charter.rights import RIGHTS, Action, Standing, allows, denial

RELEASE = load_preset("default").domains["release"]


def standing(role: str, *, proposer: bool = False, rights: DomainRights = RELEASE) -> Standing:
    return Standing("someone", role, rights, proposer=proposer, number=7)


@pytest.mark.parametrize(
    ("action", "role", "proposer", "allowed"),
    [
        (Action.OPEN_DECISION, "pm", False, True),
        (Action.RECORD_POSITION, "em", False, True),
        (Action.RECORD_POSITION, "stakeholder", False, False),  # "stakeholders read, they never write"
        (Action.ADD_EVIDENCE, "designer", False, True),  # consulted: asked, so heard
        (Action.AMEND_DECISION, "designer", False, False),  # neither proposer nor key holder
        (Action.AMEND_DECISION, "designer", True, True),  # the proposer reshapes their own question
        (Action.AMEND_DECISION, "em", False, True),  # a key holder may reshape what they approve
        (Action.WITHDRAW_DECISION, "em", False, False),  # "a no-go (within your scope) is how to stop it"
        (Action.WITHDRAW_DECISION, "pm", True, True),
        (Action.ADD_RULE, "pm", False, True),  # the retro rule is the key holders' agreement
        (Action.ADD_RULE, "designer", False, False),
        (Action.RETIRE_RULE, "em", False, True),
    ],
)
def test_the_rights_table_on_a_release(action: Action, role: str, proposer: bool, allowed: bool) -> None:
    assert allows(action, standing(role, proposer=proposer)) is allowed


TEAM_PROCESS = load_preset("default").domains["team-process"]


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    [
        (Action.IMPORT_ISSUES, "em", True),  # "The EM owns the team's agile process"
        (Action.IMPORT_ISSUES, "engineer", True),  # consulted in the process: keeps the board fed
        (Action.IMPORT_ISSUES, "pm", True),  # voice in the process
        (Action.IMPORT_ISSUES, "stakeholder", False),  # reads the board, never writes it
        (Action.IMPORT_ISSUES, "designer", False),  # no right in team-process
        (Action.PUBLISH_BOARD, "em", True),  # showing it outside the team is the process owner's call
        (Action.PUBLISH_BOARD, "pm", False),
        (Action.PUBLISH_BOARD, "engineer", False),
    ],
)
def test_the_rights_table_on_the_bug_board(action: Action, role: str, allowed: bool) -> None:
    assert allows(action, standing(role, rights=TEAM_PROCESS)) is allowed


def test_a_stakeholder_never_takes_part_even_if_a_right_slipped_past_the_charter_check() -> None:
    grant = Grant("stakeholder", Right.CONSULT, note="not allowed by `charter check`")
    rights = DomainRights("positioning", "", {"stakeholder": grant})
    refused = denial(Action.RECORD_POSITION, standing("stakeholder", rights=rights))
    assert refused is not None
    assert "reads but never writes" in refused.why


def test_every_action_has_one_row_in_the_table() -> None:
    assert set(Action) <= set(RIGHTS)
    for action in Action:
        assert (
            denial(action, standing("pm", proposer=True)) is None
            or action is Action.WITHDRAW_DECISION
            or (
                action.value.endswith(
                    ("incident", "severity", "status", "update", "commander", "impact", "postmortem", "subscribers")
                )
            )
        )


INCIDENTS = load_preset("default").domains["incident-response"]
OWNER_SIDE = [
    Action.POST_INCIDENT_UPDATE,
    Action.CHANGE_INCIDENT_SEVERITY,
    Action.CHANGE_INCIDENT_STATUS,
    Action.RESOLVE_INCIDENT,
    Action.LINK_POSTMORTEM,
]


def on_incident(role: str, *, commander: bool = False) -> Standing:
    return Standing("someone", role, INCIDENTS, number=3, commander=commander)


@pytest.mark.parametrize("action", OWNER_SIDE)
def test_the_em_owns_incident_response_entirely(action: Action) -> None:
    assert allows(action, on_incident("em"))


@pytest.mark.parametrize("action", OWNER_SIDE)
def test_the_commander_the_em_names_runs_the_incident(action: Action) -> None:
    assert allows(action, on_incident("engineer", commander=True))
    assert not allows(action, on_incident("engineer"))


@pytest.mark.parametrize("action", [Action.OPEN_INCIDENT, Action.NAME_COMMANDER])
def test_only_the_owner_opens_an_incident_and_names_its_commander(action: Action) -> None:
    assert allows(action, on_incident("em"))
    assert not allows(action, on_incident("engineer", commander=True))


def test_the_pm_is_consulted_on_customer_impact_not_a_decision_maker() -> None:
    assert allows(Action.ANSWER_IMPACT, on_incident("pm"))
    assert not allows(Action.ANSWER_IMPACT, on_incident("em"))  # the owner is not consulted on their own call
    refused = denial(Action.CHANGE_INCIDENT_SEVERITY, on_incident("pm"))
    assert refused is not None
    assert refused.why.startswith("someone (pm) may not change an incident's severity")
    assert "not a decision-maker" in refused.why and "customer-impact consult" in refused.hint


@pytest.mark.parametrize("action", [*OWNER_SIDE, Action.OPEN_INCIDENT, Action.ANSWER_IMPACT])
def test_stakeholders_read_incidents(action: Action) -> None:
    assert not allows(action, on_incident("stakeholder"))

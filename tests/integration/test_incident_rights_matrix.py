"""Every incident action × every role × every preset, on SQLite and PostgreSQL: allowed or refused exactly as
the charter's incident-response domain says ("The EM owns this entirely. During an incident, the PM is a
stakeholder: informed of severity, consulted on customer impact prioritization, not a decision-maker"), and
the incident page offers a form exactly when the handler accepts it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.charter import ROLES, Person, Right, load_preset, preset_names, teams
from remit.charter.model import READ_ONLY_ROLES
from remit.charter.render import render_charter
from remit.incidents import abilities
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.kernel.commands import Command, act
from remit.kernel.errors import NotFound, RightsRefused
from remit.kernel.uow import Store
from remit.tracker import board
from remit.tracker.commands import ImportIssues, IssueIn, LinkBug

TEAM = "matrix"
URL = "https://wiki.example.com/postmortems/1"
WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def import_one_bug_each(store: Store, preset: str) -> None:
    """A bug per role on the board (``MX-<role>``), imported by the team-process owner."""
    issues = [
        IssueIn(key=f"MX-{role}", title=role, status="Open", category="open", created=WHEN, updated=WHEN, url=URL)
        for role in ROLES
    ]
    owner = load_preset(preset).domains["team-process"].deciders[0]
    act(store, TEAM, owner, ImportIssues(tracker="jira", origin="the matrix", issues=issues))


def accepted(store: Store, handle: str, command: Command[Any]) -> bool:
    try:
        act(store, TEAM, handle, command)
    except RightsRefused:
        return False
    return True


@pytest.mark.parametrize("preset", preset_names())
def test_every_incident_action_for_every_role_is_allowed_or_refused_as_the_charter_says(
    store: Store, preset: str
) -> None:
    base = load_preset(preset)
    people = {role: Person(role, role, (role,)) for role in ROLES}
    teams.init_team(
        uow=store.uow(),
        text=render_charter(replace(base, name=TEAM, preset=preset, people=people), team=TEAM),
        source="remit.toml",
    )
    rights = base.domains["incident-response"]
    owner = rights.deciders[0]
    import_one_bug_each(store, preset)
    wrong: list[str] = []
    for role in ROLES:
        grant = rights.grant(role)
        owns = grant is not None and grant.right is Right.DECIDE
        consulted = grant is not None and grant.right is Right.CONSULT
        responds = grant is not None and grant.right.may_take_position and role not in READ_ONLY_ROLES
        opened = accepted(store, role, OpenIncident(title=f"by {role}", severity="sev3"))
        if opened != owns:
            wrong.append(f"{role} open: accepted={opened}, the charter says {owns}")
        number = act(store, TEAM, owner, OpenIncident(title=f"for {role}", severity="sev3")).number
        can = abilities.incident_page(uow=store.uow(), team=TEAM, handle=role, number=number).can
        links = board.may_link(uow=store.uow(), team=TEAM, handle=role, number=number)
        tries: list[tuple[str, bool, bool, Command[Any]]] = [
            ("link a bug", responds, links, LinkBug(key=f"MX-{role}", incident=number)),
            ("severity", owns, can.severity, UpdateIncident(number=number, severity="sev1")),
            ("status", owns, can.status, UpdateIncident(number=number, status="identified")),
            ("message", owns, can.update, UpdateIncident(number=number, message="an internal note")),
            ("impact", consulted, can.impact, AnswerImpact(number=number, impact="EU customers first")),
            (
                "commander",
                owns,
                can.commander,
                NameCommander(number=number, handle="engineer" if role != "engineer" else "tech-lead"),
            ),
            ("resolve", owns, can.resolve, ResolveIncident(number=number)),
            ("postmortem", owns, owns, LinkPostmortem(number=number, url=URL)),
        ]
        for what, expected, offered, command in tries:
            took = accepted(store, role, command)
            if took != expected or offered != expected:
                wrong.append(f"{role} {what}: accepted={took}, offered={offered}, the charter says {expected}")
    assert wrong == []


@pytest.mark.parametrize("preset", preset_names())
def test_the_commander_the_owner_names_runs_the_incident_but_names_no_one(store: Store, preset: str) -> None:
    base = load_preset(preset)
    people = {role: Person(role, role, (role,)) for role in ROLES}
    teams.init_team(
        uow=store.uow(),
        text=render_charter(replace(base, name=TEAM, preset=preset, people=people), team=TEAM),
        source="remit.toml",
    )
    owner = base.domains["incident-response"].deciders[0]
    number = act(store, TEAM, owner, OpenIncident(title="Checkout down", severity="sev2")).number
    assert not accepted(store, "engineer", UpdateIncident(number=number, severity="sev1"))  # not yet named
    act(store, TEAM, owner, NameCommander(number=number, handle="engineer"))
    assert accepted(store, "engineer", UpdateIncident(number=number, severity="sev1", status="identified"))
    assert not accepted(store, "engineer", NameCommander(number=number, handle="tech-lead"))
    assert not accepted(store, "engineer", OpenIncident(title="another", severity="sev4"))
    import_one_bug_each(store, preset)
    assert board.may_link(uow=store.uow(), team=TEAM, handle="engineer", number=number)  # as its commander
    assert accepted(store, "engineer", LinkBug(key="MX-engineer", incident=number))
    assert accepted(store, "engineer", ResolveIncident(number=number))
    assert accepted(store, "engineer", LinkPostmortem(number=number, url=URL))


@pytest.mark.parametrize("preset", preset_names())
def test_every_status_page_action_for_every_role_is_allowed_or_refused_as_the_charter_says(
    store: Store, preset: str
) -> None:
    """Setting a component and managing maintenance are incident-response's owner side (a stakeholder never);
    the team's status page offers the forms exactly when the handlers accept them."""
    from datetime import timedelta

    from remit.status import board, subscription_handlers
    from remit.status.commands import ScheduleMaintenance, SetComponentStatus, UpdateMaintenance
    from remit.status.subscription_commands import RemoveSubscriber

    base = load_preset(preset)
    people = {role: Person(role, role, (role,)) for role in ROLES}
    charter = replace(base, name=TEAM, preset=preset, people=people, status_components=("api",))
    teams.init_team(uow=store.uow(), text=render_charter(charter, team=TEAM), source="remit.toml")
    rights = base.domains["incident-response"]
    owner = rights.deciders[0]
    begins = store.clock() + timedelta(days=1)
    window = {"scheduled_for": begins, "scheduled_until": begins + timedelta(hours=1)}
    schedule = ScheduleMaintenance(name="Upgrade", components=["api"], message="Brief pause.", **window)
    number = act(store, TEAM, owner, schedule).number
    wrong: list[str] = []
    for role in ROLES:
        grant = rights.grant(role)
        owns = grant is not None and grant.right is Right.DECIDE
        view = board.manage_view(uow=store.uow(), team=TEAM, handle=role)
        tries: list[tuple[str, bool, Command[Any]]] = [
            ("set", view.may_set, SetComponentStatus(component="api", status="degraded_performance")),
            ("schedule", view.may_manage, schedule),
            ("update", view.may_manage, UpdateMaintenance(number=number, message="a note")),
        ]
        for what, offered, command in tries:
            took = accepted(store, role, command)
            if took != owns or offered != owns:
                wrong.append(f"{role} {what}: accepted={took}, offered={offered}, the charter says {owns}")
        try:  # the subscribers page: linked, read and its removal accepted (past the rights: no such one) alike
            subscription_handlers.subscribers(uow=store.uow(), team=TEAM, handle=role)
            reads = True
        except RightsRefused:
            reads = False
        try:
            act(store, TEAM, role, RemoveSubscriber(subscription=999))
            removes = True
        except RightsRefused:
            removes = False
        except NotFound:
            removes = True
        if not reads == removes == view.may_see_subscribers == owns:
            wrong.append(f"{role} subscribers: read={reads}, remove={removes}, offered={view.may_see_subscribers}")
    assert wrong == []
    assert "stakeholder" in ROLES

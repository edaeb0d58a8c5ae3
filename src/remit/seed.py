"""The demo team ``remit serve --demo`` starts with: the default preset, the sample roster (a person in
every role), settled and open decisions, a boundary crossing, a refusal and a retro rule. Everything is
made through the real services, so what the web app shows is what the engine decided."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select

from remit.charter import load_preset
from remit.charter.render import render_charter
from remit.cli.roster import sample_roster
from remit.errors import RightsRefused
from remit.services import decisions, identity, rules, teams
from remit.services.uow import Store
from remit.store.tables import TeamRow

DEMO_TEAM = "checkout"
DEMO_PASSWORD = "remit-demo-pass"  # noqa: S105 - the demo's published sign-in, printed by `remit serve --demo`


@dataclass(frozen=True)
class DemoTeam:
    team: str
    password: str
    people: list[tuple[str, str, str]]  # handle, name, roles
    created: bool


def demo_text() -> str:
    preset = load_preset("default")
    people = {person.handle: person for person in sample_roster(preset)}
    return render_charter(replace(preset, name=DEMO_TEAM, preset="default", people=people), team=DEMO_TEAM)


def seed_demo(store: Store) -> DemoTeam:
    """Create the demo team unless the database already holds it."""
    with store.uow() as uow:
        exists = uow.session.scalars(select(TeamRow).where(TeamRow.name == DEMO_TEAM)).first() is not None
    text = demo_text()
    charter = teams.charter_from_text(text)
    roster = [(p.handle, p.name, ", ".join(p.roles)) for p in charter.people.values()]
    if exists:
        return DemoTeam(DEMO_TEAM, DEMO_PASSWORD, roster, created=False)
    teams.init_team(uow=store.uow(), text=text, source="demo")
    for handle in charter.people:
        identity.set_password(uow=store.uow(), team=DEMO_TEAM, handle=handle, password=DEMO_PASSWORD)
    _story(store)
    return DemoTeam(DEMO_TEAM, DEMO_PASSWORD, roster, created=True)


def _story(store: Store) -> None:
    t, u = DEMO_TEAM, store.uow
    # 1. A release the EM stopped on technical grounds, fixed, then both keys turned: approved.
    first = decisions.open_decision(
        uow=u(), team=t, actor="priya", domain="release", title="Ship the new onboarding flow"
    ).number
    decisions.record_position(
        uow=u(),
        team=t,
        actor="ezra",
        number=first,
        stance="no-go",
        basis="technical",
        reason="the signup query has no index; it will fall over at launch traffic",
    )
    decisions.record_position(
        uow=u(),
        team=t,
        actor="priya",
        number=first,
        stance="no-go",
        basis="technical",
        reason="the index is fine, I looked at the dashboard",
    )  # outside the PM's scope: recorded as a boundary crossing, not a veto
    decisions.record_position(
        uow=u(), team=t, actor="priya", number=first, stance="go", reason="activation is down 4% until this ships"
    )
    decisions.record_position(
        uow=u(), team=t, actor="ezra", number=first, stance="go", reason="index added and load-tested at 3x"
    )
    # 2. The retro rule that came out of it.
    rules.add_rule(
        uow=u(),
        team=t,
        actor="ezra",
        domain="release",
        because="PM flags the user metric cost of delay, EM flags the system risk of shipping, "
        "both have to explicitly agree before we move",
        requires=["cost-of-delay:pm", "system-risk:em"],
        origin=first,
    )
    # 3. The next release, under the rule: the PM has flagged cost of delay; waiting on the EM.
    decisions.open_decision(
        uow=u(),
        team=t,
        actor="priya",
        domain="release",
        title="Ship one-click reorder",
        deadline=store.clock() + timedelta(days=5),
        evidence=[("cost-of-delay", "repeat purchases: ~1.8k orders/week wait on this")],
    )
    # 4. A hire the EM owns; the PM has voice.
    hire = decisions.open_decision(
        uow=u(), team=t, actor="ezra", domain="engineering-hiring", title="Hire a senior backend engineer"
    ).number
    decisions.record_position(
        uow=u(), team=t, actor="priya", number=hire, stance="go", reason="strong product sense in the debrief"
    )
    # 5. A stakeholder trying to weigh in on a release: refused, and recorded.
    with contextlib.suppress(RightsRefused):
        decisions.open_decision(uow=u(), team=t, actor="sol", domain="release", title="Ship the refund fix today")

"""The demo team ``remit serve --demo`` starts with: the default preset, the sample roster (a person in
every role), settled and open decisions, a boundary crossing, a refusal and a retro rule. Everything is
made through the real services, so what the web app shows is what the engine decided."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from remit.charter import load_preset
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster
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
    with store.uow().reading() as uow:
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


class DemoTime:
    """The demo's history happens over the past three weeks: each step a few minutes after the last, with
    jumps between the days things happened, so the insights have real durations to show."""

    def __init__(self, now: datetime) -> None:
        self.end = now
        self.now = now - timedelta(days=21)

    def __call__(self) -> datetime:
        self.now = min(self.now + timedelta(minutes=3), self.end)
        return self.now

    def at(self, days_ago: float) -> None:
        self.now = max(self.now, self.end - timedelta(days=days_ago))


def _story(store: Store) -> None:
    real_clock = store.clock
    time = DemoTime(real_clock())
    store.clock = time
    try:
        _history(store, time)
    finally:
        store.clock = real_clock


def _say(store: Store, actor: str, number: int, stance: str, reason: str, basis: str | None = None) -> None:
    decisions.record_position(
        uow=store.uow(), team=DEMO_TEAM, actor=actor, number=number, stance=stance, reason=reason, basis=basis
    )


def _history(store: Store, time: DemoTime) -> None:
    t, u = DEMO_TEAM, store.uow
    # 1. Three weeks ago: a release the EM stopped on technical grounds; the PM pushed back on technical
    # grounds (a boundary crossing); fixed; both keys turned four days later.
    time.at(days_ago=20)
    first = decisions.open_decision(
        uow=u(), team=t, actor="priya", domain="release", title="Ship the new onboarding flow"
    ).number
    _say(
        store, "ezra", first, "no-go", "the signup query has no index; it will fall over at launch traffic", "technical"
    )
    time.at(days_ago=19)
    _say(store, "priya", first, "no-go", "the index is fine, I looked at the dashboard", "technical")
    time.at(days_ago=17)
    _say(store, "priya", first, "go", "activation is down 4% until this ships")
    time.at(days_ago=16)
    _say(store, "ezra", first, "go", "index added and load-tested at 3x")
    # 2. The retro rule that came out of it.
    time.at(days_ago=15)
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
    # 3. Two days ago, the next release under the rule: the PM has flagged cost of delay; waiting on the EM.
    time.at(days_ago=2)
    decisions.open_decision(
        uow=u(),
        team=t,
        actor="priya",
        domain="release",
        title="Ship one-click reorder",
        deadline=time.end + timedelta(days=5),
        evidence=[("cost-of-delay", "repeat purchases: ~1.8k orders/week wait on this")],
    )
    # 4. A hire the EM owns; the PM has voice.
    time.at(days_ago=1.5)
    hire = decisions.open_decision(
        uow=u(), team=t, actor="ezra", domain="engineering-hiring", title="Hire a senior backend engineer"
    ).number
    _say(store, "priya", hire, "go", "strong product sense in the debrief")
    # 5. Releases under the rule settle in hours, not days; once the EM reached for market grounds (a crossing).
    for title, cost, risk, opened, hours in (
        ("Ship address autocomplete", "checkout drop-off at the address step: 6%", "behind a flag, one query", 1, 5),
        ("Ship faster image loading", "mobile bounce rate +3% on slow pages", "CDN change, one-step rollback", 0.6, 3),
    ):
        time.at(days_ago=opened)
        number = decisions.open_decision(
            uow=u(), team=t, actor="priya", domain="release", title=title, evidence=[("cost-of-delay", cost)]
        ).number
        decisions.add_evidence(uow=u(), team=t, actor="ezra", number=number, name="system-risk", text=risk)
        if hours == 3:
            _say(store, "ezra", number, "no-go", "I don't think customers want this yet", "market")
        time.at(days_ago=opened - hours / 24)
        _say(store, "ezra", number, "go", "risk is low and we can roll back")
        _say(store, "priya", number, "go", "ship it")
    # 6. A stakeholder trying to weigh in on a release: refused, and recorded.
    with contextlib.suppress(RightsRefused):
        decisions.open_decision(uow=u(), team=t, actor="sol", domain="release", title="Ship the refund fix today")

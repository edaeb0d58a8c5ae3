"""The demo team ``remit serve --demo`` starts with: the default preset, the sample roster (a person in
every role, each with the published password) and the demo story (``demo_story``), played silently: settled
and open decisions, boundary crossings, a refusal and a retro rule. ``remit demo`` plays the same story,
narrated. Everything is made through the real handlers, so what the web app shows is what the engine
decided."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from remit import demo_story
from remit.charter import load_preset, teams
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster
from remit.identity import accounts as identity
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store
from remit.tracker import demo as tracker_demo

DEMO_TEAM = "checkout"
DEMO_PASSWORD = "remit-demo-pass"  # noqa: S105 - the demo's published sign-in, printed by `remit serve --demo`


@dataclass(frozen=True)
class DemoTeam:
    team: str
    password: str
    people: list[tuple[str, str, str]]  # handle, name, roles
    created: bool


def demo_text() -> str:
    """The demo team's charter file: the default preset with the sample roster."""
    preset = load_preset("default")
    people = {person.handle: person for person in sample_roster(preset)}
    return render_charter(replace(preset, name=DEMO_TEAM, preset="default", people=people), team=DEMO_TEAM)


def seed_demo(store: Store, *, board: bool = True) -> DemoTeam:
    """Create the demo team unless the database already holds it; ``board``: with its bug board (imported
    bugs, published), which a database from before the board (migration 0008) cannot hold."""
    with store.uow().reading() as uow:
        exists = uow.session.scalars(select(TeamRow).where(TeamRow.name == DEMO_TEAM)).first() is not None
    text = demo_text()
    charter = teams.charter_from_text(text)
    roster = [(p.handle, p.name, ", ".join(p.roles)) for p in charter.people.values()]
    if exists:
        return DemoTeam(DEMO_TEAM, DEMO_PASSWORD, roster, created=False)
    with demo_story.story_time(store):  # the whole record lies in the past, in order
        teams.init_team(uow=store.uow(), text=text, source="demo")
        for handle in charter.people:
            identity.set_password(uow=store.uow(), team=DEMO_TEAM, handle=handle, password=DEMO_PASSWORD)
        demo_story.play(store, DEMO_TEAM)
        if board:
            tracker_demo.seed_board(store, DEMO_TEAM)
    return DemoTeam(DEMO_TEAM, DEMO_PASSWORD, roster, created=True)

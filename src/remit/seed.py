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
from remit.status import demo as status_demo
from remit.status import subscribers_demo
from remit.tracker import demo as tracker_demo

DEMO_TEAM = "checkout"
DEMO_ZONE = "Europe/Berlin"
COMPONENTS = status_demo.COMPONENTS  # what the status page lists (ledger-db is private: the team's only)
DEMO_PASSWORD = "remit-demo-pass"  # noqa: S105 - the demo's published sign-in, printed by `remit serve --demo`


@dataclass(frozen=True)
class DemoTeam:
    team: str
    password: str
    people: list[tuple[str, str, str]]  # handle, name, roles
    created: bool


NOWHERE = "json://127.0.0.1:9/remit-demo"  # the discard port: nothing listens, the machine refuses at once


def demo_channels(base_url: str = "http://127.0.0.1:8000") -> dict[str, tuple[str, ...]]:
    """Notification channels that never leave the machine, so the notification pages are not empty. The demo
    story consults Dana and informs Sol: Dana's webhook is refused (port 9: her deliveries are retried with a
    growing wait); Sol's posts to this server's own address, at a path it does not serve, so the 404 makes
    his deliveries dead at once. Priya and Ezra (key holders of the charter) see both on the Deliveries
    page."""
    own = base_url.split("://", 1)[-1].rstrip("/")
    return {"dana": (NOWHERE,), "sol": (f"json://{own}/hooks/remit-demo",)}


def demo_text(base_url: str = "http://127.0.0.1:8000") -> str:
    """The demo team's charter file: the default preset with the sample roster and its demo channels, working in
    Berlin's time."""
    preset = load_preset("default")
    channels = demo_channels(base_url)
    people = {
        person.handle: replace(person, notify=channels.get(person.handle, ())) for person in sample_roster(preset)
    }
    demo = replace(
        preset,
        name=DEMO_TEAM,
        preset="default",
        people=people,
        time_zone=DEMO_ZONE,
        status_components=COMPONENTS,
        status_groups=status_demo.GROUPS,
        status_private=status_demo.PRIVATE,
    )
    return render_charter(demo, team=DEMO_TEAM)


def seed_demo(store: Store, base_url: str = "http://127.0.0.1:8000", *, board: bool = True) -> DemoTeam:
    """Create the demo team unless the database already holds it (``base_url``: where the server answers);
    ``board``: with its bug board (imported bugs, published), which a database from before the board cannot
    hold."""
    with store.uow().reading() as uow:
        exists = uow.session.scalars(select(TeamRow).where(TeamRow.name == DEMO_TEAM)).first() is not None
    text = demo_text(base_url)
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
            tracker_demo.seed_board(store, DEMO_TEAM, payments=demo_story.PAYMENTS, search=demo_story.SEARCH)
            subscribers_demo.seed_subscribers(store, DEMO_TEAM)  # of the same age as the board: a newer database
    return DemoTeam(DEMO_TEAM, DEMO_PASSWORD, roster, created=True)

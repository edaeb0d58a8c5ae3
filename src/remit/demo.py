"""``remit demo``: the demo story (the one ``remit serve --demo`` seeds), played on a throw-away database.

Each step's line comes from the story; everything after it comes back from the engine: the state, the
crossing, the refusal, the rule, the gate's answer, and at the end the insights on time to decision.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rich.markup import escape
from rich.rule import Rule as Line

from remit.audit import replay
from remit.charter import Charter, Right, teams
from remit.cli.context import console
from remit.decisions import insights, queries, show
from remit.decisions.commands import OpenDecision
from remit.decisions.results import Outcome, RuleView
from remit.demo_story import Played, play, story_time
from remit.incidents import words as incident_words
from remit.incidents.results import IncidentDone
from remit.kernel.uow import Store
from remit.seed import DEMO_PASSWORD, DEMO_TEAM, demo_text

QUOTED = (Right.DECIDE, Right.BLOCK, Right.VOICE)  # the rights whose seed sentence the demo quotes


def run_demo(keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="remit-demo-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "remit-demo.db"
        database.unlink(missing_ok=True)
        store = Store.open(f"sqlite:///{database}", migrate=True, clock=_whole_seconds)
        try:
            _tell(store, folder)
        finally:
            store.close()
        if keep:
            console.print(
                f"\nkept: {database} and {folder / 'remit.toml'} "
                f"(try: cd {folder} && remit --database sqlite:///{database.name} decision list)"
            )


def _whole_seconds() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _tell(store: Store, folder: Path) -> None:
    console.print(Line("Remit demo: the seed's story, on a throw-away database"))
    text = demo_text()
    (folder / "remit.toml").write_text(text, encoding="utf-8")
    with story_time(store):  # the whole record lies in the past, in order
        adopted = teams.init_team(uow=store.uow(), text=text, source="remit.toml")
        charter = teams.charter_from_text(text)
        say(
            f"Team {DEMO_TEAM} adopts the {charter.preset} preset: charter v{adopted.version}, {adopted.people} people."
        )
        for person in charter.people.values():
            boss = charter.people.get(person.reports_to or "")
            line = f"{person.name} — {', '.join(person.roles)}" + (f", reports to {boss.name}" if boss else "")
            console.print(f"  {person.handle:<7} {escape(line)}")
        play(store, DEMO_TEAM, Narrator(store, charter))
    _record(store)


def say(text: str) -> None:
    console.print(f"\n[bold cyan]▸[/] {escape(text)}")


class Narrator:
    """Tells each step of the story as it is played: the story's line, then what the engine answered."""

    def __init__(self, store: Store, charter: Charter) -> None:
        self.store = store
        self.charter = charter
        self.quoted: set[str] = set()

    def __call__(self, played: Played) -> None:
        step, result = played.step, played.result
        if step.days_ago is not None:
            console.print(f"\n[dim]── {_ago(step.days_ago)} ──[/]")
        say(step.say)
        if isinstance(step.command, OpenDecision) and step.command.domain not in self.quoted:
            self._quote(step.command.domain)
        if played.refusal is not None:
            refusal = played.refusal
            console.print(
                f"  [red]{escape(refusal.message)}[/]" + (f"\n  [dim]{escape(refusal.hint)}[/]" if refusal.hint else "")
            )
        elif isinstance(result, Outcome):
            if isinstance(step.command, OpenDecision):
                console.print(f"opened #{result.number} {escape(step.command.title)}")
            show.resolution(result.resolution)
        elif isinstance(result, IncidentDone):
            console.print(f"  {escape(incident_words.state_sentence(result.as_dict() | {'components': []}))}")
        elif isinstance(result, RuleView):
            needs = ", ".join(f"{item['name']} from the {item['role']}" for item in result.evidence)
            console.print(f"  rule {result.id} ({result.domain}, from #{result.origin}): “{escape(result.because)}”")
            console.print(f"  every {result.domain} decision opened from now on waits on evidence: {needs}")
        if step.gate and isinstance(result, Outcome):
            answer = queries.gate(uow=self.store.uow(), team=DEMO_TEAM, number=result.number)
            verdict = "[green]open[/]" if answer.approved else "[red]closed[/]"
            console.print(
                f"  the deploy pipeline asks `remit gate {result.number}`: {verdict} — {escape(answer.reason)}"
            )

    def _quote(self, domain: str) -> None:
        """The domain's rights as the charter gives them, each with the seed sentence it comes from."""
        self.quoted.add(domain)
        rights = self.charter.domains[domain]
        console.print(f"  [italic]{domain}[/] — {escape(rights.about)}")
        for grant in rights.grants.values():
            if grant.right in QUOTED and grant.why:
                scope = f" on {grant.scope_text()}" if grant.can_block else ""
                console.print(f"    {grant.role}: {grant.right.value}{scope} — “{escape(grant.why)}”")


def _ago(days: float) -> str:
    return f"{days:g} days ago" if days >= 2 else f"{round(days * 24)} hours ago"


def _hours(hours: float | None) -> str:
    if hours is None:
        return "none settled"
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def _record(store: Store) -> None:
    console.print()
    console.print(Line("The record"))
    found = insights.team_insights(uow=store.uow(), team=DEMO_TEAM)
    for payoff in found.rules:
        before, after = _hours(payoff.before_median_hours), _hours(payoff.after_median_hours)
        console.print(
            f"time to decision in {payoff.domain}: {before} before rule {payoff.rule} "
            f"(median of {payoff.before_count}), {after} under it (median of {payoff.after_count})"
        )
    for count in found.crossings:
        refused = f", {count.refused} refused" if count.refused else ""
        console.print(f"boundary crossings in {count.domain} by the {count.role}: {count.crossings}{refused}")
    for report in replay.verify(uow=store.uow(), team=DEMO_TEAM):
        replayed = "; replayed, the tables match it" if report.ok else f": {len(report.differences)} difference(s)"
        said = "intact" + replayed if report.replayed else "BROKEN: " + report.problem
        console.print(f"audit chain: {report.entries} entries, {said}")
    console.print(
        f"\nThe same story seeds [bold]remit serve --demo[/], the team the web app opens on: "
        f"sign in as priya or ezra, password {DEMO_PASSWORD}."
    )
    console.print("Try it on your own team: [bold]remit init --preset default --team NAME[/] (see README.md).")

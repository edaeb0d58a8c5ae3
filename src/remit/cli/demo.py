"""``remit demo``: the seed's story, played on a throw-away database through the real services.

Nothing here is canned: every state, crossing, refusal and gate answer printed comes back from the engine.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.rule import Rule as Line

from remit.charter import load_preset
from remit.charter.render import render_charter
from remit.cli import show
from remit.cli.context import console
from remit.cli.roster import sample_roster
from remit.errors import RemitError
from remit.services import decisions, queries, rules, teams
from remit.services.decisions import Outcome
from remit.services.uow import Store


class StepClock:
    """Demo time: starts now and moves on a little with every step, so durations read like a real week."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now

    def advance(self, hours: float) -> None:
        self.now += timedelta(hours=hours)


def say(text: str) -> None:
    console.print(f"\n[bold cyan]▸[/] {text}")


def result(outcome: Outcome) -> None:
    show.resolution(outcome.resolution)


def attempt(action: Callable[[], object]) -> None:
    """Run an action the charter should refuse, and print the refusal the engine gives."""
    try:
        action()
    except RemitError as error:
        console.print(f"  [red]{error.message}[/]" + (f"\n  [dim]{error.hint}[/]" if error.hint else ""))
    else:  # pragma: no cover - the demo's refusals are asserted by tests
        console.print("  [bold red]unexpectedly allowed[/]")


def run_demo(keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="remit-demo-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "remit-demo.db"
        database.unlink(missing_ok=True)
        clock = StepClock()
        store = Store.open(f"sqlite:///{database}", migrate=True, clock=clock)
        try:
            _story(store, clock, folder)
        finally:
            store.close()
        if keep:
            console.print(
                f"\nkept: {database} and {folder / 'remit.toml'} "
                f"(try: cd {folder} && remit --database sqlite:///{database.name} decision list)"
            )


def _story(store: Store, clock: StepClock, folder: Path) -> None:
    uow = store.uow
    console.print(Line("Remit demo: the seed's story, on a throw-away database"))
    preset = load_preset("default")
    charter = preset.__class__(
        **{
            **preset.__dict__,
            "name": "checkout",
            "preset": "default",
            "people": {p.handle: p for p in sample_roster(preset)},
        }
    )
    text = render_charter(charter, team="checkout")
    (folder / "remit.toml").write_text(text, encoding="utf-8")
    adopted = teams.init_team(uow=uow(), text=text, source="remit.toml")
    say(
        f"Team checkout adopts the default preset: charter v{adopted.version}, {adopted.people} people. "
        "Priya is the PM (reports to Hana, VP Product); Ezra is the EM (reports to Victor, Director of Engineering)."
    )
    release = preset.domains["release"]
    for role, grant in release.grants.items():
        if grant.can_block:
            console.print(f"  release · {role}: {grant.right.value} on {grant.scope_text()} — “{grant.why}”")

    say("Priya opens a release: ship the new onboarding flow.")
    first = decisions.open_decision(
        uow=uow(), team="checkout", actor="priya", domain="release", title="Ship the new onboarding flow"
    )
    result(first)
    n1 = first.number

    say("Ezra says no-go on technical grounds: a database indexing issue he had flagged.")
    result(
        decisions.record_position(
            uow=uow(),
            team="checkout",
            actor="ezra",
            number=n1,
            stance="no-go",
            basis="technical",
            reason="the signup query has no index; it will fall over",
        )
    )
    answer = queries.gate(uow=uow(), team="checkout", number=n1)
    console.print(
        f"  deploy pipeline asks `remit gate {n1}`: {'open' if answer.approved else 'closed'} — {answer.reason}"
    )

    say('Priya, frustrated, tries to block on technical grounds too ("the index is fine").')
    result(
        decisions.record_position(
            uow=uow(),
            team="checkout",
            actor="priya",
            number=n1,
            stance="no-go",
            basis="technical",
            reason="the index is fine, I looked at the dashboard",
        )
    )
    console.print("  Her no-go counts as voice, not a veto, and the crossing is on the record.")

    say("Sol from support tries to say go on the release.")
    attempt(
        lambda: decisions.record_position(
            uow=uow(), team="checkout", actor="sol", number=n1, stance="go", reason="customers are asking"
        )
    )
    say("Nobody can force it either: a go from Priya does not outweigh Ezra's veto.")
    result(
        decisions.record_position(
            uow=uow(), team="checkout", actor="priya", number=n1, stance="go", reason="business case is clear"
        )
    )

    say("Instead, Priya shares the activation data and asks Ezra what deferring the index fix would cost.")
    decisions.add_evidence(
        uow=uow(), team="checkout", actor="priya", number=n1, name="activation", text="new users churn at step 3 at 40%"
    )
    clock.advance(20)
    say("Ezra assesses: low risk at current scale. His go lifts his own veto, and both keys have turned.")
    result(
        decisions.record_position(
            uow=uow(),
            team="checkout",
            actor="ezra",
            number=n1,
            stance="go",
            reason="low risk at our current scale; index fix next sprint",
        )
    )
    answer = queries.gate(uow=uow(), team="checkout", number=n1)
    console.print(f"  `remit gate {n1}`: {'open' if answer.approved else 'closed'} — {answer.reason}")

    clock.advance(24 * 5)
    say("In the retro they write down a decision rule (Ezra, a key holder, records it, citing the release):")
    rule = rules.add_rule(
        uow=uow(),
        team="checkout",
        actor="ezra",
        domain="release",
        requires=["cost-of-delay:pm", "system-risk:em"],
        go=["pm", "em"],
        origin=n1,
        because="PM flags the user metric cost of delay, EM flags the system risk of shipping, "
        "both have to explicitly agree before we move.",
    )
    console.print(f"  rule {rule.id}: {rule.because}")

    say("Next sprint, Priya opens the next release. The rule applies from the start.")
    second = decisions.open_decision(
        uow=uow(), team="checkout", actor="priya", domain="release", title="Ship onboarding step 3 redesign"
    )
    result(second)
    n2 = second.number
    say("Both say go early, but the rule still waits on the evidence.")
    decisions.record_position(
        uow=uow(), team="checkout", actor="priya", number=n2, stance="go", reason="step 3 churn is our biggest leak"
    )
    result(
        decisions.record_position(
            uow=uow(), team="checkout", actor="ezra", number=n2, stance="go", reason="index is in; small change"
        )
    )
    say("Ezra tries to fill in the cost of delay himself; the rule says it comes from the PM.")
    attempt(
        lambda: decisions.add_evidence(
            uow=uow(), team="checkout", actor="ezra", number=n2, name="cost-of-delay", text="probably a lot"
        )
    )
    say("Priya flags the user-metric cost of delay; Ezra flags the system risk of shipping.")
    result(
        decisions.add_evidence(
            uow=uow(),
            team="checkout",
            actor="priya",
            number=n2,
            name="cost-of-delay",
            text="each week of delay loses ~400 activated users (40% step-3 churn)",
        )
    )
    result(
        decisions.add_evidence(
            uow=uow(),
            team="checkout",
            actor="ezra",
            number=n2,
            name="system-risk",
            text="low: feature-flagged, index already shipped, rollback in one click",
        )
    )
    answer = queries.gate(uow=uow(), team="checkout", number=n2)
    console.print(f"  `remit gate {n2}`: {'[green]open[/]' if answer.approved else 'closed'} — {answer.reason}")

    console.print(Line("The record"))
    view = queries.show_decision(uow=uow(), team="checkout", number=n1)
    crossings = view.crossings
    console.print(f"boundary crossings on #{n1}: {len(crossings)}")
    for crossing in crossings:
        label = "refused" if crossing.refused else "recorded as voice"
        console.print(f"  {crossing.person} ({crossing.role}, {label}): {crossing.why}")
    for report in queries.verify_audit(uow=uow(), team="checkout"):
        console.print(
            f"audit chain: {report.entries} entries, {'intact' if report.ok else 'BROKEN: ' + report.problem}"
        )
    console.print("\nTry it on your own team: [bold]remit init --preset default --team NAME[/] (see README.md).")

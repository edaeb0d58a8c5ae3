"""The demo's story, told once: the steps that make the demo team's history, each with the line ``remit demo``
says before it and the command it dispatches, on one clock.

``remit serve --demo`` (``seed.seed_demo``) plays it silently; ``remit demo`` plays it and narrates each step
with what the engine answered. Both go through the real handlers, so nothing shown is canned.

It follows the seed's strong answer: a release the EM stops on technical grounds and the PM cannot force, the
PM's technical no-go recorded as a boundary crossing, both keys turned, the retro rule they write down, and
the releases under that rule that settle in hours rather than days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from remit import capabilities  # noqa: F401 - the handlers the story dispatches to
from remit.decisions.commands import AddEvidence, AddRule, EvidenceItem, OpenDecision, RecordPosition
from remit.decisions.model import Stance
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.incidents.model import Severity, Status
from remit.kernel.commands import Command, act
from remit.kernel.errors import RightsRefused
from remit.kernel.uow import Store
from remit.status import demo as status_demo

# The decisions the story opens, numbered as the engine numbers them on a new team (the story checks it).
ONBOARDING, REORDER, HIRE, AUTOCOMPLETE, IMAGES = 1, 2, 3, 4, 5
GO, NO_GO = Stance.GO, Stance.NO_GO
RETRO_RULE = (
    "PM flags the user metric cost of delay, EM flags the system risk of shipping, "
    "both have to explicitly agree before we move"
)


@dataclass(frozen=True)
class Step:
    """One thing that happens: ``actor`` dispatches ``command``; ``say`` is what ``remit demo`` tells first."""

    say: str
    actor: str
    command: Command[Any]
    days_ago: float | None = None  # first the clock moves on to this long before the story's end
    opens: int | None = None  # the number an OpenDecision gets
    refused: bool = False  # the charter refuses it, and the refusal is recorded
    gate: bool = False  # then the deploy pipeline asks `remit gate` about the decision


@dataclass(frozen=True)
class Played:
    """A step and what the engine answered: a result, or the refusal the story expected."""

    step: Step
    result: Any = None
    refusal: RightsRefused | None = None


class DemoTime:
    """The story's clock: it happens over the three months before ``end`` (the status page's 90 days; the
    decisions in the last three weeks), each call a few minutes after the last, with jumps to the days things
    happened, so the insights and the uptime bar have real durations to show."""

    def __init__(self, end: datetime) -> None:
        self.end = end
        self.now = end - timedelta(days=91)

    def __call__(self) -> datetime:
        self.now = min(self.now + timedelta(minutes=3), self.end)
        return self.now

    def at(self, days_ago: float) -> None:
        self.now = max(self.now, self.end - timedelta(days=days_ago))


def _position(
    say: str, actor: str, number: int, stance: Stance, reason: str, basis: str | None = None, **more: Any
) -> Step:
    return Step(say, actor, RecordPosition(number=number, stance=stance, reason=reason, basis=basis), **more)


def story(end: datetime) -> list[Step]:
    """The steps, in order; ``end`` is the story's now (the reorder release's deadline is five days after)."""
    return [
        # Three months of the public status page: incidents, a component set by hand, a maintenance.
        *_status_history(end),
        # Three weeks ago: the release from the seed's strong answer.
        Step(
            "Priya (PM) opens a release: ship the new onboarding flow.",
            "priya",
            OpenDecision(domain="release", title="Ship the new onboarding flow"),
            days_ago=20,
            opens=ONBOARDING,
        ),
        _position(
            "Ezra (EM) says no-go on technical grounds: a database indexing issue he had flagged.",
            "ezra",
            ONBOARDING,
            NO_GO,
            "the signup query has no index; it will fall over at launch traffic",
            basis="technical",
            gate=True,
        ),
        _position(
            "Priya, frustrated, says no-go on technical grounds too; her veto covers business and market.",
            "priya",
            ONBOARDING,
            NO_GO,
            "the index is fine, I looked at the dashboard",
            basis="technical",
            days_ago=19,
        ),
        _position(
            "Priya says go, citing activation. A go does not outweigh Ezra's veto: neither can force a ship.",
            "priya",
            ONBOARDING,
            GO,
            "activation is down 4% until this ships",
            days_ago=17,
        ),
        _position(
            "Ezra adds the index and load-tests it. His go lifts his own veto, and both keys have turned.",
            "ezra",
            ONBOARDING,
            GO,
            "index added and load-tested at 3x",
            days_ago=16,
            gate=True,
        ),
        Step(
            "In the retro they write down a decision rule; Ezra, a key holder, records it, citing the release.",
            "ezra",
            AddRule(
                domain="release", because=RETRO_RULE, requires=["cost-of-delay:pm", "system-risk:em"], origin=ONBOARDING
            ),
            days_ago=15,
        ),
        # Two days ago: the next release, under the rule; it waits on the EM.
        Step(
            "Priya opens the next release with its cost of delay. The rule applies from the start.",
            "priya",
            OpenDecision(
                domain="release",
                title="Ship one-click reorder",
                deadline=end + timedelta(days=5),
                evidence=[EvidenceItem(name="cost-of-delay", text="repeat purchases: ~1.8k orders/week wait on this")],
            ),
            days_ago=2,
            opens=REORDER,
            gate=True,
        ),
        # A hire the EM owns; the PM has voice.
        Step(
            "Ezra opens a hire.",
            "ezra",
            OpenDecision(domain="engineering-hiring", title="Hire a senior backend engineer"),
            days_ago=1.5,
            opens=HIRE,
        ),
        _position(
            "Priya says go after the debrief. Her go is voice: the hire still waits on Ezra.",
            "priya",
            HIRE,
            GO,
            "strong product sense in the debrief",
        ),
        # Releases under the rule settle in hours, not days; once the EM reached for market grounds.
        *_release_under_the_rule(
            AUTOCOMPLETE,
            "Ship address autocomplete",
            cost="checkout drop-off at the address step: 6%",
            risk="behind a flag, one query",
            days_ago=1,
            hours=5,
        ),
        *_release_under_the_rule(
            IMAGES,
            "Ship faster image loading",
            cost="mobile bounce rate +3% on slow pages",
            risk="CDN change, one-step rollback",
            days_ago=0.6,
            hours=3,
            market_no_go=True,
        ),
        # A stakeholder trying to weigh in on a release: refused, and recorded.
        Step(
            "Sol, the support lead, tries to open a release.",
            "sol",
            OpenDecision(domain="release", title="Ship the refund fix today"),
            refused=True,
        ),
        *_incidents(),
        *_status_today(end),
    ]


def _status_history(end: datetime) -> list[Step]:
    return [Step(h.say, h.actor, h.command, days_ago=h.days_ago) for h in status_demo.history(end)]


def _status_today(end: datetime) -> list[Step]:
    return [Step(h.say, h.actor, h.command, days_ago=h.days_ago) for h in status_demo.present(end)]


PAYMENTS, SEARCH = len(status_demo.INCIDENTS) + 1, len(status_demo.INCIDENTS) + 2  # after the page's history


def _incidents() -> list[Step]:
    """ "On-call and incident response. The EM owns this entirely. During an incident, the PM is a stakeholder:
    informed of severity, consulted on customer impact prioritization, not a decision-maker." One incident run
    to its postmortem, one still open with the PM's impact consult unanswered."""
    title = "Card payments failing in the EU"
    return [
        Step(
            "Card payments start failing in Europe. Ezra, who owns incident response, opens an incident; Priya is "
            "told and asked about customer impact.",
            "ezra",
            OpenIncident(
                title=title,
                severity=Severity.SEV2,
                components=["payments", "checkout"],
                message="We are investigating failed card payments for some customers in Europe.",
                public=True,
            ),
            days_ago=0.45,
            opens=PAYMENTS,
        ),
        Step("Ezra names Sam, on call, the commander.", "ezra", NameCommander(number=PAYMENTS, handle="sam")),
        Step(
            "Sam finds the cause (an internal note: customers do not see it).",
            "sam",
            UpdateIncident(
                number=PAYMENTS,
                status=Status.IDENTIFIED,
                message="The 2.4.1 deploy shortened the 3-D Secure timeout; rolling it back.",
            ),
        ),
        Step(
            "Priya answers the consult: which customers are hit and what matters most.",
            "priya",
            AnswerImpact(
                number=PAYMENTS,
                impact="About 18% of EU card checkouts fail. Invoiced enterprise accounts are fine; "
                "fix the card path first, then tell the EU sales team.",
            ),
        ),
        Step(
            "Priya tries to raise the severity herself: the charter refuses, and records the crossing.",
            "priya",
            UpdateIncident(number=PAYMENTS, severity=Severity.SEV1),
            refused=True,
        ),
        Step(
            "Ezra raises it to sev1 on her numbers; Priya is told.",
            "ezra",
            UpdateIncident(number=PAYMENTS, severity=Severity.SEV1, message="18% of EU card checkouts fail."),
        ),
        Step(
            "Sam rolls back and watches.",
            "sam",
            UpdateIncident(
                number=PAYMENTS,
                status=Status.MONITORING,
                message="A fix is in place and we are watching payments recover.",
                public=True,
            ),
        ),
        Step(
            "Sam resolves it.",
            "sam",
            ResolveIncident(number=PAYMENTS, message="Card payments work again for every customer.", public=True),
        ),
        Step(
            "Ezra links the postmortem.",
            "ezra",
            LinkPostmortem(number=PAYMENTS, url="https://wiki.example.com/postmortems/2026-11-eu-card-payments"),
            days_ago=0.3,
        ),
        Step(
            "Search slows down. Ezra opens a sev3; Priya's view on impact is asked, not yet answered.",
            "ezra",
            OpenIncident(title="Search results are slow", severity=Severity.SEV3, components=["search"]),
            days_ago=0.1,
            opens=SEARCH,
        ),
        Step(
            "Ezra posts what customers see, and what the team knows.",
            "ezra",
            UpdateIncident(
                number=SEARCH,
                status=Status.IDENTIFIED,
                message="Search is slower than usual; results are correct.",
                public=True,
            ),
        ),
        Step(
            "An internal note for the team.",
            "ezra",
            UpdateIncident(number=SEARCH, message="The index rebuild after yesterday's migration is still running."),
        ),
    ]


def _release_under_the_rule(
    number: int, title: str, *, cost: str, risk: str, days_ago: float, hours: int, market_no_go: bool = False
) -> list[Step]:
    flagged = [EvidenceItem(name="cost-of-delay", text=cost)]
    opened = OpenDecision(domain="release", title=title, evidence=flagged)
    steps = [
        Step(f"Priya opens “{title}” with its cost of delay.", "priya", opened, days_ago=days_ago, opens=number),
        Step(
            "Ezra adds the system risk of shipping.", "ezra", AddEvidence(number=number, name="system-risk", text=risk)
        ),
    ]
    if market_no_go:
        reason = "I don't think customers want this yet"
        say = "Ezra says no-go because customers may not want it yet: market grounds are the PM's to block on."
        steps.append(_position(say, "ezra", number, NO_GO, reason, basis="market"))
    ezra_go = _position(
        f"{hours} hours after it opened, Ezra says go.",
        "ezra",
        number,
        GO,
        "risk is low and we can roll back",
        days_ago=days_ago - hours / 24,
    )
    return [*steps, ezra_go, _position("Priya says go.", "priya", number, GO, "ship it")]


@contextmanager
def story_time(store: Store) -> Iterator[DemoTime]:
    """Run the store on the story's clock: wrap the team's creation in it too, so that the whole record,
    from the charter's adoption on, lies in the past and in order."""
    real_clock = store.clock
    if isinstance(real_clock, DemoTime):
        yield real_clock
        return
    time = DemoTime(real_clock())
    store.clock = time
    try:
        yield time
    finally:
        store.clock = real_clock


def play(store: Store, team: str, each: Callable[[Played], None] | None = None) -> None:
    """Play the story for ``team`` (its charter adopted, no decisions yet) on the story's clock, calling
    ``each`` with every step and its answer. A step the story expects refused and allowed, or the reverse,
    or a decision numbered otherwise than the story says, is a bug in the story: it raises."""
    with story_time(store) as time:
        for step in story(time.end):
            if step.days_ago is not None:
                time.at(step.days_ago)
            played = _dispatch(store, team, step)
            if step.opens is not None and played.result.number != step.opens:
                raise RuntimeError(f"the demo story expected #{step.opens}, the engine opened #{played.result.number}")
            if each is not None:
                each(played)


def _dispatch(store: Store, team: str, step: Step) -> Played:
    try:
        result = act(store, team, step.actor, step.command)
    except RightsRefused as refusal:
        if not step.refused:
            raise
        return Played(step, refusal=refusal)
    if step.refused:
        raise RuntimeError(f"the demo story expected the charter to refuse: {step.say}")
    return Played(step, result=result)

"""The sentences people read, one table: the web names people ("em (ezra)"), the gate and ``remit resolve``
name roles, and the same fact is worded the same way wherever it is read."""

from __future__ import annotations

import pytest

from remit.decisions import words
from remit.decisions.model import Blocker, EvidenceNeed, Resolution, State, WaitingOn
from remit.decisions.views import DecisionSummary
from remit.decisions.waiting import Wait

HOLDERS = {"pm": ["priya"], "em": ["ezra"], "tech-lead": ["theo"], "designer": ["dana", "dan"]}
RELEASE_WAITS = WaitingOn(["pm", "em"], [EvidenceNeed("system-risk", "em")], ["designer", "tech-lead"])
EZRA_VETO = Blocker("em", "technical", "ezra")


def summary(
    state: str, domain: str = "release", waiting_on: WaitingOn = RELEASE_WAITS, blocked_by: tuple[Blocker, ...] = ()
) -> DecisionSummary:
    opened = "2026-11-02T09:00:00+00:00"
    return DecisionSummary(2, domain, "Ship reorder", state, "priya", opened, None, waiting_on, list(blocked_by))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        pytest.param(words.who("em", HOLDERS), "em (ezra)", id="a role, named with its holders"),
        pytest.param(words.who("qa", HOLDERS), "qa (nobody holds it)", id="a role nobody holds says so"),
        pytest.param(words.who("em", None), "em", id="without holders, the role alone"),
        pytest.param(words.blocker(EZRA_VETO, HOLDERS), "ezra (em) on technical grounds", id="a veto names its person"),
        pytest.param(
            words.blocker(Blocker("em", None), HOLDERS), "em (ezra) on any grounds", id="an unnamed veto, its role"
        ),
        pytest.param(
            words.waiting(RELEASE_WAITS, HOLDERS),
            "a go from pm (priya); a go from em (ezra); evidence system-risk from em (ezra); "
            "an answer from designer (dana, dan); an answer from tech-lead (theo)",
            id="named, each role is a clause",
        ),
        pytest.param(
            words.waiting(RELEASE_WAITS, None),
            "a go from pm, em; evidence system-risk from em; an answer from designer, tech-lead",
            id="unnamed, the roles share one",
        ),
        pytest.param(words.waiting(WaitingOn(), HOLDERS), "nothing", id="waiting on nothing"),
        pytest.param(
            words.standing(summary("blocked", blocked_by=(EZRA_VETO,)), HOLDERS),
            "blocked by ezra (em) on technical grounds",
            id="a blocked decision stands blocked, whatever else it waits on",
        ),
        pytest.param(words.standing(summary("withdrawn"), HOLDERS), "withdrawn", id="a settled one, its state"),
        pytest.param(
            words.state_sentence(2, summary("open", waiting_on=WaitingOn(["pm"])), HOLDERS),
            "#2 is open, waiting on a go from pm (priya)",
            id="the message after a form",
        ),
        pytest.param(
            words.gate_reason(summary("open"), None),
            "#2 is still open, waiting on a go from pm, em; evidence system-risk from em",
            id="the gate waits on gos and evidence, not on the consulted",
        ),
        pytest.param(
            words.gate_reason(summary("blocked", blocked_by=(EZRA_VETO,)), None),
            "#2 is blocked by em on technical grounds",
            id="the gate names roles, not people",
        ),
        pytest.param(
            words.gate_reason(summary("open", "engineering-hiring"), None),
            "#2 is an engineering-hiring decision, not a release",
            id="the gate opens only for releases",
        ),
        pytest.param(
            words.gate_reason(summary("approved"), "2026-11-03T10:00:00+00:00"),
            "#2 'Ship reorder' was approved at 2026-11-03T10:00:00+00:00",
            id="the gate opens for an approved release",
        ),
        pytest.param(words.ask(Wait("go", "em")), "your go as em", id="asked for a go"),
        pytest.param(words.ask(Wait("evidence", "em", what="system-risk")), "evidence 'system-risk' from em"),
        pytest.param(words.ask(Wait("consult", "designer")), "you are consulted as designer"),
        pytest.param(
            words.ask(Wait("blocker", "em", "ezra", "technical")),
            "your no-go (technical) stands: only you can lift it",
            id="a standing veto is its holder's to lift",
        ),
        pytest.param(words.notice("told", "stakeholder", "approved"), "for your information as stakeholder: approved"),
    ],
)
def test_the_words(said: str, expected: str) -> None:
    assert said == expected


def test_a_resolution_line_by_line_for_a_terminal() -> None:
    resolution = Resolution(State.BLOCKED, [EZRA_VETO], RELEASE_WAITS, [], {"pm": False, "em": False})
    assert words.account(resolution) == [
        ("blocked", "blocked by ezra (em) on technical grounds"),
        ("waiting", "waiting on a go from pm, em"),
        ("waiting", "waiting on evidence system-risk from em"),
        ("consult", "waiting on an answer from designer, tech-lead"),
    ]


def test_history_reads_as_sentences() -> None:
    no_go = {"role": "em", "stance": "no-go", "basis": "technical", "reason": "p99 doubles", "crossing": None}
    assert words.history("PositionRecorded", "ezra", no_go) == "ezra (em) said no-go on technical grounds: p99 doubles"
    crossed = no_go | {"role": "pm", "crossing": "pm may block release only on business, market"}
    assert words.history("PositionRecorded", "priya", crossed) == (
        "priya (pm) said no-go on technical grounds (outside their scope: counted as voice): p99 doubles"
    )
    opened = {"role": "pm", "charter_version": 1, "deadline": "2026-11-07T09:00:17+00:00"}
    assert words.history("DecisionOpened", "priya", opened) == (
        "priya (pm) opened it under charter v1, to settle by 2026-11-07 09:00 UTC"
    )
    assert words.history("DecisionOpened", "priya", opened, "Europe/Berlin") == (
        "priya (pm) opened it under charter v1, to settle by 2026-11-07 10:00 CET"
    )
    assert words.history("DecisionStateChanged", "ezra", {"from": "open", "to": "blocked"}) == (
        "It moved from open to blocked"
    )
    assert words.history("SomethingNew", "remit", {"what": "x"}) == "remit: SomethingNew (what: x)"
    assert words.weight("crossing") == "voice only: outside their scope (a boundary crossing)"

"""Every sentence a person reads about a decision, made here once: the web pages, the CLI and the API's texts
(the gate's reason, a queue's asks) all call these. Plain text, no markup: the web escapes it, the CLI may
colour around it.

Who is named how: a role with the people who hold it, "em (ezra)", when ``holders`` is given; a person who
took a position as "ezra (em)"; with ``holders`` None, bare roles ("a go from pm, em")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from remit.decisions.model import Blocker, Resolution, State, WaitingOn
from remit.decisions.views import DecisionSummary
from remit.decisions.waiting import Wait
from remit.kernel.times import TEAM_DEFAULT, exact

Holders = Mapping[str, Sequence[str]] | None
RELEASE = "release"


class Standing(Protocol):
    """Where a decision stands: a ``Resolution`` or a ``DecisionSummary``."""

    @property
    def state(self) -> str: ...

    @property
    def blocked_by(self) -> Sequence[Blocker]: ...

    @property
    def waiting_on(self) -> WaitingOn: ...


def who(role: str, holders: Holders) -> str:
    """``em (ezra)``; a role nobody holds says so; without holders, just ``em``."""
    if holders is None:
        return role
    people = holders.get(role, [])
    return f"{role} ({', '.join(people)})" if people else f"{role} (nobody holds it)"


def blocker(veto: Blocker, holders: Holders) -> str:
    """``ezra (em) on technical grounds``: the person whose no-go stands, or (unnamed) their role."""
    name = f"{veto.person} ({veto.role})" if veto.person else who(veto.role, holders)
    return f"{name} on {veto.basis or 'any'} grounds"


def blocked(blocked_by: Sequence[Blocker], holders: Holders) -> str:
    return ", ".join(blocker(veto, holders) for veto in blocked_by)


def _from(what: str, roles: Sequence[str], holders: Holders) -> list[str]:
    """Named, each role is a clause of its own (its people in brackets); unnamed, the roles share one."""
    if holders is None:
        return [f"{what} from {', '.join(roles)}"] if roles else []
    return [f"{what} from {who(role, holders)}" for role in roles]


def needs(waiting_on: WaitingOn, holders: Holders) -> list[str]:
    """What an open decision still needs, a clause each: gos, then evidence, then the consulted's answers."""
    return [
        *_from("a go", waiting_on.roles, holders),
        *(f"evidence {need.name} from {who(need.role, holders)}" for need in waiting_on.evidence),
        *_from("an answer", waiting_on.consults, holders),
    ]


def waiting(waiting_on: WaitingOn, holders: Holders) -> str:
    return "; ".join(needs(waiting_on, holders)) or "nothing"


def standing(decision: Standing, holders: Holders) -> str:
    """``blocked by …``, ``waiting on …``, or the state it settled in."""
    if decision.state == State.BLOCKED:
        return f"blocked by {blocked(decision.blocked_by, holders)}"
    if decision.state == State.OPEN:
        return f"waiting on {waiting(decision.waiting_on, holders)}"
    return str(decision.state)


def state_sentence(number: int, decision: Standing, holders: Holders) -> str:
    """``#2 is open, waiting on …``, ``#2 is blocked by …``, ``#2 is approved``."""
    return f"#{number} is {'open, ' if decision.state == State.OPEN else ''}{standing(decision, holders)}"


def account(resolution: Resolution) -> list[tuple[str, str]]:
    """A resolution line by line for a terminal, each with its kind (blocked, waiting, consult, crossing)."""
    waiting_on = resolution.waiting_on
    return [
        *(("blocked", f"blocked by {blocker(veto, None)}") for veto in resolution.blocked_by),
        *(("waiting", f"waiting on {need}") for need in needs(_required(waiting_on), None)),
        *(("consult", f"waiting on {need}") for need in needs(WaitingOn(consults=waiting_on.consults), None)),
        *(("crossing", f"boundary crossing: {crossing.why}") for crossing in resolution.boundary_crossings),
    ]


def _required(waiting_on: WaitingOn) -> WaitingOn:
    """What approval needs: the gos and the evidence (the consulted are heard, not waited for)."""
    return WaitingOn(waiting_on.roles, waiting_on.evidence)


def gate_reason(decision: DecisionSummary, settled_at: str | None) -> str:
    """Why the release gate opens or stays closed. It names roles, not people (a pipeline's log reads the
    same whoever holds them), and waits only on what approval needs: gos and evidence, not the consulted."""
    number = decision.number
    if decision.domain != RELEASE:
        article = "an" if decision.domain[0] in "aeiou" else "a"
        return f"#{number} is {article} {decision.domain} decision, not a release"
    if decision.state == State.APPROVED:
        return f"#{number} '{decision.title}' was approved at {settled_at}"
    if decision.state == State.BLOCKED:
        return f"#{number} is blocked by {blocked([Blocker(b.role, b.basis) for b in decision.blocked_by], None)}"
    if decision.state == State.OPEN:
        return f"#{number} is still open, waiting on {waiting(_required(decision.waiting_on), None)}"
    return f"#{number} is {decision.state}"


def notice(kind: str, role: str | None, event: str) -> str:
    """Why someone was reached: ``you are consulted as designer``, ``for your information as sol: opened``."""
    if kind == "asked":
        return f"you are consulted as {role}"
    return f"for your information as {role}: {event}"


def ask(wait: Wait) -> str:
    """What a decision needs from the person whose queue it is in."""
    if wait.kind == "go":
        return f"your go as {wait.role}"
    if wait.kind == "evidence":
        return f"evidence '{wait.what}' from {wait.role}"
    if wait.kind == "consult":
        return notice("asked", wait.role, "opened")
    return f"your no-go ({wait.what or 'any grounds'}) stands: only you can lift it"


def position_recorded(
    number: int, decision: Standing, crossing: str | None, stance: str, basis: str | None, holders: Holders
) -> str:
    """The message a recorded position leaves: what was said, a crossing if it was one, where it now stands."""
    said = f"your {stance}" + (f" on {basis} grounds" if basis else "")
    now = state_sentence(number, decision, holders)
    if crossing:
        return (
            f"Recorded, but not as a veto: {said} is outside your scope, so it counts as voice and is recorded "
            f"as a boundary crossing ({crossing}). {now}."
        )
    return f"recorded: {said}. {now}."


def payload(kind: str, body: Mapping[str, Any]) -> str:
    """One audit entry's payload as a short line (the number is on the page already)."""
    skip = {"number", "charter_version", "consult", "inform"}
    parts = []
    for key, value in body.items():
        if key in skip or value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(
                " ".join(f"{v}" for v in item.values()) if isinstance(item, Mapping) else str(item) for item in value
            )
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


WEIGHTS = {
    "veto": "binding veto",
    "voice": "voice only",
    "crossing": "voice only: outside their scope (a boundary crossing)",
    "go": "go",
    "abstain": "abstained",
    "replaced": "replaced by their later position",
    "earlier": "from an earlier revision (cleared)",
    "none": "not counted: no say here",
}


def weight(value: str) -> str:
    """What a position counts for (a ``Weight``), in words."""
    return WEIGHTS.get(value, value)


def _by(actor: str, body: Mapping[str, Any]) -> str:
    role = body.get("role")
    return f"{actor} ({role})" if role else actor


def history(kind: str, actor: str, body: Mapping[str, Any], zone: str = TEAM_DEFAULT) -> str:
    """One entry of a decision's history as a sentence: "ezra (em) said no-go on technical grounds: …";
    a time in it as read in ``zone``."""
    by = _by(actor, body)
    reason = f": {body['reason']}" if body.get("reason") else ""
    match kind:
        case "DecisionOpened":
            deadline = f", to settle by {exact(body['deadline'], zone)}" if body.get("deadline") else ""
            return f"{by} opened it under charter v{body.get('charter_version')}{deadline}"
        case "PositionRecorded":
            grounds = f" on {body['basis']} grounds" if body.get("basis") else ""
            outside = " (outside their scope: counted as voice)" if body.get("crossing") else ""
            return f"{by} said {body.get('stance')}{grounds}{outside}{reason}"
        case "EvidenceAdded":
            return f"{by} added evidence {body.get('name')}: {body.get('text', '')}"
        case "DecisionStateChanged":
            return f"It moved from {body.get('from')} to {body.get('to')}"
        case "DecisionSettled":
            return f"It settled: {body.get('state')}"
        case "DecisionAmended":
            carried = body.get("vetoes_carried") or []
            kept = f"; the vetoes of {', '.join(carried)} carry over" if carried else ""
            return f"{actor} amended it (revision {body.get('revision')}): every position cleared{kept}"
        case "DecisionWithdrawn":
            return f"{actor} withdrew it{reason}"
        case "DecisionExpired":
            return "It expired at its deadline without being approved"
        case "CrossingRecorded":
            return f"{by} stepped over the charter's line: {body.get('why')}"
        case "ActionRefused":
            return f"{by} was refused: {body.get('why')}"
        case "CharterAdopted":
            return f"Charter v{body.get('version')} was adopted"
        case _:
            said = payload(kind, body)
            return f"{actor}: {kind}" + (f" ({said})" if said else "")

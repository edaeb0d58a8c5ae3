"""A decision's state in words, naming people for roles: "waiting on a go from em (ezra)", "blocked by em
(ezra) on technical grounds", and the message a form leaves after it is recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from remit.decisions.model import Blocker, WaitingOn
from remit.services.decisions import Outcome

Holders = Mapping[str, Sequence[str]]


def who(role: str, holders: Holders) -> str:
    """``em (ezra)``; a role nobody holds says so."""
    people = holders.get(role, [])
    return f"{role} ({', '.join(people)})" if people else f"{role} (nobody holds it)"


def waiting(waiting_on: WaitingOn, holders: Holders) -> str:
    parts = []
    if waiting_on.roles:
        parts.append("a go from " + ", ".join(who(role, holders) for role in waiting_on.roles))
    for need in waiting_on.evidence:
        parts.append(f"evidence '{need.name}' from {who(need.role, holders)}")
    if waiting_on.consults:
        parts.append("an answer from " + ", ".join(who(role, holders) for role in waiting_on.consults))
    return "; ".join(parts) if parts else "nothing"


def blocked(blocked_by: Sequence[Blocker], holders: Holders) -> str:
    parts = []
    for blocker in blocked_by:
        name = f"{blocker.role} ({blocker.person})" if blocker.person else who(blocker.role, holders)
        parts.append(f"{name} on {blocker.basis or 'any'} grounds")
    return ", ".join(parts)


def state(outcome: Outcome, holders: Holders) -> str:
    number, resolution = outcome.number, outcome.resolution
    if resolution.state.value == "blocked":
        return f"#{number} is blocked by {blocked(resolution.blocked_by, holders)}"
    if resolution.state.value == "open":
        return f"#{number} is open, waiting on {waiting(resolution.waiting_on, holders)}"
    return f"#{number} is {resolution.state.value}"


def position_recorded(outcome: Outcome, stance: str, basis: str | None, holders: Holders) -> str:
    said = f"your {stance}" + (f" on {basis} grounds" if basis else "")
    if outcome.crossing:
        return (
            f"recorded: {said} is outside your scope: counted as voice, recorded as a boundary crossing "
            f"({outcome.crossing}). {state(outcome, holders)}."
        )
    return f"recorded: {said}. {state(outcome, holders)}."


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

"""The charter: which role holds which right in which domain, and who plays which role.

Plain data, no I/O. A ``Charter`` is built by ``charter.loader`` from a TOML file and never changes; a
team changes its charter by adopting a new version through a decision in the ``charter`` domain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ROLES: tuple[str, ...] = (
    "pm",
    "em",
    "designer",
    "tech-lead",
    "tlm",
    "research-lead",
    "eng-leadership",
    "product-leadership",
    "engineer",
    "stakeholder",
)

READ_ONLY_ROLES = frozenset({"stakeholder"})  # DESIGN §4: "stakeholders read, they never write"


class Basis(StrEnum):
    """The standard grounds for a no-go. A team may add its own under ``[vocabulary] bases``: any name that
    matches ``BASIS_NAME``, so a basis is never an enum member alone (hence ``str`` wherever one is held)."""

    BUSINESS = "business"
    MARKET = "market"
    TECHNICAL = "technical"
    SAFETY = "safety"


BASES: tuple[str, ...] = tuple(basis.value for basis in Basis)
BASIS_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")  # fullmatch: a custom basis (the store checks the same)

DOMAINS: tuple[str, ...] = (
    "release",
    "engineering-reserve",
    "team-process",
    "backlog-prioritization",
    "engineering-hiring",
    "pm-hiring",
    "incident-response",
    "architecture",
    "tech-debt-strategy",
    "product-strategy",
    "positioning",
    "success-metrics",
    "discovery",
    "user-risk-appetite",
    "system-risk-appetite",
    "llm-cost-governance",
    "eval-harness",
    "ai-code-security-review",
    "model-capability",
    "charter",
)

CHARTER_DOMAIN = "charter"

# Notification channels are Apprise URLs (``scheme://...``); the charter checks their shape only, the ``notify``
# capability knows the schemes. A team's ``[notify]`` table names its channels per area of messages: ``all``
# (everything addressed to the team), or the messages of one area.
CHANNEL_URL = re.compile(r"[a-z][a-z0-9+.-]{1,30}://\S{1,2000}")
NOTIFY_AREAS: tuple[str, ...] = ("all", "decisions", "incidents")
MAX_CHANNELS = 10  # per person, and per area of a team
# A charter's channel may name a secret kept on the server instead of writing it: ``slack://${SLACK_INCIDENTS}``.
# The sender puts in the environment variable REMIT_SECRET_SLACK_INCIDENTS of the process that sends; the prefix
# keeps a charter from reading the server's other settings (REMIT_DATABASE_URL).
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]{0,63})\}")
SECRET_PREFIX = "REMIT_SECRET_"  # noqa: S105 - a prefix of variable names, not a password


class Right(StrEnum):
    """Rights from strongest to weakest (see docs/rights.md)."""

    DECIDE = "decide"
    BLOCK = "block"
    VOICE = "voice"
    CONSULT = "consult"
    INFORM = "inform"

    @property
    def may_take_position(self) -> bool:
        """Deciders, blockers, voices and consulted roles can record a position; informed roles are told."""
        return self is not Right.INFORM


@dataclass(frozen=True)
class Grant:
    """One role's right in one domain.

    ``bases`` is the block scope: the grounds on which a no-go from this role stops the decision.
    ``None`` means any basis (a sole owner's no-go always counts); only ``decide`` may leave it open.
    """

    role: str
    right: Right
    bases: frozenset[str] | None = None
    why: str = ""
    note: str = ""

    @property
    def holds_key(self) -> bool:
        return self.right is Right.DECIDE

    @property
    def can_block(self) -> bool:
        return self.right in (Right.DECIDE, Right.BLOCK)

    def blocks_on(self, basis: str | None) -> bool:
        """Whether a no-go on ``basis`` from this role stops the decision."""
        if not self.can_block:
            return False
        if self.bases is None:
            return True
        return basis is not None and basis in self.bases

    def scope_text(self) -> str:
        if not self.can_block:
            return "no veto"
        return "any basis" if self.bases is None else ", ".join(sorted(self.bases))

    def in_words(self) -> str:
        """The right as people say it: "decides; may block only on business or market grounds"."""
        if not self.can_block:
            return RIGHT_WORDS[self.right]
        grounds = "on any grounds" if self.bases is None else f"only on {either(self.bases)} grounds"
        if self.right is Right.DECIDE:
            return f"decides; may block {grounds}"
        return f"may block (not decide), {grounds}"


RIGHT_WORDS = {
    Right.DECIDE: "decides",
    Right.BLOCK: "may block, not decide",
    Right.VOICE: "has a voice: heard, never binding",
    Right.CONSULT: "is consulted and informed: asked before it settles, told of every change",
    Right.INFORM: "is informed: told, not asked",
}


def either(names: frozenset[str]) -> str:
    """``business or market``; ``safety, technical or legal``."""
    ordered = sorted(names)
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} or {ordered[-1]}"


@dataclass(frozen=True)
class DomainRights:
    name: str
    about: str
    grants: Mapping[str, Grant]

    def grant(self, role: str) -> Grant | None:
        return self.grants.get(role)

    def roles_with(self, right: Right) -> list[str]:
        return [role for role, grant in self.grants.items() if grant.right is right]

    @property
    def informed(self) -> list[str]:
        """The roles told of a change: the informed, and the consulted (a consulted role is also informed)."""
        return [role for role, grant in self.grants.items() if grant.right in (Right.CONSULT, Right.INFORM)]

    @property
    def deciders(self) -> list[str]:
        return self.roles_with(Right.DECIDE)

    @property
    def block_scopes(self) -> dict[str, list[str]]:
        """Every role that can stop the decision, with its bases (``["*"]`` for any basis)."""
        return {
            role: ["*"] if grant.bases is None else sorted(grant.bases)
            for role, grant in self.grants.items()
            if grant.can_block
        }


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    roles: tuple[str, ...]
    reports_to: str | None = None
    notify: tuple[str, ...] = ()  # their notification channels (Apprise URLs: secrets, never shown whole)


@dataclass(frozen=True)
class Charter:
    """A team's charter (or a preset, which has no people)."""

    name: str
    preset: str | None
    about: str
    domains: Mapping[str, DomainRights]
    people: Mapping[str, Person] = field(default_factory=dict)
    bases: frozenset[str] = frozenset(BASES)
    reserve: float = 0.20
    time_zone: str = "UTC"  # the team's IANA zone: how its people read and write times, unless they choose
    notify: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # area -> the team's channels
    status_components: tuple[str, ...] = ()  # [status] components: what the public status page lists
    status_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # [status] groups: name -> members
    status_private: tuple[str, ...] = ()  # [status] private: listed for the team, never shown to the public

    def domain(self, name: str) -> DomainRights | None:
        return self.domains.get(name)

    def person(self, handle: str) -> Person | None:
        return self.people.get(handle)

    def holders(self, role: str) -> list[Person]:
        return [person for person in self.people.values() if role in person.roles]

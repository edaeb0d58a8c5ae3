"""The decision actions, one typed command each. The fields validate themselves; the JSON API's request
bodies are these models (less the path's ``number``), and the web forms and the CLI build them too.
Handlers: ``decisions/handlers.py`` and ``decisions/rules.py``."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field

from remit.charter.rights import Action
from remit.decisions.model import Stance
from remit.decisions.results import Outcome, RuleView
from remit.kernel.commands import Command, Moment, Name, OneOf, Text, Word

Number = Annotated[int, Field(ge=1, le=2**31 - 1, description="the decision's number in the team")]
Role = Annotated[str | None, Word(50, "role"), Field(description="the role to act in, if you hold several")]
Context = Annotated[str, Text("context", 20_000, empty=True)]


class EvidenceItem(Command[None]):
    name: Annotated[str, Name("evidence name")]
    text: Annotated[str, Text("evidence", 20_000)]


class OpenDecision(Command[Outcome]):
    """Open a decision (you are the proposer) under the team's current charter and rules."""

    action: ClassVar[str | None] = Action.OPEN_DECISION
    domain: Annotated[str, Word(100, "domain"), Field(examples=["release"])]
    title: Annotated[str, Text("title", 300, one_line=True)]
    context: Context = ""
    deadline: Annotated[AwareDatetime | None, Moment("deadline")] = Field(
        default=None, description="ISO 8601 time with its offset, in the future"
    )
    evidence: list[EvidenceItem] = Field(default_factory=list, max_length=50)
    role: Role = None


class RecordPosition(Command[Outcome]):
    """Record your go, no-go or abstain on the current revision."""

    action: ClassVar[str | None] = Action.RECORD_POSITION
    number: Number
    stance: Annotated[Stance, OneOf("stance"), Field(examples=["go"])]
    reason: Annotated[str, Text("reason", 5_000)]
    basis: Annotated[str | None, Word(50, "basis"), Field(examples=["technical"])] = None
    role: Role = None


class AddEvidence(Command[Outcome]):
    """Add evidence (a rule may say which role must supply it)."""

    action: ClassVar[str | None] = Action.ADD_EVIDENCE
    number: Number
    name: Annotated[str, Name("evidence name")]
    text: Annotated[str, Text("evidence", 20_000)]
    role: Role = None


class AmendDecision(Command[Outcome]):
    """Start a new revision: positions clear; a veto standing now must be lifted on the new revision."""

    action: ClassVar[str | None] = Action.AMEND_DECISION
    number: Number
    title: Annotated[str | None, Text("title", 300, one_line=True)] = None
    context: Context = ""
    role: Role = None


class WithdrawDecision(Command[Outcome]):
    """Withdraw your own decision."""

    action: ClassVar[str | None] = Action.WITHDRAW_DECISION
    number: Number
    reason: Annotated[str, Text("reason", 5_000, empty=True)] = ""


class AddRule(Command[RuleView]):
    """Add a decision rule for future decisions in a domain (its key holders only)."""

    action: ClassVar[str | None] = Action.ADD_RULE
    domain: Annotated[str, Word(100, "domain")]
    because: Annotated[str, Text("reason for the rule", 5_000)]
    requires: list[Annotated[str, Word(201, "requirement")]] = Field(
        default_factory=list, max_length=20, examples=[["cost-of-delay:pm"]], description="evidence NAME:ROLE"
    )
    go: list[Annotated[str, Word(50, "role")]] = Field(default_factory=list, max_length=20)
    origin: int | None = Field(default=None, ge=1, le=2**31 - 1, description="the decision it came from")


class RetireRule(Command[RuleView]):
    """Retire a rule for future decisions, saying why."""

    action: ClassVar[str | None] = Action.RETIRE_RULE
    rule_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    because: Annotated[
        str, Text("reason for retiring it", 5_000, hint="the record keeps why: say why the rule is retired")
    ]


class ProposeCharter(Command[Outcome]):
    """Propose a new charter: opens a decision in the charter domain."""

    action: ClassVar[str | None] = Action.OPEN_DECISION
    text: Annotated[
        str, Text("proposed charter", 500_000, strip=False), Field(description="the whole proposed remit.toml")
    ]
    title: Annotated[str | None, Text("title", 300, one_line=True)] = None
    deadline: Annotated[AwareDatetime | None, Moment("deadline")] = Field(
        default=None, description="ISO 8601 time with its offset"
    )
    source: Annotated[str, Field(max_length=500, exclude=True)] = "proposed charter"


class MarkSeen(Command[int]):
    """You opened the decision: what it asked or told you is seen (the record shows who was reached)."""

    number: Number


class ExpireDecisions(Command[list[int]]):
    """Record the expiry of every overdue decision (the sweeper and `remit expire`)."""

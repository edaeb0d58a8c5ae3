"""Request and response bodies: one schema per direction. Limits here are the first line of defence; the
services check everything again."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceItem(Body):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", max_length=100, examples=["cost-of-delay"])
    text: str = Field(min_length=1, max_length=20_000)


class DecisionCreate(Body):
    domain: str = Field(min_length=1, max_length=100, examples=["release"])
    title: str = Field(min_length=1, max_length=300)
    context: str = Field(default="", max_length=20_000)
    deadline: AwareDatetime | None = Field(default=None, description="ISO 8601 time with its offset, in the future")
    evidence: list[EvidenceItem] = Field(default_factory=list, max_length=50)
    role: str | None = Field(default=None, max_length=50, description="the role to act in, if you hold several")


class PositionCreate(Body):
    stance: str = Field(pattern=r"^(go|no-go|abstain)$", examples=["go"])
    reason: str = Field(min_length=1, max_length=5_000)
    basis: str | None = Field(default=None, max_length=50, examples=["technical"])
    role: str | None = Field(default=None, max_length=50)


class EvidenceCreate(EvidenceItem):
    role: str | None = Field(default=None, max_length=50)


class DecisionAmend(Body):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    context: str = Field(default="", max_length=20_000)
    role: str | None = Field(default=None, max_length=50)


class DecisionWithdraw(Body):
    reason: str = Field(default="", max_length=5_000)


class RuleCreate(Body):
    domain: str = Field(min_length=1, max_length=100)
    because: str = Field(min_length=1, max_length=5_000)
    requires: list[str] = Field(default_factory=list, max_length=20, examples=[["cost-of-delay:pm"]])
    go: list[str] = Field(default_factory=list, max_length=20)
    origin: int | None = Field(default=None, ge=1, le=2**31 - 1, description="the decision it came from")


class RuleRetire(Body):
    because: str = Field(min_length=1, max_length=5_000)


class CharterProposal(Body):
    text: str = Field(min_length=1, max_length=500_000, description="the whole proposed remit.toml")
    title: str = Field(default="Change the charter", min_length=1, max_length=300)
    deadline: AwareDatetime | None = Field(default=None, description="ISO 8601 time with its offset")


class ResolveRequest(Body):
    domain: str = Field(min_length=1, max_length=100)
    positions: list[str] = Field(default_factory=list, max_length=100, examples=[["em=no-go:technical", "pm=go"]])
    evidence: list[str] = Field(default_factory=list, max_length=100)


class TokenCreate(Body):
    name: str = Field(min_length=1, max_length=100, examples=["deploy-pipeline"])
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class Problem(BaseModel):
    """Every error: a stable code, what went wrong and where, and how to fix it."""

    code: str
    message: str
    hint: str = ""


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


class GateRead(BaseModel):
    code: str | None = None
    message: str | None = None
    hint: str | None = None
    number: int
    approved: bool
    reason: str

"""The charter's actions. Changing the charter is itself a decision: a proposal opens one in the
``charter`` domain, and the new version is adopted in the transaction that approves it."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field

from remit.charter.rights import Action
from remit.decisions.results import Outcome
from remit.kernel.commands import Command, Text


class ProposeCharter(Command[Outcome]):
    """Propose a new charter: opens a decision in the charter domain."""

    action: ClassVar[str | None] = Action.OPEN_DECISION
    text: Annotated[
        str, Text("proposed charter", 500_000, strip=False), Field(description="the whole proposed remit.toml")
    ]
    title: Annotated[str | None, Text("title", 300)] = None
    deadline: AwareDatetime | None = Field(default=None, description="ISO 8601 time with its offset")
    source: Annotated[str, Field(max_length=500, exclude=True)] = "proposed charter"

"""The board's actions, one typed command each: import issues (read from a file or a tracker's API by the
adapters, with ``integrations/``), and publish the board or not. Handlers: ``tracker/handlers.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from remit.charter.rights import Action
from remit.integrations.issues import Category, Parsed, Source
from remit.kernel.commands import Command, Moment, OneOf, Text, describe
from remit.kernel.errors import InvalidInput
from remit.tracker.views import BoardSetting, BugLink, Imported

BOARD_DOMAIN = "team-process"  # the charter domain whose rights govern the board (charter/rights.py)
MAX_ISSUES = 20_000
Line = Annotated[str, Text("value", 200, one_line=True)]
When = Annotated[AwareDatetime, Moment("date")]


class IssueIn(BaseModel):
    """One issue as an importer read it (``integrations.issues.TrackedIssue``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key: Annotated[str, Text("key", 200, one_line=True), Field(examples=["STORM-10"])]
    title: Annotated[str, Text("title", 1000, one_line=True)]
    status: Annotated[str, Text("status", 100, one_line=True), Field(examples=["In Progress"])]
    category: Annotated[Category, OneOf("category")]
    created: When
    updated: When
    url: Annotated[str, Text("url", 2000, one_line=True), Field(pattern=r"^https?://")]
    assignee: Annotated[str | None, Text("assignee", 200, one_line=True)] = None
    labels: list[Line] = Field(default_factory=list, max_length=100)
    components: list[Line] = Field(default_factory=list, max_length=100)
    priority: Annotated[str | None, Text("priority", 200, one_line=True)] = None
    resolved: Annotated[datetime | None, Moment("resolved")] = None
    customer: Annotated[str | None, Text("customer", 200, one_line=True)] = None


class RowNotRead(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    where: Annotated[str, Text("where", 100, one_line=True)]
    reason: Annotated[str, Text("reason", 1000)]


class ImportIssues(Command[Imported]):
    """Import issues into the team's bug board: new ones are added, changed ones updated (keyed by source and
    key); the rows the importer could not read are reported back, and the import is recorded once."""

    action: ClassVar[str | None] = Action.IMPORT_ISSUES
    tracker: Annotated[Source, OneOf("tracker"), Field(examples=["jira"], description="github or jira")]
    origin: Annotated[str, Text("origin", 500, one_line=True), Field(examples=["storm-bugs.jsonl.gz"])]
    issues: list[IssueIn] = Field(default_factory=list, max_length=MAX_ISSUES)
    unreadable: list[RowNotRead] = Field(default_factory=list, max_length=MAX_ISSUES)
    skipped: dict[Line, Annotated[int, Field(ge=0, le=10**9)]] = Field(default_factory=dict, max_length=20)


class PublishBoard(Command[BoardSetting]):
    """Publish the team's bug board (readable without signing in, at /public/TEAM/bugs), or take it back."""

    action: ClassVar[str | None] = Action.PUBLISH_BOARD
    published: bool


BugKey = Annotated[
    str, Text("key", 200, one_line=True), Field(examples=["STORM-10"], description="the bug's key on the board")
]


class LinkBug(Command[BugLink]):
    """Link a bug of the board to an incident of the team (a bug has one at most: linking it again moves it)."""

    action: ClassVar[str | None] = Action.LINK_BUG
    key: BugKey
    incident: Annotated[int, Field(ge=1, le=2**31 - 1, description="the incident's number", examples=[3])]


class UnlinkBug(Command[BugLink]):
    """Unlink a bug of the board from its incident."""

    action: ClassVar[str | None] = Action.LINK_BUG
    key: BugKey


def import_command(source: Source, origin: str, parsed: Parsed) -> ImportIssues:
    """The command that imports what an importer read (``integrations``). An issue the command would refuse
    (a title too long, an address that is not http) is reported with the unreadable rows, not lost."""
    issues: list[IssueIn] = []
    unreadable = [RowNotRead(where=row.where[:100], reason=row.reason[:1000]) for row in parsed.unreadable]
    for issue in parsed.issues:
        values = {name: getattr(issue, name) for name in IssueIn.model_fields}
        try:
            issues.append(IssueIn(**values))
        except (ValidationError, InvalidInput) as error:
            why = describe(error) if isinstance(error, ValidationError) else error.message
            unreadable.append(RowNotRead(where=issue.key[:100], reason=why[:1000]))
    return ImportIssues(
        tracker=source, origin=origin[-500:], issues=issues, unreadable=unreadable, skipped=parsed.skipped
    )

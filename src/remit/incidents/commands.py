"""The incident actions, one typed command each. The JSON API's request bodies are these models (less the
path's ``number``); the web forms and the CLI build them too. Handlers: ``incidents/handlers.py``."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from remit.charter.rights import Action
from remit.incidents.model import Severity, Status, check_postmortem_url
from remit.incidents.results import IncidentDone
from remit.kernel.commands import Command, Name, OneOf, Text, Word

Number = Annotated[int, Field(ge=1, le=2**31 - 1, description="the incident's number in the team")]
Message = Annotated[str, Text("message", 5_000, empty=True)]
SeverityField = Annotated[Severity, OneOf("severity"), Field(examples=["sev2"])]


class OpenIncident(Command[IncidentDone]):
    """Open an incident (you are its commander until you name another); the PM is told and asked for impact."""

    action: ClassVar[str | None] = Action.OPEN_INCIDENT
    title: Annotated[str, Text("title", 300, one_line=True)]
    severity: SeverityField
    components: list[Annotated[str, Name("component")]] = Field(default_factory=list, max_length=50)
    message: Message = ""
    public: bool = Field(default=False, description="the opening message may go on the public status page")


class UpdateIncident(Command[IncidentDone]):
    """Post an update: a message (public or internal), a status change, a severity change, or several."""

    action: ClassVar[str | None] = Action.POST_INCIDENT_UPDATE
    number: Number
    status: Annotated[Status, OneOf("status")] | None = Field(default=None, examples=["identified"])
    severity: Annotated[Severity, OneOf("severity")] | None = Field(default=None, examples=["sev1"])
    message: Message = ""
    public: bool = Field(default=False, description="the message may go on the public status page")


class NameCommander(Command[IncidentDone]):
    """Name the incident's commander: the on-call person who runs it (the owner side only)."""

    action: ClassVar[str | None] = Action.NAME_COMMANDER
    number: Number
    handle: Annotated[str, Word(100, "handle"), Field(examples=["omar"])]


class AnswerImpact(Command[IncidentDone]):
    """Answer the customer-impact consult (the consulted role: the PM)."""

    action: ClassVar[str | None] = Action.ANSWER_IMPACT
    number: Number
    impact: Annotated[str, Text("customer impact", 5_000)]


class ResolveIncident(Command[IncidentDone]):
    """Resolve the incident, with a closing message (public or internal)."""

    action: ClassVar[str | None] = Action.RESOLVE_INCIDENT
    number: Number
    message: Message = ""
    public: bool = False


class LinkPostmortem(Command[IncidentDone]):
    """Link the postmortem (an http(s) address): a resolved incident moves to its postmortem."""

    action: ClassVar[str | None] = Action.LINK_POSTMORTEM
    number: Number
    url: Annotated[str, Text("postmortem link", 2_000, one_line=True), Field(examples=["https://wiki/pm/42"])]
    public: bool = Field(default=False, description="the postmortem's link may go on the public status page")

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        return check_postmortem_url(url)


class MarkIncidentSeen(Command[int]):
    """You opened the incident: what it asked or told you is seen."""

    number: Number

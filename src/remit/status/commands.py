"""The status page's own actions, one typed command each: set a component's state by hand, schedule a
maintenance, move it along (or cancel it) with a public or internal line. The API's request bodies are these
models (less the path's ``number``/``component``); the web forms and the CLI build them. Handlers:
``status/handlers.py``; rights: the charter's incident-response domain (``charter/rights.py``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, Field

from remit.charter.rights import Action
from remit.kernel.commands import Command, Moment, Name, OneOf, Text
from remit.status.maintenance import MaintenanceStatus
from remit.status.tables import ComponentStatus

DOMAIN = "incident-response"
Number = Annotated[int, Field(ge=1, le=2**31 - 1, description="the maintenance's number in the team")]
When = Annotated[AwareDatetime, Moment("time")]


@dataclass(frozen=True)
class ComponentSet:
    component: str
    status: str  # as set by hand
    note: str
    effective: str  # the worst of the hand's state, open incidents and maintenance under way

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MaintenanceDone:
    number: int
    name: str
    status: str  # as it stands now (the clock moves a scheduled one)
    scheduled_for: datetime
    scheduled_until: datetime
    update: int | None

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["scheduled_for"] = self.scheduled_for.isoformat()
        found["scheduled_until"] = self.scheduled_until.isoformat()
        return found


class SetComponentStatus(Command[ComponentSet]):
    """Set a component's state by hand, with an optional public note; ``operational`` takes the hand off.
    What the page shows is the worst of this, its open incidents and any maintenance under way."""

    action: ClassVar[str | None] = Action.SET_COMPONENT_STATUS
    component: Annotated[str, Name("component"), Field(examples=["payments"])]
    status: Annotated[ComponentStatus, OneOf("component status"), Field(examples=["degraded_performance"])]
    note: Annotated[str, Text("note", 500, empty=True, one_line=True)] = ""


class ScheduleMaintenance(Command[MaintenanceDone]):
    """Announce a maintenance: its window and the components it takes down; the message is public."""

    action: ClassVar[str | None] = Action.MANAGE_MAINTENANCE
    name: Annotated[str, Text("name", 300, one_line=True), Field(examples=["Database upgrade"])]
    components: list[Annotated[str, Name("component")]] = Field(min_length=1, max_length=50)
    scheduled_for: When
    scheduled_until: When
    message: Annotated[str, Text("message", 5_000)]


class UpdateMaintenance(Command[MaintenanceDone]):
    """Move a maintenance along (in_progress, verifying, completed; cancelled before it begins), with a
    message: public (on the status page) or an internal note."""

    action: ClassVar[str | None] = Action.MANAGE_MAINTENANCE
    number: Number
    status: Annotated[MaintenanceStatus, OneOf("maintenance status")] | None = Field(
        default=None, examples=["in_progress"]
    )
    message: Annotated[str, Text("message", 5_000, empty=True)] = ""
    public: bool = Field(default=False, description="the message may go on the public status page")

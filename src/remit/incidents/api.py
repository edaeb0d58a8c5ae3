"""/api/v1/incidents: open an incident, post updates, name the commander, answer the customer-impact consult,
resolve, link the postmortem; read them, and the timings per severity. A write is one command dispatched as
the caller; a read calls one query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, WRITE_ERRORS
from remit.incidents import (
    abilities,
    handlers,  # noqa: F401 - registers the handlers the routes dispatch to
    queries,
)
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    MarkIncidentSeen,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.kernel.commands import COMMANDS

router = APIRouter(prefix="/api/v1", tags=["incidents"])
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="the incident's number in the team")]

route(router, "POST", "/incidents", OpenIncident, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/incidents/{number}/updates", UpdateIncident, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/incidents/{number}/commander", NameCommander, responses=WRITE_ERRORS)
route(router, "POST", "/incidents/{number}/impact", AnswerImpact, responses=WRITE_ERRORS)
route(router, "POST", "/incidents/{number}/resolve", ResolveIncident, responses=WRITE_ERRORS)
route(router, "POST", "/incidents/{number}/postmortem", LinkPostmortem, responses=WRITE_ERRORS)


@router.get("/incidents", responses=ERRORS, summary="The team's incidents, newest first")
def list_incidents(
    store: StoreDep,
    caller: Caller,
    open: Annotated[bool, Query(description="only investigating, identified or monitoring")] = False,
) -> dict[str, Any]:
    found = queries.list_incidents(uow=store.uow(), team=caller.team, open_only=open)
    return {"items": [item.as_dict() for item in found]}


@router.get("/incidents/timings", responses=ERRORS, summary="Time to acknowledge, mitigate, resolve, per severity")
def incident_timings(store: StoreDep, caller: Caller) -> dict[str, Any]:
    found = queries.severity_timings(uow=store.uow(), team=caller.team)
    return {"items": [item.as_dict() for item in found]}


@router.get("/incidents/mine", responses=ERRORS, summary="What incidents asked or told me, not yet opened")
def my_incident_notices(store: StoreDep, caller: Caller) -> dict[str, Any]:
    """The caller's queue of incidents: each that asked them (the customer-impact consult, until it is
    answered or the incident is over) or told them something they have not opened yet, newest first."""
    found = queries.concerns(uow=store.uow(), team=caller.team, handle=caller.handle)
    return {"items": [item.as_dict() for item in found]}


@router.get("/incidents/{number}", responses=ERRORS, summary="An incident: state, timeline, impact, timings")
def show_incident(number: Number, store: StoreDep, caller: Caller) -> dict[str, Any]:
    """Opening an incident marks what it asked or told the caller as seen."""
    found = abilities.incident_page(uow=store.uow(), team=caller.team, handle=caller.handle, number=number)
    if found.unseen:  # the one write a read makes, and only when there is something to mark
        COMMANDS.dispatch(store, caller.acting, MarkIncidentSeen(number=number))
    return found.view.as_dict()

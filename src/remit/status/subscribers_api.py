"""/api/v1: the status page's subscribers for the team (incident-response's key holders), and subscribing
for anyone (no token), as the public form does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, WRITE_ERRORS, Problem
from remit.status import subscription_handlers as subscriptions
from remit.status.subscribe_web import subscribe_as_public
from remit.status.subscription_commands import RemoveSubscriber

router = APIRouter(prefix="/api/v1", tags=["status"])
REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "only incident-response's key holders see the subscribers"}
}
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "too many requests from this client, or for this address"}
}
route(
    router,
    "DELETE",
    "/status/subscribers/{subscription}",
    RemoveSubscriber,
    responses=WRITE_ERRORS,
    description="Nothing more is sent to the subscriber. Refused (and recorded as a boundary crossing) unless the "
    "caller holds a key in incident-response.",
)


class SubscriptionRequest(BaseModel):
    address: str = Field(max_length=1000, examples=["ops@example.com"])
    components: list[str] = Field(default_factory=list, max_length=50, description="none: every public component")


@router.get(
    "/status/subscribers",
    responses={**ERRORS, **REFUSED},
    summary="The status page's subscribers (masked), and how many confirmed ones hear of each component",
)
def list_subscribers(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return subscriptions.subscribers(uow=store.uow(), team=caller.team, handle=caller.handle).as_dict()


@router.post(
    "/status/{team}/subscriptions",
    status_code=202,
    responses={**WRITE_ERRORS, **TOO_MANY},
    summary="Subscribe an email address or a webhook URL to a team's status page (no token; a confirmation is sent)",
)
def subscribe(
    request: Request, team: Annotated[str, Path(max_length=100)], body: Annotated[SubscriptionRequest, Body()]
) -> JSONResponse:
    done = subscribe_as_public(request, team, body.address, body.components)
    return JSONResponse({"state": "pending", "message": done.sentence}, status_code=202)

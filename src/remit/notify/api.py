"""/api/v1: a person's notification settings, and the team's deliveries (for the charter's key holders)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, WRITE_ERRORS
from remit.notify import handlers
from remit.notify.commands import AddChannel, RemoveChannel, RetryDelivery, SetPreferences

router = APIRouter(prefix="/api/v1", tags=["notifications"])
route(router, "POST", "/me/notify/channels", AddChannel, status=201, responses=WRITE_ERRORS)
route(router, "DELETE", "/me/notify/channels/{channel_id}", RemoveChannel, responses=WRITE_ERRORS)
route(router, "PUT", "/me/notify/preferences", SetPreferences, responses=WRITE_ERRORS)
route(
    router,
    "POST",
    "/notify/deliveries/{delivery_id}/retry",
    RetryDelivery,
    responses=WRITE_ERRORS,
    description="A dead delivery is sent again. Refused (and recorded as a boundary crossing) unless the caller "
    "holds a key in the charter or team-process domain.",
)


@router.get("/me/notify", responses=ERRORS, summary="Your channels (masked), what you receive, your digest")
def my_settings(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return handlers.my_settings(uow=store.uow(), team=caller.team, handle=caller.handle).as_dict()


@router.get(
    "/notify/deliveries",
    responses=ERRORS,
    summary="The team's deliveries: counts per state, the dead and the retrying (key holders of the charter)",
)
def deliveries(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return handlers.status(uow=store.uow(), team=caller.team, viewer=caller.handle).as_dict()

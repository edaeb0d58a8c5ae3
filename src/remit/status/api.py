"""/api/v1/status: set a component's state by hand, schedule a maintenance and move it along, and read them
as the team manages them (every line, internal notes included). A write is one command dispatched as the
caller (its token); the public page's JSON is Statuspage's, under /api/v2 (``status/web.py``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, WRITE_ERRORS
from remit.status import board
from remit.status import handlers as _handlers  # noqa: F401 - registers the handlers the routes dispatch to
from remit.status.commands import ScheduleMaintenance, SetComponentStatus, UpdateMaintenance

router = APIRouter(prefix="/api/v1", tags=["status page"])

route(router, "PUT", "/status/components/{component}", SetComponentStatus, responses=WRITE_ERRORS)
route(router, "POST", "/status/maintenances", ScheduleMaintenance, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/status/maintenances/{number}/updates", UpdateMaintenance, status=201, responses=WRITE_ERRORS)


@router.get(
    "/status",
    responses=ERRORS,
    summary="The status page as the team manages it: components (set by hand, effective), maintenances",
)
def status_board(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return board.manage_view(uow=store.uow(), team=caller.team, handle=caller.handle).as_dict()

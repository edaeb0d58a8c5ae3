"""The notification pages: my notifications (channels, what I receive, the digest) and the team's
deliveries (for the charter's key holders: the dead ones, sent again from here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from remit.kernel.commands import build
from remit.notify import handlers
from remit.notify.commands import AddChannel, RemoveChannel, RetryDelivery, SetPreferences
from remit.web.render import PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/notifications")
def settings_page(request: Request, who: Viewer) -> HTMLResponse:
    settings = handlers.my_settings(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    return page(request, "notifications.html", title="Notifications", settings=settings)


@router.post("/notifications/channels")
def add_channel(request: Request, who: Poster, url: Annotated[str, Form(max_length=2000)] = "") -> Response:
    view = act(request, who, build(AddChannel, url=url))
    return redirect("/notifications", flash=f"channel added: {view.shown}")


@router.post("/notifications/channels/{channel_id}/remove")
def remove_channel(request: Request, who: Poster, channel_id: Id) -> Response:
    view = act(request, who, RemoveChannel(channel_id=channel_id))
    return redirect("/notifications", flash=f"channel removed: {view.shown}")


@router.post("/notifications/preferences")
def set_preferences(
    request: Request,
    who: Poster,
    topic: Annotated[list[str] | None, Form(max_length=50)] = None,
    digest: Annotated[str, Form(max_length=20)] = "off",
) -> Response:
    act(request, who, build(SetPreferences, topics=topic or [], digest=digest))
    return redirect("/notifications", flash="your choices are saved")


@router.get("/notifications/deliveries")
def deliveries_page(request: Request, who: Viewer) -> HTMLResponse:
    report = handlers.status(uow=store_of(request).uow(), team=who.team, viewer=who.handle)
    return page(request, "deliveries.html", title="Deliveries", report=report)


@router.post("/notifications/deliveries/{delivery_id}/retry")
def retry_delivery(request: Request, who: Poster, delivery_id: Id) -> Response:
    view = act(request, who, RetryDelivery(delivery_id=delivery_id))
    return redirect("/notifications/deliveries", flash=f"delivery {view.id} is due again")

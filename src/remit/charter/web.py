"""The charter page: its matrix, its sources, where it departs from its preset, and a form to propose a
change (which opens a charter decision)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from remit.charter import handlers as charters
from remit.charter.commands import ProposeCharter
from remit.decisions import abilities
from remit.kernel.commands import build
from remit.web.render import PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/charter")
def charter_page(request: Request, who: Viewer) -> HTMLResponse:
    store = store_of(request)
    view = charters.charter_view(uow=store.uow(), team=who.team)
    can = abilities.open_abilities(uow=store.uow(), team=who.team, handle=who.handle)
    return page(request, "charter.html", title="Charter", charter=view, can=can, holders=can.holders)


@router.post("/charter/proposals")
def propose_charter(
    request: Request,
    who: Poster,
    text: Annotated[str, Form(max_length=200_000)],
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    outcome = act(request, who, build(ProposeCharter, text=text, title=title.strip() or None))
    flash = f"proposed: #{outcome.number} adopts the new charter when it is approved"
    return redirect(f"/decisions/{outcome.number}", flash=flash)

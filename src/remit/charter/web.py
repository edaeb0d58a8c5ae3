"""The charter page: its matrix, its sources, where it departs from its preset, and a form to propose a
change (the form posts to ``decisions/web.py``: a proposal opens a charter decision)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from remit.charter import views as charters
from remit.charter.abilities import open_abilities
from remit.web.render import PageRoute, page
from remit.web.session import Viewer, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/charter")
def charter_page(request: Request, who: Viewer) -> HTMLResponse:
    store = store_of(request)
    view = charters.charter_view(uow=store.uow(), team=who.team)
    can = open_abilities(uow=store.uow(), team=who.team, handle=who.handle)
    return page(request, "charter.html", title="Charter", charter=view, can=can, holders=can.holders)

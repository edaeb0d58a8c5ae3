"""The bug board's pages: /bugs for the team's signed-in members (stakeholders included), its publish form,
and /public/TEAM/bugs for anyone, when the team publishes it. The bare public board (no search, the first
page) is served as bytes rendered when the board changes (``status/web.py``, with the status pages); a search
or a next page is answered here, in the same words (``public_html``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from remit.kernel import times
from remit.kernel.commands import build
from remit.kernel.uow import Store
from remit.tracker import board
from remit.tracker.commands import PublishBoard
from remit.tracker.views import public_path
from remit.web.render import ENV, HEADERS, PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Filter = Annotated[str, Query(max_length=200)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


def _query(search: board.Search) -> str:
    """The search as a query string to carry to the next page (ending in & when not empty)."""
    asked = {name: getattr(search, name) for name in ("q", "label", "component", "customer", "status")}
    text = urlencode({name: value for name, value in asked.items() if value})
    return f"{text}&" if text else ""


@router.get("/bugs")
def bugs_page(
    request: Request,
    who: Viewer,
    q: Filter = "",
    label: Filter = "",
    component: Filter = "",
    customer: Filter = "",
    status: Filter = "",
    offset: Offset = 0,
) -> HTMLResponse:
    uow = store_of(request).uow()
    search = board.Search(q, label, component, customer, status)
    with uow.reading():
        found = board.board(uow=uow, team=who.team, search=search, offset=offset)
        labels, components, customers = board.facets(uow=uow, team=who.team)
        can = board.abilities(uow=uow, team=who.team, handle=who.handle)
    return page(
        request,
        "bugs.html",
        title="Bugs",
        board=found,
        search=search,
        labels=labels,
        components=components,
        customers=customers,
        categories=board.CATEGORIES,
        can=can,
        query=_query(search),
        page_size=board.PAGE,
        public_path=public_path(who.team),
    )


@router.post("/bugs/publish")
def publish(request: Request, who: Poster, published: Annotated[str, Form(max_length=10)] = "") -> Response:
    setting = act(request, who, build(PublishBoard, published=published))
    said = f"published: anyone can read it at {setting.public_path}" if setting.published else "for the team only"
    return redirect("/bugs", flash=f"The bug board is {said}")


@router.get("/public/{team}/bugs")
def public_bugs_page(
    request: Request,
    team: Annotated[str, Path(max_length=100)],
    q: Filter = "",
    status: Filter = "",
    offset: Offset = 0,
) -> HTMLResponse:
    """A search of the published board, or its next page (the bare board is the published bytes')."""
    html = public_html(store_of(request), team, board.Search(q=q, status=status), offset)
    return HTMLResponse(html, headers=HEADERS)


def public_html(store: Store, team: str, search: board.Search, offset: int = 0) -> str:
    """The published board as anyone reads it, whoever is signed in: the same page for everyone, its times
    exact in the team's zone (the bare board's bytes outlive the moment: never "3 hours ago"). ``NotFound``
    when the team has not published it."""
    found = board.board(uow=store.uow(), team=team, search=search, offset=offset, public=True)
    zone = board.time_zone(uow=store.uow(), team=team)
    return ENV.get_template("public_bugs.html").render(
        viewer=None,
        csrf="",
        flash=None,
        flash_tone=None,
        path=public_path(team),
        title=f"{team}'s bugs",
        zone=zone,
        exact=lambda value: times.exact(value, zone),
        team=team,
        board=found,
        search=search,
        categories=board.CATEGORIES,
        query=_query(search),
        page_size=board.PAGE,
    )

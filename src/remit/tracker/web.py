"""The bug board's pages: /bugs for the team's signed-in members (stakeholders included), its publish form and
its upload form (a tracker's export, imported as the CLI imports it), the "Linked bugs" panel of an incident's
page with its link and unlink forms, and /public/TEAM/bugs for anyone, when the team publishes it. The bare
public board (no search, the first page) is served as bytes rendered when the board changes (``status/web.py``,
with the status pages); a search or a next page is answered here, in the same words (``public_html``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from remit.integrations import github, jira
from remit.integrations.issues import Source
from remit.kernel import times
from remit.kernel.commands import SignedIn, build
from remit.kernel.errors import InvalidInput, RightsRefused
from remit.kernel.uow import Store
from remit.tracker import board
from remit.tracker.commands import LinkBug, PublishBoard, UnlinkBug, import_command
from remit.tracker.views import UPLOAD_LIMIT, UPLOAD_WORDS, Imported, public_path
from remit.web.panels import Panel, incident_panel
from remit.web.render import ENV, HEADERS, PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, local_path, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Filter = Annotated[str, Query(max_length=200)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]
Incident = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Key = Annotated[str, Form(max_length=200)]
Back = Annotated[str, Form(max_length=500)]  # the page the form was on, to come back to
UPLOAD_PATHS = {"/bugs/upload": UPLOAD_LIMIT + 64 * 1024}  # the file, and the form's own few fields around it
READERS = {Source.GITHUB: github.read, Source.JIRA: jira.read}


def _query(search: board.Search) -> str:
    """The search as a query string to carry to the next page (ending in & when not empty)."""
    asked = {name: getattr(search, name) for name in ("q", "label", "component", "customer", "status", "incident")}
    text = urlencode({name: value for name, value in asked.items() if value})
    return f"{text}&" if text else ""


def _board_page(
    request: Request, who: SignedIn, search: board.Search, offset: int = 0, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    uow = store_of(request).uow()
    with uow.reading():
        found = board.board(uow=uow, team=who.team, search=search, offset=offset)
        labels, components, customers = board.facets(uow=uow, team=who.team)
        can = board.abilities(uow=uow, team=who.team, handle=who.handle)
    return page(
        request,
        "bugs.html",
        status=status,
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
        upload_limit=UPLOAD_WORDS,
        **{"imported": None, "upload_error": None} | extra,
    )


@router.get("/bugs")
def bugs_page(
    request: Request,
    who: Viewer,
    q: Filter = "",
    label: Filter = "",
    component: Filter = "",
    customer: Filter = "",
    status: Filter = "",
    incident: Incident = None,
    offset: Offset = 0,
) -> HTMLResponse:
    return _board_page(request, who, board.Search(q, label, component, customer, status, incident), offset)


@router.post("/bugs/publish")
def publish(request: Request, who: Poster, published: Annotated[str, Form(max_length=10)] = "") -> Response:
    setting = act(request, who, build(PublishBoard, published=published))
    said = f"published: anyone can read it at {setting.public_path}" if setting.published else "for the team only"
    return redirect("/bugs", flash=f"The bug board is {said}")


@router.post("/bugs/upload")
def upload(
    request: Request, who: Poster, file: UploadFile, tracker: Annotated[str, Form(max_length=20)] = ""
) -> HTMLResponse:
    """A tracker's export, uploaded: read by the importer the CLI uses, imported by the same command, and the
    outcome shown on the board (each row not read, with its line and reason)."""
    name = (file.filename or "the uploaded file")[-200:]
    data = file.file.read(UPLOAD_LIMIT + 1)
    if len(data) > UPLOAD_LIMIT:
        too_big = InvalidInput(f"{name} is over the {UPLOAD_WORDS} limit", hint="import it with `remit bugs import`")
        return _board_page(request, who, board.Search(), status=413, upload_error=too_big)
    try:
        if tracker not in READERS:
            raise InvalidInput(f"unknown tracker '{tracker}'", hint="say github or jira", field="tracker")
        if not data:
            raise InvalidInput(f"{name} is empty", hint="choose the tracker's export file", field="file")
        source = Source(tracker)
        imported: Imported = act(request, who, import_command(source, name, READERS[source](data, name)))
    except InvalidInput as error:
        return _board_page(request, who, board.Search(), status=422, upload_error=error)
    return _board_page(request, who, board.Search(), imported=imported)


def _back(next_path: str, number: int | None) -> str:
    return local_path(next_path, f"/incidents/{number}" if number else "/bugs")


@router.post("/bugs/link")
def link(request: Request, who: Poster, key: Key, incident: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Response:
    back = _back(f"/incidents/{incident}#linked-bugs", incident)
    try:
        done = act(request, who, build(LinkBug, key=key.strip(), incident=incident))
    except (InvalidInput, RightsRefused) as error:  # a refusal is on the incident's record as a crossing
        said = f"Not linked: {error.message}" + (f" ({error.hint})" if error.hint else "")
        return redirect(back, flash=said, warning=True)
    return redirect(back, flash=done.sentence)


@router.post("/bugs/unlink")
def unlink(request: Request, who: Poster, key: Key, back: Back = "") -> Response:
    try:
        done = act(request, who, build(UnlinkBug, key=key))
    except (InvalidInput, RightsRefused) as error:
        return redirect(_back(back, None), flash=f"Not unlinked: {error.message}", warning=True)
    return redirect(_back(back, done.previous), flash=done.sentence)


@incident_panel
def linked_bugs_panel(request: Request, who: SignedIn, number: int) -> Panel:
    """An incident's "Linked bugs": the board's bugs linked to it, where each stands, and (for whoever may link
    bugs to it) the forms to link one by its key and to unlink each."""
    uow = store_of(request).uow()
    with uow.reading():
        found = board.board(uow=uow, team=who.team, search=board.Search(incident=number), limit=board.MAX_PAGE)
        can_link = board.may_link(uow=uow, team=who.team, handle=who.handle, number=number)
    html = ENV.get_template("incident_bugs.html").render(
        board=found, number=number, can_link=can_link, csrf=who.csrf, team=who.team
    )
    return Panel("linked-bugs", "Linked bugs", Markup(html), found.total)  # noqa: S704 - autoescaped


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

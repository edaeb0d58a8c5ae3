"""The incident pages: the list (open and resolved, and the form to open one), an incident's page (its state
on top, the timeline with public and internal lines marked, the forms the viewer may use, the customer-impact
consult), and the "Incidents" panel of the queue page. Each handler parses, calls one service as the
signed-in person, and renders (or redirects with what happened)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from remit.incidents import abilities, queries, words
from remit.incidents import handlers as _handlers  # noqa: F401 - registers the handlers the forms dispatch to
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    MarkIncidentSeen,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.incidents.model import Severity
from remit.incidents.results import IncidentDone
from remit.kernel.commands import Command, SignedIn, build
from remit.kernel.errors import InvalidInput, RightsRefused
from remit.web.panels import Panel, incident_panels, queue_panel
from remit.web.render import ENV, PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ENV.globals.update(
    state_sentence=words.state_sentence,
    change_words=words.change,
    timings_words=words.timings_line,
    concern_words=words.concern,
)
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
Long = Annotated[str, Form(max_length=20_000)]
Flag = Annotated[str, Form(max_length=10)]
SEVERITIES = list(Severity)


def _list(request: Request, who: SignedIn, *, status: int = 200, **form: object) -> HTMLResponse:
    store = store_of(request)
    found = queries.list_incidents(uow=store.uow(), team=who.team)
    return page(
        request,
        "incidents.html",
        status=status,
        title="Incidents",
        open_incidents=[i for i in found if i.open],
        resolved=[i for i in found if not i.open],
        can_open=abilities.may_open(uow=store.uow(), team=who.team, handle=who.handle),
        severities=SEVERITIES,
        values=form.get("values", {}),
        error=form.get("error"),
        where=form.get("where", ""),
    )


@router.get("/incidents")
def incident_list(request: Request, who: Viewer) -> HTMLResponse:
    return _list(request, who)


OPEN_FIELDS = {"title": "title", "severity": "severity", "component": "component", "message": "message"}


@router.post("/incidents")
def open_incident(
    request: Request,
    who: Poster,
    title: Annotated[str, Form(max_length=300)],
    severity: Annotated[str, Form(max_length=20)],
    components: Annotated[str, Form(max_length=2000)] = "",
    message: Long = "",
    public: Flag = "",
) -> Response:
    names = [name.strip() for name in components.split(",") if name.strip()]
    try:
        command = build(
            OpenIncident, title=title, severity=severity, components=names, message=message, public=bool(public)
        )
        done = act(request, who, command)
    except InvalidInput as error:
        typed = {"title": title, "severity": severity, "components": components, "message": message, "public": public}
        return _list(request, who, status=422, values=typed, error=error, where=OPEN_FIELDS.get(error.field or "", ""))
    return redirect(f"/incidents/{done.number}", flash=f"opened incident #{done.number} at {done.severity}")


@dataclass(frozen=True)
class Refused:
    """A form on the incident page that was refused: which, the error, the field at fault, what was typed."""

    form: str
    error: InvalidInput
    where: str
    typed: dict[str, str]


FORM_FIELDS = {"customer impact": "impact", "message": "message", "status": "status", "severity": "severity"}
FORM_FIELDS |= {"handle": "handle", "postmortem link": "url"}


def _page(request: Request, who: SignedIn, number: int, refused: Refused | None = None) -> HTMLResponse:
    found = abilities.incident_page(uow=store_of(request).uow(), team=who.team, handle=who.handle, number=number)
    if found.unseen and refused is None:  # opening it is what reaches them: the one write a page view makes
        act(request, who, MarkIncidentSeen(number=number))
    return page(
        request,
        "incident.html",
        status=422 if refused else 200,
        title=f"Incident #{number} {found.view.summary.title}",
        i=found.view,
        can=found.can,
        severities=SEVERITIES,
        refused=refused,
        panels=incident_panels(request, who, number),
    )


@router.get("/incidents/{number}")
def incident_page(request: Request, who: Viewer, number: Number) -> HTMLResponse:
    return _page(request, who, number)


def _submit(
    request: Request,
    who: SignedIn,
    number: int,
    form: str,
    command: Mapping[str, object],
    kind: type[Command[IncidentDone]],
) -> Response:
    """Build and dispatch one form's command; a bad value is the page again with the form as typed and the
    message beside its field; a refusal (recorded as a boundary crossing) is the page with the refusal."""
    try:
        done = act(request, who, build(kind, number=number, **command))
    except InvalidInput as error:
        typed = {key: "" if value is None else str(value) for key, value in command.items()}
        return _page(request, who, number, Refused(form, error, FORM_FIELDS.get(error.field or "", ""), typed))
    except RightsRefused as error:  # on the record as a boundary crossing: shown under the page's crossings
        return redirect(f"/incidents/{number}", flash=f"{error.message} ({error.hint})", warning=True)
    said = words.state_sentence(done.as_dict() | {"components": []})
    return redirect(f"/incidents/{number}", flash=said)


@router.post("/incidents/{number}/updates")
def post_update(
    request: Request,
    who: Poster,
    number: Number,
    status: Annotated[str, Form(max_length=20)] = "",
    severity: Annotated[str, Form(max_length=20)] = "",
    message: Long = "",
    public: Flag = "",
) -> Response:
    values = {"status": status or None, "severity": severity or None, "message": message, "public": bool(public)}
    return _submit(request, who, number, "update", values, UpdateIncident)


@router.post("/incidents/{number}/impact")
def answer_impact(request: Request, who: Poster, number: Number, impact: Long) -> Response:
    return _submit(request, who, number, "impact", {"impact": impact}, AnswerImpact)


@router.post("/incidents/{number}/resolve")
def resolve(request: Request, who: Poster, number: Number, message: Long = "", public: Flag = "") -> Response:
    return _submit(request, who, number, "resolve", {"message": message, "public": bool(public)}, ResolveIncident)


@router.post("/incidents/{number}/commander")
def name_commander(
    request: Request, who: Poster, number: Number, handle: Annotated[str, Form(max_length=100)]
) -> Response:
    return _submit(request, who, number, "commander", {"handle": handle}, NameCommander)


@router.post("/incidents/{number}/postmortem")
def link_postmortem(
    request: Request, who: Poster, number: Number, url: Annotated[str, Form(max_length=2000)], public: Flag = ""
) -> Response:
    return _submit(request, who, number, "postmortem", {"url": url, "public": bool(public)}, LinkPostmortem)


@queue_panel
def incidents_panel(request: Request, who: SignedIn) -> Panel | None:
    """The queue's "Incidents" panel: what incidents asked or told the viewer that they have not opened yet,
    and a customer-impact consult until it is answered."""
    found = queries.concerns(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    if not found:
        return None
    html = ENV.get_template("incident_panel.html").render(concerns=found)
    return Panel("incidents", "Incidents", Markup(html), len({c.number for c in found}))  # noqa: S704 - autoescaped

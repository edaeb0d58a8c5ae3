"""/manage/status: the team's page for what the public status page shows beyond incidents: each component's
state (set by hand, with a public note, and what the page shows), and the maintenances (schedule one; move
it along with a public line or an internal note). Signed-in members read it; the forms are offered to who the
charter's incident-response domain lets act, and the handlers check again.

/manage/status/subscribers: the public page's subscribers (masked addresses), how many confirmed ones hear of
each component, and a Remove button each. Only incident-response's key holders (MANAGE_STATUS_SUBSCRIBERS)
see it, as the API's list: anyone else gets the 403 page, and a refused removal is one too (on the record)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from remit.kernel.commands import Command, SignedIn, build
from remit.kernel.errors import Conflict, InvalidInput, NotFound, RemitError, RightsRefused
from remit.status import board, subscription_handlers
from remit.status import handlers as _handlers  # noqa: F401 - registers the handlers the forms dispatch to
from remit.status.commands import ScheduleMaintenance, SetComponentStatus, UpdateMaintenance
from remit.status.maintenance import MOVES, WORDS, MaintenanceStatus, read_time
from remit.status.model import STATUS_WORDS
from remit.status.subscription_commands import RemoveSubscriber
from remit.web.render import PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
R = TypeVar("R")
HERE = "/manage/status"
SUBSCRIBERS = HERE + "/subscribers"
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
Long = Annotated[str, Form(max_length=20_000)]
Short = Annotated[str, Form(max_length=1_000)]
Flag = Annotated[str, Form(max_length=10)]


def _page(
    request: Request,
    who: SignedIn,
    *,
    status: int = 200,
    error: RemitError | None = None,
    form: str = "",
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    view = board.manage_view(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    return page(
        request,
        "manage_status.html",
        status=status,
        title="Status page",
        view=view,
        status_words=STATUS_WORDS,
        maintenance_words=WORDS,
        moves={s.value: [m.value for m in MOVES[s]] for s in MaintenanceStatus},
        error=error,
        form=form,
        typed=typed or {},
    )


def _acted(
    request: Request, who: SignedIn, command: Callable[[], Command[R]], form: str, typed: dict[str, str]
) -> R | Response:
    """The command built and dispatched; a bad value (or a move that does not fit) is the page again with the
    message at its form; a refusal (on the record as a boundary crossing) is a warning."""
    try:
        return act(request, who, command())
    except (InvalidInput, Conflict) as error:
        return _page(request, who, status=error.status, error=error, form=form, typed=typed)
    except RightsRefused as error:
        return redirect(HERE, flash=f"{error.message} ({error.hint})", warning=True)


@router.get(HERE)
def manage_page(request: Request, who: Viewer) -> HTMLResponse:
    return _page(request, who)


@router.post(HERE + "/components")
def set_component(
    request: Request,
    who: Poster,
    component: Annotated[str, Form(max_length=100)],
    status: Annotated[str, Form(max_length=30)],
    note: Short = "",
) -> Response:
    typed = {"component": component, "status": status, "note": note}
    done = _acted(
        request,
        who,
        lambda: build(SetComponentStatus, component=component, status=status, note=note),
        f"component-{component}",
        typed,
    )
    if isinstance(done, Response):
        return done
    said = STATUS_WORDS[done.effective].lower()
    return redirect(HERE, flash=f"{done.component} is set to {done.status}; the public page shows it as {said}")


@router.post(HERE + "/maintenances")
def schedule(
    request: Request,
    who: Poster,
    name: Annotated[str, Form(max_length=300)],
    components: Annotated[str, Form(max_length=2000)],
    scheduled_for: Annotated[str, Form(max_length=100)],
    scheduled_until: Annotated[str, Form(max_length=100)],
    message: Long,
) -> Response:
    typed = {"name": name, "components": components, "scheduled_for": scheduled_for}
    typed |= {"scheduled_until": scheduled_until, "message": message}
    now, zone = store_of(request).clock(), who.time_zone

    def command() -> ScheduleMaintenance:
        return build(
            ScheduleMaintenance,
            name=name,
            components=[c.strip() for c in components.split(",") if c.strip()],
            scheduled_for=read_time(scheduled_for, now=now, zone=zone, field="scheduled_for"),
            scheduled_until=read_time(scheduled_until, now=now, zone=zone, field="scheduled_until"),
            message=message,
        )

    done = _acted(request, who, command, "schedule", typed)
    if isinstance(done, Response):
        return done
    return redirect(HERE, flash=f"maintenance #{done.number} is scheduled")


@router.post(HERE + "/maintenances/{number}/updates")
def update(
    request: Request,
    who: Poster,
    number: Number,
    status: Annotated[str, Form(max_length=30)] = "",
    message: Long = "",
    public: Flag = "",
) -> Response:
    typed = {"status": status, "message": message, "public": public}
    done = _acted(
        request,
        who,
        lambda: build(UpdateMaintenance, number=number, status=status or None, message=message, public=bool(public)),
        f"maintenance-{number}",
        typed,
    )
    if isinstance(done, Response):
        return done
    return redirect(HERE, flash=f"maintenance #{done.number} is {WORDS[MaintenanceStatus(done.status)].lower()}")


@router.get(SUBSCRIBERS)
def subscribers_page(request: Request, who: Viewer) -> HTMLResponse:
    """The API's list (``GET /api/v1/status/subscribers``), as a page: refused (403) as the API refuses."""
    found = subscription_handlers.subscribers(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    return page(request, "manage_subscribers.html", title="Status page subscribers", subscribers=found, here=HERE)


@router.post(SUBSCRIBERS + "/{subscription}/remove")
def remove_subscriber(request: Request, who: Poster, subscription: Number) -> Response:
    """``RemoveSubscriber``; a refusal is the 403 page (the handler records the crossing), one already gone a
    warning."""
    try:
        done = act(request, who, build(RemoveSubscriber, subscription=subscription))
    except NotFound as error:
        return redirect(SUBSCRIBERS, flash=f"{error.message} (reload the list)", warning=True)
    return redirect(SUBSCRIBERS, flash=done.sentence)

"""The public subscription pages, for anyone, no account: ``/status/{team}/subscribe`` (the form: an email
address or a webhook URL, all components or some), ``/status/{team}/confirm/{token}`` and
``/status/{team}/unsubscribe/{token}``. Each link's page shows what it will do and a button: the write is a
POST (a mail scanner that fetches links confirms or ends nothing; RFC 8058's one-click unsubscribe is a POST
to the same address). A link that is not ours, altered, spent or expired is a page saying so (404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse

from remit.kernel.commands import COMMANDS, Caller, build
from remit.kernel.errors import InvalidInput
from remit.status import subscription_handlers as subscriptions
from remit.status.subscribe_limits import SubscribeLimits
from remit.status.subscription_commands import ConfirmSubscription, Subscribe, SubscriptionDone, Unsubscribe
from remit.status.subscriptions import PUBLIC, Purpose
from remit.web.render import PageRoute, page
from remit.web.session import store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Team = Annotated[str, Path(max_length=100)]
Token = Annotated[str, Path(max_length=200)]


def limits(request: Request) -> SubscribeLimits:
    """The server's subscribe limits, made on first use in the storage its sign-in limits use."""
    found: SubscribeLimits | None = getattr(request.app.state, "subscribe_limits", None)
    if found is None:
        where = getattr(request.app.state.settings, "rate_limit_storage", "memory://")
        found = request.app.state.subscribe_limits = SubscribeLimits(where)
    return found


def subscribe_as_public(request: Request, team: str, address: str, components: list[str]) -> SubscriptionDone:
    """The one way the public subscribes, from the form or the JSON API: counted, then dispatched."""
    client = request.client.host if request.client else ""
    limits(request).hit(team, client, address)
    command = build(Subscribe, address=address, components=components)
    done: SubscriptionDone = COMMANDS.dispatch(store_of(request), Caller(team, PUBLIC), command)
    return done


def _form(request: Request, team: str, *, status: int = 200, error: str = "", address: str = "",
          chosen: tuple[str, ...] = ()) -> HTMLResponse:  # fmt: skip
    form = subscriptions.subscribe_form(uow=store_of(request).uow(), team=team)
    return page(
        request,
        "status_subscribe.html",
        status=status,
        title=f"Subscribe to {form.name} status",
        form=form,
        error=error,
        address=address,
        chosen=chosen,
    )


@router.get("/status/{team}/subscribe")
def subscribe_page(request: Request, team: Team) -> HTMLResponse:
    return _form(request, team)


@router.post("/status/{team}/subscribe")
def subscribe(
    request: Request,
    team: Team,
    address: Annotated[str, Form(max_length=1000)] = "",
    components: Annotated[list[str] | None, Form(max_length=50)] = None,
) -> HTMLResponse:
    chosen = tuple(components or ())
    try:
        done = subscribe_as_public(request, team, address, list(chosen))
    except InvalidInput as refused:  # the form again, with what was typed and what is wrong
        return _form(request, team, status=422, error=refused.message, address=address[:1000], chosen=chosen)
    return page(request, "status_link.html", title="Check your inbox", team=team, heading="Check your inbox",
                said=done.sentence + ".", action="")  # fmt: skip


def _link_page(request: Request, team: str, purpose: Purpose, token: str) -> HTMLResponse:
    seen = subscriptions.link_holds(uow=store_of(request).uow(), team=team, purpose=purpose, token=token)
    if purpose is Purpose.CONFIRM:
        which = ", ".join(seen.components) or "every component"
        heading, said, button = (
            "Confirm your subscription",
            f"Send {team}'s status notices ({which}) to {seen.shown}?",
            "Confirm",
        )
    else:
        heading, said, button = "Unsubscribe", f"Stop sending {team}'s status notices to {seen.shown}?", "Unsubscribe"
    return page(request, "status_link.html", title=heading, team=team, heading=heading, said=said, action=button)


def _done(request: Request, team: str, heading: str, done: SubscriptionDone) -> HTMLResponse:
    said = done.sentence + "."  # it may begin with an address, kept as it is
    return page(request, "status_link.html", title=heading, team=team, heading=heading, said=said, action="")


@router.get("/status/{team}/confirm/{token}")
def confirm_page(request: Request, team: Team, token: Token) -> HTMLResponse:
    return _link_page(request, team, Purpose.CONFIRM, token)


@router.post("/status/{team}/confirm/{token}")
def confirm(request: Request, team: Team, token: Token) -> HTMLResponse:
    done = COMMANDS.dispatch(store_of(request), Caller(team, PUBLIC), build(ConfirmSubscription, token=token))
    return _done(request, team, "Subscribed", done)


@router.get("/status/{team}/unsubscribe/{token}")
def unsubscribe_page(request: Request, team: Team, token: Token) -> HTMLResponse:
    return _link_page(request, team, Purpose.UNSUBSCRIBE, token)


@router.post("/status/{team}/unsubscribe/{token}")
def unsubscribe(request: Request, team: Team, token: Token) -> HTMLResponse:
    """The page's button, and RFC 8058's one-click POST from a mail client (``List-Unsubscribe=One-Click``)."""
    done = COMMANDS.dispatch(store_of(request), Caller(team, PUBLIC), build(Unsubscribe, token=token))
    return _done(request, team, "Unsubscribed", done)

"""Signing in and out, one-time sign-in links, my API tokens and my password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from remit.charter import teams as team_list
from remit.identity import accounts as identity
from remit.identity import tokens
from remit.identity.accounts import SESSION_TTL
from remit.identity.commands import ChangePassword, CreateToken, EndSessions, RevokeToken, SetTimeZone
from remit.identity.throttle import SignInLimits
from remit.identity.views import NewToken
from remit.kernel.commands import SignedIn, build
from remit.kernel.errors import InvalidInput, NotAuthenticated, RateLimited
from remit.kernel.times import known_zones
from remit.web.render import PageRoute, page, redirect
from remit.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Poster,
    Viewer,
    act,
    check_login_csrf,
    end_session,
    local_path,
    login_csrf,
    set_login_csrf,
    start_session,
    store_of,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]


def _limits(request: Request) -> SignInLimits:
    limits: SignInLimits = request.app.state.sign_in_limits
    return limits


def _address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn's --forwarded-allow-ips)."""
    return request.client.host if request.client else ""


def _login_form(
    request: Request, *, next_path: str, team: str = "", handle: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    teams = team_list.team_names(uow=store_of(request).uow())
    token = login_csrf(request)
    notice = "your session has ended: sign in again" if request.query_params.get("ended") else ""
    response = page(
        request,
        "login.html",
        status=status,
        title="Sign in",
        team=team or (teams[0] if len(teams) == 1 else ""),
        handle=handle,
        next_path=next_path,
        login_csrf=token,
        error=error,
        notice=notice,
    )
    set_login_csrf(request, response, token)
    return response


@router.get("/login")
def login_page(request: Request, next_path: Annotated[str, Query(alias="next", max_length=2000)] = "/") -> HTMLResponse:
    return _login_form(request, next_path=local_path(next_path))


@router.post("/login")
def login(
    request: Request,
    team: Text,
    handle: Text,
    password: Annotated[str, Form(max_length=1000)],
    csrf: Text = "",
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    check_login_csrf(request, csrf)
    target = local_path(next_path)
    try:
        session = identity.sign_in(
            uow=store_of(request).uow(),
            limits=_limits(request),
            address=_address(request),
            team=team.strip(),
            handle=handle.strip(),
            password=password,
            ttl=SESSION_TTL,
        )
    except (NotAuthenticated, RateLimited) as refused:
        form = _login_form(
            request, next_path=target, team=team, handle=handle, error=refused.message, status=refused.status
        )
        if isinstance(refused, RateLimited):
            form.headers["Retry-After"] = str(refused.retry_after)
        return form
    response = redirect(target)
    start_session(request, response, session.token, SESSION_TTL)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.get("/login/link/{token}")
def login_link_page(request: Request, token: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    """Only a button: the link is used by the POST, so a mail scanner fetching the link does not spend it."""
    csrf = login_csrf(request)
    response = page(request, "login_link.html", title="Sign in", token=token, login_csrf=csrf)
    response.headers["Referrer-Policy"] = "no-referrer"
    set_login_csrf(request, response, csrf)
    return response


@router.post("/login/link/{token}")
def login_link(request: Request, token: Annotated[str, Path(max_length=200)], csrf: Text = "") -> Response:
    check_login_csrf(request, csrf)
    uow, limits, address = store_of(request).uow(), _limits(request), _address(request)
    session = identity.use_login_link(uow=uow, limits=limits, address=address, token=token, ttl=SESSION_TTL)
    response = redirect("/", flash=f"signed in as {session.identity.handle}: set a password on your password page")
    response.headers["Referrer-Policy"] = "no-referrer"
    start_session(request, response, session.token, SESSION_TTL)
    return response


@router.post("/logout")
def logout(request: Request, who: Poster) -> Response:
    identity.sign_out(uow=store_of(request).uow(), token=request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login", flash=f"{who.handle} signed out")
    end_session(response)
    return response


def _tokens(request: Request, who: SignedIn, new: NewToken | None = None) -> HTMLResponse:
    views = tokens.list_tokens(uow=store_of(request).uow(), person_id=who.person_id)
    return page(request, "tokens.html", title="API tokens", tokens=views, new=new)


@router.get("/tokens")
def tokens_page(request: Request, who: Viewer) -> HTMLResponse:
    return _tokens(request, who)


@router.post("/tokens")
def create_token(
    request: Request, who: Poster, name: Text, days: Annotated[str, Form(max_length=10)] = ""
) -> HTMLResponse:
    new = act(request, who, build(CreateToken, name=name, expires_in_days=days.strip() or None))
    return _tokens(request, who, new)  # the secret is shown on this response only


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, who: Poster, token_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    view = act(request, who, RevokeToken(token_id=token_id))
    return redirect("/tokens", flash=f"revoked token '{view.name}' ({view.prefix}…): it no longer works")


@router.get("/password")
def password_page(request: Request, who: Viewer) -> HTMLResponse:
    return page(request, "password.html", title="Password", minimum=identity.MIN_PASSWORD)


@router.post("/password")
def change_password(
    request: Request,
    who: Poster,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    again: Annotated[str, Form(max_length=1000)],
) -> Response:
    if new != again:
        raise InvalidInput("the two new passwords differ", hint="type the same new password twice")
    act(request, who, build(ChangePassword, current=current, new=new, keep_session=who.session_id))
    return redirect("/password", flash="your password is changed: your other sessions have ended")


@router.post("/sessions/end")
def sign_out_everywhere(request: Request, who: Poster) -> Response:
    """Every web session of yours ends, this one too; API tokens keep working."""
    ended = act(request, who, EndSessions())
    response = redirect("/login", flash=f"{who.handle} signed out everywhere: {ended.sentence}")
    end_session(response)
    return response


def _settings(
    request: Request, who: SignedIn, *, typed: str | None = None, error: InvalidInput | None = None
) -> HTMLResponse:
    return page(
        request,
        "settings.html",
        status=422 if error else 200,
        title="Your settings",
        zones=sorted(known_zones()),
        chosen=who.own_time_zone if typed is None else typed,
        team_zone=who.team_time_zone,
        error=error,
    )


@router.get("/settings")
def settings_page(request: Request, who: Viewer) -> HTMLResponse:
    return _settings(request, who)


@router.post("/settings/time-zone")
def set_time_zone(request: Request, who: Poster, time_zone: Annotated[str, Form(max_length=100)] = "") -> Response:
    """Your own time zone (empty: the team's); a zone nobody knows comes back on the form, as typed."""
    try:
        view = act(request, who, build(SetTimeZone, time_zone=time_zone))
    except InvalidInput as error:
        return _settings(request, who, typed=time_zone, error=error)
    return redirect("/settings", flash=view.sentence[0].upper() + view.sentence[1:])

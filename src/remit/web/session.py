"""Who is looking: the session cookie, the CSRF check on every form, one-time flash messages, and the
``next`` path after signing in (local paths only).

Cookies: ``remit_session`` holds the session token (HttpOnly, SameSite=Lax, Secure behind HTTPS, Max-Age to
the session's end); ``remit_login_csrf`` is the sign-in form's double-submit token (the form has no
session yet); ``remit_flash`` carries the message a redirect leaves for the next page.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from datetime import timedelta
from typing import Annotated, TypeVar
from urllib.parse import quote, urlsplit

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from remit.kernel.commands import COMMANDS, Command, SignedIn
from remit.kernel.errors import NotAuthenticated, RemitError
from remit.kernel.uow import Store

R = TypeVar("R")

SESSION_COOKIE = "remit_session"
LOGIN_CSRF_COOKIE = "remit_login_csrf"
FLASH_COOKIE = "remit_flash"


class CsrfRefused(RemitError):
    """A form whose CSRF token is missing or is not the session's: nothing is written."""

    code = "csrf_refused"
    status = 403


def refused_form() -> CsrfRefused:
    return CsrfRefused(
        "this form did not come from your Remit session: nothing was recorded",
        hint="reload the page and send the form again",
    )


class SignInRequired(Exception):
    """No session, or it has ended: go to the sign-in page, then come back to ``next``."""

    def __init__(self, next_path: str, *, ended: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.ended = ended

    def redirect(self) -> RedirectResponse:
        url = f"/login?next={quote(self.next_path, safe='/')}" + ("&ended=1" if self.ended else "")
        response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
        if self.ended:
            response.delete_cookie(SESSION_COOKIE, path="/")
        return response


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def act(request: Request, who: SignedIn, command: Command[R]) -> R:
    """Dispatch a form's command as the signed-in person."""
    return COMMANDS.dispatch(store_of(request), who.acting, command)


def local_path(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site, else ``default``: never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def _here(request: Request) -> str:
    """Where to come back to: this page for a GET; for a form, the page it was sent from (the Referer)."""
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    return came_from(request) or "/"


def came_from(request: Request) -> str:
    """The page a form was sent from, if the Referer names one on this site; else ""."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return ""
    return local_path(referer.path + (f"?{referer.query}" if referer.query else ""), "")


def viewer(request: Request) -> SignedIn:
    """The signed-in person (dependency of every page)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired(_here(request))
    try:
        who: SignedIn = request.app.state.identify_session(uow=store_of(request).uow(), token=token)
    except NotAuthenticated:
        raise SignInRequired(_here(request), ended=True) from None
    request.state.viewer = who
    request.state.person = f"{who.handle}@{who.team}"  # for the request log
    return who


def poster(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> SignedIn:
    """The signed-in person sending a form: its ``csrf`` field must be their session's token."""
    who = viewer(request)
    if not who.csrf or not hmac.compare_digest(csrf.encode(), who.csrf.encode()):
        raise refused_form()
    return who


Viewer = Annotated[SignedIn, Depends(viewer)]
Poster = Annotated[SignedIn, Depends(poster)]


def start_session(request: Request, response: Response, token: str, ttl: timedelta) -> None:
    max_age = max(0, int(ttl.total_seconds()))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.settings.secure_cookies),
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def login_csrf(request: Request) -> str:
    """The sign-in form's token: the one in its cookie, or a new one."""
    current = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return current if len(current) >= 20 else secrets.token_urlsafe(24)


def set_login_csrf(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=int(timedelta(hours=2).total_seconds()),
        path="/login",
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.settings.secure_cookies),
    )


def check_login_csrf(request: Request, sent: str) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise refused_form()


FLASH_TONES = ("done", "warning")  # a success, or something the person should know went otherwise than asked


def set_flash(response: Response, message: str, tone: str = "done") -> None:
    value = base64.urlsafe_b64encode(f"{tone}\n{message[:1000]}".encode()).decode()
    response.set_cookie(FLASH_COOKIE, value, max_age=60, path="/", httponly=True, samesite="lax")


def pop_flash(request: Request) -> tuple[str, str]:
    """(the message, its tone) left by the last redirect; ("", "done") if none (or unreadable)."""
    value = request.cookies.get(FLASH_COOKIE, "")
    try:
        tone, _, message = base64.urlsafe_b64decode(value.encode()).decode().partition("\n")
    except (binascii.Error, UnicodeDecodeError):
        return "", "done"
    return (message, tone) if tone in FLASH_TONES else ("", "done")


def clear_flash(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")

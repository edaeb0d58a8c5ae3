"""Rendering pages: one Jinja2 environment (autoescaped), the headers every page carries, the error page,
and the route class that turns any ``RemitError`` raised under a page into that error page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from remit.kernel import times
from remit.kernel.times import TEAM_DEFAULT
from remit.web.session import SignInRequired, came_from, clear_flash, pop_flash, set_flash

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@pass_context
def moment(context: Context, value: Any, exact: bool = False) -> Markup:
    """A stored time as the viewer reads it, in their zone (the page's ``zone``): "3 hours ago", with the
    exact time on hover; ``exact`` shows the exact time too ("2026-11-30 09:00 CET (in 2 days)")."""
    return moment_html(value, zone=context.get("zone") or TEAM_DEFAULT, now=datetime.now(UTC), exact=exact)


def moment_html(value: Any, *, zone: str, now: datetime, exact: bool = False) -> Markup:
    """``<time datetime="2026-11-30T08:00:00+00:00" title="2026-11-30 09:00 CET">in 2 days</time>``; a missing
    time is a dash."""
    if value is None or value == "":
        return Markup("—")
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    precise, said = times.exact(when, zone), times.relative(when, now, zone)
    text = (precise if times.far(when, now) else f"{precise} ({said})") if exact else said
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        when.astimezone(UTC).isoformat(timespec="seconds"), precise, text
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["moment"] = moment
    return env


ENV = _environment()


def page(request: Request, template: str, *, status: int = 200, title: str = "", **context: Any) -> HTMLResponse:
    """Render ``template`` for the signed-in viewer (``request.state.viewer``), with any flash message; its
    times in the viewer's zone (``zone``: their own, else the team's)."""
    viewer = getattr(request.state, "viewer", None)
    flash, tone = pop_flash(request)
    html = ENV.get_template(template).render(
        viewer=viewer,
        csrf=viewer.csrf if viewer is not None else "",
        flash=flash,
        flash_tone=tone,
        path=request.url.path,
        title=title,
        status=status,
        zone=getattr(viewer, "time_zone", TEAM_DEFAULT),
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if flash:
        clear_flash(response)
    return response


def error_page(request: Request, status: int, message: str, hint: str) -> HTMLResponse:
    """The HTML error page: what went wrong and how to fix it, never a traceback."""
    back = came_from(request) if request.method == "POST" else ""
    return page(request, "error.html", status=status, title=f"{status}", message=message, hint=hint, back=back)


class PageRoute(APIRoute):
    """A page: whatever the Accept header, its errors are rendered as the HTML error page (by the app's one
    error renderer, ``api/errors.py``); a missing or ended session is a redirect to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            request.scope["remit.page"] = True
            try:
                return await handler(request)
            except SignInRequired as needed:
                return needed.redirect()

        return page_handler


def redirect(url: str, *, flash: str = "", warning: bool = False) -> RedirectResponse:
    """303 to ``url`` (a local path), carrying a one-time message for the next page: a success, or with
    ``warning`` something that went otherwise than asked (a no-go that counted only as voice)."""
    response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
    if flash:
        set_flash(response, flash, "warning" if warning else "done")
    return response
